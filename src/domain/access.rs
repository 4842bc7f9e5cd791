//! Who may do what, in one place. Every mutation calls one of these before it writes.
use entity::{
    account,
    enums::{Role, VerificationStatus},
    forum, region,
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

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

/// The residents an actor looks after: those whose home lies in one of the regions (a planner's
/// regions, the regions of the forums a moderator runs), or everyone (administrators).
#[derive(Debug, Clone)]
pub enum ResidentScope {
    Everyone,
    Regions(Vec<region::Model>),
}

impl ResidentScope {
    /// Whether a resident with this home region is in the scope (nobody's home is unknown to an
    /// administrator; to anyone else a resident without a home region is out of scope).
    pub fn covers(&self, home: Option<&region::Model>) -> bool {
        match self {
            ResidentScope::Everyone => true,
            ResidentScope::Regions(roots) => {
                home.is_some_and(|home| roots.iter().any(|root| regions::is_within(home, root)))
            }
        }
    }
}

/// The residents `actor` looks after as staff (none for a resident).
pub async fn resident_scope(
    conn: &impl ConnectionTrait,
    actor: &Actor,
) -> AppResult<ResidentScope> {
    if actor.is_admin() {
        return Ok(ResidentScope::Everyone);
    }
    let mut region_ids: Vec<i32> = actor
        .grants
        .iter()
        .filter(|g| g.role == Role::Planner)
        .filter_map(|g| g.region_id)
        .collect();
    let forum_ids: Vec<i32> = actor
        .grants
        .iter()
        .filter(|g| g.role == Role::Moderator)
        .filter_map(|g| g.forum_id)
        .collect();
    if !forum_ids.is_empty() {
        let forums = forum::Entity::find()
            .filter(forum::Column::Id.is_in(forum_ids))
            .all(conn)
            .await?;
        region_ids.extend(forums.iter().map(|f| f.region_id));
    }
    if region_ids.is_empty() {
        return Ok(ResidentScope::Regions(Vec::new()));
    }
    Ok(ResidentScope::Regions(
        region::Entity::find()
            .filter(region::Column::Id.is_in(region_ids))
            .all(conn)
            .await?,
    ))
}

/// Whether `viewer` may see a person's personal data: contact details, home region,
/// verification and roles. The person, staff whose scope covers the person's home region, and
/// administrators; nobody else (other residents, staff of other areas, the public).
pub fn may_see_personal_data(
    viewer: &Actor,
    viewer_scope: &ResidentScope,
    person: &account::Model,
    person_home: Option<&region::Model>,
) -> bool {
    viewer.id() == person.id || viewer_scope.covers(person_home)
}

/// Staff whose scope covers the person: verifying them, handing them a password reset code.
pub async fn require_staff_of_resident(
    conn: &impl ConnectionTrait,
    actor: &Actor,
    person: &account::Model,
) -> AppResult<()> {
    let home = match person.home_region_id {
        Some(id) => Some(find::<region::Entity>(conn, id, "home region").await?),
        None => None,
    };
    if resident_scope(conn, actor).await?.covers(home.as_ref()) {
        Ok(())
    } else {
        Err(AppError::forbidden(
            "only staff responsible for this resident's region may do this",
        ))
    }
}
