//! The speaker queue: participants raise and lower a hand; the moderator gives the floor (with
//! a speaking time) to someone or to the next in line, and ends it. Every change carries the
//! whole queue, so everyone sees the same list.
use chrono::{DateTime, Duration, Utc};
use entity::{
    account,
    enums::{HandStatus, SessionStatus},
    live_session, speaker_request,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, Set,
};

use super::{
    emit, is_queued, load, names, require_moderator, require_participant, require_status, RUNNING,
};
use crate::{
    db::{Db, Txn},
    domain::access::Actor,
    domain::{
        audit, find,
        live_events::{LiveEventData, Speaker, SpeakerQueue},
        now,
    },
    error::{AppError, AppResult},
    events::enum_name,
};

/// Speaking time when the moderator gives none.
pub const DEFAULT_FLOOR_SECONDS: i32 = 180;

/// The speaker (if any) and the waiting hands, in the order they were raised.
pub async fn queue(
    conn: &impl ConnectionTrait,
    session_id: i32,
) -> AppResult<Vec<speaker_request::Model>> {
    let mut requests = speaker_request::Entity::find()
        .filter(speaker_request::Column::SessionId.eq(session_id))
        .filter(speaker_request::Column::Status.is_in([HandStatus::Waiting, HandStatus::Speaking]))
        .order_by_asc(speaker_request::Column::Id)
        .all(conn)
        .await?;
    requests.sort_by_key(|r| (r.status != HandStatus::Speaking, r.id));
    Ok(requests)
}

pub fn floor_ends_at(request: &speaker_request::Model) -> Option<DateTime<Utc>> {
    Some(request.floor_at? + Duration::seconds(i64::from(request.floor_seconds?)))
}

async fn queue_data(
    conn: &impl ConnectionTrait,
    session_id: i32,
    changed: Option<&speaker_request::Model>,
) -> AppResult<SpeakerQueue> {
    let requests = queue(conn, session_id).await?;
    let names = names(conn, requests.iter().map(|r| r.account_id)).await?;
    let entry = |r: &speaker_request::Model| Speaker {
        request_id: r.id,
        account_id: r.account_id,
        name: names.get(&r.account_id).cloned(),
        status: enum_name(r.status),
        raised_at: r.raised_at,
        floor_at: r.floor_at,
        floor_seconds: r.floor_seconds,
        ends_at: floor_ends_at(r),
    };
    let speaker = requests
        .iter()
        .find(|r| r.status == HandStatus::Speaking)
        .map(entry);
    let waiting: Vec<Speaker> = requests
        .iter()
        .filter(|r| r.status == HandStatus::Waiting)
        .map(entry)
        .collect();
    Ok(SpeakerQueue {
        speaker,
        queue: waiting,
        request_id: changed.map(|r| r.id),
        account_id: changed.map(|r| r.account_id),
    })
}

async fn announce(
    txn: &Txn,
    actor: &Actor,
    session_id: i32,
    kind: fn(SpeakerQueue) -> LiveEventData,
    request: Option<&speaker_request::Model>,
) -> AppResult<()> {
    let data = kind(queue_data(txn, session_id, request).await?);
    emit(txn, session_id, request.map(|r| r.id), actor, data).await
}

async fn own_request(
    conn: &impl ConnectionTrait,
    session_id: i32,
    account_id: i32,
) -> AppResult<Option<speaker_request::Model>> {
    Ok(queue(conn, session_id)
        .await?
        .into_iter()
        .find(|r| r.account_id == account_id))
}

