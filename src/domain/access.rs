//! Who may do what, in one place. Every mutation calls one of these before it writes.
use entity::{forum, region};
use sea_orm::ConnectionTrait;

use super::find;
use crate::{
    auth::Actor,
    error::{AppError, AppResult},
};

pub fn require_admin(actor: &Actor) -> AppResult<()> {
    if actor.is_admin() {
        Ok(())
    } else {
        Err(AppError::forbidden("only an administrator may do this"))
    }
}

/// Planners of the region (or of an ancestor) and administrators.
pub fn require_planner_for(actor: &Actor, region: &region::Model) -> AppResult<()> {
    if actor.is_admin() || actor.plans_for(region) {
        Ok(())
    } else {
        Err(AppError::forbidden(format!(
            "only a planner of {} may do this",
            region.name
        )))
    }
}

/// Whether the actor runs this forum: its moderators, planners above it, administrators.
pub async fn is_forum_staff(
    conn: &impl ConnectionTrait,
    actor: &Actor,
    forum: &forum::Model,
) -> AppResult<bool> {
    if actor.is_admin() || actor.moderates(forum.id) {
        return Ok(true);
    }
    if !actor.is_planner() {
        return Ok(false);
    }
    let region = find::<region::Entity>(conn, forum.region_id, "region").await?;
    Ok(actor.plans_for(&region))
}

pub async fn require_forum_staff(
    conn: &impl ConnectionTrait,
    actor: &Actor,
    forum: &forum::Model,
) -> AppResult<()> {
    if is_forum_staff(conn, actor, forum).await? {
        Ok(())
    } else {
        Err(AppError::forbidden(format!(
            "only the moderators of {} or its planners may do this",
            forum.name
        )))
    }
}
