//! The outcome of a closed voting round: the forum's rule applied to its ballots within the
//! budget ceiling, with the reason for every proposal, and the forum's recorded decisions
//! (mufakat) on top.
use std::collections::HashMap;

use async_graphql::SimpleObject;
use chrono::{DateTime, Utc};
use entity::{
    ballot,
    enums::{BallotMethod, ForumStatus, OutcomeList, OutcomeReason, SelectionLimit},
    forum, proposal, round_decision, round_proposal, voting_round,
};
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::ToPrimitive;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

use super::{access, audit, find, now, voting};
use crate::{
    auth::Actor,
    db::Db,
    error::{AppError, AppResult},
    ranking::{self, BallotKind, Reason, Rule, Support},
};

#[derive(Debug, Clone, SimpleObject)]
pub struct OutcomeRow {
    pub proposal_id: i32,
    pub code: String,
    pub title: String,
    /// 1-based position in the order the rule considered the proposals.
    pub rank: i32,
    pub cost: i64,
    /// Votes, points or Borda score, per the round's method, exactly (e.g. "12" or "7/2").
    pub support: String,
    /// Total cost of the selected proposals up to this one, in rank order.
    pub cumulative_cost: i64,
    pub selected_by_rule: bool,
    /// After the forum's decisions.
    pub selected: bool,
    pub list: OutcomeList,
    pub reason: OutcomeReason,
    /// For DID_NOT_FIT_REMAINING_BUDGET: the Rupiah left when its turn came.
    pub remaining_budget: Option<i64>,
    pub decision_reason: Option<String>,
}

#[derive(Debug, Clone, SimpleObject)]
pub struct RoundOutcome {
    pub rule: String,
    /// The ceiling the rule worked with, including the tolerated deviation.
    pub budget: i64,
    pub ballots: i64,
    pub total_cost: i64,
    /// Every proposal of the round, in rank order.
    pub rows: Vec<OutcomeRow>,
    pub computed_at: DateTime<Utc>,
}

fn whole(value: &BigRational) -> i64 {
    value.floor().to_integer().to_i64().unwrap_or(i64::MAX)
}

pub(crate) fn money(amount: i64) -> BigRational {
    BigRational::from_integer(BigInt::from(amount))
}

/// The budget a forum's selection works with: the ceiling plus its tolerated deviation when
/// the forum is limited by budget; otherwise (or without a ceiling) everything.
pub fn selection_budget(forum: &forum::Model, costs: impl Iterator<Item = i64>) -> i64 {
    match (forum.selection_limit, forum.budget_ceiling) {
        (SelectionLimit::Budget, Some(ceiling)) => {
            ceiling + ceiling * i64::from(forum.tolerance_percent) / 100
        }
        _ => costs.sum(),
    }
}

/// Builds the rule's input from stored ballots. Proposals are identified by their codes, which
/// sort as strings in the order they were created, so ties go to the older proposal.
pub fn instance(
    method: BallotMethod,
    budget: i64,
    proposals: &[(String, i64)],
    ballots: &[Vec<(usize, i32)>],
) -> ranking::Instance {
    let kind = match method {
        BallotMethod::Cumulative => BallotKind::Cumulative,
        BallotMethod::Ranking => BallotKind::Ordinal,
        BallotMethod::Approval | BallotMethod::Knapsack | BallotMethod::ChooseOne => {
            BallotKind::Approval
        }
    };
    let ballots = ballots
        .iter()
        .map(|choices| {
            let mut ordered = choices.clone();
            if kind == BallotKind::Ordinal {
                ordered.sort_by_key(|(_, position)| *position);
            }
            ranking::Ballot {
                projects: ordered.iter().map(|(index, _)| *index).collect(),
                points: if kind == BallotKind::Cumulative {
                    ordered
                        .iter()
                        .map(|(_, points)| money(i64::from(*points)))
                        .collect()
                } else {
                    Vec::new()
                },
                weight: 1,
            }
        })
        .collect();
    ranking::Instance {
        budget: money(budget),
        kind,
        projects: proposals
            .iter()
            .map(|(code, cost)| ranking::Project {
                id: code.clone(),
                cost: money(*cost),
            })
            .collect(),
        ballots,
    }
}

