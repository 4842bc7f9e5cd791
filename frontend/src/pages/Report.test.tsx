import { Provider } from '@urql/preact';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import ReportPage, { isPublished, type FullReport } from './Report';
import ReportFormPage, { EMPTY_REPORT, checkReport } from './ReportForm';
import { checkDraft, draftFromReport } from '../components/ReportStaff';
import { describeNotification, notificationTarget, type Notification } from './Notifications';
import { OutboxPanel } from '../components/Outbox';
import { setLocale } from '../lib/i18n';
import { onlineStore } from '../lib/online';
import { outboxStore, resetOutbox, sendNow, submitWrite } from '../lib/outbox';
import { navigate } from '../lib/router';
import { signIn, signOut, type Me } from '../lib/session';
import { testClient, type Handler } from '../lib/testClient';

const settle = async () => {
  for (let i = 0; i < 8; i++) await act(() => new Promise((r) => setTimeout(r, 0)));
};
const ME: Me = { id: 9, name: 'Warga Satu', verification: 'VERIFIED', email: 'warga@contoh.id', phone: null, homeRegion: null, roles: [] };

let online = true;
Object.defineProperty(window.navigator, 'onLine', { configurable: true, get: () => online });

const REPORT: FullReport = {
  id: 12,
  code: 'LAP-000012',
  kind: 'COMPLAINT',
  title: 'Saluran tersumbat di Gang Mawar',
  status: 'ANSWERED',
  privacy: 'ANONYMOUS',
  reporterName: null,
  createdAt: '2026-11-20T02:00:00Z',
  dueAt: null,
  overdue: false,
  escalationLevel: 0,
  mine: false,
  following: false,
  coordinating: false,
  handlingAgency: false,
  category: { id: 1, name: 'Saluran air dan drainase', agencyId: 4 },
  region: { id: 30, name: 'Pangongangan', level: 'DESA_KELURAHAN' },
  agency: { id: 4, name: 'Dinas Pekerjaan Umum dan Penataan Ruang', abbreviation: 'DPUPR' },
  body: 'Air meluap ke jalan setiap hujan karena saluran penuh lumpur.',
  address: 'Gang Mawar, dekat masjid',
  latitude: null,
  longitude: null,
  shareIdentityWithAgency: false,
  updatedAt: '2026-11-25T02:00:00Z',
  rejectionReason: null,
  mergedIntoId: null,
  disputed: false,
  followersCount: 0,
  verifyDueAt: '2026-11-25T10:00:00Z',
  verifiedAt: '2026-11-21T02:00:00Z',
  disposedAt: '2026-11-21T03:00:00Z',
  followUpDueAt: '2026-11-28T10:00:00Z',
  firstFollowUpAt: '2026-11-24T02:00:00Z',
  answeredAt: '2026-11-24T02:00:00Z',
  closedAt: null,
  proposal: null,
  history: [
    { actorRole: 'REPORTER', fromStatus: null, toStatus: 'SUBMITTED', note: null, createdAt: '2026-11-20T02:00:00Z' },
    { actorRole: 'COORDINATOR', fromStatus: 'SUBMITTED', toStatus: 'VERIFIED', note: null, createdAt: '2026-11-21T02:00:00Z' },
    { actorRole: 'COORDINATOR', fromStatus: 'VERIFIED', toStatus: 'DISPOSED', note: null, createdAt: '2026-11-21T03:00:00Z' },
    { actorRole: 'AGENCY', fromStatus: 'DISPOSED', toStatus: 'ANSWERED', note: 'Saluran sudah dikeruk tim lapangan.', createdAt: '2026-11-24T02:00:00Z' },
  ],
  photos: [],
  availableMoves: [],
  canRate: false,
};

let root: HTMLElement;
beforeEach(() => {
  setLocale('id');
  resetOutbox();
  online = true;
  onlineStore.set(true);
  root = document.createElement('div');
  document.body.appendChild(root);
});
afterEach(() => {
  render(null, root);
  root.remove();
  resetOutbox();
  signOut();
  navigate('/');
});
function mount(handler: Handler, node: preact.ComponentChildren) {
  const { client, seen } = testClient(handler);
  act(() => render(<Provider value={client}>{node}</Provider>, root));
  return { client, seen };
}
const text = () => root.textContent ?? '';
const button = (name: string) => [...root.querySelectorAll('button')].find((b) => b.textContent?.trim() === name);

