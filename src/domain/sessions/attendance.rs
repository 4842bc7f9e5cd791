//! The attendance list (daftar hadir): residents check in online; the moderator marks people
//! present in the hall with their name, role or institution and gender.
use async_graphql::InputObject;
use entity::{
    account,
    enums::{AttendanceChannel, AttendanceStatus, EventKind, Gender, SessionStatus},
    session_attendance,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, QueryOrder, Set,
};
use serde::Serialize;
use serde_json::json;
use validator::Validate;

use super::{emit, load, require_moderator, require_status};
use crate::{
    auth::Actor,
    db::{Db, Txn},
    domain::{access, audit, find, now, validate},
    error::{AppError, AppResult},
    realtime::enum_name,
};

/// Check-in is possible from the moment a session is scheduled until it closes.
const CHECK_IN: &[SessionStatus] = &[
    SessionStatus::Scheduled,
    SessionStatus::Open,
    SessionStatus::Paused,
];

/// The list in the order people arrived.
pub async fn list(
    conn: &impl ConnectionTrait,
    session_id: i32,
) -> AppResult<Vec<session_attendance::Model>> {
    Ok(session_attendance::Entity::find()
        .filter(session_attendance::Column::SessionId.eq(session_id))
        .order_by_asc(session_attendance::Column::Id)
        .all(conn)
        .await?)
}

pub async fn entry_of(
    conn: &impl ConnectionTrait,
    session_id: i32,
    account_id: i32,
) -> AppResult<Option<session_attendance::Model>> {
    Ok(session_attendance::Entity::find()
        .filter(session_attendance::Column::SessionId.eq(session_id))
        .filter(session_attendance::Column::AccountId.eq(account_id))
        .one(conn)
        .await?)
}

async fn announce(txn: &Txn, actor: &Actor, entry: &session_attendance::Model) -> AppResult<()> {
    let count = present_count(txn, entry.session_id).await?;
    let data = json!({
        "attendanceId": entry.id,
        "accountId": entry.account_id,
        "name": entry.name,
        "roleOrInstitution": entry.role_or_institution,
        "gender": entry.gender.map(enum_name),
        "channel": enum_name(entry.channel),
        "status": enum_name(entry.status),
        "checkedInAt": entry.checked_in_at,
        "count": count,
    });
    emit(
        txn,
        entry.session_id,
        EventKind::AttendeeCheckedIn,
        Some(entry.id),
        actor,
        data,
    )
    .await
}

/// People taking part (guests waiting or refused are not counted).
async fn present_count(conn: &impl ConnectionTrait, session_id: i32) -> AppResult<u64> {
    Ok(session_attendance::Entity::find()
        .filter(session_attendance::Column::SessionId.eq(session_id))
        .filter(session_attendance::Column::Status.eq(AttendanceStatus::Present))
        .count(conn)
        .await?)
}

