use crate::enums::*;
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "ballots")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub round_id: i32,
    /// None for anonymous ballots imported from open data.
    pub voter_id: Option<i32>,
    pub channel: BallotChannel,
    pub paper_number: Option<String>,
    pub entered_by: Option<i32>,
    /// SHA-256 of the round, the choices and a random nonce, handed to the voter.
    pub receipt: String,
    /// JSON list of [proposal id, points]; for a ranking, points are the 1-based position.
    #[sea_orm(column_type = "Text")]
    pub choices: String,
    pub cast_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
