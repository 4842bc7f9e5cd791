//! Output types whose fields need more than the row: relations (batched), and fields whose
//! visibility depends on who asks.
use async_graphql::{
    connection::{Connection, Edge},
    dataloader::DataLoader,
    ComplexObject, Context, Object, OutputType, Result, SimpleObject,
};
use chrono::{DateTime, Utc};
use entity::{
    account, activity, agency, comment, cycle,
    enums::{
        CycleStatus, ForumLevel, ForumStatus, ImplementationStatus, OutcomeList, OutcomeReason,
        PriorityOutcome, ProposalStatus, ProposerType, SelectionLimit, VerificationStatus,
    },
    forum, proposal, proposal_attachment, proposal_status_change, recommendation, region,
    role_grant, sector, stage,
};
use sea_orm::EntityTrait;

use super::{
    actor, db,
    loaders::{ById, HasMany},
    window,
};
use crate::domain::{self, Page, Window};

/// Extra fields on every connection.
#[derive(SimpleObject)]
pub struct ConnectionTotals {
    /// How many items match, over all pages.
    pub total_count: u64,
}

pub type PageOf<T> = Connection<String, T, ConnectionTotals>;

/// The deepest offset a cursor may point at: lists are paged, not skipped through by millions
/// (and a huge offset must not reach the query builder).
pub const MAX_CURSOR_OFFSET: u64 = 10_000_000;

pub fn decode_cursor(cursor: &str) -> Option<u64> {
    cursor
        .strip_prefix("offset:")?
        .parse()
        .ok()
        .filter(|offset| *offset < MAX_CURSOR_OFFSET)
}

pub fn connection<M, T: OutputType>(
    page: Page<M>,
    window: Window,
    wrap: impl Fn(M) -> T,
) -> PageOf<T> {
    let has_next = window.offset + (page.items.len() as u64) < page.total;
    let mut conn = Connection::with_additional_fields(
        window.offset > 0,
        has_next,
        ConnectionTotals {
            total_count: page.total,
        },
    );
    for (i, item) in page.items.into_iter().enumerate() {
        conn.edges.push(Edge::new(
            format!("offset:{}", window.offset + i as u64),
            wrap(item),
        ));
    }
    conn
}

pub(super) async fn load<E: EntityTrait>(
    ctx: &Context<'_>,
    id: Option<i32>,
) -> Result<Option<E::Model>>
where
    E::Model: Clone + Send + Sync,
{
    match id {
        Some(id) => Ok(ctx
            .data_unchecked::<DataLoader<ById<E>>>()
            .load_one(id)
            .await?),
        None => Ok(None),
    }
}

