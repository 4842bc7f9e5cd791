import { Provider } from '@urql/preact';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Attendance, Chat, CheckIn, PendingGuests, PollResultsView, Polls } from './SessionPanels';
import { setLocale } from '../lib/i18n';
import { fromSnapshot, type SessionState } from '../lib/sessionState';
import { testClient, type Handler } from '../lib/testClient';

const ME = 9;
const session = (over: Partial<SessionState> = {}): SessionState => ({
  ...fromSnapshot(
    {
      id: 3,
      forum: { id: 1, name: 'Forum' },
      title: 'Musyawarah',
      startsAt: '2027-02-01T01:00:00Z',
      place: null,
      onlineUrl: null,
      status: 'OPEN',
      openedAt: null,
      closedAt: null,
      currentItem: null,
      agenda: [],
      attendance: [
        { id: 1, accountId: 2, name: 'Warga Hadir', roleOrInstitution: 'Warga', gender: null, channel: 'ONLINE', checkedInAt: 't', status: 'PRESENT' },
        { id: 2, accountId: ME, name: 'Tamu Dinas', roleOrInstitution: 'Dinas PUPR', gender: null, channel: 'ONLINE', checkedInAt: 't', status: 'AWAITING_APPROVAL' },
      ],
      chat: [],
      speakerQueue: [],
      polls: [],
      minutes: null,
      viewerIsModerator: false,
      viewerCheckedIn: true,
      viewerMutedUntil: null,
    },
    1,
  ),
  ...over,
});
const settle = async () => {
  for (let i = 0; i < 5; i++) await act(() => new Promise((r) => setTimeout(r, 0)));
};

let root: HTMLElement;
beforeEach(() => {
  setLocale('id');
  root = document.createElement('div');
  document.body.appendChild(root);
});
afterEach(() => {
  render(null, root);
  root.remove();
});
function mount(handler: Handler, node: preact.ComponentChildren) {
  const { client, seen } = testClient(handler);
  act(() => render(<Provider value={client}>{node}</Provider>, root));
  return seen;
}

describe('a guest on the attendance list', () => {
  it('sees that the moderator has yet to approve, and cannot chat or answer', () => {
    const s = session({ polls: [{ id: 4, agendaItemId: null, question: 'Setuju?', kind: 'YES_NO_ABSTAIN', closedAt: null, myAnswer: null, results: { total: 0, answers: 0, withheld: true, options: [{ index: 0, label: 'YES', votes: 0 }] } }] });
    mount(() => ({}), (
      <>
        <CheckIn state={s} viewerId={ME} />
        <Chat state={s} viewerId={ME} />
        <Polls state={s} viewerId={ME} onAnswered={() => undefined} />
      </>
    ));
    expect(root.querySelector('[data-testid=attendance-status]')?.textContent).toBe('Menunggu persetujuan moderator');
    expect(root.querySelector('#checkin-role')).toBeNull();
    expect(root.querySelector('#chat-body')).toBeNull();
    expect(root.querySelector('input[type=radio]')).toBeNull();
  });
  it('takes part once present', () => {
    const s = session();
    s.attendance = s.attendance.map((a) => ({ ...a, status: 'PRESENT' as const }));
    mount(() => ({}), (
      <>
        <CheckIn state={s} viewerId={ME} />
        <Chat state={s} viewerId={ME} />
      </>
    ));
    expect(root.querySelector('[data-testid=attendance-status]')).toBeNull();
    expect(root.querySelector('#chat-body')).not.toBeNull();
  });
  it('is told when refused, and may still follow', () => {
    const s = session();
    s.attendance[1] = { ...s.attendance[1], status: 'REFUSED' };
    mount(() => ({}), <CheckIn state={s} viewerId={ME} />);
    expect(root.querySelector('[data-testid=attendance-status]')?.textContent).toBe('Moderator tidak menyetujui keikutsertaan Anda');
  });
});

