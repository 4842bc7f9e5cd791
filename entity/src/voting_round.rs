use crate::enums::*;
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "voting_rounds")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub forum_id: i32,
    pub title: String,
    pub method: BallotMethod,
    pub max_choices: Option<i32>,
    pub points_budget: Option<i32>,
    pub max_points_per_proposal: Option<i32>,
    /// Rupiah a knapsack ballot may spend.
    pub cost_limit: Option<i64>,
    /// The selection rule applied when the round closes (see `ranking::Rule`).
    pub rule: String,
    pub opens_at: DateTimeUtc,
    pub closes_at: DateTimeUtc,
    /// Set when a moderator closes the round before its closing time.
    pub closed_at: Option<DateTimeUtc>,
    /// Whether running totals are public while the round is open.
    pub live_tally: bool,
    /// When the link between voters and their ballots was cut (at the close).
    pub sealed_at: Option<DateTimeUtc>,
    pub created_by: i32,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