async fn children<E: EntityTrait>(ctx: &Context<'_>, parent_id: i32) -> Result<Vec<E::Model>>
where
    E::Model: Clone + Send + Sync,
    E::Column: Send + Sync,
{
    Ok(ctx
        .data_unchecked::<DataLoader<HasMany<E>>>()
        .load_one(parent_id)
        .await?
        .unwrap_or_default())
}

pub struct Account {
    model: account::Model,
    /// Whether the viewer sees the personal fields: decided once per account shown, not once
    /// per field. Set from the start for the owner right after signing in, before the
    /// request carries a token.
    personal_visible: tokio::sync::OnceCell<bool>,
}

impl From<account::Model> for Account {
    fn from(model: account::Model) -> Self {
        Self {
            model,
            personal_visible: tokio::sync::OnceCell::new(),
        }
    }
}

impl Account {
    fn owner_view(model: account::Model) -> Self {
        Self {
            model,
            personal_visible: tokio::sync::OnceCell::new_with(Some(true)),
        }
    }

    /// Contact details, home region, verification and roles (`access::may_see_personal_data`).
    async fn personal_visible(&self, ctx: &Context<'_>) -> Result<bool> {
        self.personal_visible
            .get_or_try_init(|| super::may_see_personal_data(ctx, &self.model))
            .await
            .copied()
    }
}

#[Object]
impl Account {
    async fn id(&self) -> i32 {
        self.model.id
    }
    async fn name(&self) -> &str {
        &self.model.name
    }
    /// For the person, staff whose area covers their home region, and administrators.
    async fn verification(&self, ctx: &Context<'_>) -> Result<Option<VerificationStatus>> {
        Ok(self
            .personal_visible(ctx)
            .await?
            .then_some(self.model.verification))
    }
    async fn verified_at(&self, ctx: &Context<'_>) -> Result<Option<DateTime<Utc>>> {
        Ok(self
            .personal_visible(ctx)
            .await?
            .then_some(self.model.verified_at)
            .flatten())
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.model.created_at
    }
    async fn home_region(&self, ctx: &Context<'_>) -> Result<Option<region::Model>> {
        if !self.personal_visible(ctx).await? {
            return Ok(None);
        }
        load::<region::Entity>(ctx, self.model.home_region_id).await
    }
    async fn email(&self, ctx: &Context<'_>) -> Result<Option<&str>> {
        Ok(self
            .personal_visible(ctx)
            .await?
            .then_some(self.model.email.as_deref())
            .flatten())
    }
    async fn phone(&self, ctx: &Context<'_>) -> Result<Option<&str>> {
        Ok(self
            .personal_visible(ctx)
            .await?
            .then_some(self.model.phone.as_deref())
            .flatten())
    }
    /// Visible to the account itself, to staff whose area covers it and to administrators.
    async fn roles(&self, ctx: &Context<'_>) -> Result<Vec<role_grant::Model>> {
        if !self.personal_visible(ctx).await? {
            return Ok(Vec::new());
        }
        Ok(domain::accounts::grants_of(db(ctx), self.model.id).await?)
    }
}

pub struct Cycle(pub cycle::Model);

#[Object]
impl Cycle {
    async fn id(&self) -> i32 {
        self.0.id
    }
    async fn plan_year(&self) -> i32 {
        self.0.plan_year
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn status(&self) -> CycleStatus {
        self.0.status
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn region(&self, ctx: &Context<'_>) -> Result<Option<region::Model>> {
        load::<region::Entity>(ctx, Some(self.0.region_id)).await
    }
    /// The schedule, level by level.
    async fn stages(&self, ctx: &Context<'_>) -> Result<Vec<stage::Model>> {
        let mut stages = children::<stage::Entity>(ctx, self.0.id).await?;
        stages.sort_by_key(|s| s.level.order());
        Ok(stages)
    }
    async fn forums(
        &self,
        ctx: &Context<'_>,
        level: Option<ForumLevel>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<PageOf<Forum>> {
        let window = window(first, after)?;
        let filter = domain::planning::ForumFilter {
            cycle_id: Some(self.0.id),
            level,
            ..Default::default()
        };
        let page = domain::planning::forums(db(ctx), filter, window).await?;
        Ok(connection(page, window, Forum))
    }
}

pub struct Forum(pub forum::Model);

#[Object]
impl Forum {
    async fn id(&self) -> i32 {
        self.0.id
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn level(&self) -> ForumLevel {
        self.0.level
    }
    async fn status(&self) -> ForumStatus {
        self.0.status
    }
    /// Pagu indikatif in Rupiah.
    async fn budget_ceiling(&self) -> Option<i64> {
        self.0.budget_ceiling
    }
    async fn selection_limit(&self) -> SelectionLimit {
        self.0.selection_limit
    }
    async fn max_count(&self) -> Option<i32> {
        self.0.max_count
    }
    async fn tolerance_percent(&self) -> i32 {
        self.0.tolerance_percent
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn cycle(&self, ctx: &Context<'_>) -> Result<Option<Cycle>> {
        Ok(load::<cycle::Entity>(ctx, Some(self.0.cycle_id))
            .await?
            .map(Cycle))
    }
    async fn region(&self, ctx: &Context<'_>) -> Result<Option<region::Model>> {
        load::<region::Entity>(ctx, Some(self.0.region_id)).await
    }
    async fn agency(&self, ctx: &Context<'_>) -> Result<Option<agency::Model>> {
        load::<agency::Entity>(ctx, self.0.agency_id).await
    }
    async fn parent_forum(&self, ctx: &Context<'_>) -> Result<Option<Forum>> {
        Ok(load::<forum::Entity>(ctx, self.0.parent_forum_id)
            .await?
            .map(Forum))
    }
    /// The window in which this forum works.
    async fn stage(&self, ctx: &Context<'_>) -> Result<Option<stage::Model>> {
        let stages = children::<stage::Entity>(ctx, self.0.cycle_id).await?;
        Ok(stages.into_iter().find(|s| s.level == self.0.level))
    }
    async fn proposals(
        &self,
        ctx: &Context<'_>,
        statuses: Option<Vec<ProposalStatus>>,
        search: Option<String>,
        #[graphql(default)] sort: domain::proposals::ProposalSort,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<PageOf<Proposal>> {
        let window = window(first, after)?;
        let filter = domain::proposals::ProposalFilter {
            forum_id: Some(self.0.id),
            statuses,
            search,
            ..Default::default()
        };
        let page = domain::proposals::list(db(ctx), actor(ctx), filter, sort, window).await?;
        Ok(connection(page, window, Proposal))
    }
    async fn voting_rounds(&self, ctx: &Context<'_>) -> Result<Vec<VotingRound>> {
        Ok(domain::voting::rounds_of(db(ctx), self.0.id)
            .await?
            .into_iter()
            .map(VotingRound)
            .collect())
    }
    /// When the forum closed and fixed its priority list.
    async fn closed_at(&self) -> Option<DateTime<Utc>> {
        self.0.closed_at
    }
    /// The priority list (daftar prioritas): fixed once the forum closed; before, as closing
    /// it now would fix it.
    #[graphql(complexity = "100 + child_complexity")]
    async fn priority_list(&self, ctx: &Context<'_>) -> Result<PriorityList> {
        let view = domain::escalation::priority_list(db(ctx).reader(), &self.0).await?;
        Ok(PriorityList {
            fixed: view.fixed,
            round_id: view.round_id,
            budget: view.budget,
            rows: view
                .rows
                .into_iter()
                .map(|row| PriorityEntry {
                    proposal: Proposal(row.proposal),
                    rank: row.rank,
                    list: row.list,
                    reason: row.reason,
                    support: row.support,
                    cost: row.cost,
                    outcome: row.outcome,
                    note: row.note,
                    promoted_at: row.promoted_at,
                })
                .collect(),
        })
    }
    /// Whether the viewer runs this forum (moderator, planner above it, administrator).
    async fn viewer_is_staff(&self, ctx: &Context<'_>) -> Result<bool> {
        match actor(ctx) {
            Some(viewer) => {
                Ok(domain::access::is_forum_staff(db(ctx).reader(), viewer, &self.0).await?)
            }
            None => Ok(false),
        }
    }
}

#[derive(SimpleObject)]
pub struct PriorityList {
    /// Whether the forum has closed and the list is final.
    pub fixed: bool,
    /// The voting round the ranking comes from, if the forum voted.
    pub round_id: Option<i32>,
    /// The Rupiah the forum may send up (ceiling plus tolerance), when limited by budget.
    pub budget: Option<i64>,
    pub rows: Vec<PriorityEntry>,
}

#[derive(SimpleObject)]
pub struct PriorityEntry {
    pub proposal: Proposal,
    pub rank: i32,
    pub list: OutcomeList,
    pub reason: OutcomeReason,
    /// Votes, points or score, exactly; empty when the forum did not vote.
    pub support: String,
    pub cost: i64,
    /// What closing the forum did; none while it is open.
    pub outcome: Option<PriorityOutcome>,
    /// The reason in words (Bahasa Indonesia), as the minutes give it.
    pub note: String,
    pub promoted_at: Option<DateTime<Utc>>,
}

/// A status the viewer may move a proposal to, and whether a note is needed.
#[derive(SimpleObject)]
pub struct AvailableTransition {
    pub to: ProposalStatus,
    pub note_required: bool,
}

pub struct Proposal(pub proposal::Model);

#[Object]
impl Proposal {
    async fn id(&self) -> i32 {
        self.0.id
    }
    /// The public code, e.g. USL-2027-000123.
    async fn code(&self) -> &str {
        &self.0.code
    }
    async fn level(&self) -> ForumLevel {
        self.0.level
    }
    async fn status(&self) -> ProposalStatus {
        self.0.status
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    async fn problem(&self) -> &str {
        &self.0.problem
    }
    async fn solution(&self) -> &str {
        &self.0.solution
    }
    async fn physical(&self) -> bool {
        self.0.physical
    }
    async fn address(&self) -> &str {
        &self.0.address
    }
    async fn latitude(&self) -> Option<f64> {
        self.0.latitude
    }
    async fn longitude(&self) -> Option<f64> {
        self.0.longitude
    }
    async fn volume(&self) -> f64 {
        self.0.volume
    }
    async fn unit(&self) -> &str {
        &self.0.unit
    }
    /// Rupiah.
    async fn estimated_cost(&self) -> i64 {
        self.0.estimated_cost
    }
    async fn beneficiaries(&self) -> i32 {
        self.0.beneficiaries
    }
    async fn proposer_type(&self) -> ProposerType {
        self.0.proposer_type
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    async fn cycle(&self, ctx: &Context<'_>) -> Result<Option<Cycle>> {
        Ok(load::<cycle::Entity>(ctx, Some(self.0.cycle_id))
            .await?
            .map(Cycle))
    }
    async fn forum(&self, ctx: &Context<'_>) -> Result<Option<Forum>> {
        Ok(load::<forum::Entity>(ctx, Some(self.0.forum_id))
            .await?
            .map(Forum))
    }
    async fn region(&self, ctx: &Context<'_>) -> Result<Option<region::Model>> {
        load::<region::Entity>(ctx, Some(self.0.region_id)).await
    }
    /// The location's ancestors, top down (for breadcrumbs such as Kota › Kecamatan › Kelurahan).
    async fn region_path(&self, ctx: &Context<'_>) -> Result<Vec<region::Model>> {
        let Some(place) = load::<region::Entity>(ctx, Some(self.0.region_id)).await? else {
            return Ok(Vec::new());
        };
        Ok(domain::regions::lineage(db(ctx).reader(), &place).await?)
    }
    async fn sector(&self, ctx: &Context<'_>) -> Result<Option<sector::Model>> {
        load::<sector::Entity>(ctx, self.0.sector_id).await
    }
    async fn activity(&self, ctx: &Context<'_>) -> Result<Option<activity::Model>> {
        load::<activity::Entity>(ctx, self.0.activity_id).await
    }
    /// Null for the public when the proposer chose to stay anonymous (`proposerName` then
    /// says "Warga <kelurahan>").
    async fn proposer(&self, ctx: &Context<'_>) -> Result<Option<Account>> {
        let Some(proposer) = load::<account::Entity>(ctx, Some(self.0.proposer_id)).await? else {
            return Ok(None);
        };
        if self.0.proposer_anonymous && !super::may_see_personal_data(ctx, &proposer).await? {
            return Ok(None);
        }
        Ok(Some(Account::from(proposer)))
    }
    /// Whether the proposer chose to stay anonymous to the public.
    async fn anonymous_to_public(&self) -> bool {
        self.0.proposer_anonymous
    }
    /// The proposer's name as the viewer may see it: the name, or "Warga <kelurahan>" for a
    /// proposer anonymous to the public.
    async fn proposer_name(&self, ctx: &Context<'_>) -> Result<String> {
        let Some(proposer) = load::<account::Entity>(ctx, Some(self.0.proposer_id)).await? else {
            return Ok(String::new());
        };
        if !self.0.proposer_anonymous || super::may_see_personal_data(ctx, &proposer).await? {
            return Ok(proposer.name);
        }
        let place = load::<region::Entity>(ctx, Some(self.0.region_id)).await?;
        let kelurahan = match place {
            Some(place) => domain::regions::lineage(db(ctx).reader(), &place)
                .await?
                .into_iter()
                .find(|r| r.level == entity::enums::RegionLevel::DesaKelurahan)
                .map(|r| r.name),
            None => None,
        };
        Ok(match kelurahan {
            Some(name) => format!("Warga {name}"),
            None => "Warga".to_owned(),
        })
    }
    async fn initial_agency(&self, ctx: &Context<'_>) -> Result<Option<agency::Model>> {
        load::<agency::Entity>(ctx, self.0.initial_agency_id).await
    }
    async fn final_agency(&self, ctx: &Context<'_>) -> Result<Option<agency::Model>> {
        load::<agency::Entity>(ctx, self.0.final_agency_id).await
    }
    async fn merged_into(&self, ctx: &Context<'_>) -> Result<Option<Proposal>> {
        Ok(load::<proposal::Entity>(ctx, self.0.merged_into_id)
            .await?
            .map(Proposal))
    }
    /// The resident's report this proposal was made from, when the viewer may see it.
    async fn source_report(&self, ctx: &Context<'_>) -> Result<Option<super::complaints::Report>> {
        let Some(row) =
            domain::complaints::source_of(db(ctx).reader(), actor(ctx), self.0.id).await?
        else {
            return Ok(None);
        };
        Ok(Some(super::complaints::Report::of(ctx, row).await?))
    }

    /// The proposal's own files (those sent with its comments and implementation reports
    /// appear there).
    async fn attachments(&self, ctx: &Context<'_>) -> Result<Vec<proposal_attachment::Model>> {
        Ok(children::<proposal_attachment::Entity>(ctx, self.0.id)
            .await?
            .into_iter()
            .filter(|a| a.comment_id.is_none() && a.implementation_update_id.is_none())
            .collect())
    }
    /// Every status change, oldest first, at every level.
    async fn history(&self, ctx: &Context<'_>) -> Result<Vec<proposal_status_change::Model>> {
        children::<proposal_status_change::Entity>(ctx, self.0.id).await
    }
    async fn recommendations(&self, ctx: &Context<'_>) -> Result<Vec<recommendation::Model>> {
        children::<recommendation::Entity>(ctx, self.0.id).await
    }
    /// All comments, oldest first; replies name their parent.
    async fn comments(&self, ctx: &Context<'_>) -> Result<Vec<Comment>> {
        Ok(children::<comment::Entity>(ctx, self.0.id)
            .await?
            .into_iter()
            .map(Comment)
            .collect())
    }
    async fn comment_count(&self, ctx: &Context<'_>) -> Result<usize> {
        Ok(children::<comment::Entity>(ctx, self.0.id)
            .await?
            .iter()
            .filter(|c| c.hidden_at.is_none())
            .count())
    }
    /// How far the responsible agency has carried it out, once accepted into the plan.
    async fn implementation_status(&self) -> Option<ImplementationStatus> {
        self.0.implementation_status
    }
    /// Its whole path: levels, decisions with reasons, votes, plan and implementation.
    #[graphql(complexity = "100 + child_complexity")]
    async fn path(&self, ctx: &Context<'_>) -> Result<domain::proposal_path::ProposalPath> {
        Ok(domain::proposal_path::path(db(ctx), &self.0).await?)
    }
    /// The proposal of an earlier cycle this one continues.
    async fn carried_over_from(&self, ctx: &Context<'_>) -> Result<Option<Proposal>> {
        Ok(load::<proposal::Entity>(ctx, self.0.carried_over_from_id)
            .await?
            .map(Proposal))
    }
    /// Its continuation in a later cycle, if it was carried over.
    async fn carried_over_to(&self, ctx: &Context<'_>) -> Result<Option<Proposal>> {
        Ok(domain::carry_over::continuation(db(ctx), self.0.id)
            .await?
            .map(Proposal))
    }
    /// The statuses the viewer may move this proposal to now (ignoring the stage's schedule).
    async fn available_transitions(&self, ctx: &Context<'_>) -> Result<Vec<AvailableTransition>> {
        let Some(viewer) = actor(ctx) else {
            return Ok(Vec::new());
        };
        let conn = db(ctx).reader();
        let forum = domain::find::<forum::Entity>(conn, self.0.forum_id, "forum").await?;
        Ok(
            domain::access::ProposalPowers::of(conn, viewer, &self.0, &forum)
                .await?
                .allowed_from(self.0.status)
                .into_iter()
                .map(|(to, t)| AvailableTransition {
                    to,
                    note_required: t.note_required,
                })
                .collect(),
        )
    }
}

pub struct Comment(pub comment::Model);

#[Object]
impl Comment {
    async fn id(&self) -> i32 {
        self.0.id
    }
    async fn proposal_id(&self) -> i32 {
        self.0.proposal_id
    }
    async fn parent_id(&self) -> Option<i32> {
        self.0.parent_id
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn author(&self, ctx: &Context<'_>) -> Result<Option<Account>> {
        Ok(load::<account::Entity>(ctx, Some(self.0.author_id))
            .await?
            .map(Account::from))
    }
    async fn hidden(&self) -> bool {
        self.0.hidden_at.is_some()
    }
    async fn hidden_reason(&self) -> Option<&str> {
        self.0.hidden_reason.as_deref()
    }
    /// A hidden comment's text is shown only to the forum's staff.
    async fn body(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        if self.readable(ctx).await? {
            Ok(Some(self.0.body.clone()))
        } else {
            Ok(None)
        }
    }
    /// The photos sent with the comment; a hidden comment's, like its text, to staff only.
    async fn attachments(&self, ctx: &Context<'_>) -> Result<Vec<proposal_attachment::Model>> {
        if !self.readable(ctx).await? {
            return Ok(Vec::new());
        }
        Ok(
            children::<proposal_attachment::Entity>(ctx, self.0.proposal_id)
                .await?
                .into_iter()
                .filter(|a| a.comment_id == Some(self.0.id))
                .collect(),
        )
    }
}

impl Comment {
    async fn readable(&self, ctx: &Context<'_>) -> Result<bool> {
        Ok(self.0.hidden_at.is_none()
            || domain::access::may_read_hidden_comment(db(ctx).reader(), actor(ctx), &self.0)
                .await?)
    }
}

/// A signed-in session: the bearer token to send as `Authorization: Bearer …`.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct AuthPayload {
    pub token: String,
    #[graphql(skip)]
    pub account: account::Model,
}

#[ComplexObject]
impl AuthPayload {
    async fn account(&self) -> Account {
        Account::owner_view(self.account.clone())
    }
}

/// What registering led to: signed in (`token` and `account`), or, when the server sends mail
/// and an address was given, `confirmationMailed` (and neither): the account exists once the
/// mailed link is opened. That answer is the same whether or not the address had an account.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct RegisterPayload {
    pub confirmation_mailed: bool,
    pub token: Option<String>,
    #[graphql(skip)]
    pub account: Option<account::Model>,
}

#[ComplexObject]
impl RegisterPayload {
    async fn account(&self) -> Option<Account> {
        self.account.clone().map(Account::owner_view)
    }
}

/// The outcome of a logout.
#[derive(SimpleObject)]
pub struct Done {
    pub ok: bool,
}

pub struct VotingRound(pub entity::voting_round::Model);

#[Object]
impl VotingRound {
    async fn id(&self) -> i32 {
        self.0.id
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    async fn method(&self) -> entity::enums::BallotMethod {
        self.0.method
    }
    async fn max_choices(&self) -> Option<i32> {
        self.0.max_choices
    }
    async fn points_budget(&self) -> Option<i32> {
        self.0.points_budget
    }
    async fn max_points_per_proposal(&self) -> Option<i32> {
        self.0.max_points_per_proposal
    }
    /// Rupiah a knapsack ballot may spend.
    async fn cost_limit(&self) -> Option<i64> {
        self.0.cost_limit
    }
    /// The selection rule applied at the close.
    async fn rule(&self) -> &str {
        &self.0.rule
    }
    async fn opens_at(&self) -> DateTime<Utc> {
        self.0.opens_at
    }
    async fn closes_at(&self) -> DateTime<Utc> {
        self.0.closes_at
    }
    async fn closed_at(&self) -> Option<DateTime<Utc>> {
        self.0.closed_at
    }
    async fn live_tally(&self) -> bool {
        self.0.live_tally
    }
    async fn is_open(&self) -> bool {
        domain::voting::is_open(&self.0, domain::now())
    }
    async fn is_closed(&self) -> bool {
        domain::voting::is_closed(&self.0, domain::now())
    }
    async fn forum(&self, ctx: &Context<'_>) -> Result<Option<Forum>> {
        Ok(load::<forum::Entity>(ctx, Some(self.0.forum_id))
            .await?
            .map(Forum))
    }
    /// The proposals on the ballot.
    async fn proposals(&self, ctx: &Context<'_>) -> Result<Vec<Proposal>> {
        let ids = domain::voting::round_proposal_ids(db(ctx), self.0.id).await?;
        let loaded = ctx
            .data_unchecked::<DataLoader<ById<proposal::Entity>>>()
            .load_many(ids.iter().copied())
            .await?;
        Ok(ids
            .iter()
            .filter_map(|id| loaded.get(id).cloned())
            .map(Proposal)
            .collect())
    }
    /// The viewer's own ballot, if they voted.
    async fn my_ballot(&self, ctx: &Context<'_>) -> Result<Option<domain::voting::OwnBallot>> {
        match actor(ctx) {
            Some(viewer) => Ok(domain::voting::own_ballot(db(ctx), viewer, self.0.id).await?),
            None => Ok(None),
        }
    }
    /// Totals per proposal: exact after the close; while the round runs, only for a live
    /// tally and in steps of `minimumBallots` (the same for everybody, staff included).
    #[graphql(complexity = "100 + child_complexity")]
    async fn tally(&self, ctx: &Context<'_>) -> Result<domain::voting::Tally> {
        Ok(domain::voting::tally(db(ctx), self.0.id).await?)
    }
    /// The rule applied to the ballots within the forum's ceiling, with the reason for every
    /// proposal and the forum's decisions (after the close).
    #[graphql(complexity = "100 + child_complexity")]
    async fn outcome(&self, ctx: &Context<'_>) -> Result<domain::outcome::RoundOutcome> {
        Ok(domain::outcome::outcome(db(ctx), self.0.id).await?)
    }
    /// The closed round as a Pabulib `.pb` file (anonymous ballots, open data).
    #[graphql(complexity = "100 + child_complexity")]
    async fn pabulib(&self, ctx: &Context<'_>) -> Result<String> {
        Ok(domain::open_data::export_pb(db(ctx), self.0.id).await?)
    }
    /// Every ballot's choices, once the round is closed: no voter, receipt, channel or time,
    /// in an order that depends on the choices alone.
    #[graphql(complexity = "100 + child_complexity")]
    async fn published_ballots(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Vec<domain::sealing::PublishedBallot>> {
        Ok(domain::sealing::published_ballots(db(ctx), self.0.id).await?)
    }
    /// The receipts of the counted ballots, sorted, once the round is closed.
    #[graphql(complexity = "100 + child_complexity")]
    async fn counted_receipts(&self, ctx: &Context<'_>) -> Result<Vec<String>> {
        Ok(domain::sealing::counted_receipts(db(ctx), self.0.id).await?)
    }
    /// Paper ballots their voters dispute (the forum's staff only).
    async fn paper_ballot_contests(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Vec<domain::paper_ballots::PaperBallotContest>> {
        let viewer = actor(ctx).ok_or(crate::error::AppError::Unauthenticated)?;
        Ok(domain::paper_ballots::contests(db(ctx), viewer, self.0.id).await?)
    }
}

/// Something that happened that concerns the signed-in person. `details` says what, for the app
/// to phrase in the reader's language; `summary` is the same in Bahasa Indonesia.
pub struct Notification(pub entity::notification::Model);

#[Object]
impl Notification {
    async fn id(&self) -> i32 {
        self.0.id
    }
    async fn kind(&self) -> entity::enums::NotificationKind {
        self.0.kind
    }
    async fn proposal_id(&self) -> Option<i32> {
        self.0.proposal_id
    }
    async fn forum_id(&self) -> Option<i32> {
        self.0.forum_id
    }
    async fn created_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.created_at
    }
    async fn read_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.0.read_at
    }
    async fn details(&self) -> Result<crate::domain::notifications::Details> {
        Ok(crate::domain::notifications::details_of(&self.0)?)
    }
    async fn summary(&self) -> Result<String> {
        let details = crate::domain::notifications::details_of(&self.0)?;
        Ok(crate::domain::notifications::summary(self.0.kind, &details))
    }
}

/// How the person hears of one kind of notification.
#[derive(SimpleObject)]
pub struct NotificationPreference {
    pub kind: entity::enums::NotificationKind,
    pub delivery: entity::enums::NotificationDelivery,
}

impl NotificationPreference {
    pub fn all(
        list: Vec<(
            entity::enums::NotificationKind,
            entity::enums::NotificationDelivery,
        )>,
    ) -> Vec<Self> {
        list.into_iter()
            .map(|(kind, delivery)| Self { kind, delivery })
            .collect()
    }
}

#[ComplexObject]
impl domain::planning::ForumProgress {
    async fn forum(&self) -> Forum {
        Forum(self.forum.clone())
    }
}
