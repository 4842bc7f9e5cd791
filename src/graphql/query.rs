use async_graphql::{Context, Object, Result, SimpleObject};
use entity::{activity, agency, audit_log, cycle, enums::RegionLevel, forum, region, sector};

use super::{
    actor, db, signed_in, state,
    types::{
        connection, Account, Cycle, Forum, Notification, NotificationPreference, PageOf, Proposal,
        VotingRound,
    },
    window,
};
use crate::domain::{
    self,
    accounts::AccountFilter,
    planning::ForumFilter,
    proposals::{ProposalFilter, ProposalSort},
    regions::RegionFilter,
};

pub struct QueryRoot;

#[Object]
impl QueryRoot {
    /// Where the map takes its background tiles from (the operator's `MUSRENBANG_MAP_TILES`);
    /// null: the map without tiles.
    async fn map_tiles(&self, ctx: &Context<'_>) -> Option<MapTiles> {
        state(ctx)
            .settings
            .map_tiles
            .as_ref()
            .map(|tiles| MapTiles {
                url_template: tiles.url_template.clone(),
                attribution: tiles.attribution.clone(),
            })
    }

    /// The signed-in account, or null.
    async fn me(&self, ctx: &Context<'_>) -> Option<Account> {
        actor(ctx).map(|a| Account::from(a.account.clone()))
    }

    /// Everything kept about the signed-in person, as one JSON document.
    async fn my_data(&self, ctx: &Context<'_>) -> Result<async_graphql::Json<serde_json::Value>> {
        let me = actor(ctx).ok_or(crate::error::AppError::Unauthenticated)?;
        Ok(async_graphql::Json(
            domain::personal_data::my_data(db(ctx), me).await?,
        ))
    }

    /// The signed-in person's notifications, newest first: `first` (at most 100) of them before
    /// the notification `before` (an id, to read further back).
    async fn notifications(
        &self,
        ctx: &Context<'_>,
        unread_only: Option<bool>,
        before: Option<i32>,
        #[graphql(default = 20)] first: i32,
    ) -> Result<Vec<Notification>> {
        let me = signed_in(ctx)?;
        let rows = domain::notifications::list(
            db(ctx),
            me,
            unread_only.unwrap_or(false),
            before,
            u64::try_from(first).unwrap_or(1),
        )
        .await?;
        Ok(rows.into_iter().map(Notification).collect())
    }

    /// How many of the signed-in person's notifications are unread (0 when signed out).
    async fn unread_notification_count(&self, ctx: &Context<'_>) -> Result<i32> {
        let Some(me) = actor(ctx) else {
            return Ok(0);
        };
        let count = domain::notifications::unread_count(db(ctx), me).await?;
        Ok(i32::try_from(count).unwrap_or(i32::MAX))
    }

