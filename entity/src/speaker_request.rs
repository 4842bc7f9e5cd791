use crate::enums::*;
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "speaker_requests")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub session_id: i32,
    pub account_id: i32,
    pub status: HandStatus,
    pub raised_at: DateTimeUtc,
    /// When the moderator gave the floor.
    pub floor_at: Option<DateTimeUtc>,
    /// The speaking time given.
    pub floor_seconds: Option<i32>,
    pub ended_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
