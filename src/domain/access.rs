//! Who may do what, in one place: the actor and its predicates, staff scopes, personal-data
//! visibility, voting eligibility, who may move a proposal along the workflow, who reads
//! drafts and hidden comments, who may follow an event stream. Every mutation calls one of
//! these before it writes; the GraphQL types call the same ones to decide what to show.
use std::collections::{HashMap, HashSet};

use entity::{
    account, comment,
    enums::{ProposalStatus, ReportPrivacy, ReportRole, ReportStatus, Role, VerificationStatus},
    forum, proposal, region, report, report_follower, role_grant,
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::{
    find, regions,
    workflow::{self, Party, Transition},
};
use crate::{
    error::{AppError, AppResult},
    events::StreamKey,
};

/// The account behind a request, with its role grants.
#[derive(Debug, Clone)]
pub struct Actor {
    pub account: account::Model,
    pub grants: Vec<role_grant::Model>,
}

impl Actor {
    pub fn id(&self) -> i32 {
        self.account.id
    }

    pub fn is_admin(&self) -> bool {
        self.grants.iter().any(|g| g.role == Role::Admin)
    }

    pub fn moderates(&self, forum_id: i32) -> bool {
        self.grants
            .iter()
            .any(|g| g.role == Role::Moderator && g.forum_id == Some(forum_id))
    }

    /// Staff of the agency (OPD), who report the implementation of its plan items.
    pub fn works_for(&self, agency_id: i32) -> bool {
        self.grants
            .iter()
            .any(|g| g.role == Role::Agency && g.agency_id == Some(agency_id))
    }

    /// A planner of a region plans for its whole subtree.
    pub fn plans_for(&self, region: &region::Model) -> bool {
        self.grants.iter().any(|g| {
            g.role == Role::Planner
                && g.region_id
                    .is_some_and(|id| regions::path_contains(&region.path, id))
        })
    }

    pub fn is_planner(&self) -> bool {
        self.grants.iter().any(|g| g.role == Role::Planner)
    }

    pub fn is_verified(&self) -> bool {
        self.account.verification == VerificationStatus::Verified
    }

    /// The agencies whose staff the actor is.
    pub fn agencies(&self) -> Vec<i32> {
        self.grants
            .iter()
            .filter(|g| g.role == Role::Agency)
            .filter_map(|g| g.agency_id)
            .collect()
    }

    /// Whether the actor holds any staff role (moderator, planner, agency, administrator).
    pub fn is_staff(&self) -> bool {
        self.grants.iter().any(|g| g.role != Role::Resident)
    }
}

/// Every resolver that needs a signed-in caller goes through this.
pub fn require_signed_in(actor: Option<&Actor>) -> AppResult<&Actor> {
    actor.ok_or(AppError::Unauthenticated)
}

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
    Ok(runs_forum(actor, forum, &region))
}

