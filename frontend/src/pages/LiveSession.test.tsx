// The moderator's close: asked first, naming the agenda items about a proposal still without a
// decision; the web minutes mark them "belum diputuskan"; and the forum's list of sessions says
// when each is (scheduled, opened, closed).
import { Provider } from '@urql/preact';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Lifecycle, Minutes, undecidedItems } from './LiveSession';
import { sessionTimeText } from '../components/SessionSchedule';
import { setLocale } from '../lib/i18n';
import type { AgendaItem, SessionState } from '../lib/sessionState';
import { testClient, type Handler } from '../lib/testClient';

const plain = (s: string | null | undefined) => (s ?? '').replace(/\u00a0|\u202f/g, ' ');
const settle = async () => {
  for (let i = 0; i < 5; i++) await act(() => new Promise((r) => setTimeout(r, 0)));
};

const item = (id: number, title: string, over: Partial<AgendaItem> = {}): AgendaItem => ({
  id,
  position: id,
  title,
  proposalId: null,
  proposal: null,
  timeBoxMinutes: null,
  startedAt: null,
  endedAt: null,
  endsAt: null,
  decision: null,
  decisionNote: null,
  mergedIntoId: null,
  ...over,
});
const withProposal = (id: number, title: string, code: string, decision: string | null = null) => item(id, title, { proposalId: 100 + id, proposal: { id: 100 + id, code, status: 'VERIFIED' }, decision });

const session = (agenda: AgendaItem[]): SessionState =>
  ({
    id: 5,
    forum: { id: 1, name: 'Musrenbang Kelurahan Rejomulyo' },
    title: 'Musyawarah',
    startsAt: '2026-11-23T02:00:00Z',
    place: null,
    onlineUrl: null,
    status: 'OPEN',
    openedAt: '2026-11-23T02:05:00Z',
    closedAt: null,
    currentItemId: null,
    agenda,
    attendance: [],
    attendanceCounts: { present: 0, awaiting: 0, male: 0, female: 0, unspecified: 0 },
    attendanceCount: 0,
    viewerAttendance: null,
    chat: [],
    speaker: null,
    queue: [],
    polls: [],
    minutes: null,
    viewerIsModerator: true,
    viewerCheckedIn: false,
    viewerMutedUntil: null,
    lastSequence: 0,
  }) as SessionState;

let root: HTMLElement;
beforeEach(() => {
  setLocale('id');
  root = document.createElement('div');
  document.body.appendChild(root);
});
afterEach(() => {
  render(null, root);
  root.remove();
  setLocale('id');
});

function mount(handler: Handler, node: preact.ComponentChildren) {
  const { client, seen } = testClient(handler);
  act(() => render(<Provider value={client}>{node}</Provider>, root));
  return seen;
}
const button = (text: string) => [...root.querySelectorAll('button')].find((b) => b.textContent?.trim() === text);
const click = async (el: Element | undefined) => {
  expect(el).toBeTruthy();
  await act(() => {
    (el as HTMLElement).click();
  });
  await settle();
};
const closed = () => ({ data: { closeSession: { id: 5, status: 'CLOSED' } } });

describe('closing a live session', () => {
  const agenda = [item(1, 'Pembukaan'), withProposal(2, 'Saluran RT 01', 'USL-2027-0001'), withProposal(3, 'Paving RT 02', 'USL-2027-0002', 'ACCEPTED'), withProposal(4, 'Lampu gang', 'USL-2027-0003')];

  it('counts only the items about a proposal without a decision', () => {
    expect(undecidedItems(session(agenda)).map((i) => i.id)).toEqual([2, 4]);
    expect(undecidedItems(session([item(1, 'Pembukaan')]))).toEqual([]);
  });

  it('names how many and which items are undecided, and closes only on the yes', async () => {
    const seen = mount((name) => (name === 'CloseSession' ? closed() : {}), <Lifecycle state={session(agenda)} />);
    await click(button('Tutup sesi'));
    const ask = root.querySelector('[data-testid="confirm-close"]')!;
    expect(ask.querySelector('strong')?.textContent).toBe('2 acara belum diputuskan: Saluran RT 01 (USL-2027-0001); Lampu gang (USL-2027-0003); tetap tutup sesi?');
    expect(ask.textContent).toContain('dicatat “belum diputuskan” di berita acara');
    expect(document.activeElement?.id).toBe('close-session-q');
    expect(seen).toEqual([]);
    await click(button('Jangan tutup'));
    expect(root.querySelector('[data-testid="confirm-close"]')).toBeNull();
    expect(seen).toEqual([]);
    await click(button('Tutup sesi'));
    await click(button('Ya, tutup sesi'));
    expect(seen.map((s) => s.name)).toEqual(['CloseSession']);
    expect(root.querySelector('[data-testid="confirm-close"]')).toBeNull();
  });

  it('asks plainly when everything is decided, and speaks English', async () => {
    mount(() => ({}), <Lifecycle state={session([item(1, 'Pembukaan'), withProposal(2, 'Saluran', 'USL-1', 'REJECTED')])} />);
    await click(button('Tutup sesi'));
    expect(root.querySelector('[data-testid="confirm-close"] strong')?.textContent).toBe('Tutup sesi ini?');
    render(null, root);
    setLocale('en');
    mount(() => ({}), <Lifecycle state={session([withProposal(2, 'Saluran', 'USL-1')])} />);
    await click(button('Close session'));
    expect(root.querySelector('[data-testid="confirm-close"] strong')?.textContent).toBe('1 agenda item has no decision: Saluran (USL-1); close the session anyway?');
  });
});

