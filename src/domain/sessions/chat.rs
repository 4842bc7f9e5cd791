//! The chat of a session: messages and replies by participants, a rate limit per participant,
//! moderators hiding messages (with a reason, kept in the record) and muting participants.
use chrono::{DateTime, Duration, Utc};
use entity::{account, chat_message, enums::EventKind, role_grant, session_mute};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, QuerySelect, Set,
};

use super::{emit, load, require_moderator, require_participant, require_status, RUNNING};
use crate::{
    db::Db,
    domain::access::Actor,
    domain::live_events::{self, ChatMessage, ChatMessageHidden, LiveEventData, ParticipantMuted},
    domain::{access, audit, find, now},
    error::{AppError, AppResult},
    events::StreamKey,
};

/// At most this many messages per participant …
pub const RATE_MESSAGES: usize = 5;
/// … in this many seconds (moderators are not limited).
pub const RATE_WINDOW_SECS: i64 = 10;

/// The latest `last` messages, oldest first.
pub async fn messages(
    conn: &impl ConnectionTrait,
    session_id: i32,
    last: u64,
) -> AppResult<Vec<chat_message::Model>> {
    let mut newest = chat_message::Entity::find()
        .filter(chat_message::Column::SessionId.eq(session_id))
        .order_by_desc(chat_message::Column::Id)
        .limit(last)
        .all(conn)
        .await?;
    newest.reverse();
    Ok(newest)
}

/// Until when the account is muted in the session, if it is now (the latest mute counts).
pub async fn muted_until(
    conn: &impl ConnectionTrait,
    session_id: i32,
    account_id: i32,
) -> AppResult<Option<DateTime<Utc>>> {
    let latest = session_mute::Entity::find()
        .filter(session_mute::Column::SessionId.eq(session_id))
        .filter(session_mute::Column::AccountId.eq(account_id))
        .order_by_desc(session_mute::Column::Id)
        .one(conn)
        .await?;
    Ok(latest.map(|m| m.until).filter(|until| *until > now()))
}

