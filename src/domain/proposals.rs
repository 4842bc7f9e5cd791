//! Proposals (usulan): submission, editing, the status workflow across levels, attachments'
//! metadata and per-level recommendations.
use async_graphql::{Enum, InputObject};
use entity::{
    activity, agency,
    enums::{
        AttachmentKind, ForumStatus, NotificationKind, ProposalStatus, ProposerType,
        RecommendationDecision, Recommender,
    },
    forum, proposal, proposal_attachment, proposal_status_change, recommendation, region, sector,
};
use sea_orm::{
    sea_query::{Condition, Expr, Func},
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::Serialize;
use validator::{Validate, ValidationError};

use super::{
    access, audit, find,
    idempotency::{self, Operation},
    like_pattern, notifications, now, planning, regions, validate,
    workflow::{self, Party},
    Page, Window,
};
use crate::{
    db::{Db, Txn},
    domain::access::Actor,
    domain::live_events::{self, LiveEventData, ProposalChange},
    error::{AppError, AppResult},
    events::{enum_name, StreamKey},
};

/// Coordinates must fall inside Indonesia: a pin in the sea off Africa is a typo, not a site.
pub fn validate_latitude(lat: f64) -> Result<(), ValidationError> {
    within(lat, -11.5, 6.5, "must lie within Indonesia (-11.5 to 6.5)")
}

pub fn validate_longitude(lon: f64) -> Result<(), ValidationError> {
    within(
        lon,
        94.5,
        141.5,
        "must lie within Indonesia (94.5 to 141.5)",
    )
}

fn within(value: f64, min: f64, max: f64, message: &'static str) -> Result<(), ValidationError> {
    if value.is_finite() && (min..=max).contains(&value) {
        Ok(())
    } else {
        let mut err = ValidationError::new("range");
        err.message = Some(message.into());
        Err(err)
    }
}

fn validate_volume(volume: f64) -> Result<(), ValidationError> {
    within(volume, 0.001, 1e9, "must be a positive quantity")
}

#[derive(Debug, Clone, InputObject, Validate, Serialize)]
pub struct CreateProposalInput {
    pub forum_id: i32,
    #[validate(length(min = 5, max = 200))]
    pub title: String,
    /// The problem (masalah).
    #[validate(length(min = 10, max = 5000))]
    pub problem: String,
    /// The proposed solution (gagasan).
    #[validate(length(min = 10, max = 5000))]
    pub solution: String,
    pub sector_id: Option<i32>,
    /// Physical works (fisik) or not (non-fisik).
    pub physical: bool,
    /// An entry of the catalogue of standard activities.
    pub activity_id: Option<i32>,
    /// Where: a desa/kelurahan, RW or RT within the forum's region.
    pub region_id: i32,
    #[validate(length(min = 3, max = 300))]
    pub address: String,
    #[validate(custom(function = "validate_latitude"))]
    pub latitude: Option<f64>,
    #[validate(custom(function = "validate_longitude"))]
    pub longitude: Option<f64>,
    #[validate(custom(function = "validate_volume"))]
    pub volume: f64,
    #[validate(length(min = 1, max = 40))]
    pub unit: String,
    /// Estimated cost in Rupiah.
    #[validate(range(min = 0, max = 1_000_000_000_000i64))]
    pub estimated_cost: i64,
    #[validate(range(min = 0, max = 50_000_000))]
    pub beneficiaries: i32,
    #[graphql(default_with = "ProposerType::Resident")]
    pub proposer_type: ProposerType,
    pub initial_agency_id: Option<i32>,
    /// The proposer stays anonymous to the public: shown as "Warga <kelurahan>" to everyone
    /// but themselves and the staff who look after their area.
    #[graphql(default)]
    pub anonymous_to_public: bool,
}

async fn check_references(
    conn: &impl ConnectionTrait,
    forum: &forum::Model,
    region_id: Option<i32>,
    sector_id: Option<i32>,
    activity_id: Option<i32>,
    agency_id: Option<i32>,
) -> AppResult<()> {
    if let Some(region_id) = region_id {
        let place = find::<region::Entity>(conn, region_id, "region").await?;
        let forum_region = find::<region::Entity>(conn, forum.region_id, "region").await?;
        if !regions::is_within(&place, &forum_region) {
            return Err(AppError::field(
                "regionId",
                "scope",
                format!("the location must lie within {}", forum_region.name),
            ));
        }
    }
    if let Some(id) = sector_id {
        find::<sector::Entity>(conn, id, "sector").await?;
    }
    if let Some(id) = activity_id {
        find::<activity::Entity>(conn, id, "activity").await?;
    }
    if let Some(id) = agency_id {
        find::<agency::Entity>(conn, id, "agency").await?;
    }
    Ok(())
}

pub(crate) fn require_forum_open(forum: &forum::Model) -> AppResult<()> {
    if matches!(forum.status, ForumStatus::Closed | ForumStatus::Ratified) {
        Err(AppError::precondition(format!("{} is closed", forum.name)))
    } else {
        Ok(())
    }
}

pub(crate) async fn record_change(
    conn: &impl ConnectionTrait,
    proposal: &proposal::Model,
    from: Option<ProposalStatus>,
    to: ProposalStatus,
    actor_id: i32,
    note: Option<String>,
) -> AppResult<()> {
    proposal_status_change::ActiveModel {
        proposal_id: Set(proposal.id),
        level: Set(proposal.level),
        forum_id: Set(proposal.forum_id),
        from_status: Set(from),
        to_status: Set(to),
        actor_id: Set(actor_id),
        note: Set(note),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// Inserts a new draft, gives it its code (USL-<plan year>-<id>) and starts its history.
pub(crate) async fn insert_draft(
    txn: &Txn,
    mut draft: proposal::ActiveModel,
    actor_id: i32,
) -> AppResult<proposal::Model> {
    let cycle_id = match &draft.cycle_id {
        sea_orm::ActiveValue::Set(id) | sea_orm::ActiveValue::Unchanged(id) => *id,
        sea_orm::ActiveValue::NotSet => {
            return Err(AppError::invariant("a new proposal needs its cycle"))
        }
    };
    let cycle = find::<entity::cycle::Entity>(txn, cycle_id, "cycle").await?;
    // A unique placeholder until the id is known; the code is derived from the id below.
    draft.code = Set(format!(
        "new-{}",
        crate::auth::new_token().1.get(..24).unwrap_or_default()
    ));
    let created = draft.insert(txn).await?;
    let code = format!("USL-{}-{:06}", cycle.plan_year, created.id);
    let mut active = created.into_active_model();
    active.code = Set(code);
    let created = active.update(txn).await?;
    record_change(txn, &created, None, ProposalStatus::Draft, actor_id, None).await?;
    Ok(created)
}

pub async fn create(
    db: &Db,
    actor: &Actor,
    input: CreateProposalInput,
    key: Option<&str>,
) -> AppResult<proposal::Model> {
    validate(&input)?;
    let txn = db.begin().await?;
    if let Some(key) = key {
        if let Some(earlier) = idempotency::earlier_row::<proposal::Entity>(
            &txn,
            actor.id(),
            key,
            Operation::CreateProposal,
            "proposal",
        )
        .await?
        {
            return Ok(earlier);
        }
    }
    let created = create_in(&txn, actor, input).await?;
    if let Some(key) = key {
        idempotency::remember(&txn, actor.id(), key, Operation::CreateProposal, created.id).await?;
    }
    txn.commit().await?;
    Ok(created)
}

/// A new draft inside the caller's transaction (a report turned into a proposal uses it too):
/// the forum must be open and in its proposal stage.
pub async fn create_in(
    txn: &Txn,
    actor: &Actor,
    input: CreateProposalInput,
) -> AppResult<proposal::Model> {
    let forum = find::<forum::Entity>(txn, input.forum_id, "forum").await?;
    require_forum_open(&forum)?;
    planning::require_stage_open(txn, &forum).await?;
    if input.proposer_type == ProposerType::DprdMember
        && !access::is_forum_staff(txn, actor, &forum).await?
    {
        return Err(AppError::forbidden(
            "DPRD members' proposals (pokir) are entered by the forum's staff",
        ));
    }
    check_references(
        txn,
        &forum,
        Some(input.region_id),
        input.sector_id,
        input.activity_id,
        input.initial_agency_id,
    )
    .await?;
    let at = now();
    let draft = proposal::ActiveModel {
        cycle_id: Set(forum.cycle_id),
        forum_id: Set(forum.id),
        level: Set(forum.level),
        status: Set(ProposalStatus::Draft),
        title: Set(input.title.trim().to_owned()),
        problem: Set(input.problem.trim().to_owned()),
        solution: Set(input.solution.trim().to_owned()),
        sector_id: Set(input.sector_id),
        physical: Set(input.physical),
        activity_id: Set(input.activity_id),
        region_id: Set(input.region_id),
        address: Set(input.address.trim().to_owned()),
        latitude: Set(input.latitude),
        longitude: Set(input.longitude),
        volume: Set(input.volume),
        unit: Set(input.unit.trim().to_owned()),
        estimated_cost: Set(input.estimated_cost),
        beneficiaries: Set(input.beneficiaries),
        proposer_type: Set(input.proposer_type),
        proposer_id: Set(actor.id()),
        proposer_anonymous: Set(input.anonymous_to_public),
        initial_agency_id: Set(input.initial_agency_id),
        final_agency_id: Set(input.initial_agency_id),
        merged_into_id: Set(None),
        carried_over_from_id: Set(None),
        implementation_status: Set(None),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    };
    insert_draft(txn, draft, actor.id()).await
}

#[derive(Debug, Clone, InputObject, Validate, Serialize)]
pub struct UpdateProposalInput {
    pub id: i32,
    #[validate(length(min = 5, max = 200))]
    pub title: Option<String>,
    #[validate(length(min = 10, max = 5000))]
    pub problem: Option<String>,
    #[validate(length(min = 10, max = 5000))]
    pub solution: Option<String>,
    pub sector_id: Option<i32>,
    pub physical: Option<bool>,
    pub activity_id: Option<i32>,
    pub region_id: Option<i32>,
    #[validate(length(min = 3, max = 300))]
    pub address: Option<String>,
    #[validate(custom(function = "validate_latitude"))]
    pub latitude: Option<f64>,
    #[validate(custom(function = "validate_longitude"))]
    pub longitude: Option<f64>,
    #[validate(custom(function = "validate_volume"))]
    pub volume: Option<f64>,
    #[validate(length(min = 1, max = 40))]
    pub unit: Option<String>,
    #[validate(range(min = 0, max = 1_000_000_000_000i64))]
    pub estimated_cost: Option<i64>,
    #[validate(range(min = 0, max = 50_000_000))]
    pub beneficiaries: Option<i32>,
    /// The agency that would carry it out; staff correct a wrong target agency here.
    pub final_agency_id: Option<i32>,
    /// The proposer's choice only (see `CreateProposalInput`).
    pub anonymous_to_public: Option<bool>,
}

/// The proposer edits a draft or a returned proposal; staff correct one under review
/// (wrong address, wrong agency), and that correction is audited.
pub async fn update(
    db: &Db,
    actor: &Actor,
    input: UpdateProposalInput,
) -> AppResult<proposal::Model> {
    validate(&input)?;
    let txn = db.begin().await?;
    let current = find_visible(&txn, Some(actor), input.id).await?;
    let forum = find::<forum::Entity>(&txn, current.forum_id, "forum").await?;
    let is_proposer = current.proposer_id == actor.id();
    let is_staff = access::is_forum_staff(&txn, actor, &forum).await?;
    let staff_editable = matches!(
        current.status,
        ProposalStatus::Submitted
            | ProposalStatus::Verified
            | ProposalStatus::Forwarded
            | ProposalStatus::Reserve
    );
    let by_staff = if is_proposer && workflow::editable_by_proposer(current.status) {
        false
    } else if is_staff && staff_editable {
        true
    } else if is_proposer || is_staff {
        return Err(AppError::precondition(format!(
            "a {} proposal cannot be edited",
            current.status
        )));
    } else {
        return Err(AppError::forbidden(
            "only the proposer or the forum's staff may edit this proposal",
        ));
    };
    require_forum_open(&forum)?;
    planning::require_stage_open(&txn, &forum).await?;
    check_references(
        &txn,
        &forum,
        input.region_id,
        input.sector_id,
        input.activity_id,
        input.final_agency_id,
    )
    .await?;
    let before = current.clone();
    let mut active = current.into_active_model();
    macro_rules! apply {
        ($($field:ident),+) => { $(if let Some(value) = input.$field { active.$field = Set(value); })+ };
    }
    apply!(
        title,
        problem,
        solution,
        physical,
        region_id,
        address,
        volume,
        unit,
        estimated_cost,
        beneficiaries
    );
    macro_rules! apply_optional {
        ($($field:ident),+) => { $(if let Some(value) = input.$field { active.$field = Set(Some(value)); })+ };
    }
    apply_optional!(sector_id, activity_id, latitude, longitude, final_agency_id);
    if let Some(anonymous) = input.anonymous_to_public {
        if before.proposer_id != actor.id() {
            return Err(AppError::forbidden(
                "only the proposer chooses whether their name is shown to the public",
            ));
        }
        active.proposer_anonymous = Set(anonymous);
    }
    active.updated_at = Set(now());
    let updated = active.update(&txn).await?;
    if by_staff {
        audit::record(
            &txn,
            Some(actor.id()),
            "proposal.correct",
            "proposal",
            Some(updated.id),
            Some(&before),
            Some(&updated),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(updated)
}

#[derive(Debug, Clone, InputObject, Validate, Serialize)]
pub struct TransitionInput {
    pub proposal_id: i32,
    pub to: ProposalStatus,
    #[validate(length(min = 3, max = 2000))]
    pub note: Option<String>,
    /// For MERGED: the proposal this one is merged into (same forum).
    pub merged_into_id: Option<i32>,
}

/// Moves a proposal along the workflow. Forwarding carries it to the parent forum, where it
/// arrives as FORWARDED at the parent's level with its history intact.
pub async fn transition(
    db: &Db,
    actor: &Actor,
    input: TransitionInput,
) -> AppResult<proposal::Model> {
    let txn = db.begin().await?;
    let updated = transition_in(&txn, actor, input).await?;
    txn.commit().await?;
    Ok(updated)
}

/// `transition` inside the caller's transaction (a live session's decision on an agenda item).
pub async fn transition_in(
    txn: &Txn,
    actor: &Actor,
    input: TransitionInput,
) -> AppResult<proposal::Model> {
    validate(&input)?;
    let current = find_visible(txn, Some(actor), input.proposal_id).await?;
    let forum = find::<forum::Entity>(txn, current.forum_id, "forum").await?;
    let rule = access::ProposalPowers::of(txn, actor, &current, &forum)
        .await?
        .check(current.status, input.to)
        .map_err(|refusal| refusal.into_error(current.status, input.to))?;
    let note = input
        .note
        .map(|n| n.trim().to_owned())
        .filter(|n| !n.is_empty());
    if rule.note_required && note.is_none() {
        return Err(AppError::field(
            "note",
            "required",
            format!("say why the proposal becomes {}", input.to),
        ));
    }
    require_forum_open(&forum)?;
    planning::require_stage_open(txn, &forum).await?;

    let before = current.clone();
    let mut active = current.clone().into_active_model();
    active.status = Set(input.to);
    active.updated_at = Set(now());
    match input.to {
        ProposalStatus::Merged => {
            let target_id = input.merged_into_id.ok_or_else(|| {
                AppError::field(
                    "mergedIntoId",
                    "required",
                    "name the proposal to merge into",
                )
            })?;
            let target = find::<proposal::Entity>(txn, target_id, "proposal to merge into").await?;
            if target.id == current.id
                || target.forum_id != current.forum_id
                || workflow::is_final(target.status)
                || target.status == ProposalStatus::Draft
            {
                return Err(AppError::field(
                    "mergedIntoId",
                    "target",
                    "merge into another active proposal of the same forum",
                ));
            }
            active.merged_into_id = Set(Some(target.id));
        }
        ProposalStatus::Forwarded => {
            let parent_id = forum.parent_forum_id.ok_or_else(|| {
                AppError::precondition(format!("{} has no higher forum to forward to", forum.name))
            })?;
            let parent = find::<forum::Entity>(txn, parent_id, "parent forum").await?;
            require_forum_open(&parent)?;
            active.forum_id = Set(parent.id);
            active.level = Set(parent.level);
        }
        _ => {}
    }
    if input.to == ProposalStatus::Accepted {
        active.implementation_status = Set(Some(entity::enums::ImplementationStatus::Planned));
    }
    let updated = active.update(txn).await?;
    // The change is recorded at the level where it was decided.
    record_change(
        txn,
        &before,
        Some(before.status),
        input.to,
        actor.id(),
        note.clone(),
    )
    .await?;
    if rule.by != Party::Proposer {
        audit::record(
            txn,
            Some(actor.id()),
            "proposal.transition",
            "proposal",
            Some(updated.id),
            Some(&before),
            Some(&updated),
        )
        .await?;
    }
    publish_transition(txn, actor, &before, &updated, note).await?;
    Ok(updated)
}

/// A status change that follows from a forum's close or a planner's promotion rather than from
/// the workflow table: moved to `destination` when given, recorded at the level where it was
/// decided, shown on both forums' activity.
pub(crate) async fn apply_status(
    txn: &Txn,
    actor: &Actor,
    current: proposal::Model,
    to: ProposalStatus,
    destination: Option<&forum::Model>,
    note: Option<String>,
) -> AppResult<proposal::Model> {
    let before = current.clone();
    let mut active = current.into_active_model();
    active.status = Set(to);
    active.updated_at = Set(now());
    if let Some(parent) = destination {
        active.forum_id = Set(parent.id);
        active.level = Set(parent.level);
    }
    if to == ProposalStatus::Accepted {
        active.implementation_status = Set(Some(entity::enums::ImplementationStatus::Planned));
    }
    let updated = active.update(txn).await?;
    record_change(
        txn,
        &before,
        Some(before.status),
        to,
        actor.id(),
        note.clone(),
    )
    .await?;
    publish_transition(txn, actor, &before, &updated, note).await?;
    Ok(updated)
}

/// Forum activity: a proposal appears when it is first submitted (drafts are private), and
/// every later status change shows on its forum (and on the forum it is forwarded to).
async fn publish_transition(
    txn: &Txn,
    actor: &Actor,
    before: &proposal::Model,
    after: &proposal::Model,
    note: Option<String>,
) -> AppResult<()> {
    if before.status == ProposalStatus::Draft && after.status != ProposalStatus::Submitted {
        return Ok(());
    }
    let details = notifications::Details {
        from_status: Some(enum_name(before.status)),
        to_status: Some(enum_name(after.status)),
        level: (after.level != before.level).then(|| enum_name(after.level)),
        note: note.clone(),
        ..notifications::about_proposal(after)
    };
    notifications::notify(
        txn,
        Some(actor),
        &[after.proposer_id],
        notifications::Notice {
            kind: NotificationKind::ProposalStatus,
            proposal_id: Some(after.id),
            forum_id: Some(after.forum_id),
            details,
        },
    )
    .await?;
    let change = ProposalChange {
        proposal_id: after.id,
        code: after.code.clone(),
        title: after.title.clone(),
        from: enum_name(before.status),
        to: enum_name(after.status),
        note,
        forum_id: after.forum_id,
        level: enum_name(after.level),
        estimated_cost: after.estimated_cost,
    };
    let data = if before.status == ProposalStatus::Draft {
        LiveEventData::ProposalSubmitted(change)
    } else {
        LiveEventData::ProposalStatusChanged(change)
    };
    let mut forums = vec![before.forum_id];
    if after.forum_id != before.forum_id {
        forums.push(after.forum_id);
    }
    for forum_id in forums {
        live_events::publish(
            txn,
            StreamKey::Forum(forum_id),
            Some(after.id),
            Some(actor.id()),
            data.clone(),
        )
        .await?;
    }
    Ok(())
}

/// An http(s) address, or a path on this server (never `//host`, which leaves it).
fn validate_url(url: &str) -> Result<(), ValidationError> {
    let on_this_server = url.starts_with('/') && !url.starts_with("//") && !url.contains('\\');
    if on_this_server || super::http_url(url).is_ok() {
        Ok(())
    } else {
        let mut err = ValidationError::new("url");
        err.message = Some("must be an http(s) address or a path on this server".into());
        Err(err)
    }
}

fn validate_content_type(content_type: &str) -> Result<(), ValidationError> {
    const ALLOWED: [&str; 7] = [
        "image/jpeg",
        "image/png",
        "image/webp",
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.ms-excel",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ];
    if ALLOWED.contains(&content_type) {
        Ok(())
    } else {
        let mut err = ValidationError::new("content_type");
        err.message = Some(
            "must be a JPEG, PNG or WebP photo, a PDF, a spreadsheet or a Word document".into(),
        );
        Err(err)
    }
}

#[derive(Debug, Clone, InputObject, Validate, Serialize)]
pub struct AddAttachmentInput {
    pub proposal_id: i32,
    pub kind: AttachmentKind,
    #[validate(length(min = 1, max = 255))]
    pub file_name: String,
    #[validate(custom(function = "validate_content_type"))]
    pub content_type: String,
    /// At most 20 MB.
    #[validate(range(min = 1, max = 20_971_520i64))]
    pub size_bytes: i64,
    #[validate(length(max = 1000), custom(function = "validate_url"))]
    pub url: String,
}

/// Who may attach files (links or uploads): the proposer while drafting or revising, and the
/// forum's staff.
pub async fn require_may_attach(
    conn: &impl ConnectionTrait,
    actor: &Actor,
    target: &proposal::Model,
    forum: &forum::Model,
) -> AppResult<()> {
    let by_proposer =
        target.proposer_id == actor.id() && workflow::editable_by_proposer(target.status);
    if !by_proposer && !access::is_forum_staff(conn, actor, forum).await? {
        return Err(AppError::forbidden(
            "only the proposer (while drafting or revising) or the forum's staff may attach files",
        ));
    }
    Ok(())
}

pub async fn add_attachment(
    db: &Db,
    actor: &Actor,
    input: AddAttachmentInput,
) -> AppResult<proposal_attachment::Model> {
    validate(&input)?;
    let txn = db.begin().await?;
    let target = find_visible(&txn, Some(actor), input.proposal_id).await?;
    let forum = find::<forum::Entity>(&txn, target.forum_id, "forum").await?;
    require_may_attach(&txn, actor, &target, &forum).await?;
    let created = proposal_attachment::ActiveModel {
        proposal_id: Set(target.id),
        kind: Set(input.kind),
        file_name: Set(input.file_name),
        content_type: Set(input.content_type),
        size_bytes: Set(input.size_bytes),
        url: Set(input.url),
        uploaded_by: Set(actor.id()),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(created)
}

#[derive(Debug, Clone, InputObject, Validate, Serialize)]
pub struct AddRecommendationInput {
    pub proposal_id: i32,
    pub recommender: Recommender,
    pub decision: RecommendationDecision,
    #[validate(custom(function = "validate_volume"))]
    pub volume: Option<f64>,
    #[validate(range(min = 0, max = 1_000_000_000_000i64))]
    pub amount: Option<i64>,
    #[validate(length(min = 3, max = 2000))]
    pub note: String,
}

/// A recommendation is given at the proposal's current level, by that forum's staff.
pub async fn add_recommendation(
    db: &Db,
    actor: &Actor,
    input: AddRecommendationInput,
) -> AppResult<recommendation::Model> {
    validate(&input)?;
    let txn = db.begin().await?;
    let target = find_visible(&txn, Some(actor), input.proposal_id).await?;
    let forum = find::<forum::Entity>(&txn, target.forum_id, "forum").await?;
    access::require_forum_staff(&txn, actor, &forum).await?;
    if target.status == ProposalStatus::Draft || workflow::is_final(target.status) {
        return Err(AppError::precondition(format!(
            "a {} proposal takes no recommendation",
            target.status
        )));
    }
    let created = recommendation::ActiveModel {
        proposal_id: Set(target.id),
        level: Set(target.level),
        forum_id: Set(target.forum_id),
        recommender: Set(input.recommender),
        decision: Set(input.decision),
        volume: Set(input.volume),
        amount: Set(input.amount),
        note: Set(input.note),
        author_id: Set(actor.id()),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        Some(actor.id()),
        "proposal.recommend",
        "recommendation",
        Some(created.id),
        None::<&()>,
        Some(&created),
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}

/// The proposal if `actor` may see it: someone else's draft is NOT_FOUND, not FORBIDDEN, so a
/// caller cannot learn that a draft exists by acting on its id.
pub async fn find_visible(
    conn: &impl ConnectionTrait,
    actor: Option<&Actor>,
    id: i32,
) -> AppResult<proposal::Model> {
    let found = find::<proposal::Entity>(conn, id, "proposal").await?;
    if access::may_see_proposal(conn, actor, &found).await? {
        Ok(found)
    } else {
        Err(AppError::NotFound("proposal"))
    }
}

pub async fn get(db: &Db, actor: Option<&Actor>, id: i32) -> AppResult<proposal::Model> {
    find_visible(db.reader(), actor, id).await
}

#[derive(Debug, Default, Clone, InputObject)]
pub struct ProposalFilter {
    pub cycle_id: Option<i32>,
    pub forum_id: Option<i32>,
    /// Proposals located in this region's subtree.
    pub region_id: Option<i32>,
    pub statuses: Option<Vec<ProposalStatus>>,
    pub sector_id: Option<i32>,
    pub level: Option<entity::enums::ForumLevel>,
    pub proposer_id: Option<i32>,
    /// Words in the code, title, problem or solution.
    pub search: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Enum)]
pub enum ProposalSort {
    #[default]
    Newest,
    Oldest,
    CostAsc,
    CostDesc,
    Title,
    BeneficiariesDesc,
}

pub async fn list(
    db: &Db,
    actor: Option<&Actor>,
    filter: ProposalFilter,
    sort: ProposalSort,
    window: Window,
) -> AppResult<Page<proposal::Model>> {
    use proposal::Column as C;
    let conn = db.reader();
    let mut query = filtered(conn, actor, filter).await?;
    let total = query.clone().count(conn).await?;
    query = match sort {
        ProposalSort::Newest => query.order_by_desc(C::CreatedAt),
        ProposalSort::Oldest => query.order_by_asc(C::CreatedAt),
        ProposalSort::CostAsc => query.order_by_asc(C::EstimatedCost),
        ProposalSort::CostDesc => query.order_by_desc(C::EstimatedCost),
        ProposalSort::Title => query.order_by_asc(C::Title),
        ProposalSort::BeneficiariesDesc => query.order_by_desc(C::Beneficiaries),
    };
    let items = query
        .order_by_asc(C::Id)
        .offset(window.offset)
        .limit(window.limit)
        .all(conn)
        .await?;
    Ok(Page { items, total })
}

/// The proposals `actor` may list that match `filter`: published ones and the actor's own
/// drafts, narrowed by each filter given.
async fn filtered(
    conn: &impl ConnectionTrait,
    actor: Option<&Actor>,
    filter: ProposalFilter,
) -> AppResult<sea_orm::Select<proposal::Entity>> {
    use proposal::Column as C;
    let mut visible = Condition::any().add(C::Status.ne(ProposalStatus::Draft));
    if let Some(actor) = actor {
        visible = visible.add(C::ProposerId.eq(actor.id()));
    }
    let mut query = proposal::Entity::find().filter(visible);
    if let Some(id) = filter.cycle_id {
        query = query.filter(C::CycleId.eq(id));
    }
    if let Some(id) = filter.forum_id {
        query = query.filter(C::ForumId.eq(id));
    }
    if let Some(root) = filter.region_id {
        let root = find::<region::Entity>(conn, root, "region").await?;
        query = query.filter(C::RegionId.in_subquery(regions::subtree_ids(&root)));
    }
    if let Some(statuses) = filter.statuses.filter(|s| !s.is_empty()) {
        query = query.filter(C::Status.is_in(statuses));
    }
    if let Some(id) = filter.sector_id {
        query = query.filter(C::SectorId.eq(id));
    }
    if let Some(level) = filter.level {
        query = query.filter(C::Level.eq(level));
    }
    if let Some(id) = filter.proposer_id {
        query = query.filter(C::ProposerId.eq(id));
    }
    if let Some(term) = filter.search.as_deref().filter(|t| !t.trim().is_empty()) {
        let pattern = like_pattern(term);
        let mut any = Condition::any();
        for column in [C::Code, C::Title, C::Problem, C::Solution] {
            any = any.add(Expr::expr(Func::lower(Expr::col(column))).like(pattern.clone()));
        }
        query = query.filter(any);
    }
    Ok(query)
}

/// Titles read to learn the words a search may have meant: enough for a city's forum or
/// cycle, bounded so a failed search stays cheap.
const SUGGESTION_TITLES: u64 = 5_000;

/// When a search finds nothing, the search it probably meant ("drainse" → "drainase"): each
/// word is replaced by the nearest word of the titles the same filter (without the search)
/// would list, within one edit for short words and two for longer ones. None when the search
/// finds something, or nothing near is known. Only titles the caller may list are read, so a
/// suggestion tells nothing of others' drafts.
pub async fn search_suggestion(
    db: &Db,
    actor: Option<&Actor>,
    filter: ProposalFilter,
) -> AppResult<Option<String>> {
    use proposal::Column as C;
    let conn = db.reader();
    let Some(term) = filter
        .search
        .clone()
        .filter(|t| !t.trim().is_empty() && t.chars().count() <= 200)
    else {
        return Ok(None);
    };
    if filtered(conn, actor, filter.clone())
        .await?
        .count(conn)
        .await?
        > 0
    {
        return Ok(None);
    }
    let titles: Vec<String> = filtered(
        conn,
        actor,
        ProposalFilter {
            search: None,
            ..filter
        },
    )
    .await?
    .select_only()
    .column(C::Title)
    .order_by_desc(C::Id)
    .limit(SUGGESTION_TITLES)
    .into_tuple()
    .all(conn)
    .await?;
    let vocabulary: std::collections::BTreeSet<String> =
        titles.iter().flat_map(|title| words(title)).collect();
    Ok(correct(&term, &vocabulary))
}

/// The lower-case words of a text (letters and digits), as search compares them.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// `term` with each unknown word replaced by its nearest known one; None if nothing changed.
fn correct(term: &str, vocabulary: &std::collections::BTreeSet<String>) -> Option<String> {
    let mut changed = false;
    let corrected: Vec<String> = words(term)
        .into_iter()
        .map(|word| {
            if word.chars().count() < 4 || vocabulary.contains(&word) {
                return word;
            }
            let allowed = if word.chars().count() <= 5 { 1 } else { 2 };
            let nearest = vocabulary
                .iter()
                .map(|known| (strsim::damerau_levenshtein(&word, known), known))
                .filter(|(distance, _)| *distance <= allowed)
                .min_by_key(|(distance, known)| (*distance, known.len()));
            match nearest {
                Some((_, known)) => {
                    changed = true;
                    known.clone()
                }
                None => word,
            }
        })
        .collect();
    changed.then(|| corrected.join(" "))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_search_with_a_typo_becomes_the_words_it_meant() {
        let vocabulary = [
            "perbaikan",
            "saluran",
            "drainase",
            "jalan",
            "posyandu",
            "rt",
        ]
        .map(String::from)
        .into_iter()
        .collect();
        assert_eq!(
            super::correct("drainse", &vocabulary).as_deref(),
            Some("drainase")
        );
        assert_eq!(
            super::correct("Perbaikan salurn", &vocabulary).as_deref(),
            Some("perbaikan saluran")
        );
        // Known words, short words and words far from every known one stay as they are.
        assert_eq!(super::correct("saluran jalan", &vocabulary), None);
        assert_eq!(super::correct("rw", &vocabulary), None);
        assert_eq!(super::correct("jembatan", &vocabulary), None);
    }
}
