use crate::enums::*;
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "live_sessions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub forum_id: i32,
    pub title: String,
    pub starts_at: DateTimeUtc,
    pub place: Option<String>,
    pub online_url: Option<String>,
    pub status: SessionStatus,
    pub opened_at: Option<DateTimeUtc>,
    pub closed_at: Option<DateTimeUtc>,
    pub current_item_id: Option<i32>,
    /// The minutes (berita acara) as JSON, assembled when the session closes.
    #[sea_orm(column_type = "Text", nullable)]
    pub minutes: Option<String>,
    pub created_by: i32,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
