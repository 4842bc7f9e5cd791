//! Voting rounds: a forum puts its verified proposals to a vote by one ballot method; each
//! verified resident of the forum's region casts one secret ballot (online, or on paper entered
//! by a moderator), may change it until the round closes, and gets a receipt to check it against
//! the anonymous ballots published after the close.
use std::collections::{BTreeMap, HashMap, HashSet};

use async_graphql::{InputObject, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{
    account, ballot,
    enums::{BallotChannel, BallotMethod, ForumStatus, ProposalStatus},
    forum, proposal, region, round_proposal, voting_round,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, Set,
};
use serde::Serialize;
use sha2::{Digest, Sha256};
use validator::Validate;

use super::{
    access, audit,
    ballot_box::{BallotBox, PendingBallot},
    find, now, regions, validate,
};
use crate::{
    auth::{self, Actor},
    db::Db,
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
    txn.commit().await?;
    Ok(round)
}

pub fn is_open(round: &voting_round::Model, at: DateTime<Utc>) -> bool {
    round.closed_at.is_none() && round.opens_at <= at && at < round.closes_at
}

pub fn is_closed(round: &voting_round::Model, at: DateTime<Utc>) -> bool {
    round.closed_at.is_some() || at >= round.closes_at
}

/// A moderator closes the round early (e.g. when the forum's vote by hand is over).
pub async fn close_round(db: &Db, actor: &Actor, round_id: i32) -> AppResult<voting_round::Model> {
    let txn = db.begin().await?;
    let round = find::<voting_round::Entity>(&txn, round_id, "voting round").await?;
    let forum = find::<forum::Entity>(&txn, round.forum_id, "forum").await?;
    access::require_forum_staff(&txn, actor, &forum).await?;
    if is_closed(&round, now()) {
        return Err(AppError::precondition("the round is already closed"));
    }
    let before = round.clone();
    let mut active = round.into_active_model();
    active.closed_at = Set(Some(now()));
    let updated = active.update(&txn).await?;
    audit::record(
        &txn,
        Some(actor.id()),
        "round.close",
        "voting_round",
        Some(round_id),
        Some(&before),
        Some(&updated),
    )
    .await?;
    txn.tally_changed(round_id).await?;
    txn.commit().await?;
    Ok(updated)
}

#[derive(Debug, Clone, InputObject, Serialize)]
pub struct ChoiceInput {
    pub proposal_id: i32,
    /// CUMULATIVE: points given. Ignored otherwise (a RANKING ballot is ordered as sent).
    pub points: Option<i32>,
}

/// A checked ballot: (proposal id, points) pairs; for a ranking the points are the position.
type Choices = Vec<(i32, i32)>;

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

async fn round_costs(conn: &impl ConnectionTrait, round_id: i32) -> AppResult<HashMap<i32, i64>> {
    Ok(round_proposal::Entity::find()
        .filter(round_proposal::Column::RoundId.eq(round_id))
        .all(conn)
        .await?
        .into_iter()
        .map(|rp| (rp.proposal_id, rp.cost))
        .collect())
}

/// Verified residents whose home lies in the forum's region.
async fn require_eligible(
    conn: &impl ConnectionTrait,
    voter: &account::Model,
    forum: &forum::Model,
) -> AppResult<()> {
    if voter.verification != entity::enums::VerificationStatus::Verified {
        return Err(AppError::forbidden(
            "only verified residents may vote; ask the forum's moderator to verify you",
        ));
    }
    let forum_region = find::<region::Entity>(conn, forum.region_id, "region").await?;
    let home = match voter.home_region_id {
        Some(id) => Some(find::<region::Entity>(conn, id, "home region").await?),
        None => None,
    };
    if !home.is_some_and(|home| regions::is_within(&home, &forum_region)) {
        return Err(AppError::forbidden(format!(
            "only residents of {} may vote in this round",
            forum_region.name
        )));
    }
    Ok(())
}

fn receipt_for(round_id: i32, choices: &Choices) -> String {
    let (nonce, _) = auth::new_token();
    let mut hasher = Sha256::new();
    hasher.update(format!(
        "musrenbang-ballot:{round_id}:{}:{nonce}",
        serde_json::to_string(choices).unwrap_or_default()
    ));
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// What a voter gets back: a receipt to find their ballot among the published ones.
#[derive(Debug, Clone, SimpleObject)]
pub struct BallotReceipt {
    pub receipt: String,
    pub cast_at: DateTime<Utc>,
}

/// Casts or replaces the actor's online ballot; the last one cast before the close counts.
/// Checks run on a read connection; the ballot box stores it in a shared commit.
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
    require_eligible(conn, &actor.account, &forum).await?;
    let checked = check_ballot(&round, &round_costs(conn, round_id).await?, &choices)?;
    ballot_box
        .cast(PendingBallot {
            round_id,
            voter_id: actor.id(),
            receipt: receipt_for(round_id, &checked),
            choices: serde_json::to_string(&checked).unwrap_or_default(),
            cast_at: now(),
        })
        .await
}

#[derive(Debug, Clone, InputObject, Validate, Serialize)]
pub struct PaperBallotInput {
    pub round_id: i32,
    /// The resident who filled in the paper ballot (checked against the attendance).
    pub voter_id: i32,
    /// The number printed on the paper ballot.
    #[validate(length(min = 1, max = 40))]
    pub paper_number: String,
    pub choices: Vec<ChoiceInput>,
}

/// A moderator enters a paper ballot cast in the forum. A resident who voted online cannot
/// also vote on paper, and one paper number counts once.
pub async fn enter_paper_ballot(
    db: &Db,
    actor: &Actor,
    input: PaperBallotInput,
) -> AppResult<BallotReceipt> {
    validate(&input)?;
    let txn = db.begin().await?;
    let round = find::<voting_round::Entity>(&txn, input.round_id, "voting round").await?;
    let forum = find::<forum::Entity>(&txn, round.forum_id, "forum").await?;
    access::require_forum_staff(&txn, actor, &forum).await?;
    if !is_open(&round, now()) {
        return Err(AppError::precondition("the round is not open for voting"));
    }
    let voter = find::<account::Entity>(&txn, input.voter_id, "voter").await?;
    require_eligible(&txn, &voter, &forum).await?;
    let checked = check_ballot(&round, &round_costs(&txn, round.id).await?, &input.choices)?;
    let voted = ballot::Entity::find()
        .filter(ballot::Column::RoundId.eq(round.id))
        .filter(ballot::Column::VoterId.eq(voter.id))
        .one(&txn)
        .await?;
    if voted.is_some() {
        return Err(AppError::Conflict(format!(
            "{} has already voted in this round",
            voter.name
        )));
    }
    let paper_used = ballot::Entity::find()
        .filter(ballot::Column::RoundId.eq(round.id))
        .filter(ballot::Column::PaperNumber.eq(input.paper_number.trim()))
        .one(&txn)
        .await?;
    if paper_used.is_some() {
        return Err(AppError::field(
            "paperNumber",
            "unique",
            "this paper ballot has already been entered",
        ));
    }
    let receipt = receipt_for(round.id, &checked);
    let entered = ballot::ActiveModel {
        round_id: Set(round.id),
        voter_id: Set(Some(voter.id)),
        channel: Set(BallotChannel::Paper),
        paper_number: Set(Some(input.paper_number.trim().to_owned())),
        entered_by: Set(Some(actor.id())),
        receipt: Set(receipt.clone()),
        choices: Set(serde_json::to_string(&checked).unwrap_or_default()),
        cast_at: Set(now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        Some(actor.id()),
        "ballot.paper",
        "ballot",
        Some(entered.id),
        None::<&()>,
        Some(&serde_json::json!({"round": round.id, "paperNumber": input.paper_number})),
    )
    .await?;
    txn.tally_changed(round.id).await?;
    txn.commit().await?;
    Ok(BallotReceipt {
        receipt,
        cast_at: entered.cast_at,
    })
}

/// One chosen proposal of a ballot.
#[derive(Debug, Clone, SimpleObject, Serialize)]
pub struct BallotChoice {
    pub proposal_id: i32,
    /// Points (cumulative), position (ranking, 1 = best) or 1 (approval).
    pub points: i32,
}

fn decode(choices: &str) -> Vec<BallotChoice> {
    serde_json::from_str::<Choices>(choices)
        .unwrap_or_default()
        .into_iter()
        .map(|(proposal_id, points)| BallotChoice {
            proposal_id,
            points,
        })
        .collect()
}

#[derive(Debug, Clone, SimpleObject)]
pub struct OwnBallot {
    pub channel: BallotChannel,
    pub receipt: String,
    pub cast_at: DateTime<Utc>,
    pub choices: Vec<BallotChoice>,
}

/// The actor's own ballot; nobody can read anyone else's.
pub async fn own_ballot(db: &Db, actor: &Actor, round_id: i32) -> AppResult<Option<OwnBallot>> {
    let found = ballot::Entity::find()
        .filter(ballot::Column::RoundId.eq(round_id))
        .filter(ballot::Column::VoterId.eq(actor.id()))
        .one(db.reader())
        .await?;
    Ok(found.map(|b| OwnBallot {
        channel: b.channel,
        choices: decode(&b.choices),
        receipt: b.receipt,
        cast_at: b.cast_at,
    }))
}

/// A published ballot: no voter, only the receipt and the choices.
#[derive(Debug, Clone, SimpleObject)]
pub struct AnonymousBallot {
    pub receipt: String,
    pub channel: BallotChannel,
    pub choices: Vec<BallotChoice>,
}

async fn require_closed(db: &Db, round_id: i32) -> AppResult<voting_round::Model> {
    let round = find::<voting_round::Entity>(db.reader(), round_id, "voting round").await?;
    if !is_closed(&round, now()) {
        return Err(AppError::precondition(
            "ballots are published when the round closes",
        ));
    }
    Ok(round)
}

/// All ballots of a closed round, ordered by receipt so the order reveals nothing.
pub async fn published_ballots(db: &Db, round_id: i32) -> AppResult<Vec<AnonymousBallot>> {
    require_closed(db, round_id).await?;
    let ballots = ballot::Entity::find()
        .filter(ballot::Column::RoundId.eq(round_id))
        .order_by_asc(ballot::Column::Receipt)
        .all(db.reader())
        .await?;
    Ok(ballots
        .into_iter()
        .map(|b| AnonymousBallot {
            choices: decode(&b.choices),
            receipt: b.receipt,
            channel: b.channel,
        })
        .collect())
}

/// Finds the published ballot with this receipt, so a voter can check it was counted as cast.
pub async fn check_receipt(
    db: &Db,
    round_id: i32,
    receipt: &str,
) -> AppResult<Option<AnonymousBallot>> {
    require_closed(db, round_id).await?;
    let found = ballot::Entity::find()
        .filter(ballot::Column::RoundId.eq(round_id))
        .filter(ballot::Column::Receipt.eq(receipt.trim().to_lowercase()))
        .one(db.reader())
        .await?;
    Ok(found.map(|b| AnonymousBallot {
        choices: decode(&b.choices),
        receipt: b.receipt,
        channel: b.channel,
    }))
}

/// Running totals of one proposal.
#[derive(Debug, Clone, SimpleObject, PartialEq)]
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

#[derive(Debug, Clone, SimpleObject)]
pub struct Tally {
    pub ballots: i64,
    pub rows: Vec<TallyRow>,
}

/// Totals are public once the round closes, or while it runs if the round says so.
pub async fn tally(db: &Db, actor: Option<&Actor>, round_id: i32) -> AppResult<Tally> {
    let round = find::<voting_round::Entity>(db.reader(), round_id, "voting round").await?;
    if !round.live_tally && !is_closed(&round, now()) {
        let forum = find::<forum::Entity>(db.reader(), round.forum_id, "forum").await?;
        let staff = match actor {
            Some(actor) => access::is_forum_staff(db.reader(), actor, &forum).await?,
            None => false,
        };
        if !staff {
            return Err(AppError::precondition(
                "the totals are published when the round closes",
            ));
        }
    }
    counts(db.reader(), &round).await
}

/// The running totals of a round, whoever asks (callers check visibility).
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
        let choices = decode(&b.choices);
        let length = choices.len() as i64;
        for choice in &choices {
            if let Some(row) = rows.get_mut(&choice.proposal_id) {
                row.votes += 1;
                row.points += choice.points as i64;
                if round.method == BallotMethod::Ranking {
                    row.borda += length - choice.points as i64;
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
