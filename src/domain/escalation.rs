//! Escalation between levels. Closing a forum fixes its priority list (daftar prioritas) under
//! its rule, limit and recorded decisions: the main list moves up to the parent forum (or, at
//! the highest forum, into the plan), the reserve (cadangan) stays to be promoted while budget
//! remains, and the rest are closed with the reason. Proposals keep their identity and history
//! across levels: only their forum, level and status change.
use std::collections::{HashMap, HashSet};

use async_graphql::InputObject;
use entity::{
    enums::{
        ForumStatus, OutcomeList, OutcomeReason, PriorityOutcome, ProposalStatus, SelectionLimit,
    },
    forum, priority_entry, proposal, voting_round,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, QueryOrder, Set,
};
use serde_json::json;

use super::{access, audit, find, format::rupiah, now, outcome, proposals, voting};
use crate::{
    db::Db,
    domain::access::Actor,
    domain::live_events::{self, ForumClosed, LiveEventData, ReservePromoted},
    error::{AppError, AppResult},
    events::{StreamKey, Txn},
};

/// Statuses of the proposals that stand on a forum's list.
const ON_LIST: [ProposalStatus; 2] = [ProposalStatus::Verified, ProposalStatus::Reserve];
/// Proposals the forum never verified, or that were never resubmitted after being returned:
/// the forum's close is their deadline, and each is closed with its reason.
const UNFINISHED: [(ProposalStatus, &str); 3] = [
    (
        ProposalStatus::Submitted,
        "Belum diverifikasi saat forum ditutup",
    ),
    (
        ProposalStatus::Forwarded,
        "Belum diverifikasi saat forum ditutup",
    ),
    (
        ProposalStatus::Returned,
        "Tidak diajukan kembali sebelum forum ditutup",
    ),
];

/// One proposal on a forum's priority list.
#[derive(Debug, Clone)]
pub struct ListedProposal {
    pub proposal: proposal::Model,
    pub rank: i32,
    pub list: OutcomeList,
    pub reason: OutcomeReason,
    /// Votes, points or score, exactly; empty when the forum did not vote.
    pub support: String,
    pub cost: i64,
    /// The reason in words, in Bahasa Indonesia: it goes into the minutes and the exports.
    pub note: String,
}

/// A forum's priority list as closing it now would fix it.
#[derive(Debug, Clone)]
pub struct DraftList {
    pub round: Option<voting_round::Model>,
    /// The Rupiah the selection may spend (ceiling plus tolerance), when limited by budget.
    pub budget: Option<i64>,
    pub rows: Vec<ListedProposal>,
}

/// Why a proposal stands where it does, in the words of the minutes.
pub fn reason_note(
    reason: OutcomeReason,
    remaining_budget: Option<i64>,
    decision: Option<&str>,
) -> String {
    use OutcomeReason::*;
    match reason {
        Selected | AddedByGreedyCompletion => "Masuk daftar prioritas".to_owned(),
        DidNotFitRemainingBudget => match remaining_budget {
            Some(left) => format!("Tidak cukup pagu: sisa {} saat gilirannya", rupiah(left)),
            None => "Tidak cukup pagu".to_owned(),
        },
        SupportersShareRanOut => "Bagian anggaran para pendukungnya sudah habis".to_owned(),
        NoSupport => "Tidak mendapat dukungan suara".to_owned(),
        CostExceedsBudget => "Biaya melebihi pagu forum".to_owned(),
        RuleStopped => "Aturan seleksi berhenti sebelum usulan ini".to_owned(),
        CountLimitReached => "Batas jumlah usulan yang diteruskan sudah tercapai".to_owned(),
        ForumDecision => format!(
            "Keputusan forum (mufakat): {}",
            decision.unwrap_or("tanpa keterangan")
        ),
        NotInRound => "Tidak diikutkan dalam pemungutan suara".to_owned(),
        InAgreedOrder => "Masuk daftar prioritas menurut urutan mufakat forum".to_owned(),
    }
}

/// The Rupiah a forum limited by budget may send up (ceiling plus tolerance).
pub fn budget_limit(forum: &forum::Model) -> Option<i64> {
    match (forum.selection_limit, forum.budget_ceiling) {
        (SelectionLimit::Budget, Some(_)) => {
            Some(outcome::selection_budget(forum, std::iter::empty()))
        }
        _ => None,
    }
}

fn limited(forum: &forum::Model) -> bool {
    match forum.selection_limit {
        SelectionLimit::Budget => forum.budget_ceiling.is_some(),
        SelectionLimit::Count => forum.max_count.is_some(),
        SelectionLimit::Unlimited => false,
    }
}

