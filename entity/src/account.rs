use crate::enums::*;
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "accounts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub password_hash: String,
    pub home_region_id: Option<i32>,
    pub verification: VerificationStatus,
    pub verified_by: Option<i32>,
    pub verified_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    /// When the person erased the account: personal fields are gone, what they wrote stays
    /// under an anonymous name.
    pub erased_at: Option<DateTimeUtc>,
    /// The secret of the unsubscribe link in notification mails (made with the first one).
    #[serde(skip_serializing, default)]
    pub unsubscribe_token: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
