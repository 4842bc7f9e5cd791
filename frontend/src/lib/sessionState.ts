import type { AgendaItem as AgendaItemEvent, CurrentItem, ItemDecided, Speaker as SpeakerEvent, SpeakerQueue } from './generated/events';
import type { LiveEvent } from './live';

/**
 * A live session as the page shows it: loaded once (`SESSION` query), then kept current by
 * applying `sessionEvents` one by one. Applying is idempotent per record (upsert by id, whole
 * queue/results replaced), because a fresh load may already contain some of the events that
 * are replayed after it.
 */

export interface AgendaItem {
  id: number;
  position: number;
  title: string;
  proposalId: number | null;
  proposal: { id: number; code: string; status: string } | null;
  timeBoxMinutes: number | null;
  startedAt: string | null;
  endedAt: string | null;
  endsAt: string | null;
  decision: string | null;
  decisionNote: string | null;
  mergedIntoId: number | null;
}

export interface Attendee {
  id: number;
  accountId: number | null;
  name: string;
  roleOrInstitution: string;
  gender: string | null;
  channel: string;
  checkedInAt: string;
  /** PRESENT takes part; AWAITING_APPROVAL (a guest) waits for a moderator; REFUSED may only follow. */
  status: AttendanceStatus;
}

export type AttendanceStatus = 'PRESENT' | 'AWAITING_APPROVAL' | 'REFUSED';

/** What everyone sees of the attendance: counts (present, by gender, guests awaiting), never names. */
export interface AttendanceCounts {
  present: number;
  awaiting: number;
  male: number;
  female: number;
  unspecified: number;
}

/** The viewer's own place on the list; `id` is known once the viewer checked in on this page. */
export interface ViewerAttendance {
  id: number | null;
  status: AttendanceStatus;
}

export interface ChatLine {
  id: number;
  authorId: number;
  authorName: string;
  replyToId: number | null;
  createdAt: string;
  hidden: boolean;
  hiddenReason: string | null;
  /** null when hidden and the viewer does not moderate. */
  body: string | null;
}

export interface Speaker {
  requestId: number;
  accountId: number;
  name: string;
  status: string;
  raisedAt: string;
  floorAt: string | null;
  floorSeconds: number | null;
  endsAt: string | null;
}

export interface PollResults {
  options: Array<{ index: number; label: string; votes: number }>;
  /** Answers counted in the options (the last published step while the poll is open). */
  total: number;
  /** Answers given so far. */
  answers: number;
  /** Too few answers yet: the option votes are 0 and mean nothing. */
  withheld: boolean;
}

export interface Poll {
  id: number;
  agendaItemId: number | null;
  question: string;
  kind: string;
  results: PollResults;
  closedAt: string | null;
  myAnswer: number | null;
}

export interface SessionState {
  id: number;
  forum: { id: number; name: string };
  title: string;
  startsAt: string;
  place: string | null;
  onlineUrl: string | null;
  status: string;
  openedAt: string | null;
  closedAt: string | null;
  currentItemId: number | null;
  agenda: AgendaItem[];
  /** The list, for the session's staff only (empty for everyone else, who see the counts). */
  attendance: Attendee[];
  attendanceCounts: AttendanceCounts;
  /** People present (PRESENT); guests waiting or refused are not counted. */
  attendanceCount: number;
  viewerAttendance: ViewerAttendance | null;
  chat: ChatLine[];
  speaker: Speaker | null;
  queue: Speaker[];
  polls: Poll[];
  minutes: any | null;
  viewerIsModerator: boolean;
  viewerCheckedIn: boolean;
  viewerMutedUntil: string | null;
  /** The last event applied: resume the subscription after it. */
  lastSequence: number;
}

/** How many chat lines the page keeps (the query loads the last 50). */
export const CHAT_KEEP = 200;

/** Results as the page keeps them (older shapes without `answers`/`withheld` read as exact). */
export function normalResults(r: any): PollResults {
  const options = r?.options ?? [];
  const total = Number(r?.total) || 0;
  return { options, total, answers: typeof r?.answers === 'number' ? r.answers : total, withheld: !!r?.withheld };
}

