// Escalation in the browser: a kelurahan moderator puts the forum's verified proposals in the
// agreed order, closes the forum (its main list moves up to the kecamatan forum), tries to
// promote a reserve proposal; the proposer follows the proposal's path to its new level; a
// planner downloads the forum's priority list as XLSX.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { BASE, DESKTOP, api, assertNoJsErrors, checkA11y, kelurahanForum, launch, newPage, shoot, signInUi, token } from './helpers.mjs';

const KELURAHAN = 'Kejuron';
let browser;
let forum;
let chosen;
let proposer;

before(async () => {
  browser = await launch();
  forum = await kelurahanForum(KELURAHAN);
  const moderator = await token(`fasilitator.${KELURAHAN.toLowerCase()}@musrenbang.test`);
  const planner = await token('perencana@musrenbang.test');
  // The forum's verified proposals, with their proposers' emails (visible to the administrator;
  // a moderator sees contact details only of people living in the forum's region).
  const data = await api(
    'query($f:Int!){forum(id:$f){status priorityList{rows{cost proposal{id code title proposer{id name email}}}}}}',
    { f: forum.id },
    await token('admin@musrenbang.test'),
  );
  const rows = data.forum.priorityList.rows;
  assert.ok(rows.length >= 3, `${KELURAHAN} needs at least three verified proposals`);
  // The dearest proposal that is not first already: with the ceiling at its cost it fits
  // alone, so it leads the main list only if the forum agrees to put it first.
  const candidates = rows.slice(1).filter((r) => r.proposal.proposer?.email?.startsWith('warga'));
  assert.ok(candidates.length > 0, 'a proposal by a demo resident');
  const dearest = candidates.reduce((a, b) => (b.cost > a.cost ? b : a));
  chosen = dearest.proposal;
  proposer = chosen.proposer;
  await api(
    'mutation($i:UpdateForumInput!){updateForum(input:$i){id}}',
    { i: { id: forum.id, budgetCeiling: dearest.cost, tolerancePercent: 0, selectionLimit: 'BUDGET' } },
    planner,
  );
  if (data.forum.status === 'SCHEDULED') {
    await api('mutation($f:Int!){setForumStatus(forumId:$f,status:IN_SESSION){id}}', { f: forum.id }, moderator);
  }
});
after(async () => {
  await browser?.close();
});

test('a moderator agrees the order, closes a kelurahan forum and sees its proposals forwarded', async () => {
  const page = await newPage(browser, DESKTOP);
  await signInUi(page, `fasilitator.${KELURAHAN.toLowerCase()}@musrenbang.test`);
  await page.goto(`${BASE}/forum/${forum.id}`);
  const section = page.locator('#prioritas');
  await section.getByRole('heading', { name: 'Daftar prioritas' }).waitFor();
  await section.getByText('Sementara').waitFor();
  await section.getByText(/tidak memungut suara/).waitFor();
  const rowOf = (title) => section.locator('tbody tr', { has: page.getByRole('link', { name: new RegExp(title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) }) });
  // Up, by keyboard: focus stays on the moved proposal's button, so Enter moves it again.
  const up = section.getByRole('button', { name: `Naikkan “${chosen.title}”` });
  await up.focus();
  const rank = async () => Number(await rowOf(chosen.title).locator('td').first().textContent());
  for (let at = await rank(); at > 1; at--) {
    await page.keyboard.press('Enter');
    await page.waitForFunction(
      ([id, want]) => document.getElementById(`mv-up-${id}`)?.closest('tr')?.querySelector('td')?.textContent === String(want),
      [chosen.id, at - 1],
    );
  }
  assert.equal(await rowOf(chosen.title).locator('td').first().textContent(), '1');
  // At the top its up button is disabled: focus moves to its down button, not to the page.
  await page.waitForFunction((id) => document.activeElement?.id === id, `mv-down-${chosen.id}`, { timeout: 5000 }).catch(async (e) => {
    const where = await page.evaluate(() => `${document.activeElement?.tagName}#${document.activeElement?.id} ${document.activeElement?.textContent?.slice(0, 80)}`);
    throw new Error(`focus is on ${where}: ${e.message}`);
  });
  await rowOf(chosen.title).getByText('Utama').waitFor();
  await checkA11y(page, 'priority list, agreed order');

  await section.getByRole('button', { name: 'Tutup forum & teruskan' }).click();
  const dialog = page.getByRole('dialog', { name: 'Tutup forum dan tetapkan daftar prioritas?' });
  await dialog.waitFor();
  await dialog.getByText(/1 usulan daftar utama \(Rp.*\) diteruskan ke Musrenbang Kecamatan Taman\./).waitFor();
  await dialog.getByText(/usulan tetap sebagai cadangan/).waitFor();
  await dialog.getByText(/belum diverifikasi .* juga ditutup/).waitFor();
  await checkA11y(page, 'close forum dialog');
  await dialog.getByRole('button', { name: 'Ya, tutup forum' }).click();
  await dialog.waitFor({ state: 'hidden' });

  await section.getByText('Ditetapkan', { exact: true }).waitFor();
  await rowOf(chosen.title).getByText('Diteruskan', { exact: true }).first().waitFor();
  await section.getByText(/Diteruskan: 1 · Diakomodir: 0 · Cadangan: \d+/).waitFor();
  await page.locator('.page-title + p').getByText('Ditutup').waitFor();

  // A reserve proposal cannot be promoted: the budget is spent. The server says why.
  const promote = section.getByRole('button', { name: /^Promosikan / }).first();
  await promote.click();
  const alert = section.getByRole('alert');
  await alert.getByText('Tindakan ini tidak dapat dilakukan sekarang.').waitFor();
  await alert.getByText(/^Pagu tidak cukup: sisa Rp 0, biaya usulan Rp/).waitFor();
  await checkA11y(page, 'priority list, fixed');
  await shoot(page, 'priority-list', { scrollTo: '#prioritas' });

  const after = await api('query($p:Int!){proposal(id:$p){status level forum{name}}}', { p: chosen.id });
  assert.equal(after.proposal.status, 'FORWARDED');
  assert.equal(after.proposal.level, 'KECAMATAN');
  assert.equal(after.proposal.forum.name, 'Musrenbang Kecamatan Taman');
  assertNoJsErrors(page);
  await page.context().close();
});