describe('the web minutes', () => {
  const minutes = {
    number: 'BA/5/2026',
    header: { chair: 'Siti', startsAt: '2026-11-23T02:00:00Z', openedAt: '2026-11-23T02:05:00Z', closedAt: '2026-11-23T04:00:00Z' },
    attendanceSummary: { total: 0, male: 0, female: 0, genderUnspecified: 0, online: 0, inHall: 0 },
    attendance: [],
    agenda: [
      { position: 1, title: 'Pembukaan', proposalCode: null, proposalStatus: null, decision: null, note: null, polls: [] },
      { position: 2, title: 'Saluran RT 01', proposalCode: 'USL-2027-0001', proposalStatus: 'VERIFIED', decision: null, note: null, polls: [] },
      { position: 3, title: 'Paving RT 02', proposalCode: 'USL-2027-0002', proposalStatus: 'VERIFIED', decision: 'ACCEPTED', note: null, polls: [] },
    ],
    priorities: { rows: [{ proposalId: 9, rank: 1, code: 'USL-2027-0002', title: 'Paving RT 02', cost: 1000 }] },
  };

  it('mark the items about a proposal left without a decision "belum diputuskan"; the priority table heads "Usulan"', () => {
    mount(() => ({}), <Minutes minutes={minutes} />);
    const items = [...root.querySelectorAll('ol.list')].at(-1)!.querySelectorAll('li');
    expect(items[0].textContent).toBe('Pembukaan');
    expect(items[1].textContent).toBe('Saluran RT 01 · USL-2027-0001 — belum diputuskan');
    expect(items[2].textContent).toContain('Disepakati');
    expect(items[2].textContent).not.toContain('belum diputuskan');
    const heads = [...root.querySelectorAll('thead th')].map((th) => th.textContent);
    expect(heads).toEqual(['Peringkat', 'Usulan', 'Biaya']);
    expect(root.textContent).not.toContain('Judul sesi');
  });
});

describe("a forum's list of sessions", () => {
  const at = (iso: string) => new Date(iso);
  it('says the scheduled time, then "dibuka HH.MM", then "ditutup …"', () => {
    const s = { status: 'SCHEDULED', startsAt: '2026-11-23T02:00:00Z', openedAt: null, closedAt: null };
    expect(plain(sessionTimeText(s))).toMatch(/^dijadwalkan 23 Nov 2026, \d{2}\.00$/);
    const open = { ...s, status: 'OPEN', openedAt: '2026-11-23T02:05:00Z' };
    expect(plain(sessionTimeText(open, at('2026-11-23T03:00:00Z')))).toMatch(/^dibuka \d{2}\.05$/);
    // Opened on another day: with its date.
    expect(plain(sessionTimeText(open, at('2026-11-25T03:00:00Z')))).toMatch(/^dibuka 23 Nov 2026, \d{2}\.05$/);
    expect(plain(sessionTimeText({ ...open, status: 'PAUSED' }, at('2026-11-23T03:00:00Z')))).toMatch(/^dibuka \d{2}\.05$/);
    expect(plain(sessionTimeText({ ...open, status: 'CLOSED', closedAt: '2026-11-23T04:30:00Z' }))).toMatch(/^ditutup 23 Nov 2026, \d{2}\.30$/);
    setLocale('en');
    expect(plain(sessionTimeText(open, at('2026-11-23T03:00:00Z')))).toMatch(/^opened \d{2}:05$/);
  });
});
