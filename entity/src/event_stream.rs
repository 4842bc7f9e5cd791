//! The per-stream counter that hands out event sequence numbers.
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "event_streams")]
pub struct Model {
    /// e.g. `forum:12`, `session:5`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub stream_key: String,
    pub last_sequence: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
