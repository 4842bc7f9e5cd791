//! Who may do what, in one place. Every mutation calls one of these before it writes.
use entity::{account, enums::VerificationStatus, forum, region};
use sea_orm::ConnectionTrait;

use super::{find, regions};
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

/// Whether a person may vote in (and take part in the sessions of) a forum: a verified resident
/// whose home lies in the forum's region or below it.
pub fn may_vote(
    voter: &account::Model,
    home: Option<&region::Model>,
    forum_region: &region::Model,
) -> AppResult<()> {
    if voter.verification != VerificationStatus::Verified {
        return Err(AppError::forbidden(
            "only verified residents may vote; ask the forum's moderator to verify you",
        ));
    }
    if !home.is_some_and(|home| regions::is_within(home, forum_region)) {
        return Err(AppError::forbidden(format!(
            "only residents of {} may vote in this round",
            forum_region.name
        )));
    }
    Ok(())
}

/// `may_vote`, loading the voter's home and the forum's region.
pub async fn require_eligible_voter(
    conn: &impl ConnectionTrait,
    voter: &account::Model,
    forum: &forum::Model,
) -> AppResult<()> {
    let forum_region = find::<region::Entity>(conn, forum.region_id, "region").await?;
    let home = match voter.home_region_id {
        Some(id) => Some(find::<region::Entity>(conn, id, "home region").await?),
        None => None,
    };
    may_vote(voter, home.as_ref(), &forum_region)
}
