// Photos where people write: a verified resident adds a photo to a comment from a phone (made
// smaller in the browser, sent with uploadCommentPhoto once the comment is there) and an
// anonymous visitor sees it under the comment; the agency's staff attach a photo to an
// implementation report and the proposal's timeline shows it; and a misspelt search on the
// proposals list offers the word it probably meant.
//
// Data: the comment and the implementation report go to the oldest plan item of the demo's
// closed 2026 cycle (a proposal of the city's 2026 forum, "… Kelurahan Pangongangan (2026)" in
// the demo; roles.test.mjs reports on the newest one): every kelurahan forum of the 2027 cycle
// is some other scenario's already. The resident lives in Kejuron, whose residents no other
// scenario signs in. The search only reads.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BASE, DESKTOP, api, assertNoJsErrors, checkA11y, launch, newPage, png, signInUi } from './helpers.mjs';

const RESIDENT = 'warga26@musrenbang.test';
const AGENCY = 'opd.pupr@musrenbang.test';

let browser;
let item;
before(async () => {
  browser = await launch();
  const data = await api('{proposals(filter:{statuses:[ACCEPTED]},sort:OLDEST,first:1){nodes{id title cycle{planYear} finalAgency{abbreviation}}}}');
  item = data.proposals.nodes[0];
});
after(async () => {
  await browser?.close();
});

/** The multipart uploads the page sends (GraphQL multipart requests), as they leave the browser. */
function recordUploads(page) {
  const sent = [];
  page.on('request', (request) => {
    if (request.url().endsWith('/graphql') && request.method() === 'POST' && (request.headers()['content-type'] ?? '').startsWith('multipart/form-data')) {
      sent.push(request.postDataBuffer() ?? Buffer.alloc(0));
    }
  });
  return sent;
}

/** Waits until the image has loaded (a real picture, not a broken one); lazy, so scrolled to first. */
async function loaded(locator) {
  await locator.waitFor();
  await locator.scrollIntoViewIfNeeded();
  await locator.page().waitForFunction((img) => img.complete && img.naturalWidth > 0, await locator.elementHandle(), { timeout: 15_000 });
}

test('a resident comments with a photo from a phone; a visitor sees it under the comment', async (t) => {
  if (!item) return t.skip('no proposal in the plan in this demo');
  const page = await newPage(browser);
  // (No extra sign-in through the API for the name: the suite's sign-ins from this address are rationed.)
  await signInUi(page, RESIDENT);
  const name = await page.evaluate(async () => {
    const token = localStorage.getItem('musrenbang.token');
    const res = await fetch('/graphql', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query: '{me{name verification}}' }) });
    const { data } = await res.json();
    return data.me.verification === 'VERIFIED' ? data.me.name : null;
  });
  assert.ok(name, `${RESIDENT} is a verified resident`);
  await page.goto(`${BASE}/usulan/${item.id}`);
  const form = page.locator('form.comment-form').last();
  await form.getByLabel('Tulis komentar').waitFor();
  // The phone's camera, as the proposal form offers it.
  const camera = form.locator('#new-comment-photos-camera');
  assert.equal(await camera.getAttribute('capture'), 'environment');
  assert.equal(await camera.getAttribute('accept'), 'image/*');

  const text = `Genangan masih ada di ujung gang (${Date.now()}).`;
  await form.getByLabel('Tulis komentar').fill(text);
  await form.getByLabel('Pilih foto').setInputFiles({ name: 'genangan.png', mimeType: 'image/png', buffer: png(2000, 1500) });
  await form.getByTestId('new-comment-photos-chosen').getByText(/^genangan\.png/).waitFor();
  await checkA11y(page, 'comment form with a chosen photo');
  const sent = recordUploads(page);
  await form.getByRole('button', { name: 'Kirim', exact: true }).click();

  const written = page.locator('li.comment', { hasText: text });
  const thumb = written.getByRole('img', { name: `Foto 1 pada komentar ${name}` });
  await loaded(thumb);
  assert.match(await thumb.getAttribute('src'), /^\/media\/\d+\/thumb$/);
  // Sent after the comment, made smaller in the browser: a JPEG, at most 1600 px.
  assert.equal(sent.length, 1);
  const body = sent[0].toString('latin1');
  assert.match(body, /uploadCommentPhoto\(commentId: \$commentId, file: \$file\)/);
  assert.match(body, /name="0"; filename="genangan\.jpg"\r\nContent-Type: image\/jpeg/);
  const sof = sent[0].indexOf(Buffer.from([0xff, 0xc0]), body.indexOf('\xff\xd8\xff'));
  assert.deepEqual([sent[0].readUInt16BE(sof + 7), sent[0].readUInt16BE(sof + 5)], [1600, 1200]);
  assert.equal(await page.locator('[role=alert]').count(), 0);
  // The author may still add two more, for a day.
  await written.getByRole('button', { name: 'Tambah foto' }).waitFor();
  assertNoJsErrors(page);

  const stored = await api('query($id:Int!){proposal(id:$id){comments{body attachments{url contentType commentId}} attachments{id}}}', { id: item.id });
  const saved = stored.proposal.comments.find((c) => c.body === text);
  assert.equal(saved.attachments.length, 1);
  assert.match(saved.attachments[0].contentType, /^image\/jpeg/);
  // The proposal's own files do not list it.
  assert.ok(!stored.proposal.attachments.some((a) => `/media/${a.id}` === saved.attachments[0].url));

  // Someone not signed in: the thumbnail under the comment, linking to the full picture.
  const visitor = await newPage(browser);
  await visitor.goto(`${BASE}/usulan/${item.id}`);
  const seen = visitor.locator('li.comment', { hasText: text }).getByRole('img', { name: `Foto 1 pada komentar ${name}` });
  await loaded(seen);
  const link = visitor.locator('li.comment', { hasText: text }).locator('.comment__photos a');
  assert.equal(await link.getAttribute('href'), saved.attachments[0].url);
  const full = await fetch(`${BASE}${saved.attachments[0].url}`);
  assert.equal(full.status, 200);
  assert.match(full.headers.get('content-type') ?? '', /^image\//);
  assert.equal(await visitor.locator('li.comment', { hasText: text }).getByRole('button', { name: 'Tambah foto' }).count(), 0);
  await checkA11y(visitor, 'a comment with a photo, seen by a visitor');
  assertNoJsErrors(visitor);
  await page.context().close();
  await visitor.context().close();
});

