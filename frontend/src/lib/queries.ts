import { gql } from '@urql/core';

export const ME_FIELDS = gql`
  fragment MeFields on Account {
    id
    name
    verification
    email
    phone
    homeRegion { id name level parentId }
    roles { id role forumId regionId agencyId }
  }
`;

export const ME = gql`
  query Me { me { ...MeFields } }
  ${ME_FIELDS}
`;

export const LOGIN = gql`
  mutation Login($identifier: String!, $password: String!) {
    login(identifier: $identifier, password: $password) { token account { ...MeFields } }
  }
  ${ME_FIELDS}
`;

export const REGISTER = gql`
  mutation Register($input: RegisterInput!) {
    register(input: $input) { confirmationMailed token account { ...MeFields } }
  }
  ${ME_FIELDS}
`;

export const LOGOUT = gql`mutation Logout { logout { ok } }`;

// Accounts: password reset (by e-mail link or a code handed over in the hall), changing one's
// contact details, one's data as JSON, erasure.
export const REQUEST_PASSWORD_RESET = gql`mutation RequestPasswordReset($email: String!) { requestPasswordReset(email: $email) }`;

export const CONFIRM_REGISTRATION = gql`
  mutation ConfirmRegistration($token: String!) {
    confirmRegistration(token: $token) { token account { ...MeFields } }
  }
  ${ME_FIELDS}
`;

export const RESET_PASSWORD = gql`
  mutation ResetPassword($token: String!, $newPassword: String!) {
    resetPassword(token: $token, newPassword: $newPassword) { token account { ...MeFields } }
  }
  ${ME_FIELDS}
`;

export const ISSUE_RESET_CODE = gql`
  mutation IssuePasswordResetCode($accountId: Int!) { issuePasswordResetCode(accountId: $accountId) { code expiresAt } }
`;

export const CHANGE_PASSWORD = gql`
  mutation ChangePassword($currentPassword: String!, $newPassword: String!) { changePassword(currentPassword: $currentPassword, newPassword: $newPassword) }
`;

export const CHANGE_EMAIL = gql`
  mutation ChangeEmail($password: String!, $email: String) { changeEmail(password: $password, email: $email) { ...MeFields } }
  ${ME_FIELDS}
`;

export const CHANGE_PHONE = gql`
  mutation ChangePhone($password: String!, $phone: String) { changePhone(password: $password, phone: $phone) { ...MeFields } }
  ${ME_FIELDS}
`;

export const MY_DATA = gql`query MyData { myData }`;

export const ERASE_MY_ACCOUNT = gql`mutation EraseMyAccount($password: String!) { eraseMyAccount(password: $password) }`;

export const REGIONS = gql`
  query Regions($parentId: Int, $level: RegionLevel, $within: Int, $search: String, $first: Int) {
    regions(parentId: $parentId, level: $level, within: $within, search: $search, first: $first) {
      totalCount
      nodes { id name code level parentId }
    }
  }
`;

export const REGION = gql`query Region($id: Int!) { region(id: $id) { id name code level parentId } }`;

export const CATALOGUE = gql`
  query Catalogue {
    sectors { id code name }
    agencies { id code name abbreviation }
    activities { id code name sectorId agencyId unit unitCost physical }
  }
`;

export const HOME = gql`
  query Home {
    cycles(first: 5) {
      nodes {
        id name planYear status
        region { id name }
        stages { id level opensAt closesAt locked }
        forums(first: 100) { totalCount nodes { id name level status votingRounds { id title isOpen isClosed closesAt method } } }
      }
    }
  }
`;

const FORUM_SUMMARY = gql`
  fragment ForumSummary on Forum {
    id name level status budgetCeiling selectionLimit maxCount tolerancePercent
    region { id name level }
    agency { id abbreviation name }
    parentForum { id name }
  }
`;

