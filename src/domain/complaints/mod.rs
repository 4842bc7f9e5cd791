//! The complaint channel between forums: residents report problems (pengaduan), wishes
//! (aspirasi) and questions; coordinators (the area's moderators, planners and administrators)
//! verify and send them to the responsible agency (OPD), which answers on a working-day clock;
//! the reporter accepts or disputes the answer and rates the service. A report that needs
//! money becomes a proposal of the next musrenbang, linked both ways.
//!
//! Who may see a report, its reporter, and move it is `access::ReportStanding`; the table of
//! moves is `workflow`; the clocks are `calendar`; the index is `satisfaction`.
pub mod calendar;
pub mod dashboard;
pub mod open311;
pub mod photos;
pub mod satisfaction;
pub mod workflow;

use async_graphql::{Enum, InputObject};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use entity::{
    agency, cycle,
    enums::{
        CycleStatus, ForumStatus, HolidayKind, NotificationKind, RejectionReason, ReportKind,
        ReportPrivacy, ReportRole, ReportStatus,
    },
    forum, holiday, proposal, region, report, report_category, report_follower, report_update,
    satisfaction_survey,
};
use sea_orm::{
    sea_query::{Expr, Query},
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::Serialize;
use validator::Validate;

use self::calendar::Calendar;
use super::{
    access::{self, Actor, ReportStanding},
    find,
    idempotency::{self, Operation},
    like_pattern,
    live_events::{self, LiveEventData, ReportChange},
    notifications, now, proposals,
    regions::{self, TimeZone},
    validate, Page, Window,
};
use crate::{
    db::{Db, Txn},
    error::{AppError, AppResult},
    events::{enum_name, StreamKey},
};

/// How a report is shown to people: `LAP-000123`.
pub fn code_of(report: &report::Model) -> String {
    format!("LAP-{:06}", report.id)
}

#[derive(Debug, Clone, InputObject, Validate, Serialize)]
pub struct FileReportInput {
    #[graphql(default_with = "ReportKind::Complaint")]
    pub kind: ReportKind,
    #[validate(length(min = 5, max = 200))]
    pub title: String,
    #[validate(length(min = 10, max = 5000))]
    pub body: String,
    pub category_id: i32,
    /// Where: any region, down to the RT.
    pub region_id: i32,
    #[validate(length(min = 3, max = 300))]
    pub address: String,
    #[validate(custom(function = "proposals::validate_latitude"))]
    pub latitude: Option<f64>,
    #[validate(custom(function = "proposals::validate_longitude"))]
    pub longitude: Option<f64>,
    /// Anonymous unless the reporter chooses otherwise: a forgotten setting must not expose
    /// anyone.
    #[graphql(default_with = "ReportPrivacy::Anonymous")]
    pub privacy: ReportPrivacy,
    /// Whether the agency's staff may see who reported (the coordinators always may).
    #[graphql(default)]
    pub share_identity_with_agency: bool,
}

/// The clock calendar as the administrators entered it.
pub async fn calendar_of(conn: &impl ConnectionTrait) -> AppResult<Calendar> {
    let days = holiday::Entity::find().all(conn).await?;
    Ok(Calendar::new(days.into_iter().map(|h| h.day)))
}

fn days(value: i32) -> u32 {
    u32::try_from(value).unwrap_or(0)
}

/// A resident files a report. With `key`, a second try (the phone's offline queue) returns
/// the first one.
pub async fn file(
    db: &Db,
    actor: &Actor,
    input: FileReportInput,
    key: Option<&str>,
) -> AppResult<report::Model> {
    validate(&input)?;
    let txn = db.begin().await?;
    if let Some(key) = key {
        if let Some(earlier) = idempotency::earlier_row::<report::Entity>(
            &txn,
            actor.id(),
            key,
            Operation::FileReport,
            "report",
        )
        .await?
        {
            return Ok(earlier);
        }
    }
    let category = report_category::Entity::find_by_id(input.category_id)
        .one(&txn)
        .await?
        .filter(|c| c.active)
        .ok_or_else(|| AppError::field("categoryId", "unknown", "choose one of the categories"))?;
    let region = region::Entity::find_by_id(input.region_id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::field("regionId", "unknown", "choose the area of the report"))?;
    let calendar = calendar_of(&txn).await?;
    let at = now();
    let created = report::ActiveModel {
        kind: Set(input.kind),
        title: Set(input.title.trim().to_owned()),
        body: Set(input.body.trim().to_owned()),
        category_id: Set(category.id),
        region_id: Set(region.id),
        latitude: Set(input.latitude),
        longitude: Set(input.longitude),
        address: Set(input.address.trim().to_owned()),
        privacy: Set(input.privacy),
        share_identity_with_agency: Set(input.share_identity_with_agency),
        reporter_id: Set(actor.id()),
        status: Set(ReportStatus::Submitted),
        agency_id: Set(None),
        rejection_reason: Set(None),
        merged_into_id: Set(None),
        proposal_id: Set(None),
        escalation_level: Set(0),
        escalated_at: Set(None),
        disputed: Set(false),
        verify_due_at: Set(calendar.deadline(
            at,
            days(category.verify_days),
            TimeZone::of_code(&region.code),
        )),
        verified_at: Set(None),
        disposed_at: Set(None),
        follow_up_due_at: Set(None),
        first_follow_up_at: Set(None),
        answered_at: Set(None),
        closed_at: Set(None),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    record(
        &txn,
        &created,
        None,
        ReportRole::Reporter,
        Some(actor.id()),
        None,
    )
    .await?;
    publish(&txn, &created, None, None, None, false).await?;
    if let Some(key) = key {
        idempotency::remember(&txn, actor.id(), key, Operation::FileReport, created.id).await?;
    }
    txn.commit().await?;
    Ok(created)
}

async fn record(
    txn: &Txn,
    report: &report::Model,
    from: Option<ReportStatus>,
    role: ReportRole,
    actor_id: Option<i32>,
    note: Option<String>,
) -> AppResult<report_update::Model> {
    Ok(report_update::ActiveModel {
        report_id: Set(report.id),
        actor_id: Set(actor_id),
        actor_role: Set(role),
        from_status: Set(from),
        to_status: Set(report.status),
        note: Set(note),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(txn)
    .await?)
}

/// Tells the report's followers (and its agency, old and new, and the coordinators' queue).
async fn publish(
    txn: &Txn,
    report: &report::Model,
    from: Option<ReportStatus>,
    note: Option<String>,
    previous_agency: Option<i32>,
    escalated: bool,
) -> AppResult<()> {
    let full = ReportChange {
        report_id: report.id,
        from: from.map(enum_name),
        to: enum_name(report.status),
        title: Some(report.title.clone()),
        note,
        agency_id: report.agency_id,
        escalated,
    };
    let mut agencies: Vec<i32> = report
        .agency_id
        .into_iter()
        .chain(previous_agency)
        .collect();
    agencies.dedup();
    live_events::publish(
        txn,
        StreamKey::Report(report.id),
        Some(report.id),
        None,
        LiveEventData::ReportStatusChanged(full.clone()),
    )
    .await?;
    for agency_id in agencies {
        live_events::publish(
            txn,
            StreamKey::Agency(agency_id),
            Some(report.id),
            None,
            LiveEventData::ReportStatusChanged(full.clone()),
        )
        .await?;
    }
    let queued = ReportChange {
        title: None,
        note: None,
        ..full
    };
    let region = find::<region::Entity>(txn, report.region_id, "region").await?;
    for region_id in regions::path_ids(&region.path) {
        live_events::publish(
            txn,
            StreamKey::RegionReports(region_id),
            Some(report.id),
            None,
            LiveEventData::ReportStatusChanged(queued.clone()),
        )
        .await?;
    }
    Ok(())
}

/// The reporter and the followers hear of a change they did not make themselves.
async fn tell_followers(
    txn: &Txn,
    actor: Option<&Actor>,
    report: &report::Model,
    from: ReportStatus,
    note: Option<String>,
) -> AppResult<()> {
    let mut recipients = vec![report.reporter_id];
    recipients.extend(
        report_follower::Entity::find()
            .filter(report_follower::Column::ReportId.eq(report.id))
            .all(txn)
            .await?
            .into_iter()
            .map(|f| f.account_id),
    );
    notifications::notify(
        txn,
        actor,
        &recipients,
        notifications::Notice {
            kind: NotificationKind::ReportStatus,
            proposal_id: None,
            forum_id: None,
            details: notifications::Details {
                report_id: Some(report.id),
                report_title: Some(report.title.clone()),
                from_status: Some(enum_name(from)),
                to_status: Some(enum_name(report.status)),
                note,
                ..notifications::Details::default()
            },
        },
    )
    .await
}

/// A report for someone who may see it (NOT_FOUND otherwise: a secret report's existence is
/// not told), with what the person is to it.
pub async fn find_visible(
    conn: &impl ConnectionTrait,
    actor: Option<&Actor>,
    id: i32,
) -> AppResult<(report::Model, ReportStanding)> {
    let target = find::<report::Entity>(conn, id, "report").await?;
    let standing = ReportStanding::of(conn, actor, &target).await?;
    if standing.may_see(&target) {
        Ok((target, standing))
    } else {
        Err(AppError::NotFound("report"))
    }
}

/// Whether the report waits past its clock now: verification, or the agency's follow-up.
pub fn is_overdue(report: &report::Model, at: DateTime<Utc>) -> bool {
    match report.status {
        ReportStatus::Submitted => at >= report.verify_due_at,
        ReportStatus::Disposed => {
            report.first_follow_up_at.is_none()
                && report.follow_up_due_at.is_some_and(|due| at >= due)
        }
        ReportStatus::Reopened => report.follow_up_due_at.is_some_and(|due| at >= due),
        _ => false,
    }
}

/// The clock that runs now, if any.
pub fn running_deadline(report: &report::Model) -> Option<DateTime<Utc>> {
    match report.status {
        ReportStatus::Submitted => Some(report.verify_due_at),
        ReportStatus::Disposed if report.first_follow_up_at.is_none() => report.follow_up_due_at,
        ReportStatus::Reopened => report.follow_up_due_at,
        _ => None,
    }
}

/// The moves the person may make now (for the buttons).
pub fn available_moves(report: &report::Model, standing: &ReportStanding) -> Vec<ReportStatus> {
    use sea_orm::Iterable;
    ReportStatus::iter()
        .filter(|to| {
            standing.roles().into_iter().any(|role| {
                workflow::step_for(report.status, *to, role).is_some()
                    && !(*to == ReportStatus::Reopened && report.disputed)
            })
        })
        .collect()
}

#[derive(Debug, Clone, InputObject, Validate, Serialize)]
pub struct MoveReportInput {
    pub report_id: i32,
    pub to: ReportStatus,
    /// Why, or what was done: required for refusals, answers, disputes and returns.
    #[validate(length(max = 5000))]
    pub note: Option<String>,
    /// Required to reject.
    pub reason: Option<RejectionReason>,
    /// The agency to send it to (the category's agency when left out).
    pub agency_id: Option<i32>,
}

fn refusal(from: ReportStatus, to: ReportStatus) -> AppError {
    use sea_orm::Iterable;
    let holder = ReportRole::iter().find(|role| workflow::step_for(from, to, *role).is_some());
    match holder {
        None => AppError::precondition(format!("a {from} report cannot become {to}")),
        Some(role) => AppError::forbidden(format!(
            "only the {} may make a {from} report {to}",
            role_name(role)
        )),
    }
}

fn role_name(role: ReportRole) -> &'static str {
    match role {
        ReportRole::Reporter => "reporter",
        ReportRole::Coordinator => "coordinators of the area",
        ReportRole::Agency => "agency it was sent to",
        ReportRole::System => "server",
    }
}

/// One step of the workflow, by whoever may take it.
pub async fn move_report(
    db: &Db,
    actor: &Actor,
    input: MoveReportInput,
) -> AppResult<report::Model> {
    validate(&input)?;
    let txn = db.begin().await?;
    let (current, standing) = find_visible(&txn, Some(actor), input.report_id).await?;
    let (from, to) = (current.status, input.to);
    let Some((role, step)) = standing
        .roles()
        .into_iter()
        .find_map(|role| workflow::step_for(from, to, role).map(|step| (role, step)))
    else {
        return Err(refusal(from, to));
    };
    let note = input
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_owned);
    if step.note_required && note.is_none() {
        return Err(AppError::field(
            "note",
            "required",
            "say why, or what was done",
        ));
    }
    let category = find::<report_category::Entity>(&txn, current.category_id, "category").await?;
    let region = find::<region::Entity>(&txn, current.region_id, "region").await?;
    let zone = TimeZone::of_code(&region.code);
    let calendar = calendar_of(&txn).await?;
    let at = now();
    let previous_agency = current.agency_id;
    let mut active: report::ActiveModel = current.clone().into();
    match to {
        ReportStatus::Rejected => {
            let reason = input.reason.ok_or_else(|| {
                AppError::field("reason", "required", "choose why the report is refused")
            })?;
            active.rejection_reason = Set(Some(reason));
        }
        ReportStatus::Verified if from == ReportStatus::Submitted => {
            active.verified_at = Set(Some(at));
        }
        ReportStatus::Verified => {
            // The agency handed it back as not its authority: the coordinators send it on.
            active.agency_id = Set(None);
            active.follow_up_due_at = Set(None);
            active.first_follow_up_at = Set(None);
        }
        ReportStatus::Disposed => {
            let agency_id = match (input.agency_id, from) {
                (Some(agency_id), _) => agency_id,
                (None, ReportStatus::Submitted | ReportStatus::Verified) => category.agency_id,
                (None, _) => {
                    return Err(AppError::field(
                        "agencyId",
                        "required",
                        "choose the agency to send it to",
                    ))
                }
            };
            agency::Entity::find_by_id(agency_id)
                .one(&txn)
                .await?
                .ok_or_else(|| AppError::field("agencyId", "unknown", "no such agency"))?;
            if current.verified_at.is_none() {
                active.verified_at = Set(Some(at));
            }
            active.agency_id = Set(Some(agency_id));
            active.disposed_at = Set(Some(at));
            active.follow_up_due_at = Set(Some(calendar.deadline(
                at,
                days(category.follow_up_days),
                zone,
            )));
            active.first_follow_up_at = Set(None);
        }
        ReportStatus::InProgress | ReportStatus::Answered => {
            if current.first_follow_up_at.is_none() {
                active.first_follow_up_at = Set(Some(at));
            }
            if to == ReportStatus::Answered {
                active.answered_at = Set(Some(at));
            }
        }
        ReportStatus::Reopened => {
            if current.disputed {
                return Err(AppError::precondition(
                    "an answer can be disputed once; the coordinators decide on this one",
                ));
            }
            active.disputed = Set(true);
            active.escalation_level = Set(current.escalation_level.max(0) + 1);
            active.escalated_at = Set(Some(at));
            active.follow_up_due_at = Set(Some(calendar.deadline(
                at,
                days(category.follow_up_days),
                zone,
            )));
        }
        ReportStatus::Closed => active.closed_at = Set(Some(at)),
        ReportStatus::Submitted | ReportStatus::Merged => {}
    }
    active.status = Set(to);
    active.updated_at = Set(at);
    let updated = active.update(&txn).await?;
    record(
        &txn,
        &updated,
        Some(from),
        role,
        Some(actor.id()),
        note.clone(),
    )
    .await?;
    publish(
        &txn,
        &updated,
        Some(from),
        note.clone(),
        previous_agency,
        false,
    )
    .await?;
    tell_followers(&txn, Some(actor), &updated, from, note).await?;
    txn.commit().await?;
    Ok(updated)
}

/// Coordinators merge a duplicate into the report it repeats: its reporter and followers
/// follow that one from now on.
pub async fn merge(
    db: &Db,
    actor: &Actor,
    duplicate_id: i32,
    into_id: i32,
) -> AppResult<report::Model> {
    if duplicate_id == into_id {
        return Err(AppError::field(
            "intoId",
            "same",
            "a report cannot be merged into itself",
        ));
    }
    let txn = db.begin().await?;
    let (duplicate, standing) = find_visible(&txn, Some(actor), duplicate_id).await?;
    let (target, target_standing) = find_visible(&txn, Some(actor), into_id).await?;
    if !standing.coordinator || !target_standing.coordinator {
        return Err(AppError::forbidden(
            "only the coordinators of both reports' areas may merge them",
        ));
    }
    if workflow::is_final(duplicate.status) || workflow::is_final(target.status) {
        return Err(AppError::precondition(
            "both reports must still be open to merge them",
        ));
    }
    let mut people = vec![duplicate.reporter_id];
    people.extend(
        report_follower::Entity::find()
            .filter(report_follower::Column::ReportId.eq(duplicate.id))
            .all(&txn)
            .await?
            .into_iter()
            .map(|f| f.account_id),
    );
    let already: Vec<i32> = report_follower::Entity::find()
        .filter(report_follower::Column::ReportId.eq(target.id))
        .all(&txn)
        .await?
        .into_iter()
        .map(|f| f.account_id)
        .collect();
    people.sort_unstable();
    people.dedup();
    for person in people {
        if person == target.reporter_id || already.contains(&person) {
            continue;
        }
        report_follower::ActiveModel {
            report_id: Set(target.id),
            account_id: Set(person),
            created_at: Set(now()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    let from = duplicate.status;
    let mut active: report::ActiveModel = duplicate.into();
    active.status = Set(ReportStatus::Merged);
    active.merged_into_id = Set(Some(target.id));
    active.updated_at = Set(now());
    let merged = active.update(&txn).await?;
    let note = format!("Digabungkan ke {}", code_of(&target));
    record(
        &txn,
        &merged,
        Some(from),
        ReportRole::Coordinator,
        Some(actor.id()),
        Some(note.clone()),
    )
    .await?;
    publish(&txn, &merged, Some(from), Some(note.clone()), None, false).await?;
    tell_followers(&txn, Some(actor), &merged, from, Some(note)).await?;
    let joined = format!("{} digabungkan ke laporan ini", code_of(&merged));
    record(
        &txn,
        &target,
        Some(target.status),
        ReportRole::Coordinator,
        Some(actor.id()),
        Some(joined),
    )
    .await?;
    txn.commit().await?;
    Ok(merged)
}

/// The same category within this distance and time window counts as a likely duplicate.
const DUPLICATE_METRES: f64 = 300.0;
const DUPLICATE_DAYS: i64 = 30;

fn distance_metres(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (lat1, lon1) = (a.0.to_radians(), a.1.to_radians());
    let (lat2, lon2) = (b.0.to_radians(), b.1.to_radians());
    let h = ((lat2 - lat1) / 2.0).sin().powi(2)
        + lat1.cos() * lat2.cos() * ((lon2 - lon1) / 2.0).sin().powi(2);
    2.0 * 6_371_000.0 * h.sqrt().asin()
}

/// Open reports of the same category near this one in place and time, nearest first, with
/// their distance in metres (none when one has no coordinates and both lie in one area).
pub async fn likely_duplicates(
    db: &Db,
    actor: &Actor,
    report_id: i32,
) -> AppResult<Vec<(report::Model, Option<f64>)>> {
    let conn = db.reader();
    let (subject, standing) = find_visible(conn, Some(actor), report_id).await?;
    if !standing.coordinator {
        return Err(AppError::forbidden(
            "only the area's coordinators look for duplicates",
        ));
    }
    let window = chrono::Duration::days(DUPLICATE_DAYS);
    let candidates = report::Entity::find()
        .filter(report::Column::CategoryId.eq(subject.category_id))
        .filter(report::Column::Id.ne(subject.id))
        .filter(report::Column::Status.is_not_in([ReportStatus::Rejected, ReportStatus::Merged]))
        .filter(report::Column::CreatedAt.gte(subject.created_at - window))
        .filter(report::Column::CreatedAt.lte(subject.created_at + window))
        .limit(500)
        .all(conn)
        .await?;
    let here = subject.latitude.zip(subject.longitude);
    let mut near: Vec<(report::Model, Option<f64>)> = candidates
        .into_iter()
        .filter_map(|other| match (here, other.latitude.zip(other.longitude)) {
            (Some(a), Some(b)) => {
                let d = distance_metres(a, b);
                (d <= DUPLICATE_METRES).then_some((other, Some(d)))
            }
            _ => (other.region_id == subject.region_id).then_some((other, None)),
        })
        .collect();
    near.sort_by(|a, b| a.1.unwrap_or(f64::MAX).total_cmp(&b.1.unwrap_or(f64::MAX)));
    near.truncate(20);
    Ok(near)
}

/// The forum a report's proposal would go to: the lowest open forum of an active cycle whose
/// region holds the report's area (the kelurahan's musrenbang, usually).
pub async fn suggested_forum(
    conn: &impl ConnectionTrait,
    report: &report::Model,
) -> AppResult<Option<forum::Model>> {
    let region = find::<region::Entity>(conn, report.region_id, "region").await?;
    let ancestors = regions::path_ids(&region.path);
    let active_cycles = Query::select()
        .column(cycle::Column::Id)
        .from(cycle::Entity)
        .and_where(cycle::Column::Status.eq(CycleStatus::Active))
        .to_owned();
    let forums = forum::Entity::find()
        .filter(forum::Column::RegionId.is_in(ancestors.clone()))
        .filter(forum::Column::Status.is_in([ForumStatus::Draft, ForumStatus::Scheduled]))
        .filter(forum::Column::CycleId.in_subquery(active_cycles))
        .all(conn)
        .await?;
    let depth = |f: &forum::Model| ancestors.iter().position(|id| *id == f.region_id);
    Ok(forums.into_iter().max_by_key(|f| (depth(f), f.cycle_id)))
}

/// Coordinators turn a report that needs budget into a proposal (a draft in their name) of
/// an open forum; the two stay linked, so the reporter follows it into the plan.
pub async fn to_proposal(
    db: &Db,
    actor: &Actor,
    report_id: i32,
    input: proposals::CreateProposalInput,
) -> AppResult<proposal::Model> {
    validate(&input)?;
    let txn = db.begin().await?;
    let (current, standing) = find_visible(&txn, Some(actor), report_id).await?;
    if !standing.coordinator {
        return Err(AppError::forbidden(
            "only the area's coordinators turn a report into a proposal",
        ));
    }
    if matches!(
        current.status,
        ReportStatus::Submitted | ReportStatus::Rejected | ReportStatus::Merged
    ) {
        return Err(AppError::precondition(
            "only a verified report that is not refused or merged becomes a proposal",
        ));
    }
    if current.proposal_id.is_some() {
        return Err(AppError::Conflict(
            "this report is a proposal already".into(),
        ));
    }
    let created = proposals::create_in(&txn, actor, input).await?;
    let mut active: report::ActiveModel = current.clone().into();
    active.proposal_id = Set(Some(created.id));
    active.updated_at = Set(now());
    let linked = active.update(&txn).await?;
    let note = format!(
        "Diusulkan ke musrenbang sebagai usulan {} \u{201c}{}\u{201d}",
        created.code, created.title
    );
    record(
        &txn,
        &linked,
        Some(linked.status),
        ReportRole::Coordinator,
        Some(actor.id()),
        Some(note.clone()),
    )
    .await?;
    publish(
        &txn,
        &linked,
        Some(linked.status),
        Some(note.clone()),
        None,
        false,
    )
    .await?;
    tell_followers(&txn, Some(actor), &linked, linked.status, Some(note)).await?;
    txn.commit().await?;
    Ok(created)
}

/// The report a proposal came from, for those who may see it.
pub async fn source_of(
    conn: &impl ConnectionTrait,
    actor: Option<&Actor>,
    proposal_id: i32,
) -> AppResult<Option<report::Model>> {
    let Some(source) = report::Entity::find()
        .filter(report::Column::ProposalId.eq(proposal_id))
        .one(conn)
        .await?
    else {
        return Ok(None);
    };
    let standing = ReportStanding::of(conn, actor, &source).await?;
    Ok(standing.may_see(&source).then_some(source))
}

/// The reporter's answers to the survey, each 1 (poor) to 4 (very good).
#[derive(Debug, Clone, InputObject, Validate, Serialize)]
pub struct SatisfactionInput {
    #[validate(range(min = 1, max = 4))]
    pub requirements: i32,
    #[validate(range(min = 1, max = 4))]
    pub procedure: i32,
    #[validate(range(min = 1, max = 4))]
    pub time: i32,
    #[validate(range(min = 1, max = 4))]
    pub cost: i32,
    #[validate(range(min = 1, max = 4))]
    pub product: i32,
    #[validate(range(min = 1, max = 4))]
    pub competence: i32,
    #[validate(range(min = 1, max = 4))]
    pub conduct: i32,
    #[validate(range(min = 1, max = 4))]
    pub complaint_handling: i32,
    #[validate(range(min = 1, max = 4))]
    pub facilities: i32,
    #[validate(length(max = 2000))]
    pub suggestion: Option<String>,
}

fn score(value: i32) -> i16 {
    i16::try_from(value.clamp(1, 4)).unwrap_or(1)
}

/// The reporter rates the agency's service once the report is closed; once.
pub async fn rate(
    db: &Db,
    actor: &Actor,
    report_id: i32,
    input: SatisfactionInput,
) -> AppResult<()> {
    validate(&input)?;
    let txn = db.begin().await?;
    let (current, standing) = find_visible(&txn, Some(actor), report_id).await?;
    if !standing.reporter {
        return Err(AppError::forbidden("only the reporter rates the service"));
    }
    if current.status != ReportStatus::Closed {
        return Err(AppError::precondition(
            "the survey opens when the report is closed",
        ));
    }
    let Some(agency_id) = current.agency_id else {
        return Err(AppError::precondition("no agency handled this report"));
    };
    let earlier = satisfaction_survey::Entity::find()
        .filter(satisfaction_survey::Column::ReportId.eq(current.id))
        .count(&txn)
        .await?;
    if earlier > 0 {
        return Err(AppError::Conflict(
            "this report has been rated already".into(),
        ));
    }
    satisfaction_survey::ActiveModel {
        report_id: Set(current.id),
        agency_id: Set(agency_id),
        requirements: Set(score(input.requirements)),
        procedure: Set(score(input.procedure)),
        time: Set(score(input.time)),
        cost: Set(score(input.cost)),
        product: Set(score(input.product)),
        competence: Set(score(input.competence)),
        conduct: Set(score(input.conduct)),
        complaint_handling: Set(score(input.complaint_handling)),
        facilities: Set(score(input.facilities)),
        suggestion: Set(input
            .suggestion
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(())
}

pub async fn is_rated(conn: &impl ConnectionTrait, report_id: i32) -> AppResult<bool> {
    Ok(satisfaction_survey::Entity::find()
        .filter(satisfaction_survey::Column::ReportId.eq(report_id))
        .count(conn)
        .await?
        > 0)
}

/// Flags and escalates every report whose clock ran out since it was last escalated, once per
/// missed clock; safe on several instances at once (the update is conditional). Returns how
/// many were escalated.
pub async fn escalate_overdue(db: &Db, at: DateTime<Utc>) -> AppResult<usize> {
    let candidates = report::Entity::find()
        .filter(report::Column::Status.is_in([
            ReportStatus::Submitted,
            ReportStatus::Disposed,
            ReportStatus::Reopened,
        ]))
        .filter(
            Condition::any()
                .add(report::Column::VerifyDueAt.lte(at))
                .add(report::Column::FollowUpDueAt.lte(at)),
        )
        .all(db.reader())
        .await?;
    let mut escalated = 0;
    for candidate in candidates {
        let Some(due) = running_deadline(&candidate) else {
            continue;
        };
        if !is_overdue(&candidate, at) || candidate.escalated_at.is_some_and(|e| e >= due) {
            continue;
        }
        let txn = db.begin().await?;
        let changed = report::Entity::update_many()
            .col_expr(
                report::Column::EscalationLevel,
                Expr::col(report::Column::EscalationLevel).add(1),
            )
            .col_expr(report::Column::EscalatedAt, Expr::value(at))
            .filter(report::Column::Id.eq(candidate.id))
            .filter(report::Column::Status.eq(candidate.status))
            .filter(
                Condition::any()
                    .add(report::Column::EscalatedAt.is_null())
                    .add(report::Column::EscalatedAt.lt(due)),
            )
            .exec(&txn)
            .await?
            .rows_affected;
        if changed == 1 {
            let updated = find::<report::Entity>(&txn, candidate.id, "report").await?;
            let note = match updated.status {
                ReportStatus::Submitted => "Batas waktu verifikasi terlewati: dieskalasi",
                _ => "Batas waktu tindak lanjut perangkat daerah terlewati: dieskalasi",
            }
            .to_owned();
            record(
                &txn,
                &updated,
                Some(updated.status),
                ReportRole::System,
                None,
                Some(note.clone()),
            )
            .await?;
            publish(&txn, &updated, Some(updated.status), Some(note), None, true).await?;
            escalated += 1;
        }
        txn.commit().await?;
    }
    Ok(escalated)
}

/// Which reports a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, Default)]
pub enum ReportView {
    /// Published reports (not secret, verified, not refused).
    #[default]
    Public,
    /// The caller's own reports and those they follow.
    Mine,
    /// What the caller handles as staff: their areas' reports, their agency's; overdue first.
    Queue,
}

#[derive(Debug, Clone, Default, InputObject)]
pub struct ReportFilter {
    #[graphql(default)]
    pub view: ReportView,
    pub status: Option<ReportStatus>,
    pub kind: Option<ReportKind>,
    pub category_id: Option<i32>,
    pub agency_id: Option<i32>,
    /// The region and everything below it.
    pub region_id: Option<i32>,
    /// Only reports past their clock.
    #[graphql(default)]
    pub overdue: bool,
    pub search: Option<String>,
}

fn overdue_condition(at: DateTime<Utc>) -> Condition {
    Condition::any()
        .add(
            Condition::all()
                .add(report::Column::Status.eq(ReportStatus::Submitted))
                .add(report::Column::VerifyDueAt.lte(at)),
        )
        .add(
            Condition::all()
                .add(report::Column::Status.eq(ReportStatus::Disposed))
                .add(report::Column::FirstFollowUpAt.is_null())
                .add(report::Column::FollowUpDueAt.lte(at)),
        )
        .add(
            Condition::all()
                .add(report::Column::Status.eq(ReportStatus::Reopened))
                .add(report::Column::FollowUpDueAt.lte(at)),
        )
}

pub async fn list(
    db: &Db,
    actor: Option<&Actor>,
    filter: ReportFilter,
    window: Window,
) -> AppResult<Page<report::Model>> {
    let conn = db.reader();
    let mut query = report::Entity::find();
    match filter.view {
        ReportView::Public => {
            query = query
                .filter(report::Column::Privacy.ne(ReportPrivacy::Secret))
                .filter(report::Column::VerifiedAt.is_not_null())
                .filter(report::Column::Status.ne(ReportStatus::Rejected));
        }
        ReportView::Mine => {
            let me = access::require_signed_in(actor)?;
            let followed = Query::select()
                .column(report_follower::Column::ReportId)
                .from(report_follower::Entity)
                .and_where(report_follower::Column::AccountId.eq(me.id()))
                .to_owned();
            query = query.filter(
                Condition::any()
                    .add(report::Column::ReporterId.eq(me.id()))
                    .add(report::Column::Id.in_subquery(followed)),
            );
        }
        ReportView::Queue => {
            let me = access::require_signed_in(actor)?;
            if !me.is_staff() {
                return Err(AppError::forbidden("only staff have a report queue"));
            }
            if !me.is_admin() {
                let mut handled = Condition::any();
                let agencies = me.agencies();
                if !agencies.is_empty() {
                    handled = handled.add(report::Column::AgencyId.is_in(agencies));
                }
                if let access::ResidentScope::Regions(roots) =
                    access::resident_scope(conn, me).await?
                {
                    for root in &roots {
                        handled = handled
                            .add(report::Column::RegionId.in_subquery(regions::subtree_ids(root)));
                    }
                }
                if handled.is_empty() {
                    return Ok(Page {
                        items: Vec::new(),
                        total: 0,
                    });
                }
                query = query.filter(handled);
            }
        }
    }
    if let Some(status) = filter.status {
        query = query.filter(report::Column::Status.eq(status));
    }
    if let Some(kind) = filter.kind {
        query = query.filter(report::Column::Kind.eq(kind));
    }
    if let Some(category) = filter.category_id {
        query = query.filter(report::Column::CategoryId.eq(category));
    }
    if let Some(agency) = filter.agency_id {
        query = query.filter(report::Column::AgencyId.eq(agency));
    }
    if let Some(region_id) = filter.region_id {
        let root = find::<region::Entity>(conn, region_id, "region").await?;
        query = query.filter(report::Column::RegionId.in_subquery(regions::subtree_ids(&root)));
    }
    if filter.overdue {
        query = query.filter(overdue_condition(now()));
    }
    if let Some(term) = filter
        .search
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        query = query.filter(
            Condition::any()
                .add(
                    Expr::expr(sea_orm::sea_query::Func::lower(Expr::col(
                        report::Column::Title,
                    )))
                    .like(like_pattern(term)),
                )
                .add(
                    Expr::expr(sea_orm::sea_query::Func::lower(Expr::col(
                        report::Column::Body,
                    )))
                    .like(like_pattern(term)),
                ),
        );
    }
    let total = query.clone().count(conn).await?;
    let query = if filter.view == ReportView::Queue {
        query
            .order_by_desc(report::Column::EscalationLevel)
            .order_by_asc(Expr::cust("COALESCE(follow_up_due_at, verify_due_at)"))
            .order_by_asc(report::Column::Id)
    } else {
        query
            .order_by_desc(report::Column::CreatedAt)
            .order_by_desc(report::Column::Id)
    };
    let items = query
        .offset(window.offset)
        .limit(window.limit)
        .all(conn)
        .await?;
    Ok(Page { items, total })
}

pub async fn history(
    conn: &impl ConnectionTrait,
    report_id: i32,
) -> AppResult<Vec<report_update::Model>> {
    Ok(report_update::Entity::find()
        .filter(report_update::Column::ReportId.eq(report_id))
        .order_by_asc(report_update::Column::Id)
        .all(conn)
        .await?)
}

pub async fn follower_count(conn: &impl ConnectionTrait, report_id: i32) -> AppResult<u64> {
    Ok(report_follower::Entity::find()
        .filter(report_follower::Column::ReportId.eq(report_id))
        .count(conn)
        .await?)
}

#[derive(Debug, Clone, InputObject, Validate, Serialize)]
pub struct CreateReportCategoryInput {
    #[validate(length(min = 1, max = 32))]
    pub code: String,
    #[validate(length(min = 2, max = 200))]
    pub name: String,
    pub agency_id: i32,
    #[graphql(default = 3)]
    #[validate(range(min = 1, max = 60))]
    pub verify_days: i32,
    #[graphql(default = 5)]
    #[validate(range(min = 1, max = 60))]
    pub follow_up_days: i32,
}

pub async fn create_category(
    db: &Db,
    actor: &Actor,
    input: CreateReportCategoryInput,
) -> AppResult<report_category::Model> {
    validate(&input)?;
    access::require_admin(actor)?;
    let txn = db.begin().await?;
    agency::Entity::find_by_id(input.agency_id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::field("agencyId", "unknown", "no such agency"))?;
    let taken = report_category::Entity::find()
        .filter(report_category::Column::Code.eq(input.code.trim()))
        .count(&txn)
        .await?;
    if taken > 0 {
        return Err(AppError::field(
            "code",
            "taken",
            "another category has this code",
        ));
    }
    let created = report_category::ActiveModel {
        code: Set(input.code.trim().to_owned()),
        name: Set(input.name.trim().to_owned()),
        agency_id: Set(input.agency_id),
        verify_days: Set(input.verify_days),
        follow_up_days: Set(input.follow_up_days),
        active: Set(true),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(created)
}

#[derive(Debug, Clone, InputObject, Validate, Serialize)]
pub struct UpdateReportCategoryInput {
    pub id: i32,
    #[validate(length(min = 2, max = 200))]
    pub name: Option<String>,
    pub agency_id: Option<i32>,
    #[validate(range(min = 1, max = 60))]
    pub verify_days: Option<i32>,
    #[validate(range(min = 1, max = 60))]
    pub follow_up_days: Option<i32>,
    /// An inactive category takes no new reports; its reports stay.
    pub active: Option<bool>,
}

/// Administrators change a category: its agency (for reports sent from now on), its clocks
/// (for clocks started from now on; running ones keep their deadlines), or retire it.
pub async fn update_category(
    db: &Db,
    actor: &Actor,
    input: UpdateReportCategoryInput,
) -> AppResult<report_category::Model> {
    validate(&input)?;
    access::require_admin(actor)?;
    let txn = db.begin().await?;
    let current = find::<report_category::Entity>(&txn, input.id, "category").await?;
    if let Some(agency_id) = input.agency_id {
        agency::Entity::find_by_id(agency_id)
            .one(&txn)
            .await?
            .ok_or_else(|| AppError::field("agencyId", "unknown", "no such agency"))?;
    }
    let mut active: report_category::ActiveModel = current.into();
    if let Some(name) = input.name {
        active.name = Set(name.trim().to_owned());
    }
    if let Some(agency_id) = input.agency_id {
        active.agency_id = Set(agency_id);
    }
    if let Some(days) = input.verify_days {
        active.verify_days = Set(days);
    }
    if let Some(days) = input.follow_up_days {
        active.follow_up_days = Set(days);
    }
    if let Some(flag) = input.active {
        active.active = Set(flag);
    }
    let updated = active.update(&txn).await?;
    txn.commit().await?;
    Ok(updated)
}

pub async fn categories(conn: &impl ConnectionTrait) -> AppResult<Vec<report_category::Model>> {
    Ok(report_category::Entity::find()
        .filter(report_category::Column::Active.eq(true))
        .order_by_asc(report_category::Column::Name)
        .all(conn)
        .await?)
}

#[derive(Debug, Clone, InputObject, Validate, Serialize)]
pub struct HolidayInput {
    pub day: NaiveDate,
    #[validate(length(min = 2, max = 200))]
    pub name: String,
    #[graphql(default_with = "HolidayKind::National")]
    pub kind: HolidayKind,
}

/// Administrators enter a year's national holidays and collective leave (set each year by
/// decree); the list replaces that year's. Clocks already running keep their deadlines.
pub async fn set_holidays(
    db: &Db,
    actor: &Actor,
    year: i32,
    days: Vec<HolidayInput>,
) -> AppResult<Vec<holiday::Model>> {
    access::require_admin(actor)?;
    for (index, day) in days.iter().enumerate() {
        validate(day)?;
        if day.day.year() != year {
            return Err(AppError::field(
                &format!("holidays.{index}.day"),
                "year",
                format!("{} is not in {year}", day.day),
            ));
        }
    }
    let (first, last) = year_bounds(year)?;
    let txn = db.begin().await?;
    holiday::Entity::delete_many()
        .filter(holiday::Column::Day.gte(first))
        .filter(holiday::Column::Day.lte(last))
        .exec(&txn)
        .await?;
    let mut seen = std::collections::BTreeSet::new();
    for day in days {
        if !seen.insert(day.day) {
            continue;
        }
        holiday::ActiveModel {
            day: Set(day.day),
            name: Set(day.name.trim().to_owned()),
            kind: Set(day.kind),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    txn.commit().await?;
    holidays(db.writer(), year).await
}

fn year_bounds(year: i32) -> AppResult<(NaiveDate, NaiveDate)> {
    let first = NaiveDate::from_ymd_opt(year, 1, 1);
    let last = NaiveDate::from_ymd_opt(year, 12, 31);
    first
        .zip(last)
        .ok_or_else(|| AppError::field("year", "range", "not a year"))
}

pub async fn holidays(conn: &impl ConnectionTrait, year: i32) -> AppResult<Vec<holiday::Model>> {
    let (first, last) = year_bounds(year)?;
    Ok(holiday::Entity::find()
        .filter(holiday::Column::Day.gte(first))
        .filter(holiday::Column::Day.lte(last))
        .order_by_asc(holiday::Column::Day)
        .all(conn)
        .await?)
}
