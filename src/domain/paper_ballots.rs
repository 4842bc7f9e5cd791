//! Paper ballots cast in the hall and entered by the forum's staff. Only for people on the
//! attendance list of a running session of the forum; recorded with that session and who
//! entered it; audited. Every refusal that concerns the voter or the paper number is one and
//! the same answer, so that entering ballots cannot be used to learn who has voted, and each
//! refused attempt is itself audited. The voter sees the record and may contest it.
use async_graphql::{InputObject, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{
    account, ballot,
    enums::{AttendanceStatus, BallotChannel},
    forum, live_session, round_participation, session_attendance, voting_round,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set,
};
use serde::Serialize;
use serde_json::json;
use validator::Validate;

use super::{
    access, audit,
    ballot_box::insert_ballot,
    find, now,
    sessions::RUNNING,
    validate,
    voting::{self, BallotReceipt, ChoiceInput, Lock, OwnBallot},
};
use crate::{
    db::{Db, Txn},
    domain::access::Actor,
    error::{AppError, AppResult},
};

/// The one answer to every refused paper ballot, whatever the voter did.
pub const REFUSAL: &str = "this paper ballot cannot be entered: check the paper number, and that \
     the voter is present at a running session of this forum and may vote in this round";

#[derive(Debug, Clone, InputObject, Validate, Serialize)]
pub struct PaperBallotInput {
    pub round_id: i32,
    /// The resident who filled in the paper ballot (on the attendance list of the session).
    pub voter_id: i32,
    /// The number printed on the paper ballot.
    #[validate(length(min = 1, max = 40))]
    pub paper_number: String,
    pub choices: Vec<ChoiceInput>,
}

/// Why a paper ballot was refused: kept apart from the answer, which is always `REFUSAL`.
enum Refusal {
    /// Refused before anything about the voter was looked at (not staff, round not open, the
    /// choices themselves): said as it is.
    Plain(AppError),
    /// About the voter or the paper number: answered with `REFUSAL` and audited.
    Voter,
}

impl From<AppError> for Refusal {
    fn from(err: AppError) -> Self {
        Self::Plain(err)
    }
}

impl From<sea_orm::DbErr> for Refusal {
    fn from(err: sea_orm::DbErr) -> Self {
        Self::Plain(err.into())
    }
}

pub async fn enter(db: &Db, actor: &Actor, input: PaperBallotInput) -> AppResult<BallotReceipt> {
    validate(&input)?;
    let paper_number = input.paper_number.trim().to_owned();
    let txn = db.begin().await?;
    let minimum = db.events().config().tally_minimum;
    match record(&txn, actor, &input, &paper_number, minimum).await {
        Ok(receipt) => {
            txn.tally_changed(input.round_id).await?;
            txn.commit().await?;
            Ok(receipt)
        }
        Err(Refusal::Plain(err)) => Err(err),
        Err(Refusal::Voter) => {
            txn.rollback().await?;
            // The attempt is on record, so probing who voted leaves a trace.
            let trace = db.begin().await?;
            audit::record(
                &trace,
                Some(actor.id()),
                "ballot.paper_refused",
                "voting_round",
                Some(input.round_id),
                None::<&()>,
                Some(&json!({ "voter": input.voter_id, "paperNumber": paper_number })),
            )
            .await?;
            trace.commit().await?;
            Err(AppError::precondition(REFUSAL))
        }
    }
}

async fn record(
    txn: &Txn,
    actor: &Actor,
    input: &PaperBallotInput,
    paper_number: &str,
    tally_minimum: i64,
) -> Result<BallotReceipt, Refusal> {
    let round = voting::lock_round(txn, input.round_id, Lock::Shared).await?;
    let forum = find::<forum::Entity>(txn, round.forum_id, "forum").await?;
    access::require_forum_staff(txn, actor, &forum).await?;
    let at = now();
    if !voting::is_open(&round, at) {
        return Err(AppError::precondition("the round is not open for voting").into());
    }
    let checked = voting::check_ballot(
        &round,
        &voting::round_costs(txn, round.id).await?,
        &input.choices,
    )?;
    // The paper number first, then the voter: every failure below is the same answer.
    let paper_used = round_participation::Entity::find()
        .filter(round_participation::Column::RoundId.eq(round.id))
        .filter(round_participation::Column::PaperNumber.eq(paper_number))
        .one(txn)
        .await?;
    if paper_used.is_some() {
        return Err(Refusal::Voter);
    }
    let Some(voter) = account::Entity::find_by_id(input.voter_id).one(txn).await? else {
        return Err(Refusal::Voter);
    };
    let Some(session) = running_session_attended(txn, &forum, voter.id).await? else {
        return Err(Refusal::Voter);
    };
    if access::require_eligible_voter(txn, &voter, &forum)
        .await
        .is_err()
    {
        return Err(Refusal::Voter);
    }
    if voting::participation_of(txn, round.id, voter.id)
        .await?
        .is_some()
    {
        return Err(Refusal::Voter);
    }
    let receipt = voting::new_receipt();
    let participation = round_participation::ActiveModel {
        round_id: Set(round.id),
        voter_id: Set(voter.id),
        channel: Set(BallotChannel::Paper),
        receipt: Set(receipt.clone()),
        session_id: Set(Some(session.id)),
        paper_number: Set(Some(paper_number.to_owned())),
        entered_by: Set(Some(actor.id())),
        recorded_at: Set(at),
        contested_at: Set(None),
        contest_reason: Set(None),
        ..Default::default()
    }
    .insert(txn)
    .await
    .map_err(AppError::from)?;
    insert_ballot(
        txn,
        round.id,
        voter.id,
        &voting::encode_choices(&checked)?,
        at,
    )
    .await?;
    voting::advance_tally(txn, &round, tally_minimum).await?;
    // The record says who entered which paper for whom, never what it chose.
    audit::record(
        txn,
        Some(actor.id()),
        "ballot.paper",
        "round_participation",
        Some(participation.id),
        None::<&()>,
        Some(&json!({
            "round": round.id,
            "voter": voter.id,
            "session": session.id,
            "paperNumber": paper_number,
        })),
    )
    .await?;
    Ok(BallotReceipt {
        receipt,
        cast_at: at,
    })
}

/// The running session of the forum at which the person is present, if any.
async fn running_session_attended(
    txn: &Txn,
    forum: &forum::Model,
    account_id: i32,
) -> AppResult<Option<live_session::Model>> {
    let sessions = live_session::Entity::find()
        .filter(live_session::Column::ForumId.eq(forum.id))
        .filter(live_session::Column::Status.is_in(RUNNING.iter().copied()))
        .order_by_asc(live_session::Column::Id)
        .all(txn)
        .await?;
    for session in sessions {
        let present = session_attendance::Entity::find()
            .filter(session_attendance::Column::SessionId.eq(session.id))
            .filter(session_attendance::Column::AccountId.eq(account_id))
            .filter(session_attendance::Column::Status.eq(AttendanceStatus::Present))
            .one(txn)
            .await?;
        if present.is_some() {
            return Ok(Some(session));
        }
    }
    Ok(None)
}

/// The voter disputes a paper ballot recorded in their name: an audited complaint that the
/// forum's staff see (`contests`) and may act on while the round is open (`annul`).
pub async fn contest(db: &Db, actor: &Actor, round_id: i32, reason: &str) -> AppResult<OwnBallot> {
    let reason = reason.trim();
    if !(5..=1000).contains(&reason.chars().count()) {
        return Err(AppError::field(
            "reason",
            "length",
            "say in 5 to 1000 characters why the paper ballot is not yours",
        ));
    }
    let txn = db.begin().await?;
    let round = find::<voting_round::Entity>(&txn, round_id, "voting round").await?;
    let participation = voting::participation_of(&txn, round_id, actor.id())
        .await?
        .filter(|p| p.channel == BallotChannel::Paper)
        .ok_or(AppError::NotFound("paper ballot"))?;
    if participation.contested_at.is_some() {
        return Err(AppError::Conflict(
            "you have contested this paper ballot already".into(),
        ));
    }
    let mut active = participation.into_active_model();
    active.contested_at = Set(Some(now()));
    active.contest_reason = Set(Some(reason.to_owned()));
    let contested = active.update(&txn).await?;
    audit::record(
        &txn,
        Some(actor.id()),
        "ballot.contest",
        "round_participation",
        Some(contested.id),
        None::<&()>,
        Some(&json!({ "round": round_id, "reason": reason })),
    )
    .await?;
    let own = voting::own_ballot_in(&txn, &round, actor.id())
        .await?
        .ok_or(AppError::NotFound("paper ballot"))?;
    txn.commit().await?;
    Ok(own)
}

/// A contested paper ballot, for the forum's staff.
#[derive(Debug, Clone, SimpleObject)]
pub struct PaperBallotContest {
    pub voter_id: i32,
    pub voter_name: String,
    pub paper_number: String,
    pub session_id: Option<i32>,
    pub entered_by_name: Option<String>,
    pub recorded_at: DateTime<Utc>,
    pub contested_at: DateTime<Utc>,
    pub reason: String,
}

pub async fn contests(db: &Db, actor: &Actor, round_id: i32) -> AppResult<Vec<PaperBallotContest>> {
    let conn = db.reader();
    let round = find::<voting_round::Entity>(conn, round_id, "voting round").await?;
    let forum = find::<forum::Entity>(conn, round.forum_id, "forum").await?;
    access::require_forum_staff(conn, actor, &forum).await?;
    let contested = round_participation::Entity::find()
        .filter(round_participation::Column::RoundId.eq(round_id))
        .filter(round_participation::Column::ContestedAt.is_not_null())
        .order_by_asc(round_participation::Column::ContestedAt)
        .all(conn)
        .await?;
    let names = super::sessions::names(
        conn,
        contested
            .iter()
            .flat_map(|p| std::iter::once(p.voter_id).chain(p.entered_by)),
    )
    .await?;
    Ok(contested
        .into_iter()
        .map(|p| PaperBallotContest {
            voter_name: names.get(&p.voter_id).cloned().unwrap_or_default(),
            entered_by_name: p.entered_by.and_then(|id| names.get(&id).cloned()),
            voter_id: p.voter_id,
            paper_number: p.paper_number.unwrap_or_default(),
            session_id: p.session_id,
            recorded_at: p.recorded_at,
            contested_at: p.contested_at.unwrap_or(p.recorded_at),
            reason: p.contest_reason.unwrap_or_default(),
        })
        .collect())
}

/// The forum's staff annul a contested paper ballot while the round is open: the ballot and
/// the record go, and the resident may vote again. After the close the ballot can no longer be
/// told apart from the others; the contest stays on record.
pub async fn annul(
    db: &Db,
    actor: &Actor,
    round_id: i32,
    voter_id: i32,
    note: &str,
) -> AppResult<bool> {
    let note = note.trim();
    if !(5..=1000).contains(&note.chars().count()) {
        return Err(AppError::field(
            "note",
            "length",
            "say in 5 to 1000 characters why the paper ballot is annulled",
        ));
    }
    let txn = db.begin().await?;
    let round = voting::lock_round(&txn, round_id, Lock::Shared).await?;
    let forum = find::<forum::Entity>(&txn, round.forum_id, "forum").await?;
    access::require_forum_staff(&txn, actor, &forum).await?;
    if !voting::is_open(&round, now()) {
        return Err(AppError::precondition(
            "the round is closed: its ballots are sealed and can no longer be annulled",
        ));
    }
    let participation = voting::participation_of(&txn, round_id, voter_id)
        .await?
        .filter(|p| p.channel == BallotChannel::Paper && p.contested_at.is_some())
        .ok_or(AppError::NotFound("contested paper ballot"))?;
    ballot::Entity::delete_many()
        .filter(ballot::Column::RoundId.eq(round_id))
        .filter(ballot::Column::VoterId.eq(voter_id))
        .exec(&txn)
        .await?;
    round_participation::Entity::delete_by_id(participation.id)
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        Some(actor.id()),
        "ballot.paper_annulled",
        "round_participation",
        Some(participation.id),
        None::<&()>,
        Some(&json!({
            "round": round_id,
            "voter": voter_id,
            "paperNumber": participation.paper_number,
            "reason": participation.contest_reason,
            "note": note,
        })),
    )
    .await?;
    txn.tally_changed(round_id).await?;
    txn.commit().await?;
    Ok(true)
}