export const FORUMS = gql`
  query Forums($filter: ForumFilter!, $first: Int, $after: String) {
    forums(filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes { ...ForumSummary cycle { id planYear } }
    }
  }
  ${FORUM_SUMMARY}
`;

export const FORUM = gql`
  query Forum($id: Int!) {
    forum(id: $id) {
      ...ForumSummary
      viewerIsStaff
      cycle { id name planYear }
      stage { id level opensAt closesAt locked }
      votingRounds { id title method rule isOpen isClosed opensAt closesAt closedAt liveTally }
      submitted: proposals(statuses: [SUBMITTED, FORWARDED], first: 0) { totalCount }
      verified: proposals(statuses: [VERIFIED], first: 0) { totalCount }
      all: proposals(first: 0) { totalCount }
    }
  }
  ${FORUM_SUMMARY}
`;

export const PROPOSAL_SUMMARY = gql`
  fragment ProposalSummary on Proposal {
    id code title status level estimatedCost beneficiaries createdAt latitude longitude commentCount
    region { id name }
    sector { id name }
    forum { id name }
  }
`;

export const PROPOSALS = gql`
  query Proposals($filter: ProposalFilter!, $sort: ProposalSort!, $first: Int, $after: String) {
    proposals(filter: $filter, sort: $sort, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage endCursor }
      nodes { ...ProposalSummary }
    }
  }
  ${PROPOSAL_SUMMARY}
`;

export const MY_PROPOSALS = gql`
  query MyProposals($first: Int, $after: String) {
    myProposals(first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes { ...ProposalSummary implementationStatus cycle { id planYear } forum { id status level } carriedOverTo { id } availableTransitions { to noteRequired } }
    }
  }
  ${PROPOSAL_SUMMARY}
`;

const COMMENT_FIELDS = gql`
  fragment CommentFields on Comment { id parentId createdAt hidden hiddenReason body author { id name } }
`;

export const PROPOSAL = gql`
  query Proposal($id: Int!) {
    proposal(id: $id) {
      id code title status level problem solution physical address latitude longitude volume unit
      estimatedCost beneficiaries proposerType createdAt updatedAt
      cycle { id name planYear }
      forum { id name level viewerIsStaff }
      region { id name level }
      regionPath { id name level }
      sector { id name }
      activity { id code name unit unitCost }
      proposer { id name }
      proposerName anonymousToPublic
      initialAgency { id name abbreviation }
      finalAgency { id name abbreviation }
      mergedInto { id code title }
      attachments { id kind fileName contentType sizeBytes url createdAt }
      history { id level forumId fromStatus toStatus actorId note createdAt }
      recommendations { id level recommender decision volume amount note createdAt }
      comments { ...CommentFields }
      availableTransitions { to noteRequired }
    }
  }
  ${COMMENT_FIELDS}
`;

// Both writes carry the offline queue's idempotency key (outbox.ts): a retry with the same key
// gets what the first try made instead of a second copy.
export const CREATE_PROPOSAL = gql`
  mutation CreateProposal($input: CreateProposalInput!, $idempotencyKey: String) {
    createProposal(input: $input, idempotencyKey: $idempotencyKey) { id code status }
  }
`;

export const UPDATE_PROPOSAL = gql`
  mutation UpdateProposal($input: UpdateProposalInput!) { updateProposal(input: $input) { id code status } }
`;

export const TRANSITION = gql`
  mutation Transition($input: TransitionInput!) {
    transitionProposal(input: $input) { id status level forum { id name } availableTransitions { to noteRequired } }
  }
`;

// Sent by upload.ts as a multipart request (the file is not JSON), not through urql.
export const UPLOAD_ATTACHMENT = gql`
  mutation UploadAttachment($proposalId: Int!, $kind: AttachmentKind!, $file: Upload!) {
    uploadAttachment(proposalId: $proposalId, kind: $kind, file: $file) { id kind fileName contentType sizeBytes url createdAt }
  }
`;

