use sea_orm::entity::prelude::*;

/// A key a client sent with a write, and what that write made (`operation` names the kind of
/// row `result_id` points to), so a retry with the same key finds it.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "idempotency_keys")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub account_id: i32,
    pub key: String,
    pub operation: String,
    pub result_id: i32,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
