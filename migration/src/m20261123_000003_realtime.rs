//! Realtime: the persisted event log (one sequence per stream, e.g. `forum:12`, `session:5`)
//! and live sessions of a forum: agenda, attendance (daftar hadir), chat, speaker queue, polls
//! and the minutes (berita acara). Identical on SQLite and PostgreSQL.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum EventStreams {
    Table,
    StreamKey,
    LastSequence,
}

#[derive(DeriveIden)]
enum Events {
    Table,
    Id,
    StreamKey,
    Sequence,
    Kind,
    SubjectId,
    ActorId,
    Data,
    CreatedAt,
}

#[derive(DeriveIden)]
enum LiveSessions {
    Table,
    Id,
    ForumId,
    Title,
    StartsAt,
    Place,
    OnlineUrl,
    Status,
    OpenedAt,
    ClosedAt,
    CurrentItemId,
    Minutes,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum AgendaItems {
    Table,
    Id,
    SessionId,
    Position,
    ProposalId,
    Title,
    TimeBoxMinutes,
    StartedAt,
    EndedAt,
    Decision,
    DecisionNote,
    MergedIntoId,
    DecidedBy,
    DecidedAt,
}

#[derive(DeriveIden)]
enum SessionAttendance {
    Table,
    Id,
    SessionId,
    AccountId,
    Name,
    RoleOrInstitution,
    Gender,
    Channel,
    CheckedInAt,
    RecordedBy,
}

#[derive(DeriveIden)]
enum ChatMessages {
    Table,
    Id,
    SessionId,
    AuthorId,
    ReplyToId,
    Body,
    CreatedAt,
    HiddenAt,
    HiddenBy,
    HiddenReason,
}

#[derive(DeriveIden)]
enum SessionMutes {
    Table,
    Id,
    SessionId,
    AccountId,
    Until,
    Reason,
    MutedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum SpeakerRequests {
    Table,
    Id,
    SessionId,
    AccountId,
    Status,
    RaisedAt,
    FloorAt,
    FloorSeconds,
    EndedAt,
}

#[derive(DeriveIden)]
enum SessionPolls {
    Table,
    Id,
    SessionId,
    AgendaItemId,
    Question,
    Kind,
    Options,
    OpenedAt,
    ClosedAt,
    CreatedBy,
}

#[derive(DeriveIden)]
enum PollAnswers {
    Table,
    Id,
    PollId,
    AccountId,
    Choice,
    AnsweredAt,
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

fn fk(
    from_table: impl IntoIden + 'static,
    from_col: impl IntoIden + 'static,
    to_table: impl IntoIden + 'static,
    to_col: impl IntoIden + 'static,
    cascade: bool,
) -> ForeignKeyCreateStatement {
    let mut key = ForeignKey::create();
    key.from(from_table, from_col).to(to_table, to_col);
    if cascade {
        key.on_delete(ForeignKeyAction::Cascade);
    }
    key.to_owned()
}

fn index(
    name: &str,
    table: impl IntoIden + 'static,
    cols: &[&str],
    unique: bool,
) -> IndexCreateStatement {
    let mut stmt = Index::create();
    stmt.name(name).table(table);
    for col in cols {
        stmt.col(Alias::new(*col));
    }
    if unique {
        stmt.unique();
    }
    stmt.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One counter row per stream: the writing transaction bumps it (a row lock on
        // PostgreSQL), so sequence order is commit order and there are no gaps.
        manager
            .create_table(
                Table::create()
                    .table(EventStreams::Table)
                    .col(string_len(EventStreams::StreamKey, 64).primary_key())
                    .col(big_integer(EventStreams::LastSequence))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Events::Table)
                    .col(pk_auto(Events::Id))
                    .col(string_len(Events::StreamKey, 64))
                    .col(big_integer(Events::Sequence))
                    .col(string_len(Events::Kind, 32))
                    .col(integer_null(Events::SubjectId))
                    .col(integer_null(Events::ActorId))
                    .col(text(Events::Data))
                    .col(timestamp_with_time_zone(Events::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "uq_events_stream_sequence",
                Events::Table,
                &["stream_key", "sequence"],
                true,
            ))
            .await?;
        manager
            .create_index(index(
                "idx_events_stream_subject",
                Events::Table,
                &["stream_key", "subject_id"],
                false,
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(LiveSessions::Table)
                    .col(pk_auto(LiveSessions::Id))
                    .col(integer(LiveSessions::ForumId))
                    .col(string_len(LiveSessions::Title, 200))
                    .col(timestamp_with_time_zone(LiveSessions::StartsAt))
                    .col(string_len_null(LiveSessions::Place, 300))
                    .col(string_len_null(LiveSessions::OnlineUrl, 1000))
                    .col(string_len(LiveSessions::Status, 32))
                    .col(timestamp_with_time_zone_null(LiveSessions::OpenedAt))
                    .col(timestamp_with_time_zone_null(LiveSessions::ClosedAt))
                    .col(integer_null(LiveSessions::CurrentItemId))
                    .col(text_null(LiveSessions::Minutes))
                    .col(integer(LiveSessions::CreatedBy))
                    .col(timestamp_with_time_zone(LiveSessions::CreatedAt))
                    .foreign_key(&mut fk(
                        LiveSessions::Table,
                        LiveSessions::ForumId,
                        Forums::Table,
                        Forums::Id,
                        false,
                    ))
                    .foreign_key(&mut fk(
                        LiveSessions::Table,
                        LiveSessions::CreatedBy,
                        Accounts::Table,
                        Accounts::Id,
                        false,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_live_sessions_forum",
                LiveSessions::Table,
                &["forum_id"],
                false,
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(AgendaItems::Table)
                    .col(pk_auto(AgendaItems::Id))
                    .col(integer(AgendaItems::SessionId))
                    .col(integer(AgendaItems::Position))
                    .col(integer_null(AgendaItems::ProposalId))
                    .col(string_len(AgendaItems::Title, 200))
                    .col(integer_null(AgendaItems::TimeBoxMinutes))
                    .col(timestamp_with_time_zone_null(AgendaItems::StartedAt))
                    .col(timestamp_with_time_zone_null(AgendaItems::EndedAt))
                    .col(string_len_null(AgendaItems::Decision, 32))
                    .col(text_null(AgendaItems::DecisionNote))
                    .col(integer_null(AgendaItems::MergedIntoId))
                    .col(integer_null(AgendaItems::DecidedBy))
                    .col(timestamp_with_time_zone_null(AgendaItems::DecidedAt))
                    .foreign_key(&mut fk(
                        AgendaItems::Table,
                        AgendaItems::SessionId,
                        LiveSessions::Table,
                        LiveSessions::Id,
                        true,
                    ))
                    .foreign_key(&mut fk(
                        AgendaItems::Table,
                        AgendaItems::ProposalId,
                        Proposals::Table,
                        Proposals::Id,
                        false,
                    ))
                    .foreign_key(&mut fk(
                        AgendaItems::Table,
                        AgendaItems::MergedIntoId,
                        Proposals::Table,
                        Proposals::Id,
                        false,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_agenda_items_session",
                AgendaItems::Table,
                &["session_id"],
                false,
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(SessionAttendance::Table)
                    .col(pk_auto(SessionAttendance::Id))
                    .col(integer(SessionAttendance::SessionId))
                    .col(integer_null(SessionAttendance::AccountId))
                    .col(string_len(SessionAttendance::Name, 200))
                    .col(string_len(SessionAttendance::RoleOrInstitution, 200))
                    .col(string_len_null(SessionAttendance::Gender, 32))
                    .col(string_len(SessionAttendance::Channel, 32))
                    .col(timestamp_with_time_zone(SessionAttendance::CheckedInAt))
                    .col(integer_null(SessionAttendance::RecordedBy))
                    .foreign_key(&mut fk(
                        SessionAttendance::Table,
                        SessionAttendance::SessionId,
                        LiveSessions::Table,
                        LiveSessions::Id,
                        true,
                    ))
                    .foreign_key(&mut fk(
                        SessionAttendance::Table,
                        SessionAttendance::AccountId,
                        Accounts::Table,
                        Accounts::Id,
                        false,
                    ))
                    .to_owned(),
            )
            .await?;
        // One attendance entry per account and session (people without accounts may repeat).
        manager
            .create_index(index(
                "uq_session_attendance_account",
                SessionAttendance::Table,
                &["session_id", "account_id"],
                true,
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ChatMessages::Table)
                    .col(pk_auto(ChatMessages::Id))
                    .col(integer(ChatMessages::SessionId))
                    .col(integer(ChatMessages::AuthorId))
                    .col(integer_null(ChatMessages::ReplyToId))
                    .col(text(ChatMessages::Body))
                    .col(timestamp_with_time_zone(ChatMessages::CreatedAt))
                    .col(timestamp_with_time_zone_null(ChatMessages::HiddenAt))
                    .col(integer_null(ChatMessages::HiddenBy))
                    .col(text_null(ChatMessages::HiddenReason))
                    .foreign_key(&mut fk(
                        ChatMessages::Table,
                        ChatMessages::SessionId,
                        LiveSessions::Table,
                        LiveSessions::Id,
                        true,
                    ))
                    .foreign_key(&mut fk(
                        ChatMessages::Table,
                        ChatMessages::AuthorId,
                        Accounts::Table,
                        Accounts::Id,
                        false,
                    ))
                    .foreign_key(&mut fk(
                        ChatMessages::Table,
                        ChatMessages::ReplyToId,
                        ChatMessages::Table,
                        ChatMessages::Id,
                        false,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_chat_messages_author",
                ChatMessages::Table,
                &["session_id", "author_id", "created_at"],
                false,
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(SessionMutes::Table)
                    .col(pk_auto(SessionMutes::Id))
                    .col(integer(SessionMutes::SessionId))
                    .col(integer(SessionMutes::AccountId))
                    .col(timestamp_with_time_zone(SessionMutes::Until))
                    .col(text_null(SessionMutes::Reason))
                    .col(integer(SessionMutes::MutedBy))
                    .col(timestamp_with_time_zone(SessionMutes::CreatedAt))
                    .foreign_key(&mut fk(
                        SessionMutes::Table,
                        SessionMutes::SessionId,
                        LiveSessions::Table,
                        LiveSessions::Id,
                        true,
                    ))
                    .foreign_key(&mut fk(
                        SessionMutes::Table,
                        SessionMutes::AccountId,
                        Accounts::Table,
                        Accounts::Id,
                        false,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_session_mutes_account",
                SessionMutes::Table,
                &["session_id", "account_id"],
                false,
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(SpeakerRequests::Table)
                    .col(pk_auto(SpeakerRequests::Id))
                    .col(integer(SpeakerRequests::SessionId))
                    .col(integer(SpeakerRequests::AccountId))
                    .col(string_len(SpeakerRequests::Status, 32))
                    .col(timestamp_with_time_zone(SpeakerRequests::RaisedAt))
                    .col(timestamp_with_time_zone_null(SpeakerRequests::FloorAt))
                    .col(integer_null(SpeakerRequests::FloorSeconds))
                    .col(timestamp_with_time_zone_null(SpeakerRequests::EndedAt))
                    .foreign_key(&mut fk(
                        SpeakerRequests::Table,
                        SpeakerRequests::SessionId,
                        LiveSessions::Table,
                        LiveSessions::Id,
                        true,
                    ))
                    .foreign_key(&mut fk(
                        SpeakerRequests::Table,
                        SpeakerRequests::AccountId,
                        Accounts::Table,
                        Accounts::Id,
                        false,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_speaker_requests_session",
                SpeakerRequests::Table,
                &["session_id", "status"],
                false,
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(SessionPolls::Table)
                    .col(pk_auto(SessionPolls::Id))
                    .col(integer(SessionPolls::SessionId))
                    .col(integer_null(SessionPolls::AgendaItemId))
                    .col(string_len(SessionPolls::Question, 300))
                    .col(string_len(SessionPolls::Kind, 32))
                    .col(text(SessionPolls::Options))
                    .col(timestamp_with_time_zone(SessionPolls::OpenedAt))
                    .col(timestamp_with_time_zone_null(SessionPolls::ClosedAt))
                    .col(integer(SessionPolls::CreatedBy))
                    .foreign_key(&mut fk(
                        SessionPolls::Table,
                        SessionPolls::SessionId,
                        LiveSessions::Table,
                        LiveSessions::Id,
                        true,
                    ))
                    .foreign_key(&mut fk(
                        SessionPolls::Table,
                        SessionPolls::AgendaItemId,
                        AgendaItems::Table,
                        AgendaItems::Id,
                        false,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_session_polls_session",
                SessionPolls::Table,
                &["session_id"],
                false,
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(PollAnswers::Table)
                    .col(pk_auto(PollAnswers::Id))
                    .col(integer(PollAnswers::PollId))
                    .col(integer(PollAnswers::AccountId))
                    .col(integer(PollAnswers::Choice))
                    .col(timestamp_with_time_zone(PollAnswers::AnsweredAt))
                    .foreign_key(&mut fk(
                        PollAnswers::Table,
                        PollAnswers::PollId,
                        SessionPolls::Table,
                        SessionPolls::Id,
                        true,
                    ))
                    .foreign_key(&mut fk(
                        PollAnswers::Table,
                        PollAnswers::AccountId,
                        Accounts::Table,
                        Accounts::Id,
                        false,
                    ))
                    .to_owned(),
            )
            .await?;
        // One answer per participant and poll.
        manager
            .create_index(index(
                "uq_poll_answers_account",
                PollAnswers::Table,
                &["poll_id", "account_id"],
                true,
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            PollAnswers::Table.into_iden(),
            SessionPolls::Table.into_iden(),
            SpeakerRequests::Table.into_iden(),
            SessionMutes::Table.into_iden(),
            ChatMessages::Table.into_iden(),
            SessionAttendance::Table.into_iden(),
            AgendaItems::Table.into_iden(),
            LiveSessions::Table.into_iden(),
            Events::Table.into_iden(),
            EventStreams::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