export const ADD_COMMENT = gql`
  mutation AddComment($proposalId: Int!, $parentId: Int, $body: String!, $idempotencyKey: String) {
    addComment(proposalId: $proposalId, parentId: $parentId, body: $body, idempotencyKey: $idempotencyKey) { ...CommentFields }
  }
  ${COMMENT_FIELDS}
`;

export const HIDE_COMMENT = gql`
  mutation HideComment($commentId: Int!, $reason: String!) {
    hideComment(commentId: $commentId, reason: $reason) { id hidden hiddenReason body }
  }
`;

// The viewer's own participation: choices only for an online ballot while the round is open;
// paper ballots carry who entered them, and the voter may contest them.
const OWN_BALLOT_FIELDS = gql`
  fragment OwnBallotFields on OwnBallot {
    channel receipt castAt sealed paperNumber sessionId enteredByName contestedAt contestReason
    choices { proposalId points }
  }
`;

export const ROUND = gql`
  query Round($id: Int!) {
    votingRound(id: $id) {
      id title method rule maxChoices pointsBudget maxPointsPerProposal costLimit
      opensAt closesAt closedAt liveTally isOpen isClosed
      forum { id name budgetCeiling tolerancePercent viewerIsStaff region { id name } }
      proposals { id code title estimatedCost region { id name } }
      myBallot { ...OwnBallotFields }
    }
  }
  ${OWN_BALLOT_FIELDS}
`;

export const ROUND_TALLY = gql`
  query RoundTally($id: Int!) {
    votingRound(id: $id) { id isOpen isClosed tally { ballots counted withheld minimumBallots rows { proposalId cost votes points borda } } }
  }
`;

export const ROUND_OUTCOME = gql`
  query RoundOutcome($id: Int!) {
    votingRound(id: $id) {
      id method isClosed
      outcome {
        rule budget ballots totalCost computedAt
        rows { proposalId code title rank cost support cumulativeCost selectedByRule selected list reason remainingBudget decisionReason }
      }
    }
  }
`;

export const ROUND_PB = gql`query RoundPb($id: Int!) { votingRound(id: $id) { id pabulib } }`;

export const CAST_BALLOT = gql`
  mutation CastBallot($roundId: Int!, $choices: [ChoiceInput!]!) { castBallot(roundId: $roundId, choices: $choices) { receipt castAt } }
`;

export const PAPER_BALLOT = gql`
  mutation PaperBallot($input: PaperBallotInput!) { enterPaperBallot(input: $input) { receipt castAt } }
`;

export const CHECK_RECEIPT = gql`
  query CheckReceipt($roundId: Int!, $receipt: String!) {
    checkReceipt(roundId: $roundId, receipt: $receipt) { counted }
  }
`;

export const CONTEST_PAPER_BALLOT = gql`
  mutation ContestPaperBallot($roundId: Int!, $reason: String!) { contestPaperBallot(roundId: $roundId, reason: $reason) { ...OwnBallotFields } }
  ${OWN_BALLOT_FIELDS}
`;

export const PAPER_CONTESTS = gql`
  query PaperContests($id: Int!) {
    votingRound(id: $id) { id paperBallotContests { voterId voterName paperNumber sessionId enteredByName recordedAt contestedAt reason } }
  }
`;

export const ANNUL_PAPER_BALLOT = gql`
  mutation AnnulPaperBallot($roundId: Int!, $voterId: Int!, $note: String!) { annulPaperBallot(roundId: $roundId, voterId: $voterId, note: $note) }
`;

/** Who may have a paper ballot entered: people present at a running session of the forum. */
export const PAPER_VOTERS = gql`
  query PaperVoters($forumId: Int!) {
    liveSessions(forumId: $forumId) { id title status attendance { id accountId name roleOrInstitution status } }
  }
`;

export const OPEN_ROUND = gql`
  mutation OpenRound($input: OpenRoundInput!) { openVotingRound(input: $input) { id title } }
`;

