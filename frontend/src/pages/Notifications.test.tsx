import { Provider } from '@urql/preact';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import NotificationsPage, { PAGE, describeNotification, mergeNotifications, notificationTarget, type Notification } from './Notifications';
import UnsubscribePage from './Unsubscribe';
import { unreadStore } from '../components/NotificationsLink';
import { setLocale } from '../lib/i18n';
import { navigate } from '../lib/router';
import { signIn, signOut, type Me } from '../lib/session';
import { testClient, type Handler } from '../lib/testClient';

const settle = async () => {
  for (let i = 0; i < 5; i++) await act(() => new Promise((r) => setTimeout(r, 0)));
};
const ME: Me = { id: 9, name: 'Warga Satu', verification: 'VERIFIED', email: 'warga@contoh.id', phone: null, homeRegion: null, roles: [] };

const noDetails = {
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
};
const note = (id: number, over: Partial<Notification> = {}, details: Partial<Notification['details']> = {}): Notification => ({
  id,
  kind: 'PROPOSAL_STATUS',
  proposalId: null,
  forumId: null,
  createdAt: '2027-03-01T02:00:00Z',
  readAt: '2027-03-01T03:00:00Z',
  summary: `Ringkasan ${id}`,
  ...over,
  details: { ...noDetails, ...details },
});

/** Newest first: #40 unread about a proposal, #39 read about a forum, #38 unread without a link, then 17 plain ones. */
const FIRST_PAGE: Notification[] = [
  note(40, { proposalId: 7, forumId: 3, readAt: null }, { proposalCode: 'K-7', proposalTitle: 'Rabat beton', fromStatus: 'SUBMITTED', toStatus: 'VERIFIED' }),
  note(39, { kind: 'ROUND_OPENED', forumId: 3 }, { title: 'Prioritas 2028', forumName: 'Musrenbang Kelurahan Pangongangan' }),
  note(38, { kind: 'COMMENT_REPLY', readAt: null }, { proposalCode: 'K-9', proposalTitle: 'Lampu jalan', authorName: 'Bu Sri', excerpt: 'Setuju sekali' }),
  ...Array.from({ length: PAGE - 3 }, (_, i) => note(37 - i)),
];
const OLDER: Notification[] = [note(20), note(19), note(18, { readAt: null })];

let root: HTMLElement;
beforeEach(() => {
  setLocale('id');
  root = document.createElement('div');
  document.body.appendChild(root);
});
afterEach(() => {
  render(null, root);
  root.remove();
  signOut();
  unreadStore.set(null);
  navigate('/');
});
function mount(handler: Handler, node: preact.ComponentChildren) {
  const { client, seen } = testClient(handler);
  act(() => render(<Provider value={client}>{node}</Provider>, root));
  return seen;
}
const items = () => [...root.querySelectorAll<HTMLLIElement>('[data-testid=notification]')];
const button = (text: string) => [...root.querySelectorAll('button')].find((b) => b.textContent === text);
const PREFS = [
  { kind: 'PROPOSAL_STATUS', delivery: 'EMAIL' },
  { kind: 'COMMENT_REPLY', delivery: 'EMAIL' },
  { kind: 'SESSION_DECISION', delivery: 'EMAIL' },
  { kind: 'ROUND_OPENED', delivery: 'DIGEST' },
  { kind: 'SESSION_SCHEDULED', delivery: 'DIGEST' },
  { kind: 'IMPLEMENTATION_UPDATE', delivery: 'EMAIL' },
];
/** The inbox of FIRST_PAGE and OLDER, and the preferences above. */
const inbox =
  (extra: Handler = () => ({})): Handler =>
  (name, variables) => {
    const answer = extra(name, variables);
    if (answer.data || answer.error) return answer;
    if (name === 'Notifications') return { data: { notifications: variables.before == null ? FIRST_PAGE : OLDER } };
    if (name === 'NotificationPreferences') return { data: { notificationPreferences: PREFS } };
    if (name === 'MarkNotificationsRead') return { data: { markNotificationsRead: 1 } };
    return {};
  };