/// The forum's priority list as it stands: the outcome of its latest closed voting round, or,
/// when it did not vote, its verified proposals in the order the forum agreed (by default the
/// order they were proposed), taken while they fit the forum's limit.
pub async fn draft_list(
    conn: &impl ConnectionTrait,
    forum: &forum::Model,
    agreed_order: Option<&[i32]>,
) -> AppResult<DraftList> {
    let candidates = proposal::Entity::find()
        .filter(proposal::Column::ForumId.eq(forum.id))
        .filter(proposal::Column::Status.is_in(ON_LIST))
        .order_by_asc(proposal::Column::Id)
        .all(conn)
        .await?;
    let at = now();
    let round = voting_round::Entity::find()
        .filter(voting_round::Column::ForumId.eq(forum.id))
        .order_by_desc(voting_round::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .find(|r| voting::is_closed(r, at));
    let budget = budget_limit(forum);
    let rows = match (round.as_ref(), agreed_order) {
        (Some(_), Some(_)) => {
            return Err(AppError::field(
                "agreedOrder",
                "voted",
                "the forum voted: its order comes from the round; record decisions on the outcome instead",
            ));
        }
        (Some(round), None) => ranked_by_round(conn, forum, round, candidates).await?,
        (None, order) => ranked_in_order(forum, budget, candidates, order)?,
    };
    Ok(DraftList {
        round,
        budget,
        rows,
    })
}

async fn ranked_by_round(
    conn: &impl ConnectionTrait,
    forum: &forum::Model,
    round: &voting_round::Model,
    candidates: Vec<proposal::Model>,
) -> AppResult<Vec<ListedProposal>> {
    let computed = outcome::compute(conn, round, forum).await?;
    let mut by_id: HashMap<i32, proposal::Model> =
        candidates.into_iter().map(|p| (p.id, p)).collect();
    let mut rows = Vec::with_capacity(by_id.len());
    // Proposals rejected, merged or withdrawn since the vote leave the list.
    for row in computed.rows {
        if let Some(proposal) = by_id.remove(&row.proposal_id) {
            rows.push(ListedProposal {
                proposal,
                rank: rows.len() as i32 + 1,
                list: row.list,
                reason: row.reason,
                support: row.support,
                cost: row.cost,
                note: reason_note(
                    row.reason,
                    row.remaining_budget,
                    row.decision_reason.as_deref(),
                ),
            });
        }
    }
    let mut not_on_ballot: Vec<proposal::Model> = by_id.into_values().collect();
    not_on_ballot.sort_by_key(|p| p.id);
    for proposal in not_on_ballot {
        let (list, reason) = if limited(forum) {
            (OutcomeList::Reserve, OutcomeReason::NotInRound)
        } else {
            (OutcomeList::Main, OutcomeReason::Selected)
        };
        rows.push(ListedProposal {
            rank: rows.len() as i32 + 1,
            list,
            reason,
            support: String::new(),
            cost: proposal.estimated_cost,
            note: reason_note(reason, None, None),
            proposal,
        });
    }
    Ok(rows)
}

fn ranked_in_order(
    forum: &forum::Model,
    budget: Option<i64>,
    candidates: Vec<proposal::Model>,
    agreed_order: Option<&[i32]>,
) -> AppResult<Vec<ListedProposal>> {
    let ordered = match agreed_order {
        None => candidates,
        Some(ids) => {
            let unique: HashSet<i32> = ids.iter().copied().collect();
            let expected: HashSet<i32> = candidates.iter().map(|p| p.id).collect();
            if unique.len() != ids.len() || unique != expected {
                return Err(AppError::field(
                    "agreedOrder",
                    "set",
                    format!(
                        "list each of the forum's {} verified proposals exactly once",
                        expected.len()
                    ),
                ));
            }
            let mut by_id: HashMap<i32, proposal::Model> =
                candidates.into_iter().map(|p| (p.id, p)).collect();
            ids.iter().filter_map(|id| by_id.remove(id)).collect()
        }
    };
    let max_count = match forum.selection_limit {
        SelectionLimit::Count => forum.max_count,
        _ => None,
    };
    let mut spent = 0i64;
    let mut taken = 0i32;
    let mut rows = Vec::with_capacity(ordered.len());
    for proposal in ordered {
        let cost = proposal.estimated_cost;
        let (reason, remaining) = match (budget, max_count) {
            (Some(budget), _) if cost > budget => (OutcomeReason::CostExceedsBudget, None),
            (Some(budget), _) if spent + cost > budget => (
                OutcomeReason::DidNotFitRemainingBudget,
                Some(budget - spent),
            ),
            (_, Some(max)) if taken >= max => (OutcomeReason::CountLimitReached, None),
            _ => (OutcomeReason::InAgreedOrder, None),
        };
        let list = match reason {
            OutcomeReason::InAgreedOrder => {
                spent += cost;
                taken += 1;
                OutcomeList::Main
            }
            OutcomeReason::CostExceedsBudget => OutcomeList::Out,
            _ => OutcomeList::Reserve,
        };
        rows.push(ListedProposal {
            proposal,
            rank: rows.len() as i32 + 1,
            list,
            reason,
            support: String::new(),
            cost,
            note: reason_note(reason, remaining, None),
        });
    }
    Ok(rows)
}

#[derive(Debug, Clone, InputObject)]
pub struct CloseForumInput {
    pub forum_id: i32,
    /// When the forum did not vote: the order it agreed by consensus (mufakat), as proposal
    /// ids, each of its verified proposals once. Without it, the order they were proposed.
    pub agreed_order: Option<Vec<i32>>,
}

/// Closes a forum in session and carries out its priority list.
pub async fn close_forum(
    db: &Db,
    actor: &Actor,
    input: CloseForumInput,
) -> AppResult<forum::Model> {
    let txn = db.begin().await?;
    let closed = close_in(&txn, actor, input).await?;
    txn.commit().await?;
    Ok(closed)
}

async fn close_in(txn: &Txn, actor: &Actor, input: CloseForumInput) -> AppResult<forum::Model> {
    let forum = find::<forum::Entity>(txn, input.forum_id, "forum").await?;
    access::require_forum_staff(txn, actor, &forum).await?;
    if forum.status != ForumStatus::InSession {
        return Err(AppError::precondition(format!(
            "a {} forum cannot close; it closes from in session",
            forum.status
        )));
    }
    let at = now();
    let open_rounds: Vec<String> = voting_round::Entity::find()
        .filter(voting_round::Column::ForumId.eq(forum.id))
        .all(txn)
        .await?
        .into_iter()
        .filter(|r| !voting::is_closed(r, at))
        .map(|r| r.title)
        .collect();
    if !open_rounds.is_empty() {
        return Err(AppError::precondition(format!(
            "close the voting round first: {}",
            open_rounds.join(", ")
        )));
    }
    let open_children = forum::Entity::find()
        .filter(forum::Column::ParentForumId.eq(forum.id))
        .filter(forum::Column::Status.is_in([ForumStatus::Scheduled, ForumStatus::InSession]))
        .count(txn)
        .await?;
    if open_children > 0 {
        return Err(AppError::precondition(format!(
            "{open_children} lower forums that send proposals here are still running"
        )));
    }
    let draft = draft_list(txn, &forum, input.agreed_order.as_deref()).await?;
    let parent = match forum.parent_forum_id {
        Some(id) => {
            let parent = find::<forum::Entity>(txn, id, "parent forum").await?;
            // A closed parent takes nothing more; a forum with nothing to send up may still close.
            if draft.rows.iter().any(|r| r.list == OutcomeList::Main) {
                proposals::require_forum_open(&parent)?;
            }
            Some(parent)
        }
        None => None,
    };

    let mut counts: HashMap<&'static str, i32> = HashMap::new();
    for row in draft.rows {
        let (outcome, status, destination) = match (row.list, parent.as_ref()) {
            (OutcomeList::Main, Some(parent)) => (
                PriorityOutcome::Forwarded,
                ProposalStatus::Forwarded,
                Some(parent),
            ),
            (OutcomeList::Main, None) => {
                (PriorityOutcome::Accepted, ProposalStatus::Accepted, None)
            }
            (OutcomeList::Reserve, _) => (PriorityOutcome::Reserve, ProposalStatus::Reserve, None),
            (OutcomeList::Out, Some(_)) => {
                (PriorityOutcome::NotSelected, ProposalStatus::Rejected, None)
            }
            (OutcomeList::Out, None) => (
                PriorityOutcome::NotSelected,
                ProposalStatus::NotAccepted,
                None,
            ),
        };
        *counts.entry(outcome.as_str()).or_default() += 1;
        priority_entry::ActiveModel {
            forum_id: Set(forum.id),
            proposal_id: Set(row.proposal.id),
            round_id: Set(draft.round.as_ref().map(|r| r.id)),
            rank: Set(row.rank),
            list: Set(row.list),
            reason: Set(row.reason),
            support: Set(row.support),
            cost: Set(row.cost),
            outcome: Set(outcome),
            note: Set(row.note.clone()),
            promoted_at: Set(None),
            created_at: Set(at),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        if row.proposal.status != status {
            proposals::apply_status(
                txn,
                actor,
                row.proposal,
                status,
                destination,
                Some(row.note),
            )
            .await?;
        }
    }
    let unfinished = proposal::Entity::find()
        .filter(proposal::Column::ForumId.eq(forum.id))
        .filter(proposal::Column::Status.is_in(UNFINISHED.map(|(status, _)| status)))
        .order_by_asc(proposal::Column::Id)
        .all(txn)
        .await?;
    for proposal in unfinished {
        let reason = UNFINISHED
            .iter()
            .find(|(status, _)| *status == proposal.status)
            .map_or("", |(_, reason)| *reason);
        *counts.entry("unfinished").or_default() += 1;
        proposals::apply_status(
            txn,
            actor,
            proposal,
            ProposalStatus::Rejected,
            None,
            Some(reason.to_owned()),
        )
        .await?;
    }

    let before = forum.clone();
    let mut active = forum.into_active_model();
    active.status = Set(ForumStatus::Closed);
    active.closed_at = Set(Some(at));
    let closed = active.update(txn).await?;
    audit::record(
        txn,
        Some(actor.id()),
        "forum.close",
        "forum",
        Some(closed.id),
        Some(&before),
        Some(&json!({ "forum": &closed, "outcomes": &counts })),
    )
    .await?;
    let outcomes = counts
        .iter()
        .map(|(outcome, count)| ((*outcome).to_owned(), *count))
        .collect();
    live_events::publish(
        txn,
        StreamKey::Forum(closed.id),
        Some(closed.id),
        Some(actor.id()),
        LiveEventData::ForumClosed(ForumClosed {
            forum_id: closed.id,
            outcomes,
        }),
    )
    .await?;
    Ok(closed)
}

/// A forum's fixed priority list, in rank order, with each proposal as it is now.
pub async fn fixed_list(
    conn: &impl ConnectionTrait,
    forum_id: i32,
) -> AppResult<Vec<(priority_entry::Model, proposal::Model)>> {
    let entries = priority_entry::Entity::find()
        .filter(priority_entry::Column::ForumId.eq(forum_id))
        .order_by_asc(priority_entry::Column::Rank)
        .all(conn)
        .await?;
    let mut proposals: HashMap<i32, proposal::Model> = proposal::Entity::find()
        .filter(proposal::Column::Id.is_in(entries.iter().map(|e| e.proposal_id)))
        .all(conn)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    Ok(entries
        .into_iter()
        .filter_map(|e| proposals.remove(&e.proposal_id).map(|p| (e, p)))
        .collect())
}

/// A forum's priority list for reading: fixed once it closed, as it stands before.
#[derive(Debug, Clone)]
pub struct PriorityView {
    pub fixed: bool,
    pub round_id: Option<i32>,
    pub budget: Option<i64>,
    pub rows: Vec<PriorityViewRow>,
}

#[derive(Debug, Clone)]
pub struct PriorityViewRow {
    pub proposal: proposal::Model,
    pub rank: i32,
    pub list: OutcomeList,
    pub reason: OutcomeReason,
    pub support: String,
    pub cost: i64,
    /// What the close did; none while the forum is open.
    pub outcome: Option<PriorityOutcome>,
    pub note: String,
    pub promoted_at: Option<chrono::DateTime<chrono::Utc>>,
}

pub async fn priority_list(
    conn: &impl ConnectionTrait,
    forum: &forum::Model,
) -> AppResult<PriorityView> {
    if matches!(forum.status, ForumStatus::Closed | ForumStatus::Ratified) {
        let rows = fixed_list(conn, forum.id).await?;
        return Ok(PriorityView {
            fixed: true,
            round_id: rows.first().and_then(|(e, _)| e.round_id),
            budget: budget_limit(forum),
            rows: rows
                .into_iter()
                .map(|(e, proposal)| PriorityViewRow {
                    proposal,
                    rank: e.rank,
                    list: e.list,
                    reason: e.reason,
                    support: e.support,
                    cost: e.cost,
                    outcome: Some(e.outcome),
                    note: e.note,
                    promoted_at: e.promoted_at,
                })
                .collect(),
        });
    }
    let draft = draft_list(conn, forum, None).await?;
    Ok(PriorityView {
        fixed: false,
        round_id: draft.round.map(|r| r.id),
        budget: draft.budget,
        rows: draft
            .rows
            .into_iter()
            .map(|row| PriorityViewRow {
                proposal: row.proposal,
                rank: row.rank,
                list: row.list,
                reason: row.reason,
                support: row.support,
                cost: row.cost,
                outcome: None,
                note: row.note,
                promoted_at: None,
            })
            .collect(),
    })
}

/// What a closed forum has already sent up: (Rupiah, proposals).
async fn used_capacity(conn: &impl ConnectionTrait, forum_id: i32) -> AppResult<(i64, i32)> {
    let sent = priority_entry::Entity::find()
        .filter(priority_entry::Column::ForumId.eq(forum_id))
        .filter(
            priority_entry::Column::Outcome
                .is_in([PriorityOutcome::Forwarded, PriorityOutcome::Accepted]),
        )
        .all(conn)
        .await?;
    Ok((sent.iter().map(|e| e.cost).sum(), sent.len() as i32))
}

/// Promotes a reserve proposal of a closed forum while its limit leaves room: it moves up as
/// if it had been selected.
pub async fn promote_reserve(
    db: &Db,
    actor: &Actor,
    forum_id: i32,
    proposal_id: i32,
) -> AppResult<priority_entry::Model> {
    let txn = db.begin().await?;
    let forum = find::<forum::Entity>(&txn, forum_id, "forum").await?;
    access::require_forum_staff(&txn, actor, &forum).await?;
    if !matches!(forum.status, ForumStatus::Closed | ForumStatus::Ratified) {
        return Err(AppError::precondition(
            "the reserve is promoted after the forum closes; until then, record a decision",
        ));
    }
    let entry = priority_entry::Entity::find()
        .filter(priority_entry::Column::ForumId.eq(forum.id))
        .filter(priority_entry::Column::ProposalId.eq(proposal_id))
        .one(&txn)
        .await?
        .ok_or_else(|| {
            AppError::field(
                "proposalId",
                "scope",
                "the proposal is not on this forum's priority list",
            )
        })?;
    let proposal = find::<proposal::Entity>(&txn, proposal_id, "proposal").await?;
    if entry.outcome != PriorityOutcome::Reserve
        || proposal.status != ProposalStatus::Reserve
        || proposal.forum_id != forum.id
    {
        return Err(AppError::precondition(
            "only a proposal still in this forum's reserve can be promoted",
        ));
    }
    let (spent, sent) = used_capacity(&txn, forum.id).await?;
    match (budget_limit(&forum), forum.selection_limit, forum.max_count) {
        (Some(budget), _, _) if spent + entry.cost > budget => {
            return Err(AppError::precondition(format!(
                "not enough budget left: {} remain, the proposal costs {}",
                rupiah(budget - spent),
                rupiah(entry.cost)
            )));
        }
        (None, SelectionLimit::Count, Some(max)) if sent >= max => {
            return Err(AppError::precondition(format!(
                "the forum already sent up its {max} proposals"
            )));
        }
        _ => {}
    }
    let parent = match forum.parent_forum_id {
        Some(id) => {
            let parent = find::<forum::Entity>(&txn, id, "parent forum").await?;
            proposals::require_forum_open(&parent)?;
            Some(parent)
        }
        None => None,
    };
    let (outcome, status) = match parent {
        Some(_) => (PriorityOutcome::Forwarded, ProposalStatus::Forwarded),
        None => (PriorityOutcome::Accepted, ProposalStatus::Accepted),
    };
    proposals::apply_status(
        &txn,
        actor,
        proposal,
        status,
        parent.as_ref(),
        Some("Dipromosikan dari daftar cadangan karena pagu masih tersisa".to_owned()),
    )
    .await?;
    let before = entry.clone();
    let mut active = entry.into_active_model();
    active.outcome = Set(outcome);
    active.promoted_at = Set(Some(now()));
    let promoted = active.update(&txn).await?;
    audit::record(
        &txn,
        Some(actor.id()),
        "forum.promote_reserve",
        "priority_entry",
        Some(promoted.id),
        Some(&before),
        Some(&promoted),
    )
    .await?;
    live_events::publish(
        &txn,
        StreamKey::Forum(forum.id),
        Some(proposal_id),
        Some(actor.id()),
        LiveEventData::ReservePromoted(ReservePromoted {
            forum_id: forum.id,
            proposal_id,
        }),
    )
    .await?;
    txn.commit().await?;
    Ok(promoted)
}
