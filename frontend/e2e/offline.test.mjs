// A weak signal and no signal (issue "Photos, notifications and the weak signal"): the service
// worker keeps the app's shell, so a reload without a connection still opens the app, with the
// pages last seen; a comment written offline waits on the phone ("Menunggu dikirim") and is
// sent once when the connection returns; a send whose answer is lost is sent again with the
// same idempotency key, and the server keeps one comment.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BASE, PASSWORD, api, checkA11y, launch, newPage, registerResident, signInUi } from './helpers.mjs';

let browser;
let page;
let resident;
let proposal;

before(async () => {
  browser = await launch();
  page = await newPage(browser);
  resident = await registerResident('Pangongangan', 'Warga Sinyal Lemah', PASSWORD);
  const data = await api('{proposals(filter:{statuses:[SUBMITTED,VERIFIED]},sort:OLDEST,first:1){nodes{id title}}}');
  proposal = data.proposals.nodes[0];
  assert.ok(proposal, 'a submitted proposal to comment on');
});
after(async () => {
  await browser?.close();
});

/** The comments with this text on the proposal, as the server has them. */
async function commentsWith(body) {
  const data = await api('query($id:Int!){proposal(id:$id){comments{id body}}}', { id: proposal.id });
  return data.proposal.comments.filter((c) => c.body === body);
}

/** Errors in the page other than the requests that could not go out while offline. */
function unexpectedErrors(p) {
  return (p.jsErrors ?? []).filter((e) => !/ERR_INTERNET_DISCONNECTED|ERR_CONNECTION_RESET|Failed to load resource|WebSocket/i.test(e));
}

