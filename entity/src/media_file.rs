use sea_orm::entity::prelude::*;

/// The bytes of an uploaded attachment: an image as the server re-encoded it (no metadata),
/// with a small thumbnail, or a PDF as it came.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "media_files")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub attachment_id: i32,
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
