//! The complaint channel's API: reports, their workflow, photos, the satisfaction survey, the
//! public dashboard, and the administrators' categories and holidays.
use async_graphql::{Context, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{
    agency,
    enums::{RejectionReason, ReportKind, ReportPrivacy, ReportRole, ReportStatus},
    holiday, region, report, report_category, report_photo, report_update,
};

use super::{
    actor, client, db, signed_in, state,
    types::{connection, load, Forum, PageOf, Proposal},
    window,
};
use crate::{
    domain::{
        access::ReportStanding,
        complaints::{
            self, dashboard, photos, CreateReportCategoryInput, FileReportInput, HolidayInput,
            MoveReportInput, ReportFilter, SatisfactionInput, UpdateReportCategoryInput,
        },
        idempotency, proposals, throttle,
    },
    error::AppError,
};

/// A report with what the viewer is to it (which decides the reporter's name, the moves and
/// the staff-only fields).
pub struct Report {
    pub row: report::Model,
    pub standing: ReportStanding,
}

impl Report {
    pub(super) async fn of(ctx: &Context<'_>, row: report::Model) -> Result<Self> {
        let standing = Self::standings(ctx, std::slice::from_ref(&row))
            .await?
            .pop()
            .unwrap_or_default();
        Ok(Self { row, standing })
    }

    /// Many reports with the viewer's standing to each, read in one go (a queue page).
    pub(super) async fn all(ctx: &Context<'_>, rows: Vec<report::Model>) -> Result<Vec<Self>> {
        let standings = Self::standings(ctx, &rows).await?;
        Ok(rows
            .into_iter()
            .zip(standings)
            .map(|(row, standing)| Self { row, standing })
            .collect())
    }

    async fn standings(ctx: &Context<'_>, rows: &[report::Model]) -> Result<Vec<ReportStanding>> {
        let auth = ctx.data_opt::<super::RequestAuth>();
        let Some((auth, viewer)) = auth.and_then(|a| Some((a, a.actor.as_ref()?))) else {
            return Ok(vec![ReportStanding::default(); rows.len()]);
        };
        let scope = super::viewer_scope(ctx, auth, viewer).await?;
        Ok(ReportStanding::of_many(db(ctx).reader(), viewer, scope, rows).await?)
    }
}

/// A step of a report's history. It names the capacity (reporter, coordinator, agency,
/// the clock), never the person.
#[derive(SimpleObject)]
pub struct ReportUpdate {
    pub actor_role: ReportRole,
    pub from_status: Option<ReportStatus>,
    pub to_status: ReportStatus,
    pub note: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<report_update::Model> for ReportUpdate {
    fn from(row: report_update::Model) -> Self {
        Self {
            actor_role: row.actor_role,
            from_status: row.from_status,
            to_status: row.to_status,
            note: row.note,
            created_at: row.created_at,
        }
    }
}

#[derive(SimpleObject)]
pub struct ReportPhoto {
    pub id: i32,
    pub url: String,
    pub thumbnail_url: String,
    /// Sent by the agency with its answer (else by the reporter or the coordinators).
    pub from_agency: bool,
    pub width: Option<i32>,
    pub height: Option<i32>,
}

impl From<report_photo::Model> for ReportPhoto {
    fn from(row: report_photo::Model) -> Self {
        Self {
            id: row.id,
            url: format!("/media/laporan/{}", row.id),
            thumbnail_url: format!("/media/laporan/{}/thumb", row.id),
            from_agency: row.update_id.is_some(),
            width: row.width,
            height: row.height,
        }
    }
}

/// A nearby open report of the same category.
#[derive(SimpleObject)]
pub struct LikelyDuplicate {
    pub report: Report,
    /// Metres between the two, when both have coordinates.
    pub distance_metres: Option<f64>,
}

#[Object]
impl Report {
    async fn id(&self) -> i32 {
        self.row.id
    }
    /// `LAP-000123`.
    async fn code(&self) -> String {
        complaints::code_of(&self.row)
    }
    async fn kind(&self) -> ReportKind {
        self.row.kind
    }
    async fn title(&self) -> &str {
        &self.row.title
    }
    async fn body(&self) -> &str {
        &self.row.body
    }
    async fn category(&self, ctx: &Context<'_>) -> Result<Option<report_category::Model>> {
        load::<report_category::Entity>(ctx, Some(self.row.category_id)).await
    }
    async fn region(&self, ctx: &Context<'_>) -> Result<Option<region::Model>> {
        load::<region::Entity>(ctx, Some(self.row.region_id)).await
    }
    async fn address(&self) -> &str {
        &self.row.address
    }
    async fn latitude(&self) -> Option<f64> {
        self.row.latitude
    }
    async fn longitude(&self) -> Option<f64> {
        self.row.longitude
    }
    async fn privacy(&self) -> ReportPrivacy {
        self.row.privacy
    }
    /// Whether the agency may see who reported.
    async fn share_identity_with_agency(&self) -> bool {
        self.row.share_identity_with_agency
    }
    async fn status(&self) -> ReportStatus {
        self.row.status
    }
    /// The reporter's name, for those who may know it; otherwise null (show "Pelapor
    /// anonim").
    async fn reporter_name(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        if !self.standing.may_see_reporter(&self.row) {
            return Ok(None);
        }
        Ok(
            load::<entity::account::Entity>(ctx, Some(self.row.reporter_id))
                .await?
                .map(|a| a.name),
        )
    }
    /// The viewer filed it.
    async fn mine(&self) -> bool {
        self.standing.reporter
    }
    /// The viewer follows it (a duplicate of theirs was merged into it).
    async fn following(&self) -> bool {
        self.standing.follower
    }
    /// The viewer handles it as a coordinator of its area.
    async fn coordinating(&self) -> bool {
        self.standing.coordinator
    }
    /// The viewer handles it as staff of its agency.
    async fn handling_agency(&self) -> bool {
        self.standing.agency
    }
    async fn agency(&self, ctx: &Context<'_>) -> Result<Option<agency::Model>> {
        load::<agency::Entity>(ctx, self.row.agency_id).await
    }
    async fn rejection_reason(&self) -> Option<RejectionReason> {
        self.row.rejection_reason
    }
    async fn merged_into_id(&self) -> Option<i32> {
        self.row.merged_into_id
    }
    /// The proposal it became, when the viewer may see that proposal.
    async fn proposal(&self, ctx: &Context<'_>) -> Result<Option<Proposal>> {
        let Some(id) = self.row.proposal_id else {
            return Ok(None);
        };
        match proposals::find_visible(db(ctx).reader(), actor(ctx), id).await {
            Ok(found) => Ok(Some(Proposal(found))),
            Err(AppError::NotFound(_)) => Ok(None),
            Err(other) => Err(other.into()),
        }
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.row.created_at
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.row.updated_at
    }
    /// When verification is due (3 working days by default).
    async fn verify_due_at(&self) -> DateTime<Utc> {
        self.row.verify_due_at
    }
    async fn verified_at(&self) -> Option<DateTime<Utc>> {
        self.row.verified_at
    }
    async fn disposed_at(&self) -> Option<DateTime<Utc>> {
        self.row.disposed_at
    }
    /// When the agency's (next) follow-up is due (5 working days after disposition by default).
    async fn follow_up_due_at(&self) -> Option<DateTime<Utc>> {
        self.row.follow_up_due_at
    }
    async fn first_follow_up_at(&self) -> Option<DateTime<Utc>> {
        self.row.first_follow_up_at
    }
    async fn answered_at(&self) -> Option<DateTime<Utc>> {
        self.row.answered_at
    }
    async fn closed_at(&self) -> Option<DateTime<Utc>> {
        self.row.closed_at
    }
    /// The clock that runs now (verification or follow-up), if any.
    async fn due_at(&self) -> Option<DateTime<Utc>> {
        complaints::running_deadline(&self.row)
    }
    /// Past its running clock.
    async fn overdue(&self) -> bool {
        complaints::is_overdue(&self.row, crate::domain::now())
    }
    /// How many clocks it missed or disputes it had (0: none).
    async fn escalation_level(&self) -> i32 {
        self.row.escalation_level
    }
    async fn disputed(&self) -> bool {
        self.row.disputed
    }
    async fn history(&self, ctx: &Context<'_>) -> Result<Vec<ReportUpdate>> {
        Ok(complaints::history(db(ctx).reader(), self.row.id)
            .await?
            .into_iter()
            .map(ReportUpdate::from)
            .collect())
    }
    async fn photos(&self, ctx: &Context<'_>) -> Result<Vec<ReportPhoto>> {
        Ok(photos::of_report(db(ctx).reader(), self.row.id)
            .await?
            .into_iter()
            .map(ReportPhoto::from)
            .collect())
    }
    async fn followers_count(&self, ctx: &Context<'_>) -> Result<u64> {
        Ok(complaints::follower_count(db(ctx).reader(), self.row.id).await?)
    }
    /// The statuses the viewer may move it to now.
    async fn available_moves(&self) -> Vec<ReportStatus> {
        complaints::available_moves(&self.row, &self.standing)
    }
    /// Whether the reporter may fill in the satisfaction survey now.
    async fn can_rate(&self, ctx: &Context<'_>) -> Result<bool> {
        Ok(self.standing.reporter
            && self.row.status == ReportStatus::Closed
            && self.row.agency_id.is_some()
            && !complaints::is_rated(db(ctx).reader(), self.row.id).await?)
    }
    /// Open reports of the same category nearby in place and time (coordinators only).
    async fn likely_duplicates(&self, ctx: &Context<'_>) -> Result<Vec<LikelyDuplicate>> {
        let me = signed_in(ctx)?;
        let (rows, distances): (Vec<_>, Vec<_>) =
            complaints::likely_duplicates(db(ctx), me, self.row.id)
                .await?
                .into_iter()
                .unzip();
        Ok(Report::all(ctx, rows)
            .await?
            .into_iter()
            .zip(distances)
            .map(|(report, distance)| LikelyDuplicate {
                report,
                distance_metres: distance.map(|d| d.round()),
            })
            .collect())
    }
    /// The forum a proposal made from it would go to (coordinators only; null otherwise).
    async fn suggested_forum(&self, ctx: &Context<'_>) -> Result<Option<Forum>> {
        if !self.standing.coordinator {
            return Ok(None);
        }
        Ok(complaints::suggested_forum(db(ctx).reader(), &self.row)
            .await?
            .map(Forum))
    }
}

#[derive(Default)]
pub struct ReportQuery;

#[Object]
impl ReportQuery {
    /// The categories a report may have, each with its agency and clocks.
    async fn report_categories(&self, ctx: &Context<'_>) -> Result<Vec<report_category::Model>> {
        Ok(complaints::categories(db(ctx).reader()).await?)
    }

    /// Reports: published ones (`PUBLIC`), the caller's own (`MINE`) or what the caller
    /// handles as staff (`QUEUE`, overdue first).
    async fn reports(
        &self,
        ctx: &Context<'_>,
        #[graphql(default)] filter: ReportFilter,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<PageOf<Report>> {
        let window = window(first, after)?;
        let page = complaints::list(db(ctx), actor(ctx), filter, window).await?;
        let items = Report::all(ctx, page.items).await?;
        Ok(connection(
            crate::domain::Page {
                items,
                total: page.total,
            },
            window,
            |r| r,
        ))
    }

    /// One report, for those who may see it (a secret one: its reporter and the staff
    /// handling it).
    async fn report(&self, ctx: &Context<'_>, id: i32) -> Result<Report> {
        let (row, standing) = complaints::find_visible(db(ctx).reader(), actor(ctx), id).await?;
        Ok(Report { row, standing })
    }

    /// The complaint channel's figures for a year: volumes, answers on time, time to the first
    /// follow-up, per category, and the satisfaction index per agency. Public.
    async fn report_dashboard(&self, ctx: &Context<'_>, year: i32) -> Result<dashboard::Dashboard> {
        Ok(dashboard::dashboard(db(ctx), year).await?)
    }

    /// The holidays and collective leave days of a year, which the service clocks skip.
    async fn holidays(&self, ctx: &Context<'_>, year: i32) -> Result<Vec<holiday::Model>> {
        Ok(complaints::holidays(db(ctx).reader(), year).await?)
    }
}

#[derive(Default)]
pub struct ReportMutation;

#[Object]
impl ReportMutation {
    /// Files a report (anonymous to the public unless `privacy` says otherwise). With
    /// `idempotencyKey`, sending it again returns the first one.
    async fn file_report(
        &self,
        ctx: &Context<'_>,
        input: FileReportInput,
        idempotency_key: Option<String>,
    ) -> Result<Report> {
        let me = signed_in(ctx)?;
        let key = idempotency::checked(idempotency_key)?;
        let limits = &state(ctx).settings.limits;
        let row = idempotency::create_once::<report::Entity>(
            db(ctx),
            me.id(),
            key.as_deref(),
            idempotency::Operation::FileReport,
            "report",
            throttle::take_action(
                db(ctx),
                "report",
                Some((me.id(), limits.report_per_account)),
                client(ctx),
                limits.report_per_address,
            ),
            complaints::file(db(ctx), me, input, key.as_deref()),
        )
        .await?;
        Report::of(ctx, row).await
    }

    /// One step of the workflow: verify, reject (with `reason`), dispose to an agency, follow
    /// up, answer, hand back, accept (close) or dispute (reopen). `note` says why.
    async fn move_report(&self, ctx: &Context<'_>, input: MoveReportInput) -> Result<Report> {
        let me = signed_in(ctx)?;
        let row = complaints::move_report(db(ctx), me, input).await?;
        Report::of(ctx, row).await
    }

    /// Merges a duplicate into the report it repeats (coordinators of both).
    async fn merge_report(
        &self,
        ctx: &Context<'_>,
        report_id: i32,
        into_id: i32,
    ) -> Result<Report> {
        let me = signed_in(ctx)?;
        let row = complaints::merge(db(ctx), me, report_id, into_id).await?;
        Report::of(ctx, row).await
    }

    /// Turns a report into a draft proposal of an open forum (coordinators), linked both ways.
    async fn report_to_proposal(
        &self,
        ctx: &Context<'_>,
        report_id: i32,
        proposal: proposals::CreateProposalInput,
    ) -> Result<Proposal> {
        let me = signed_in(ctx)?;
        Ok(Proposal(
            complaints::to_proposal(db(ctx), me, report_id, proposal).await?,
        ))
    }

    /// The reporter's satisfaction survey of a closed report (once).
    async fn rate_report(
        &self,
        ctx: &Context<'_>,
        report_id: i32,
        answers: SatisfactionInput,
    ) -> Result<bool> {
        let me = signed_in(ctx)?;
        complaints::rate(db(ctx), me, report_id, answers).await?;
        Ok(true)
    }

    /// Uploads a photo (or PDF) for a report, as `uploadAttachment` does for proposals:
    /// re-encoded without metadata, at most 10 MB a file and 8 a report.
    async fn upload_report_photo(
        &self,
        ctx: &Context<'_>,
        report_id: i32,
        file: async_graphql::Upload,
    ) -> Result<ReportPhoto> {
        let me = signed_in(ctx)?;
        let (_, bytes) = super::received_upload(ctx, me, &file).await?;
        Ok(photos::upload(db(ctx), me, report_id, bytes).await?.into())
    }

    /// A category of reports and the agency it goes to (administrators).
    async fn create_report_category(
        &self,
        ctx: &Context<'_>,
        input: CreateReportCategoryInput,
    ) -> Result<report_category::Model> {
        let me = signed_in(ctx)?;
        Ok(complaints::create_category(db(ctx), me, input).await?)
    }

    /// Changes a category's name, agency or clocks, or retires it (administrators).
    async fn update_report_category(
        &self,
        ctx: &Context<'_>,
        input: UpdateReportCategoryInput,
    ) -> Result<report_category::Model> {
        let me = signed_in(ctx)?;
        Ok(complaints::update_category(db(ctx), me, input).await?)
    }

    /// Replaces a year's holidays and collective leave days (administrators).
    async fn set_holidays(
        &self,
        ctx: &Context<'_>,
        year: i32,
        holidays: Vec<HolidayInput>,
    ) -> Result<Vec<holiday::Model>> {
        let me = signed_in(ctx)?;
        Ok(complaints::set_holidays(db(ctx), me, year, holidays).await?)
    }
}
