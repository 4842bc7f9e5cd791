//! Every closed vocabulary of the domain, stored as short strings and exposed as GraphQL enums.
use async_graphql::Enum;
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $value:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Enum, Serialize, Deserialize)]
        #[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vmeta])* #[sea_orm(string_value = $value)] $variant),+
        }

        impl $name {
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $value),+ }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($value => Ok(Self::$variant),)+
                    other => Err(format!("unknown {} '{}'", stringify!($name), other)),
                }
            }
        }
    };
}

string_enum!(
    /// Administrative levels of the Indonesian region tree, top to bottom.
    RegionLevel {
        Provinsi = "provinsi",
        KabupatenKota = "kabupaten_kota",
        Kecamatan = "kecamatan",
        DesaKelurahan = "desa_kelurahan",
        Rw = "rw",
        Rt = "rt",
    }
);

impl RegionLevel {
    /// The level a child of a region at this level must have.
    pub fn child(self) -> Option<RegionLevel> {
        match self {
            Self::Provinsi => Some(Self::KabupatenKota),
            Self::KabupatenKota => Some(Self::Kecamatan),
            Self::Kecamatan => Some(Self::DesaKelurahan),
            Self::DesaKelurahan => Some(Self::Rw),
            Self::Rw => Some(Self::Rt),
            Self::Rt => None,
        }
    }
}

string_enum!(
    /// The forum levels of a planning cycle, in the order they meet.
    ForumLevel {
        RembukRw = "rembuk_rw",
        DesaKelurahan = "desa_kelurahan",
        Kecamatan = "kecamatan",
        ForumOpd = "forum_opd",
        KabupatenKota = "kabupaten_kota",
    }
);

impl ForumLevel {
    /// The region level a forum of this level belongs to.
    pub fn region_level(self) -> RegionLevel {
        match self {
            Self::RembukRw => RegionLevel::Rw,
            Self::DesaKelurahan => RegionLevel::DesaKelurahan,
            Self::Kecamatan => RegionLevel::Kecamatan,
            Self::ForumOpd | Self::KabupatenKota => RegionLevel::KabupatenKota,
        }
    }

    pub fn order(self) -> u8 {
        match self {
            Self::RembukRw => 1,
            Self::DesaKelurahan => 2,
            Self::Kecamatan => 3,
            Self::ForumOpd => 4,
            Self::KabupatenKota => 5,
        }
    }
}

string_enum!(
    VerificationStatus {
        Unverified = "unverified",
        Verified = "verified",
        Rejected = "rejected",
    }
);

string_enum!(
    /// Roles are scoped: a moderator to a forum, a planner to a region (and its subtree).
    Role {
        Resident = "resident",
        Moderator = "moderator",
        Planner = "planner",
        Admin = "admin",
        /// Staff of an agency (OPD), scoped to it: report the implementation of its plan items.
        Agency = "agency",
    }
);

string_enum!(
    CycleStatus {
        Draft = "draft",
        Active = "active",
        Closed = "closed",
    }
);

string_enum!(
    ForumStatus {
        Draft = "draft",
        Scheduled = "scheduled",
        InSession = "in_session",
        Closed = "closed",
        Ratified = "ratified",
    }
);

string_enum!(
    /// How many proposals a forum may send up: within the budget ceiling, up to a count, or all.
    SelectionLimit {
        Budget = "budget",
        Count = "count",
        Unlimited = "none",
    }
);

string_enum!(
    /// A proposal's status, always read together with the level it is at.
    ProposalStatus {
        Draft = "draft",
        Submitted = "submitted",
        Returned = "returned",
        Verified = "verified",
        Forwarded = "forwarded",
        Rejected = "rejected",
        Merged = "merged",
        Reserve = "reserve",
        Accepted = "accepted",
        NotAccepted = "not_accepted",
        Withdrawn = "withdrawn",
    }
);

string_enum!(
    ProposerType {
        Resident = "resident",
        RtRw = "rt_rw",
        CommunityGroup = "community_group",
        Village = "village",
        DprdMember = "dprd_member",
    }
);

string_enum!(
    AttachmentKind {
        Photo = "photo",
        Document = "document",
        CostBreakdown = "cost_breakdown",
        LandCertificate = "land_certificate",
    }
);

string_enum!(
    /// Who gives a recommendation at a level: lurah, camat, Bappeda, OPD or TAPD.
    Recommender {
        Lurah = "lurah",
        Camat = "camat",
        Bappeda = "bappeda",
        Opd = "opd",
        Tapd = "tapd",
    }
);

string_enum!(
    RecommendationDecision {
        Agree = "agree",
        Revise = "revise",
        Reject = "reject",
    }
);