/// `is_forum_staff` with the forum's region at hand.
fn runs_forum(actor: &Actor, forum: &forum::Model, region: &region::Model) -> bool {
    actor.is_admin() || actor.moderates(forum.id) || actor.plans_for(region)
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

/// Drafts are private to their proposer (and the forum's staff).
pub async fn may_see_proposal(
    conn: &impl ConnectionTrait,
    actor: Option<&Actor>,
    proposal: &proposal::Model,
) -> AppResult<bool> {
    if proposal.status != ProposalStatus::Draft {
        return Ok(true);
    }
    let Some(actor) = actor else { return Ok(false) };
    if proposal.proposer_id == actor.id() {
        return Ok(true);
    }
    let forum = find::<forum::Entity>(conn, proposal.forum_id, "forum").await?;
    is_forum_staff(conn, actor, &forum).await
}

/// Whether the viewer may read a hidden comment's text: the forum's staff may.
pub async fn may_read_hidden_comment(
    conn: &impl ConnectionTrait,
    actor: Option<&Actor>,
    comment: &comment::Model,
) -> AppResult<bool> {
    let Some(actor) = actor else { return Ok(false) };
    if actor.is_admin() {
        return Ok(true);
    }
    let target = find::<proposal::Entity>(conn, comment.proposal_id, "proposal").await?;
    let forum = find::<forum::Entity>(conn, target.forum_id, "forum").await?;
    is_forum_staff(conn, actor, &forum).await
}

/// What an actor's roles allow on one proposal where it stands now: the parties of the
/// workflow table (`workflow::transition`) the actor counts as, and the forum's place in the
/// cycle (only the top forum decides the plan; only a lower one forwards). Both the
/// `transition` mutation and `availableTransitions` read it, so the buttons shown are the
/// moves allowed.
#[derive(Debug, Clone, Copy)]
pub struct ProposalPowers {
    proposer: bool,
    forum_staff: bool,
    planner: bool,
    top_forum: bool,
}

/// Why a move is not allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransitionRefusal {
    /// The workflow has no such step.
    NotInWorkflow,
    /// The step exists but not at this forum (a precondition, not a permission).
    NotAtThisForum(&'static str),
    /// The step is another party's.
    NotYours(Party),
}

impl TransitionRefusal {
    pub fn into_error(self, from: ProposalStatus, to: ProposalStatus) -> AppError {
        match self {
            Self::NotInWorkflow => {
                AppError::precondition(format!("a {from} proposal cannot become {to}"))
            }
            Self::NotAtThisForum(reason) => AppError::precondition(reason),
            Self::NotYours(party) => {
                let who = match party {
                    Party::Proposer => "the proposer",
                    Party::ForumStaff => "the forum's moderators or planners",
                    Party::Planner => "a planner",
                };
                AppError::forbidden(format!("only {who} may make a {from} proposal {to}"))
            }
        }
    }
}

impl ProposalPowers {
    pub async fn of(
        conn: &impl ConnectionTrait,
        actor: &Actor,
        proposal: &proposal::Model,
        forum: &forum::Model,
    ) -> AppResult<Self> {
        let region = find::<region::Entity>(conn, forum.region_id, "region").await?;
        Ok(Self {
            proposer: proposal.proposer_id == actor.id(),
            forum_staff: runs_forum(actor, forum, &region),
            planner: actor.is_admin() || actor.plans_for(&region),
            top_forum: forum.parent_forum_id.is_none(),
        })
    }

    /// Whether the actor may move the proposal from `from` to `to` here.
    pub fn check(
        &self,
        from: ProposalStatus,
        to: ProposalStatus,
    ) -> Result<Transition, TransitionRefusal> {
        let rule = workflow::transition(from, to).ok_or(TransitionRefusal::NotInWorkflow)?;
        let permitted = match rule.by {
            Party::Proposer => self.proposer,
            Party::ForumStaff => self.forum_staff,
            Party::Planner => self.planner,
        };
        if !permitted {
            return Err(TransitionRefusal::NotYours(rule.by));
        }
        if to == ProposalStatus::Forwarded && self.top_forum {
            return Err(TransitionRefusal::NotAtThisForum(
                "this is the highest forum of the cycle: there is none to forward to",
            ));
        }
        if matches!(to, ProposalStatus::Accepted | ProposalStatus::NotAccepted) && !self.top_forum {
            return Err(TransitionRefusal::NotAtThisForum(
                "the plan is decided at the highest forum of the cycle",
            ));
        }
        Ok(rule)
    }

    /// The moves the actor may make from `from`, for the UI's buttons.
    pub fn allowed_from(&self, from: ProposalStatus) -> Vec<(ProposalStatus, Transition)> {
        workflow::next_statuses(from)
            .into_iter()
            .filter(|(to, _)| self.check(from, *to).is_ok())
            .collect()
    }
}

/// Whether `actor` (or the public) may follow an event stream; both subscription paths (the
/// GraphQL executor and the WebSocket fast path) ask this. Forums and live sessions are public
/// (their events carry nothing private: see each event's payload); the stream must exist.
pub async fn authorize_stream(
    conn: &impl ConnectionTrait,
    actor: Option<&Actor>,
    stream: StreamKey,
) -> AppResult<()> {
    match stream {
        // Someone else's inbox is as absent as one that does not exist.
        StreamKey::Inbox(id) => match require_signed_in(actor)? {
            me if me.id() == id => Ok(()),
            _ => Err(AppError::NotFound("inbox")),
        },
        StreamKey::Forum(id) => find::<forum::Entity>(conn, id, "forum").await.map(drop),
        StreamKey::Session(id) => find::<entity::live_session::Entity>(conn, id, "live session")
            .await
            .map(drop),
        StreamKey::Report(id) => {
            let target = find::<report::Entity>(conn, id, "report").await?;
            if ReportStanding::of(conn, actor, &target)
                .await?
                .may_see(&target)
            {
                Ok(())
            } else {
                Err(AppError::NotFound("report"))
            }
        }
        StreamKey::Agency(id) => {
            let me = require_signed_in(actor)?;
            if me.is_admin() || me.works_for(id) {
                Ok(())
            } else {
                Err(AppError::forbidden(
                    "only the agency's staff follow its reports",
                ))
            }
        }
        // Even ids and statuses tell that a secret report exists: only the region's
        // coordinators hear them.
        StreamKey::RegionReports(id) => {
            let me = require_signed_in(actor)?;
            let region = find::<region::Entity>(conn, id, "region").await?;
            if resident_scope(conn, me).await?.covers(Some(&region)) {
                Ok(())
            } else {
                Err(AppError::forbidden(
                    "only the coordinators of the region follow its reports",
                ))
            }
        }
    }
}

/// The regions whose report streams make up `actor`'s whole queue: the tops of the tree for
/// an administrator, else the roots of the staff scope with those inside another root left
/// out (a report below both would otherwise arrive twice).
pub async fn report_queue_regions(
    conn: &impl ConnectionTrait,
    actor: Option<&Actor>,
) -> AppResult<Vec<i32>> {
    let me = require_signed_in(actor)?;
    let roots = match resident_scope(conn, me).await? {
        ResidentScope::Everyone => {
            region::Entity::find()
                .filter(region::Column::ParentId.is_null())
                .all(conn)
                .await?
        }
        ResidentScope::Regions(roots) => roots,
    };
    if roots.is_empty() {
        return Err(AppError::forbidden("only staff follow the report queue"));
    }
    Ok(roots
        .iter()
        .filter(|root| {
            !roots
                .iter()
                .any(|other| other.id != root.id && regions::is_within(root, other))
        })
        .map(|root| root.id)
        .collect())
}

/// Whether a report is out for everyone to read: not secret, verified by the coordinators
/// (an unchecked report may carry what should not be published) and not refused.
pub fn is_report_published(report: &report::Model) -> bool {
    report.privacy != ReportPrivacy::Secret
        && report.verified_at.is_some()
        && report.status != ReportStatus::Rejected
}

/// What a person is to one report: its reporter, a follower (a reporter of a duplicate merged
/// into it), a coordinator (staff whose residents include the report's area: its moderators,
/// planners and administrators), or staff of the agency it was sent to. Every question about
/// a report (who sees it, who sees its reporter, who moves it how) is answered from this.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReportStanding {
    pub reporter: bool,
    pub follower: bool,
    pub coordinator: bool,
    pub agency: bool,
}