describe('attendance for someone who is not the session’s staff', () => {
  const publicView = (status: string | null) =>
    fromSnapshot(
      {
        ...{ id: 3, forum: { id: 1, name: 'Forum' }, title: 'Musyawarah', startsAt: 't', place: null, onlineUrl: null, status: 'OPEN', openedAt: null, closedAt: null, currentItem: null, agenda: [] },
        attendanceCounts: { present: 12, awaiting: 1, male: 5, female: 6, unspecified: 1 },
        chat: [],
        speakerQueue: [],
        polls: [],
        minutes: null,
        viewerIsModerator: false,
        viewerCheckedIn: status !== null,
        viewerAttendanceStatus: status,
        viewerMutedUntil: null,
      },
      1,
    );
  it('sees counts, not names, and their own status from the server', () => {
    const s = publicView('AWAITING_APPROVAL');
    mount(() => ({}), (
      <>
        <CheckIn state={s} viewerId={ME} />
        <Attendance state={s} counts="12 hadir: 5 laki-laki, 6 perempuan" />
      </>
    ));
    expect(root.querySelector('[data-testid=attendance-status]')?.textContent).toBe('Menunggu persetujuan moderator');
    expect(root.querySelector('[data-testid=attendance-count]')?.textContent).toBe('12 hadir');
    expect(root.querySelector('[data-testid=attendance-counts]')?.textContent).toContain('6 perempuan');
    expect(root.querySelector('ol.attendance')).toBeNull();
  });
  it('learns of their own check-in from the mutation’s answer', async () => {
    const s = publicView(null);
    const got: any[] = [];
    mount(
      (name) => (name === 'CheckIn' ? { data: { checkIn: { __typename: 'Attendance', id: 41, status: 'PRESENT' } } } : {}),
      <CheckIn state={s} viewerId={ME} onCheckedIn={(e) => got.push(e)} />,
    );
    act(() => {
      root.querySelector('form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    });
    await settle();
    expect(got).toEqual([{ id: 41, status: 'PRESENT' }]);
  });
});

describe('the moderator’s pending guests', () => {
  it('lists guests awaiting approval and approves or refuses one', async () => {
    const seen = mount(
      (name, v) => (name === 'DecideAttendance' ? { data: { decideAttendance: { __typename: 'Attendance', id: v.attendanceId, status: v.approve ? 'PRESENT' : 'REFUSED' } } } : {}),
      <PendingGuests state={session({ viewerIsModerator: true })} />,
    );
    expect(root.querySelector('h3')?.textContent).toBe('Tamu menunggu persetujuan (1)');
    const buttons = [...root.querySelectorAll('button')];
    expect(buttons.map((b) => b.textContent)).toEqual(['Setujui Tamu Dinas', 'Tolak Tamu Dinas']);
    act(() => buttons[0].click());
    await settle();
    act(() => buttons[1].click());
    await settle();
    expect(seen).toEqual([
      { name: 'DecideAttendance', variables: { attendanceId: 2, approve: true } },
      { name: 'DecideAttendance', variables: { attendanceId: 2, approve: false } },
    ]);
  });
  it('says when nobody waits', () => {
    const s = session({ viewerIsModerator: true });
    s.attendance = s.attendance.slice(0, 1);
    mount(() => ({}), <PendingGuests state={s} />);
    expect(root.textContent).toContain('Tidak ada tamu yang menunggu.');
  });
});

describe('poll results', () => {
  const options = (yes: number, no: number) => [
    { index: 0, label: 'YES', votes: yes },
    { index: 1, label: 'NO', votes: no },
  ];
  it('are withheld in words until enough answers are in', () => {
    act(() => render(<PollResultsView poll={{ id: 1, kind: 'YES_NO_ABSTAIN', closedAt: null, results: { total: 0, answers: 2, withheld: true, options: options(0, 0) } }} />, root));
    expect(root.textContent).toBe('Hasil disembunyikan sampai cukup banyak jawaban masuk, agar jawaban satu orang tidak terlihat.');
    expect(root.querySelector('meter')).toBeNull();
  });
  it('say what a running step counts, and the exact totals at the close', () => {
    act(() => render(<PollResultsView poll={{ id: 1, kind: 'YES_NO_ABSTAIN', closedAt: null, results: { total: 3, answers: 4, withheld: false, options: options(2, 1) } }} />, root));
    expect(root.querySelector('li')?.textContent).toContain('2 dari 3');
    expect(root.textContent).toContain('Hasil sementara dari 3 jawaban');
    act(() => render(<PollResultsView poll={{ id: 1, kind: 'YES_NO_ABSTAIN', closedAt: 'z', results: { total: 4, answers: 4, withheld: false, options: options(3, 1) } }} />, root));
    expect(root.querySelector('li')?.textContent).toBe('Setuju3 dari 4');
    expect(root.textContent).toContain('4 jawaban');
  });
});
