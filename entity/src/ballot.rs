use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// What a ballot chose, and nothing about who cast it once the round is sealed: who voted is
/// kept apart in `round_participations` (see docs/ballot-secrecy.md).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "ballots")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub round_id: i32,
    /// The voter while the round is open (so a ballot can be replaced); None once sealed, and
    /// for ballots imported from open data.
    pub voter_id: Option<i32>,
    /// JSON list of [proposal id, points]; for a ranking, points are the 1-based position.
    #[sea_orm(column_type = "Text")]
    pub choices: String,
    /// When the ballot was last cast; None once sealed.
    pub cast_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
