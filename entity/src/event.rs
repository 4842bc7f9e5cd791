//! One persisted realtime event of a stream.
use crate::enums::*;
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub stream_key: String,
    /// 1, 2, 3, … per stream, in commit order.
    pub sequence: i64,
    pub kind: EventKind,
    /// The record the event is about (proposal, comment, chat message, …).
    pub subject_id: Option<i32>,
    pub actor_id: Option<i32>,
    /// JSON object; its shape depends on the kind.
    #[sea_orm(column_type = "Text")]
    pub data: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
