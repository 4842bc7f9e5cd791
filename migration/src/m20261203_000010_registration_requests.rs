//! Registration confirmed by e-mail: when the server sends mail, a registration with an
//! address waits here until the link mailed to it is opened, so registering answers the same
//! whether or not the address already has an account.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum RegistrationRequests {
    Table,
    Id,
    Email,
    Name,
    Phone,
    PasswordHash,
    HomeRegionId,
    TokenHash,
    CreatedAt,
    ExpiresAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(RegistrationRequests::Table)
                    .col(pk_auto(RegistrationRequests::Id))
                    .col(string_len(RegistrationRequests::Email, 254))
                    .col(string_len(RegistrationRequests::Name, 120))
                    .col(string_len_null(RegistrationRequests::Phone, 32))
                    .col(text(RegistrationRequests::PasswordHash))
                    .col(integer_null(RegistrationRequests::HomeRegionId))
                    .col(string_len_uniq(RegistrationRequests::TokenHash, 64))
                    .col(timestamp_with_time_zone(RegistrationRequests::CreatedAt))
                    .col(timestamp_with_time_zone(RegistrationRequests::ExpiresAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_registration_requests_expires_at")
                    .table(RegistrationRequests::Table)
                    .col(RegistrationRequests::ExpiresAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(RegistrationRequests::Table).to_owned())
            .await
    }
}