test('the agency reports implementation with a photo; the timeline shows its thumbnail', async (t) => {
  if (!item) return t.skip('no proposal in the plan in this demo');
  const page = await newPage(browser, DESKTOP);
  await signInUi(page, AGENCY);
  await page.goto(`${BASE}/usulan/${item.id}`);
  const form = page.locator('section', { has: page.getByRole('heading', { name: 'Laporkan pelaksanaan' }) });
  await form.getByLabel('Keterangan').waitFor();
  const note = `Serah terima pekerjaan, foto terlampir (${Date.now()}).`;
  await form.getByLabel('Keterangan').fill(note);
  assert.equal(await form.locator('#impl-files-camera').getAttribute('capture'), 'environment');
  await form.getByLabel('Tambah foto atau dokumen').setInputFiles({ name: 'serah-terima.png', mimeType: 'image/png', buffer: png(1200, 900) });
  await form.getByTestId('impl-files-chosen').getByText(/^serah-terima\.png/).waitFor();
  const sent = recordUploads(page);
  await form.getByRole('button', { name: 'Kirim laporan' }).click();

  const step = page.locator('#perjalanan .timeline li', { hasText: note });
  const thumb = step.getByRole('img', { name: /^Foto pelaksanaan: / });
  await loaded(thumb);
  assert.match(await thumb.getAttribute('src'), /^\/media\/\d+\/thumb$/);
  assert.equal(sent.length, 1);
  assert.match(sent[0].toString('latin1'), /uploadImplementationPhoto\(updateId: \$updateId, file: \$file\)/);
  assert.equal(await form.locator('[role=alert]').count(), 0);

  const path = await api('query($id:Int!){proposal(id:$id){path{implementation{note photoUrl}}}}', { id: item.id });
  const made = path.proposal.path.implementation.find((u) => u.note === note);
  assert.match(made.photoUrl, /^\/media\/\d+$/);
  assert.equal(await thumb.locator('xpath=ancestor::a[1]').getAttribute('href'), made.photoUrl);
  await checkA11y(page, 'implementation timeline with a photo');
  assertNoJsErrors(page);
  await page.context().close();
});

test('a misspelt search offers the word it probably meant, which lists the proposals', async () => {
  const found = await api('{proposals(filter:{search:"drainase"},sort:NEWEST,first:1){totalCount nodes{title}}}');
  assert.ok(found.proposals.totalCount > 0, 'the demo has proposals about drainase');
  const page = await newPage(browser);
  await page.goto(`${BASE}/usulan?q=drainse`);
  const none = page.getByTestId('search-none');
  await none.getByText('Maksud Anda:').waitFor();
  assert.equal((await none.textContent()).trim(), 'Tidak ada hasil untuk “drainse”. Maksud Anda: drainase?');
  await checkA11y(page, 'proposals: no result, with a suggestion');
  await none.getByRole('link', { name: 'drainase' }).click();
  await page.waitForURL((url) => url.searchParams.get('q') === 'drainase');
  await page.locator('.proposal-card').first().waitFor();
  const titles = await page.locator('.proposal-card__title').allTextContents();
  assert.ok(titles.some((title) => /drainase/i.test(title)), `titles: ${titles.join(' | ')}`);
  assert.equal(await page.getByTestId('search-none').count(), 0);
  // The search field shows what is searched now.
  assert.equal(await page.locator('#f-search').inputValue(), 'drainase');
  assertNoJsErrors(page);
  await page.context().close();
});