export const CLOSE_ROUND = gql`
  mutation CloseRound($roundId: Int!) { closeVotingRound(roundId: $roundId) { id isOpen isClosed closedAt } }
`;

export const DECIDE_OUTCOME = gql`
  mutation DecideOutcome($roundId: Int!, $proposalId: Int!, $selected: Boolean!, $reason: String!) {
    decideOutcome(roundId: $roundId, proposalId: $proposalId, selected: $selected, reason: $reason) { id selected reason }
  }
`;

export const ACCOUNTS = gql`
  query Accounts($filter: AccountFilter!, $first: Int, $after: String) {
    accounts(filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes { id name email phone verification createdAt homeRegion { id name } }
    }
  }
`;

export const VERIFY_ACCOUNT = gql`
  mutation VerifyAccount($accountId: Int!, $decision: VerificationStatus!) {
    verifyAccount(accountId: $accountId, decision: $decision) { id verification }
  }
`;

export const QUEUE = gql`
  query Queue($forumId: Int!, $first: Int, $after: String) {
    forum(id: $forumId) {
      id name viewerIsStaff
      proposals(statuses: [SUBMITTED, FORWARDED], sort: OLDEST, first: $first, after: $after) {
        totalCount
        pageInfo { hasNextPage endCursor }
        nodes { ...ProposalSummary address availableTransitions { to noteRequired } }
      }
    }
  }
  ${PROPOSAL_SUMMARY}
`;

export const CYCLES = gql`
  query Cycles {
    cycles(first: 20) {
      nodes {
        id name planYear status createdAt
        region { id name }
        stages { id level opensAt closesAt locked }
      }
    }
  }
`;

export const CYCLE_FORUMS = gql`
  query CycleForums($cycleId: Int!, $first: Int, $after: String) {
    forums(filter: { cycleId: $cycleId }, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes { ...ForumSummary }
    }
  }
  ${FORUM_SUMMARY}
`;

export const CREATE_CYCLE = gql`
  mutation CreateCycle($input: CreateCycleInput!) { createCycle(input: $input) { id name planYear status } }
`;
export const SET_CYCLE_STATUS = gql`
  mutation SetCycleStatus($cycleId: Int!, $status: CycleStatus!) { setCycleStatus(cycleId: $cycleId, status: $status) { id status } }
`;
export const SET_STAGE = gql`
  mutation SetStage($input: SetStageInput!) { setStage(input: $input) { id level opensAt closesAt locked } }
`;
export const LOCK_STAGE = gql`
  mutation LockStage($stageId: Int!, $locked: Boolean!) { lockStage(stageId: $stageId, locked: $locked) { id locked } }
`;
export const CREATE_FORUM = gql`
  mutation CreateForum($input: CreateForumInput!) { createForum(input: $input) { ...ForumSummary } }
  ${FORUM_SUMMARY}
`;
export const UPDATE_FORUM = gql`
  mutation UpdateForum($input: UpdateForumInput!) { updateForum(input: $input) { ...ForumSummary } }
  ${FORUM_SUMMARY}
`;
export const SET_FORUM_STATUS = gql`
  mutation SetForumStatus($forumId: Int!, $status: ForumStatus!) { setForumStatus(forumId: $forumId, status: $status) { id status } }
`;

export const FORUM_RESULTS = gql`
  query ForumResults($id: Int!) {
    forum(id: $id) {
      ...ForumSummary
      viewerIsStaff
      cycle { id name planYear }
      votingRounds { id title method rule isOpen isClosed opensAt closesAt closedAt liveTally }
    }
  }
  ${FORUM_SUMMARY}
`;

// Live sessions. The page loads SESSION_SEQUENCE first, then SESSION, and follows
// sessionEvents after that sequence: whatever happens between the two reads is replayed.
export const LIVE_SESSIONS = gql`
  query LiveSessions($forumId: Int!) {
    liveSessions(forumId: $forumId) { id title startsAt place onlineUrl status openedAt closedAt }
  }
`;