/// A signed-in person checks in online. The forum's staff and the people who may vote in it
/// (verified residents of its region) are present at once; anyone else is a guest who waits
/// for a moderator (`decide`) and meanwhile may follow the session but not take part.
/// Checking in twice returns the first entry.
pub async fn check_in(
    db: &Db,
    actor: &Actor,
    session_id: i32,
    role_or_institution: Option<String>,
    gender: Option<Gender>,
) -> AppResult<session_attendance::Model> {
    let role = role_or_institution
        .map(|r| r.trim().to_owned())
        .filter(|r| !r.is_empty())
        .unwrap_or_else(|| "Warga".to_owned());
    if role.chars().count() > 200 {
        return Err(AppError::field(
            "roleOrInstitution",
            "length",
            "must be at most 200 characters long",
        ));
    }
    let txn = db.begin().await?;
    let loaded = load(&txn, session_id).await?;
    require_status(&loaded.session, CHECK_IN, "checking in")?;
    if let Some(entry) = entry_of(&txn, session_id, actor.id()).await? {
        return Ok(entry);
    }
    let eligible = access::is_forum_staff(&txn, actor, &loaded.forum).await?
        || access::require_eligible_voter(&txn, &actor.account, &loaded.forum)
            .await
            .is_ok();
    let entry = session_attendance::ActiveModel {
        session_id: Set(session_id),
        account_id: Set(Some(actor.id())),
        name: Set(actor.account.name.clone()),
        role_or_institution: Set(role),
        gender: Set(gender),
        channel: Set(AttendanceChannel::Online),
        checked_in_at: Set(now()),
        recorded_by: Set(None),
        status: Set(if eligible {
            AttendanceStatus::Present
        } else {
            AttendanceStatus::AwaitingApproval
        }),
        decided_by: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    announce(&txn, actor, &entry).await?;
    txn.commit().await?;
    Ok(entry)
}

#[derive(Debug, Clone, InputObject, Validate, Serialize)]
pub struct MarkPresentInput {
    pub session_id: i32,
    /// The person's account, if they have one (they may then chat, raise a hand and vote).
    pub account_id: Option<i32>,
    #[validate(length(min = 2, max = 200))]
    pub name: String,
    /// e.g. "Ketua RW 02", "Dinas PUPR", "Warga".
    #[validate(length(min = 2, max = 200))]
    pub role_or_institution: String,
    pub gender: Option<Gender>,
}

/// The moderator marks someone present in the hall.
pub async fn mark_present(
    db: &Db,
    actor: &Actor,
    input: MarkPresentInput,
) -> AppResult<session_attendance::Model> {
    validate(&input)?;
    let txn = db.begin().await?;
    let loaded = load(&txn, input.session_id).await?;
    require_moderator(&txn, actor, &loaded.forum).await?;
    require_status(&loaded.session, CHECK_IN, "marking attendance")?;
    if let Some(account_id) = input.account_id {
        find::<account::Entity>(&txn, account_id, "account").await?;
        if entry_of(&txn, input.session_id, account_id)
            .await?
            .is_some()
        {
            return Err(AppError::Conflict(
                "the person is on the attendance list already".into(),
            ));
        }
    }
    let entry = session_attendance::ActiveModel {
        session_id: Set(input.session_id),
        account_id: Set(input.account_id),
        name: Set(input.name.trim().to_owned()),
        role_or_institution: Set(input.role_or_institution.trim().to_owned()),
        gender: Set(input.gender),
        channel: Set(AttendanceChannel::InHall),
        checked_in_at: Set(now()),
        recorded_by: Set(Some(actor.id())),
        status: Set(AttendanceStatus::Present),
        decided_by: Set(Some(actor.id())),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        Some(actor.id()),
        "attendance.mark",
        "session_attendance",
        Some(entry.id),
        None::<&()>,
        Some(&entry),
    )
    .await?;
    announce(&txn, actor, &entry).await?;
    txn.commit().await?;
    Ok(entry)
}

/// A moderator lets a guest take part, or not (a refused guest may still follow the session).
pub async fn decide(
    db: &Db,
    actor: &Actor,
    attendance_id: i32,
    approve: bool,
) -> AppResult<session_attendance::Model> {
    let txn = db.begin().await?;
    let entry = find::<session_attendance::Entity>(&txn, attendance_id, "attendance").await?;
    let loaded = load(&txn, entry.session_id).await?;
    require_moderator(&txn, actor, &loaded.forum).await?;
    require_status(&loaded.session, CHECK_IN, "admitting guests")?;
    let before = entry.clone();
    let mut active = entry.into_active_model();
    active.status = Set(if approve {
        AttendanceStatus::Present
    } else {
        AttendanceStatus::Refused
    });
    active.decided_by = Set(Some(actor.id()));
    let decided = active.update(&txn).await?;
    audit::record(
        &txn,
        Some(actor.id()),
        if approve {
            "attendance.approve"
        } else {
            "attendance.refuse"
        },
        "session_attendance",
        Some(decided.id),
        Some(&before),
        Some(&decided),
    )
    .await?;
    let count = present_count(&txn, decided.session_id).await?;
    emit(
        &txn,
        decided.session_id,
        EventKind::AttendanceDecided,
        Some(decided.id),
        actor,
        json!({
            "attendanceId": decided.id,
            "status": enum_name(decided.status),
            "count": count,
        }),
    )
    .await?;
    txn.commit().await?;
    Ok(decided)
}
