//! Ballot secrecy: who voted (`round_participations`, with the receipt, channel and paper
//! details) is kept apart from what was chosen (`ballots`, whose voter is set only while the
//! round is open); live totals advance in published steps (`tally_snapshots`); guests wait for
//! the moderator before they take part in a session; poll answers give way to their results at
//! the poll's close.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum RoundParticipations {
    Table,
    Id,
    RoundId,
    VoterId,
    Channel,
    Receipt,
    SessionId,
    PaperNumber,
    EnteredBy,
    RecordedAt,
    ContestedAt,
    ContestReason,
}

#[derive(DeriveIden)]
enum Ballots {
    Table,
    Id,
    RoundId,
    VoterId,
    Choices,
    CastAt,
    Channel,
    PaperNumber,
    EnteredBy,
    Receipt,
}

/// The ballots table while it is rebuilt without the columns that tied a ballot to its voter.
#[derive(DeriveIden)]
enum BallotsRebuilt {
    Table,
}

#[derive(DeriveIden)]
enum TallySnapshots {
    Table,
    RoundId,
    Ballots,
    Rows,
    ComputedAt,
}

#[derive(DeriveIden)]
enum VotingRounds {
    Table,
    Id,
    SealedAt,
}

#[derive(DeriveIden)]
enum SessionAttendance {
    Table,
    Status,
    DecidedBy,
}

#[derive(DeriveIden)]
enum SessionPolls {
    Table,
    PublishedAnswers,
    Results,
}

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
}

fn ballots_table(name: impl IntoIden + 'static, old_shape: bool) -> TableCreateStatement {
    let mut table = Table::create();
    table
        .table(name)
        .col(pk_auto(Ballots::Id))
        .col(integer(Ballots::RoundId))
        .col(integer_null(Ballots::VoterId));
    if old_shape {
        table
            .col(string_len(Ballots::Channel, 16))
            .col(string_len_null(Ballots::PaperNumber, 40))
            .col(integer_null(Ballots::EnteredBy))
            .col(string_len(Ballots::Receipt, 64))
            .col(text(Ballots::Choices))
            .col(timestamp_with_time_zone(Ballots::CastAt));
    } else {
        table
            .col(text(Ballots::Choices))
            .col(timestamp_with_time_zone_null(Ballots::CastAt));
    }
    table
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
        .to_owned()
}

/// Puts the rebuilt table in the place of `ballots`, with its indexes.
async fn replace_ballots(manager: &SchemaManager<'_>, with_paper: bool) -> Result<(), DbErr> {
    manager
        .drop_table(Table::drop().table(Ballots::Table).to_owned())
        .await?;
    manager
        .rename_table(
            Table::rename()
                .table(BallotsRebuilt::Table, Ballots::Table)
                .to_owned(),
        )
        .await?;
    // One ballot per voter per round while the round is open (sealed ballots have no voter).
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
    if with_paper {
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
    }
    Ok(())
}

