use crate::enums::*;
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "session_polls")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub session_id: i32,
    /// The agenda item that was current when the poll opened.
    pub agenda_item_id: Option<i32>,
    pub question: String,
    pub kind: PollKind,
    /// JSON list of the option labels.
    #[sea_orm(column_type = "Text")]
    pub options: String,
    pub opened_at: DateTimeUtc,
    pub closed_at: Option<DateTimeUtc>,
    /// Answers counted in the results last published while the poll was open.
    pub published_answers: i32,
    /// JSON of the final results, kept at the close when the answers themselves are dropped.
    #[sea_orm(column_type = "Text", nullable)]
    pub results: Option<String>,
    pub created_by: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
