//! After the plan: the responsible agency (OPD) reports how far each accepted proposal has been
//! carried out (planned, in progress, done: date, note, photo), and residents follow it.
use async_graphql::InputObject;
use chrono::NaiveDate;
use entity::{
    enums::{ImplementationStatus, NotificationKind, ProposalStatus},
    forum, implementation_update, proposal, region,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set,
};
use serde::Serialize;
use validator::Validate;

use super::{
    audit, find,
    live_events::{self, ImplementationReported, LiveEventData},
    notifications, now,
    regions::TimeZone,
    validate,
};
use crate::{
    db::Db,
    domain::access::Actor,
    error::{AppError, AppResult},
    events::{self, StreamKey},
};

#[derive(Debug, Clone, InputObject, Validate, Serialize)]
pub struct ReportImplementationInput {
    pub proposal_id: i32,
    pub status: ImplementationStatus,
    /// When it happened (not in the future).
    pub happened_on: NaiveDate,
    #[validate(length(min = 3, max = 2000))]
    pub note: String,
    /// A photo of the work, as a link.
    #[validate(length(max = 500), custom(function = "super::http_url"))]
    pub photo_url: Option<String>,
}

/// Who may report (and send the photos of a report): staff of the proposal's responsible
/// agency, planners of its region and administrators.
pub async fn may_report(
    conn: &impl sea_orm::ConnectionTrait,
    actor: &Actor,
    proposal: &proposal::Model,
) -> AppResult<bool> {
    if actor.is_admin() {
        return Ok(true);
    }
    let agency = proposal.final_agency_id.or(proposal.initial_agency_id);
    if agency.is_some_and(|id| actor.works_for(id)) {
        return Ok(true);
    }
    let forum = find::<forum::Entity>(conn, proposal.forum_id, "forum").await?;
    let region = find::<region::Entity>(conn, forum.region_id, "region").await?;
    Ok(actor.plans_for(&region))
}

pub async fn report(
    db: &Db,
    actor: &Actor,
    input: ReportImplementationInput,
) -> AppResult<implementation_update::Model> {
    validate(&input)?;
    let note = input.note.trim().to_owned();
    if note.chars().count() < 3 {
        return Err(AppError::field("note", "length", "say what happened"));
    }
    let txn = db.begin().await?;
    let proposal = find::<proposal::Entity>(&txn, input.proposal_id, "proposal").await?;
    if !may_report(&txn, actor, &proposal).await? {
        return Err(AppError::forbidden(
            "only the responsible agency or a planner may report the implementation",
        ));
    }
    // "Today" where the work is: in Malang (WIB) a new day begins at 17:00 UTC.
    let region = find::<region::Entity>(&txn, proposal.region_id, "region").await?;
    let today = TimeZone::of_code(&region.code).local(now()).date_naive();
    if input.happened_on > today {
        return Err(AppError::field(
            "happenedOn",
            "future",
            "report what has happened, not what is planned",
        ));
    }
    if proposal.status != ProposalStatus::Accepted {
        return Err(AppError::precondition(
            "only a proposal accepted into the plan is implemented",
        ));
    }
    let update = implementation_update::ActiveModel {
        proposal_id: Set(proposal.id),
        status: Set(input.status),
        happened_on: Set(input.happened_on),
        note: Set(note),
        photo_url: Set(input.photo_url.map(|u| u.trim().to_owned())),
        author_id: Set(actor.id()),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let before = proposal.clone();
    let mut active = proposal.into_active_model();
    active.implementation_status = Set(Some(input.status));
    active.updated_at = Set(now());
    let updated = active.update(&txn).await?;
    audit::record(
        &txn,
        Some(actor.id()),
        "proposal.implementation",
        "proposal",
        Some(updated.id),
        Some(&before),
        Some(&update),
    )
    .await?;
    live_events::publish(
        &txn,
        StreamKey::Forum(updated.forum_id),
        Some(updated.id),
        Some(actor.id()),
        LiveEventData::ImplementationReported(ImplementationReported {
            proposal_id: updated.id,
            status: events::enum_name(input.status),
            happened_on: update.happened_on,
        }),
    )
    .await?;
    notifications::notify(
        &txn,
        Some(actor),
        &[updated.proposer_id],
        notifications::Notice {
            kind: NotificationKind::ImplementationUpdate,
            proposal_id: Some(updated.id),
            forum_id: Some(updated.forum_id),
            details: notifications::Details {
                outcome: Some(events::enum_name(input.status)),
                note: Some(notifications::excerpt(&update.note)),
                ..notifications::about_proposal(&updated)
            },
        },
    )
    .await?;
    txn.commit().await?;
    Ok(update)
}

/// The milestones of a plan item, oldest first.
pub async fn updates_of(db: &Db, proposal_id: i32) -> AppResult<Vec<implementation_update::Model>> {
    Ok(implementation_update::Entity::find()
        .filter(implementation_update::Column::ProposalId.eq(proposal_id))
        .order_by_asc(implementation_update::Column::HappenedOn)
        .order_by_asc(implementation_update::Column::Id)
        .all(db.reader())
        .await?)
}
