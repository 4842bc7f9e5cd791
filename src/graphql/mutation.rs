use async_graphql::{Context, Object, Result};
use entity::{
    activity, agency,
    enums::{CycleStatus, ForumStatus, NotificationDelivery, NotificationKind, VerificationStatus},
    implementation_update, proposal_attachment, recommendation, region, role_grant, sector, stage,
};

use super::{
    actor, client, db, signed_in, state,
    types::{
        Account, AuthPayload, Comment, Cycle, Done, Forum, NotificationPreference, Proposal,
        RegisterPayload, VotingRound,
    },
    RequestAuth,
};
use crate::{
    domain::{
        accounts::{self, GrantRoleInput, RegisterInput},
        carry_over::{self, CarryOverInput},
        catalogue::{self, CreateActivityInput, CreateAgencyInput, CreateSectorInput},
        comments, credentials,
        escalation::{self, CloseForumInput},
        idempotency::{self, Operation},
        implementation::{self, ReportImplementationInput},
        media, notifications,
        paper_ballots::{self, PaperBallotInput},
        personal_data,
        planning::{self, CreateCycleInput, CreateForumInput, SetStageInput, UpdateForumInput},
        proposals::{
            self, AddAttachmentInput, AddRecommendationInput, CreateProposalInput, TransitionInput,
            UpdateProposalInput,
        },
        regions::{self, CreateRegionInput},
        throttle,
        voting::{self, BallotReceipt, ChoiceInput, OpenRoundInput, OwnBallot},
    },
    error::AppError,
};

pub struct MutationRoot;

#[Object]
impl MutationRoot {
    /// Creates a resident account and signs it in; when the server sends mail and an address
    /// is given, mails a link that does so instead (see `RegisterPayload`).
    async fn register(&self, ctx: &Context<'_>, input: RegisterInput) -> Result<RegisterPayload> {
        let state = state(ctx);
        let registration = accounts::register(
            &state.db,
            &state.settings.limits,
            credentials::Outgoing {
                mailer: &state.settings.mailer,
                public_url: &state.settings.public_url,
            },
            client(ctx),
            input,
        )
        .await?;
        Ok(match registration {
            accounts::Registration::SignedIn(signed) => {
                let signed = *signed;
                RegisterPayload {
                    confirmation_mailed: false,
                    token: Some(signed.token),
                    account: Some(signed.account),
                }
            }
            accounts::Registration::ConfirmationMailed => RegisterPayload {
                confirmation_mailed: true,
                token: None,
                account: None,
            },
        })
    }

    /// Opens the link a registration mailed: creates the account and signs in.
    async fn confirm_registration(&self, ctx: &Context<'_>, token: String) -> Result<AuthPayload> {
        let state = state(ctx);
        let signed =
            accounts::confirm_registration(&state.db, &state.settings.limits, client(ctx), &token)
                .await?;
        Ok(AuthPayload {
            token: signed.token,
            account: signed.account,
        })
    }

    /// Marks the signed-in person's notifications as read: those given, or all without `ids`.
    /// Returns how many changed.
    async fn mark_notifications_read(
        &self,
        ctx: &Context<'_>,
        ids: Option<Vec<i32>>,
    ) -> Result<i32> {
        let changed = notifications::mark_read(db(ctx), signed_in(ctx)?, ids).await?;
        Ok(i32::try_from(changed).unwrap_or(i32::MAX))
    }

    /// Chooses how the signed-in person hears of one kind of notification; returns all choices.
    async fn set_notification_preference(
        &self,
        ctx: &Context<'_>,
        kind: NotificationKind,
        delivery: NotificationDelivery,
    ) -> Result<Vec<NotificationPreference>> {
        let me = signed_in(ctx)?;
        notifications::set_preference(db(ctx), me, kind, delivery).await?;
        Ok(NotificationPreference::all(
            notifications::preferences(db(ctx), me).await?,
        ))
    }

    /// Follows the unsubscribe link of a notification mail: no more mail of any kind (the app
    /// keeps showing notifications). Needs no sign-in: the link is the proof. False for a link
    /// that is not (or no longer) valid.
    async fn unsubscribe_from_mail(&self, ctx: &Context<'_>, token: String) -> Result<bool> {
        Ok(notifications::unsubscribe(db(ctx), &token).await?)
    }