/** The session as the `SESSION` query returns it, into page state. */
export function fromSnapshot(s: any, lastSequence: number): SessionState {
  const requests: any[] = s.speakerQueue ?? [];
  const speaker = (r: any): Speaker => ({
    requestId: r.id,
    accountId: r.accountId,
    name: r.account?.name ?? `#${r.accountId}`,
    status: r.status,
    raisedAt: r.raisedAt,
    floorAt: r.floorAt,
    floorSeconds: r.floorSeconds,
    endsAt: r.endsAt,
  });
  const attendance: Attendee[] = (s.attendance ?? []).map((a: any) => ({ ...a, status: a.status ?? 'PRESENT' }));
  const counts = s.attendanceCounts ? normalCounts(s.attendanceCounts) : countsOf(attendance);
  return {
    id: s.id,
    forum: s.forum,
    title: s.title,
    startsAt: s.startsAt,
    place: s.place,
    onlineUrl: s.onlineUrl,
    status: s.status,
    openedAt: s.openedAt,
    closedAt: s.closedAt,
    currentItemId: s.currentItem?.id ?? null,
    agenda: s.agenda.map((i: any) => ({ ...i, proposal: i.proposal ?? null })),
    attendance,
    attendanceCounts: counts,
    attendanceCount: counts.present,
    viewerAttendance: s.viewerAttendanceStatus ? { id: null, status: s.viewerAttendanceStatus } : null,
    chat: s.chat.map((m: any) => ({
      id: m.id,
      authorId: m.authorId,
      authorName: m.author?.name ?? `#${m.authorId}`,
      replyToId: m.replyToId,
      createdAt: m.createdAt,
      hidden: m.hidden,
      hiddenReason: m.hiddenReason,
      body: m.body,
    })),
    speaker: requests.filter((r) => r.status === 'SPEAKING').map(speaker)[0] ?? null,
    queue: requests.filter((r) => r.status === 'WAITING').map(speaker),
    polls: s.polls.map((p: any) => ({
      id: p.id,
      agendaItemId: p.agendaItemId,
      question: p.question,
      kind: p.kind,
      results: normalResults(p.results),
      closedAt: p.closedAt,
      myAnswer: p.myAnswer,
    })),
    minutes: s.minutes ?? null,
    viewerIsModerator: s.viewerIsModerator,
    viewerCheckedIn: s.viewerCheckedIn,
    viewerMutedUntil: s.viewerMutedUntil,
    lastSequence,
  };
}

/** How many on the list are present. */
export function presentCount(attendance: ReadonlyArray<{ status?: string }>): number {
  return attendance.filter((a) => (a.status ?? 'PRESENT') === 'PRESENT').length;
}

/** Counts as the server sends them (missing numbers read as 0). */
export function normalCounts(c: any): AttendanceCounts {
  const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  return { present: n(c?.present), awaiting: n(c?.awaiting), male: n(c?.male), female: n(c?.female), unspecified: n(c?.unspecified) };
}

/** Counts from a list (staff), for a server that sends no counts. */
export function countsOf(attendance: ReadonlyArray<Pick<Attendee, 'status' | 'gender'>>): AttendanceCounts {
  const present = attendance.filter((a) => (a.status ?? 'PRESENT') === 'PRESENT');
  return {
    present: present.length,
    awaiting: attendance.filter((a) => a.status === 'AWAITING_APPROVAL').length,
    male: present.filter((a) => a.gender === 'MALE').length,
    female: present.filter((a) => a.gender === 'FEMALE').length,
    unspecified: present.filter((a) => a.gender !== 'MALE' && a.gender !== 'FEMALE').length,
  };
}

/** The counts an attendance event carries: `counts`, else `count` (present), else unchanged. */
function countsFromEvent(state: SessionState, d: any): AttendanceCounts {
  if (d.counts) return normalCounts(d.counts);
  if (typeof d.count === 'number') return { ...state.attendanceCounts, present: d.count };
  return state.attendanceCounts;
}

/** The viewer's own place: their entry on the list (staff) or what the server said of them. */
export function viewerEntry(state: SessionState, viewerId: number | null): ViewerAttendance | null {
  if (viewerId === null) return null;
  const listed = state.attendance.find((a) => a.accountId === viewerId);
  return listed ? { id: listed.id, status: listed.status } : state.viewerAttendance;
}

/** The list and counts as the staff's query returns them, into page state. */
export function withAttendance(state: SessionState, list: any[] | null | undefined, counts?: any): SessionState {
  const attendance: Attendee[] = (list ?? []).map((a: any) => ({ ...a, status: a.status ?? 'PRESENT' }));
  const c = counts ? normalCounts(counts) : countsOf(attendance);
  return { ...state, attendance, attendanceCounts: c, attendanceCount: c.present };
}

