// Issue #17: the hall's projector view of a live session (1920×1080, large type, live poll bars,
// a QR code to check in), hall attendance in bulk, the planners' dashboard, and a phone priority
// list without horizontal scroll.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { BASE, DESKTOP, PHONE, SCREENSHOTS, api, assertNoJsErrors, checkA11y, kelurahanForum, launch, newPage, openSession, residentsOf, shoot, signInUi, token } from './helpers.mjs';

const HALL = { width: 1920, height: 1080 };

let browser;
let forum;
let sessionId;
let modToken;
let residents;
before(async () => {
  browser = await launch();
  // A session of Oro-Oro Ombo, opened through the API, with a current item of 10 minutes, one
  // resident on the floor, one waiting, and a poll that two residents have answered.
  forum = await kelurahanForum('Oro-Oro Ombo');
  const admin = await token('admin@musrenbang.test');
  residents = await residentsOf(forum.region.id, admin);
  assert.ok(residents.length >= 3, 'need three verified residents of Oro-Oro Ombo');
  modToken = await token('fasilitator.orooroombo@musrenbang.test');
  sessionId = await openSession(modToken, forum.id, 'Musyawarah Kelurahan Oro-Oro Ombo');
  const item = await api('mutation($i:AgendaItemInput!){addAgendaItem(input:$i){id}}', { i: { sessionId, title: 'Perbaikan saluran air RW 03', timeBoxMinutes: 10 } }, modToken);
  await api('mutation($s:Int!,$i:Int){setCurrentItem(sessionId:$s,itemId:$i){id}}', { s: sessionId, i: item.addAgendaItem.id }, modToken);
  const tokens = [];
  for (const r of residents.slice(0, 2)) {
    const t = await token(r.email);
    tokens.push(t);
    await api('mutation($s:Int!){checkIn(sessionId:$s,roleOrInstitution:"Warga"){id}}', { s: sessionId }, t);
    await api('mutation($s:Int!){raiseHand(sessionId:$s){id}}', { s: sessionId }, t);
  }
  await api('mutation($s:Int!,$a:Int){giveFloor(sessionId:$s,accountId:$a,seconds:180){id}}', { s: sessionId, a: residents[0].id }, modToken);
  const poll = await api('mutation($i:OpenPollInput!){openPoll(input:$i){id}}', { i: { sessionId, question: 'Setuju saluran RW 03 diprioritaskan?', kind: 'YES_NO_ABSTAIN' } }, modToken);
  for (const t of tokens) await api('mutation($p:Int!){answerPoll(pollId:$p,choice:0){id}}', { p: poll.openPoll.id }, t);
});
after(async () => {
  await browser?.close();
});

