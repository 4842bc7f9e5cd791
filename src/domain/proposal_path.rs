//! A proposal's whole path, as its proposer follows it: each level it reached, the decisions
//! there with their reasons, the votes it got, where it stood on each priority list, whether it
//! entered the plan and how its implementation goes.
use std::collections::HashMap;

use async_graphql::SimpleObject;
use chrono::{DateTime, Utc};
use entity::{
    enums::{
        BallotMethod, ForumLevel, ImplementationStatus, OutcomeList, OutcomeReason,
        PriorityOutcome, ProposalStatus,
    },
    forum, implementation_update, priority_entry, proposal, proposal_status_change, recommendation,
    round_proposal, voting_round,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use super::{carry_over, implementation, now, voting};
use crate::{db::Db, error::AppResult};

#[derive(Debug, Clone, SimpleObject)]
pub struct ProposalPath {
    /// One entry per forum the proposal reached, in order.
    pub levels: Vec<PathLevel>,
    /// The proposal of an earlier cycle this one continues.
    pub carried_over_from_id: Option<i32>,
    /// Its continuation in a later cycle.
    pub carried_over_to_id: Option<i32>,
    pub in_plan: bool,
    pub implementation_status: Option<ImplementationStatus>,
    pub implementation: Vec<implementation_update::Model>,
}

#[derive(Debug, Clone, SimpleObject)]
pub struct PathLevel {
    pub forum_id: i32,
    pub forum_name: String,
    pub level: ForumLevel,
    pub arrived_at: DateTime<Utc>,
    /// When it moved on (or its path ended) at this level.
    pub left_at: Option<DateTime<Utc>>,
    /// The status it had when it left, or has now.
    pub status: ProposalStatus,
    pub changes: Vec<proposal_status_change::Model>,
    pub recommendations: Vec<recommendation::Model>,
    pub votes: Vec<PathVote>,
    pub priority: Option<PathPriority>,
}

#[derive(Debug, Clone, SimpleObject)]
pub struct PathVote {
    pub round_id: i32,
    pub round_title: String,
    pub method: BallotMethod,
    pub closed: bool,
    pub ballots: i64,
    /// Ballots naming the proposal.
    pub votes: i64,
    pub points: i64,
}

#[derive(Debug, Clone, SimpleObject)]
pub struct PathPriority {
    pub rank: i32,
    pub list: OutcomeList,
    pub reason: OutcomeReason,
    pub support: String,
    pub outcome: PriorityOutcome,
    pub note: String,
    pub promoted_at: Option<DateTime<Utc>>,
}

pub async fn path(db: &Db, proposal: &proposal::Model) -> AppResult<ProposalPath> {
    let conn = db.reader();
    let changes = proposal_status_change::Entity::find()
        .filter(proposal_status_change::Column::ProposalId.eq(proposal.id))
        .order_by_asc(proposal_status_change::Column::CreatedAt)
        .order_by_asc(proposal_status_change::Column::Id)
        .all(conn)
        .await?;
    // Consecutive changes at one forum form one level of the path.
    let mut levels: Vec<PathLevel> = Vec::new();
    for change in changes {
        match levels.last_mut() {
            Some(level) if level.forum_id == change.forum_id => {
                level.status = change.to_status;
                level.changes.push(change);
            }
            previous => {
                if let Some(previous) = previous {
                    previous.left_at = Some(change.created_at);
                }
                levels.push(PathLevel {
                    forum_id: change.forum_id,
                    forum_name: String::new(),
                    level: change.level,
                    arrived_at: change.created_at,
                    left_at: None,
                    status: change.to_status,
                    changes: vec![change],
                    recommendations: Vec::new(),
                    votes: Vec::new(),
                    priority: None,
                });
            }
        }
    }
    // Forwarded and not yet handled at the forum above: it has arrived there all the same.
    if levels
        .last()
        .is_some_and(|l| l.forum_id != proposal.forum_id)
    {
        let arrived = levels
            .last()
            .and_then(|l| l.changes.last())
            .map(|c| c.created_at);
        if let Some(last) = levels.last_mut() {
            last.left_at = arrived;
        }
        levels.push(PathLevel {
            forum_id: proposal.forum_id,
            forum_name: String::new(),
            level: proposal.level,
            arrived_at: arrived.unwrap_or(proposal.updated_at),
            left_at: None,
            status: proposal.status,
            changes: Vec::new(),
            recommendations: Vec::new(),
            votes: Vec::new(),
            priority: None,
        });
    }
    if let Some(last) = levels.last_mut() {
        if crate::domain::workflow::is_final(proposal.status) {
            last.left_at = last.changes.last().map(|c| c.created_at);
        }
    }

    let forum_ids: Vec<i32> = levels.iter().map(|l| l.forum_id).collect();
    let forums: HashMap<i32, forum::Model> = forum::Entity::find()
        .filter(forum::Column::Id.is_in(forum_ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|f| (f.id, f))
        .collect();
    let mut recommendations = recommendation::Entity::find()
        .filter(recommendation::Column::ProposalId.eq(proposal.id))
        .order_by_asc(recommendation::Column::Id)
        .all(conn)
        .await?;
    let mut priorities: HashMap<i32, priority_entry::Model> = priority_entry::Entity::find()
        .filter(priority_entry::Column::ProposalId.eq(proposal.id))
        .all(conn)
        .await?
        .into_iter()
        .map(|e| (e.forum_id, e))
        .collect();
    let round_ids: Vec<i32> = round_proposal::Entity::find()
        .filter(round_proposal::Column::ProposalId.eq(proposal.id))
        .all(conn)
        .await?
        .into_iter()
        .map(|r| r.round_id)
        .collect();
    let rounds = voting_round::Entity::find()
        .filter(voting_round::Column::Id.is_in(round_ids))
        .order_by_asc(voting_round::Column::Id)
        .all(conn)
        .await?;
    let at = now();
    let mut votes: HashMap<i32, Vec<PathVote>> = HashMap::new();
    for round in rounds {
        let closed = voting::is_closed(&round, at);
        // Totals stay secret until the round publishes them.
        if !closed && !round.live_tally {
            continue;
        }
        let tally = voting::counts(conn, &round).await?;
        let row = tally.rows.iter().find(|r| r.proposal_id == proposal.id);
        votes.entry(round.forum_id).or_default().push(PathVote {
            round_id: round.id,
            round_title: round.title.clone(),
            method: round.method,
            closed,
            ballots: tally.ballots,
            votes: row.map_or(0, |r| r.votes),
            points: row.map_or(0, |r| r.points.max(r.borda)),
        });
    }
    for level in &mut levels {
        if let Some(forum) = forums.get(&level.forum_id) {
            level.forum_name = forum.name.clone();
        }
        let (here, elsewhere): (Vec<_>, Vec<_>) = recommendations
            .into_iter()
            .partition(|r| r.forum_id == level.forum_id);
        level.recommendations = here;
        recommendations = elsewhere;
        level.votes = votes.remove(&level.forum_id).unwrap_or_default();
        level.priority = priorities.remove(&level.forum_id).map(|e| PathPriority {
            rank: e.rank,
            list: e.list,
            reason: e.reason,
            support: e.support,
            outcome: e.outcome,
            note: e.note,
            promoted_at: e.promoted_at,
        });
    }
    let carried_over_to_id = carry_over::continuation(db, proposal.id)
        .await?
        .map(|p| p.id);
    Ok(ProposalPath {
        levels,
        carried_over_from_id: proposal.carried_over_from_id,
        carried_over_to_id,
        in_plan: proposal.status == ProposalStatus::Accepted,
        implementation_status: proposal.implementation_status,
        implementation: implementation::updates_of(db, proposal.id).await?,
    })
}