/** The viewer's own check-in (the mutation's answer): known at once, without waiting for an event. */
export function withOwnCheckIn(state: SessionState, entry: { id: number; status?: AttendanceStatus | null }): SessionState {
  return { ...state, viewerCheckedIn: true, viewerAttendance: { id: entry.id, status: entry.status ?? 'PRESENT' } };
}

/** Events after which the staff reload the attendance list (events carry no names). */
export function changesAttendance(event: LiveEvent): boolean {
  return event.kind === 'ATTENDEE_CHECKED_IN' || event.kind === 'ATTENDANCE_DECIDED';
}

/**
 * Whether the viewer takes part (chat, hand, polls): the session's staff, and people present.
 * A guest awaiting approval or refused follows only.
 */
export function viewerTakesPart(state: SessionState, viewerId: number | null): boolean {
  if (state.viewerIsModerator) return true;
  const entry = viewerEntry(state, viewerId);
  return entry ? entry.status === 'PRESENT' : false;
}

/** Guests waiting for a moderator, oldest first. */
export function awaitingGuests(state: SessionState): Attendee[] {
  return state.attendance.filter((a) => a.status === 'AWAITING_APPROVAL');
}

function upsert<T extends { id: number }>(list: T[], item: T, merge: (old: T, next: T) => T = (_, n) => n): T[] {
  const at = list.findIndex((x) => x.id === item.id);
  if (at < 0) return [...list, item];
  const copy = list.slice();
  copy[at] = merge(list[at], item);
  return copy;
}

function byOrder(agenda: AgendaItem[], order: number[] | undefined): AgendaItem[] {
  if (!order) return agenda;
  const byId = new Map(agenda.map((i) => [i.id, i]));
  return order.flatMap((id, index) => {
    const item = byId.get(id);
    return item ? [{ ...item, position: index + 1 }] : [];
  });
}

function itemFrom(d: CurrentItem | ItemDecided | AgendaItemEvent, old: AgendaItem | undefined): AgendaItem {
  return {
    id: d.itemId ?? old?.id ?? 0,
    position: d.position ?? old?.position ?? 0,
    title: d.title ?? old?.title ?? '',
    proposalId: d.proposalId ?? null,
    proposal: old?.proposal ?? null,
    timeBoxMinutes: d.timeBoxMinutes ?? null,
    startedAt: d.startedAt ?? null,
    endedAt: old?.endedAt ?? null,
    endsAt: d.endsAt ?? null,
    decision: d.decision ?? null,
    decisionNote: d.decisionNote ?? null,
    mergedIntoId: d.mergedIntoId ?? null,
  };
}

function speakersFrom(d: SpeakerQueue): Pick<SessionState, 'speaker' | 'queue'> {
  const one = (r: SpeakerEvent): Speaker => ({ ...r, name: r.name ?? `#${r.accountId}` });
  return { speaker: d.speaker ? one(d.speaker) : null, queue: (d.queue ?? []).map(one) };
}

