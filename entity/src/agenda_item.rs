use crate::enums::*;
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "agenda_items")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub session_id: i32,
    /// 1-based order on the agenda.
    pub position: i32,
    /// None for a free topic.
    pub proposal_id: Option<i32>,
    pub title: String,
    pub time_box_minutes: Option<i32>,
    pub started_at: Option<DateTimeUtc>,
    pub ended_at: Option<DateTimeUtc>,
    pub decision: Option<ItemDecision>,
    #[sea_orm(column_type = "Text", nullable)]
    pub decision_note: Option<String>,
    pub merged_into_id: Option<i32>,
    pub decided_by: Option<i32>,
    pub decided_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