    /// Signs in with an email address or phone number.
    async fn login(
        &self,
        ctx: &Context<'_>,
        identifier: String,
        password: String,
    ) -> Result<AuthPayload> {
        let state = state(ctx);
        let signed = accounts::login(
            &state.db,
            &state.settings.limits,
            client(ctx),
            &identifier,
            password,
        )
        .await?;
        Ok(AuthPayload {
            token: signed.token,
            account: signed.account,
        })
    }

    /// Revokes the bearer token of this request.
    async fn logout(&self, ctx: &Context<'_>) -> Result<Done> {
        let token = ctx
            .data_opt::<RequestAuth>()
            .and_then(|a| a.token.clone())
            .ok_or(AppError::Unauthenticated)?;
        accounts::logout(db(ctx), &token).await?;
        Ok(Done { ok: true })
    }

    /// Mails a single-use link (valid one hour) to set a new password. Answers `true` whether
    /// or not the address belongs to an account.
    async fn request_password_reset(&self, ctx: &Context<'_>, email: String) -> Result<bool> {
        let state = state(ctx);
        credentials::request_reset(
            &state.db,
            &state.settings.limits,
            credentials::Outgoing {
                mailer: &state.settings.mailer,
                public_url: &state.settings.public_url,
            },
            client(ctx),
            &email,
        )
        .await?;
        Ok(true)
    }

    /// Sets a new password with the mailed token or a code from a moderator, ends every other
    /// session of the account and signs in.
    async fn reset_password(
        &self,
        ctx: &Context<'_>,
        token: String,
        new_password: String,
    ) -> Result<AuthPayload> {
        let state = state(ctx);
        let signed = credentials::reset_password(
            &state.db,
            &state.settings.limits,
            client(ctx),
            &token,
            new_password,
        )
        .await?;
        Ok(AuthPayload {
            token: signed.token,
            account: signed.account,
        })
    }

    /// For a resident without e-mail, checked in person: a single-use code (valid 24 hours)
    /// to set a new password with. Staff whose area covers the resident.
    async fn issue_password_reset_code(
        &self,
        ctx: &Context<'_>,
        account_id: i32,
    ) -> Result<credentials::PasswordResetCode> {
        Ok(credentials::issue_code(db(ctx), signed_in(ctx)?, account_id).await?)
    }

    /// Changes the password; the account's other sessions end.
    async fn change_password(
        &self,
        ctx: &Context<'_>,
        current_password: String,
        new_password: String,
    ) -> Result<bool> {
        let token = ctx.data_opt::<RequestAuth>().and_then(|a| a.token.clone());
        credentials::change_password(
            db(ctx),
            signed_in(ctx)?,
            token.as_deref(),
            current_password,
            new_password,
        )
        .await?;
        Ok(true)
    }

    /// Changes (or with null removes) the e-mail address, confirmed with the password.
    async fn change_email(
        &self,
        ctx: &Context<'_>,
        password: String,
        email: Option<String>,
    ) -> Result<Account> {
        let updated = credentials::change_contact(
            db(ctx),
            signed_in(ctx)?,
            password,
            credentials::Contact::Email,
            email,
        )
        .await?;
        Ok(Account::from(updated))
    }

    /// Changes (or with null removes) the phone number, confirmed with the password.
    async fn change_phone(
        &self,
        ctx: &Context<'_>,
        password: String,
        phone: Option<String>,
    ) -> Result<Account> {
        let updated = credentials::change_contact(
            db(ctx),
            signed_in(ctx)?,
            password,
            credentials::Contact::Phone,
            phone,
        )
        .await?;
        Ok(Account::from(updated))
    }

    /// Erases the signed-in person's account (see `personal_data::erase_account`).
    async fn erase_my_account(&self, ctx: &Context<'_>, password: String) -> Result<bool> {
        personal_data::erase_account(db(ctx), signed_in(ctx)?, password).await?;
        Ok(true)
    }

    /// Verifies (or rejects) a resident, who may then vote.
    async fn verify_account(
        &self,
        ctx: &Context<'_>,
        account_id: i32,
        decision: VerificationStatus,
    ) -> Result<Account> {
        Ok(Account::from(
            accounts::set_verification(db(ctx), signed_in(ctx)?, account_id, decision).await?,
        ))
    }

    async fn grant_role(
        &self,
        ctx: &Context<'_>,
        input: GrantRoleInput,
    ) -> Result<role_grant::Model> {
        Ok(accounts::grant_role(db(ctx), signed_in(ctx)?, input).await?)
    }