/** Applies one event; returns the same object when the event changes nothing shown. */
export function applyEvent(state: SessionState, event: LiveEvent, viewerId: number | null): SessionState {
  if (event.sequence <= state.lastSequence) return state;
  const next: SessionState = { ...state, lastSequence: event.sequence };
  switch (event.kind) {
    case 'SESSION_SCHEDULED':
    case 'SESSION_STATUS_CHANGED': {
      const d = event.data;
      next.status = d.status ?? state.status;
      next.openedAt = d.openedAt ?? state.openedAt;
      next.closedAt = d.closedAt ?? state.closedAt;
      next.title = d.title ?? state.title;
      next.startsAt = d.startsAt ?? state.startsAt;
      next.place = d.place ?? null;
      next.onlineUrl = d.onlineUrl ?? null;
      if (next.status === 'CLOSED') next.currentItemId = null;
      return next;
    }
    case 'AGENDA_ITEM_ADDED': {
      const d = event.data;
      const old = state.agenda.find((i) => i.id === d.itemId);
      next.agenda = upsert(state.agenda, itemFrom(d, old)).sort((a, b) => a.position - b.position || a.id - b.id);
      return next;
    }
    case 'AGENDA_REORDERED':
    case 'AGENDA_ITEM_REMOVED': {
      const d = event.data;
      next.agenda = byOrder(state.agenda, d.order);
      if (event.kind === 'AGENDA_ITEM_REMOVED' && state.currentItemId === d.itemId) next.currentItemId = null;
      return next;
    }
    case 'CURRENT_ITEM_CHANGED': {
      const d = event.data;
      const to: number | null = d.itemId ?? null;
      next.agenda = state.agenda.map((item) => {
        if (item.id === to) return itemFrom(d, item);
        if (item.id === state.currentItemId && state.currentItemId !== to) return { ...item, endedAt: item.endedAt ?? event.at };
        return item;
      });
      next.currentItemId = to;
      return next;
    }
    case 'ITEM_DECIDED': {
      const d = event.data;
      next.agenda = state.agenda.map((item) =>
        item.id === d.itemId
          ? { ...itemFrom(d, item), endedAt: item.endedAt, proposal: item.proposal && d.proposalStatus ? { ...item.proposal, status: d.proposalStatus } : item.proposal }
          : item,
      );
      return next;
    }
    case 'ATTENDEE_CHECKED_IN': {
      const d = event.data;
      // The event carries counts, not names: the staff reload the list (changesAttendance).
      next.attendanceCounts = countsFromEvent(state, d);
      next.attendanceCount = next.attendanceCounts.present;
      return next;
    }
    case 'ATTENDANCE_DECIDED': {
      const d = event.data;
      next.attendance = state.attendance.map((a) => (a.id === d.attendanceId ? { ...a, status: d.status as AttendanceStatus } : a));
      next.attendanceCounts = countsFromEvent(state, d);
      next.attendanceCount = next.attendanceCounts.present;
      if (state.viewerAttendance && state.viewerAttendance.id === d.attendanceId) {
        next.viewerAttendance = { ...state.viewerAttendance, status: d.status as AttendanceStatus };
      }
      return next;
    }
    case 'CHAT_MESSAGE': {
      const d = event.data;
      const line: ChatLine = {
        id: d.messageId,
        authorId: d.authorId,
        authorName: d.authorName,
        replyToId: d.replyToId ?? null,
        createdAt: d.createdAt,
        hidden: false,
        hiddenReason: null,
        body: d.body,
      };
      // A replayed message keeps what the load said of it (hidden since, perhaps).
      next.chat = upsert(state.chat, line, (old) => old).slice(-CHAT_KEEP);
      return next;
    }
    case 'CHAT_MESSAGE_HIDDEN': {
      const d = event.data;
      next.chat = state.chat.map((m) =>
        m.id === d.messageId ? { ...m, hidden: true, hiddenReason: d.reason ?? null, body: state.viewerIsModerator ? m.body : null } : m,
      );
      return next;
    }
    case 'PARTICIPANT_MUTED': {
      const d = event.data;
      if (viewerId !== null && d.accountId === viewerId) {
        next.viewerMutedUntil = d.until && Date.parse(d.until) > Date.parse(event.at) ? d.until : null;
      }
      return next;
    }
    case 'HAND_RAISED':
    case 'HAND_LOWERED':
    case 'FLOOR_GIVEN':
    case 'FLOOR_ENDED':
      return { ...next, ...speakersFrom(event.data) };
    case 'POLL_OPENED':
    case 'POLL_RESULTS':
    case 'POLL_CLOSED': {
      const d = event.data;
      const old = state.polls.find((p) => p.id === d.pollId);
      next.polls = upsert(state.polls, {
        id: d.pollId,
        agendaItemId: d.agendaItemId ?? null,
        question: d.question,
        kind: d.kind,
        results: normalResults(d.results),
        closedAt: d.closedAt ?? null,
        // Not kept once the poll is closed.
        myAnswer: d.closedAt ? null : (old?.myAnswer ?? null),
      });
      return next;
    }
    default:
      return next;
  }
}

/** Events after which the page reloads the whole session (the minutes are not in events). */
export function needsReload(event: LiveEvent): boolean {
  return event.kind === 'SESSION_STATUS_CHANGED' && event.data?.status === 'CLOSED';
}

/** Seconds left until `endsAt` (negative once over), or null without a time box. */
export function secondsLeft(endsAt: string | null, now: number): number | null {
  if (!endsAt) return null;
  return Math.round((Date.parse(endsAt) - now) / 1000);
}

/** 4:05, or −0:30 once over time. */
export function formatCountdown(seconds: number): string {
  const sign = seconds < 0 ? '−' : '';
  const abs = Math.abs(seconds);
  return `${sign}${Math.floor(abs / 60)}:${String(abs % 60).padStart(2, '0')}`;
}

/** The open poll on screen: the newest still open. */
export function openPoll(state: SessionState): Poll | null {
  for (let i = state.polls.length - 1; i >= 0; i--) if (!state.polls[i].closedAt) return state.polls[i];
  return null;
}
