//! The attendance list (daftar hadir): residents check in online; the moderator marks people
//! present in the hall with their name, role or institution and gender.
use async_graphql::{InputObject, SimpleObject};
use entity::{
    account,
    enums::{AttendanceChannel, AttendanceStatus, Gender, SessionStatus},
    session_attendance,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, Set,
};
use serde::{Deserialize, Serialize};
use validator::Validate;

use super::{load, require_moderator, require_status};
use crate::{
    db::{Db, Txn},
    domain::access::Actor,
    domain::live_events::{self, AttendanceChange, LiveEventData},
    domain::{access, audit, find, now, validate},
    error::{AppError, AppResult},
    events::{enum_name, StreamKey},
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

/// What everyone may know of a session's attendance: counts, by gender as gender-responsive
/// planning needs them. The list itself (names, accounts) is for the forum's staff.
#[derive(Debug, Clone, Default, PartialEq, SimpleObject, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct AttendanceCounts {
    #[cfg_attr(test, ts(type = "number"))]
    pub present: i64,
    /// Guests waiting for a moderator to let them in.
    #[cfg_attr(test, ts(type = "number"))]
    pub awaiting: i64,
    #[cfg_attr(test, ts(type = "number"))]
    pub male: i64,
    #[cfg_attr(test, ts(type = "number"))]
    pub female: i64,
    #[cfg_attr(test, ts(type = "number"))]
    pub unspecified: i64,
}

pub async fn counts(conn: &impl ConnectionTrait, session_id: i32) -> AppResult<AttendanceCounts> {
    let mut counts = AttendanceCounts::default();
    for entry in list(conn, session_id).await? {
        match entry.status {
            AttendanceStatus::Present => {
                counts.present += 1;
                match entry.gender {
                    Some(Gender::Male) => counts.male += 1,
                    Some(Gender::Female) => counts.female += 1,
                    None => counts.unspecified += 1,
                }
            }
            AttendanceStatus::AwaitingApproval => counts.awaiting += 1,
            AttendanceStatus::Refused => {}
        }
    }
    Ok(counts)
}

/// The list, for the forum's staff only.
pub async fn staff_list(
    db: &Db,
    actor: Option<&Actor>,
    session_id: i32,
) -> AppResult<Vec<session_attendance::Model>> {
    let loaded = load(db.reader(), session_id).await?;
    let actor = crate::domain::access::require_signed_in(actor)?;
    require_moderator(db.reader(), actor, &loaded.forum).await?;
    list(db.reader(), session_id).await
}

/// Tells the session's followers that the list changed: counts only, no name, account or
/// gender of the person, and no actor (a resident checking in would be named by it).
async fn announce(
    txn: &Txn,
    kind: fn(AttendanceChange) -> LiveEventData,
    entry: &session_attendance::Model,
) -> AppResult<()> {
    let counts = counts(txn, entry.session_id).await?;
    let change = AttendanceChange {
        attendance_id: entry.id,
        channel: enum_name(entry.channel),
        status: enum_name(entry.status),
        checked_in_at: entry.checked_in_at,
        count: counts.present,
        counts,
    };
    live_events::publish(
        txn,
        StreamKey::Session(entry.session_id),
        Some(entry.id),
        None,
        kind(change),
    )
    .await
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
    announce(&txn, LiveEventData::AttendeeCheckedIn, &entry).await?;
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
    announce(&txn, LiveEventData::AttendeeCheckedIn, &entry).await?;
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
    announce(&txn, LiveEventData::AttendanceDecided, &decided).await?;
    txn.commit().await?;
    Ok(decided)
}
