//! The minutes (berita acara) of a session, assembled as data when it closes: the header, the
//! attendance list (annex I), the agenda with decisions and poll results, and the forum's
//! resulting priority list (annex II): the outcome of its latest closed voting round, or else
//! its verified and forwarded proposals.
use std::collections::HashMap;

use async_graphql::{Enum, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{
    cycle,
    enums::{
        AttendanceChannel, ForumLevel, Gender, ItemDecision, OutcomeList, PollKind, ProposalStatus,
    },
    forum, live_session, proposal, region, voting_round,
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};

use super::{agenda, attendance, polls};
use crate::{
    domain::access::Actor,
    domain::{escalation, find, now, regions::TimeZone},
    error::AppResult,
};

#[derive(Debug, Clone, SimpleObject, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionMinutes {
    /// The number of the berita acara.
    pub number: String,
    pub header: MinutesHeader,
    /// Annex I: the attendance list, in order of arrival.
    pub attendance: Vec<MinutesAttendee>,
    pub attendance_summary: AttendanceSummary,
    pub agenda: Vec<MinutesItem>,
    /// Annex II: the priority list.
    pub priorities: MinutesPriorities,
}

#[derive(Debug, Clone, SimpleObject, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MinutesHeader {
    pub session_id: i32,
    pub title: String,
    pub forum_id: i32,
    pub forum_name: String,
    pub forum_level: ForumLevel,
    pub region_name: String,
    pub cycle_name: String,
    pub plan_year: i32,
    pub starts_at: DateTime<Utc>,
    pub opened_at: Option<DateTime<Utc>>,
    pub closed_at: DateTime<Utc>,
    pub place: Option<String>,
    pub online_url: Option<String>,
    /// The moderator who closed the session.
    pub chair: String,
    pub chair_id: i32,
}

#[derive(Debug, Clone, SimpleObject, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MinutesAttendee {
    pub number: i32,
    pub name: String,
    pub role_or_institution: String,
    pub gender: Option<Gender>,
    pub channel: AttendanceChannel,
    pub checked_in_at: DateTime<Utc>,
}

#[derive(Debug, Clone, SimpleObject, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AttendanceSummary {
    pub total: i32,
    pub male: i32,
    pub female: i32,
    pub gender_unspecified: i32,
    pub online: i32,
    pub in_hall: i32,
}

#[derive(Debug, Clone, SimpleObject, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MinutesPoll {
    pub poll_id: i32,
    pub question: String,
    pub kind: PollKind,
    pub results: polls::PollResults,
}

#[derive(Debug, Clone, SimpleObject, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MinutesItem {
    pub position: i32,
    pub title: String,
    pub proposal_id: Option<i32>,
    pub proposal_code: Option<String>,
    /// The proposal's status when the session closed.
    pub proposal_status: Option<ProposalStatus>,
    pub decision: Option<ItemDecision>,
    pub note: Option<String>,
    pub merged_into_code: Option<String>,
    pub started_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub polls: Vec<MinutesPoll>,
}

/// Where the priority list comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, Serialize, Deserialize)]
pub enum PrioritySource {
    /// The outcome of the forum's latest closed voting round.
    VotingRound,
    /// No closed round: the forum's verified and forwarded proposals.
    VerifiedProposals,
}

#[derive(Debug, Clone, SimpleObject, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PriorityRow {
    pub rank: i32,
    pub proposal_id: i32,
    pub code: String,
    pub title: String,
    pub cost: i64,
    /// Votes, points or Borda score of the round; empty without a round.
    pub support: String,
    pub selected: bool,
    pub list: OutcomeList,
    pub status: ProposalStatus,
}

#[derive(Debug, Clone, SimpleObject, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MinutesPriorities {
    pub source: PrioritySource,
    pub round_id: Option<i32>,
    pub rule: Option<String>,
    pub budget: Option<i64>,
    pub total_cost: i64,
    pub rows: Vec<PriorityRow>,
}

