//! The outcome of a closed voting round: the forum's rule applied to its ballots within the
//! budget ceiling, with the reason for every proposal, and the forum's recorded decisions
//! (mufakat) on top.
use std::collections::HashMap;

use async_graphql::SimpleObject;
use chrono::{DateTime, Utc};
use entity::{
    ballot,
    enums::{BallotMethod, ForumStatus, OutcomeList, OutcomeReason, SelectionLimit},
    forum, proposal, round_decision, round_proposal, round_ranking, voting_round,
};
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::ToPrimitive;
use sea_orm::{
    sea_query::OnConflict, ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait,
    QueryFilter, QueryOrder, Set,
};
use serde::{Deserialize, Serialize};

use super::{access, audit, find, now, voting};
use crate::{
    db::Db,
    domain::access::Actor,
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

/// The round's proposals (by id) and their (code, cost) as the rules see them.
async fn round_proposals(
    conn: &impl ConnectionTrait,
    round: &voting_round::Model,
) -> AppResult<(Vec<proposal::Model>, Vec<(String, i64)>)> {
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
    let costs: HashMap<i32, i64> = entries.iter().map(|e| (e.proposal_id, e.cost)).collect();
    let projects = proposals
        .iter()
        .map(|p| (p.code.clone(), costs[&p.id]))
        .collect();
    Ok((proposals, projects))
}

/// The round's ballots as (proposal index, points) lists, in an order that depends on the
/// choices alone (as the published ballots are).
async fn round_ballots(
    conn: &impl ConnectionTrait,
    round: &voting_round::Model,
    proposals: &[proposal::Model],
) -> AppResult<Vec<Vec<(usize, i32)>>> {
    let index: HashMap<i32, usize> = proposals
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id, i))
        .collect();
    let mut stored: Vec<String> = ballot::Entity::find()
        .filter(ballot::Column::RoundId.eq(round.id))
        .all(conn)
        .await?
        .into_iter()
        .map(|b| b.choices)
        .collect();
    stored.sort_unstable();
    stored
        .iter()
        .map(|choices| {
            Ok(voting::decode_choices(choices)?
                .into_iter()
                .filter_map(|(proposal_id, points)| index.get(&proposal_id).map(|i| (*i, points)))
                .collect())
        })
        .collect()
}

/// The round's proposals, their (code, cost) and its ballots, as the open data publish them.
pub(crate) async fn load_round(
    conn: &impl ConnectionTrait,
    round: &voting_round::Model,
) -> AppResult<(
    Vec<proposal::Model>,
    Vec<(String, i64)>,
    Vec<Vec<(usize, i32)>>,
)> {
    let (proposals, projects) = round_proposals(conn, round).await?;
    let ballots = round_ballots(conn, round, &proposals).await?;
    Ok((proposals, projects, ballots))
}

/// One proposal as the rule ranked it, before the forum's count limit and decisions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct RankedEntry {
    proposal_id: i32,
    rank: i32,
    cost: i64,
    support: String,
    has_support: bool,
    cumulative_cost: i64,
    selected: bool,
    reason: OutcomeReason,
    remaining_budget: Option<i64>,
}

/// The rule's result for a round: what the ballots say, and only that.
#[derive(Debug, Clone, PartialEq)]
struct Ranking {
    ballots: i64,
    entries: Vec<RankedEntry>,
}

fn rule_reason(reason: &Reason) -> OutcomeReason {
    match reason {
        Reason::Selected => OutcomeReason::Selected,
        Reason::AddedByGreedyCompletion => OutcomeReason::AddedByGreedyCompletion,
        Reason::DidNotFitRemainingBudget { .. } => OutcomeReason::DidNotFitRemainingBudget,
        Reason::SupportersShareRanOut => OutcomeReason::SupportersShareRanOut,
        Reason::NoSupport => OutcomeReason::NoSupport,
        Reason::CostExceedsBudget => OutcomeReason::CostExceedsBudget,
        Reason::RuleStopped => OutcomeReason::RuleStopped,
    }
}

/// Runs the round's rule on its ballots.
async fn rank(
    conn: &impl ConnectionTrait,
    round: &voting_round::Model,
    proposals: &[proposal::Model],
    projects: &[(String, i64)],
    budget: i64,
) -> AppResult<Ranking> {
    let ballots = round_ballots(conn, round, proposals).await?;
    let rule: Rule = round
        .rule
        .parse()
        .map_err(|e: ranking::RankingError| AppError::internal("reading a round's rule", e))?;
    let computed = ranking::select(&instance(round.method, budget, projects, &ballots), rule)
        .map_err(|e| AppError::internal("ranking a round's ballots", e))?;
    let entries = computed
        .projects
        .iter()
        .map(|entry| RankedEntry {
            proposal_id: proposals[entry.project].id,
            rank: entry.rank as i32,
            cost: whole(&entry.cost),
            support: support_text(&entry.support),
            has_support: entry.support.is_positive(),
            cumulative_cost: whole(&entry.cumulative_cost),
            selected: entry.selected,
            reason: rule_reason(&entry.reason),
            remaining_budget: match &entry.reason {
                Reason::DidNotFitRemainingBudget { remaining } => Some(whole(remaining)),
                _ => None,
            },
        })
        .collect();
    Ok(Ranking {
        ballots: ballots.len() as i64,
        entries,
    })
}

