//! The rule's result for a sealed round, computed once (`domain::outcome`): a sealed round's
//! ballots never change, so its ranking only depends on the rule and budget it was computed for.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum RoundRankings {
    Table,
    RoundId,
    Rule,
    Budget,
    Ballots,
    Entries,
    ComputedAt,
}

#[derive(DeriveIden)]
enum VotingRounds {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(RoundRankings::Table)
                    .col(integer(RoundRankings::RoundId).primary_key())
                    .col(string(RoundRankings::Rule))
                    .col(big_integer(RoundRankings::Budget))
                    .col(big_integer(RoundRankings::Ballots))
                    .col(text(RoundRankings::Entries))
                    .col(timestamp_with_time_zone(RoundRankings::ComputedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(RoundRankings::Table, RoundRankings::RoundId)
                            .to(VotingRounds::Table, VotingRounds::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(RoundRankings::Table).to_owned())
            .await
    }
}