describe('the report page', () => {
  it('shows an anonymous report to the public without a name, with the agency’s answer and the history by role', async () => {
    mount((name) => (name === 'Report' ? { data: { report: REPORT } } : {}), <ReportPage id={12} />);
    await settle();
    expect(root.querySelector('h1')?.textContent).toBe('Saluran tersumbat di Gang Mawar');
    expect(root.querySelector('[data-testid=report-reporter]')?.textContent).toBe('Pelapor anonim');
    expect(root.querySelector('[data-testid=report-answer]')?.textContent).toContain('Saluran sudah dikeruk tim lapangan.');
    const history = root.querySelector('[data-testid=report-history]')?.textContent ?? '';
    expect(history).toContain('Koordinator: Menunggu verifikasi → Terverifikasi');
    expect(history).toContain('Perangkat daerah: Diteruskan ke OPD → Dijawab');
    // No actions for a visitor.
    expect(button('Terima jawaban')).toBeUndefined();
    expect(root.querySelector('[data-testid=report-staff]')).toBeNull();
  });

  it('shows the reporter the clock and "Terlambat" when it has run out', async () => {
    signIn('tok', ME);
    const late = { ...REPORT, status: 'SUBMITTED' as const, mine: true, reporterName: 'Warga Satu', overdue: true, dueAt: '2026-11-25T10:00:00Z', history: REPORT.history.slice(0, 1) };
    mount((name) => (name === 'Report' ? { data: { report: late } } : {}), <ReportPage id={12} />);
    await settle();
    expect(root.querySelector('[data-testid=report-clock]')?.textContent).toBe('Batas waktu verifikasi: 25 November 2026');
    expect(root.querySelector('[data-testid=report-status]')?.textContent).toContain('Terlambat');
    expect(root.querySelector('[data-testid=report-reporter]')?.textContent).toBe('Warga Satu');
  });

  it('lets the reporter accept the answer after confirming, and sends the move', async () => {
    signIn('tok', ME);
    const mine = { ...REPORT, mine: true, reporterName: 'Warga Satu', availableMoves: ['CLOSED', 'REOPENED'] as FullReport['availableMoves'] };
    const { seen } = mount((name) => {
      if (name === 'Report') return { data: { report: mine } };
      if (name === 'MoveReport') return { data: { moveReport: { id: 12, status: 'CLOSED', availableMoves: [] } } };
      return {};
    }, <ReportPage id={12} />);
    await settle();
    act(() => button('Terima jawaban')!.click());
    await settle();
    // A confirmation first: nothing sent yet.
    expect(seen.some((s) => s.name === 'MoveReport')).toBe(false);
    act(() => button('Ya, terima jawaban')!.click());
    await settle();
    expect(seen.find((s) => s.name === 'MoveReport')?.variables).toEqual({ input: { reportId: 12, to: 'CLOSED', note: null, reason: null, agencyId: null } });
  });

  it('does not send a dispute without saying why', async () => {
    signIn('tok', ME);
    const mine = { ...REPORT, mine: true, availableMoves: ['CLOSED', 'REOPENED'] as FullReport['availableMoves'] };
    const { seen } = mount((name) => (name === 'Report' ? { data: { report: mine } } : {}), <ReportPage id={12} />);
    await settle();
    act(() => button('Sanggah jawaban')!.click());
    await settle();
    act(() => button('Kirim sanggahan')!.click());
    await settle();
    expect(seen.some((s) => s.name === 'MoveReport')).toBe(false);
    expect(root.querySelector('#rm-own-note-error')?.textContent).toContain('wajib diisi');
  });

  it('asks for all nine elements of the survey before sending it', async () => {
    signIn('tok', ME);
    const closed = { ...REPORT, status: 'CLOSED' as const, mine: true, canRate: true };
    const { seen } = mount((name) => {
      if (name === 'Report') return { data: { report: closed } };
      if (name === 'RateReport') return { data: { rateReport: true } };
      return {};
    }, <ReportPage id={12} />);
    await settle();
    const survey = root.querySelector('[data-testid=survey]')!;
    expect(survey.querySelectorAll('fieldset')).toHaveLength(9);
    expect(survey.textContent).toContain('Penanganan pengaduan');
    expect(survey.textContent).toContain('4 Sangat baik');
    act(() => button('Kirim penilaian')!.click());
    await settle();
    expect(text()).toContain('9 unsur belum dinilai.');
    for (const el of ['requirements', 'procedure', 'time', 'cost', 'product', 'competence', 'conduct', 'complaintHandling', 'facilities']) {
      act(() => root.querySelector<HTMLInputElement>(`#sv-${el}-4`)!.click());
    }
    await settle();
    expect(text()).toContain('Nilai Anda: 100,00 (A — Sangat baik).');
    act(() => button('Kirim penilaian')!.click());
    await settle();
    expect(seen.find((s) => s.name === 'RateReport')?.variables.answers).toMatchObject({ requirements: 4, complaintHandling: 4, facilities: 4, suggestion: null });
    expect(root.querySelector('[data-testid=survey-thanks]')).not.toBeNull();
  });

  it('loads photos of an unpublished report through the session', () => {
    expect(isPublished({ privacy: 'ANONYMOUS', verifiedAt: '2026-11-21T02:00:00Z', status: 'DISPOSED' })).toBe(true);
    expect(isPublished({ privacy: 'ANONYMOUS', verifiedAt: null, status: 'SUBMITTED' })).toBe(false);
    expect(isPublished({ privacy: 'SECRET', verifiedAt: '2026-11-21T02:00:00Z', status: 'DISPOSED' })).toBe(false);
    expect(isPublished({ privacy: 'PUBLIC', verifiedAt: '2026-11-21T02:00:00Z', status: 'REJECTED' })).toBe(false);
  });
});

