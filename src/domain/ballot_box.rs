//! The ballot box: one writer task that stores ballots in shared transactions. Ballots that
//! arrive while a commit is under way wait for the next one, so under load each durable commit
//! carries many ballots, and a caller hears back only after its ballot is committed.
//!
//! The storing transaction decides: it holds the rounds' rows against a concurrent close
//! (`voting::Lock::Shared`), checks again that each round is open and each voter may vote, and
//! refuses what no longer holds. A ballot acknowledged is therefore one committed before the
//! close, and the close's seal counts it.
use std::collections::{BTreeSet, HashMap};

use entity::{
    account, ballot, enums::BallotChannel, forum, region, round_participation, voting_round,
};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use tokio::sync::{mpsc, oneshot};

use super::{
    access, now,
    voting::{self, BallotReceipt, Lock},
};
use crate::{
    db::{Db, Txn},
    error::{AppError, AppResult},
};

/// Most ballots one transaction carries.
const MAX_BATCH: usize = 512;

/// A checked online ballot, ready to store.
#[derive(Debug, Clone)]
pub struct PendingBallot {
    pub round_id: i32,
    pub voter_id: i32,
    /// Encoded by `voting::encode_choices`.
    pub choices: String,
}

struct Job {
    ballot: PendingBallot,
    reply: oneshot::Sender<AppResult<BallotReceipt>>,
}

#[derive(Clone)]
pub struct BallotBox {
    jobs: mpsc::Sender<Job>,
}

impl BallotBox {
    pub fn start(db: Db) -> Self {
        let (jobs, queue) = mpsc::channel(4096);
        tokio::spawn(run(db, queue));
        Self { jobs }
    }

    /// Stores the ballot (replacing the voter's earlier online ballot) once it is durable.
    pub async fn cast(&self, ballot: PendingBallot) -> AppResult<BallotReceipt> {
        let (reply, answer) = oneshot::channel();
        self.jobs
            .send(Job { ballot, reply })
            .await
            .map_err(|_| AppError::invariant("the ballot box is closed"))?;
        answer
            .await
            .map_err(|_| AppError::invariant("the ballot box stopped"))?
    }
}

async fn run(db: Db, mut queue: mpsc::Receiver<Job>) {
    while let Some(first) = queue.recv().await {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let ballots: Vec<&PendingBallot> = batch.iter().map(|job| &job.ballot).collect();
        match store_together(&db, &ballots).await {
            Ok(results) => {
                for (job, result) in batch.into_iter().zip(results) {
                    let _ = job.reply.send(result);
                }
            }
            // The shared transaction failed as a whole (e.g. another server stored the same
            // voter's ballot a moment earlier): store each ballot on its own instead.
            Err(_) => {
                for job in batch {
                    let result = match store_together(&db, &[&job.ballot]).await {
                        Ok(mut results) => results.pop().unwrap_or_else(|| {
                            Err(AppError::invariant("the ballot box lost a ballot"))
                        }),
                        Err(err) => Err(err),
                    };
                    let _ = job.reply.send(result);
                }
            }
        }
    }
}

/// What the checks of one batch need, read once inside its transaction.
struct Context {
    rounds: HashMap<i32, voting_round::Model>,
    forum_regions: HashMap<i32, region::Model>,
    voters: HashMap<i32, account::Model>,
    homes: HashMap<i32, region::Model>,
}

async fn load_context(txn: &Txn, ballots: &[&PendingBallot]) -> AppResult<Context> {
    let round_ids: Vec<i32> = ballots
        .iter()
        .map(|b| b.round_id)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let rounds = voting::lock_rounds(txn, &round_ids, Lock::Shared).await?;
    let forums = forum::Entity::find()
        .filter(forum::Column::Id.is_in(rounds.iter().map(|r| r.forum_id)))
        .all(txn)
        .await?;
    let voters = account::Entity::find()
        .filter(account::Column::Id.is_in(ballots.iter().map(|b| b.voter_id)))
        .all(txn)
        .await?;
    let region_ids: BTreeSet<i32> = forums
        .iter()
        .map(|f| f.region_id)
        .chain(voters.iter().filter_map(|v| v.home_region_id))
        .collect();
    let regions: HashMap<i32, region::Model> = region::Entity::find()
        .filter(region::Column::Id.is_in(region_ids))
        .all(txn)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let forum_regions = forums
        .iter()
        .filter_map(|f| regions.get(&f.region_id).map(|r| (f.id, r.clone())))
        .collect();
    Ok(Context {
        rounds: rounds.into_iter().map(|r| (r.id, r)).collect(),
        forum_regions,
        homes: regions,
        voters: voters.into_iter().map(|v| (v.id, v)).collect(),
    })
}

