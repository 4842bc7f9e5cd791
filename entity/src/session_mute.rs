use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A participant muted in a session's chat until a time.
#[derive(
    Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize, async_graphql::SimpleObject,
)]
#[sea_orm(table_name = "session_mutes")]
#[graphql(name = "SessionMute")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub session_id: i32,
    pub account_id: i32,
    pub until: DateTimeUtc,
    #[sea_orm(column_type = "Text", nullable)]
    pub reason: Option<String>,
    pub muted_by: i32,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