async fn add_column(
    manager: &SchemaManager<'_>,
    table: impl IntoIden + 'static,
    mut column: ColumnDef,
) -> Result<(), DbErr> {
    manager
        .alter_table(
            Table::alter()
                .table(table)
                .add_column(&mut column)
                .to_owned(),
        )
        .await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(RoundParticipations::Table)
                    .col(pk_auto(RoundParticipations::Id))
                    .col(integer(RoundParticipations::RoundId))
                    .col(integer(RoundParticipations::VoterId))
                    .col(string_len(RoundParticipations::Channel, 16))
                    .col(string_len(RoundParticipations::Receipt, 64))
                    .col(integer_null(RoundParticipations::SessionId))
                    .col(string_len_null(RoundParticipations::PaperNumber, 40))
                    .col(integer_null(RoundParticipations::EnteredBy))
                    .col(timestamp_with_time_zone(RoundParticipations::RecordedAt))
                    .col(timestamp_with_time_zone_null(
                        RoundParticipations::ContestedAt,
                    ))
                    .col(text_null(RoundParticipations::ContestReason))
                    .foreign_key(
                        ForeignKey::create()
                            .from(RoundParticipations::Table, RoundParticipations::RoundId)
                            .to(VotingRounds::Table, VotingRounds::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(RoundParticipations::Table, RoundParticipations::VoterId)
                            .to(Accounts::Table, Accounts::Id),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            (
                "uq_participations_round_voter",
                RoundParticipations::VoterId,
            ),
            (
                "uq_participations_round_receipt",
                RoundParticipations::Receipt,
            ),
            (
                "uq_participations_round_paper",
                RoundParticipations::PaperNumber,
            ),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(RoundParticipations::Table)
                        .col(RoundParticipations::RoundId)
                        .col(column)
                        .unique()
                        .to_owned(),
                )
                .await?;
        }
        let db = manager.get_connection();
        db.execute_unprepared(
            "INSERT INTO round_participations \
               (round_id, voter_id, channel, receipt, paper_number, entered_by, recorded_at) \
             SELECT round_id, voter_id, channel, receipt, paper_number, entered_by, cast_at \
             FROM ballots WHERE voter_id IS NOT NULL ORDER BY id",
        )
        .await?;
        manager
            .create_table(ballots_table(BallotsRebuilt::Table, false))
            .await?;
        // Rows go over in an order that depends on the choices alone; rounds already closed are
        // sealed (their voters dropped) by the server when it starts.
        db.execute_unprepared(
            "INSERT INTO ballots_rebuilt (round_id, voter_id, choices, cast_at) \
             SELECT round_id, voter_id, choices, cast_at FROM ballots ORDER BY round_id, choices",
        )
        .await?;
        replace_ballots(manager, false).await?;

        manager
            .create_table(
                Table::create()
                    .table(TallySnapshots::Table)
                    .col(integer(TallySnapshots::RoundId).primary_key())
                    .col(big_integer(TallySnapshots::Ballots))
                    .col(text(TallySnapshots::Rows))
                    .col(timestamp_with_time_zone(TallySnapshots::ComputedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(TallySnapshots::Table, TallySnapshots::RoundId)
                            .to(VotingRounds::Table, VotingRounds::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        add_column(
            manager,
            VotingRounds::Table,
            timestamp_with_time_zone_null(VotingRounds::SealedAt),
        )
        .await?;
        add_column(
            manager,
            SessionAttendance::Table,
            string_len(SessionAttendance::Status, 32)
                .default("present")
                .to_owned(),
        )
        .await?;
        add_column(
            manager,
            SessionAttendance::Table,
            integer_null(SessionAttendance::DecidedBy),
        )
        .await?;
        add_column(
            manager,
            SessionPolls::Table,
            integer(SessionPolls::PublishedAnswers)
                .default(0)
                .to_owned(),
        )
        .await?;
        add_column(
            manager,
            SessionPolls::Table,
            text_null(SessionPolls::Results),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, column) in [
            (
                SessionPolls::Table.into_iden(),
                SessionPolls::Results.into_iden(),
            ),
            (
                SessionPolls::Table.into_iden(),
                SessionPolls::PublishedAnswers.into_iden(),
            ),
            (
                SessionAttendance::Table.into_iden(),
                SessionAttendance::DecidedBy.into_iden(),
            ),
            (
                SessionAttendance::Table.into_iden(),
                SessionAttendance::Status.into_iden(),
            ),
            (
                VotingRounds::Table.into_iden(),
                VotingRounds::SealedAt.into_iden(),
            ),
        ] {
            manager
                .alter_table(Table::alter().table(table).drop_column(column).to_owned())
                .await?;
        }
        manager
            .drop_table(Table::drop().table(TallySnapshots::Table).to_owned())
            .await?;
        manager
            .create_table(ballots_table(BallotsRebuilt::Table, true))
            .await?;
        manager
            .get_connection()
            .execute_unprepared(
                "INSERT INTO ballots_rebuilt \
                   (round_id, voter_id, channel, paper_number, entered_by, receipt, choices, cast_at) \
                 SELECT b.round_id, b.voter_id, COALESCE(p.channel, 'imported'), p.paper_number, \
                        p.entered_by, COALESCE(p.receipt, ''), b.choices, \
                        COALESCE(b.cast_at, CURRENT_TIMESTAMP) \
                 FROM ballots b LEFT JOIN round_participations p \
                   ON p.round_id = b.round_id AND p.voter_id = b.voter_id ORDER BY b.id",
            )
            .await?;
        replace_ballots(manager, true).await?;
        manager
            .drop_table(Table::drop().table(RoundParticipations::Table).to_owned())
            .await?;
        Ok(())
    }
}