test('the hall view on a 1920×1080 projector: large timer, speakers, QR, and poll bars that change live', async () => {
  const hall = await newPage(browser, HALL);
  await signInUi(hall, 'fasilitator.orooroombo@musrenbang.test');
  await hall.goto(`${BASE}/sesi/${sessionId}`);
  await hall.getByTestId('hall-link').click();
  await hall.waitForURL(new RegExp(`/sesi/${sessionId}/aula$`));
  await hall.getByTestId('hall').waitFor();
  assert.equal(await hall.locator('.site-header, .site-footer').count(), 0, 'no navigation chrome on the wall');
  await hall.getByTestId('hall-item').getByText('Perbaikan saluran air RW 03').waitFor();
  const timer = hall.getByTestId('hall-timer');
  await timer.getByText(/^\d+:\d\d$/).waitFor();
  const box = await timer.boundingBox();
  assert.ok(box && box.height >= 120, `the timer is ${box?.height} px tall`);
  const glyphs = await timer.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  assert.ok(glyphs >= 120, `the timer's digits are ${glyphs} px`);
  // Who speaks, who is next.
  await hall.getByTestId('hall-speaker').getByText(residents[0].name).waitFor();
  await hall.getByTestId('hall-queue').getByText(residents[1].name).waitFor();
  // The QR code leads to the session page, where a signed-in resident checks in.
  assert.equal(await hall.getByTestId('hall-qr').getAttribute('data-text'), `${BASE}/sesi/${sessionId}`);
  assert.ok((await hall.getByTestId('hall-qr').locator('path').getAttribute('d')).length > 500);
  // Two answers: below the minimum, so no bars yet.
  await hall.getByTestId('hall-poll-withheld').waitFor();
  // Nothing on the wall is cut off or scrolls sideways.
  assert.ok(await hall.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth));
  const tall = await hall.evaluate(() => document.documentElement.scrollHeight);
  assert.ok(tall <= 1080, `the hall view is ${tall} px tall on a 1080 px screen`);

  // A third resident, on a phone, checks in and answers: the wall shows the bars without a reload.
  const phone = await newPage(browser, PHONE);
  await signInUi(phone, residents[2].email);
  await phone.goto(`${BASE}/sesi/${sessionId}`);
  await phone.getByTestId('checkin-heading').getByRole('button', { name: 'Isi daftar hadir' }).click();
  await phone.getByTestId('checkin-heading').waitFor({ state: 'detached' });
  await hall.getByTestId('hall-present').getByText('3 hadir').waitFor();
  const poll = phone.getByTestId('open-poll');
  await poll.getByLabel('Tidak setuju', { exact: true }).check();
  await poll.getByRole('button', { name: 'Kirim jawaban' }).click();
  await poll.getByText('Jawaban Anda: Tidak setuju').waitFor();
  const bars = hall.getByTestId('hall-poll-bars');
  await bars.waitFor({ timeout: 10_000 });
  const rows = bars.locator('.hall__bar-row');
  assert.match(await rows.nth(0).textContent(), /Setuju\s*2 \(67 %\)/);
  assert.match(await rows.nth(1).textContent(), /Tidak setuju\s*1 \(33 %\)/);
  assert.equal(await rows.nth(0).locator('.hall__bar-fill').getAttribute('width'), '67');
  await hall.getByTestId('hall-poll-withheld').waitFor({ state: 'detached' });

  await checkA11y(hall, 'hall view');
  await hall.screenshot({ path: join(SCREENSHOTS, 'hall-projector.png') });
  assertNoJsErrors(hall);
  assertNoJsErrors(phone);
  await hall.context().close();
  await phone.context().close();
});

test('the desk records hall attendance in bulk, one name a line, with a result for each', async () => {
  const mod = await newPage(browser, DESKTOP);
  await signInUi(mod, 'fasilitator.orooroombo@musrenbang.test');
  await mod.goto(`${BASE}/sesi/${sessionId}`);
  const panel = mod.getByTestId('attendance-heading');
  const before = Number((await panel.getByTestId('attendance-count').textContent()).match(/\d+/)[0]);
  const bulk = mod.getByTestId('bulk-attendance');
  await bulk.locator('summary', { hasText: 'Catat banyak peserta sekaligus' }).click();
  await bulk.getByLabel(/^Nama peserta, satu nama per baris/).fill('Sutrisno; Ketua RW 01\nWartini; Ketua PKK\nDarmo\nA');
  await bulk.getByRole('button', { name: 'Catat semua hadir' }).click();
  const results = bulk.getByTestId('bulk-results');
  await results.getByText('3 tercatat, 1 gagal').waitFor();
  const lines = results.locator('li');
  assert.equal(await lines.count(), 4);
  assert.match(await lines.nth(0).textContent(), /Sutrisno — tercatat hadir \(Ketua RW 01\)/);
  assert.match(await lines.nth(1).textContent(), /Wartini — tercatat hadir \(Ketua PKK\)/);
  assert.match(await lines.nth(2).textContent(), /Darmo — tercatat hadir \(Warga\)/);
  assert.match(await lines.nth(3).textContent(), /A — nama dan peran harus 2–200 karakter/);
  // The line that failed stays in the box, to be corrected.
  assert.equal(await bulk.getByLabel(/^Nama peserta/).inputValue(), 'A');
  await panel.getByTestId('attendance-count').getByText(`${before + 3} hadir`).waitFor();
  for (const name of ['Sutrisno', 'Wartini', 'Darmo']) await panel.locator('.attendance li', { hasText: name }).first().waitFor();
  await checkA11y(mod, 'bulk attendance');
  await shoot(mod, 'hall-bulk-attendance', { scrollTo: '#attendance-heading' });
  assertNoJsErrors(mod);
  await mod.context().close();
});

