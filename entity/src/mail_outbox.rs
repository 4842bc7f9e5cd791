use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A mail waiting to leave (or sent): written in the transaction that caused it, delivered by
/// the outbox worker of any instance, retried with a growing delay until the server takes it.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "mail_outbox")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// What the mail is for ("notification", "digest", "password_reset", …), for the log.
    pub purpose: String,
    pub to_address: String,
    #[sea_orm(column_type = "Text")]
    pub subject: String,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    pub created_at: DateTimeUtc,
    pub attempts: i32,
    /// Not before then; a worker that takes the mail moves it forward (a lease), so two
    /// instances never send it at the same time.
    pub next_attempt_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text", nullable)]
    pub last_error: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