async fn proposals_by_id(
    conn: &impl ConnectionTrait,
    ids: Vec<i32>,
) -> AppResult<HashMap<i32, proposal::Model>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(proposal::Entity::find()
        .filter(proposal::Column::Id.is_in(ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect())
}

/// The forum's priority list as the session leaves it (see `escalation::priority_list`).
pub async fn priorities(
    conn: &impl ConnectionTrait,
    forum: &forum::Model,
) -> AppResult<MinutesPriorities> {
    let view = escalation::priority_list(conn, forum).await?;
    let rule = match view.round_id {
        Some(id) => Some(
            find::<voting_round::Entity>(conn, id, "voting round")
                .await?
                .rule,
        ),
        None => None,
    };
    let total_cost = view
        .rows
        .iter()
        .filter(|r| r.list == OutcomeList::Main)
        .map(|r| r.cost)
        .sum();
    Ok(MinutesPriorities {
        source: if view.round_id.is_some() {
            PrioritySource::VotingRound
        } else {
            PrioritySource::VerifiedProposals
        },
        round_id: view.round_id,
        rule,
        budget: view.budget.or(forum.budget_ceiling),
        total_cost,
        rows: view
            .rows
            .into_iter()
            .map(|row| PriorityRow {
                rank: row.rank,
                proposal_id: row.proposal.id,
                code: row.proposal.code,
                title: row.proposal.title,
                cost: row.cost,
                support: row.support,
                selected: row.list == OutcomeList::Main,
                list: row.list,
                status: row.proposal.status,
            })
            .collect(),
    })
}

/// Assembles the minutes of a closing session inside its closing transaction.
pub(crate) async fn assemble(
    conn: &impl ConnectionTrait,
    chair: &Actor,
    session: &live_session::Model,
    forum: &forum::Model,
) -> AppResult<SessionMinutes> {
    let region = find::<region::Entity>(conn, forum.region_id, "region").await?;
    let plan = find::<cycle::Entity>(conn, forum.cycle_id, "cycle").await?;
    let closed_at = session.closed_at.unwrap_or_else(now);

    // Guests who were not let in took no part: they are not on the signed list.
    let people: Vec<_> = attendance::list(conn, session.id)
        .await?
        .into_iter()
        .filter(|p| p.status == entity::enums::AttendanceStatus::Present)
        .collect();
    let count = |f: &dyn Fn(&entity::session_attendance::Model) -> bool| {
        people.iter().filter(|p| f(p)).count() as i32
    };
    let attendance_summary = AttendanceSummary {
        total: people.len() as i32,
        male: count(&|p| p.gender == Some(Gender::Male)),
        female: count(&|p| p.gender == Some(Gender::Female)),
        gender_unspecified: count(&|p| p.gender.is_none()),
        online: count(&|p| p.channel == AttendanceChannel::Online),
        in_hall: count(&|p| p.channel == AttendanceChannel::InHall),
    };
    let attendance = people
        .into_iter()
        .enumerate()
        .map(|(index, p)| MinutesAttendee {
            number: index as i32 + 1,
            name: p.name,
            role_or_institution: p.role_or_institution,
            gender: p.gender,
            channel: p.channel,
            checked_in_at: p.checked_in_at,
        })
        .collect();

    let items = agenda::items(conn, session.id).await?;
    let session_polls = polls::of_session(conn, session.id).await?;
    let mentioned = items
        .iter()
        .flat_map(|i| [i.proposal_id, i.merged_into_id])
        .flatten()
        .collect();
    let proposals = proposals_by_id(conn, mentioned).await?;
    let mut agenda = Vec::with_capacity(items.len());
    for item in items {
        let mut item_polls = Vec::new();
        for poll in session_polls
            .iter()
            .filter(|p| p.agenda_item_id == Some(item.id))
        {
            item_polls.push(MinutesPoll {
                poll_id: poll.id,
                question: poll.question.clone(),
                kind: poll.kind,
                results: polls::results(conn, poll).await?,
            });
        }
        let of = |id: Option<i32>| id.and_then(|id| proposals.get(&id));
        agenda.push(MinutesItem {
            position: item.position,
            title: item.title.clone(),
            proposal_id: item.proposal_id,
            proposal_code: of(item.proposal_id).map(|p| p.code.clone()),
            proposal_status: of(item.proposal_id).map(|p| p.status),
            decision: item.decision,
            note: item.decision_note.clone(),
            merged_into_code: of(item.merged_into_id).map(|p| p.code.clone()),
            started_at: item.started_at,
            ended_at: item.ended_at,
            polls: item_polls,
        });
    }

    Ok(SessionMinutes {
        number: format!(
            "BA/{}/{}/{}",
            forum.id,
            session.id,
            TimeZone::of_code(&region.code)
                .local(closed_at)
                .format("%Y")
        ),
        header: MinutesHeader {
            session_id: session.id,
            title: session.title.clone(),
            forum_id: forum.id,
            forum_name: forum.name.clone(),
            forum_level: forum.level,
            region_name: region.name,
            cycle_name: plan.name,
            plan_year: plan.plan_year,
            starts_at: session.starts_at,
            opened_at: session.opened_at,
            closed_at,
            place: session.place.clone(),
            online_url: session.online_url.clone(),
            chair: chair.account.name.clone(),
            chair_id: chair.id(),
        },
        attendance,
        attendance_summary,
        agenda,
        priorities: priorities(conn, forum).await?,
    })
}