describe('the notifications page', () => {
  it('asks a signed-out visitor to sign in, and asks the server nothing', async () => {
    const seen = mount(inbox(), <NotificationsPage />);
    await settle();
    expect(root.querySelector('a[href="/masuk?next=/notifikasi"]')).not.toBeNull();
    expect(items()).toHaveLength(0);
    expect(seen).toEqual([]);
  });

  it('lists the newest first, marks the unread ones in words, phrases them and links them', async () => {
    signIn('tok', ME);
    const seen = mount(inbox(), <NotificationsPage />);
    await settle();
    expect(seen.find((s) => s.name === 'Notifications')?.variables).toEqual({ before: null, first: PAGE });
    const list = items();
    expect(list.map((li) => li.id).slice(0, 3)).toEqual(['notif-40', 'notif-39', 'notif-38']);
    expect(list[0].dataset.unread).toBe('true');
    expect(list[0].textContent).toContain('Belum dibaca');
    expect(list[0].textContent).toContain('Status usulan K-7 “Rabat beton” berubah dari Diajukan menjadi Terverifikasi.');
    expect(list[0].querySelector('a')?.getAttribute('href')).toBe('/usulan/7');
    expect(list[1].dataset.unread).toBe('false');
    expect(list[1].textContent).not.toContain('Belum dibaca');
    expect(list[1].querySelector('a')?.getAttribute('href')).toBe('/forum/3');
    expect(list[1].textContent).toContain('Pemungutan suara “Prioritas 2028” dibuka di Musrenbang Kelurahan Pangongangan.');
    expect(list[2].textContent).toContain('Bu Sri menanggapi di usulan K-9 “Lampu jalan”.');
    expect(list[2].querySelector('blockquote')?.textContent).toBe('“Setuju sekali”');
    // Without details the server's summary shows.
    expect(list[3].textContent).toContain('Ringkasan 37');
    // Only #40 and #38 of this page are unread (the header's count is not known in this test).
    expect(root.querySelector('[data-testid=notif-status]')?.textContent).toBe('2 belum dibaca');
  });

  it('marks one read when it is opened, and goes to its proposal', async () => {
    signIn('tok', ME);
    const seen = mount(inbox(), <NotificationsPage />);
    await settle();
    act(() => items()[0].querySelector<HTMLAnchorElement>('a')!.click());
    await settle();
    expect(seen.filter((s) => s.name === 'MarkNotificationsRead').map((s) => s.variables)).toEqual([{ ids: [40] }]);
    expect(location.pathname).toBe('/usulan/7');
    expect(items()[0].dataset.unread).toBe('false');
    expect(items()[0].textContent).not.toContain('Belum dibaca');
    // #38 stays unread.
    expect(items()[2].dataset.unread).toBe('true');
  });

  it('opening a read one sends nothing; one without a link has its own button', async () => {
    signIn('tok', ME);
    const seen = mount(inbox(), <NotificationsPage />);
    await settle();
    act(() => items()[1].querySelector<HTMLAnchorElement>('a')!.click());
    await settle();
    expect(seen.filter((s) => s.name === 'MarkNotificationsRead')).toEqual([]);
    expect(items()[2].querySelector('a')).toBeNull();
    const own = items()[2].querySelector('button')!;
    expect(own.textContent).toContain('Tandai sudah dibaca');
    act(() => own.click());
    await settle();
    expect(seen.filter((s) => s.name === 'MarkNotificationsRead').map((s) => s.variables)).toEqual([{ ids: [38] }]);
    expect(items()[2].dataset.unread).toBe('false');
  });

  it('marks all read with one button (no ids: all of them, not only those loaded)', async () => {
    signIn('tok', ME);
    const seen = mount(inbox(), <NotificationsPage />);
    await settle();
    act(() => button('Tandai semua sudah dibaca')!.click());
    await settle();
    expect(seen.filter((s) => s.name === 'MarkNotificationsRead').map((s) => s.variables)).toEqual([{}]);
    expect(items().filter((li) => li.dataset.unread === 'true')).toHaveLength(0);
    expect(root.querySelector('[data-testid=notif-status]')?.textContent).toBe('Semua sudah dibaca.');
    expect(button('Tandai semua sudah dibaca')).toBeUndefined();
  });

  it('shows them unread again when marking fails', async () => {
    signIn('tok', ME);
    mount(inbox((name) => (name === 'MarkNotificationsRead' ? { error: { message: 'down', extensions: { code: 'UNAVAILABLE' } } } : {})), <NotificationsPage />);
    await settle();
    act(() => button('Tandai semua sudah dibaca')!.click());
    await settle();
    expect(items()[0].dataset.unread).toBe('true');
    expect(root.querySelector('[role=alert]')).not.toBeNull();
  });

  it('loads older ones before the oldest shown, until there are no more', async () => {
    signIn('tok', ME);
    const seen = mount(inbox(), <NotificationsPage />);
    await settle();
    expect(items()).toHaveLength(PAGE);
    act(() => button('Muat lebih lama')!.click());
    await settle();
    expect(seen.filter((s) => s.name === 'Notifications').map((s) => s.variables)).toEqual([
      { before: null, first: PAGE },
      { before: 21, first: PAGE },
    ]);
    expect(items()).toHaveLength(PAGE + 3);
    expect(items().at(-1)?.id).toBe('notif-18');
    expect(button('Muat lebih lama')).toBeUndefined();
    expect(root.textContent).toContain('Tidak ada pemberitahuan yang lebih lama.');
    expect(document.activeElement?.id).toBe('notif-20');
  });

  it('reloads the newest when the header’s unread count rises', async () => {
    signIn('tok', ME);
    let page = FIRST_PAGE;
    const seen = mount(inbox((name, v) => (name === 'Notifications' && v.before == null ? { data: { notifications: page } } : {})), <NotificationsPage />);
    act(() => unreadStore.set(2));
    await settle();
    page = [note(41, { proposalId: 8, readAt: null }, { proposalCode: 'K-8', proposalTitle: 'Drainase', toStatus: 'RETURNED', note: 'Lengkapi foto' }), ...FIRST_PAGE.slice(0, PAGE - 1)];
    act(() => unreadStore.set(3));
    await settle();
    expect(seen.filter((s) => s.name === 'Notifications')).toHaveLength(2);
    expect(items()[0].id).toBe('notif-41');
    expect(items()[0].textContent).toContain('Status usulan K-8 “Drainase” kini Dikembalikan.');
    expect(items()[0].textContent).toContain('Catatan: Lengkapi foto');
    expect(items()).toHaveLength(PAGE + 1);
    expect(root.querySelector('[data-testid=notif-status]')?.textContent).toBe('3 belum dibaca');
    // Falling (read elsewhere) reloads nothing.
    act(() => unreadStore.set(1));
    await settle();
    expect(seen.filter((s) => s.name === 'Notifications')).toHaveLength(2);
  });

  it('speaks English from the details', async () => {
    setLocale('en');
    signIn('tok', ME);
    mount(inbox(), <NotificationsPage />);
    await settle();
    expect(items()[0].textContent).toContain('The status of your proposal K-7 “Rabat beton” changed from Submitted to Verified.');
    expect(items()[0].textContent).toContain('Unread');
    expect(items()[1].textContent).toContain('The vote “Prioritas 2028” has opened in Musrenbang Kelurahan Pangongangan.');
  });
});

