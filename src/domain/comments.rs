//! Threaded comments on proposals. Moderators hide a comment with a reason; it is kept.
use entity::{
    comment,
    enums::{EventKind, NotificationKind, ProposalStatus},
    forum, proposal,
};
use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, Set};

use super::{
    access, audit, find,
    idempotency::{self, Operation},
    notifications, now, proposals,
};
use crate::{
    db::Db,
    domain::access::Actor,
    domain::live_events::{self, CommentAdded, CommentHidden, LiveEventData},
    error::{AppError, AppResult},
    events::StreamKey,
};

pub async fn add(
    db: &Db,
    actor: &Actor,
    proposal_id: i32,
    parent_id: Option<i32>,
    body: &str,
    key: Option<&str>,
) -> AppResult<comment::Model> {
    let body = body.trim();
    if body.is_empty() || body.chars().count() > 2000 {
        return Err(AppError::field(
            "body",
            "length",
            "must be 1 to 2000 characters long",
        ));
    }
    let txn = db.begin().await?;
    if let Some(key) = key {
        if let Some(earlier) = idempotency::earlier_row::<comment::Entity>(
            &txn,
            actor.id(),
            key,
            Operation::AddComment,
            "comment",
        )
        .await?
        {
            return Ok(earlier);
        }
    }
    let target = proposals::find_visible(&txn, Some(actor), proposal_id).await?;
    if target.status == ProposalStatus::Draft {
        return Err(AppError::precondition(
            "a draft is not open for discussion yet",
        ));
    }
    // A reply is news for the comment's author; a new thread, for the proposer.
    let mut told = target.proposer_id;
    if let Some(parent_id) = parent_id {
        let parent = find::<comment::Entity>(&txn, parent_id, "parent comment").await?;
        if parent.proposal_id != proposal_id {
            return Err(AppError::field(
                "parentId",
                "scope",
                "the reply must be on the same proposal",
            ));
        }
        told = parent.author_id;
    }
    let created = comment::ActiveModel {
        proposal_id: Set(proposal_id),
        parent_id: Set(parent_id),
        author_id: Set(actor.id()),
        body: Set(body.to_owned()),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let data = LiveEventData::CommentAdded(CommentAdded {
        comment_id: created.id,
        proposal_id,
        proposal_code: target.code.clone(),
        parent_id,
        author_id: actor.id(),
        author_name: actor.account.name.clone(),
        body: Some(created.body.clone()),
        hidden: false,
    });
    live_events::publish(
        &txn,
        StreamKey::Forum(target.forum_id),
        Some(created.id),
        Some(actor.id()),
        data,
    )
    .await?;
    let details = notifications::Details {
        author_name: Some(actor.account.name.clone()),
        excerpt: Some(notifications::excerpt(&created.body)),
        ..notifications::about_proposal(&target)
    };
    notifications::notify(
        &txn,
        Some(actor),
        &[told],
        notifications::Notice {
            kind: NotificationKind::CommentReply,
            proposal_id: Some(target.id),
            forum_id: Some(target.forum_id),
            details,
        },
    )
    .await?;
    if let Some(key) = key {
        idempotency::remember(&txn, actor.id(), key, Operation::AddComment, created.id).await?;
    }
    txn.commit().await?;
    Ok(created)
}

pub async fn hide(
    db: &Db,
    actor: &Actor,
    comment_id: i32,
    reason: &str,
) -> AppResult<comment::Model> {
    let reason = reason.trim();
    if !(3..=500).contains(&reason.chars().count()) {
        return Err(AppError::field(
            "reason",
            "length",
            "must be 3 to 500 characters long",
        ));
    }
    let txn = db.begin().await?;
    let current = find::<comment::Entity>(&txn, comment_id, "comment").await?;
    let target = find::<proposal::Entity>(&txn, current.proposal_id, "proposal").await?;
    let forum = find::<forum::Entity>(&txn, target.forum_id, "forum").await?;
    access::require_forum_staff(&txn, actor, &forum).await?;
    if current.hidden_at.is_some() {
        return Err(AppError::precondition("the comment is already hidden"));
    }
    let before = current.clone();
    let mut active = current.into_active_model();
    active.hidden_at = Set(Some(now()));
    active.hidden_by = Set(Some(actor.id()));
    active.hidden_reason = Set(Some(reason.to_owned()));
    let updated = active.update(&txn).await?;
    audit::record(
        &txn,
        Some(actor.id()),
        "comment.hide",
        "comment",
        Some(comment_id),
        Some(&before),
        Some(&updated),
    )
    .await?;
    // The text leaves the public record of the stream too.
    let stream = StreamKey::Forum(forum.id);
    live_events::redact(&txn, stream, EventKind::CommentAdded, comment_id, |data| {
        if let LiveEventData::CommentAdded(comment) = data {
            comment.body = None;
            comment.hidden = true;
        }
    })
    .await?;
    let data = LiveEventData::CommentHidden(CommentHidden {
        comment_id,
        proposal_id: target.id,
        reason: reason.to_owned(),
    });
    live_events::publish(&txn, stream, Some(comment_id), Some(actor.id()), data).await?;
    txn.commit().await?;
    Ok(updated)
}

pub async fn get(db: &Db, id: i32) -> AppResult<comment::Model> {
    comment::Entity::find_by_id(id)
        .one(db.reader())
        .await?
        .ok_or(AppError::NotFound("comment"))
}