test('the planners’ dashboard lists every forum of the cycle with its progress and the totals', async () => {
  const page = await newPage(browser, DESKTOP);
  await signInUi(page, 'perencana@musrenbang.test');
  await page.goto(`${BASE}/perencanaan`);
  await page.getByRole('link', { name: /^Dasbor perencana/ }).click();
  await page.waitForURL(/\/perencanaan\/dasbor/);
  await page.getByRole('heading', { level: 1, name: 'Dasbor perencana' }).waitFor();
  const cycleId = Number(await page.locator('#dash-cycle').inputValue());
  const data = await api(
    'query($c:Int!){cycleProgress(cycleId:$c){forumId proposals awaitingVerification verified verifiedCost ceilingShare stageOverdue forum{budgetCeiling}}}',
    { c: cycleId },
    await token('perencana@musrenbang.test'),
  );
  const rows = data.cycleProgress;
  assert.ok(rows.length >= 10, 'the demo cycle has its forums');
  const sum = (k) => rows.reduce((s, r) => s + r[k], 0);
  const n = (v) => new Intl.NumberFormat('id-ID').format(v);
  const table = page.getByTestId('dashboard-table');
  await table.locator('tbody tr').nth(rows.length - 1).waitFor();
  assert.equal(await table.locator('tbody tr').count(), rows.length);
  assert.equal(await page.getByTestId('total-forums').textContent(), n(rows.length));
  assert.equal(await page.getByTestId('total-proposals').textContent(), n(sum('proposals')));
  assert.equal(await page.getByTestId('total-awaiting').textContent(), n(sum('awaitingVerification')));
  assert.equal(await page.getByTestId('total-verified').textContent(), n(sum('verified')));
  assert.equal(await page.getByTestId('total-overdue').textContent(), n(rows.filter((r) => r.stageOverdue).length));
  const total = page.getByTestId('dashboard-total-row');
  assert.match(await total.textContent(), new RegExp(`Jumlah \\(${rows.length} forum\\)`));
  assert.match(await page.getByTestId('total-cost').textContent(), new RegExp(n(sum('verifiedCost')).replace(/\./g, '\\.')));
  const withCeiling = rows.filter((r) => r.forum.budgetCeiling > 0);
  const share = withCeiling.reduce((s, r) => s + r.verifiedCost, 0) / withCeiling.reduce((s, r) => s + r.forum.budgetCeiling, 0);
  assert.match(await page.getByTestId('total-share').textContent(), new RegExp(`${Math.round(share * 100)}\\s?%`));
  // Forums over their ceiling say so in words, not only in colour.
  for (const r of rows.filter((r) => r.ceilingShare > 1)) await page.getByTestId(`progress-${r.forumId}`).getByText('melebihi pagu').waitFor();
  // One level: the totals follow.
  await page.locator('#dash-level').selectOption('DESA_KELURAHAN');
  await page.waitForURL(/tingkat=DESA_KELURAHAN/);
  assert.ok((await table.locator('tbody tr').count()) < rows.length);
  await checkA11y(page, 'planners’ dashboard');
  await shoot(page, 'planning-dashboard');
  assertNoJsErrors(page);
  await page.context().close();
});

