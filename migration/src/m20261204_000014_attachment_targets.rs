//! Photos on comments and on implementation reports: an attachment still belongs to its
//! proposal (whose visibility it follows) and may also name the comment or the
//! implementation update it was sent with.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ProposalAttachments {
    Table,
    CommentId,
    ImplementationUpdateId,
}

const BY_COMMENT: &str = "idx_proposal_attachments_comment";
const BY_UPDATE: &str = "idx_proposal_attachments_update";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per statement.
        manager
            .alter_table(
                Table::alter()
                    .table(ProposalAttachments::Table)
                    .add_column(integer_null(ProposalAttachments::CommentId))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(ProposalAttachments::Table)
                    .add_column(integer_null(ProposalAttachments::ImplementationUpdateId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(BY_COMMENT)
                    .table(ProposalAttachments::Table)
                    .col(ProposalAttachments::CommentId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(BY_UPDATE)
                    .table(ProposalAttachments::Table)
                    .col(ProposalAttachments::ImplementationUpdateId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for index in [BY_COMMENT, BY_UPDATE] {
            manager
                .drop_index(
                    Index::drop()
                        .name(index)
                        .table(ProposalAttachments::Table)
                        .to_owned(),
                )
                .await?;
        }
        for column in [
            ProposalAttachments::CommentId,
            ProposalAttachments::ImplementationUpdateId,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(ProposalAttachments::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
