//! Live polls on the current agenda item: yes/no/abstain or the moderator's options, one answer
//! per participant, results for everyone in steps (see `PollResults`), closed by the moderator
//! (or the session's close), after which only the totals are kept.
use async_graphql::{InputObject, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{
    enums::{PollKind, SessionStatus},
    live_session, poll_answer, session_poll,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use validator::Validate;

use super::{load, require_moderator, require_participant, require_status, RUNNING};
use crate::{
    db::{Db, Txn},
    domain::access::Actor,
    domain::live_events::{self, LiveEventData, PollChange},
    domain::{audit, find, now, validate},
    error::{AppError, AppResult},
    events::{enum_name, StreamKey},
};

/// The answers of a YES_NO_ABSTAIN poll.
pub const YES_NO_ABSTAIN: [&str; 3] = ["YES", "NO", "ABSTAIN"];

#[derive(Debug, Clone, PartialEq, SimpleObject, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct PollOptionResult {
    /// The option's index, as `answerPoll` takes it.
    pub index: i32,
    pub label: String,
    #[cfg_attr(test, ts(type = "number"))]
    pub votes: i64,
}

/// A poll's results as anyone may see them. While the poll is open they advance in steps of
/// at least the tally minimum of answers (none before it), so no difference of two results
/// shows one person's answer; at the close they are exact and the answers themselves are
/// dropped, keeping only these totals.
#[derive(Debug, Clone, PartialEq, SimpleObject, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct PollResults {
    pub options: Vec<PollOptionResult>,
    /// Answers counted in `options`.
    #[cfg_attr(test, ts(type = "number"))]
    pub total: i64,
    /// Answers given so far.
    #[cfg_attr(test, ts(type = "number"))]
    pub answers: i64,
    /// The results are not shown yet: fewer answers than the minimum.
    pub withheld: bool,
}

pub fn options_of(poll: &session_poll::Model) -> AppResult<Vec<String>> {
    serde_json::from_str(&poll.options)
        .map_err(|err| AppError::internal("a poll's options cannot be read", err))
}

/// Totals of the first `limit` answers (all of them without a limit), in answering order.
async fn count_answers(
    conn: &impl ConnectionTrait,
    poll: &session_poll::Model,
    limit: Option<u64>,
) -> AppResult<(Vec<PollOptionResult>, i64)> {
    let mut query = poll_answer::Entity::find()
        .filter(poll_answer::Column::PollId.eq(poll.id))
        .order_by_asc(poll_answer::Column::Id);
    if let Some(limit) = limit {
        query = query.limit(limit);
    }
    let answers = query.all(conn).await?;
    let mut options: Vec<PollOptionResult> = options_of(poll)?
        .into_iter()
        .enumerate()
        .map(|(index, label)| PollOptionResult {
            index: index as i32,
            label,
            votes: 0,
        })
        .collect();
    for answer in &answers {
        if let Some(option) = options.get_mut(answer.choice as usize) {
            option.votes += 1;
        }
    }
    Ok((options, answers.len() as i64))
}

async fn answer_count(conn: &impl ConnectionTrait, poll_id: i32) -> AppResult<i64> {
    Ok(poll_answer::Entity::find()
        .filter(poll_answer::Column::PollId.eq(poll_id))
        .count(conn)
        .await? as i64)
}

/// The results everyone sees (see `PollResults`).
pub async fn results(
    conn: &impl ConnectionTrait,
    poll: &session_poll::Model,
) -> AppResult<PollResults> {
    if let Some(kept) = &poll.results {
        return serde_json::from_str(kept)
            .map_err(|err| AppError::internal("a poll's results cannot be read", err));
    }
    if poll.closed_at.is_some() {
        let (options, total) = count_answers(conn, poll, None).await?;
        return Ok(PollResults {
            options,
            total,
            answers: total,
            withheld: false,
        });
    }
    let answers = answer_count(conn, poll.id).await?;
    let published = i64::from(poll.published_answers);
    // The first `published` answers, in answering order: exactly the results last published
    // (none before the first step).
    let (options, total) = count_answers(conn, poll, Some(published as u64)).await?;
    Ok(PollResults {
        options,
        total,
        answers,
        withheld: published == 0,
    })
}

pub async fn of_session(
    conn: &impl ConnectionTrait,
    session_id: i32,
) -> AppResult<Vec<session_poll::Model>> {
    Ok(session_poll::Entity::find()
        .filter(session_poll::Column::SessionId.eq(session_id))
        .order_by_asc(session_poll::Column::Id)
        .all(conn)
        .await?)
}