/// A participant writes a message (or a reply to one).
pub async fn send(
    db: &Db,
    actor: &Actor,
    session_id: i32,
    body: &str,
    reply_to_id: Option<i32>,
) -> AppResult<chat_message::Model> {
    let body = body.trim();
    if body.is_empty() || body.chars().count() > 1000 {
        return Err(AppError::field(
            "body",
            "length",
            "must be 1 to 1000 characters long",
        ));
    }
    let txn = db.begin().await?;
    let loaded = load(&txn, session_id).await?;
    require_status(&loaded.session, RUNNING, "chatting")?;
    let staff = require_participant(&txn, actor, &loaded).await?;
    if !staff {
        if let Some(until) = muted_until(&txn, session_id, actor.id()).await? {
            return Err(AppError::forbidden(format!(
                "a moderator muted you until {}",
                until.to_rfc3339()
            )));
        }
        let since = now() - Duration::seconds(RATE_WINDOW_SECS);
        let recent = chat_message::Entity::find()
            .filter(chat_message::Column::SessionId.eq(session_id))
            .filter(chat_message::Column::AuthorId.eq(actor.id()))
            .filter(chat_message::Column::CreatedAt.gt(since))
            .order_by_asc(chat_message::Column::CreatedAt)
            .all(&txn)
            .await?;
        if recent.len() >= RATE_MESSAGES {
            let frees_at = recent[recent.len() - RATE_MESSAGES].created_at
                + Duration::seconds(RATE_WINDOW_SECS);
            let wait = (frees_at - now()).num_milliseconds().max(1);
            return Err(AppError::RateLimited {
                retry_after_secs: ((wait + 999) / 1000) as u64,
            });
        }
    }
    if let Some(parent) = reply_to_id {
        let parent = find::<chat_message::Entity>(&txn, parent, "message").await?;
        if parent.session_id != session_id {
            return Err(AppError::field(
                "replyToId",
                "scope",
                "reply to a message of the same session",
            ));
        }
    }
    let message = chat_message::ActiveModel {
        session_id: Set(session_id),
        author_id: Set(actor.id()),
        reply_to_id: Set(reply_to_id),
        body: Set(body.to_owned()),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let data = LiveEventData::ChatMessage(ChatMessage {
        message_id: message.id,
        author_id: actor.id(),
        author_name: actor.account.name.clone(),
        reply_to_id,
        body: Some(message.body.clone()),
        created_at: message.created_at,
        hidden: false,
    });
    emit(&txn, session_id, Some(message.id), actor, data).await?;
    txn.commit().await?;
    Ok(message)
}

/// A moderator hides a message from the public with a reason; the text stays in the record
/// (for staff) but leaves the stream's replay.
pub async fn hide(
    db: &Db,
    actor: &Actor,
    message_id: i32,
    reason: &str,
) -> AppResult<chat_message::Model> {
    let reason = reason.trim();
    if !(3..=500).contains(&reason.chars().count()) {
        return Err(AppError::field(
            "reason",
            "length",
            "must be 3 to 500 characters long",
        ));
    }
    let txn = db.begin().await?;
    let message = find::<chat_message::Entity>(&txn, message_id, "message").await?;
    let loaded = load(&txn, message.session_id).await?;
    require_moderator(&txn, actor, &loaded.forum).await?;
    if message.hidden_at.is_some() {
        return Err(AppError::precondition("the message is already hidden"));
    }
    let before = message.clone();
    let mut active = message.into_active_model();
    active.hidden_at = Set(Some(now()));
    active.hidden_by = Set(Some(actor.id()));
    active.hidden_reason = Set(Some(reason.to_owned()));
    let updated = active.update(&txn).await?;
    audit::record(
        &txn,
        Some(actor.id()),
        "chat.hide",
        "chat_message",
        Some(message_id),
        Some(&before),
        Some(&updated),
    )
    .await?;
    live_events::redact(
        &txn,
        StreamKey::Session(updated.session_id),
        EventKind::ChatMessage,
        message_id,
        |data| {
            if let LiveEventData::ChatMessage(message) = data {
                message.body = None;
                message.hidden = true;
            }
        },
    )
    .await?;
    emit(
        &txn,
        updated.session_id,
        Some(message_id),
        actor,
        LiveEventData::ChatMessageHidden(ChatMessageHidden {
            message_id,
            reason: reason.to_owned(),
        }),
    )
    .await?;
    txn.commit().await?;
    Ok(updated)
}

/// A moderator mutes a participant in the session's chat for `minutes` (0 lifts a mute).
pub async fn mute(
    db: &Db,
    actor: &Actor,
    session_id: i32,
    account_id: i32,
    minutes: i32,
    reason: Option<String>,
) -> AppResult<session_mute::Model> {
    if !(0..=24 * 60).contains(&minutes) {
        return Err(AppError::field(
            "minutes",
            "range",
            "must be between 0 and 1440",
        ));
    }
    let reason = reason
        .map(|r| r.trim().to_owned())
        .filter(|r| !r.is_empty());
    if reason.as_ref().is_some_and(|r| r.chars().count() > 500) {
        return Err(AppError::field(
            "reason",
            "length",
            "must be at most 500 characters long",
        ));
    }
    let txn = db.begin().await?;
    let loaded = load(&txn, session_id).await?;
    require_moderator(&txn, actor, &loaded.forum).await?;
    require_status(&loaded.session, RUNNING, "muting")?;
    let target = find::<account::Entity>(&txn, account_id, "account").await?;
    let grants = role_grant::Entity::find()
        .filter(role_grant::Column::AccountId.eq(account_id))
        .all(&txn)
        .await?;
    let target = Actor {
        account: target,
        grants,
    };
    if access::is_forum_staff(&txn, &target, &loaded.forum).await? {
        return Err(AppError::precondition("the forum's staff cannot be muted"));
    }
    let at = now();
    let mute = session_mute::ActiveModel {
        session_id: Set(session_id),
        account_id: Set(account_id),
        until: Set(at + Duration::minutes(i64::from(minutes))),
        reason: Set(reason),
        muted_by: Set(actor.id()),
        created_at: Set(at),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        Some(actor.id()),
        if minutes == 0 {
            "chat.unmute"
        } else {
            "chat.mute"
        },
        "session_mute",
        Some(mute.id),
        None::<&()>,
        Some(&mute),
    )
    .await?;
    let data = LiveEventData::ParticipantMuted(ParticipantMuted {
        account_id,
        name: target.account.name.clone(),
        until: mute.until,
        reason: mute.reason.clone(),
    });
    emit(&txn, session_id, Some(account_id), actor, data).await?;
    txn.commit().await?;
    Ok(mute)
}
