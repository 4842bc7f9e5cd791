//! The agenda: ordered items (proposals of the forum or free topics), the current item with
//! its time box, and the session's decision on each item. A decision on a proposal moves the
//! proposal through the workflow (`proposals::transition_in`), with the same rules as anywhere.
use async_graphql::InputObject;
use chrono::{DateTime, Utc};
use entity::{
    agenda_item,
    enums::{ItemDecision, NotificationKind, ProposalStatus, SessionStatus},
    live_session, proposal,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, Set,
};
use serde::Serialize;
use serde_json::json;
use validator::Validate;

use super::{emit, load, require_moderator, require_status, RUNNING};
use crate::{
    db::{Db, Txn},
    domain::access::Actor,
    domain::live_events::{
        AgendaItem, AgendaItemState, AgendaOrder, CurrentItem, ItemDecided, LiveEventData,
    },
    domain::notifications,
    domain::{
        audit, find, now,
        proposals::{self, TransitionInput},
        validate,
    },
    error::{AppError, AppResult},
    events::enum_name,
};

/// The agenda in order.
pub async fn items(
    conn: &impl ConnectionTrait,
    session_id: i32,
) -> AppResult<Vec<agenda_item::Model>> {
    Ok(agenda_item::Entity::find()
        .filter(agenda_item::Column::SessionId.eq(session_id))
        .order_by_asc(agenda_item::Column::Position)
        .order_by_asc(agenda_item::Column::Id)
        .all(conn)
        .await?)
}

/// When the item's time box runs out, if it is under way and has one.
pub fn ends_at(item: &agenda_item::Model) -> Option<DateTime<Utc>> {
    let started = item.started_at?;
    let minutes = item.time_box_minutes?;
    Some(started + chrono::Duration::minutes(i64::from(minutes)))
}

fn item_state(item: &agenda_item::Model) -> AgendaItemState {
    AgendaItemState {
        position: item.position,
        title: item.title.clone(),
        proposal_id: item.proposal_id,
        time_box_minutes: item.time_box_minutes,
        started_at: item.started_at,
        ends_at: ends_at(item),
        decision: item.decision.map(enum_name),
        decision_note: item.decision_note.clone(),
        merged_into_id: item.merged_into_id,
    }
}

#[derive(Debug, Clone, InputObject, Validate, Serialize)]
pub struct AgendaItemInput {
    pub session_id: i32,
    /// A proposal of the session's forum; leave out for a free topic.
    pub proposal_id: Option<i32>,
    /// Required for a free topic; a proposal's item defaults to its title.
    #[validate(length(min = 3, max = 200))]
    pub title: Option<String>,
    /// The time box of the item.
    #[validate(range(min = 1, max = 480))]
    pub time_box_minutes: Option<i32>,
}

