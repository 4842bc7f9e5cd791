use crate::enums::{NotificationDelivery, NotificationKind};
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// How one person wants to hear of one kind of notification; without a row, the kind's default.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "notification_preferences")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub account_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub kind: NotificationKind,
    pub delivery: NotificationDelivery,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
