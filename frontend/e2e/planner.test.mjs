// A planner on a desktop: cycles, stages and forums with ceilings; a forum's results with the
// outcome chart and reasons, the .pb download, and the exports still to come.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { BASE, DESKTOP, api, assertNoJsErrors, checkA11y, kelurahanForum, launch, newPage, openRound, residentsOf, shoot, signInUi, token } from './helpers.mjs';

let browser;
let page;
let forum;
let round;
before(async () => {
  browser = await launch();
  page = await newPage(browser, DESKTOP);
  // A closed round with ballots in Patihan, through the API.
  forum = await kelurahanForum('Patihan');
  const admin = await token('admin@musrenbang.test');
  const moderator = await token('fasilitator.patihan@musrenbang.test');
  round = await openRound(moderator, { forumId: forum.id, title: 'Prioritas Kelurahan Patihan', method: 'APPROVAL', maxChoices: 3, rule: 'greedy' });
  const voters = await residentsOf(forum.region.id, admin);
  assert.ok(voters.length >= 2);
  for (const [i, v] of voters.entries()) {
    const choices = round.proposals.slice(i % 2, (i % 2) + 3).map((p) => ({ proposalId: p.id }));
    await api('mutation($r:Int!,$c:[ChoiceInput!]!){castBallot(roundId:$r,choices:$c){receipt}}', { r: round.id, c: choices }, await token(v.email));
  }
  await api('mutation($r:Int!){closeVotingRound(roundId:$r){id}}', { r: round.id }, moderator);
});
after(async () => {
  await browser?.close();
});

test('a planner sees cycles, stages and forums with their ceilings', async () => {
  await signInUi(page, 'perencana@musrenbang.test');
  await page.getByRole('link', { name: 'Perencanaan' }).click();
  await page.getByRole('heading', { level: 1, name: 'Perencanaan' }).waitFor();
  await page.getByRole('heading', { name: 'Musrenbang RKPD Kota Madiun Tahun 2027' }).waitFor();
  await page.getByRole('heading', { name: /Forum \(20\)/ }).waitFor();
  await page.getByRole('link', { name: 'Musrenbang Kelurahan Patihan', exact: true }).waitFor();
  await checkA11y(page, 'planning');
  await shoot(page, 'planning');
  // Raise a ceiling.
  const row = page.locator('.forum-row', { hasText: 'Musrenbang Kelurahan Patihan' });
  await row.getByRole('button', { name: /Ubah/ }).click();
  await row.getByLabel('Pagu indikatif').fill('475.000.000');
  await row.getByText('Rp 475.000.000').first().waitFor();
  await row.getByRole('button', { name: 'Simpan' }).click();
  await row.getByText('Pagu indikatif: Rp 475.000.000').waitFor();
  const check = await api('query($f:Int!){forum(id:$f){budgetCeiling}}', { f: forum.id });
  assert.equal(check.forum.budgetCeiling, 475_000_000);
});

test("a planner views a forum's results with the outcome, reasons and downloads", async () => {
  await page.goto(`${BASE}/forum/${forum.id}/hasil`);
  await page.getByRole('heading', { level: 1, name: 'Hasil Musrenbang Kelurahan Patihan' }).waitFor();
  const section = page.locator('section.round-result', { hasText: 'Prioritas Kelurahan Patihan' });
  await section.locator('.outcome-table tbody tr').first().waitFor();
  const rows = await section.locator('.outcome-table tbody tr').count();
  assert.equal(rows, round.proposals.length);
  await section.getByText('Terpilih oleh aturan').first().waitFor();
  await section.locator('figure.chart li').first().waitFor();
  // No disabled "(segera)" buttons: the forum's CSV, XLSX and PDF are on its page.
  assert.equal(await section.getByRole('button', { name: /segera/ }).count(), 0);
  await section.getByRole('link', { name: /Unduh data di halaman forum/ }).waitFor();
  await checkA11y(page, 'results');
  await shoot(page, 'results', { scrollTo: '.round-result' });
  const [download] = await Promise.all([page.waitForEvent('download'), section.getByRole('button', { name: 'Unduh .pb (Pabulib)' }).click()]);
  assert.match(download.suggestedFilename(), /\.pb$/);
  const text = readFileSync(await download.path(), 'utf8');
  assert.match(text, /^META/m);
  assert.match(text, /^PROJECTS/m);
  assert.match(text, /^VOTES/m);
  assertNoJsErrors(page);
});

test('signing out revokes the token on the server', async () => {
  const stored = await page.evaluate(() => localStorage.getItem('musrenbang.token'));
  assert.ok(stored);
  await page.getByRole('button', { name: 'Keluar' }).click();
  await page.getByRole('link', { name: 'Masuk' }).waitFor();
  assert.equal(await page.evaluate(() => localStorage.getItem('musrenbang.token')), null);
  const after = await api('{me{id}}', {}, stored);
  assert.equal(after.me, null);
});