/// The ranking kept for a sealed round under this rule and budget, if any.
async fn kept_ranking(
    conn: &impl ConnectionTrait,
    round: &voting_round::Model,
    budget: i64,
) -> AppResult<Option<Ranking>> {
    let Some(kept) = round_ranking::Entity::find_by_id(round.id)
        .one(conn)
        .await?
    else {
        return Ok(None);
    };
    if kept.rule != round.rule || kept.budget != budget {
        return Ok(None);
    }
    let entries = serde_json::from_str(&kept.entries).map_err(|err| {
        AppError::internal(
            format!("reading the kept ranking of round {}", round.id),
            err,
        )
    })?;
    Ok(Some(Ranking {
        ballots: kept.ballots,
        entries,
    }))
}

/// Keeps a sealed round's ranking: its ballots can no longer change, so the rule need not run
/// again for this budget (another instance computing the same round writes the same rows).
async fn keep_ranking(
    conn: &impl ConnectionTrait,
    round: &voting_round::Model,
    budget: i64,
    ranking: &Ranking,
) -> AppResult<()> {
    let entries = serde_json::to_string(&ranking.entries)
        .map_err(|err| AppError::internal("encoding a ranking failed", err))?;
    round_ranking::Entity::insert(round_ranking::ActiveModel {
        round_id: Set(round.id),
        rule: Set(round.rule.clone()),
        budget: Set(budget),
        ballots: Set(ranking.ballots),
        entries: Set(entries),
        computed_at: Set(now()),
    })
    .on_conflict(
        OnConflict::column(round_ranking::Column::RoundId)
            .update_columns([
                round_ranking::Column::Rule,
                round_ranking::Column::Budget,
                round_ranking::Column::Ballots,
                round_ranking::Column::Entries,
                round_ranking::Column::ComputedAt,
            ])
            .to_owned(),
    )
    .exec(conn)
    .await?;
    Ok(())
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
    compute_keeping(conn, db.writer(), &round, &forum).await
}

/// The outcome of a round under its forum's rule, limit and recorded decisions, read through
/// `conn` (the forum's close computes it inside its transaction).
pub async fn compute(
    conn: &impl ConnectionTrait,
    round: &voting_round::Model,
    forum: &forum::Model,
) -> AppResult<RoundOutcome> {
    compute_keeping(conn, conn, round, forum).await
}

/// As `compute`, keeping a sealed round's ranking through `keep` (SQLite's readers cannot
/// write). Titles, codes and the forum's decisions and limits are read fresh every time; only
/// what the ballots say is kept.
async fn compute_keeping(
    conn: &impl ConnectionTrait,
    keep: &impl ConnectionTrait,
    round: &voting_round::Model,
    forum: &forum::Model,
) -> AppResult<RoundOutcome> {
    let (proposals, projects) = round_proposals(conn, round).await?;
    let budget = selection_budget(forum, projects.iter().map(|(_, cost)| *cost));
    let sealed = round.sealed_at.is_some();
    let kept = if sealed {
        kept_ranking(conn, round, budget).await?
    } else {
        None
    };
    let ranking = match kept {
        Some(ranking) => ranking,
        None => {
            let ranking = rank(conn, round, &proposals, &projects, budget).await?;
            if sealed {
                // A cache: a failure to keep it costs time on the next request, nothing else.
                if let Err(err) = keep_ranking(keep, round, budget, &ranking).await {
                    tracing::warn!(round = round.id, error = ?err, "keeping a round's ranking failed");
                }
            }
            ranking
        }
    };
    let by_id: HashMap<i32, &proposal::Model> = proposals.iter().map(|p| (p.id, p)).collect();
    let decisions: HashMap<i32, round_decision::Model> = round_decision::Entity::find()
        .filter(round_decision::Column::RoundId.eq(round.id))
        .order_by_asc(round_decision::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(|d| (d.proposal_id, d))
        .collect();
    let mut rows = Vec::with_capacity(ranking.entries.len());
    let mut total_cost = 0;
    let count_limit = match forum.selection_limit {
        SelectionLimit::Count => forum.max_count.map(|n| n.max(0) as usize),
        _ => None,
    };
    let mut selected_by_rule_so_far = 0;
    for entry in &ranking.entries {
        let Some(p) = by_id.get(&entry.proposal_id) else {
            continue;
        };
        let decision = decisions.get(&p.id);
        // A forum limited by count sends up the first proposals the rule selected, in rank order.
        let over_count =
            entry.selected && count_limit.is_some_and(|n| selected_by_rule_so_far >= n);
        let selected_by_rule = entry.selected && !over_count;
        if selected_by_rule {
            selected_by_rule_so_far += 1;
        }
        let selected = decision.map_or(selected_by_rule, |d| d.selected);
        let reason = match decision {
            Some(d) if d.selected != selected_by_rule => OutcomeReason::ForumDecision,
            _ if over_count => OutcomeReason::CountLimitReached,
            _ => entry.reason,
        };
        if selected {
            total_cost += entry.cost;
        }
        rows.push(OutcomeRow {
            proposal_id: p.id,
            code: p.code.clone(),
            title: p.title.clone(),
            rank: entry.rank,
            cost: entry.cost,
            support: entry.support.clone(),
            cumulative_cost: entry.cumulative_cost,
            selected_by_rule,
            selected,
            list: if selected {
                OutcomeList::Main
            } else if entry.has_support || over_count {
                OutcomeList::Reserve
            } else {
                OutcomeList::Out
            },
            reason,
            remaining_budget: entry.remaining_budget,
            decision_reason: decision.map(|d| d.reason.clone()),
        });
    }
    Ok(RoundOutcome {
        rule: round.rule.clone(),
        budget,
        ballots: ranking.ballots,
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
