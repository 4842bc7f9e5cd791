//! Planning cycles, their stages (schedule windows per level) and forums with budget ceilings.
use async_graphql::InputObject;
use chrono::{DateTime, Utc};
use entity::{
    agency, cycle,
    enums::{CycleStatus, ForumLevel, ForumStatus, RegionLevel, SelectionLimit},
    forum, region, stage,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::Serialize;
use validator::Validate;

use super::{access, audit, find, now, regions, validate, Page, Window};
use crate::{
    db::Db,
    domain::access::Actor,
    error::{AppError, AppResult},
};

/// Loads a cycle and its kabupaten/kota, refusing anyone but its planners and administrators.
async fn planned_cycle(
    conn: &impl ConnectionTrait,
    actor: &Actor,
    cycle_id: i32,
) -> AppResult<(cycle::Model, region::Model)> {
    let cycle = find::<cycle::Entity>(conn, cycle_id, "cycle").await?;
    let region = find::<region::Entity>(conn, cycle.region_id, "region").await?;
    access::require_planner_for(actor, &region)?;
    Ok((cycle, region))
}

#[derive(Debug, Clone, InputObject, Validate, Serialize)]
pub struct CreateCycleInput {
    #[validate(range(min = 2000, max = 2100))]
    pub plan_year: i32,
    #[validate(length(min = 3, max = 200))]
    pub name: String,
    /// The kabupaten/kota whose plan this cycle prepares.
    pub region_id: i32,
}

pub async fn create_cycle(
    db: &Db,
    actor: &Actor,
    input: CreateCycleInput,
) -> AppResult<cycle::Model> {
    validate(&input)?;
    let txn = db.begin().await?;
    let region = find::<region::Entity>(&txn, input.region_id, "region").await?;
    access::require_planner_for(actor, &region)?;
    if region.level != RegionLevel::KabupatenKota {
        return Err(AppError::field(
            "regionId",
            "level",
            "a planning cycle belongs to a kabupaten/kota",
        ));
    }
    let duplicate = cycle::Entity::find()
        .filter(cycle::Column::RegionId.eq(region.id))
        .filter(cycle::Column::PlanYear.eq(input.plan_year))
        .count(&txn)
        .await?;
    if duplicate > 0 {
        return Err(AppError::Conflict(format!(
            "{} already has a cycle for {}",
            region.name, input.plan_year
        )));
    }
    let created = cycle::ActiveModel {
        plan_year: Set(input.plan_year),
        name: Set(input.name),
        region_id: Set(region.id),
        status: Set(CycleStatus::Draft),
        created_by: Set(Some(actor.id())),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        Some(actor.id()),
        "cycle.create",
        "cycle",
        Some(created.id),
        None::<&()>,
        Some(&created),
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}

pub async fn set_cycle_status(
    db: &Db,
    actor: &Actor,
    cycle_id: i32,
    status: CycleStatus,
) -> AppResult<cycle::Model> {
    let txn = db.begin().await?;
    let (current, _) = planned_cycle(&txn, actor, cycle_id).await?;
    let allowed = matches!(
        (current.status, status),
        (CycleStatus::Draft, CycleStatus::Active) | (CycleStatus::Active, CycleStatus::Closed)
    );
    if !allowed {
        return Err(AppError::precondition(format!(
            "a {} cycle cannot become {}",
            current.status, status
        )));
    }
    let before = current.clone();
    let mut active = current.into_active_model();
    active.status = Set(status);
    let updated = active.update(&txn).await?;
    audit::record(
        &txn,
        Some(actor.id()),
        "cycle.status",
        "cycle",
        Some(cycle_id),
        Some(&before),
        Some(&updated),
    )
    .await?;
    txn.commit().await?;
    Ok(updated)
}

#[derive(Debug, Clone, InputObject, Serialize)]
pub struct SetStageInput {
    pub cycle_id: i32,
    pub level: ForumLevel,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
}

/// Creates or reschedules the window in which forums of one level work.
pub async fn set_stage(db: &Db, actor: &Actor, input: SetStageInput) -> AppResult<stage::Model> {
    if input.closes_at <= input.opens_at {
        return Err(AppError::field(
            "closesAt",
            "order",
            "the stage must close after it opens",
        ));
    }
    let txn = db.begin().await?;
    let (cycle, _) = planned_cycle(&txn, actor, input.cycle_id).await?;
    let existing = stage::Entity::find()
        .filter(stage::Column::CycleId.eq(cycle.id))
        .filter(stage::Column::Level.eq(input.level))
        .one(&txn)
        .await?;
    let saved = match existing.clone() {
        Some(found) => {
            if found.locked {
                return Err(AppError::precondition(
                    "the stage is locked; unlock it before rescheduling",
                ));
            }
            let mut active = found.into_active_model();
            active.opens_at = Set(input.opens_at);
            active.closes_at = Set(input.closes_at);
            active.update(&txn).await?
        }
        None => {
            stage::ActiveModel {
                cycle_id: Set(cycle.id),
                level: Set(input.level),
                opens_at: Set(input.opens_at),
                closes_at: Set(input.closes_at),
                locked: Set(false),
                ..Default::default()
            }
            .insert(&txn)
            .await?
        }
    };
    audit::record(
        &txn,
        Some(actor.id()),
        "stage.set",
        "stage",
        Some(saved.id),
        existing.as_ref(),
        Some(&saved),
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

/// A locked stage refuses every change to the proposals of its level, even inside its window.
pub async fn lock_stage(
    db: &Db,
    actor: &Actor,
    stage_id: i32,
    locked: bool,
) -> AppResult<stage::Model> {
    let txn = db.begin().await?;
    let found = find::<stage::Entity>(&txn, stage_id, "stage").await?;
    planned_cycle(&txn, actor, found.cycle_id).await?;
    let before = found.clone();
    let mut active = found.into_active_model();
    active.locked = Set(locked);
    let updated = active.update(&txn).await?;
    audit::record(
        &txn,
        Some(actor.id()),
        if locked { "stage.lock" } else { "stage.unlock" },
        "stage",
        Some(stage_id),
        Some(&before),
        Some(&updated),
    )
    .await?;
    txn.commit().await?;
    Ok(updated)
}

/// Refuses unless the stage of this forum's level is scheduled, open now, and not locked.
pub async fn require_stage_open(
    conn: &impl ConnectionTrait,
    forum: &forum::Model,
) -> AppResult<()> {
    let found = stage::Entity::find()
        .filter(stage::Column::CycleId.eq(forum.cycle_id))
        .filter(stage::Column::Level.eq(forum.level))
        .one(conn)
        .await?;
    let Some(stage) = found else {
        return Err(AppError::precondition(format!(
            "the {} stage is not scheduled yet",
            forum.level
        )));
    };
    let at = now();
    if stage.locked {
        Err(AppError::precondition(format!(
            "the {} stage is locked",
            forum.level
        )))
    } else if at < stage.opens_at {
        Err(AppError::precondition(format!(
            "the {} stage opens at {}",
            forum.level,
            stage.opens_at.to_rfc3339()
        )))
    } else if at >= stage.closes_at {
        Err(AppError::precondition(format!(
            "the {} stage closed at {}",
            forum.level,
            stage.closes_at.to_rfc3339()
        )))
    } else {
        Ok(())
    }
}

pub async fn stages_of(db: &Db, cycle_id: i32) -> AppResult<Vec<stage::Model>> {
    let mut stages = stage::Entity::find()
        .filter(stage::Column::CycleId.eq(cycle_id))
        .all(db.reader())
        .await?;
    stages.sort_by_key(|s| s.level.order());
    Ok(stages)
}

pub async fn cycles(db: &Db, window: Window) -> AppResult<Page<cycle::Model>> {
    let query = cycle::Entity::find()
        .order_by_desc(cycle::Column::PlanYear)
        .order_by_asc(cycle::Column::Id);
    let total = query.clone().count(db.reader()).await?;
    let items = query
        .offset(window.offset)
        .limit(window.limit)
        .all(db.reader())
        .await?;
    Ok(Page { items, total })
}

#[derive(Debug, Clone, InputObject, Validate, Serialize)]
pub struct CreateForumInput {
    pub cycle_id: i32,
    pub level: ForumLevel,
    pub region_id: i32,
    /// Required for FORUM_OPD: the agency whose forum it is.
    pub agency_id: Option<i32>,
    /// The forum selected proposals move up to.
    pub parent_forum_id: Option<i32>,
    #[validate(length(min = 3, max = 200))]
    pub name: String,
    /// Pagu indikatif in Rupiah.
    #[validate(range(min = 0, max = 100_000_000_000_000i64))]
    pub budget_ceiling: Option<i64>,
    pub selection_limit: SelectionLimit,
    #[validate(range(min = 1, max = 10_000))]
    pub max_count: Option<i32>,
    #[validate(range(min = 0, max = 100))]
    #[graphql(default)]
    pub tolerance_percent: i32,
}

pub async fn create_forum(
    db: &Db,
    actor: &Actor,
    input: CreateForumInput,
) -> AppResult<forum::Model> {
    validate(&input)?;
    check_selection_limit(input.selection_limit, input.budget_ceiling, input.max_count)?;
    let txn = db.begin().await?;
    let (cycle, cycle_region) = planned_cycle(&txn, actor, input.cycle_id).await?;
    let region = find::<region::Entity>(&txn, input.region_id, "region").await?;
    if !regions::is_within(&region, &cycle_region) {
        return Err(AppError::field(
            "regionId",
            "scope",
            format!("the region must lie within {}", cycle_region.name),
        ));
    }
    if region.level != input.level.region_level() {
        return Err(AppError::field(
            "regionId",
            "level",
            format!(
                "a {} forum meets for a {} region, not a {}",
                input.level,
                input.level.region_level(),
                region.level
            ),
        ));
    }
    match (input.level, input.agency_id) {
        (ForumLevel::ForumOpd, None) => {
            return Err(AppError::field(
                "agencyId",
                "required",
                "a forum perangkat daerah belongs to an agency",
            ))
        }
        (ForumLevel::ForumOpd, Some(agency_id)) => {
            find::<agency::Entity>(&txn, agency_id, "agency").await?;
        }
        (_, Some(_)) => {
            return Err(AppError::field(
                "agencyId",
                "unexpected",
                "only a forum perangkat daerah belongs to an agency",
            ))
        }
        (_, None) => {}
    }
    if let Some(parent_id) = input.parent_forum_id {
        let parent = find::<forum::Entity>(&txn, parent_id, "parent forum").await?;
        let parent_region = find::<region::Entity>(&txn, parent.region_id, "region").await?;
        if parent.cycle_id != cycle.id {
            return Err(AppError::field(
                "parentForumId",
                "scope",
                "the parent forum belongs to another cycle",
            ));
        }
        if parent.level.order() <= input.level.order() {
            return Err(AppError::field(
                "parentForumId",
                "level",
                "the parent forum must sit at a higher level",
            ));
        }
        if !regions::is_within(&region, &parent_region) {
            return Err(AppError::field(
                "parentForumId",
                "scope",
                "the parent forum's region must contain this forum's region",
            ));
        }
    }
    let created = forum::ActiveModel {
        cycle_id: Set(cycle.id),
        level: Set(input.level),
        region_id: Set(region.id),
        agency_id: Set(input.agency_id),
        parent_forum_id: Set(input.parent_forum_id),
        name: Set(input.name),
        status: Set(ForumStatus::Draft),
        budget_ceiling: Set(input.budget_ceiling),
        selection_limit: Set(input.selection_limit),
        max_count: Set(input.max_count),
        tolerance_percent: Set(input.tolerance_percent),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        Some(actor.id()),
        "forum.create",
        "forum",
        Some(created.id),
        None::<&()>,
        Some(&created),
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}

fn check_selection_limit(
    limit: SelectionLimit,
    ceiling: Option<i64>,
    max_count: Option<i32>,
) -> AppResult<()> {
    match limit {
        SelectionLimit::Budget if ceiling.is_none() => Err(AppError::field(
            "budgetCeiling",
            "required",
            "a budget limit needs a budget ceiling",
        )),
        SelectionLimit::Count if max_count.is_none() => Err(AppError::field(
            "maxCount",
            "required",
            "a count limit needs a maximum count",
        )),
        _ => Ok(()),
    }
}

#[derive(Debug, Clone, InputObject, Validate, Serialize)]
pub struct UpdateForumInput {
    pub id: i32,
    #[validate(length(min = 3, max = 200))]
    pub name: Option<String>,
    #[validate(range(min = 0, max = 100_000_000_000_000i64))]
    pub budget_ceiling: Option<i64>,
    pub selection_limit: Option<SelectionLimit>,
    #[validate(range(min = 1, max = 10_000))]
    pub max_count: Option<i32>,
    #[validate(range(min = 0, max = 100))]
    pub tolerance_percent: Option<i32>,
}

/// Planners set a forum's ceiling and limits until the forum closes.
pub async fn update_forum(
    db: &Db,
    actor: &Actor,
    input: UpdateForumInput,
) -> AppResult<forum::Model> {
    validate(&input)?;
    let txn = db.begin().await?;
    let current = find::<forum::Entity>(&txn, input.id, "forum").await?;
    let region = find::<region::Entity>(&txn, current.region_id, "region").await?;
    access::require_planner_for(actor, &region)?;
    if matches!(current.status, ForumStatus::Closed | ForumStatus::Ratified) {
        return Err(AppError::precondition(
            "a closed forum's ceiling and limits are fixed",
        ));
    }
    let limit = input.selection_limit.unwrap_or(current.selection_limit);
    let ceiling = input.budget_ceiling.or(current.budget_ceiling);
    let max_count = input.max_count.or(current.max_count);
    check_selection_limit(limit, ceiling, max_count)?;
    let before = current.clone();
    let mut active = current.into_active_model();
    if let Some(name) = input.name {
        active.name = Set(name);
    }
    active.budget_ceiling = Set(ceiling);
    active.selection_limit = Set(limit);
    active.max_count = Set(max_count);
    if let Some(tolerance) = input.tolerance_percent {
        active.tolerance_percent = Set(tolerance);
    }
    let updated = active.update(&txn).await?;
    audit::record(
        &txn,
        Some(actor.id()),
        "forum.update",
        "forum",
        Some(updated.id),
        Some(&before),
        Some(&updated),
    )
    .await?;
    txn.commit().await?;
    Ok(updated)
}

/// draft → scheduled → in session → closed → ratified; a scheduled forum may go back to draft.
/// Ratification is the planners' act.
pub async fn set_forum_status(
    db: &Db,
    actor: &Actor,
    forum_id: i32,
    status: ForumStatus,
) -> AppResult<forum::Model> {
    use ForumStatus::*;
    if status == Closed {
        // Closing fixes the priority list and moves the proposals: one way, with its checks.
        let input = super::escalation::CloseForumInput {
            forum_id,
            agreed_order: None,
        };
        return super::escalation::close_forum(db, actor, input).await;
    }
    let txn = db.begin().await?;
    let current = find::<forum::Entity>(&txn, forum_id, "forum").await?;
    access::require_forum_staff(&txn, actor, &current).await?;
    let allowed = matches!(
        (current.status, status),
        (Draft, Scheduled)
            | (Scheduled, Draft)
            | (Scheduled, InSession)
            | (InSession, Closed)
            | (Closed, Ratified)
    );
    if !allowed {
        return Err(AppError::precondition(format!(
            "a {} forum cannot become {}",
            current.status, status
        )));
    }
    if status == Ratified {
        let region = find::<region::Entity>(&txn, current.region_id, "region").await?;
        access::require_planner_for(actor, &region)?;
    }
    let before = current.clone();
    let mut active = current.into_active_model();
    active.status = Set(status);
    let updated = active.update(&txn).await?;
    audit::record(
        &txn,
        Some(actor.id()),
        "forum.status",
        "forum",
        Some(forum_id),
        Some(&before),
        Some(&updated),
    )
    .await?;
    txn.commit().await?;
    Ok(updated)
}

#[derive(Debug, Default, Clone, InputObject)]
pub struct ForumFilter {
    pub cycle_id: Option<i32>,
    pub level: Option<ForumLevel>,
    /// Forums whose region lies in this region's subtree.
    pub region_id: Option<i32>,
    pub parent_forum_id: Option<i32>,
    pub status: Option<ForumStatus>,
}

pub async fn forums(db: &Db, filter: ForumFilter, window: Window) -> AppResult<Page<forum::Model>> {
    let conn = db.reader();
    let mut query = forum::Entity::find();
    if let Some(id) = filter.cycle_id {
        query = query.filter(forum::Column::CycleId.eq(id));
    }
    if let Some(level) = filter.level {
        query = query.filter(forum::Column::Level.eq(level));
    }
    if let Some(root) = filter.region_id {
        let root = find::<region::Entity>(conn, root, "region").await?;
        query = query.filter(forum::Column::RegionId.in_subquery(regions::subtree_ids(&root)));
    }
    if let Some(parent) = filter.parent_forum_id {
        query = query.filter(forum::Column::ParentForumId.eq(parent));
    }
    if let Some(status) = filter.status {
        query = query.filter(forum::Column::Status.eq(status));
    }
    let total = query.clone().count(conn).await?;
    let items = query
        .order_by_asc(forum::Column::CycleId)
        .order_by_asc(forum::Column::Id)
        .offset(window.offset)
        .limit(window.limit)
        .all(conn)
        .await?;
    Ok(Page { items, total })
}

/// One forum of a cycle as the planner's dashboard shows it.
#[derive(Debug, Clone, async_graphql::SimpleObject)]
#[graphql(name = "ForumProgress", complex)]
pub struct ForumProgress {
    #[graphql(skip)]
    pub forum: forum::Model,
    pub forum_id: i32,
    /// Proposals at the forum, drafts left out.
    pub proposals: u64,
    /// Waiting for verification (submitted).
    pub awaiting_verification: u64,
    /// Verified (forwarded ones from below included), in reserve or accepted: what competes
    /// for the budget.
    pub verified: u64,
    /// The estimated cost of the verified ones, in Rupiah.
    pub verified_cost: i64,
    /// `verified_cost` over the ceiling (none without a ceiling).
    pub ceiling_share: Option<f64>,
    /// When the forum's stage closes.
    pub stage_closes_at: Option<DateTime<Utc>>,
    /// The stage closed and the forum is still open.
    pub stage_overdue: bool,
}

/// Every forum of a cycle with its counts and budget use, for its planners and administrators.
pub async fn progress(db: &Db, actor: &Actor, cycle_id: i32) -> AppResult<Vec<ForumProgress>> {
    use entity::{enums::ProposalStatus, proposal};
    let conn = db.reader();
    planned_cycle(conn, actor, cycle_id).await?;
    let forums = forum::Entity::find()
        .filter(forum::Column::CycleId.eq(cycle_id))
        .order_by_asc(forum::Column::Level)
        .order_by_asc(forum::Column::Name)
        .all(conn)
        .await?;
    let stages = stage::Entity::find()
        .filter(stage::Column::CycleId.eq(cycle_id))
        .all(conn)
        .await?;
    let counts: Vec<(i32, ProposalStatus, i64, Option<i64>)> = proposal::Entity::find()
        .select_only()
        .column(proposal::Column::ForumId)
        .column(proposal::Column::Status)
        .column_as(proposal::Column::Id.count(), "count")
        // SUM of a BIGINT is NUMERIC on PostgreSQL; Rupiah totals fit a BIGINT.
        .column_as(
            sea_orm::sea_query::Expr::cust("CAST(SUM(estimated_cost) AS BIGINT)"),
            "cost",
        )
        .filter(proposal::Column::CycleId.eq(cycle_id))
        .group_by(proposal::Column::ForumId)
        .group_by(proposal::Column::Status)
        .into_tuple::<(i32, ProposalStatus, i64, Option<i64>)>()
        .all(conn)
        .await?;
    let at = now();
    Ok(forums
        .into_iter()
        .map(|forum| {
            let mine = counts.iter().filter(|(id, ..)| *id == forum.id);
            let mut progress = ForumProgress {
                forum_id: forum.id,
                proposals: 0,
                awaiting_verification: 0,
                verified: 0,
                verified_cost: 0,
                ceiling_share: None,
                stage_closes_at: stages
                    .iter()
                    .find(|s| s.level == forum.level)
                    .map(|s| s.closes_at),
                stage_overdue: false,
                forum: forum.clone(),
            };
            for (_, status, count, cost) in mine {
                let count = u64::try_from(*count).unwrap_or(0);
                if *status != ProposalStatus::Draft {
                    progress.proposals += count;
                }
                if *status == ProposalStatus::Submitted {
                    progress.awaiting_verification += count;
                }
                if matches!(
                    status,
                    ProposalStatus::Verified
                        | ProposalStatus::Forwarded
                        | ProposalStatus::Reserve
                        | ProposalStatus::Accepted
                ) {
                    progress.verified += count;
                    progress.verified_cost += cost.unwrap_or(0);
                }
            }
            progress.ceiling_share = forum
                .budget_ceiling
                .filter(|c| *c > 0)
                .map(|c| progress.verified_cost as f64 / c as f64);
            progress.stage_overdue = progress.stage_closes_at.is_some_and(|closes| closes < at)
                && !matches!(forum.status, ForumStatus::Closed | ForumStatus::Ratified);
            progress
        })
        .collect())
}
