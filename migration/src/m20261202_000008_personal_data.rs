//! Accounts residents can rely on: password resets (by e-mailed link or a code a moderator
//! hands over in the hall), erasure, and proposers who stay anonymous to the public.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PasswordResets {
    Table,
    Id,
    AccountId,
    TokenHash,
    Channel,
    IssuedBy,
    CreatedAt,
    ExpiresAt,
    UsedAt,
}

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
    ErasedAt,
}

#[derive(DeriveIden)]
enum Proposals {
    Table,
    ProposerAnonymous,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PasswordResets::Table)
                    .col(pk_auto(PasswordResets::Id))
                    .col(integer(PasswordResets::AccountId))
                    .col(string_len(PasswordResets::TokenHash, 64).unique_key())
                    .col(string_len(PasswordResets::Channel, 16))
                    .col(integer_null(PasswordResets::IssuedBy))
                    .col(timestamp_with_time_zone(PasswordResets::CreatedAt))
                    .col(timestamp_with_time_zone(PasswordResets::ExpiresAt))
                    .col(timestamp_with_time_zone_null(PasswordResets::UsedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(PasswordResets::Table, PasswordResets::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_password_resets_account")
                    .table(PasswordResets::Table)
                    .col(PasswordResets::AccountId)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Accounts::Table)
                    .add_column(timestamp_with_time_zone_null(Accounts::ErasedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Proposals::Table)
                    .add_column(boolean(Proposals::ProposerAnonymous).default(false))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Proposals::Table)
                    .drop_column(Proposals::ProposerAnonymous)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Accounts::Table)
                    .drop_column(Accounts::ErasedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(PasswordResets::Table).to_owned())
            .await
    }
}