pub async fn raise_hand(
    db: &Db,
    actor: &Actor,
    session_id: i32,
) -> AppResult<speaker_request::Model> {
    let txn = db.begin().await?;
    let loaded = load(&txn, session_id).await?;
    require_status(&loaded.session, RUNNING, "raising a hand")?;
    require_participant(&txn, actor, &loaded).await?;
    if own_request(&txn, session_id, actor.id()).await?.is_some() {
        return Err(AppError::Conflict("your hand is raised already".into()));
    }
    let request = speaker_request::ActiveModel {
        session_id: Set(session_id),
        account_id: Set(actor.id()),
        status: Set(HandStatus::Waiting),
        raised_at: Set(now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    announce(
        &txn,
        actor,
        session_id,
        LiveEventData::HandRaised,
        Some(&request),
    )
    .await?;
    txn.commit().await?;
    Ok(request)
}

/// Lowers one's own waiting hand, or (moderators) anyone's.
pub async fn lower_hand(
    db: &Db,
    actor: &Actor,
    session_id: i32,
    account_id: Option<i32>,
) -> AppResult<speaker_request::Model> {
    let txn = db.begin().await?;
    let loaded = load(&txn, session_id).await?;
    require_status(&loaded.session, RUNNING, "lowering a hand")?;
    let whose = account_id.unwrap_or(actor.id());
    if whose != actor.id() {
        require_moderator(&txn, actor, &loaded.forum).await?;
    }
    let request = own_request(&txn, session_id, whose)
        .await?
        .filter(|r| r.status == HandStatus::Waiting)
        .ok_or(AppError::NotFound("raised hand"))?;
    let mut active = request.into_active_model();
    active.status = Set(HandStatus::Lowered);
    active.ended_at = Set(Some(now()));
    let lowered = active.update(&txn).await?;
    if whose != actor.id() {
        audit::record(
            &txn,
            Some(actor.id()),
            "speakers.lower",
            "speaker_request",
            Some(lowered.id),
            None::<&()>,
            Some(&lowered),
        )
        .await?;
    }
    announce(
        &txn,
        actor,
        session_id,
        LiveEventData::HandLowered,
        Some(&lowered),
    )
    .await?;
    txn.commit().await?;
    Ok(lowered)
}

/// Ends the current speaker's turn, if someone has the floor.
async fn end_speaker(
    txn: &Txn,
    session_id: i32,
    at: DateTime<Utc>,
) -> AppResult<Option<speaker_request::Model>> {
    let speaking = queue(txn, session_id)
        .await?
        .into_iter()
        .find(|r| r.status == HandStatus::Speaking);
    match speaking {
        Some(request) => {
            let mut active = request.into_active_model();
            active.status = Set(HandStatus::Done);
            active.ended_at = Set(Some(at));
            Ok(Some(active.update(txn).await?))
        }
        None => Ok(None),
    }
}

/// Gives the floor to `account_id` (their raised hand, or directly) or, without one, to the
/// next in the queue; the current speaker's turn ends. None when nobody is waiting.
pub async fn give_floor(
    db: &Db,
    actor: &Actor,
    session_id: i32,
    account_id: Option<i32>,
    seconds: Option<i32>,
) -> AppResult<Option<speaker_request::Model>> {
    let seconds = seconds.unwrap_or(DEFAULT_FLOOR_SECONDS);
    if !(10..=3600).contains(&seconds) {
        return Err(AppError::field(
            "seconds",
            "range",
            "must be between 10 and 3600",
        ));
    }
    let txn = db.begin().await?;
    let loaded = load(&txn, session_id).await?;
    require_moderator(&txn, actor, &loaded.forum).await?;
    require_status(&loaded.session, &[SessionStatus::Open], "giving the floor")?;
    let at = now();
    let ended = end_speaker(&txn, session_id, at).await?;
    let waiting = queue(&txn, session_id)
        .await?
        .into_iter()
        .filter(|r| r.status == HandStatus::Waiting);
    let chosen = match account_id {
        Some(account_id) => {
            find::<account::Entity>(&txn, account_id, "account").await?;
            let mut waiting = waiting;
            match waiting.find(|r| r.account_id == account_id) {
                Some(request) => Some(request),
                None => Some(
                    speaker_request::ActiveModel {
                        session_id: Set(session_id),
                        account_id: Set(account_id),
                        status: Set(HandStatus::Waiting),
                        raised_at: Set(at),
                        ..Default::default()
                    }
                    .insert(&txn)
                    .await?,
                ),
            }
        }
        None => waiting.min_by_key(|r| r.id),
    };
    let Some(chosen) = chosen else {
        if let Some(ended) = &ended {
            announce(
                &txn,
                actor,
                session_id,
                LiveEventData::FloorEnded,
                Some(ended),
            )
            .await?;
        }
        txn.commit().await?;
        return Ok(None);
    };
    let mut active = chosen.into_active_model();
    active.status = Set(HandStatus::Speaking);
    active.floor_at = Set(Some(at));
    active.floor_seconds = Set(Some(seconds));
    let speaking = active.update(&txn).await?;
    audit::record(
        &txn,
        Some(actor.id()),
        "speakers.floor",
        "speaker_request",
        Some(speaking.id),
        None::<&()>,
        Some(&speaking),
    )
    .await?;
    announce(
        &txn,
        actor,
        session_id,
        LiveEventData::FloorGiven,
        Some(&speaking),
    )
    .await?;
    txn.commit().await?;
    Ok(Some(speaking))
}

/// Ends the current turn without giving the floor to anyone.
pub async fn end_floor(
    db: &Db,
    actor: &Actor,
    session_id: i32,
) -> AppResult<Option<speaker_request::Model>> {
    let txn = db.begin().await?;
    let loaded = load(&txn, session_id).await?;
    require_moderator(&txn, actor, &loaded.forum).await?;
    require_status(&loaded.session, RUNNING, "ending the floor")?;
    let ended = end_speaker(&txn, session_id, now()).await?;
    if let Some(ended) = &ended {
        announce(
            &txn,
            actor,
            session_id,
            LiveEventData::FloorEnded,
            Some(ended),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(ended)
}

/// At the close: the speaker's turn ends and waiting hands are lowered.
pub(crate) async fn end_all(
    txn: &Txn,
    actor: &Actor,
    session: &live_session::Model,
    at: DateTime<Utc>,
) -> AppResult<()> {
    let requests = queue(txn, session.id).await?;
    if requests.is_empty() {
        return Ok(());
    }
    for request in requests.into_iter().filter(|r| is_queued(r.status)) {
        let status = if request.status == HandStatus::Speaking {
            HandStatus::Done
        } else {
            HandStatus::Lowered
        };
        let mut active = request.into_active_model();
        active.status = Set(status);
        active.ended_at = Set(Some(at));
        active.update(txn).await?;
    }
    announce(txn, actor, session.id, LiveEventData::FloorEnded, None).await
}
