import { describe, expect, it } from 'vitest';
import type { LiveEvent } from './live';
import { applyEvent, awaitingGuests, changesAttendance, withAttendance, withOwnCheckIn, formatCountdown, fromSnapshot, needsReload, normalResults, openPoll, secondsLeft, viewerEntry, viewerTakesPart, type SessionState } from './sessionState';

const snapshot = {
  id: 3,
  forum: { id: 1, name: 'Musrenbang Kelurahan Madiun Lor' },
  title: 'Musyawarah',
  startsAt: '2027-02-01T01:00:00Z',
  place: 'Aula',
  onlineUrl: null,
  status: 'OPEN',
  openedAt: '2027-02-01T01:00:00Z',
  closedAt: null,
  currentItem: null,
  agenda: [
    { id: 10, position: 1, title: 'Pembukaan', proposalId: null, proposal: null, timeBoxMinutes: 5, startedAt: null, endedAt: null, endsAt: null, decision: null, decisionNote: null, mergedIntoId: null },
    { id: 11, position: 2, title: 'Jalan RT 03', proposalId: 7, proposal: { id: 7, code: 'U-7', status: 'SUBMITTED' }, timeBoxMinutes: 10, startedAt: null, endedAt: null, endsAt: null, decision: null, decisionNote: null, mergedIntoId: null },
  ],
  attendance: [{ id: 1, accountId: 2, name: 'Fasilitator', roleOrInstitution: 'Moderator', gender: null, channel: 'ONLINE', checkedInAt: '2027-02-01T01:00:00Z', status: 'PRESENT' }],
  chat: [{ id: 50, authorId: 2, author: { id: 2, name: 'Fasilitator' }, replyToId: null, createdAt: '2027-02-01T01:01:00Z', hidden: false, hiddenReason: null, body: 'Selamat pagi' }],
  speakerQueue: [],
  polls: [],
  minutes: null,
  viewerIsModerator: false,
  viewerCheckedIn: false,
  viewerMutedUntil: null,
};

let seq = 20;
// Data of older or partial shapes too: the page must not break on them.
const ev = (kind: string, data: any, sequence = ++seq): LiveEvent => ({ sequence, kind, data, at: '2027-02-01T01:10:00Z', actorId: 2, subjectId: null }) as LiveEvent;
const start = (): SessionState => fromSnapshot(snapshot, 20);
const ME = 9;

