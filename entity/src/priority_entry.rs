use crate::enums::*;
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// One row of a forum's priority list (daftar prioritas), fixed when the forum closed.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "priority_entries")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub forum_id: i32,
    pub proposal_id: i32,
    /// The voting round the ranking came from, if the forum voted.
    pub round_id: Option<i32>,
    /// 1-based.
    pub rank: i32,
    pub list: OutcomeList,
    pub reason: OutcomeReason,
    /// Votes, points or score as the round counted them, exactly ("12", "7/2"); empty without a vote.
    pub support: String,
    /// Rupiah.
    pub cost: i64,
    pub outcome: PriorityOutcome,
    /// Why (the forum's decision, or the reason it was not selected), in words.
    #[sea_orm(column_type = "Text")]
    pub note: String,
    /// When a reserve proposal was promoted because budget remained.
    pub promoted_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