    async fn revoke_role(&self, ctx: &Context<'_>, grant_id: i32) -> Result<role_grant::Model> {
        Ok(accounts::revoke_role(db(ctx), signed_in(ctx)?, grant_id).await?)
    }

    async fn create_region(
        &self,
        ctx: &Context<'_>,
        input: CreateRegionInput,
    ) -> Result<region::Model> {
        Ok(regions::create(db(ctx), signed_in(ctx)?, input).await?)
    }

    async fn create_agency(
        &self,
        ctx: &Context<'_>,
        input: CreateAgencyInput,
    ) -> Result<agency::Model> {
        Ok(catalogue::create_agency(db(ctx), signed_in(ctx)?, input).await?)
    }

    async fn create_sector(
        &self,
        ctx: &Context<'_>,
        input: CreateSectorInput,
    ) -> Result<sector::Model> {
        Ok(catalogue::create_sector(db(ctx), signed_in(ctx)?, input).await?)
    }

    async fn create_activity(
        &self,
        ctx: &Context<'_>,
        input: CreateActivityInput,
    ) -> Result<activity::Model> {
        Ok(catalogue::create_activity(db(ctx), signed_in(ctx)?, input).await?)
    }

    async fn create_cycle(&self, ctx: &Context<'_>, input: CreateCycleInput) -> Result<Cycle> {
        Ok(Cycle(
            planning::create_cycle(db(ctx), signed_in(ctx)?, input).await?,
        ))
    }

    async fn set_cycle_status(
        &self,
        ctx: &Context<'_>,
        cycle_id: i32,
        status: CycleStatus,
    ) -> Result<Cycle> {
        Ok(Cycle(
            planning::set_cycle_status(db(ctx), signed_in(ctx)?, cycle_id, status).await?,
        ))
    }

    /// Creates or reschedules the stage of one level.
    async fn set_stage(&self, ctx: &Context<'_>, input: SetStageInput) -> Result<stage::Model> {
        Ok(planning::set_stage(db(ctx), signed_in(ctx)?, input).await?)
    }

    async fn lock_stage(
        &self,
        ctx: &Context<'_>,
        stage_id: i32,
        locked: bool,
    ) -> Result<stage::Model> {
        Ok(planning::lock_stage(db(ctx), signed_in(ctx)?, stage_id, locked).await?)
    }

    async fn create_forum(&self, ctx: &Context<'_>, input: CreateForumInput) -> Result<Forum> {
        Ok(Forum(
            planning::create_forum(db(ctx), signed_in(ctx)?, input).await?,
        ))
    }

    async fn update_forum(&self, ctx: &Context<'_>, input: UpdateForumInput) -> Result<Forum> {
        Ok(Forum(
            planning::update_forum(db(ctx), signed_in(ctx)?, input).await?,
        ))
    }

    async fn set_forum_status(
        &self,
        ctx: &Context<'_>,
        forum_id: i32,
        status: ForumStatus,
    ) -> Result<Forum> {
        Ok(Forum(
            planning::set_forum_status(db(ctx), signed_in(ctx)?, forum_id, status).await?,
        ))
    }

    /// Closes a forum in session: fixes its priority list, sends the main list up to the
    /// parent forum (into the plan at the highest forum), keeps the reserve, closes the rest
    /// with the reason. `setForumStatus(CLOSED)` does the same without an agreed order.
    async fn close_forum(&self, ctx: &Context<'_>, input: CloseForumInput) -> Result<Forum> {
        Ok(Forum(
            escalation::close_forum(db(ctx), signed_in(ctx)?, input).await?,
        ))
    }

    /// Moves a reserve proposal of a closed forum up while the forum's limit leaves room.
    async fn promote_reserve(
        &self,
        ctx: &Context<'_>,
        forum_id: i32,
        proposal_id: i32,
    ) -> Result<Proposal> {
        let entry =
            escalation::promote_reserve(db(ctx), signed_in(ctx)?, forum_id, proposal_id).await?;
        let proposal = proposals::get(db(ctx), actor(ctx), entry.proposal_id).await?;
        Ok(Proposal(proposal))
    }

    /// Continues a proposal that was not selected in a later cycle, linked to the original.
    async fn carry_over_proposal(
        &self,
        ctx: &Context<'_>,
        input: CarryOverInput,
    ) -> Result<Proposal> {
        Ok(Proposal(
            carry_over::carry_over(db(ctx), signed_in(ctx)?, input).await?,
        ))
    }

