// Generated from src/domain/live_events.rs by its test; do not edit.
// Regenerate: UPDATE_EVENT_TYPES=1 cargo test --lib live_events

export type ProposalChange = { proposalId: number, code: string, title: string, from: string, to: string, 
/**
 * The reason given (returned for revision, rejected, …).
 */
note: string | null, forumId: number, level: string, estimatedCost: number, };

export type CommentAdded = { commentId: number, proposalId: number, proposalCode: string, parentId: number | null, authorId: number, authorName: string, 
/**
 * Null once a moderator hid the comment (the stored event is redacted).
 */
body: string | null, hidden?: boolean, };

export type CommentHidden = { commentId: number, proposalId: number, reason: string, };

export type ForumClosed = { forumId: number, outcomes: { [key in string]?: number }, };

export type ReservePromoted = { forumId: number, proposalId: number, };

export type ImplementationReported = { proposalId: number, status: string, happenedOn: string, };

export type SessionChange = { sessionId: number, forumId: number, title: string, startsAt: string, place: string | null, onlineUrl: string | null, status: string, openedAt: string | null, closedAt: string | null, };

export type AgendaItemState = { position: number, title: string, proposalId: number | null, timeBoxMinutes: number | null, startedAt: string | null, 
/**
 * When its time box runs out, once it is under way.
 */
endsAt: string | null, decision: string | null, decisionNote: string | null, mergedIntoId: number | null, };

export type AgendaItem = { itemId: number, position: number, title: string, proposalId: number | null, timeBoxMinutes: number | null, startedAt: string | null, 
/**
 * When its time box runs out, once it is under way.
 */
endsAt: string | null, decision: string | null, decisionNote: string | null, mergedIntoId: number | null, };

export type CurrentItem = { itemId: number | null } & Partial<AgendaItemState>;

export type ItemDecided = { itemId: number, 
/**
 * The decided proposal's status after the decision, when the item had one.
 */
proposalStatus: string | null, position: number, title: string, proposalId: number | null, timeBoxMinutes: number | null, startedAt: string | null, 
/**
 * When its time box runs out, once it is under way.
 */
endsAt: string | null, decision: string | null, decisionNote: string | null, mergedIntoId: number | null, };

export type AgendaOrder = { itemId: number, order: Array<number>, };

export type AttendanceCounts = { present: number, 
/**
 * Guests waiting for a moderator to let them in.
 */
awaiting: number, male: number, female: number, unspecified: number, };

export type AttendanceChange = { attendanceId: number, channel: string, status: string, checkedInAt: string, 
/**
 * People present (`counts.present`), for older clients.
 */
count: number, counts: AttendanceCounts, };

export type ChatMessage = { messageId: number, authorId: number, authorName: string, replyToId: number | null, 
/**
 * Null once a moderator hid the message (the stored event is redacted).
 */
body: string | null, createdAt: string, hidden?: boolean, };

export type ChatMessageHidden = { messageId: number, reason: string, };

export type ParticipantMuted = { accountId: number, name: string, 
/**
 * A time in the past lifts the mute.
 */
until: string, reason: string | null, };

export type Speaker = { requestId: number, accountId: number, name: string | null, status: string, raisedAt: string, floorAt: string | null, floorSeconds: number | null, endsAt: string | null, };

export type SpeakerQueue = { speaker: Speaker | null, queue: Array<Speaker>, requestId: number | null, accountId: number | null, };

export type PollOptionResult = { 
/**
 * The option's index, as `answerPoll` takes it.
 */
index: number, label: string, votes: number, };

export type PollResults = { options: Array<PollOptionResult>, 
/**
 * Answers counted in `options`.
 */
total: number, 
/**
 * Answers given so far.
 */
answers: number, 
/**
 * The results are not shown yet: fewer answers than the minimum.
 */
withheld: boolean, };

export type PollChange = { pollId: number, agendaItemId: number | null, question: string, kind: string, results: PollResults, closedAt: string | null, };

export type NotificationAdded = { notificationId: number, };

export type ReportChange = { reportId: number, from: string | null, to: string, title: string | null, note: string | null, agencyId: number | null, 
/**
 * Set when the change came from the clock: the report is overdue and escalated.
 */
escalated?: boolean, };

/** The data of each kind of `LiveEvent`. */
export type LiveEventDataByKind = {
  PROPOSAL_SUBMITTED: ProposalChange;
  PROPOSAL_STATUS_CHANGED: ProposalChange;
  COMMENT_ADDED: CommentAdded;
  COMMENT_HIDDEN: CommentHidden;
  FORUM_CLOSED: ForumClosed;
  RESERVE_PROMOTED: ReservePromoted;
  IMPLEMENTATION_REPORTED: ImplementationReported;
  SESSION_SCHEDULED: SessionChange;
  SESSION_STATUS_CHANGED: SessionChange;
  AGENDA_ITEM_ADDED: AgendaItem;
  AGENDA_REORDERED: AgendaOrder;
  AGENDA_ITEM_REMOVED: AgendaOrder;
  CURRENT_ITEM_CHANGED: CurrentItem;
  ITEM_DECIDED: ItemDecided;
  ATTENDEE_CHECKED_IN: AttendanceChange;
  ATTENDANCE_DECIDED: AttendanceChange;
  CHAT_MESSAGE: ChatMessage;
  CHAT_MESSAGE_HIDDEN: ChatMessageHidden;
  PARTICIPANT_MUTED: ParticipantMuted;
  HAND_RAISED: SpeakerQueue;
  HAND_LOWERED: SpeakerQueue;
  FLOOR_GIVEN: SpeakerQueue;
  FLOOR_ENDED: SpeakerQueue;
  POLL_OPENED: PollChange;
  POLL_RESULTS: PollChange;
  POLL_CLOSED: PollChange;
  NOTIFICATION_ADDED: NotificationAdded;
  REPORT_STATUS_CHANGED: ReportChange;
};