export const SESSION_SEQUENCE = gql`query SessionSequence($id: Int!) { liveSession(id: $id) { id lastSequence } }`;

const AGENDA_FIELDS = gql`
  fragment AgendaItemFields on AgendaItem {
    id position title proposalId proposal { id code status } timeBoxMinutes startedAt endedAt endsAt decision decisionNote mergedIntoId
  }
`;

// While a poll is open its results advance in steps (withheld before the first); exact at its close.
const POLL_RESULTS_FIELDS = gql`
  fragment PollResultsFields on PollResults { total answers withheld options { index label votes } }
`;

// Attendance counts are public (present, by gender, guests awaiting); the list is for staff.
const COUNTS = gql`
  fragment AttendanceCountsFields on AttendanceCounts { present awaiting male female unspecified }
`;

export const SESSION = gql`
  query Session($id: Int!) {
    liveSession(id: $id) {
      id title startsAt place onlineUrl status openedAt closedAt
      forum { id name }
      currentItem { id }
      agenda { ...AgendaItemFields }
      attendanceCounts { ...AttendanceCountsFields }
      chat(last: 50) { id authorId author { id name } replyToId createdAt hidden hiddenReason body }
      speakerQueue { id accountId account { id name } status raisedAt floorAt floorSeconds endsAt }
      polls { id agendaItemId question kind closedAt myAnswer results { ...PollResultsFields } }
      viewerIsModerator viewerCheckedIn viewerAttendanceStatus viewerMutedUntil
      minutes {
        number
        header { title forumName forumLevel regionName cycleName planYear startsAt openedAt closedAt place onlineUrl chair }
        attendance { number name roleOrInstitution gender channel checkedInAt }
        attendanceSummary { total male female genderUnspecified online inHall }
        agenda { position title proposalCode proposalStatus decision note mergedIntoCode startedAt endedAt polls { pollId question kind results { ...PollResultsFields } } }
        priorities { source roundId rule budget totalCost rows { rank proposalId code title cost support selected list status } }
      }
    }
  }
  ${AGENDA_FIELDS}
  ${COUNTS}
  ${POLL_RESULTS_FIELDS}
`;

/** The attendance list: for the session's staff only (anyone else gets FORBIDDEN). */
export const SESSION_ATTENDANCE = gql`
  query SessionAttendance($id: Int!) {
    liveSession(id: $id) { id attendance { id accountId name roleOrInstitution gender channel checkedInAt status } attendanceCounts { ...AttendanceCountsFields } }
  }
  ${COUNTS}
`;

/** The viewer's own place on the list (a guest waiting for the moderator's decision). */
export const SESSION_VIEWER = gql`
  query SessionViewer($id: Int!) { liveSession(id: $id) { id viewerCheckedIn viewerAttendanceStatus attendanceCounts { ...AttendanceCountsFields } } }
  ${COUNTS}
`;