test('the resident sees the path of their proposal, now at the kecamatan', async () => {
  const page = await newPage(browser);
  await signInUi(page, proposer.email);
  await page.goto(`${BASE}/usulan-saya`);
  await page.getByRole('heading', { level: 1, name: 'Usulan saya' }).waitFor();
  // Their list says where each proposal stands; find this one (it may be on a later page).
  await page.locator('.proposal-card').first().waitFor();
  const card = page.locator('.proposal-card', { has: page.getByRole('link', { name: chosen.title, exact: true }) });
  for (let i = 0; i < 5 && !(await card.count()); i++) {
    const next = page.getByRole('button', { name: /Berikutnya/ });
    if (!(await next.isEnabled())) break;
    await next.click();
    await page.waitForTimeout(300);
  }
  await card.getByText('Sekarang: Diteruskan di tingkat Kecamatan').waitFor();
  await checkA11y(page, 'my proposals');
  await card.getByRole('link', { name: chosen.title, exact: true }).click();

  const path = page.locator('#perjalanan');
  await path.getByRole('heading', { name: 'Perjalanan usulan' }).waitFor();
  const steps = path.locator('.journey > li');
  await steps.nth(1).waitFor();
  const first = steps.nth(0);
  await first.getByRole('link', { name: `Musrenbang Kelurahan ${KELURAHAN}` }).waitFor();
  await first.getByText('Peringkat 1').waitFor();
  await first.getByText('Diteruskan', { exact: true }).first().waitFor();
  await first.getByText(/Masuk daftar prioritas/).first().waitFor();
  const last = steps.last();
  assert.equal(await last.getAttribute('aria-current'), 'step');
  await last.getByText('Kecamatan', { exact: true }).waitFor();
  await last.getByRole('link', { name: 'Musrenbang Kecamatan Taman' }).waitFor();
  await checkA11y(page, 'proposal path');
  await shoot(page, 'proposal-path', { scrollTo: '#perjalanan' });
  assertNoJsErrors(page);
  await page.context().close();
});

/** Whether the server has the export endpoint (a server without it answers with the web app). */
async function exportAvailable() {
  const res = await fetch(`${BASE}/export?format=json&forum=${forum?.id ?? 1}`);
  return !(res.headers.get('content-type') ?? '').startsWith('text/html');
}

test('a planner exports an XLSX', async () => {
  assert.ok(await exportAvailable(), 'GET /export answers with a file, not the web app');
  const page = await newPage(browser, DESKTOP);
  await signInUi(page, 'perencana@musrenbang.test');
  await page.goto(`${BASE}/forum/${forum.id}`);
  const group = page.getByRole('group', { name: 'Unduh data' });
  await group.getByRole('button', { name: 'XLSX (Excel)' }).waitFor();
  const [download] = await Promise.all([page.waitForEvent('download'), group.getByRole('button', { name: 'XLSX (Excel)' }).click()]);
  assert.match(download.suggestedFilename(), /\.xlsx$/);
  const bytes = readFileSync(await download.path());
  assert.equal(bytes.subarray(0, 2).toString('latin1'), 'PK');
  // The whole cycle, from the planning page.
  await page.goto(`${BASE}/perencanaan`);
  const cycle = page.getByRole('group', { name: 'Seluruh siklus' });
  await cycle.getByRole('button', { name: 'XLSX (Excel)' }).waitFor();
  const [whole] = await Promise.all([page.waitForEvent('download'), cycle.getByRole('button', { name: 'XLSX (Excel)' }).click()]);
  assert.match(whole.suggestedFilename(), /\.xlsx$/);
  assert.equal(readFileSync(await whole.path()).subarray(0, 2).toString('latin1'), 'PK');
  await checkA11y(page, 'planning with exports');
  assertNoJsErrors(page);
  await page.context().close();
});