fn support_text(support: &Support) -> String {
    match support {
        Support::Votes(v) | Support::Borda(v) => v.to_string(),
        Support::Points(p) | Support::Score(p) => p.to_string(),
    }
}

/// The round's proposals (by id), their (code, cost) as the rules see them, and its ballots as
/// (proposal index, points) lists.
pub(crate) async fn load_round(
    conn: &impl ConnectionTrait,
    round: &voting_round::Model,
) -> AppResult<(
    Vec<proposal::Model>,
    Vec<(String, i64)>,
    Vec<Vec<(usize, i32)>>,
)> {
    let entries = round_proposal::Entity::find()
        .filter(round_proposal::Column::RoundId.eq(round.id))
        .order_by_asc(round_proposal::Column::ProposalId)
        .all(conn)
        .await?;
    let ids: Vec<i32> = entries.iter().map(|e| e.proposal_id).collect();
    let mut by_id: HashMap<i32, proposal::Model> = proposal::Entity::find()
        .filter(proposal::Column::Id.is_in(ids.clone()))
        .all(conn)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let proposals: Vec<proposal::Model> = ids.iter().filter_map(|id| by_id.remove(id)).collect();
    let index: HashMap<i32, usize> = proposals
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id, i))
        .collect();
    let costs: HashMap<i32, i64> = entries.iter().map(|e| (e.proposal_id, e.cost)).collect();
    let projects = proposals
        .iter()
        .map(|p| (p.code.clone(), costs[&p.id]))
        .collect();
    // In an order that depends on the choices alone (as the published ballots are).
    let mut stored: Vec<String> = ballot::Entity::find()
        .filter(ballot::Column::RoundId.eq(round.id))
        .all(conn)
        .await?
        .into_iter()
        .map(|b| b.choices)
        .collect();
    stored.sort_unstable();
    let ballots = stored
        .iter()
        .map(|choices| {
            Ok(voting::decode_choices(choices)?
                .into_iter()
                .filter_map(|(proposal_id, points)| index.get(&proposal_id).map(|i| (*i, points)))
                .collect())
        })
        .collect::<AppResult<Vec<_>>>()?;
    Ok((proposals, projects, ballots))
}

/// The outcome of a closed round, for everyone. Nobody previews it while the round runs: it
/// would be a running tally, ballot by ballot, for the staff who see who votes.
pub async fn outcome(db: &Db, round_id: i32) -> AppResult<RoundOutcome> {
    let conn = db.reader();
    let round = find::<voting_round::Entity>(conn, round_id, "voting round").await?;
    let forum = find::<forum::Entity>(conn, round.forum_id, "forum").await?;
    if !voting::is_closed(&round, now()) {
        return Err(AppError::precondition(
            "the outcome is published when the round closes",
        ));
    }
    compute(conn, &round, &forum).await
}