describe('applying session events', () => {
  it('takes the counts from a check-in event, which carries no names; replays change nothing', () => {
    const counts = { present: 2, awaiting: 0, male: 0, female: 1, unspecified: 1 };
    const e = ev('ATTENDEE_CHECKED_IN', { attendanceId: 2, channel: 'ONLINE', checkedInAt: 'x', status: 'PRESENT', count: 2, counts });
    const s = applyEvent(start(), e, ME);
    expect(s.attendanceCount).toBe(2);
    expect(s.attendanceCounts).toEqual(counts);
    // Nothing in the event says whose check-in it was, nor a name for the list.
    expect(s.viewerCheckedIn).toBe(false);
    expect(s.attendance.map((a) => a.name)).toEqual(['Fasilitator']);
    expect(changesAttendance(e)).toBe(true);
    expect(changesAttendance(ev('CHAT_MESSAGE', {}))).toBe(false);
    // The same event again (a duplicate delivery) changes nothing.
    expect(applyEvent(s, e, ME)).toBe(s);
    // A server with only `count` still moves the number present.
    expect(applyEvent(start(), ev('ATTENDEE_CHECKED_IN', { attendanceId: 2, count: 5 }), ME).attendanceCount).toBe(5);
  });

  it('reads the public counts of the snapshot when the list is not given (not staff)', () => {
    const s = fromSnapshot({ ...snapshot, attendance: undefined, attendanceCounts: { present: 7, awaiting: 1, male: 3, female: 4, unspecified: 0 }, viewerAttendanceStatus: 'PRESENT' }, 20);
    expect(s.attendance).toEqual([]);
    expect(s.attendanceCount).toBe(7);
    expect(s.attendanceCounts.awaiting).toBe(1);
    expect(viewerEntry(s, ME)).toEqual({ id: null, status: 'PRESENT' });
    expect(viewerTakesPart(s, ME)).toBe(true);
    // The staff's list, loaded afterwards.
    const staff = withAttendance({ ...s, viewerIsModerator: true }, [{ id: 4, accountId: 5, name: 'Bu RT', roleOrInstitution: 'RT', gender: 'FEMALE', channel: 'IN_HALL', checkedInAt: 'x', status: 'PRESENT' }]);
    expect(staff.attendance.map((a) => a.name)).toEqual(['Bu RT']);
    expect(staff.attendanceCounts).toEqual({ present: 1, awaiting: 0, male: 0, female: 1, unspecified: 0 });
  });

  it('adds chat lines and hides them from residents but not from moderators', () => {
    let s = applyEvent(start(), ev('CHAT_MESSAGE', { messageId: 51, authorId: ME, authorName: 'Warga Satu', replyToId: 50, body: 'Usul jalan', createdAt: 't' }), ME);
    expect(s.chat.map((m) => m.body)).toEqual(['Selamat pagi', 'Usul jalan']);
    const hide = ev('CHAT_MESSAGE_HIDDEN', { messageId: 51, reason: 'Di luar topik' });
    const resident = applyEvent(s, hide, ME);
    expect(resident.chat[1]).toMatchObject({ hidden: true, body: null, hiddenReason: 'Di luar topik' });
    const moderator = applyEvent({ ...s, viewerIsModerator: true }, hide, 2);
    expect(moderator.chat[1]).toMatchObject({ hidden: true, body: 'Usul jalan' });
    // A replayed message does not come back unhidden.
    s = applyEvent(resident, ev('CHAT_MESSAGE', { messageId: 51, authorId: ME, authorName: 'Warga Satu', body: 'Usul jalan', createdAt: 't' }), ME);
    expect(s.chat[1].body).toBeNull();
  });

  it('takes the whole speaker queue from hand and floor events', () => {
    const waiting = { requestId: 4, accountId: ME, name: 'Warga Satu', status: 'WAITING', raisedAt: 't', floorAt: null, floorSeconds: null, endsAt: null };
    let s = applyEvent(start(), ev('HAND_RAISED', { speaker: null, queue: [waiting], requestId: 4, accountId: ME }), ME);
    expect(s.queue.map((q) => q.name)).toEqual(['Warga Satu']);
    expect(s.speaker).toBeNull();
    s = applyEvent(s, ev('FLOOR_GIVEN', { speaker: { ...waiting, status: 'SPEAKING', floorAt: 't', floorSeconds: 120, endsAt: '2027-02-01T01:12:00Z' }, queue: [] }), ME);
    expect(s.speaker?.accountId).toBe(ME);
    expect(s.queue).toEqual([]);
    s = applyEvent(s, ev('FLOOR_ENDED', { speaker: null, queue: [] }), ME);
    expect(s.speaker).toBeNull();
  });

  it('moves through the agenda: current item, order, removal, decision', () => {
    let s = applyEvent(start(), ev('CURRENT_ITEM_CHANGED', { itemId: 10, position: 1, title: 'Pembukaan', timeBoxMinutes: 5, startedAt: 'a', endsAt: '2027-02-01T01:15:00Z' }), ME);
    expect(s.currentItemId).toBe(10);
    expect(s.agenda[0].endsAt).toBe('2027-02-01T01:15:00Z');
    s = applyEvent(s, ev('CURRENT_ITEM_CHANGED', { itemId: 11, position: 2, title: 'Jalan RT 03', proposalId: 7, timeBoxMinutes: 10, startedAt: 'b', endsAt: 'c' }), ME);
    expect(s.agenda[0].endedAt).toBe('2027-02-01T01:10:00Z');
    expect(s.agenda[1].proposal?.code).toBe('U-7');
    s = applyEvent(s, ev('ITEM_DECIDED', { itemId: 11, position: 2, title: 'Jalan RT 03', proposalId: 7, decision: 'ACCEPTED', decisionNote: 'Sepakat', proposalStatus: 'VERIFIED', startedAt: 'b', endsAt: 'c' }), ME);
    expect(s.agenda[1]).toMatchObject({ decision: 'ACCEPTED', decisionNote: 'Sepakat', proposal: { status: 'VERIFIED' } });
    s = applyEvent(s, ev('AGENDA_ITEM_ADDED', { itemId: 12, position: 3, title: 'Lain-lain', proposalId: null, timeBoxMinutes: null }), ME);
    s = applyEvent(s, ev('AGENDA_REORDERED', { itemId: 12, order: [12, 10, 11] }), ME);
    expect(s.agenda.map((i) => `${i.position}:${i.id}`)).toEqual(['1:12', '2:10', '3:11']);
    s = applyEvent(s, ev('AGENDA_ITEM_REMOVED', { itemId: 11, order: [12, 10] }), ME);
    expect(s.agenda.map((i) => i.id)).toEqual([12, 10]);
    expect(s.currentItemId).toBeNull();
  });

  it('keeps poll results current and the viewer’s own answer', () => {
    const results = (yes: number) => ({ total: yes, answers: yes, withheld: false, options: [{ index: 0, label: 'YES', votes: yes }, { index: 1, label: 'NO', votes: 0 }, { index: 2, label: 'ABSTAIN', votes: 0 }] });
    let s = applyEvent(start(), ev('POLL_OPENED', { pollId: 5, agendaItemId: 11, question: 'Setuju?', kind: 'YES_NO_ABSTAIN', results: results(0), closedAt: null }), ME);
    expect(openPoll(s)?.id).toBe(5);
    s = { ...s, polls: s.polls.map((p) => ({ ...p, myAnswer: 0 })) };
    s = applyEvent(s, ev('POLL_RESULTS', { pollId: 5, agendaItemId: 11, question: 'Setuju?', kind: 'YES_NO_ABSTAIN', results: results(1), closedAt: null }), ME);
    expect(s.polls[0]).toMatchObject({ myAnswer: 0, results: { total: 1 } });
    s = applyEvent(s, ev('POLL_CLOSED', { pollId: 5, agendaItemId: 11, question: 'Setuju?', kind: 'YES_NO_ABSTAIN', results: results(1), closedAt: 'z' }), ME);
    expect(openPoll(s)).toBeNull();
    // Answers are not kept after the close, the viewer's own neither.
    expect(s.polls[0].myAnswer).toBeNull();
  });

  it('keeps withheld poll results withheld until a step is published', () => {
    const withheld = { total: 0, answers: 2, withheld: true, options: [{ index: 0, label: 'YES', votes: 0 }, { index: 1, label: 'NO', votes: 0 }] };
    let s = applyEvent(start(), ev('POLL_OPENED', { pollId: 6, agendaItemId: 11, question: 'Setuju?', kind: 'YES_NO_ABSTAIN', results: withheld, closedAt: null }), ME);
    expect(s.polls[0].results).toMatchObject({ withheld: true, total: 0 });
    const step = { total: 3, answers: 3, withheld: false, options: [{ index: 0, label: 'YES', votes: 2 }, { index: 1, label: 'NO', votes: 1 }] };
    s = applyEvent(s, { ...ev('POLL_RESULTS', { pollId: 6, agendaItemId: 11, question: 'Setuju?', kind: 'YES_NO_ABSTAIN', results: step, closedAt: null }), actorId: null }, ME);
    expect(s.polls[0].results).toEqual(step);
    // An older shape without the new fields reads as exact results.
    expect(normalResults({ total: 2, options: [] })).toEqual({ total: 2, answers: 2, withheld: false, options: [] });
  });

  it('lets a guest wait for the moderator, counts only people present, and follows the decision', () => {
    // The guest's own check-in is known from the mutation's answer.
    let s = withOwnCheckIn(applyEvent(start(), ev('ATTENDEE_CHECKED_IN', { attendanceId: 3, status: 'AWAITING_APPROVAL', count: 1, counts: { present: 1, awaiting: 1, male: 0, female: 0, unspecified: 1 } }), ME), { id: 3, status: 'AWAITING_APPROVAL' });
    expect(s.attendanceCount).toBe(1);
    expect(s.viewerCheckedIn).toBe(true);
    expect(viewerEntry(s, ME)?.status).toBe('AWAITING_APPROVAL');
    expect(viewerTakesPart(s, ME)).toBe(false);
    const approved = applyEvent(s, ev('ATTENDANCE_DECIDED', { attendanceId: 3, status: 'PRESENT', count: 2, counts: { present: 2, awaiting: 0, male: 0, female: 0, unspecified: 2 } }), ME);
    expect(approved.attendanceCount).toBe(2);
    expect(approved.attendanceCounts.awaiting).toBe(0);
    expect(viewerTakesPart(approved, ME)).toBe(true);
    const refused = applyEvent(s, ev('ATTENDANCE_DECIDED', { attendanceId: 3, status: 'REFUSED', count: 1 }), ME);
    expect(refused.attendanceCount).toBe(1);
    expect(viewerTakesPart(refused, ME)).toBe(false);
    // Someone else's decision leaves the viewer waiting.
    expect(viewerEntry(applyEvent(s, ev('ATTENDANCE_DECIDED', { attendanceId: 8, status: 'PRESENT', count: 2 }), ME), ME)?.status).toBe('AWAITING_APPROVAL');
    // The staff see the guest on their list and the decision applied to it.
    const staff = withAttendance({ ...start(), viewerIsModerator: true }, [
      ...snapshot.attendance,
      { id: 3, accountId: ME, name: 'Tamu Dinas', roleOrInstitution: 'Dinas PUPR', gender: null, channel: 'ONLINE', checkedInAt: 'x', status: 'AWAITING_APPROVAL' },
    ]);
    expect(awaitingGuests(staff).map((a) => a.name)).toEqual(['Tamu Dinas']);
    expect(awaitingGuests(applyEvent(staff, ev('ATTENDANCE_DECIDED', { attendanceId: 3, status: 'PRESENT', count: 2 }), 2))).toEqual([]);
    // Staff take part without being on the list; nobody signed in does not.
    expect(viewerTakesPart({ ...s, viewerIsModerator: true }, 2)).toBe(true);
    expect(viewerTakesPart(s, null)).toBe(false);
  });

  it('follows the status and mutes of the viewer only; asks for a reload at the close', () => {
    let s = applyEvent(start(), ev('PARTICIPANT_MUTED', { accountId: 77, until: '2027-02-01T02:00:00Z' }), ME);
    expect(s.viewerMutedUntil).toBeNull();
    s = applyEvent(s, ev('PARTICIPANT_MUTED', { accountId: ME, until: '2027-02-01T02:00:00Z' }), ME);
    expect(s.viewerMutedUntil).toBe('2027-02-01T02:00:00Z');
    const close = ev('SESSION_STATUS_CHANGED', { status: 'CLOSED', closedAt: 'z', place: 'Aula', title: 'Musyawarah' });
    s = applyEvent({ ...s, currentItemId: 10 }, close, ME);
    expect(s).toMatchObject({ status: 'CLOSED', currentItemId: null });
    expect(needsReload(close)).toBe(true);
    expect(needsReload(ev('SESSION_STATUS_CHANGED', { status: 'PAUSED' }))).toBe(false);
  });

  it('counts time boxes down', () => {
    const now = Date.parse('2027-02-01T01:00:00Z');
    expect(secondsLeft('2027-02-01T01:04:05Z', now)).toBe(245);
    expect(formatCountdown(245)).toBe('4:05');
    expect(formatCountdown(-30)).toBe('−0:30');
    expect(secondsLeft(null, now)).toBeNull();
  });
});
