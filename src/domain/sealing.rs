//! Sealing a closed round: the link between voters and ballots is cut for good. Who voted stays
//! in `round_participations` (one person, one vote; the receipts); what was chosen stays in
//! `ballots`, without voter or time, rewritten in an order that depends on the choices alone,
//! so neither row ids nor any column can be matched to a participation. Then the round's
//! ballots are published: the choices, and apart from them the counted receipts.
use async_graphql::SimpleObject;
use entity::{ballot, round_participation, tally_snapshot, voting_round};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, Set,
};

use super::{
    find, now,
    voting::{self, BallotChoice, Lock},
};
use crate::{
    db::{Db, Txn},
    error::{AppError, AppResult},
};

/// Cuts the voter → ballot link of a closed round (inside the closing transaction).
pub async fn seal(txn: &Txn, round: voting_round::Model) -> AppResult<voting_round::Model> {
    let mut ballots: Vec<String> = ballot::Entity::find()
        .filter(ballot::Column::RoundId.eq(round.id))
        .all(txn)
        .await?
        .into_iter()
        .map(|b| b.choices)
        .collect();
    ballots.sort_unstable();
    ballot::Entity::delete_many()
        .filter(ballot::Column::RoundId.eq(round.id))
        .exec(txn)
        .await?;
    for chunk in ballots.chunks(500) {
        ballot::Entity::insert_many(chunk.iter().map(|choices| ballot::ActiveModel {
            round_id: Set(round.id),
            voter_id: Set(None),
            choices: Set(choices.clone()),
            cast_at: Set(None),
            ..Default::default()
        }))
        .exec(txn)
        .await?;
    }
    tally_snapshot::Entity::delete_by_id(round.id)
        .exec(txn)
        .await?;
    let mut active = round.into_active_model();
    active.sealed_at = Set(Some(now()));
    Ok(active.update(txn).await?)
}

/// Seals a round whose closing time has passed, if nobody has yet.
pub async fn seal_if_due(db: &Db, round_id: i32) -> AppResult<voting_round::Model> {
    let txn = db.begin().await?;
    let round = voting::lock_round(&txn, round_id, Lock::Exclusive).await?;
    if round.sealed_at.is_some() || !voting::is_closed(&round, now()) {
        return Ok(round);
    }
    let sealed = seal(&txn, round).await?;
    txn.tally_changed(round_id).await?;
    txn.commit().await?;
    db.checkpoint().await;
    Ok(sealed)
}

/// Seals every round whose time is up. Each instance runs this every second; the exclusive
/// lock makes them take turns, and a sealed round is left alone.
pub async fn seal_due_rounds(db: &Db) -> AppResult<usize> {
    let due = voting_round::Entity::find()
        .filter(voting_round::Column::SealedAt.is_null())
        .filter(
            Condition::any()
                .add(voting_round::Column::ClosedAt.is_not_null())
                .add(voting_round::Column::ClosesAt.lte(now())),
        )
        .all(db.reader())
        .await?;
    for round in &due {
        seal_if_due(db, round.id).await?;
    }
    Ok(due.len())
}

/// A closed round, sealed before anything of it is published.
async fn require_sealed(db: &Db, round_id: i32) -> AppResult<voting_round::Model> {
    let round = find::<voting_round::Entity>(db.reader(), round_id, "voting round").await?;
    if !voting::is_closed(&round, now()) {
        return Err(AppError::precondition(
            "ballots are published when the round closes",
        ));
    }
    if round.sealed_at.is_some() {
        return Ok(round);
    }
    seal_if_due(db, round_id).await
}

/// A published ballot: what was chosen, nothing else.
#[derive(Debug, Clone, SimpleObject)]
pub struct PublishedBallot {
    pub choices: Vec<BallotChoice>,
}

/// All ballots of a closed round, in an order that depends on their content alone.
pub async fn published_ballots(db: &Db, round_id: i32) -> AppResult<Vec<PublishedBallot>> {
    require_sealed(db, round_id).await?;
    let mut ballots: Vec<String> = ballot::Entity::find()
        .filter(ballot::Column::RoundId.eq(round_id))
        .all(db.reader())
        .await?
        .into_iter()
        .map(|b| b.choices)
        .collect();
    ballots.sort_unstable();
    ballots
        .iter()
        .map(|choices| {
            Ok(PublishedBallot {
                choices: voting::decode(choices)?,
            })
        })
        .collect()
}

/// The receipts of every counted ballot, sorted: each voter finds theirs, anyone counts them.
pub async fn counted_receipts(db: &Db, round_id: i32) -> AppResult<Vec<String>> {
    require_sealed(db, round_id).await?;
    Ok(round_participation::Entity::find()
        .filter(round_participation::Column::RoundId.eq(round_id))
        .order_by_asc(round_participation::Column::Receipt)
        .all(db.reader())
        .await?
        .into_iter()
        .map(|p| p.receipt)
        .collect())
}

/// Whether a receipt was counted. It says nothing about the choices: a receipt cannot prove
/// to anyone how its holder voted.
#[derive(Debug, Clone, SimpleObject)]
pub struct ReceiptCheck {
    pub counted: bool,
}

pub async fn check_receipt(db: &Db, round_id: i32, receipt: &str) -> AppResult<ReceiptCheck> {
    require_sealed(db, round_id).await?;
    let found = round_participation::Entity::find()
        .filter(round_participation::Column::RoundId.eq(round_id))
        .filter(round_participation::Column::Receipt.eq(receipt.trim().to_lowercase()))
        .one(db.reader())
        .await?;
    Ok(ReceiptCheck {
        counted: found.is_some(),
    })
}
