use crate::enums::*;
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "forums")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub cycle_id: i32,
    pub level: ForumLevel,
    pub region_id: i32,
    pub agency_id: Option<i32>,
    pub parent_forum_id: Option<i32>,
    pub name: String,
    pub status: ForumStatus,
    /// Pagu indikatif in Rupiah.
    pub budget_ceiling: Option<i64>,
    pub selection_limit: SelectionLimit,
    pub max_count: Option<i32>,
    pub tolerance_percent: i32,
    pub created_at: DateTimeUtc,
    /// When the forum closed and its priority list was fixed.
    pub closed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
