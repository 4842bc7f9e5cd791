use crate::enums::*;
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A milestone of a plan item's implementation, reported by the responsible agency.
#[derive(
    Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize, async_graphql::SimpleObject,
)]
#[sea_orm(table_name = "implementation_updates")]
#[graphql(name = "ImplementationUpdate")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub proposal_id: i32,
    pub status: ImplementationStatus,
    pub happened_on: Date,
    #[sea_orm(column_type = "Text")]
    pub note: String,
    pub photo_url: Option<String>,
    pub author_id: i32,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