export const SCHEDULE_SESSION = gql`
  mutation ScheduleSession($input: ScheduleSessionInput!) { scheduleSession(input: $input) { id title status startsAt } }
`;
export const SESSION_STEP = {
  open: gql`mutation OpenSession($id: Int!) { openSession(sessionId: $id) { id status } }`,
  pause: gql`mutation PauseSession($id: Int!) { pauseSession(sessionId: $id) { id status } }`,
  resume: gql`mutation ResumeSession($id: Int!) { resumeSession(sessionId: $id) { id status } }`,
  close: gql`mutation CloseSession($id: Int!) { closeSession(sessionId: $id) { id status } }`,
};
export const ADD_AGENDA_ITEM = gql`mutation AddAgendaItem($input: AgendaItemInput!) { addAgendaItem(input: $input) { id } }`;
export const MOVE_AGENDA_ITEM = gql`mutation MoveAgendaItem($itemId: Int!, $position: Int!) { moveAgendaItem(itemId: $itemId, position: $position) { id } }`;
export const REMOVE_AGENDA_ITEM = gql`mutation RemoveAgendaItem($itemId: Int!) { removeAgendaItem(itemId: $itemId) { id } }`;
export const SET_CURRENT_ITEM = gql`mutation SetCurrentItem($sessionId: Int!, $itemId: Int) { setCurrentItem(sessionId: $sessionId, itemId: $itemId) { id } }`;
export const DECIDE_AGENDA_ITEM = gql`mutation DecideAgendaItem($input: DecideItemInput!) { decideAgendaItem(input: $input) { id decision } }`;
export const CHECK_IN = gql`
  mutation CheckIn($sessionId: Int!, $role: String, $gender: Gender) { checkIn(sessionId: $sessionId, roleOrInstitution: $role, gender: $gender) { id status } }
`;
export const DECIDE_ATTENDANCE = gql`
  mutation DecideAttendance($attendanceId: Int!, $approve: Boolean!) { decideAttendance(attendanceId: $attendanceId, approve: $approve) { id status } }
`;
export const MARK_PRESENT = gql`mutation MarkPresent($input: MarkPresentInput!) { markPresent(input: $input) { id } }`;
export const SEND_CHAT = gql`
  mutation SendChat($sessionId: Int!, $body: String!, $replyToId: Int) { sendChatMessage(sessionId: $sessionId, body: $body, replyToId: $replyToId) { id } }
`;
export const HIDE_CHAT = gql`mutation HideChat($messageId: Int!, $reason: String!) { hideChatMessage(messageId: $messageId, reason: $reason) { id } }`;
export const MUTE = gql`
  mutation Mute($sessionId: Int!, $accountId: Int!, $minutes: Int!) { muteParticipant(sessionId: $sessionId, accountId: $accountId, minutes: $minutes) { id } }
`;
export const RAISE_HAND = gql`mutation RaiseHand($sessionId: Int!) { raiseHand(sessionId: $sessionId) { id } }`;
export const LOWER_HAND = gql`mutation LowerHand($sessionId: Int!, $accountId: Int) { lowerHand(sessionId: $sessionId, accountId: $accountId) { id } }`;
export const GIVE_FLOOR = gql`
  mutation GiveFloor($sessionId: Int!, $accountId: Int, $seconds: Int) { giveFloor(sessionId: $sessionId, accountId: $accountId, seconds: $seconds) { id } }
`;
export const END_FLOOR = gql`mutation EndFloor($sessionId: Int!) { endFloor(sessionId: $sessionId) { id } }`;
export const OPEN_POLL = gql`mutation OpenPoll($input: OpenPollInput!) { openPoll(input: $input) { id } }`;
export const ANSWER_POLL = gql`mutation AnswerPoll($pollId: Int!, $choice: Int!) { answerPoll(pollId: $pollId, choice: $choice) { id myAnswer results { ...PollResultsFields } } }
  ${POLL_RESULTS_FIELDS}
`;
export const CLOSE_POLL = gql`mutation ClosePoll($pollId: Int!) { closePoll(pollId: $pollId) { id } }`;

// Escalation between levels: the priority list, closing a forum, the reserve, carry-over,
// implementation and a proposal's whole path (src/domain/escalation.rs, proposal_path.rs).
export const FORUM_PRIORITY = gql`
  query ForumPriority($id: Int!) {
    forum(id: $id) {
      id name level status closedAt viewerIsStaff budgetCeiling selectionLimit maxCount tolerancePercent
      parentForum { id name }
      votingRounds { id isOpen isClosed }
      unverified: proposals(statuses: [SUBMITTED, FORWARDED, RETURNED], first: 0) { totalCount }
      priorityList {
        fixed roundId budget
        rows {
          rank list reason support cost outcome note promotedAt
          proposal { id code title status level estimatedCost region { id name } forum { id name } }
        }
      }
    }
  }
`;

