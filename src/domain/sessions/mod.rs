//! Live sessions of a forum (the musyawarah itself, in the hall and online): a moderator
//! schedules, opens, pauses, resumes and closes a session; it has an agenda with a current item
//! and time boxes, an attendance list (daftar hadir), a chat, a speaker queue, live polls and
//! decisions per item; at the close its minutes (berita acara) are assembled.
//!
//! Who may do what: the forum's staff (`access::is_forum_staff`: its moderators, planners above
//! it, administrators) moderate; participants are signed-in people on the attendance list
//! (staff count as participants). Every change is one transaction that publishes its event on
//! the session's stream (`session:ID`), which the `sessionEvents` subscription follows.
pub mod agenda;
pub mod attendance;
pub mod chat;
pub mod minutes;
pub mod polls;
pub mod speakers;

use async_graphql::InputObject;
use chrono::{DateTime, Utc};
use entity::{
    account,
    enums::{AttendanceStatus, ForumStatus, HandStatus, NotificationKind, SessionStatus},
    forum, live_session, session_attendance,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, Set,
};
use serde::Serialize;
use validator::Validate;

use super::{access, audit, find, notifications, now, validate};
use crate::{
    db::{Db, Txn},
    domain::access::Actor,
    domain::live_events::{self, LiveEventData, SessionChange},
    error::{AppError, AppResult},
    events::{enum_name, StreamKey},
};

/// A session and its forum, loaded together.
pub(crate) struct Loaded {
    pub session: live_session::Model,
    pub forum: forum::Model,
}

pub(crate) async fn load(conn: &impl ConnectionTrait, session_id: i32) -> AppResult<Loaded> {
    let session = find::<live_session::Entity>(conn, session_id, "live session").await?;
    let forum = find::<forum::Entity>(conn, session.forum_id, "forum").await?;
    Ok(Loaded { session, forum })
}

/// Moderation is for the forum's staff.
pub(crate) async fn require_moderator(
    conn: &impl ConnectionTrait,
    actor: &Actor,
    forum: &forum::Model,
) -> AppResult<()> {
    if access::is_forum_staff(conn, actor, forum).await? {
        Ok(())
    } else {
        Err(AppError::forbidden(format!(
            "only the moderators of {} may moderate its sessions",
            forum.name
        )))
    }
}

/// Refuses unless the session is in one of `allowed`, saying what is refused.
pub(crate) fn require_status(
    session: &live_session::Model,
    allowed: &[SessionStatus],
    what: &str,
) -> AppResult<()> {
    if allowed.contains(&session.status) {
        Ok(())
    } else {
        Err(AppError::precondition(format!(
            "{what} is not possible while the session is {}",
            session.status
        )))
    }
}

/// A session under way (open or paused): participants act, the record grows.
pub(crate) const RUNNING: &[SessionStatus] = &[SessionStatus::Open, SessionStatus::Paused];

/// Participants are present on the attendance list (guests once a moderator let them in); the
/// forum's staff always are. Returns whether the actor is staff.
pub(crate) async fn require_participant(
    conn: &impl ConnectionTrait,
    actor: &Actor,
    loaded: &Loaded,
) -> AppResult<bool> {
    if access::is_forum_staff(conn, actor, &loaded.forum).await? {
        return Ok(true);
    }
    let entry = session_attendance::Entity::find()
        .filter(session_attendance::Column::SessionId.eq(loaded.session.id))
        .filter(session_attendance::Column::AccountId.eq(actor.id()))
        .one(conn)
        .await?;
    match entry.map(|e| e.status) {
        Some(AttendanceStatus::Present) => Ok(false),
        Some(AttendanceStatus::AwaitingApproval) => Err(AppError::forbidden(
            "a moderator has yet to let you take part in this session",
        )),
        Some(AttendanceStatus::Refused) => Err(AppError::forbidden(
            "you may follow this session, but not take part in it",
        )),
        None => Err(AppError::forbidden("check in to the session first")),
    }
}