/// The viewer's own answer while the poll is open; after its close answers are not kept.
pub async fn my_answer(
    conn: &impl ConnectionTrait,
    poll: &session_poll::Model,
    account_id: i32,
) -> AppResult<Option<i32>> {
    if poll.closed_at.is_some() {
        return Ok(None);
    }
    Ok(poll_answer::Entity::find()
        .filter(poll_answer::Column::PollId.eq(poll.id))
        .filter(poll_answer::Column::AccountId.eq(account_id))
        .one(conn)
        .await?
        .map(|a| a.choice))
}

/// Publishes the poll's results on the session's stream. Results events carry no actor: the
/// answers are nobody's business but the totals.
async fn announce(
    txn: &Txn,
    actor: Option<&Actor>,
    kind: fn(PollChange) -> LiveEventData,
    poll: &session_poll::Model,
) -> AppResult<()> {
    let change = PollChange {
        poll_id: poll.id,
        agenda_item_id: poll.agenda_item_id,
        question: poll.question.clone(),
        kind: enum_name(poll.kind),
        results: results(txn, poll).await?,
        closed_at: poll.closed_at,
    };
    live_events::publish(
        txn,
        StreamKey::Session(poll.session_id),
        Some(poll.id),
        actor.map(Actor::id),
        kind(change),
    )
    .await
}

#[derive(Debug, Clone, InputObject, Validate, Serialize)]
pub struct OpenPollInput {
    pub session_id: i32,
    #[validate(length(min = 3, max = 300))]
    pub question: String,
    pub kind: PollKind,
    /// OPTIONS: 2 to 10 answers.
    pub options: Option<Vec<String>>,
}

