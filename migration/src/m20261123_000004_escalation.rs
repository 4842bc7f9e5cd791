//! Escalation between levels (each forum's fixed priority list), carry-over to the next cycle,
//! and the plan's implementation (status and milestones) followed by residents.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PriorityEntries {
    Table,
    Id,
    ForumId,
    ProposalId,
    RoundId,
    Rank,
    List,
    Reason,
    Support,
    Cost,
    Outcome,
    Note,
    PromotedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ImplementationUpdates {
    Table,
    Id,
    ProposalId,
    Status,
    HappenedOn,
    Note,
    PhotoUrl,
    AuthorId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Forums {
    Table,
    Id,
    ClosedAt,
}

#[derive(DeriveIden)]
enum Proposals {
    Table,
    Id,
    CarriedOverFromId,
    ImplementationStatus,
}

#[derive(DeriveIden)]
enum RoleGrants {
    Table,
    AgencyId,
}

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PriorityEntries::Table)
                    .col(pk_auto(PriorityEntries::Id))
                    .col(integer(PriorityEntries::ForumId))
                    .col(integer(PriorityEntries::ProposalId))
                    .col(integer_null(PriorityEntries::RoundId))
                    .col(integer(PriorityEntries::Rank))
                    .col(string_len(PriorityEntries::List, 32))
                    .col(string_len(PriorityEntries::Reason, 32))
                    .col(string_len(PriorityEntries::Support, 64))
                    .col(big_integer(PriorityEntries::Cost))
                    .col(string_len(PriorityEntries::Outcome, 32))
                    .col(text(PriorityEntries::Note))
                    .col(timestamp_with_time_zone_null(PriorityEntries::PromotedAt))
                    .col(timestamp_with_time_zone(PriorityEntries::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(PriorityEntries::Table, PriorityEntries::ForumId)
                            .to(Forums::Table, Forums::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(PriorityEntries::Table, PriorityEntries::ProposalId)
                            .to(Proposals::Table, Proposals::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_priority_entries")
                    .table(PriorityEntries::Table)
                    .col(PriorityEntries::ForumId)
                    .col(PriorityEntries::ProposalId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_priority_entries_proposal")
                    .table(PriorityEntries::Table)
                    .col(PriorityEntries::ProposalId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ImplementationUpdates::Table)
                    .col(pk_auto(ImplementationUpdates::Id))
                    .col(integer(ImplementationUpdates::ProposalId))
                    .col(string_len(ImplementationUpdates::Status, 32))
                    .col(date(ImplementationUpdates::HappenedOn))
                    .col(text(ImplementationUpdates::Note))
                    .col(string_len_null(ImplementationUpdates::PhotoUrl, 500))
                    .col(integer(ImplementationUpdates::AuthorId))
                    .col(timestamp_with_time_zone(ImplementationUpdates::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(
                                ImplementationUpdates::Table,
                                ImplementationUpdates::ProposalId,
                            )
                            .to(Proposals::Table, Proposals::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(
                                ImplementationUpdates::Table,
                                ImplementationUpdates::AuthorId,
                            )
                            .to(Accounts::Table, Accounts::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_implementation_updates_proposal")
                    .table(ImplementationUpdates::Table)
                    .col(ImplementationUpdates::ProposalId)
                    .to_owned(),
            )
            .await?;
        // SQLite adds one column per ALTER TABLE, without foreign keys: the service layer
        // checks these references.
        manager
            .alter_table(
                Table::alter()
                    .table(Forums::Table)
                    .add_column(timestamp_with_time_zone_null(Forums::ClosedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Proposals::Table)
                    .add_column(integer_null(Proposals::CarriedOverFromId))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Proposals::Table)
                    .add_column(string_len_null(Proposals::ImplementationStatus, 32))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_proposals_carried_over_from")
                    .table(Proposals::Table)
                    .col(Proposals::CarriedOverFromId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(RoleGrants::Table)
                    .add_column(integer_null(RoleGrants::AgencyId))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("uq_proposals_carried_over_from")
                    .table(Proposals::Table)
                    .to_owned(),
            )
            .await?;
        for (table, column) in [
            (
                RoleGrants::Table.into_iden(),
                RoleGrants::AgencyId.into_iden(),
            ),
            (
                Proposals::Table.into_iden(),
                Proposals::ImplementationStatus.into_iden(),
            ),
            (
                Proposals::Table.into_iden(),
                Proposals::CarriedOverFromId.into_iden(),
            ),
            (Forums::Table.into_iden(), Forums::ClosedAt.into_iden()),
        ] {
            manager
                .alter_table(Table::alter().table(table).drop_column(column).to_owned())
                .await?;
        }
        manager
            .drop_table(Table::drop().table(ImplementationUpdates::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(PriorityEntries::Table).to_owned())
            .await
    }
}