test('a priority list on a 360 px phone reads as cards, without sideways scrolling', async () => {
  const forum = await kelurahanForum('Patihan');
  const page = await newPage(browser, PHONE);
  await page.goto(`${BASE}/forum/${forum.id}`);
  const table = page.locator('table.priority-table');
  await table.locator('tbody tr').first().waitFor();
  const sizes = await page.evaluate(() => {
    const wrap = document.querySelector('table.priority-table').closest('.table-wrap');
    return { page: document.documentElement.scrollWidth, view: window.innerWidth, wrap: wrap.scrollWidth, wrapBox: wrap.clientWidth };
  });
  assert.ok(sizes.page <= sizes.view, `the page is ${sizes.page} px wide on a ${sizes.view} px phone`);
  assert.ok(sizes.wrap <= sizes.wrapBox + 1, `the list scrolls sideways (${sizes.wrap} in ${sizes.wrapBox})`);
  // Each row is a card that names its cells.
  const first = table.locator('tbody tr').first();
  assert.match(await first.textContent(), /Rp/);
  const before = await first.locator('td.num').first().evaluate((el) => getComputedStyle(el, '::before').content);
  assert.match(before, /Biaya|Perkiraan/);
  await checkA11y(page, 'priority list on a phone');
  await first.scrollIntoViewIfNeeded();
  await page.evaluate(() => window.scrollBy(0, -60));
  await page.screenshot({ path: join(SCREENSHOTS, 'priority-cards-phone.png'), fullPage: false });
  assertNoJsErrors(page);
  await page.context().close();
});

test('finding things on a phone: filters behind a button, forum search and "Forum saya", a year filter, map targets of 24 px', async () => {
  const page = await newPage(browser, PHONE);
  await signInUi(page, 'fasilitator.orooroombo@musrenbang.test');
  // Forums: the filters wait behind "Filter" on a phone.
  await page.goto(`${BASE}/forum`);
  await page.locator('.card-list li').first().waitFor();
  assert.equal(await page.locator('#forum-filters').isVisible(), false, 'the filters are folded away on a phone');
  await page.getByTestId('filters-toggle').click();
  await page.locator('#forum-search').waitFor();
  await page.getByLabel('Forum saya').check();
  await page.getByTestId('forum-count').waitFor();
  await page.getByRole('link', { name: 'Musrenbang Kelurahan Oro-Oro Ombo', exact: true }).first().waitFor();
  const mine = await page.locator('.card-list h2').allTextContents();
  assert.ok(mine.every((n) => /Oro-Oro Ombo|Kartoharjo|Kota Madiun/.test(n)), `my forums: ${mine.join(', ')}`);
  await page.getByLabel('Forum saya').uncheck();
  await page.locator('#forum-search').fill('patihan');
  await page.waitForURL(/q=patihan/);
  await page.getByTestId('forum-count').waitFor();
  const found = await page.locator('.card-list h2').allTextContents();
  assert.ok(found.length >= 1 && found.every((n) => /Patihan/.test(n)), `found: ${found.join(', ')}`);
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth));
  await checkA11y(page, 'forum search on a phone');

  // Proposals: a year/cycle filter, behind the same button.
  await page.goto(`${BASE}/usulan`);
  await page.locator('.proposal-list li').first().waitFor();
  assert.equal(await page.locator('#proposal-filters').isVisible(), false);
  await page.getByTestId('filters-toggle').click();
  const cycle = page.getByLabel('Tahun / siklus');
  await cycle.locator('option').nth(1).waitFor({ state: 'attached' });
  await cycle.selectOption({ index: 1 });
  await page.getByRole('button', { name: 'Terapkan' }).click();
  await page.waitForURL(/siklus=\d+/);
  await page.locator('.proposal-list li').first().waitFor();
  await page.getByTestId('filters-toggle').getByText(/Filter \(1\)/).waitFor();
  await checkA11y(page, 'proposals with a year filter on a phone');

  // The map: every dot is a target of at least 24 × 24 px on a phone.
  await page.goto(`${BASE}/peta`);
  await page.locator('.map__point').first().waitFor();
  await page.waitForTimeout(200);
  const sizes = await page.locator('.map__target').evaluateAll((els) => els.map((el) => el.getBoundingClientRect().width));
  assert.ok(sizes.length > 0 && sizes.every((w) => w >= 24), `smallest target ${Math.min(...sizes)} px`);
  await shoot(page, 'map-targets');
  assertNoJsErrors(page);
  await page.context().close();
});
