//! Files residents upload (photos, documents): stored in the database, so every instance
//! serves them, next to the attachment that names them.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum MediaFiles {
    Table,
    Id,
    AttachmentId,
    ContentType,
    Bytes,
    Thumbnail,
    Width,
    Height,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ProposalAttachments {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(MediaFiles::Table)
                    .col(pk_auto(MediaFiles::Id))
                    .col(integer_uniq(MediaFiles::AttachmentId))
                    .col(string_len(MediaFiles::ContentType, 64))
                    .col(blob(MediaFiles::Bytes))
                    .col(blob_null(MediaFiles::Thumbnail))
                    .col(integer_null(MediaFiles::Width))
                    .col(integer_null(MediaFiles::Height))
                    .col(timestamp_with_time_zone(MediaFiles::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(MediaFiles::Table, MediaFiles::AttachmentId)
                            .to(ProposalAttachments::Table, ProposalAttachments::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(MediaFiles::Table).to_owned())
            .await
    }
}
