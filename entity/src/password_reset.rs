use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A single-use way back into an account: a link e-mailed to the person (`channel` "email"),
/// or a code a moderator handed over after checking the person in the hall ("code"). Only the
/// token's hash is kept.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "password_resets")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub account_id: i32,
    #[sea_orm(unique)]
    pub token_hash: String,
    pub channel: String,
    pub issued_by: Option<i32>,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    pub used_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
