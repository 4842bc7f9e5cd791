//! Live polls on the current agenda item: yes/no/abstain or the moderator's options, one answer
//! per participant, results live for everyone, closed by the moderator (or the session's close).
use async_graphql::{InputObject, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{
    enums::{EventKind, PollKind, SessionStatus},
    live_session, poll_answer, session_poll,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, Set,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use validator::Validate;

use super::{emit, load, require_moderator, require_participant, require_status, RUNNING};
use crate::{
    auth::Actor,
    db::{Db, Txn},
    domain::{audit, find, now, validate},
    error::{AppError, AppResult},
    realtime::enum_name,
};

/// The answers of a YES_NO_ABSTAIN poll.
pub const YES_NO_ABSTAIN: [&str; 3] = ["YES", "NO", "ABSTAIN"];

#[derive(Debug, Clone, PartialEq, SimpleObject, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PollOptionResult {
    /// The option's index, as `answerPoll` takes it.
    pub index: i32,
    pub label: String,
    pub votes: i64,
}

#[derive(Debug, Clone, PartialEq, SimpleObject, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PollResults {
    pub options: Vec<PollOptionResult>,
    pub total: i64,
}

pub fn options_of(poll: &session_poll::Model) -> Vec<String> {
    serde_json::from_str(&poll.options).unwrap_or_default()
}

pub async fn results(
    conn: &impl ConnectionTrait,
    poll: &session_poll::Model,
) -> AppResult<PollResults> {
    let answers = poll_answer::Entity::find()
        .filter(poll_answer::Column::PollId.eq(poll.id))
        .all(conn)
        .await?;
    let mut options: Vec<PollOptionResult> = options_of(poll)
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
    Ok(PollResults {
        options,
        total: answers.len() as i64,
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

pub async fn my_answer(
    conn: &impl ConnectionTrait,
    poll_id: i32,
    account_id: i32,
) -> AppResult<Option<i32>> {
    Ok(poll_answer::Entity::find()
        .filter(poll_answer::Column::PollId.eq(poll_id))
        .filter(poll_answer::Column::AccountId.eq(account_id))
        .one(conn)
        .await?
        .map(|a| a.choice))
}

async fn announce(
    txn: &Txn,
    actor: &Actor,
    kind: EventKind,
    poll: &session_poll::Model,
) -> AppResult<()> {
    let results = results(txn, poll).await?;
    let data = json!({
        "pollId": poll.id,
        "agendaItemId": poll.agenda_item_id,
        "question": poll.question,
        "kind": enum_name(poll.kind),
        "results": results,
        "closedAt": poll.closed_at,
    });
    emit(txn, poll.session_id, kind, Some(poll.id), actor, data).await
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
        options: Set(serde_json::to_string(&options).unwrap_or_default()),
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
    announce(&txn, actor, EventKind::PollOpened, &poll).await?;
    txn.commit().await?;
    Ok(poll)
}

/// A participant answers once; the results go to everyone.
pub async fn answer(
    db: &Db,
    actor: &Actor,
    poll_id: i32,
    choice: i32,
) -> AppResult<session_poll::Model> {
    let txn = db.begin().await?;
    let poll = find::<session_poll::Entity>(&txn, poll_id, "poll").await?;
    let loaded = load(&txn, poll.session_id).await?;
    require_status(&loaded.session, RUNNING, "answering a poll")?;
    require_participant(&txn, actor, &loaded).await?;
    if poll.closed_at.is_some() {
        return Err(AppError::precondition("the poll is closed"));
    }
    if !(0..options_of(&poll).len() as i32).contains(&choice) {
        return Err(AppError::field(
            "choice",
            "range",
            "choose one of the poll's options by its index",
        ));
    }
    if my_answer(&txn, poll_id, actor.id()).await?.is_some() {
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
    announce(&txn, actor, EventKind::PollResults, &poll).await?;
    txn.commit().await?;
    Ok(poll)
}

async fn close_one(
    txn: &Txn,
    actor: &Actor,
    poll: session_poll::Model,
    at: DateTime<Utc>,
) -> AppResult<session_poll::Model> {
    let mut active = poll.into_active_model();
    active.closed_at = Set(Some(at));
    let closed = active.update(txn).await?;
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
    announce(txn, actor, EventKind::PollClosed, &closed).await?;
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