describe('the report form', () => {
  const filled = { ...EMPTY_REPORT, title: 'Lampu jalan mati', body: 'Tiga lampu di gang mati sejak sebulan.', categoryId: '4', location: [2, 30, 301], address: 'Gang Kenanga' };

  it('checks lengths, category, place and coordinates before sending', () => {
    const { problems } = checkReport({ ...EMPTY_REPORT, title: 'abc', latitude: '-7,6' });
    expect(problems).toMatchObject({ title: 'harus 5–200 karakter', body: 'wajib diisi', categoryId: 'wajib diisi', regionId: 'pilih kecamatan dan kelurahan', longitude: 'isi lintang dan bujur, atau kosongkan keduanya' });
  });

  it('makes the input: anonymous by default, the deepest region chosen, coordinates as numbers', () => {
    const { input } = checkReport({ ...filled, latitude: '-7,6215', longitude: '111,5201' });
    expect(input).toEqual({
      kind: 'COMPLAINT',
      title: 'Lampu jalan mati',
      body: 'Tiga lampu di gang mati sejak sebulan.',
      categoryId: 4,
      regionId: 301,
      address: 'Gang Kenanga',
      latitude: -7.6215,
      longitude: 111.5201,
      privacy: 'ANONYMOUS',
      shareIdentityWithAgency: false,
    });
  });

  it('explains each privacy mode in one line, Anonim chosen', async () => {
    signIn('tok', ME);
    mount((name) => (name === 'ReportCategories' ? { data: { reportCategories: [{ id: 4, code: 'PJU', name: 'Lampu penerangan jalan', agencyId: 2, verifyDays: 3, followUpDays: 5, active: true }] } } : {}), <ReportFormPage />);
    await settle();
    const anonymous = root.querySelector<HTMLInputElement>('#rf-privacy-ANONYMOUS')!;
    expect(anonymous.checked).toBe(true);
    expect(root.querySelector('#rf-privacy-ANONYMOUS-hint')?.textContent).toContain('tanpa nama Anda');
    expect(root.querySelector('#rf-privacy-SECRET-hint')?.textContent).toContain('tidak tampil untuk umum');
    expect(root.querySelector('#rf-share')).not.toBeNull();
    expect(root.querySelector('#rf-photo-camera')?.getAttribute('capture')).toBe('environment');
    // Near the choice: what is public about a published report besides the report itself.
    const notes = root.querySelector('#rf-privacy-notes');
    expect(notes?.textContent).toBe('Catatan tindak lanjut dan sanggahan pada laporan yang dipublikasikan dapat dibaca umum.');
    expect(anonymous.getAttribute('aria-describedby')).toContain('rf-privacy-notes');
    expect(root.querySelector('#rf-privacy-PUBLIC')?.getAttribute('aria-describedby')).toContain('rf-privacy-notes');
    expect(root.querySelector('#rf-privacy-SECRET')?.getAttribute('aria-describedby')).not.toContain('rf-privacy-notes');
  });
});

