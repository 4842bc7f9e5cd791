use crate::enums::*;
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// That a person voted in a round (one person, one vote), never what they chose.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "round_participations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub round_id: i32,
    pub voter_id: i32,
    pub channel: BallotChannel,
    /// Random, handed to the voter, kept when the ballot is replaced; published after the close
    /// among the counted receipts, never next to choices.
    pub receipt: String,
    /// The live session at which a paper ballot was cast.
    pub session_id: Option<i32>,
    pub paper_number: Option<String>,
    /// The staff member who entered a paper ballot.
    pub entered_by: Option<i32>,
    pub recorded_at: DateTimeUtc,
    /// The voter disputes a paper ballot recorded in their name.
    pub contested_at: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text", nullable)]
    pub contest_reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