/// Publishes on the session's stream.
pub(crate) async fn emit(
    txn: &Txn,
    session_id: i32,
    subject_id: Option<i32>,
    actor: &Actor,
    data: LiveEventData,
) -> AppResult<()> {
    live_events::publish(
        txn,
        StreamKey::Session(session_id),
        subject_id,
        Some(actor.id()),
        data,
    )
    .await
}

/// Names of accounts by id, for event data.
pub(crate) async fn names(
    conn: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i32>,
) -> AppResult<std::collections::HashMap<i32, String>> {
    let ids: Vec<i32> = ids.into_iter().collect();
    if ids.is_empty() {
        return Ok(Default::default());
    }
    Ok(account::Entity::find()
        .filter(account::Column::Id.is_in(ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|a| (a.id, a.name))
        .collect())
}

#[derive(Debug, Clone, InputObject, Validate, Serialize)]
pub struct ScheduleSessionInput {
    pub forum_id: i32,
    #[validate(length(min = 3, max = 200))]
    pub title: String,
    pub starts_at: DateTime<Utc>,
    /// Where the session meets (hall, address).
    #[validate(length(min = 3, max = 300))]
    pub place: Option<String>,
    /// The link of an online meeting.
    #[validate(length(max = 1000), custom(function = "super::http_url"))]
    pub online_url: Option<String>,
}

fn session_change(session: &live_session::Model) -> SessionChange {
    SessionChange {
        session_id: session.id,
        forum_id: session.forum_id,
        title: session.title.clone(),
        starts_at: session.starts_at,
        place: session.place.clone(),
        online_url: session.online_url.clone(),
        status: enum_name(session.status),
        opened_at: session.opened_at,
        closed_at: session.closed_at,
    }
}

/// Publishes a session change on the session's stream and on its forum's.
async fn emit_both(
    txn: &Txn,
    session: &live_session::Model,
    kind: fn(SessionChange) -> LiveEventData,
    actor: &Actor,
) -> AppResult<()> {
    let data = kind(session_change(session));
    emit(txn, session.id, Some(session.id), actor, data.clone()).await?;
    live_events::publish(
        txn,
        StreamKey::Forum(session.forum_id),
        Some(session.id),
        Some(actor.id()),
        data,
    )
    .await
}

/// A moderator schedules a session of the forum, in a place, online, or both.
pub async fn schedule(
    db: &Db,
    actor: &Actor,
    input: ScheduleSessionInput,
) -> AppResult<live_session::Model> {
    validate(&input)?;
    let place = input
        .place
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_owned);
    let online_url = input
        .online_url
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_owned);
    if place.is_none() && online_url.is_none() {
        return Err(AppError::field(
            "place",
            "required",
            "give a place, an online link, or both",
        ));
    }
    let txn = db.begin().await?;
    let forum = find::<forum::Entity>(&txn, input.forum_id, "forum").await?;
    require_moderator(&txn, actor, &forum).await?;
    if matches!(forum.status, ForumStatus::Closed | ForumStatus::Ratified) {
        return Err(AppError::precondition(format!("{} is closed", forum.name)));
    }
    let session = live_session::ActiveModel {
        forum_id: Set(forum.id),
        title: Set(input.title.trim().to_owned()),
        starts_at: Set(input.starts_at),
        place: Set(place),
        online_url: Set(online_url),
        status: Set(SessionStatus::Scheduled),
        opened_at: Set(None),
        closed_at: Set(None),
        current_item_id: Set(None),
        minutes: Set(None),
        created_by: Set(actor.id()),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        Some(actor.id()),
        "session.schedule",
        "live_session",
        Some(session.id),
        None::<&()>,
        Some(&session),
    )
    .await?;
    emit_both(&txn, &session, LiveEventData::SessionScheduled, actor).await?;
    let audience = notifications::forum_audience(&txn, &forum).await?;
    notifications::notify(
        &txn,
        Some(actor),
        &audience,
        notifications::Notice {
            kind: NotificationKind::SessionScheduled,
            proposal_id: None,
            forum_id: Some(forum.id),
            details: notifications::Details {
                title: Some(session.title.clone()),
                forum_name: Some(forum.name.clone()),
                starts_at: Some(session.starts_at),
                ..Default::default()
            },
        },
    )
    .await?;
    txn.commit().await?;
    Ok(session)
}