    /// The responsible agency reports progress on a plan item (planned, in progress, done).
    async fn report_implementation(
        &self,
        ctx: &Context<'_>,
        input: ReportImplementationInput,
    ) -> Result<implementation_update::Model> {
        Ok(implementation::report(db(ctx), signed_in(ctx)?, input).await?)
    }

    /// Starts a proposal as a draft; submit it with `transitionProposal(to: SUBMITTED)`.
    /// Creates a draft. `idempotencyKey` (made by the client when the text was written, e.g.
    /// a UUID) makes a retry safe: the same key returns the draft the first try made.
    async fn create_proposal(
        &self,
        ctx: &Context<'_>,
        input: CreateProposalInput,
        idempotency_key: Option<String>,
    ) -> Result<Proposal> {
        let me = signed_in(ctx)?;
        let key = idempotency::checked(idempotency_key)?;
        let limits = &state(ctx).settings.limits;
        Ok(Proposal(
            idempotency::create_once::<entity::proposal::Entity>(
                db(ctx),
                me.id(),
                key.as_deref(),
                Operation::CreateProposal,
                "proposal",
                throttle::take_action(
                    db(ctx),
                    "proposal",
                    Some((me.id(), limits.proposal_per_account)),
                    client(ctx),
                    limits.proposal_per_address,
                ),
                proposals::create(db(ctx), me, input, key.as_deref()),
            )
            .await?,
        ))
    }

    async fn update_proposal(
        &self,
        ctx: &Context<'_>,
        input: UpdateProposalInput,
    ) -> Result<Proposal> {
        Ok(Proposal(
            proposals::update(db(ctx), signed_in(ctx)?, input).await?,
        ))
    }

    /// Moves a proposal along the workflow (submit, verify, return, reject, merge, reserve,
    /// forward, accept, refuse, withdraw).
    async fn transition_proposal(
        &self,
        ctx: &Context<'_>,
        input: TransitionInput,
    ) -> Result<Proposal> {
        Ok(Proposal(
            proposals::transition(db(ctx), signed_in(ctx)?, input).await?,
        ))
    }

    async fn add_attachment(
        &self,
        ctx: &Context<'_>,
        input: AddAttachmentInput,
    ) -> Result<proposal_attachment::Model> {
        Ok(proposals::add_attachment(db(ctx), signed_in(ctx)?, input).await?)
    }

    /// Uploads a photo or document for a proposal (GraphQL multipart request: the form fields
    /// `operations`, `map` and the file). JPEG, PNG and WebP photos are re-encoded without
    /// their metadata and scaled to at most 1600 px; PDFs are kept as sent. At most 10 MB a
    /// file and 12 files a proposal. The file is then served at the attachment's `url`.
    async fn upload_attachment(
        &self,
        ctx: &Context<'_>,
        proposal_id: i32,
        kind: entity::enums::AttachmentKind,
        file: async_graphql::Upload,
    ) -> Result<proposal_attachment::Model> {
        let me = signed_in(ctx)?;
        let (name, bytes) = super::received_upload(ctx, me, &file).await?;
        let target = media::AttachTo::Proposal(proposal_id);
        Ok(media::upload(db(ctx), me, target, kind, &name, bytes).await?)
    }

    /// A photo with one's own comment (a multipart upload), while the comment is new: at
    /// most three; shown where the comment is, hidden with it.
    async fn upload_comment_photo(
        &self,
        ctx: &Context<'_>,
        comment_id: i32,
        file: async_graphql::Upload,
    ) -> Result<proposal_attachment::Model> {
        let me = signed_in(ctx)?;
        let (name, bytes) = super::received_upload(ctx, me, &file).await?;
        let target = media::AttachTo::Comment(comment_id);
        let kind = entity::enums::AttachmentKind::Photo;
        Ok(media::upload(db(ctx), me, target, kind, &name, bytes).await?)
    }

    /// A photo (or a PDF, such as the handover record) with an implementation report, by
    /// those who may report it: at most six; the first becomes the report's `photoUrl`.
    async fn upload_implementation_photo(
        &self,
        ctx: &Context<'_>,
        update_id: i32,
        file: async_graphql::Upload,
    ) -> Result<proposal_attachment::Model> {
        let me = signed_in(ctx)?;
        let (name, bytes) = super::received_upload(ctx, me, &file).await?;
        let target = media::AttachTo::ImplementationUpdate(update_id);
        let kind = entity::enums::AttachmentKind::Photo;
        Ok(media::upload(db(ctx), me, target, kind, &name, bytes).await?)
    }

