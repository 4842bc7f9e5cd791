use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// The selection rule's result for a sealed round, kept so the rule runs once per round and
/// budget, not once per request.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "round_rankings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub round_id: i32,
    /// The rule and the budget it worked with: another of either (a changed ceiling) is
    /// computed anew.
    pub rule: String,
    pub budget: i64,
    pub ballots: i64,
    /// JSON list of the ranked entries, in rank order.
    #[sea_orm(column_type = "Text")]
    pub entries: String,
    pub computed_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