test('the app is installable: a manifest with icons, and a service worker that takes over', async () => {
  await signInUi(page, resident.email);
  const manifest = await (await fetch(`${BASE}/manifest.webmanifest`)).json();
  assert.equal(manifest.name, 'Musrenbang');
  assert.equal(manifest.start_url, '/');
  assert.equal(manifest.display, 'standalone');
  assert.deepEqual(
    manifest.icons.filter((i) => i.type === 'image/png').map((i) => `${i.sizes} ${i.purpose}`),
    ['192x192 any', '512x512 any', '512x512 maskable'],
  );
  for (const icon of manifest.icons) {
    const res = await fetch(`${BASE}${icon.src}`);
    assert.equal(res.status, 200, icon.src);
    assert.equal(res.headers.get('content-type'), icon.type, icon.src);
  }
  assert.equal(await page.locator('link[rel=manifest]').getAttribute('href'), '/manifest.webmanifest');
  assert.equal(await page.locator('meta[name=theme-color]').getAttribute('content'), '#0b5d3b');
  // Registered by the app, active, and controlling the page (clients.claim).
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.waitForFunction(() => !!navigator.serviceWorker.controller);
  const sw = await (await fetch(`${BASE}/sw.js`)).text();
  assert.match(sw, /const PRECACHE = \["\/",/);
});

test('offline, a comment waits on the phone and is sent once when the connection returns', async () => {
  const body = `Komentar tanpa sinyal ${Date.now()}`;
  // Online first: the page (and who is signed in) is kept for later.
  await page.goto(`${BASE}/usulan/${proposal.id}`);
  await page.getByRole('heading', { level: 1, name: proposal.title }).waitFor();
  await page.waitForFunction(() => !!navigator.serviceWorker.controller);

  await page.context().setOffline(true);
  await page.getByText('Anda sedang luring').waitFor();
  await page.getByLabel('Tulis komentar').fill(body);
  await page.getByRole('button', { name: 'Kirim', exact: true }).click();
  await page.getByTestId('pending-comment').getByText(body).waitFor();
  await page.getByText('Menunggu dikirim (1)').waitFor();
  assert.equal(await page.getByLabel('Tulis komentar').inputValue(), '');
  await checkA11y(page, 'a comment waiting to be sent');

  // A reload without any connection: the shell from the service worker, the proposal as last
  // seen (marked so), and the comment still waiting.
  await page.reload();
  await page.getByRole('heading', { level: 1, name: proposal.title }).waitFor();
  await page.getByTestId('last-seen').getByText(/^Terakhir dilihat/).waitFor();
  await page.getByText('Menunggu dikirim (1)').waitFor();
  await page.getByRole('button', { name: 'Tampilkan' }).click();
  await page.getByTestId('outbox-item').getByText(body).waitFor();
  await checkA11y(page, 'offline reload');
  assert.deepEqual(await commentsWith(body), [], 'nothing reached the server while offline');

  // A page not seen before still opens (its script is in the worker's cache), saying it is offline.
  await page.goto(`${BASE}/forum`);
  await page.getByRole('heading', { level: 1, name: 'Forum musrenbang' }).waitFor();
  await page.getByText('Anda sedang luring').waitFor();
  await page.goto(`${BASE}/usulan/${proposal.id}`);
  await page.getByRole('heading', { level: 1, name: proposal.title }).waitFor();

  await page.context().setOffline(false);
  await page.locator('.comment:not(.comment--pending)').filter({ hasText: body }).waitFor({ timeout: 20_000 });
  await page.getByTestId('pending-comment').waitFor({ state: 'detached' });
  await page.locator('.outbox__sent').getByText(`Komentar terkirim: “${body}”`).waitFor();
  assert.equal((await commentsWith(body)).length, 1);
  // Nothing is sent again later (another `online`, the queue's timer, a reload).
  await page.reload();
  await page.getByRole('heading', { level: 1, name: proposal.title }).waitFor();
  await page.waitForTimeout(1500);
  assert.equal((await commentsWith(body)).length, 1);
  assert.equal(await page.getByText(/Menunggu dikirim/).count(), 0);
  assert.deepEqual(unexpectedErrors(page), []);
});

test('a send whose answer is lost is sent again with the same key: one comment', async () => {
  const body = `Komentar jawaban hilang ${Date.now()}`;
  await page.goto(`${BASE}/usulan/${proposal.id}`);
  await page.getByRole('heading', { level: 1, name: proposal.title }).waitFor();
  const sent = [];
  // The first addComment reaches the server, which makes the comment; its answer is lost.
  await page.route('**/graphql', async (route) => {
    const post = route.request().postData() ?? '';
    if (route.request().method() !== 'POST' || !post.includes('addComment')) return route.fallback();
    sent.push(JSON.parse(post).variables);
    if (sent.length > 1) return route.fallback();
    await route.fetch();
    return route.abort('connectionreset');
  });
  await page.getByLabel('Tulis komentar').fill(body);
  await page.getByRole('button', { name: 'Kirim', exact: true }).click();
  // No answer: the comment waits (shown once its first try has failed).
  await page.getByText('Menunggu dikirim (1)').waitFor();
  assert.equal(await page.getByLabel('Tulis komentar').inputValue(), '');
  assert.equal((await commentsWith(body)).length, 1, 'the first try did arrive');
  await page.getByRole('button', { name: 'Kirim sekarang' }).click();
  await page.locator('.outbox__sent').getByText(`Komentar terkirim: “${body}”`).waitFor();
  await page.locator('.comment:not(.comment--pending)').filter({ hasText: body }).waitFor();
  await page.unroute('**/graphql');
  assert.equal(sent.length, 2);
  assert.match(sent[0].idempotencyKey, /^[A-Za-z0-9_-]{16,64}$/);
  assert.equal(sent[1].idempotencyKey, sent[0].idempotencyKey);
  assert.equal((await commentsWith(body)).length, 1, 'the retry found the first comment instead of making a second');
  assert.equal(await page.locator('.comment').filter({ hasText: body }).count(), 1);
  assert.deepEqual(unexpectedErrors(page), []);
});

test('a proposal written offline is kept, then created and submitted once when the connection returns', async () => {
  const title = `Usulan tanpa sinyal ${Date.now()}`;
  await page.goto(`${BASE}/usulan/baru`);
  await page.getByRole('heading', { level: 1, name: 'Ajukan usulan' }).waitFor();
  // The forum of the resident's kelurahan is chosen already (from the catalogue and regions
  // the page loaded online; offline they come from the copies kept on the phone).
  await page.waitForFunction(() => document.querySelector('#pf-forum')?.selectedOptions[0]?.textContent === 'Musrenbang Kelurahan Pangongangan');
  await page.context().setOffline(true);
  await page.getByLabel('Alamat').fill('Gang Melati, depan musala');
  await page.getByLabel('Judul usulan').fill(title);
  await page.getByLabel('Masalah').fill('Saluran air di gang tersumbat sehingga jalan tergenang setiap hujan turun.');
  await page.getByLabel('Gagasan penyelesaian').fill('Membersihkan dan menutup saluran dengan plat beton sepanjang gang.');
  await page.getByLabel('Volume').fill('120');
  await page.getByLabel('Satuan').fill('meter');
  await page.getByLabel('Perkiraan biaya (Rupiah)').fill('90000000');
  await page.getByLabel('Penerima manfaat').fill('80');
  await page.getByRole('button', { name: 'Simpan dan ajukan' }).click();
  await page.getByRole('heading', { level: 1, name: 'Usulan disimpan di ponsel ini' }).waitFor();
  await page.getByText('Menunggu dikirim (1)').waitFor();
  await checkA11y(page, 'a proposal kept on the phone');
  const mine = async () => {
    const data = await api('{myProposals(first:50){nodes{id title status}}}', {}, resident.token);
    return data.myProposals.nodes.filter((p) => p.title === title);
  };
  assert.deepEqual(await mine(), []);

  await page.context().setOffline(false);
  await page.locator('.outbox__sent').getByText(`Usulan terkirim: ${title}`).waitFor({ timeout: 20_000 });
  const made = await mine();
  assert.equal(made.length, 1);
  assert.equal(made[0].status, 'SUBMITTED');
  await page.locator('.outbox__sent').getByRole('link', { name: 'Lihat' }).click();
  await page.getByRole('heading', { level: 1, name: title }).waitFor();
  assert.deepEqual(unexpectedErrors(page), []);
});