    /// How the signed-in person hears of each kind of notification.
    async fn notification_preferences(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Vec<NotificationPreference>> {
        let me = signed_in(ctx)?;
        Ok(NotificationPreference::all(
            domain::notifications::preferences(db(ctx), me).await?,
        ))
    }

    async fn region(&self, ctx: &Context<'_>, id: i32) -> Result<region::Model> {
        Ok(domain::find::<region::Entity>(db(ctx).reader(), id, "region").await?)
    }

    /// Regions by parent, level, subtree (`within`) or name.
    #[allow(clippy::too_many_arguments)]
    async fn regions(
        &self,
        ctx: &Context<'_>,
        parent_id: Option<i32>,
        level: Option<RegionLevel>,
        within: Option<i32>,
        search: Option<String>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<PageOf<region::Model>> {
        let window = window(first, after)?;
        let page = domain::regions::list(
            db(ctx),
            RegionFilter {
                parent_id,
                level,
                within,
                search,
            },
            window,
        )
        .await?;
        Ok(connection(page, window, |r| r))
    }

    async fn agencies(&self, ctx: &Context<'_>) -> Result<Vec<agency::Model>> {
        Ok(domain::catalogue::agencies(db(ctx)).await?)
    }

    async fn sectors(&self, ctx: &Context<'_>) -> Result<Vec<sector::Model>> {
        Ok(domain::catalogue::sectors(db(ctx)).await?)
    }

    /// The catalogue of standard activities (kamus usulan).
    async fn activities(&self, ctx: &Context<'_>) -> Result<Vec<activity::Model>> {
        Ok(domain::catalogue::activities(db(ctx)).await?)
    }

    async fn cycles(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<PageOf<Cycle>> {
        let window = window(first, after)?;
        let page = domain::planning::cycles(db(ctx), window).await?;
        Ok(connection(page, window, Cycle))
    }

    /// The planner's dashboard of a cycle: every forum with its proposals, verifications
    /// waiting, budget used against the ceiling, and whether its stage ran out while it is
    /// still open. For the cycle's planners and administrators.
    async fn cycle_progress(
        &self,
        ctx: &Context<'_>,
        cycle_id: i32,
    ) -> Result<Vec<domain::planning::ForumProgress>> {
        let me = signed_in(ctx)?;
        Ok(domain::planning::progress(db(ctx), me, cycle_id).await?)
    }

    async fn cycle(&self, ctx: &Context<'_>, id: i32) -> Result<Cycle> {
        Ok(Cycle(
            domain::find::<cycle::Entity>(db(ctx).reader(), id, "cycle").await?,
        ))
    }

    async fn forums(
        &self,
        ctx: &Context<'_>,
        #[graphql(default)] filter: ForumFilter,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<PageOf<Forum>> {
        let window = window(first, after)?;
        let page = domain::planning::forums(db(ctx), filter, window).await?;
        Ok(connection(page, window, Forum))
    }

    async fn forum(&self, ctx: &Context<'_>, id: i32) -> Result<Forum> {
        Ok(Forum(
            domain::find::<forum::Entity>(db(ctx).reader(), id, "forum").await?,
        ))
    }

    /// Proposals by cycle, forum, region subtree, status, sector, level, proposer or text.
    /// Drafts appear only to their proposer.
    async fn proposals(
        &self,
        ctx: &Context<'_>,
        #[graphql(default)] filter: ProposalFilter,
        #[graphql(default)] sort: ProposalSort,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<PageOf<Proposal>> {
        let window = window(first, after)?;
        let page = domain::proposals::list(db(ctx), actor(ctx), filter, sort, window).await?;
        Ok(connection(page, window, Proposal))
    }

    /// When `proposals` with this filter finds nothing, the search it probably meant, from
    /// the words of the titles the rest of the filter lists ("drainse" → "drainase"); null
    /// when the search finds something or nothing near is known.
    async fn proposal_search_suggestion(
        &self,
        ctx: &Context<'_>,
        filter: ProposalFilter,
    ) -> Result<Option<String>> {
        Ok(domain::proposals::search_suggestion(db(ctx), actor(ctx), filter).await?)
    }

    async fn proposal(&self, ctx: &Context<'_>, id: i32) -> Result<Proposal> {
        Ok(Proposal(
            domain::proposals::get(db(ctx), actor(ctx), id).await?,
        ))
    }

    /// The signed-in resident's own proposals, drafts included.
    async fn my_proposals(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<PageOf<Proposal>> {
        let me = signed_in(ctx)?;
        let window = window(first, after)?;
        let filter = ProposalFilter {
            proposer_id: Some(me.id()),
            ..Default::default()
        };
        let page = domain::proposals::list(db(ctx), Some(me), filter, ProposalSort::Newest, window)
            .await?;
        Ok(connection(page, window, Proposal))
    }

    /// Accounts in the caller's scope (staff only), e.g. the residents awaiting verification.
    async fn accounts(
        &self,
        ctx: &Context<'_>,
        #[graphql(default)] filter: AccountFilter,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<PageOf<Account>> {
        let me = signed_in(ctx)?;
        let window = window(first, after)?;
        let page = domain::accounts::list(db(ctx), me, filter, window).await?;
        Ok(connection(page, window, Account::from))
    }

    /// The audit log of privileged actions, newest first (administrators and planners).
    async fn audit_log(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<PageOf<audit_log::Model>> {
        let me = signed_in(ctx)?;
        let window = window(first, after)?;
        let page = domain::audit::list(db(ctx).reader(), me, window).await?;
        Ok(connection(page, window, |e| e))
    }

    async fn voting_round(&self, ctx: &Context<'_>, id: i32) -> Result<VotingRound> {
        Ok(VotingRound(
            domain::find::<entity::voting_round::Entity>(db(ctx).reader(), id, "voting round")
                .await?,
        ))
    }

    /// Whether a receipt is among the counted ones of a closed round: the voter's check that
    /// their ballot was counted. It never tells how anyone voted.
    async fn check_receipt(
        &self,
        ctx: &Context<'_>,
        round_id: i32,
        receipt: String,
    ) -> Result<domain::sealing::ReceiptCheck> {
        Ok(domain::sealing::check_receipt(db(ctx), round_id, &receipt).await?)
    }
}

/// Where the web app's map takes its background from.
#[derive(SimpleObject)]
pub struct MapTiles {
    /// A URL template with `{z}`, `{x}` and `{y}` (and optionally `{s}`).
    pub url_template: String,
    /// The credit the tiles' licence asks for.
    pub attribution: String,
}