impl ReportStanding {
    pub async fn of(
        conn: &impl ConnectionTrait,
        actor: Option<&Actor>,
        target: &report::Model,
    ) -> AppResult<Self> {
        let Some(actor) = actor else {
            return Ok(Self::default());
        };
        let scope = resident_scope(conn, actor).await?;
        Ok(
            Self::of_many(conn, actor, &scope, std::slice::from_ref(target))
                .await?
                .pop()
                .unwrap_or_default(),
        )
    }

    /// The standings of many reports with one read of their regions and one of the actor's
    /// follows; `scope` is the actor's `resident_scope`, which a request reads once.
    pub async fn of_many(
        conn: &impl ConnectionTrait,
        actor: &Actor,
        scope: &ResidentScope,
        targets: &[report::Model],
    ) -> AppResult<Vec<Self>> {
        if targets.is_empty() {
            return Ok(Vec::new());
        }
        let regions: HashMap<i32, region::Model> = match scope {
            ResidentScope::Regions(roots) if !roots.is_empty() => region::Entity::find()
                .filter(region::Column::Id.is_in(targets.iter().map(|t| t.region_id)))
                .all(conn)
                .await?
                .into_iter()
                .map(|r| (r.id, r))
                .collect(),
            _ => HashMap::new(),
        };
        let followed: HashSet<i32> = report_follower::Entity::find()
            .filter(report_follower::Column::ReportId.is_in(targets.iter().map(|t| t.id)))
            .filter(report_follower::Column::AccountId.eq(actor.id()))
            .all(conn)
            .await?
            .into_iter()
            .map(|f| f.report_id)
            .collect();
        Ok(targets
            .iter()
            .map(|target| Self {
                reporter: target.reporter_id == actor.id(),
                follower: followed.contains(&target.id),
                coordinator: scope.covers(regions.get(&target.region_id)),
                agency: target
                    .agency_id
                    .is_some_and(|agency| actor.works_for(agency)),
            })
            .collect())
    }

    pub fn may_see(&self, target: &report::Model) -> bool {
        self.reporter
            || self.follower
            || self.coordinator
            || self.agency
            || is_report_published(target)
    }

    /// The reporter's name goes to the reporter, the coordinators, everyone when the report
    /// is public, and the agency only when the reporter allowed it.
    pub fn may_see_reporter(&self, target: &report::Model) -> bool {
        self.reporter
            || self.coordinator
            || (target.privacy == ReportPrivacy::Public && self.may_see(target))
            || (self.agency && target.share_identity_with_agency)
    }

    /// The capacities in which the person may move the report (`complaints::workflow`).
    pub fn roles(&self) -> Vec<ReportRole> {
        let mut roles = Vec::new();
        if self.reporter {
            roles.push(ReportRole::Reporter);
        }
        if self.coordinator {
            roles.push(ReportRole::Coordinator);
        }
        if self.agency {
            roles.push(ReportRole::Agency);
        }
        roles
    }
}