/// The outcome of a round under its forum's rule, limit and recorded decisions, read through
/// `conn` (the forum's close computes it inside its transaction).
pub async fn compute(
    conn: &impl ConnectionTrait,
    round: &voting_round::Model,
    forum: &forum::Model,
) -> AppResult<RoundOutcome> {
    let (proposals, projects, ballots) = load_round(conn, round).await?;
    let budget = selection_budget(forum, projects.iter().map(|(_, cost)| *cost));
    let rule: Rule = round
        .rule
        .parse()
        .map_err(|e: ranking::RankingError| AppError::Internal(e.to_string()))?;
    let computed = ranking::select(&instance(round.method, budget, &projects, &ballots), rule)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let decisions: HashMap<i32, round_decision::Model> = round_decision::Entity::find()
        .filter(round_decision::Column::RoundId.eq(round.id))
        .order_by_asc(round_decision::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(|d| (d.proposal_id, d))
        .collect();
    let mut rows = Vec::with_capacity(computed.projects.len());
    let mut total_cost = 0;
    let count_limit = match forum.selection_limit {
        SelectionLimit::Count => forum.max_count.map(|n| n.max(0) as usize),
        _ => None,
    };
    let mut selected_by_rule_so_far = 0;
    for entry in &computed.projects {
        let p = &proposals[entry.project];
        let decision = decisions.get(&p.id);
        // A forum limited by count sends up the first proposals the rule selected, in rank order.
        let over_count =
            entry.selected && count_limit.is_some_and(|n| selected_by_rule_so_far >= n);
        let selected_by_rule = entry.selected && !over_count;
        if selected_by_rule {
            selected_by_rule_so_far += 1;
        }
        let selected = decision.map_or(selected_by_rule, |d| d.selected);
        let reason = match (&entry.reason, decision) {
            (_, Some(d)) if d.selected != selected_by_rule => OutcomeReason::ForumDecision,
            _ if over_count => OutcomeReason::CountLimitReached,
            (Reason::Selected, _) => OutcomeReason::Selected,
            (Reason::AddedByGreedyCompletion, _) => OutcomeReason::AddedByGreedyCompletion,
            (Reason::DidNotFitRemainingBudget { .. }, _) => OutcomeReason::DidNotFitRemainingBudget,
            (Reason::SupportersShareRanOut, _) => OutcomeReason::SupportersShareRanOut,
            (Reason::NoSupport, _) => OutcomeReason::NoSupport,
            (Reason::CostExceedsBudget, _) => OutcomeReason::CostExceedsBudget,
            (Reason::RuleStopped, _) => OutcomeReason::RuleStopped,
        };
        if selected {
            total_cost += whole(&entry.cost);
        }
        rows.push(OutcomeRow {
            proposal_id: p.id,
            code: p.code.clone(),
            title: p.title.clone(),
            rank: entry.rank as i32,
            cost: whole(&entry.cost),
            support: support_text(&entry.support),
            cumulative_cost: whole(&entry.cumulative_cost),
            selected_by_rule,
            selected,
            list: if selected {
                OutcomeList::Main
            } else if entry.support.is_positive() || over_count {
                OutcomeList::Reserve
            } else {
                OutcomeList::Out
            },
            reason,
            remaining_budget: match &entry.reason {
                Reason::DidNotFitRemainingBudget { remaining } => Some(whole(remaining)),
                _ => None,
            },
            decision_reason: decision.map(|d| d.reason.clone()),
        });
    }
    Ok(RoundOutcome {
        rule: round.rule.clone(),
        budget,
        ballots: ballots.len() as i64,
        total_cost,
        rows,
        computed_at: now(),
    })
}

/// The forum overrides the computed outcome for one proposal by recorded consensus. The
/// latest decision on a proposal counts; all are kept.
pub async fn decide(
    db: &Db,
    actor: &Actor,
    round_id: i32,
    proposal_id: i32,
    selected: bool,
    reason: &str,
) -> AppResult<round_decision::Model> {
    let reason = reason.trim();
    if !(3..=2000).contains(&reason.chars().count()) {
        return Err(AppError::field(
            "reason",
            "length",
            "record why the forum decided so (3 to 2000 characters)",
        ));
    }
    let txn = db.begin().await?;
    let round = find::<voting_round::Entity>(&txn, round_id, "voting round").await?;
    let forum = find::<forum::Entity>(&txn, round.forum_id, "forum").await?;
    access::require_forum_staff(&txn, actor, &forum).await?;
    if !voting::is_closed(&round, now()) {
        return Err(AppError::precondition(
            "decide on the outcome after the round closes",
        ));
    }
    if matches!(forum.status, ForumStatus::Closed | ForumStatus::Ratified) {
        return Err(AppError::precondition(format!(
            "{} is closed; its priority list is fixed",
            forum.name
        )));
    }
    let on_ballot = round_proposal::Entity::find()
        .filter(round_proposal::Column::RoundId.eq(round_id))
        .filter(round_proposal::Column::ProposalId.eq(proposal_id))
        .one(&txn)
        .await?;
    if on_ballot.is_none() {
        return Err(AppError::field(
            "proposalId",
            "scope",
            "the proposal was not on this round's ballot",
        ));
    }
    let decision = round_decision::ActiveModel {
        round_id: Set(round_id),
        proposal_id: Set(proposal_id),
        selected: Set(selected),
        reason: Set(reason.to_owned()),
        decided_by: Set(actor.id()),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        Some(actor.id()),
        "round.decide",
        "round_decision",
        Some(decision.id),
        None::<&()>,
        Some(&decision),
    )
    .await?;
    txn.commit().await?;
    Ok(decision)
}
