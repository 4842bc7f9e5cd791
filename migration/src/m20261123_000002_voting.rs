//! Voting rounds on a forum's verified proposals, secret ballots with receipts, paper ballots.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum VotingRounds {
    Table,
    Id,
    ForumId,
    Title,
    Method,
    MaxChoices,
    PointsBudget,
    MaxPointsPerProposal,
    CostLimit,
    Rule,
    OpensAt,
    ClosesAt,
    ClosedAt,
    LiveTally,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum RoundProposals {
    Table,
    Id,
    RoundId,
    ProposalId,
    Cost,
}

#[derive(DeriveIden)]
enum Ballots {
    Table,
    Id,
    RoundId,
    VoterId,
    Channel,
    PaperNumber,
    EnteredBy,
    Receipt,
    Choices,
    CastAt,
}

#[derive(DeriveIden)]
enum RoundDecisions {
    Table,
    Id,
    RoundId,
    ProposalId,
    Selected,
    Reason,
    DecidedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Forums {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Proposals {
    Table,
    Id,
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
                    .table(VotingRounds::Table)
                    .col(pk_auto(VotingRounds::Id))
                    .col(integer(VotingRounds::ForumId))
                    .col(string_len(VotingRounds::Title, 200))
                    .col(string_len(VotingRounds::Method, 24))
                    .col(integer_null(VotingRounds::MaxChoices))
                    .col(integer_null(VotingRounds::PointsBudget))
                    .col(integer_null(VotingRounds::MaxPointsPerProposal))
                    .col(big_integer_null(VotingRounds::CostLimit))
                    .col(string_len(VotingRounds::Rule, 32))
                    .col(timestamp_with_time_zone(VotingRounds::OpensAt))
                    .col(timestamp_with_time_zone(VotingRounds::ClosesAt))
                    .col(timestamp_with_time_zone_null(VotingRounds::ClosedAt))
                    .col(boolean(VotingRounds::LiveTally))
                    .col(integer(VotingRounds::CreatedBy))
                    .col(timestamp_with_time_zone(VotingRounds::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(VotingRounds::Table, VotingRounds::ForumId)
                            .to(Forums::Table, Forums::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RoundProposals::Table)
                    .col(pk_auto(RoundProposals::Id))
                    .col(integer(RoundProposals::RoundId))
                    .col(integer(RoundProposals::ProposalId))
                    .col(big_integer(RoundProposals::Cost))
                    .foreign_key(
                        ForeignKey::create()
                            .from(RoundProposals::Table, RoundProposals::RoundId)
                            .to(VotingRounds::Table, VotingRounds::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(RoundProposals::Table, RoundProposals::ProposalId)
                            .to(Proposals::Table, Proposals::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_round_proposals")
                    .table(RoundProposals::Table)
                    .col(RoundProposals::RoundId)
                    .col(RoundProposals::ProposalId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Ballots::Table)
                    .col(pk_auto(Ballots::Id))
                    .col(integer(Ballots::RoundId))
                    .col(integer_null(Ballots::VoterId))
                    .col(string_len(Ballots::Channel, 16))
                    .col(string_len_null(Ballots::PaperNumber, 40))
                    .col(integer_null(Ballots::EnteredBy))
                    .col(string_len(Ballots::Receipt, 64))
                    .col(text(Ballots::Choices))
                    .col(timestamp_with_time_zone(Ballots::CastAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Ballots::Table, Ballots::RoundId)
                            .to(VotingRounds::Table, VotingRounds::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Ballots::Table, Ballots::VoterId)
                            .to(Accounts::Table, Accounts::Id),
                    )
                    .to_owned(),
            )
            .await?;
        // One ballot per resident per round, whatever the channel: no voting twice.
        manager
            .create_index(
                Index::create()
                    .name("uq_ballots_round_voter")
                    .table(Ballots::Table)
                    .col(Ballots::RoundId)
                    .col(Ballots::VoterId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_ballots_round_paper")
                    .table(Ballots::Table)
                    .col(Ballots::RoundId)
                    .col(Ballots::PaperNumber)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RoundDecisions::Table)
                    .col(pk_auto(RoundDecisions::Id))
                    .col(integer(RoundDecisions::RoundId))
                    .col(integer(RoundDecisions::ProposalId))
                    .col(boolean(RoundDecisions::Selected))
                    .col(text(RoundDecisions::Reason))
                    .col(integer(RoundDecisions::DecidedBy))
                    .col(timestamp_with_time_zone(RoundDecisions::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(RoundDecisions::Table, RoundDecisions::RoundId)
                            .to(VotingRounds::Table, VotingRounds::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(RoundDecisions::Table, RoundDecisions::ProposalId)
                            .to(Proposals::Table, Proposals::Id),
                    )
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            RoundDecisions::Table.into_iden(),
            Ballots::Table.into_iden(),
            RoundProposals::Table.into_iden(),
            VotingRounds::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
