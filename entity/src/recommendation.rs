use crate::enums::*;
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(
    Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize, async_graphql::SimpleObject,
)]
#[sea_orm(table_name = "recommendations")]
#[graphql(name = "Recommendation")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub proposal_id: i32,
    pub level: ForumLevel,
    pub forum_id: i32,
    pub recommender: Recommender,
    pub decision: RecommendationDecision,
    pub volume: Option<f64>,
    pub amount: Option<i64>,
    #[sea_orm(column_type = "Text")]
    pub note: String,
    pub author_id: i32,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
