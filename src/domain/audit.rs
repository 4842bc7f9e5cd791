//! The append-only audit log of privileged actions. Entries are written in the same
//! transaction as the action, so a rolled-back action leaves no entry either.
use entity::audit_log;
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryOrder, QuerySelect, Set,
};
use serde::Serialize;

use super::{access, now, Page, Window};
use crate::{auth::Actor, error::AppResult};

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
pub async fn list(
    conn: &impl ConnectionTrait,
    actor: &Actor,
    window: Window,
) -> AppResult<Page<audit_log::Model>> {
    if !actor.is_planner() {
        access::require_admin(actor)?;
    }
    let query = audit_log::Entity::find().order_by_desc(audit_log::Column::Id);
    let total = query.clone().count(conn).await?;
    let items = query
        .offset(window.offset)
        .limit(window.limit)
        .all(conn)
        .await?;
    Ok(Page { items, total })
}