/// Stores a batch in one transaction: each ballot's own refusal is its answer; a database
/// failure fails the whole batch.
async fn store_together(
    db: &Db,
    ballots: &[&PendingBallot],
) -> AppResult<Vec<AppResult<BallotReceipt>>> {
    let txn = db.begin().await?;
    let context = load_context(&txn, ballots).await?;
    let mut results = Vec::with_capacity(ballots.len());
    let mut stored_rounds = BTreeSet::new();
    for pending in ballots {
        let result = store(&txn, &context, pending).await?;
        if result.is_ok() {
            stored_rounds.insert(pending.round_id);
        }
        results.push(result);
    }
    let minimum = db.events().config().tally_minimum;
    for round_id in stored_rounds {
        if let Some(round) = context.rounds.get(&round_id) {
            voting::advance_tally(&txn, round, minimum).await?;
        }
        // Live tallies of these rounds recompute after the commit.
        txn.tally_changed(round_id).await?;
    }
    txn.commit().await?;
    Ok(results)
}

/// Checks one ballot again and stores it. The outer error is a database failure; the inner
/// one is this ballot's refusal.
async fn store(
    txn: &Txn,
    context: &Context,
    pending: &PendingBallot,
) -> AppResult<AppResult<BallotReceipt>> {
    let Some(round) = context.rounds.get(&pending.round_id) else {
        return Ok(Err(AppError::NotFound("voting round")));
    };
    let cast_at = now();
    if !voting::is_open(round, cast_at) {
        return Ok(Err(AppError::precondition(
            "the round closed before your ballot was stored: it was not counted",
        )));
    }
    let (Some(voter), Some(forum_region)) = (
        context.voters.get(&pending.voter_id),
        context.forum_regions.get(&round.forum_id),
    ) else {
        return Ok(Err(AppError::NotFound("voter")));
    };
    let home = voter.home_region_id.and_then(|id| context.homes.get(&id));
    if let Err(refusal) = access::may_vote(voter, home, forum_region) {
        return Ok(Err(refusal));
    }
    let receipt = match voting::participation_of(txn, round.id, voter.id).await? {
        Some(previous) if previous.channel != BallotChannel::Online => {
            return Ok(Err(AppError::Conflict(
                "you voted on paper in the forum; a paper ballot cannot be changed online".into(),
            )));
        }
        Some(previous) => {
            let replaced = ballot::Entity::update_many()
                .col_expr(
                    ballot::Column::Choices,
                    Expr::value(pending.choices.clone()),
                )
                .col_expr(ballot::Column::CastAt, Expr::value(Some(cast_at)))
                .filter(ballot::Column::RoundId.eq(round.id))
                .filter(ballot::Column::VoterId.eq(voter.id))
                .exec(txn)
                .await?;
            if replaced.rows_affected == 0 {
                insert_ballot(txn, round.id, voter.id, &pending.choices, cast_at).await?;
            }
            previous.receipt
        }
        None => {
            let receipt = voting::new_receipt();
            round_participation::ActiveModel {
                round_id: Set(round.id),
                voter_id: Set(voter.id),
                channel: Set(BallotChannel::Online),
                receipt: Set(receipt.clone()),
                session_id: Set(None),
                paper_number: Set(None),
                entered_by: Set(None),
                recorded_at: Set(cast_at),
                contested_at: Set(None),
                contest_reason: Set(None),
                ..Default::default()
            }
            .insert(txn)
            .await?;
            insert_ballot(txn, round.id, voter.id, &pending.choices, cast_at).await?;
            receipt
        }
    };
    Ok(Ok(BallotReceipt { receipt, cast_at }))
}

/// A ballot of an open round, linked to its voter until the round is sealed.
pub(crate) async fn insert_ballot(
    txn: &Txn,
    round_id: i32,
    voter_id: i32,
    choices: &str,
    cast_at: chrono::DateTime<chrono::Utc>,
) -> AppResult<()> {
    ballot::ActiveModel {
        round_id: Set(round_id),
        voter_id: Set(Some(voter_id)),
        choices: Set(choices.to_owned()),
        cast_at: Set(Some(cast_at)),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(())
}