describe('how notifications are sent', () => {
  it('shows each kind’s choice, saves a change and says so at its row', async () => {
    signIn('tok', ME);
    const seen = mount(
      inbox((name, v) => (name === 'SetNotificationPreference' ? { data: { setNotificationPreference: PREFS.map((p) => (p.kind === v.kind ? { kind: v.kind, delivery: v.delivery } : p)) } } : {})),
      <NotificationsPage />,
    );
    await settle();
    const selects = [...root.querySelectorAll<HTMLSelectElement>('[data-testid=notif-prefs] select')];
    expect(selects.map((s) => s.id)).toEqual(['pref-PROPOSAL_STATUS', 'pref-COMMENT_REPLY', 'pref-SESSION_DECISION', 'pref-IMPLEMENTATION_UPDATE', 'pref-ROUND_OPENED', 'pref-SESSION_SCHEDULED']);
    expect(selects.map((s) => s.value)).toEqual(['EMAIL', 'EMAIL', 'EMAIL', 'EMAIL', 'DIGEST', 'DIGEST']);
    expect(root.querySelector('label[for=pref-COMMENT_REPLY]')?.textContent).toBe('Tanggapan atas usulan atau komentar saya');
    expect([...selects[1].options].map((o) => o.textContent)).toEqual(['Hanya di aplikasi', 'E-mail segera', 'Ringkasan harian', 'Mati']);
    expect(root.querySelector('[data-testid=pref-saved-COMMENT_REPLY]')?.textContent).toBe('');
    act(() => {
      selects[1].value = 'OFF';
      selects[1].dispatchEvent(new Event('change', { bubbles: true }));
    });
    await settle();
    expect(seen.filter((s) => s.name === 'SetNotificationPreference').map((s) => s.variables)).toEqual([{ kind: 'COMMENT_REPLY', delivery: 'OFF' }]);
    expect(root.querySelector('[data-testid=pref-saved-COMMENT_REPLY]')?.textContent).toContain('Tersimpan');
    expect(root.querySelector('[data-testid=pref-saved-PROPOSAL_STATUS]')?.textContent).toBe('');
    expect(root.querySelector<HTMLSelectElement>('#pref-COMMENT_REPLY')?.value).toBe('OFF');
  });

  it('puts the choice back and shows the error when saving fails', async () => {
    signIn('tok', ME);
    mount(inbox((name) => (name === 'SetNotificationPreference' ? { error: { message: 'forbidden', extensions: { code: 'FORBIDDEN' } } } : {})), <NotificationsPage />);
    await settle();
    const select = root.querySelector<HTMLSelectElement>('#pref-ROUND_OPENED')!;
    act(() => {
      select.value = 'EMAIL';
      select.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await settle();
    expect(root.querySelector<HTMLSelectElement>('#pref-ROUND_OPENED')?.value).toBe('DIGEST');
    expect(root.querySelector('[data-testid=pref-saved-ROUND_OPENED]')?.textContent).toBe('');
    expect(root.querySelector('[role=alert]')?.textContent).toContain('tidak berwenang');
  });

  it('tells a person without an email address that no e-mail can be sent', async () => {
    signIn('tok', { ...ME, email: null });
    mount(inbox(), <NotificationsPage />);
    await settle();
    expect(root.textContent).toContain('Akun Anda belum punya alamat email');
    expect(root.querySelector('a[href="/akun"]')).not.toBeNull();
  });
});

describe('phrasing', () => {
  it('phrases each kind from its details, and falls back to the summary', () => {
    const d = (kind: Notification['kind'], details: Partial<Notification['details']>) => describeNotification(note(1, { kind }, details), 'id').text;
    const proposal = { proposalCode: 'K-1', proposalTitle: 'Sumur' };
    expect(d('PROPOSAL_STATUS', { ...proposal, fromStatus: 'VERIFIED', toStatus: 'FORWARDED', level: 'KECAMATAN' })).toBe('Usulan K-1 “Sumur” naik ke tingkat Kecamatan dengan status Diteruskan.');
    expect(d('SESSION_DECISION', { ...proposal, outcome: 'DEFERRED', title: 'Sidang pleno' })).toBe('Musyawarah “Sidang pleno” memutuskan usulan K-1 “Sumur”: Ditunda.');
    expect(d('IMPLEMENTATION_UPDATE', { ...proposal, outcome: 'IN_PROGRESS' })).toBe('Pelaksanaan usulan K-1 “Sumur”: Sedang dikerjakan.');
    expect(describeNotification(note(1, { kind: 'IMPLEMENTATION_UPDATE' }, { ...proposal, outcome: 'DONE' }), 'en').text).toBe('Implementation of your proposal K-1 “Sumur”: Done.');
    expect(d('SESSION_SCHEDULED', { title: 'Pra-musrenbang', forumName: 'Kelurahan Taman' })).toBe('Musyawarah “Pra-musrenbang” di Kelurahan Taman telah dijadwalkan.');
    expect(d('SESSION_SCHEDULED', { title: 'Pra-musrenbang', startsAt: '2027-03-01T02:00:00Z' })).toMatch(/^Musyawarah “Pra-musrenbang” di forum Anda dijadwalkan pada .*2027/);
    expect(d('COMMENT_REPLY', proposal)).toBe('Seseorang menanggapi di usulan K-1 “Sumur”.');
    // What the phrase needs is missing, or the kind is new: the server's words.
    expect(d('SESSION_DECISION', proposal)).toBe('Ringkasan 1');
    expect(d('ROUND_OPENED', {})).toBe('Ringkasan 1');
    expect(d('SOMETHING_NEW' as Notification['kind'], proposal)).toBe('Ringkasan 1');
  });

  it('links the proposal first, else the forum', () => {
    expect(notificationTarget({ proposalId: 5, forumId: 2 })).toBe('/usulan/5');
    expect(notificationTarget({ proposalId: null, forumId: 2 })).toBe('/forum/2');
    expect(notificationTarget({ proposalId: null, forumId: null })).toBeNull();
  });

  it('merges newest first, once each, keeping a read mark made here', () => {
    const merged = mergeNotifications([note(5, { readAt: '2027-03-02T00:00:00Z' }), note(3)], [note(6, { readAt: null }), note(5, { readAt: null })]);
    expect(merged.map((n) => n.id)).toEqual([6, 5, 3]);
    expect(merged[1].readAt).toBe('2027-03-02T00:00:00Z');
  });
});

describe('unsubscribing from mail', () => {
  it('sends nothing until the button is pressed, then confirms', async () => {
    navigate('/berhenti-langganan?token=c0ffee');
    const seen = mount((name) => (name === 'UnsubscribeFromMail' ? { data: { unsubscribeFromMail: true } } : {}), <UnsubscribePage />);
    await settle();
    expect(seen).toEqual([]);
    expect(root.textContent).toContain('tidak akan lagi mengirimkan e-mail pemberitahuan');
    expect(root.textContent).toContain('Pemberitahuan tetap tampil di aplikasi');
    act(() => root.querySelector<HTMLButtonElement>('[data-testid=unsubscribe]')!.click());
    await settle();
    expect(seen).toEqual([{ name: 'UnsubscribeFromMail', variables: { token: 'c0ffee' } }]);
    expect(root.querySelector('[data-testid=unsubscribed]')?.textContent).toContain('Anda tidak akan lagi menerima e-mail pemberitahuan');
    expect(root.querySelector('[data-testid=unsubscribe]')).toBeNull();
  });

  it('says a link the server does not know is invalid, and where to change the settings', async () => {
    navigate('/berhenti-langganan?token=bad');
    const seen = mount(() => ({ data: { unsubscribeFromMail: false } }), <UnsubscribePage />);
    act(() => root.querySelector<HTMLButtonElement>('[data-testid=unsubscribe]')!.click());
    await settle();
    expect(seen).toHaveLength(1);
    const alert = root.querySelector('[data-testid=unsubscribe-invalid]');
    expect(alert?.getAttribute('role')).toBe('alert');
    expect(alert?.textContent).toContain('tidak berlaku');
    expect(alert?.querySelector('a')?.getAttribute('href')).toBe('/notifikasi');
    expect(root.querySelector('[data-testid=unsubscribed]')).toBeNull();
  });

  it('says so at once for a link without a token', async () => {
    navigate('/berhenti-langganan');
    const seen = mount(() => ({ data: { unsubscribeFromMail: true } }), <UnsubscribePage />);
    await settle();
    expect(root.querySelector('[data-testid=unsubscribe]')).toBeNull();
    expect(root.querySelector('[data-testid=unsubscribe-invalid]')).not.toBeNull();
    expect(seen).toEqual([]);
  });
});
