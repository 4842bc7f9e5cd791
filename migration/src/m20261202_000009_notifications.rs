//! Notifications: what happened to a resident's proposals and forums, kept for the person
//! (in the app, by e-mail at once or in a daily digest, as each person chooses), and a durable
//! outbox of mails that a failed mail server delays but never loses.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Notifications {
    Table,
    Id,
    AccountId,
    Kind,
    ProposalId,
    ForumId,
    Data,
    CreatedAt,
    ReadAt,
    MailState,
}

#[derive(DeriveIden)]
enum NotificationPreferences {
    Table,
    AccountId,
    Kind,
    Delivery,
}

#[derive(DeriveIden)]
enum MailOutbox {
    Table,
    Id,
    Purpose,
    ToAddress,
    Subject,
    Body,
    CreatedAt,
    Attempts,
    NextAttemptAt,
    SentAt,
    LastError,
}

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
    UnsubscribeToken,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Notifications::Table)
                    .col(pk_auto(Notifications::Id))
                    .col(integer(Notifications::AccountId))
                    .col(string_len(Notifications::Kind, 32))
                    .col(integer_null(Notifications::ProposalId))
                    .col(integer_null(Notifications::ForumId))
                    .col(text(Notifications::Data))
                    .col(timestamp_with_time_zone(Notifications::CreatedAt))
                    .col(timestamp_with_time_zone_null(Notifications::ReadAt))
                    .col(string_len(Notifications::MailState, 16))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Notifications::Table, Notifications::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_notifications_account")
                    .table(Notifications::Table)
                    .col(Notifications::AccountId)
                    .col(Notifications::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_notifications_mail_state")
                    .table(Notifications::Table)
                    .col(Notifications::MailState)
                    .col(Notifications::AccountId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(NotificationPreferences::Table)
                    .col(integer(NotificationPreferences::AccountId))
                    .col(string_len(NotificationPreferences::Kind, 32))
                    .col(string_len(NotificationPreferences::Delivery, 16))
                    .primary_key(
                        Index::create()
                            .col(NotificationPreferences::AccountId)
                            .col(NotificationPreferences::Kind),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(
                                NotificationPreferences::Table,
                                NotificationPreferences::AccountId,
                            )
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(MailOutbox::Table)
                    .col(pk_auto(MailOutbox::Id))
                    .col(string_len(MailOutbox::Purpose, 32))
                    .col(string_len(MailOutbox::ToAddress, 320))
                    .col(text(MailOutbox::Subject))
                    .col(text(MailOutbox::Body))
                    .col(timestamp_with_time_zone(MailOutbox::CreatedAt))
                    .col(integer(MailOutbox::Attempts).default(0))
                    .col(timestamp_with_time_zone(MailOutbox::NextAttemptAt))
                    .col(timestamp_with_time_zone_null(MailOutbox::SentAt))
                    .col(text_null(MailOutbox::LastError))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_mail_outbox_due")
                    .table(MailOutbox::Table)
                    .col(MailOutbox::SentAt)
                    .col(MailOutbox::NextAttemptAt)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Accounts::Table)
                    .add_column(string_len_null(Accounts::UnsubscribeToken, 64))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_accounts_unsubscribe_token")
                    .table(Accounts::Table)
                    .col(Accounts::UnsubscribeToken)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("ux_accounts_unsubscribe_token")
                    .table(Accounts::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Accounts::Table)
                    .drop_column(Accounts::UnsubscribeToken)
                    .to_owned(),
            )
            .await?;
        for table in [
            MailOutbox::Table.into_iden(),
            NotificationPreferences::Table.into_iden(),
            Notifications::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
