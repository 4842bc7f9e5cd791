//! Voting rounds: a forum puts its verified proposals to a vote by one ballot method; each
//! verified resident of the forum's region casts one secret ballot (online, or on paper entered
//! by a moderator: `paper_ballots`), may change an online ballot until the round closes, and
//! gets a receipt to find among the counted receipts published after the close. Who voted
//! (`round_participations`) is kept apart from what was chosen (`ballots`); the close seals the
//! round (`sealing`). The scheme and its limits: docs/ballot-secrecy.md.
pub mod live;

use std::collections::{BTreeMap, HashMap, HashSet};

use async_graphql::{InputObject, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{
    account, ballot,
    enums::{BallotChannel, BallotMethod, ForumStatus, NotificationKind, ProposalStatus},
    forum, proposal, round_participation, round_proposal, tally_snapshot, voting_round,
};
use sea_orm::{
    sea_query::{Alias, Expr, OnConflict},
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use validator::Validate;

use super::{
    access, audit,
    ballot_box::{BallotBox, PendingBallot},
    find, notifications, now, sealing, validate,
};
use crate::{
    auth,
    db::{Db, Txn},
    domain::access::Actor,
    error::{AppError, AppResult, FieldError},
};

/// The selection rules a round may use, by ballot method.
pub fn rules_for(method: BallotMethod) -> &'static [&'static str] {
    match method {
        BallotMethod::Approval | BallotMethod::Knapsack | BallotMethod::ChooseOne => &[
            "greedy",
            "greedy_card",
            "mes",
            "mes_card",
            "mes_add1",
            "mes_add1_greedy",
            "phragmen",
        ],
        BallotMethod::Cumulative => &["greedy_points", "mes_points"],
        BallotMethod::Ranking => &["greedy_borda", "mes_borda"],
    }
}

#[derive(Debug, Clone, InputObject, Validate, Serialize)]
pub struct OpenRoundInput {
    pub forum_id: i32,
    #[validate(length(min = 3, max = 200))]
    pub title: String,
    pub method: BallotMethod,
    /// APPROVAL and RANKING: how many proposals a ballot may name.
    #[validate(range(min = 1, max = 100))]
    pub max_choices: Option<i32>,
    /// CUMULATIVE: points each voter spreads.
    #[validate(range(min = 1, max = 1000))]
    pub points_budget: Option<i32>,
    /// CUMULATIVE: most points on one proposal (default: the whole budget).
    #[validate(range(min = 1, max = 1000))]
    pub max_points_per_proposal: Option<i32>,
    /// KNAPSACK: Rupiah a ballot may spend (default: the forum's budget ceiling).
    #[validate(range(min = 1, max = 100_000_000_000_000i64))]
    pub cost_limit: Option<i64>,
    /// The selection rule applied at the close, e.g. `greedy` or `mes_add1_greedy`.
    pub rule: String,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    /// Show running totals while the round is open.
    #[graphql(default)]
    pub live_tally: bool,
}

pub async fn open_round(
    db: &Db,
    actor: &Actor,
    input: OpenRoundInput,
) -> AppResult<voting_round::Model> {
    validate(&input)?;
    let mut problems = Vec::new();
    if input.closes_at <= input.opens_at {
        problems.push(FieldError::new(
            "closesAt",
            "order",
            "the round must close after it opens",
        ));
    }
    if input.closes_at <= now() {
        problems.push(FieldError::new(
            "closesAt",
            "past",
            "the round must close in the future",
        ));
    }
    if !rules_for(input.method).contains(&input.rule.as_str()) {
        problems.push(FieldError::new(
            "rule",
            "method",
            format!(
                "a {} ballot is counted by one of: {}",
                input.method,
                rules_for(input.method).join(", ")
            ),
        ));
    }
    match input.method {
        BallotMethod::Approval | BallotMethod::Ranking if input.max_choices.is_none() => {
            problems.push(FieldError::new(
                "maxChoices",
                "required",
                "say how many proposals a ballot may name",
            ));
        }
        BallotMethod::Cumulative if input.points_budget.is_none() => {
            problems.push(FieldError::new(
                "pointsBudget",
                "required",
                "say how many points each voter spreads",
            ));
        }
        _ => {}
    }
    if !problems.is_empty() {
        return Err(AppError::fields(problems));
    }
    let txn = db.begin().await?;
    let forum = find::<forum::Entity>(&txn, input.forum_id, "forum").await?;
    access::require_forum_staff(&txn, actor, &forum).await?;
    if matches!(forum.status, ForumStatus::Closed | ForumStatus::Ratified) {
        return Err(AppError::precondition(format!("{} is closed", forum.name)));
    }
    let cost_limit = match input.method {
        BallotMethod::Knapsack => {
            Some(input.cost_limit.or(forum.budget_ceiling).ok_or_else(|| {
                AppError::field(
                    "costLimit",
                    "required",
                    "the forum has no budget ceiling; give a cost limit",
                )
            })?)
        }
        _ => input.cost_limit,
    };
    let candidates = proposal::Entity::find()
        .filter(proposal::Column::ForumId.eq(forum.id))
        .filter(proposal::Column::Status.eq(ProposalStatus::Verified))
        .order_by_asc(proposal::Column::Id)
        .all(&txn)
        .await?;
    if candidates.is_empty() {
        return Err(AppError::precondition(
            "the forum has no verified proposal to vote on",
        ));
    }
    let round = voting_round::ActiveModel {
        forum_id: Set(forum.id),
        title: Set(input.title.trim().to_owned()),
        method: Set(input.method),
        max_choices: Set(input.max_choices),
        points_budget: Set(input.points_budget),
        max_points_per_proposal: Set(input.max_points_per_proposal.or(input.points_budget)),
        cost_limit: Set(cost_limit),
        rule: Set(input.rule),
        opens_at: Set(input.opens_at),
        closes_at: Set(input.closes_at),
        closed_at: Set(None),
        live_tally: Set(input.live_tally),
        created_by: Set(actor.id()),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    round_proposal::Entity::insert_many(candidates.iter().map(|p| round_proposal::ActiveModel {
        round_id: Set(round.id),
        proposal_id: Set(p.id),
        cost: Set(p.estimated_cost),
        ..Default::default()
    }))
    .exec(&txn)
    .await?;
    audit::record(
        &txn,
        Some(actor.id()),
        "round.open",
        "voting_round",
        Some(round.id),
        None::<&()>,
        Some(&round),
    )
    .await?;
    let audience = notifications::forum_audience(&txn, &forum).await?;
    notifications::notify(
        &txn,
        Some(actor),
        &audience,
        notifications::Notice {
            kind: NotificationKind::RoundOpened,
            proposal_id: None,
            forum_id: Some(forum.id),
            details: notifications::Details {
                title: Some(round.title.clone()),
                forum_name: Some(forum.name.clone()),
                ..Default::default()
            },
        },
    )
    .await?;
    txn.commit().await?;
    Ok(round)
}

pub fn is_open(round: &voting_round::Model, at: DateTime<Utc>) -> bool {
    round.closed_at.is_none() && round.opens_at <= at && at < round.closes_at
}

pub fn is_closed(round: &voting_round::Model, at: DateTime<Utc>) -> bool {
    round.closed_at.is_some() || at >= round.closes_at
}

/// A moderator closes the round early (e.g. when the forum's vote by hand is over). The close
/// waits for ballots being stored (they count) and refuses every later one; it seals the round.
pub async fn close_round(db: &Db, actor: &Actor, round_id: i32) -> AppResult<voting_round::Model> {
    let txn = db.begin().await?;
    let round = lock_round(&txn, round_id, Lock::Exclusive).await?;
    let forum = find::<forum::Entity>(&txn, round.forum_id, "forum").await?;
    access::require_forum_staff(&txn, actor, &forum).await?;
    if is_closed(&round, now()) {
        return Err(AppError::precondition("the round is already closed"));
    }
    let before = round.clone();
    let mut active = round.into_active_model();
    // Read the clock only once the lock is held, so every ballot stored before is older.
    active.closed_at = Set(Some(now()));
    let updated = active.update(&txn).await?;
    let sealed = sealing::seal(&txn, updated).await?;
    audit::record(
        &txn,
        Some(actor.id()),
        "round.close",
        "voting_round",
        Some(round_id),
        Some(&before),
        Some(&sealed),
    )
    .await?;
    txn.tally_changed(round_id).await?;
    txn.commit().await?;
    db.checkpoint().await;
    Ok(sealed)
}

/// How a transaction holds a round's row (PostgreSQL; SQLite's single writer serializes all
/// write transactions anyway).
#[derive(Debug, Clone, Copy)]
pub enum Lock {
    /// Storing ballots: many at once, but not while the round closes.
    Shared,
    /// Closing or sealing the round: waits for the ballots being stored.
    Exclusive,
}

/// Reads a round inside a write transaction, holding its row until the transaction ends.
pub async fn lock_round(txn: &Txn, round_id: i32, lock: Lock) -> AppResult<voting_round::Model> {
    lock_rounds(txn, &[round_id], lock)
        .await?
        .pop()
        .ok_or(AppError::NotFound("voting round"))
}

pub async fn lock_rounds(
    txn: &Txn,
    round_ids: &[i32],
    lock: Lock,
) -> AppResult<Vec<voting_round::Model>> {
    let query = voting_round::Entity::find()
        .filter(voting_round::Column::Id.is_in(round_ids.iter().copied()))
        .order_by_asc(voting_round::Column::Id);
    let query = match lock {
        Lock::Shared => query.lock_shared(),
        Lock::Exclusive => query.lock_exclusive(),
    };
    Ok(query.all(txn).await?)
}

#[derive(Debug, Clone, InputObject, Serialize)]
pub struct ChoiceInput {
    pub proposal_id: i32,
    /// CUMULATIVE: points given. Ignored otherwise (a RANKING ballot is ordered as sent).
    pub points: Option<i32>,
}

/// A checked ballot: (proposal id, points) pairs; for a ranking the points are the position.
pub(crate) type Choices = Vec<(i32, i32)>;

fn choice_error(message: impl Into<String>) -> AppError {
    AppError::field("choices", "ballot", message)
}

/// Checks a ballot against the round's method and limits.
pub fn check_ballot(
    round: &voting_round::Model,
    costs: &HashMap<i32, i64>,
    choices: &[ChoiceInput],
) -> AppResult<Choices> {
    let mut seen = HashSet::new();
    for choice in choices {
        if !costs.contains_key(&choice.proposal_id) {
            return Err(choice_error(format!(
                "proposal {} is not on this ballot",
                choice.proposal_id
            )));
        }
        if !seen.insert(choice.proposal_id) {
            return Err(choice_error(format!(
                "proposal {} is named twice",
                choice.proposal_id
            )));
        }
    }
    if choices.is_empty() {
        return Err(choice_error("choose at least one proposal"));
    }
    let max_choices = round.max_choices.unwrap_or(i32::MAX) as usize;
    match round.method {
        BallotMethod::Approval | BallotMethod::Ranking if choices.len() > max_choices => Err(
            choice_error(format!("choose at most {max_choices} proposals")),
        ),
        BallotMethod::ChooseOne if choices.len() != 1 => {
            Err(choice_error("choose exactly one proposal"))
        }
        BallotMethod::Knapsack => {
            let total: i64 = choices.iter().map(|c| costs[&c.proposal_id]).sum();
            let limit = round.cost_limit.unwrap_or(i64::MAX);
            if total > limit {
                Err(choice_error(format!(
                    "the chosen proposals cost Rp {total}, more than the Rp {limit} you may spend"
                )))
            } else {
                Ok(choices.iter().map(|c| (c.proposal_id, 1)).collect())
            }
        }
        BallotMethod::Cumulative => {
            let budget = round.points_budget.unwrap_or(0);
            let per_proposal = round.max_points_per_proposal.unwrap_or(budget);
            let mut total = 0;
            for choice in choices {
                let points = choice
                    .points
                    .ok_or_else(|| choice_error("give points to every chosen proposal"))?;
                if points < 1 || points > per_proposal {
                    return Err(choice_error(format!(
                        "give each proposal 1 to {per_proposal} points"
                    )));
                }
                total += points;
            }
            if total > budget {
                Err(choice_error(format!(
                    "{total} points given, but only {budget} may be spread"
                )))
            } else {
                Ok(choices
                    .iter()
                    .map(|c| (c.proposal_id, c.points.unwrap_or(0)))
                    .collect())
            }
        }
        BallotMethod::Ranking => Ok(choices
            .iter()
            .enumerate()
            .map(|(i, c)| (c.proposal_id, i as i32 + 1))
            .collect()),
        _ => Ok(choices.iter().map(|c| (c.proposal_id, 1)).collect()),
    }
}

pub(crate) async fn round_costs(
    conn: &impl ConnectionTrait,
    round_id: i32,
) -> AppResult<HashMap<i32, i64>> {
    Ok(round_proposal::Entity::find()
        .filter(round_proposal::Column::RoundId.eq(round_id))
        .all(conn)
        .await?
        .into_iter()
        .map(|rp| (rp.proposal_id, rp.cost))
        .collect())
}

/// A fresh receipt: random, so it says nothing about the ballot, and short enough to copy.
pub(crate) fn new_receipt() -> String {
    auth::new_token().0[..24].to_owned()
}

/// What a voter gets back: a receipt to find among the counted receipts after the close.
/// It stays the same when the ballot is replaced, so it never shows that someone changed it.
#[derive(Debug, Clone, SimpleObject)]
pub struct BallotReceipt {
    pub receipt: String,
    pub cast_at: DateTime<Utc>,
}

/// Casts or replaces the actor's online ballot; the last one stored before the close counts.
/// The checks here give quick answers; the ballot box checks the round and the voter again in
/// the transaction that stores the ballot, which alone decides.
pub async fn cast_ballot(
    db: &Db,
    ballot_box: &BallotBox,
    actor: &Actor,
    round_id: i32,
    choices: Vec<ChoiceInput>,
) -> AppResult<BallotReceipt> {
    let conn = db.reader();
    let round = find::<voting_round::Entity>(conn, round_id, "voting round").await?;
    if !is_open(&round, now()) {
        return Err(AppError::precondition("the round is not open for voting"));
    }
    let forum = find::<forum::Entity>(conn, round.forum_id, "forum").await?;
    access::require_eligible_voter(conn, &actor.account, &forum).await?;
    let checked = check_ballot(&round, &round_costs(conn, round_id).await?, &choices)?;
    ballot_box
        .cast(PendingBallot {
            round_id,
            voter_id: actor.id(),
            choices: encode_choices(&checked)?,
        })
        .await
}

pub(crate) fn encode_choices(choices: &Choices) -> AppResult<String> {
    serde_json::to_string(choices)
        .map_err(|err| AppError::internal("encoding a ballot failed", err))
}

/// A stored ballot's choices; an unreadable one is an internal error, never an empty ballot.
pub(crate) fn decode_choices(choices: &str) -> AppResult<Choices> {
    serde_json::from_str::<Choices>(choices).map_err(|err| {
        tracing::error!(error = %err, "a stored ballot cannot be read");
        AppError::internal("a stored ballot cannot be read", err)
    })
}

/// One chosen proposal of a ballot.
#[derive(Debug, Clone, SimpleObject, Serialize)]
pub struct BallotChoice {
    pub proposal_id: i32,
    /// Points (cumulative), position (ranking, 1 = best) or 1 (approval).
    pub points: i32,
}

pub(crate) fn decode(choices: &str) -> AppResult<Vec<BallotChoice>> {
    Ok(decode_choices(choices)?
        .into_iter()
        .map(|(proposal_id, points)| BallotChoice {
            proposal_id,
            points,
        })
        .collect())
}

/// The viewer's own participation in a round. Its choices are shown only for an online ballot
/// while the round is open: after the close nobody, the voter included, can show how they voted.
#[derive(Debug, Clone, SimpleObject)]
pub struct OwnBallot {
    pub channel: BallotChannel,
    pub receipt: String,
    /// When the ballot was (last) cast or the paper ballot entered.
    pub cast_at: DateTime<Utc>,
    /// The online ballot as stored, while the round is open; null for paper and once sealed.
    pub choices: Option<Vec<BallotChoice>>,
    /// The round is closed: the ballot is counted and no longer linked to the voter.
    pub sealed: bool,
    pub paper_number: Option<String>,
    /// The live session at which a paper ballot was entered.
    pub session_id: Option<i32>,
    /// Who entered the paper ballot.
    pub entered_by_name: Option<String>,
    pub contested_at: Option<DateTime<Utc>>,
    pub contest_reason: Option<String>,
}

pub(crate) async fn participation_of(
    conn: &impl ConnectionTrait,
    round_id: i32,
    voter_id: i32,
) -> AppResult<Option<round_participation::Model>> {
    Ok(round_participation::Entity::find()
        .filter(round_participation::Column::RoundId.eq(round_id))
        .filter(round_participation::Column::VoterId.eq(voter_id))
        .one(conn)
        .await?)
}

pub(crate) async fn own_ballot_in(
    conn: &impl ConnectionTrait,
    round: &voting_round::Model,
    voter_id: i32,
) -> AppResult<Option<OwnBallot>> {
    let Some(participation) = participation_of(conn, round.id, voter_id).await? else {
        return Ok(None);
    };
    let sealed = is_closed(round, now()) || round.sealed_at.is_some();
    let stored = if sealed {
        None
    } else {
        ballot::Entity::find()
            .filter(ballot::Column::RoundId.eq(round.id))
            .filter(ballot::Column::VoterId.eq(voter_id))
            .one(conn)
            .await?
    };
    let choices = match (&participation.channel, &stored) {
        (BallotChannel::Online, Some(stored)) => Some(decode(&stored.choices)?),
        _ => None,
    };
    let entered_by_name = match participation.entered_by {
        Some(id) => account::Entity::find_by_id(id)
            .one(conn)
            .await?
            .map(|a| a.name),
        None => None,
    };
    Ok(Some(OwnBallot {
        channel: participation.channel,
        receipt: participation.receipt,
        cast_at: stored
            .and_then(|b| b.cast_at)
            .unwrap_or(participation.recorded_at),
        choices,
        sealed,
        paper_number: participation.paper_number,
        session_id: participation.session_id,
        entered_by_name,
        contested_at: participation.contested_at,
        contest_reason: participation.contest_reason,
    }))
}

/// The actor's own ballot; nobody can read anyone else's.
pub async fn own_ballot(db: &Db, actor: &Actor, round_id: i32) -> AppResult<Option<OwnBallot>> {
    let round = find::<voting_round::Entity>(db.reader(), round_id, "voting round").await?;
    own_ballot_in(db.reader(), &round, actor.id()).await
}

/// Running totals of one proposal.
#[derive(Debug, Clone, SimpleObject, PartialEq, Serialize, Deserialize)]
pub struct TallyRow {
    pub proposal_id: i32,
    pub cost: i64,
    /// Ballots naming the proposal.
    pub votes: i64,
    /// Sum of points (cumulative ballots).
    pub points: i64,
    /// Borda score (ranking ballots): a proposal at position i of L scores L − i.
    pub borda: i64,
}

/// A round's totals as the viewer may see them.
#[derive(Debug, Clone, SimpleObject)]
pub struct Tally {
    /// Ballots cast so far (turnout).
    pub ballots: i64,
    /// Ballots the rows count: all of them once the round is closed; while it runs, the ballots
    /// of the last published step.
    pub counted: i64,
    /// No running totals are shown (yet): the round publishes them at the close, or fewer than
    /// `minimumBallots` ballots are in.
    pub withheld: bool,
    /// Running totals appear only from this many ballots on, and advance in steps of as many,
    /// so that no difference of two totals shows how one person voted.
    pub minimum_ballots: i64,
    pub rows: Vec<TallyRow>,
}

/// The totals anyone may see, whoever asks: exact once the round is closed; while it runs, the
/// last published step of a live-tally round, otherwise nothing but the turnout. Staff see no
/// more than residents: a moderator who knows who just voted must not read their vote.
pub async fn tally(db: &Db, round_id: i32) -> AppResult<Tally> {
    let round = find::<voting_round::Entity>(db.reader(), round_id, "voting round").await?;
    visible_tally(db.reader(), &round, db.events().config().tally_minimum).await
}

pub async fn visible_tally(
    conn: &impl ConnectionTrait,
    round: &voting_round::Model,
    minimum: i64,
) -> AppResult<Tally> {
    if is_closed(round, now()) {
        let mut exact = counts(conn, round).await?;
        exact.minimum_ballots = minimum;
        return Ok(exact);
    }
    let ballots = ballot_count(conn, round.id).await?;
    let snapshot = if round.live_tally {
        tally_snapshot::Entity::find_by_id(round.id)
            .one(conn)
            .await?
    } else {
        None
    };
    Ok(match snapshot {
        Some(snapshot) => Tally {
            ballots,
            counted: snapshot.ballots,
            withheld: false,
            minimum_ballots: minimum,
            rows: serde_json::from_str(&snapshot.rows)
                .map_err(|err| AppError::internal("a tally snapshot cannot be read", err))?,
        },
        None => Tally {
            ballots,
            counted: 0,
            withheld: true,
            minimum_ballots: minimum,
            rows: Vec::new(),
        },
    })
}

async fn ballot_count(conn: &impl ConnectionTrait, round_id: i32) -> AppResult<i64> {
    Ok(ballot::Entity::find()
        .filter(ballot::Column::RoundId.eq(round_id))
        .count(conn)
        .await? as i64)
}

/// After ballots are stored: a live-tally round publishes new running totals once at least
/// `minimum` ballots are in and at least `minimum` more than in the last published totals (in
/// the storing transaction, so every instance publishes the same steps).
pub(crate) async fn advance_tally(
    txn: &Txn,
    round: &voting_round::Model,
    minimum: i64,
) -> AppResult<()> {
    if !round.live_tally {
        return Ok(());
    }
    let minimum = minimum.max(1);
    let ballots = ballot_count(txn, round.id).await?;
    let published = tally_snapshot::Entity::find_by_id(round.id)
        .one(txn)
        .await?
        .map_or(0, |s| s.ballots);
    if ballots < minimum || ballots < published + minimum {
        return Ok(());
    }
    let totals = counts(txn, round).await?;
    let rows = serde_json::to_string(&totals.rows)
        .map_err(|err| AppError::internal("encoding a tally failed", err))?;
    tally_snapshot::Entity::insert(tally_snapshot::ActiveModel {
        round_id: Set(round.id),
        ballots: Set(totals.ballots),
        rows: Set(rows),
        computed_at: Set(now()),
    })
    .on_conflict(
        OnConflict::column(tally_snapshot::Column::RoundId)
            .update_columns([
                tally_snapshot::Column::Ballots,
                tally_snapshot::Column::Rows,
                tally_snapshot::Column::ComputedAt,
            ])
            // Another instance may have published a step meanwhile: never a smaller one.
            .action_and_where(
                Expr::expr(
                    Expr::col((tally_snapshot::Entity, tally_snapshot::Column::Ballots))
                        .add(minimum),
                )
                .lte(Expr::col((
                    Alias::new("excluded"),
                    tally_snapshot::Column::Ballots,
                ))),
            )
            .to_owned(),
    )
    .exec_without_returning(txn)
    .await?;
    Ok(())
}

/// The exact totals of a round, whoever asks (callers decide who may see them).
pub async fn counts(conn: &impl ConnectionTrait, round: &voting_round::Model) -> AppResult<Tally> {
    let costs = round_costs(conn, round.id).await?;
    let ballots = ballot::Entity::find()
        .filter(ballot::Column::RoundId.eq(round.id))
        .all(conn)
        .await?;
    let mut rows: BTreeMap<i32, TallyRow> = costs
        .iter()
        .map(|(id, cost)| {
            (
                *id,
                TallyRow {
                    proposal_id: *id,
                    cost: *cost,
                    votes: 0,
                    points: 0,
                    borda: 0,
                },
            )
        })
        .collect();
    for b in &ballots {
        let choices = decode_choices(&b.choices)?;
        let length = choices.len() as i64;
        for (proposal_id, points) in &choices {
            if let Some(row) = rows.get_mut(proposal_id) {
                row.votes += 1;
                row.points += i64::from(*points);
                if round.method == BallotMethod::Ranking {
                    row.borda += length - i64::from(*points);
                }
            }
        }
    }
    let mut rows: Vec<TallyRow> = rows.into_values().collect();
    rows.sort_by(|a, b| {
        b.votes
            .cmp(&a.votes)
            .then(b.points.cmp(&a.points))
            .then(a.proposal_id.cmp(&b.proposal_id))
    });
    Ok(Tally {
        ballots: ballots.len() as i64,
        counted: ballots.len() as i64,
        withheld: false,
        minimum_ballots: 0,
        rows,
    })
}

pub async fn rounds_of(db: &Db, forum_id: i32) -> AppResult<Vec<voting_round::Model>> {
    Ok(voting_round::Entity::find()
        .filter(voting_round::Column::ForumId.eq(forum_id))
        .order_by_desc(voting_round::Column::Id)
        .all(db.reader())
        .await?)
}

pub async fn round_proposal_ids(db: &Db, round_id: i32) -> AppResult<Vec<i32>> {
    let mut ids: Vec<i32> = round_costs(db.reader(), round_id)
        .await?
        .into_keys()
        .collect();
    ids.sort_unstable();
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round(method: BallotMethod) -> voting_round::Model {
        voting_round::Model {
            id: 1,
            forum_id: 1,
            title: "t".into(),
            method,
            max_choices: Some(2),
            points_budget: Some(10),
            max_points_per_proposal: Some(6),
            cost_limit: Some(500),
            rule: "greedy".into(),
            opens_at: now(),
            closes_at: now(),
            closed_at: None,
            live_tally: false,
            sealed_at: None,
            created_by: 1,
            created_at: now(),
        }
    }

    fn costs() -> HashMap<i32, i64> {
        HashMap::from([(1, 200), (2, 300), (3, 400)])
    }

    fn ballot(choices: &[(i32, Option<i32>)]) -> Vec<ChoiceInput> {
        choices
            .iter()
            .map(|(proposal_id, points)| ChoiceInput {
                proposal_id: *proposal_id,
                points: *points,
            })
            .collect()
    }

    #[test]
    fn knapsack_ballots_stay_within_the_cost_limit() {
        let r = round(BallotMethod::Knapsack);
        assert!(check_ballot(&r, &costs(), &ballot(&[(1, None), (2, None)])).is_ok());
        assert!(check_ballot(&r, &costs(), &ballot(&[(2, None), (3, None)])).is_err());
    }

    #[test]
    fn cumulative_ballots_respect_both_point_limits() {
        let r = round(BallotMethod::Cumulative);
        assert_eq!(
            check_ballot(&r, &costs(), &ballot(&[(1, Some(6)), (2, Some(4))])).unwrap(),
            vec![(1, 6), (2, 4)]
        );
        assert!(
            check_ballot(&r, &costs(), &ballot(&[(1, Some(7))])).is_err(),
            "over the per-proposal maximum"
        );
        assert!(
            check_ballot(&r, &costs(), &ballot(&[(1, Some(6)), (2, Some(5))])).is_err(),
            "over the budget"
        );
        assert!(
            check_ballot(&r, &costs(), &ballot(&[(1, None)])).is_err(),
            "points are required"
        );
        assert!(check_ballot(&r, &costs(), &ballot(&[(1, Some(0))])).is_err());
    }

    #[test]
    fn rankings_keep_their_order_and_length() {
        let r = round(BallotMethod::Ranking);
        assert_eq!(
            check_ballot(&r, &costs(), &ballot(&[(3, None), (1, None)])).unwrap(),
            vec![(3, 1), (1, 2)]
        );
        assert!(check_ballot(&r, &costs(), &ballot(&[(3, None), (1, None), (2, None)])).is_err());
    }

    #[test]
    fn choose_one_means_exactly_one() {
        let r = round(BallotMethod::ChooseOne);
        assert!(check_ballot(&r, &costs(), &ballot(&[(3, None)])).is_ok());
        assert!(check_ballot(&r, &costs(), &ballot(&[(3, None), (1, None)])).is_err());
    }

    #[test]
    fn unknown_and_repeated_proposals_are_refused() {
        let r = round(BallotMethod::Approval);
        assert!(check_ballot(&r, &costs(), &ballot(&[(9, None)])).is_err());
        assert!(check_ballot(&r, &costs(), &ballot(&[(1, None), (1, None)])).is_err());
        assert!(check_ballot(&r, &costs(), &[]).is_err());
    }
}
