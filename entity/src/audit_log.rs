use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(
    Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize, async_graphql::SimpleObject,
)]
#[sea_orm(table_name = "audit_log")]
#[graphql(name = "AuditEntry")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub actor_id: Option<i32>,
    pub action: String,
    pub entity_type: String,
    pub entity_id: Option<i32>,
    /// JSON snapshot before the action.
    #[sea_orm(column_type = "Text", nullable)]
    pub before: Option<String>,
    /// JSON snapshot after the action.
    #[sea_orm(column_type = "Text", nullable)]
    pub after: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
