//! The append-only audit log of privileged actions. Entries are written in the same
//! transaction as the action, so a rolled-back action leaves no entry either.
use entity::{
    account, audit_log, comment, cycle, forum, live_session, proposal, region, role_grant,
    voting_round,
};
use sea_orm::{
    sea_query::{Condition, Query, SelectStatement},
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use serde::Serialize;

use super::{access, now, regions, Page, Window};
use crate::{domain::access::Actor, error::AppResult};

pub async fn record<B: Serialize, A: Serialize>(
    conn: &impl ConnectionTrait,
    actor_id: Option<i32>,
    action: &str,
    entity_type: &str,
    entity_id: Option<i32>,
    before: Option<&B>,
    after: Option<&A>,
) -> AppResult<()> {
    audit_log::ActiveModel {
        actor_id: Set(actor_id),
        action: Set(action.to_owned()),
        entity_type: Set(entity_type.to_owned()),
        entity_id: Set(entity_id),
        before: Set(before.map(to_json)),
        after: Set(after.map(to_json)),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(())
}

fn to_json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".into())
}

/// Newest first. Administrators and planners read the log.
/// The audit log as the actor may read it: everything for administrators; for a planner, the
/// entries about things within their regions (proposals, forums and what happens in them,
/// cycles, regions, residents, role grants); nothing for anyone else.
pub async fn list(
    conn: &impl ConnectionTrait,
    actor: &Actor,
    window: Window,
) -> AppResult<Page<audit_log::Model>> {
    if !actor.is_planner() {
        access::require_admin(actor)?;
    }
    let mut query = audit_log::Entity::find().order_by_desc(audit_log::Column::Id);
    if let access::ResidentScope::Regions(roots) = access::resident_scope(conn, actor).await? {
        let mut any = Condition::any();
        for root in &roots {
            any = any.add(within(root));
        }
        query = query.filter(if roots.is_empty() {
            Condition::all().add(audit_log::Column::Id.eq(-1))
        } else {
            any
        });
    }
    let total = query.clone().count(conn).await?;
    let items = query
        .offset(window.offset)
        .limit(window.limit)
        .all(conn)
        .await?;
    Ok(Page { items, total })
}

/// Entries whose subject lies in `root`'s subtree.
fn within(root: &region::Model) -> Condition {
    let regions = || regions::subtree_ids(root);
    let forums = || {
        Query::select()
            .column(forum::Column::Id)
            .from(forum::Entity)
            .and_where(forum::Column::RegionId.in_subquery(regions()))
            .to_owned()
    };
    let sessions = || {
        Query::select()
            .column(live_session::Column::Id)
            .from(live_session::Entity)
            .and_where(live_session::Column::ForumId.in_subquery(forums()))
            .to_owned()
    };
    let proposals = || {
        Query::select()
            .column(proposal::Column::Id)
            .from(proposal::Entity)
            .and_where(proposal::Column::RegionId.in_subquery(regions()))
            .to_owned()
    };
    let about = |entity_type: &str, ids: SelectStatement| {
        Condition::all()
            .add(audit_log::Column::EntityType.eq(entity_type))
            .add(audit_log::Column::EntityId.in_subquery(ids))
    };
    Condition::any()
        .add(about("region", regions()))
        .add(about("forum", forums()))
        .add(about("proposal", proposals()))
        .add(about("live_session", sessions()))
        .add(about(
            "comment",
            Query::select()
                .column(comment::Column::Id)
                .from(comment::Entity)
                .and_where(comment::Column::ProposalId.in_subquery(proposals()))
                .to_owned(),
        ))
        .add(about(
            "voting_round",
            Query::select()
                .column(voting_round::Column::Id)
                .from(voting_round::Entity)
                .and_where(voting_round::Column::ForumId.in_subquery(forums()))
                .to_owned(),
        ))
        .add(about(
            "cycle",
            Query::select()
                .column(cycle::Column::Id)
                .from(cycle::Entity)
                .and_where(cycle::Column::RegionId.in_subquery(regions()))
                .to_owned(),
        ))
        .add(about(
            "account",
            Query::select()
                .column(account::Column::Id)
                .from(account::Entity)
                .and_where(account::Column::HomeRegionId.in_subquery(regions()))
                .to_owned(),
        ))
        .add(about(
            "role_grant",
            Query::select()
                .column(role_grant::Column::Id)
                .from(role_grant::Entity)
                .cond_where(
                    Condition::any()
                        .add(role_grant::Column::RegionId.in_subquery(regions()))
                        .add(role_grant::Column::ForumId.in_subquery(forums())),
                )
                .to_owned(),
        ))
}