describe('a report in the offline queue', () => {
  const write = { kind: 'report' as const, input: { title: 'Lampu jalan mati', categoryId: 4 }, title: 'Lampu jalan mati' };

  it('waits on the phone while offline, then is filed once with its key, and says where it went', async () => {
    signIn('tok', ME);
    const made = new Map<string, number>();
    const { client, seen } = mount((name, v) => {
      if (name !== 'FileReport') return {};
      if (!made.has(v.idempotencyKey)) made.set(v.idempotencyKey, 40 + made.size);
      return { data: { fileReport: { id: made.get(v.idempotencyKey), code: 'LAP-000040', status: 'SUBMITTED' } } };
    }, <OutboxPanel />);
    online = false;
    const outcome = await submitWrite(client, ME.id, write);
    expect(outcome.status).toBe('queued');
    await settle();
    act(() => button('Tampilkan')!.click());
    await settle();
    expect(root.querySelector('[data-testid=outbox-item]')?.textContent).toContain('Laporan');
    expect(text()).toContain('“Lampu jalan mati”');
    online = true;
    await sendNow(client, ME.id);
    await settle();
    const sent = seen.filter((s) => s.name === 'FileReport');
    expect(sent).toHaveLength(1);
    expect(sent[0].variables.idempotencyKey).toBe(outboxStore.get()[0]?.key ?? sent[0].variables.idempotencyKey);
    expect(outboxStore.get()).toEqual([]);
    expect(text()).toContain('Laporan terkirim: Lampu jalan mati');
    expect(root.querySelector('a[href="/laporan/40"]')).not.toBeNull();
  });
});

describe('report notifications', () => {
  const n = (details: Partial<Notification['details']>): Notification => ({
    id: 1,
    kind: 'REPORT_STATUS',
    proposalId: null,
    forumId: null,
    createdAt: '2026-12-01T02:00:00Z',
    readAt: null,
    summary: 'Laporan berubah',
    details: {
      proposalCode: null,
      proposalTitle: null,
      fromStatus: null,
      toStatus: null,
      level: null,
      note: null,
      forumName: null,
      title: null,
      startsAt: null,
      authorName: null,
      excerpt: null,
      outcome: null,
      reportId: null,
      reportTitle: null,
      ...details,
    },
  });

  it('links to the report and says what changed', () => {
    const note = n({ reportId: 40, reportTitle: 'Lampu jalan mati', fromStatus: 'DISPOSED', toStatus: 'ANSWERED', note: 'Sudah diganti.' });
    expect(notificationTarget(note)).toBe('/laporan/40');
    expect(describeNotification(note)).toEqual({ text: 'Laporan “Lampu jalan mati” berubah dari Diteruskan ke OPD menjadi Dijawab.', note: 'Sudah diganti.', quote: null });
    expect(describeNotification(note, 'en').text).toBe('Your report “Lampu jalan mati” went from Sent to the agency to Answered.');
    expect(describeNotification(n({ reportId: 40 })).text).toBe('Laporan berubah');
  });
});

describe('Jadikan usulan', () => {
  it('prefills the proposal from the report and checks the numbers like the proposal form', () => {
    const draft = draftFromReport(REPORT);
    expect(draft).toMatchObject({ title: REPORT.title, problem: REPORT.body, address: REPORT.address, solution: '' });
    const where = { forumId: 3, regionId: 30, latitude: null, longitude: null };
    expect(checkDraft(draft, where).problems).toMatchObject({ solution: 'wajib diisi', volume: 'harus berupa angka', unit: 'wajib diisi' });
    const { input } = checkDraft({ ...draft, solution: 'Mengeruk saluran', volume: '80', unit: 'meter', estimatedCost: 'Rp 24.000.000', beneficiaries: '60' }, where);
    expect(input).toMatchObject({ forumId: 3, regionId: 30, volume: 80, unit: 'meter', estimatedCost: 24_000_000, beneficiaries: 60, physical: true });
  });
});
