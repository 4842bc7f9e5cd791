use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A forum's recorded decision (mufakat) that overrides the computed outcome for one proposal.
#[derive(
    Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize, async_graphql::SimpleObject,
)]
#[graphql(name = "OutcomeDecision")]
#[sea_orm(table_name = "round_decisions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub round_id: i32,
    pub proposal_id: i32,
    pub selected: bool,
    #[sea_orm(column_type = "Text")]
    pub reason: String,
    pub decided_by: i32,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