string_enum!(
    /// How residents fill in a ballot.
    BallotMethod {
        /// Approve at most `maxChoices` proposals.
        Approval = "approval",
        /// Approve proposals whose total cost stays within `costLimit`.
        Knapsack = "knapsack",
        /// Spread `pointsBudget` points, at most `maxPointsPerProposal` on one proposal.
        Cumulative = "cumulative",
        /// Rank up to `maxChoices` proposals, best first.
        Ranking = "ranking",
        /// Choose exactly one proposal.
        ChooseOne = "choose_one",
    }
);

string_enum!(
    BallotChannel {
        Online = "online",
        Paper = "paper",
        /// Anonymous ballots loaded from a Pabulib file.
        Imported = "imported",
    }
);

string_enum!(
    /// What a persisted realtime event reports. Forum streams carry the first group, session
    /// streams the rest (a session's schedule and status also appear on its forum's stream).
    EventKind {
        /// A proposal became public (submitted for the first time).
        ProposalSubmitted = "proposal_submitted",
        ProposalStatusChanged = "proposal_status_changed",
        CommentAdded = "comment_added",
        CommentHidden = "comment_hidden",
        /// The forum closed and fixed its priority list; `data` counts what moved where.
        ForumClosed = "forum_closed",
        /// A reserve proposal was promoted because budget remained.
        ReservePromoted = "reserve_promoted",
        /// The responsible agency reported progress on a plan item.
        ImplementationReported = "implementation_reported",
        SessionScheduled = "session_scheduled",
        SessionStatusChanged = "session_status_changed",
        AgendaItemAdded = "agenda_item_added",
        AgendaReordered = "agenda_reordered",
        AgendaItemRemoved = "agenda_item_removed",
        CurrentItemChanged = "current_item_changed",
        ItemDecided = "item_decided",
        AttendeeCheckedIn = "attendee_checked_in",
        /// A moderator let a guest in, or not.
        AttendanceDecided = "attendance_decided",
        ChatMessage = "chat_message",
        ChatMessageHidden = "chat_message_hidden",
        ParticipantMuted = "participant_muted",
        HandRaised = "hand_raised",
        HandLowered = "hand_lowered",
        FloorGiven = "floor_given",
        FloorEnded = "floor_ended",
        PollOpened = "poll_opened",
        PollResults = "poll_results",
        PollClosed = "poll_closed",
        /// A notification for the one person whose inbox stream this is.
        NotificationAdded = "notification_added",
        /// A report (complaint, aspiration) changed status.
        ReportStatusChanged = "report_status_changed",
    }
);

string_enum!(
    /// A live session: scheduled, then open (possibly paused and resumed), then closed.
    SessionStatus {
        Scheduled = "scheduled",
        Open = "open",
        Paused = "paused",
        Closed = "closed",
    }
);

string_enum!(
    /// What a session decided on an agenda item.
    ItemDecision {
        Accepted = "accepted",
        Rejected = "rejected",
        /// Discussion postponed; the proposal keeps its status.
        Deferred = "deferred",
        /// Merged into another proposal of the forum.
        Merged = "merged",
    }
);

string_enum!(
    Gender {
        Male = "male",
        Female = "female",
    }
);

string_enum!(
    /// How a person entered the attendance list.
    AttendanceChannel {
        /// Checked in themselves, online.
        Online = "online",
        /// Marked present in the hall by the moderator.
        InHall = "in_hall",
    }
);

string_enum!(
    /// A raised hand in the speaker queue.
    HandStatus {
        Waiting = "waiting",
        Speaking = "speaking",
        Done = "done",
        Lowered = "lowered",
    }
);

string_enum!(
    PollKind {
        /// Fixed answers: yes, no, abstain.
        YesNoAbstain = "yes_no_abstain",
        /// The moderator's own options.
        Options = "options",
    }
);

string_enum!(
    /// Where a proposal stands on a forum's priority list.
    OutcomeList {
        /// Within the ceiling: moves up.
        Main = "main",
        /// Cadangan: promoted if budget remains.
        Reserve = "reserve",
        Out = "out",
    }
);

string_enum!(
    /// Why a proposal is, or is not, on the main list.
    OutcomeReason {
        Selected = "selected",
        AddedByGreedyCompletion = "greedy_completion",
        DidNotFitRemainingBudget = "did_not_fit",
        SupportersShareRanOut = "share_ran_out",
        NoSupport = "no_support",
        CostExceedsBudget = "cost_exceeds_budget",
        RuleStopped = "rule_stopped",
        /// The forum sends up at most a number of proposals and that number was reached.
        CountLimitReached = "count_limit",
        /// The forum decided otherwise, by consensus; see `decisionReason`.
        ForumDecision = "forum_decision",
        /// Verified but not put to the vote.
        NotInRound = "not_in_round",
        /// The forum did not vote: taken in the order it agreed by consensus, within its limit.
        InAgreedOrder = "agreed_order",
    }
);

