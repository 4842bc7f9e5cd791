use sea_orm::entity::prelude::*;

/// A photo (or PDF) of a report, re-encoded without metadata; `update_id` set when it came
/// with the agency's answer.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "report_photos")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub report_id: i32,
    pub update_id: Option<i32>,
    pub uploaded_by: i32,
    pub content_type: String,
    pub bytes: Vec<u8>,
    pub thumbnail: Option<Vec<u8>>,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
