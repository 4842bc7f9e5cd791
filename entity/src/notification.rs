use crate::enums::{NotificationKind, NotificationMailState};
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Something that happened which one person wanted to hear of: their proposal moved, a reply
/// to their comment, a round opened in their forum. `data` is JSON whose shape the kind sets.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "notifications")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub account_id: i32,
    pub kind: NotificationKind,
    pub proposal_id: Option<i32>,
    pub forum_id: Option<i32>,
    #[sea_orm(column_type = "Text")]
    pub data: String,
    pub created_at: DateTimeUtc,
    pub read_at: Option<DateTimeUtc>,
    pub mail_state: NotificationMailState,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
