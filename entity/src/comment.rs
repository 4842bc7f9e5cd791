use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "comments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub proposal_id: i32,
    pub parent_id: Option<i32>,
    pub author_id: i32,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    pub hidden_at: Option<DateTimeUtc>,
    pub hidden_by: Option<i32>,
    #[sea_orm(column_type = "Text", nullable)]
    pub hidden_reason: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