/// Opens a poll on the current agenda item.
pub async fn open(db: &Db, actor: &Actor, input: OpenPollInput) -> AppResult<session_poll::Model> {
    validate(&input)?;
    let options: Vec<String> = match input.kind {
        PollKind::YesNoAbstain => YES_NO_ABSTAIN.iter().map(|s| s.to_string()).collect(),
        PollKind::Options => {
            let options: Vec<String> = input
                .options
                .unwrap_or_default()
                .into_iter()
                .map(|o| o.trim().to_owned())
                .collect();
            let mut unique = options.clone();
            unique.sort();
            unique.dedup();
            if !(2..=10).contains(&options.len())
                || unique.len() != options.len()
                || options
                    .iter()
                    .any(|o| o.is_empty() || o.chars().count() > 200)
            {
                return Err(AppError::field(
                    "options",
                    "options",
                    "give 2 to 10 different answers of 1 to 200 characters",
                ));
            }
            options
        }
    };
    let txn = db.begin().await?;
    let loaded = load(&txn, input.session_id).await?;
    require_moderator(&txn, actor, &loaded.forum).await?;
    require_status(&loaded.session, &[SessionStatus::Open], "opening a poll")?;
    let Some(item) = loaded.session.current_item_id else {
        return Err(AppError::precondition(
            "polls are on the current agenda item: set one first",
        ));
    };
    let poll = session_poll::ActiveModel {
        session_id: Set(input.session_id),
        agenda_item_id: Set(Some(item)),
        question: Set(input.question.trim().to_owned()),
        kind: Set(input.kind),
        options: Set(serde_json::to_string(&options)
            .map_err(|err| AppError::internal("encoding a poll's options failed", err))?),
        published_answers: Set(0),
        results: Set(None),
        opened_at: Set(now()),
        closed_at: Set(None),
        created_by: Set(actor.id()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        Some(actor.id()),
        "poll.open",
        "session_poll",
        Some(poll.id),
        None::<&()>,
        Some(&poll),
    )
    .await?;
    announce(&txn, Some(actor), LiveEventData::PollOpened, &poll).await?;
    txn.commit().await?;
    Ok(poll)
}

/// A participant answers once. The results everyone sees advance when enough new answers
/// are in (see `PollResults`).
pub async fn answer(
    db: &Db,
    actor: &Actor,
    poll_id: i32,
    choice: i32,
) -> AppResult<session_poll::Model> {
    let txn = db.begin().await?;
    // Answers to one poll take turns (PostgreSQL), so each step is counted once.
    let poll = session_poll::Entity::find_by_id(poll_id)
        .lock_exclusive()
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound("poll"))?;
    let loaded = load(&txn, poll.session_id).await?;
    require_status(&loaded.session, RUNNING, "answering a poll")?;
    require_participant(&txn, actor, &loaded).await?;
    if poll.closed_at.is_some() {
        return Err(AppError::precondition("the poll is closed"));
    }
    if !(0..options_of(&poll)?.len() as i32).contains(&choice) {
        return Err(AppError::field(
            "choice",
            "range",
            "choose one of the poll's options by its index",
        ));
    }
    if my_answer(&txn, &poll, actor.id()).await?.is_some() {
        return Err(AppError::Conflict("you answered this poll already".into()));
    }
    poll_answer::ActiveModel {
        poll_id: Set(poll_id),
        account_id: Set(actor.id()),
        choice: Set(choice),
        answered_at: Set(now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let minimum = db.events().config().tally_minimum.max(1);
    let answers = answer_count(&txn, poll_id).await?;
    let poll = if answers >= minimum && answers >= i64::from(poll.published_answers) + minimum {
        let mut active = poll.into_active_model();
        active.published_answers = Set(answers as i32);
        let stepped = active.update(&txn).await?;
        announce(&txn, None, LiveEventData::PollResults, &stepped).await?;
        stepped
    } else {
        poll
    };
    txn.commit().await?;
    Ok(poll)
}

async fn close_one(
    txn: &Txn,
    actor: &Actor,
    poll: session_poll::Model,
    at: DateTime<Utc>,
) -> AppResult<session_poll::Model> {
    let (options, total) = count_answers(txn, &poll, None).await?;
    let kept = PollResults {
        options,
        total,
        answers: total,
        withheld: false,
    };
    let mut active = poll.into_active_model();
    active.closed_at = Set(Some(at));
    active.results = Set(Some(serde_json::to_string(&kept).map_err(|err| {
        AppError::internal("encoding a poll's results failed", err)
    })?));
    let closed = active.update(txn).await?;
    drop_answers(txn, closed.id).await?;
    audit::record(
        txn,
        Some(actor.id()),
        "poll.close",
        "session_poll",
        Some(closed.id),
        None::<&()>,
        Some(&closed),
    )
    .await?;
    announce(txn, Some(actor), LiveEventData::PollClosed, &closed).await?;
    Ok(closed)
}

pub async fn close(db: &Db, actor: &Actor, poll_id: i32) -> AppResult<session_poll::Model> {
    let txn = db.begin().await?;
    let poll = find::<session_poll::Entity>(&txn, poll_id, "poll").await?;
    let loaded = load(&txn, poll.session_id).await?;
    require_moderator(&txn, actor, &loaded.forum).await?;
    if poll.closed_at.is_some() {
        return Err(AppError::precondition("the poll is closed already"));
    }
    let closed = close_one(&txn, actor, poll, now()).await?;
    txn.commit().await?;
    Ok(closed)
}

/// At the session's close every open poll closes.
pub(crate) async fn close_all(
    txn: &Txn,
    actor: &Actor,
    session: &live_session::Model,
    at: DateTime<Utc>,
) -> AppResult<()> {
    for poll in of_session(txn, session.id)
        .await?
        .into_iter()
        .filter(|p| p.closed_at.is_none())
    {
        close_one(txn, actor, poll, at).await?;
    }
    Ok(())
}

/// Who answered what is kept only while the poll is open.
async fn drop_answers(txn: &Txn, poll_id: i32) -> AppResult<()> {
    poll_answer::Entity::delete_many()
        .filter(poll_answer::Column::PollId.eq(poll_id))
        .exec(txn)
        .await?;
    Ok(())
}

/// Polls closed before their results were kept (by an earlier version): keep the totals, drop
/// the answers.
pub async fn seal_closed_polls(db: &Db) -> AppResult<usize> {
    let due = session_poll::Entity::find()
        .filter(session_poll::Column::ClosedAt.is_not_null())
        .filter(session_poll::Column::Results.is_null())
        .all(db.reader())
        .await?;
    for poll in &due {
        let txn = db.begin().await?;
        let (options, total) = count_answers(&txn, poll, None).await?;
        let kept = serde_json::to_string(&PollResults {
            options,
            total,
            answers: total,
            withheld: false,
        })
        .map_err(|err| AppError::internal("encoding a poll's results failed", err))?;
        let mut active = poll.clone().into_active_model();
        active.results = Set(Some(kept));
        active.update(&txn).await?;
        drop_answers(&txn, poll.id).await?;
        txn.commit().await?;
    }
    Ok(due.len())
}