export const CLOSE_FORUM = gql`
  mutation CloseForum($input: CloseForumInput!) { closeForum(input: $input) { id status closedAt } }
`;

export const PROMOTE_RESERVE = gql`
  mutation PromoteReserve($forumId: Int!, $proposalId: Int!) {
    promoteReserve(forumId: $forumId, proposalId: $proposalId) { id status level forum { id name } }
  }
`;

export const CARRY_OVER = gql`
  mutation CarryOver($input: CarryOverInput!) { carryOverProposal(input: $input) { id code status cycle { id name planYear } } }
`;

export const ACTIVE_CYCLES = gql`
  query ActiveCycles { cycles(first: 20) { nodes { id name planYear status } } }
`;

export const REPORT_IMPLEMENTATION = gql`
  mutation ReportImplementation($input: ReportImplementationInput!) {
    reportImplementation(input: $input) { id status happenedOn note photoUrl }
  }
`;

export const PROPOSAL_PATH = gql`
  query ProposalPath($id: Int!) {
    proposal(id: $id) {
      id status implementationStatus
      finalAgency { id } initialAgency { id }
      carriedOverFrom { id code title cycle { id name } }
      path {
        carriedOverFromId carriedOverToId inPlan implementationStatus
        implementation { id status happenedOn note photoUrl createdAt }
        levels {
          forumId forumName level status arrivedAt leftAt
          changes { id fromStatus toStatus note createdAt actorId }
          recommendations { id recommender decision amount volume note createdAt }
          votes { roundId roundTitle method closed ballots votes points }
          priority { rank list reason support outcome note promotedAt }
        }
      }
    }
  }
`;

export const ADMIN_ACCOUNTS = gql`
  query AdminAccounts($filter: AccountFilter!, $first: Int, $after: String) {
    accounts(filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes { id name email phone verification homeRegion { id name } roles { id role forumId regionId agencyId createdAt } }
    }
  }
`;

export const GRANT_ROLE = gql`
  mutation GrantRole($input: GrantRoleInput!) { grantRole(input: $input) { id role forumId regionId agencyId } }
`;

export const REVOKE_ROLE = gql`
  mutation RevokeRole($grantId: Int!) { revokeRole(grantId: $grantId) { id } }
`;

// Notifications: the header's unread count (followed live on `myNotifications`), the inbox
// page with its paging back (`before`, an id) and the choice of delivery per kind.
export const UNREAD_NOTIFICATION_COUNT = gql`query UnreadNotificationCount { unreadNotificationCount }`;

const NOTIFICATION_FIELDS = gql`
  fragment NotificationFields on Notification {
    id kind proposalId forumId createdAt readAt summary
    details { proposalCode proposalTitle fromStatus toStatus level note forumName title startsAt authorName excerpt outcome }
  }
`;

export const NOTIFICATIONS = gql`
  query Notifications($before: Int, $first: Int!) {
    notifications(before: $before, first: $first) { ...NotificationFields }
  }
  ${NOTIFICATION_FIELDS}
`;

export const MARK_NOTIFICATIONS_READ = gql`mutation MarkNotificationsRead($ids: [Int!]) { markNotificationsRead(ids: $ids) }`;

export const NOTIFICATION_PREFERENCES = gql`query NotificationPreferences { notificationPreferences { kind delivery } }`;

export const SET_NOTIFICATION_PREFERENCE = gql`
  mutation SetNotificationPreference($kind: NotificationKind!, $delivery: NotificationDelivery!) {
    setNotificationPreference(kind: $kind, delivery: $delivery) { kind delivery }
  }
`;

export const UNSUBSCRIBE_FROM_MAIL = gql`mutation UnsubscribeFromMail($token: String!) { unsubscribeFromMail(token: $token) }`;