    async fn add_recommendation(
        &self,
        ctx: &Context<'_>,
        input: AddRecommendationInput,
    ) -> Result<recommendation::Model> {
        Ok(proposals::add_recommendation(db(ctx), signed_in(ctx)?, input).await?)
    }

    async fn add_comment(
        &self,
        ctx: &Context<'_>,
        proposal_id: i32,
        parent_id: Option<i32>,
        body: String,
        idempotency_key: Option<String>,
    ) -> Result<Comment> {
        let me = signed_in(ctx)?;
        let key = idempotency::checked(idempotency_key)?;
        let limits = &state(ctx).settings.limits;
        Ok(Comment(
            idempotency::create_once::<entity::comment::Entity>(
                db(ctx),
                me.id(),
                key.as_deref(),
                Operation::AddComment,
                "comment",
                throttle::take_action(
                    db(ctx),
                    "comment",
                    Some((me.id(), limits.comment_per_account)),
                    client(ctx),
                    limits.comment_per_address,
                ),
                comments::add(db(ctx), me, proposal_id, parent_id, &body, key.as_deref()),
            )
            .await?,
        ))
    }

    /// Hides a comment from the public with a reason; the text is kept for the record.
    async fn hide_comment(
        &self,
        ctx: &Context<'_>,
        comment_id: i32,
        reason: String,
    ) -> Result<Comment> {
        Ok(Comment(
            comments::hide(db(ctx), signed_in(ctx)?, comment_id, &reason).await?,
        ))
    }

    /// Opens a voting round on the forum's verified proposals.
    async fn open_voting_round(
        &self,
        ctx: &Context<'_>,
        input: OpenRoundInput,
    ) -> Result<VotingRound> {
        Ok(VotingRound(
            voting::open_round(db(ctx), signed_in(ctx)?, input).await?,
        ))
    }

    async fn close_voting_round(&self, ctx: &Context<'_>, round_id: i32) -> Result<VotingRound> {
        Ok(VotingRound(
            voting::close_round(db(ctx), signed_in(ctx)?, round_id).await?,
        ))
    }

    /// Casts (or replaces) the caller's secret ballot and returns its receipt.
    async fn cast_ballot(
        &self,
        ctx: &Context<'_>,
        round_id: i32,
        choices: Vec<ChoiceInput>,
    ) -> Result<BallotReceipt> {
        Ok(voting::cast_ballot(
            db(ctx),
            &state(ctx).ballot_box,
            signed_in(ctx)?,
            round_id,
            choices,
        )
        .await?)
    }

    /// The forum's staff enter a paper ballot cast at a running session by someone on its
    /// attendance list. Every refusal about the voter or the paper number is the same answer.
    async fn enter_paper_ballot(
        &self,
        ctx: &Context<'_>,
        input: PaperBallotInput,
    ) -> Result<BallotReceipt> {
        Ok(paper_ballots::enter(db(ctx), signed_in(ctx)?, input).await?)
    }

    /// The voter disputes a paper ballot recorded in their name (audited; the forum's staff
    /// see it in `VotingRound.paperBallotContests`).
    async fn contest_paper_ballot(
        &self,
        ctx: &Context<'_>,
        round_id: i32,
        reason: String,
    ) -> Result<OwnBallot> {
        Ok(paper_ballots::contest(db(ctx), signed_in(ctx)?, round_id, &reason).await?)
    }

    /// The forum's staff annul a contested paper ballot while the round is open; the resident
    /// may then vote online.
    async fn annul_paper_ballot(
        &self,
        ctx: &Context<'_>,
        round_id: i32,
        voter_id: i32,
        note: String,
    ) -> Result<bool> {
        Ok(paper_ballots::annul(db(ctx), signed_in(ctx)?, round_id, voter_id, &note).await?)
    }

    /// Records the forum's consensus decision to include or leave out a proposal, overriding
    /// the computed outcome, with the reason.
    async fn decide_outcome(
        &self,
        ctx: &Context<'_>,
        round_id: i32,
        proposal_id: i32,
        selected: bool,
        reason: String,
    ) -> Result<entity::round_decision::Model> {
        Ok(crate::domain::outcome::decide(
            db(ctx),
            signed_in(ctx)?,
            round_id,
            proposal_id,
            selected,
            &reason,
        )
        .await?)
    }
}
