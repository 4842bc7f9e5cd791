// Closing a live session with agenda items about proposals still undecided: the moderator is
// asked first, told how many and which; the web minutes mark them "belum diputuskan" and head the
// priority table "Usulan". The forum's list of sessions says when each is: scheduled, "dibuka
// HH.MM", "ditutup …". Rejomulyo's forum only (no other scenario uses it): this closes a session
// and decides an item there.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BASE, DESKTOP, api, assertNoJsErrors, checkA11y, kelurahanForum, launch, newPage, shoot, signInUi, token } from './helpers.mjs';

const MODERATOR = 'fasilitator.rejomulyo@musrenbang.test';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('closing a session with undecided proposals asks first, naming them; the minutes say "belum diputuskan"', async () => {
  const forum = await kelurahanForum('Rejomulyo');
  const mod = await token(MODERATOR);
  // Scheduled for later today (or tomorrow just after midnight): the list says when.
  const startsAt = new Date(Date.now() + 60 * 60_000).toISOString();
  const scheduled = await api(
    'mutation($i:ScheduleSessionInput!){scheduleSession(input:$i){id}}',
    { i: { forumId: forum.id, title: 'Musyawarah Kelurahan Rejomulyo (uji tutup)', startsAt, place: 'Balai Kelurahan Rejomulyo' } },
    mod,
  );
  const sessionId = scheduled.scheduleSession.id;

  const page = await newPage(browser, DESKTOP);
  await signInUi(page, MODERATOR);
  await page.goto(`${BASE}/forum/${forum.id}`);
  const row = page.locator('section[aria-labelledby="sessions-heading"]').locator('li', { has: page.getByRole('link', { name: 'Musyawarah Kelurahan Rejomulyo (uji tutup)' }) });
  await row.getByTestId('session-time').getByText(/^dijadwalkan \d{1,2} \S+ \d{4}, \d{2}\.\d{2}$/).waitFor();

  // Opened, with an opening topic and three proposals on the agenda; one is decided.
  await api('mutation($id:Int!){openSession(sessionId:$id){id}}', { id: sessionId }, mod);
  const { proposals } = await api('query($f:Int!){proposals(filter:{forumId:$f},first:50){nodes{id code title status}}}', { f: forum.id });
  const candidates = proposals.nodes.filter((p) => ['SUBMITTED', 'VERIFIED'].includes(p.status));
  assert.ok(candidates.length >= 3, `need three proposals of Rejomulyo, got ${candidates.length}`);
  const add = (input) => api('mutation($i:AgendaItemInput!){addAgendaItem(input:$i){id title}}', { i: { sessionId, ...input } }, mod).then((d) => d.addAgendaItem);
  await add({ title: 'Pembukaan dan tata tertib' });
  const items = [];
  for (const p of candidates.slice(0, 3)) items.push({ ...(await add({ proposalId: p.id })), code: p.code });
  await api('mutation($s:Int!,$i:Int){setCurrentItem(sessionId:$s,itemId:$i){id}}', { s: sessionId, i: items[0].id }, mod);
  await api('mutation($i:DecideItemInput!){decideAgendaItem(input:$i){id}}', { i: { itemId: items[0].id, decision: 'DEFERRED', note: 'Menunggu survei lokasi' } }, mod);

  await page.reload();
  await row.getByTestId('session-time').getByText(/^dibuka \d{2}\.\d{2}$/).waitFor();

  // The close asks first, naming the two undecided proposals' items.
  await page.goto(`${BASE}/sesi/${sessionId}`);
  await page.getByTestId('session-status').getByText('Berlangsung').waitFor();
  await page.getByRole('button', { name: 'Tutup sesi' }).click();
  const confirm = page.getByTestId('confirm-close');
  const named = items
    .slice(1)
    .map((i) => `${i.title} (${i.code})`)
    .join('; ');
  await confirm.getByText(`2 acara belum diputuskan: ${named}; tetap tutup sesi?`, { exact: true }).waitFor();
  await confirm.getByText('Acara yang belum diputuskan dicatat “belum diputuskan” di berita acara.').waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'close-session-q');
  await checkA11y(page, 'close confirmation with undecided items');
  await shoot(page, 'session-close-undecided', { scrollTo: '[data-testid="confirm-close"]' });
  // "No" keeps the session open.
  await confirm.getByRole('button', { name: 'Jangan tutup' }).click();
  await confirm.waitFor({ state: 'detached' });
  const still = await api('query($id:Int!){liveSession(id:$id){status}}', { id: sessionId });
  assert.equal(still.liveSession.status, 'OPEN', 'nothing happens before the yes');
  // "Yes" closes it; the minutes mark the two "belum diputuskan", not the decided one.
  await page.getByRole('button', { name: 'Tutup sesi' }).click();
  await page.getByTestId('confirm-close').getByRole('button', { name: 'Ya, tutup sesi' }).click();
  await page.getByTestId('session-status').getByText('Selesai').waitFor();
  const minutes = page.getByTestId('minutes-heading');
  await minutes.getByTestId('minutes-undecided').first().waitFor();
  assert.equal(await minutes.getByTestId('minutes-undecided').count(), 2);
  for (const i of items.slice(1)) await minutes.locator('li', { hasText: i.code }).getByText('belum diputuskan').waitFor();
  await minutes.locator('li', { hasText: items[0].code }).getByText(/Ditunda/).waitFor();
  assert.equal(await minutes.locator('li', { hasText: items[0].code }).getByText('belum diputuskan').count(), 0);
  // The priority table's column of proposals is not "Judul sesi".
  const heads = await minutes.locator('thead th').allTextContents();
  assert.deepEqual(heads, ['Peringkat', 'Usulan', 'Biaya']);
  await checkA11y(page, 'minutes with undecided items');

  // The forum's list: "ditutup …".
  await page.goto(`${BASE}/forum/${forum.id}`);
  await row.getByTestId('session-time').getByText(/^ditutup \d{1,2} \S+ \d{4}, \d{2}\.\d{2}$/).waitFor();
  assertNoJsErrors(page);
  await page.context().close();
});