/// What a lifecycle step does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Open,
    Pause,
    Resume,
    Close,
}

/// Opens, pauses, resumes or closes a session. Closing ends the floor and open polls and
/// assembles the minutes.
pub async fn step(
    db: &Db,
    actor: &Actor,
    session_id: i32,
    step: Step,
) -> AppResult<live_session::Model> {
    let txn = db.begin().await?;
    let loaded = load(&txn, session_id).await?;
    require_moderator(&txn, actor, &loaded.forum).await?;
    let (allowed, to, action): (&[SessionStatus], SessionStatus, &str) = match step {
        Step::Open => (&[SessionStatus::Scheduled], SessionStatus::Open, "opening"),
        Step::Pause => (&[SessionStatus::Open], SessionStatus::Paused, "pausing"),
        Step::Resume => (&[SessionStatus::Paused], SessionStatus::Open, "resuming"),
        Step::Close => (RUNNING, SessionStatus::Closed, "closing"),
    };
    require_status(&loaded.session, allowed, action)?;
    let before = loaded.session.clone();
    let at = now();
    if step == Step::Close {
        speakers::end_all(&txn, actor, &loaded.session, at).await?;
        polls::close_all(&txn, actor, &loaded.session, at).await?;
        agenda::end_current(&txn, &loaded.session, at).await?;
    }
    let mut active = loaded.session.clone().into_active_model();
    active.status = Set(to);
    match step {
        Step::Open => active.opened_at = Set(Some(at)),
        Step::Close => {
            active.closed_at = Set(Some(at));
            active.current_item_id = Set(None);
            let mut closing = loaded.session.clone();
            closing.closed_at = Some(at);
            let minutes = minutes::assemble(&txn, actor, &closing, &loaded.forum).await?;
            active.minutes =
                Set(Some(serde_json::to_string(&minutes).map_err(|e| {
                    AppError::internal("encoding the minutes", e)
                })?));
        }
        Step::Pause | Step::Resume => {}
    }
    let updated = active.update(&txn).await?;
    let action = match step {
        Step::Open => "session.open",
        Step::Pause => "session.pause",
        Step::Resume => "session.resume",
        Step::Close => "session.close",
    };
    audit::record(
        &txn,
        Some(actor.id()),
        action,
        "live_session",
        Some(session_id),
        Some(&before),
        Some(&updated),
    )
    .await?;
    emit_both(&txn, &updated, LiveEventData::SessionStatusChanged, actor).await?;
    txn.commit().await?;
    Ok(updated)
}

pub async fn get(db: &Db, session_id: i32) -> AppResult<live_session::Model> {
    find::<live_session::Entity>(db.reader(), session_id, "live session").await
}

/// The sessions of a forum, by start time.
pub async fn of_forum(db: &Db, forum_id: i32) -> AppResult<Vec<live_session::Model>> {
    Ok(live_session::Entity::find()
        .filter(live_session::Column::ForumId.eq(forum_id))
        .order_by_asc(live_session::Column::StartsAt)
        .order_by_asc(live_session::Column::Id)
        .all(db.reader())
        .await?)
}

/// Whether the viewer moderates the session's forum.
pub async fn is_moderator(
    db: &Db,
    actor: Option<&Actor>,
    session: &live_session::Model,
) -> AppResult<bool> {
    let Some(actor) = actor else { return Ok(false) };
    let forum = find::<forum::Entity>(db.reader(), session.forum_id, "forum").await?;
    access::is_forum_staff(db.reader(), actor, &forum).await
}

/// The current status of a raised hand, for the queue shown to everyone.
pub(crate) fn is_queued(status: HandStatus) -> bool {
    matches!(status, HandStatus::Waiting | HandStatus::Speaking)
}