string_enum!(
    /// What closing a forum did with a proposal on its priority list.
    PriorityOutcome {
        /// Diteruskan: moved up to the parent forum.
        Forwarded = "forwarded",
        /// Diakomodir: accepted into the plan (at the highest forum).
        Accepted = "accepted",
        /// Cadangan: kept at this forum, promoted if budget remains.
        Reserve = "reserve",
        /// Tidak diakomodir: closed with the reason.
        NotSelected = "not_selected",
    }
);

string_enum!(
    /// How far an agency has carried out a plan item.
    ImplementationStatus {
        Planned = "planned",
        InProgress = "in_progress",
        Done = "done",
    }
);

string_enum!(
    /// Whether a person on the attendance list takes part (chat, queue, polls, paper ballot).
    AttendanceStatus {
        /// Eligible for the forum (or its staff), or a guest the moderator let in.
        Present = "present",
        /// A guest from outside the forum's region, waiting for the moderator.
        AwaitingApproval = "awaiting_approval",
        /// A guest the moderator did not let in: may follow, not take part.
        Refused = "refused",
    }
);

string_enum!(
    /// What a notification reports to the person it is for.
    NotificationKind {
        /// My proposal changed status or moved to another level (with the reason given).
        ProposalStatus = "proposal_status",
        /// Someone replied to my comment, or commented on my proposal.
        CommentReply = "comment_reply",
        /// A live session decided on my proposal.
        SessionDecision = "session_decision",
        /// A voting round opened in my forum.
        RoundOpened = "round_opened",
        /// A session of my forum was scheduled.
        SessionScheduled = "session_scheduled",
        /// The agency reported progress on my proposal.
        ImplementationUpdate = "implementation_update",
        /// My report (complaint, aspiration) changed status.
        ReportStatus = "report_status",
    }
);

string_enum!(
    /// How a person hears of a kind of notification.
    NotificationDelivery {
        /// In the app only.
        InApp = "in_app",
        /// In the app, and by e-mail at once.
        Email = "email",
        /// In the app, and in one e-mail a day with the day's notifications.
        Digest = "digest",
        /// Not at all.
        Off = "off",
    }
);

string_enum!(
    /// Where a notification is on its way to the person's mailbox.
    NotificationMailState {
        /// No mail (in the app only, or no e-mail address).
        NoMail = "none",
        /// A mail is in the outbox.
        Queued = "queued",
        /// Waits for the next daily digest.
        Digest = "digest",
        /// Its mail (at once or in a digest) is in the outbox.
        Mailed = "mailed",
    }
);

string_enum!(
    /// What a resident's report between forums is.
    ReportKind {
        /// A wish or idea for the area (aspirasi).
        Aspiration = "aspiration",
        /// Something broken or wrong that the city must fix (pengaduan).
        Complaint = "complaint",
        /// A question to the city (permintaan informasi).
        Information = "information",
    }
);

string_enum!(
    /// Who may see a report and its reporter.
    ReportPrivacy {
        /// Published with the reporter's name.
        Public = "public",
        /// Published; the reporter is known only to the staff handling it.
        Anonymous = "anonymous",
        /// Seen only by the reporter and the staff handling it (rahasia).
        Secret = "secret",
    }
);

string_enum!(
    /// Where a report stands.
    ReportStatus {
        /// Filed, waiting for verification (3 working days by default).
        Submitted = "submitted",
        /// Checked by the coordinators, waiting to be sent to an agency.
        Verified = "verified",
        /// Refused with a reason (duplicate, not the city's authority, unclear).
        Rejected = "rejected",
        /// Sent to the responsible agency (OPD), whose first follow-up is due in 5 working days.
        Disposed = "disposed",
        /// The agency is working on it.
        InProgress = "in_progress",
        /// The agency answered; the reporter accepts or disputes.
        Answered = "answered",
        /// The reporter disputed the answer: back with the agency, escalated.
        Reopened = "reopened",
        /// Done.
        Closed = "closed",
        /// A duplicate, followed through the report it was merged into.
        Merged = "merged",
    }
);

string_enum!(
    /// Why a report was refused.
    RejectionReason {
        Duplicate = "duplicate",
        NotOurAuthority = "not_our_authority",
        Unclear = "unclear",
    }
);

string_enum!(
    /// In what capacity someone moved a report (the public history names roles, not people).
    ReportRole {
        Reporter = "reporter",
        Coordinator = "coordinator",
        Agency = "agency",
        /// The server's clock (overdue escalation).
        System = "system",
    }
);

string_enum!(
    /// National holidays and collective leave (cuti bersama) both stop the service clocks.
    HolidayKind {
        National = "national",
        CollectiveLeave = "collective_leave",
    }
);