pub async fn add(db: &Db, actor: &Actor, input: AgendaItemInput) -> AppResult<agenda_item::Model> {
    validate(&input)?;
    let txn = db.begin().await?;
    let loaded = load(&txn, input.session_id).await?;
    require_moderator(&txn, actor, &loaded.forum).await?;
    require_status(
        &loaded.session,
        &[
            SessionStatus::Scheduled,
            SessionStatus::Open,
            SessionStatus::Paused,
        ],
        "changing the agenda",
    )?;
    let current = items(&txn, loaded.session.id).await?;
    let title = match input.proposal_id {
        Some(proposal_id) => {
            let found = find::<proposal::Entity>(&txn, proposal_id, "proposal").await?;
            if found.forum_id != loaded.forum.id || found.status == ProposalStatus::Draft {
                return Err(AppError::field(
                    "proposalId",
                    "scope",
                    format!("put a proposal of {} on the agenda", loaded.forum.name),
                ));
            }
            if current
                .iter()
                .any(|item| item.proposal_id == Some(proposal_id))
            {
                return Err(AppError::Conflict(
                    "the proposal is on the agenda already".into(),
                ));
            }
            input
                .title
                .map(|t| t.trim().to_owned())
                .filter(|t| !t.is_empty())
                .unwrap_or(found.title)
        }
        None => input
            .title
            .map(|t| t.trim().to_owned())
            .filter(|t| t.chars().count() >= 3)
            .ok_or_else(|| AppError::field("title", "required", "name the topic"))?,
    };
    let created = agenda_item::ActiveModel {
        session_id: Set(loaded.session.id),
        position: Set(current.len() as i32 + 1),
        proposal_id: Set(input.proposal_id),
        title: Set(title),
        time_box_minutes: Set(input.time_box_minutes),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        Some(actor.id()),
        "agenda.add",
        "agenda_item",
        Some(created.id),
        None::<&()>,
        Some(&created),
    )
    .await?;
    emit(
        &txn,
        loaded.session.id,
        Some(created.id),
        actor,
        LiveEventData::AgendaItemAdded(AgendaItem {
            item_id: created.id,
            item: item_state(&created),
        }),
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}

/// Writes positions 1..n in the given order, touching only rows that move.
async fn renumber(
    txn: &Txn,
    ordered: Vec<agenda_item::Model>,
) -> AppResult<Vec<agenda_item::Model>> {
    let mut result = Vec::with_capacity(ordered.len());
    for (index, item) in ordered.into_iter().enumerate() {
        let position = index as i32 + 1;
        if item.position == position {
            result.push(item);
        } else {
            let mut active = item.into_active_model();
            active.position = Set(position);
            result.push(active.update(txn).await?);
        }
    }
    Ok(result)
}

/// Moves an item to a 1-based position; returns the agenda.
pub async fn move_to(
    db: &Db,
    actor: &Actor,
    item_id: i32,
    position: i32,
) -> AppResult<Vec<agenda_item::Model>> {
    let txn = db.begin().await?;
    let item = find::<agenda_item::Entity>(&txn, item_id, "agenda item").await?;
    let loaded = load(&txn, item.session_id).await?;
    require_moderator(&txn, actor, &loaded.forum).await?;
    require_status(
        &loaded.session,
        &[
            SessionStatus::Scheduled,
            SessionStatus::Open,
            SessionStatus::Paused,
        ],
        "changing the agenda",
    )?;
    let mut ordered = items(&txn, loaded.session.id).await?;
    if !(1..=ordered.len() as i32).contains(&position) {
        return Err(AppError::field(
            "position",
            "range",
            format!("must be between 1 and {}", ordered.len()),
        ));
    }
    let from = ordered
        .iter()
        .position(|i| i.id == item_id)
        .ok_or(AppError::NotFound("agenda item"))?;
    let moved = ordered.remove(from);
    ordered.insert(position as usize - 1, moved);
    let agenda = renumber(&txn, ordered).await?;
    audit::record(
        &txn,
        Some(actor.id()),
        "agenda.move",
        "agenda_item",
        Some(item_id),
        None::<&()>,
        Some(&json!({ "position": position })),
    )
    .await?;
    let order: Vec<i32> = agenda.iter().map(|i| i.id).collect();
    emit(
        &txn,
        loaded.session.id,
        Some(item_id),
        actor,
        LiveEventData::AgendaReordered(AgendaOrder { item_id, order }),
    )
    .await?;
    txn.commit().await?;
    Ok(agenda)
}

/// Removes an item that is not under way and not decided; returns the agenda.
pub async fn remove(db: &Db, actor: &Actor, item_id: i32) -> AppResult<Vec<agenda_item::Model>> {
    let txn = db.begin().await?;
    let item = find::<agenda_item::Entity>(&txn, item_id, "agenda item").await?;
    let loaded = load(&txn, item.session_id).await?;
    require_moderator(&txn, actor, &loaded.forum).await?;
    require_status(
        &loaded.session,
        &[
            SessionStatus::Scheduled,
            SessionStatus::Open,
            SessionStatus::Paused,
        ],
        "changing the agenda",
    )?;
    if item.started_at.is_some()
        || item.decision.is_some()
        || loaded.session.current_item_id == Some(item_id)
    {
        return Err(AppError::precondition(
            "an item that was discussed stays on the agenda",
        ));
    }
    agenda_item::Entity::delete_by_id(item_id)
        .exec(&txn)
        .await?;
    let remaining: Vec<_> = items(&txn, loaded.session.id).await?;
    let agenda = renumber(&txn, remaining).await?;
    audit::record(
        &txn,
        Some(actor.id()),
        "agenda.remove",
        "agenda_item",
        Some(item_id),
        Some(&item),
        None::<&()>,
    )
    .await?;
    let order: Vec<i32> = agenda.iter().map(|i| i.id).collect();
    emit(
        &txn,
        loaded.session.id,
        Some(item_id),
        actor,
        LiveEventData::AgendaItemRemoved(AgendaOrder { item_id, order }),
    )
    .await?;
    txn.commit().await?;
    Ok(agenda)
}

/// Ends the current item's discussion (its time stops).
pub(crate) async fn end_current(
    txn: &Txn,
    session: &live_session::Model,
    at: DateTime<Utc>,
) -> AppResult<()> {
    if let Some(current) = session.current_item_id {
        let item = find::<agenda_item::Entity>(txn, current, "agenda item").await?;
        if item.ended_at.is_none() {
            let mut active = item.into_active_model();
            active.ended_at = Set(Some(at));
            active.update(txn).await?;
        }
    }
    Ok(())
}

/// Makes an item the current one (its time box starts), or none.
pub async fn set_current(
    db: &Db,
    actor: &Actor,
    session_id: i32,
    item_id: Option<i32>,
) -> AppResult<live_session::Model> {
    let txn = db.begin().await?;
    let loaded = load(&txn, session_id).await?;
    require_moderator(&txn, actor, &loaded.forum).await?;
    require_status(
        &loaded.session,
        &[SessionStatus::Open],
        "moving through the agenda",
    )?;
    let at = now();
    let next = match item_id {
        Some(item_id) => {
            let item = find::<agenda_item::Entity>(&txn, item_id, "agenda item").await?;
            if item.session_id != session_id {
                return Err(AppError::field(
                    "itemId",
                    "scope",
                    "the item is on another session's agenda",
                ));
            }
            Some(item)
        }
        None => None,
    };
    if loaded.session.current_item_id != item_id {
        end_current(&txn, &loaded.session, at).await?;
    }
    let next = match next {
        Some(item) if loaded.session.current_item_id != Some(item.id) => {
            let mut active = item.into_active_model();
            active.started_at = Set(Some(at));
            active.ended_at = Set(None);
            Some(active.update(&txn).await?)
        }
        other => other,
    };
    let mut active = loaded.session.clone().into_active_model();
    active.current_item_id = Set(item_id);
    let updated = active.update(&txn).await?;
    audit::record(
        &txn,
        Some(actor.id()),
        "agenda.current",
        "live_session",
        Some(session_id),
        Some(&loaded.session),
        Some(&updated),
    )
    .await?;
    let current = CurrentItem {
        item_id: next.as_ref().map(|item| item.id),
        item: next.as_ref().map(item_state),
    };
    emit(
        &txn,
        session_id,
        item_id,
        actor,
        LiveEventData::CurrentItemChanged(current),
    )
    .await?;
    txn.commit().await?;
    Ok(updated)
}

#[derive(Debug, Clone, InputObject, Validate, Serialize)]
pub struct DecideItemInput {
    pub item_id: i32,
    pub decision: ItemDecision,
    /// What was agreed, and why (required to reject a proposal).
    #[validate(length(min = 3, max = 2000))]
    pub note: Option<String>,
    /// For MERGED: the proposal the item's proposal is merged into.
    pub merged_into_id: Option<i32>,
}

/// Records the session's decision on an item. On a proposal: ACCEPTED verifies it (at the top
/// forum: accepts it into the plan, which only planners may), REJECTED rejects it, MERGED merges
/// it, DEFERRED leaves its status as it is.
pub async fn decide(
    db: &Db,
    actor: &Actor,
    input: DecideItemInput,
) -> AppResult<agenda_item::Model> {
    validate(&input)?;
    let txn = db.begin().await?;
    let item = find::<agenda_item::Entity>(&txn, input.item_id, "agenda item").await?;
    let loaded = load(&txn, item.session_id).await?;
    require_moderator(&txn, actor, &loaded.forum).await?;
    require_status(&loaded.session, RUNNING, "deciding")?;
    if item.decision.is_some() {
        return Err(AppError::precondition("the item is decided already"));
    }
    let note = input
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_owned);
    let mut proposal_status = None;
    let mut decided_proposal = None;
    match item.proposal_id {
        Some(proposal_id) => {
            let current = find::<proposal::Entity>(&txn, proposal_id, "proposal").await?;
            decided_proposal = Some(current.clone());
            let to = match input.decision {
                ItemDecision::Accepted if loaded.forum.parent_forum_id.is_none() => {
                    Some(ProposalStatus::Accepted)
                }
                ItemDecision::Accepted if current.status == ProposalStatus::Verified => None,
                ItemDecision::Accepted => Some(ProposalStatus::Verified),
                ItemDecision::Rejected => Some(ProposalStatus::Rejected),
                ItemDecision::Merged => Some(ProposalStatus::Merged),
                ItemDecision::Deferred => None,
            };
            if let Some(to) = to {
                let transition = TransitionInput {
                    proposal_id,
                    to,
                    note: note.clone(),
                    merged_into_id: input.merged_into_id,
                };
                proposal_status = Some(
                    proposals::transition_in(&txn, actor, transition)
                        .await?
                        .status,
                );
            }
        }
        None if input.decision == ItemDecision::Merged => {
            return Err(AppError::field(
                "decision",
                "topic",
                "only a proposal can be merged into another",
            ));
        }
        None => {}
    }
    let before = item.clone();
    let mut active = item.into_active_model();
    active.decision = Set(Some(input.decision));
    active.decision_note = Set(note);
    active.merged_into_id = Set(if input.decision == ItemDecision::Merged {
        input.merged_into_id
    } else {
        None
    });
    active.decided_by = Set(Some(actor.id()));
    active.decided_at = Set(Some(now()));
    let updated = active.update(&txn).await?;
    audit::record(
        &txn,
        Some(actor.id()),
        "agenda.decide",
        "agenda_item",
        Some(updated.id),
        Some(&before),
        Some(&updated),
    )
    .await?;
    // A decision that moved the proposal is told by its status notice (with the note); one that
    // left it where it was (deferred, or accepted when already verified) is told here.
    if let (Some(proposal), None) = (&decided_proposal, proposal_status) {
        let details = notifications::Details {
            outcome: Some(enum_name(input.decision)),
            note: updated.decision_note.clone(),
            title: Some(loaded.session.title.clone()),
            forum_name: Some(loaded.forum.name.clone()),
            ..notifications::about_proposal(proposal)
        };
        notifications::notify(
            &txn,
            Some(actor),
            &[proposal.proposer_id],
            notifications::Notice {
                kind: NotificationKind::SessionDecision,
                proposal_id: Some(proposal.id),
                forum_id: Some(loaded.forum.id),
                details,
            },
        )
        .await?;
    }
    let decided = ItemDecided {
        item_id: updated.id,
        item: item_state(&updated),
        proposal_status: proposal_status.map(enum_name),
    };
    emit(
        &txn,
        loaded.session.id,
        Some(updated.id),
        actor,
        LiveEventData::ItemDecided(decided),
    )
    .await?;
    txn.commit().await?;
    Ok(updated)
}
