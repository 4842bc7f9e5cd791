//! The ballot box: one writer task that stores ballots in shared transactions. Ballots that
//! arrive while a commit is under way wait for the next one, so under load each durable commit
//! carries many ballots, and a caller hears back only after its ballot is committed.
use entity::{ballot, enums::BallotChannel};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, Set,
};
use tokio::sync::{mpsc, oneshot};

use super::voting::BallotReceipt;
use crate::{
    db::Db,
    error::{AppError, AppResult},
};

/// Most ballots one transaction carries.
const MAX_BATCH: usize = 512;

/// A checked online ballot, ready to store.
#[derive(Debug, Clone)]
pub struct PendingBallot {
    pub round_id: i32,
    pub voter_id: i32,
    pub choices: String,
    pub receipt: String,
    pub cast_at: chrono::DateTime<chrono::Utc>,
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
            .map_err(|_| AppError::Internal("the ballot box is closed".into()))?;
        answer
            .await
            .map_err(|_| AppError::Internal("the ballot box stopped".into()))?
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
        match store_together(&db, &batch).await {
            Ok(results) => {
                for (job, result) in batch.into_iter().zip(results) {
                    let _ = job.reply.send(result);
                }
            }
            // The shared transaction failed as a whole (e.g. another server stored the same
            // voter's ballot a moment earlier): store each ballot on its own instead.
            Err(_) => {
                for job in batch {
                    let result = store_alone(&db, &job.ballot).await;
                    let _ = job.reply.send(result);
                }
            }
        }
    }
}

async fn store_together(db: &Db, batch: &[Job]) -> AppResult<Vec<AppResult<BallotReceipt>>> {
    let txn = db.begin().await?;
    let mut results = Vec::with_capacity(batch.len());
    for job in batch {
        results.push(match store(&txn, &job.ballot).await {
            Ok(receipt) => Ok(receipt),
            Err(refusal @ AppError::Conflict(_)) => Err(refusal),
            Err(other) => return Err(other),
        });
    }
    // Live tallies of these rounds recompute after the commit.
    for round_id in batch
        .iter()
        .map(|job| job.ballot.round_id)
        .collect::<std::collections::BTreeSet<_>>()
    {
        txn.tally_changed(round_id).await?;
    }
    txn.commit().await?;
    Ok(results)
}

async fn store_alone(db: &Db, ballot: &PendingBallot) -> AppResult<BallotReceipt> {
    let txn = db.begin().await?;
    let receipt = store(&txn, ballot).await?;
    txn.tally_changed(ballot.round_id).await?;
    txn.commit().await?;
    Ok(receipt)
}

async fn store(conn: &impl ConnectionTrait, pending: &PendingBallot) -> AppResult<BallotReceipt> {
    let existing = ballot::Entity::find()
        .filter(ballot::Column::RoundId.eq(pending.round_id))
        .filter(ballot::Column::VoterId.eq(pending.voter_id))
        .one(conn)
        .await?;
    match existing {
        Some(previous) if previous.channel != BallotChannel::Online => {
            return Err(AppError::Conflict(
                "you voted on paper in the forum; a paper ballot cannot be changed online".into(),
            ));
        }
        Some(previous) => {
            let mut active = previous.into_active_model();
            active.receipt = Set(pending.receipt.clone());
            active.choices = Set(pending.choices.clone());
            active.cast_at = Set(pending.cast_at);
            active.update(conn).await?;
        }
        None => {
            ballot::ActiveModel {
                round_id: Set(pending.round_id),
                voter_id: Set(Some(pending.voter_id)),
                channel: Set(BallotChannel::Online),
                paper_number: Set(None),
                entered_by: Set(None),
                receipt: Set(pending.receipt.clone()),
                choices: Set(pending.choices.clone()),
                cast_at: Set(pending.cast_at),
                ..Default::default()
            }
            .insert(conn)
            .await?;
        }
    }
    Ok(BallotReceipt {
        receipt: pending.receipt.clone(),
        cast_at: pending.cast_at,
    })
}
