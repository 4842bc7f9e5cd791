// Tallies under ballot secrecy, with three residents of Madiun Lor in their own browser contexts.
// A live tally stays withheld (in words) until the minimum of ballots is in, then its totals
// appear on the other screens without a reload (votingTally over graphql-ws). A round opened
// with the form's default publishes nothing but the turnout until the close, for its staff
// too; after the close the voter's receipt check is prefilled and answers "counted".
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  BASE,
  DESKTOP,
  TALLY_MINIMUM,
  api,
  assertNoJsErrors,
  castBallot,
  checkA11y,
  kelurahanForum,
  launch,
  newPage,
  openRound,
  residentsOf,
  shoot,
  signInUi,
  token,
} from './helpers.mjs';

let browser;
let forum;
let residents;
before(async () => {
  browser = await launch();
  forum = await kelurahanForum('Madiun Lor');
  residents = await residentsOf(forum.region.id, await token('admin@musrenbang.test'));
  assert.ok(residents.length >= TALLY_MINIMUM, `need ${TALLY_MINIMUM} verified residents of Madiun Lor, found ${residents.length}`);
  assert.equal(TALLY_MINIMUM, 3, 'the scenarios expect MUSRENBANG_TALLY_MINIMUM=3 (scripts/e2e.mjs)');
});
after(async () => {
  await browser?.close();
});

const CHART = 'figure[aria-labelledby="tally-chart-title"]';
const bar = (page, title) => page.locator(`${CHART} .bar`, { hasText: title }).locator('.bar__value');

test('a live tally is withheld until the minimum of ballots, then the totals appear on the other screen', async () => {
  const moderator = await token('fasilitator.madiunlor@musrenbang.test');
  const round = await openRound(moderator, { forumId: forum.id, title: 'Prioritas Madiun Lor (hitungan langsung)', method: 'APPROVAL', maxChoices: 2, rule: 'greedy', liveTally: true });
  const withheld = `Hasil sementara disembunyikan sampai minimal ${TALLY_MINIMUM} suara masuk, agar pilihan satu orang tidak terlihat.`;

  const watcher = await newPage(browser);
  await signInUi(watcher, residents[0].email);
  await watcher.goto(`${BASE}/putaran/${round.id}`);
  await watcher.getByTestId('ballot-count').getByText('0 suara masuk').waitFor();
  await watcher.getByTestId('tally-withheld').getByText(withheld).waitFor();
  await watcher.locator('#tally-heading').getByText('Langsung').waitFor(); // the votingTally subscription

  const voter = await newPage(browser);
  await signInUi(voter, residents[1].email);
  await voter.goto(`${BASE}/putaran/${round.id}`);
  await voter.getByText('0 dari 2 dipilih').waitFor();
  const boxes = voter.locator('.ballot__option input[type=checkbox]');
  await boxes.nth(0).check();
  await boxes.nth(1).check();
  await voter.getByText('2 dari 2 dipilih').waitFor();
  assert.equal(await boxes.nth(2).isDisabled(), true, 'the approval limit disables further choices');
  await voter.getByRole('button', { name: 'Kirim suara' }).click();
  await voter.getByTestId('receipt').waitFor();

  // The watcher's page counts the ballot by itself, and still shows no totals.
  await watcher.getByTestId('ballot-count').getByText('1 suara masuk').waitFor({ timeout: 20_000 });
  assert.equal(await watcher.getByTestId('tally-withheld').textContent(), withheld);
  assert.equal(await watcher.locator(CHART).count(), 0, 'no totals before the minimum');
  await checkA11y(watcher, 'live tally, withheld');
  await shoot(watcher, 'tally-withheld', { scrollTo: '#tally-heading' });

  // Two more ballots reach the minimum: the first published step, exact at that point.
  const [first, second] = round.proposals;
  await castBallot(residents[0].email, round.id, [first.id]);
  await castBallot(residents[2].email, round.id, [first.id, second.id]);
  await watcher.getByTestId('ballot-count').getByText('3 suara masuk').waitFor({ timeout: 20_000 });
  await watcher.getByTestId('tally-withheld').waitFor({ state: 'detached' });
  await bar(watcher, first.title).getByText('3', { exact: true }).waitFor();
  assert.equal(await bar(watcher, second.title).textContent(), '2');
  assert.doesNotMatch(await watcher.getByTestId('ballot-count').textContent(), /dihitung dari/, 'the step counts every ballot');
  await watcher.getByText(`Hasil sementara diperbarui setiap bertambah sedikitnya ${TALLY_MINIMUM} suara.`).waitFor();
  await checkA11y(watcher, 'live tally');
  await shoot(watcher, 'tally', { scrollTo: '#tally-heading' });

  // The same for everybody: the API gives an anonymous visitor the same step.
  const anonymous = await api('query($r:Int!){votingRound(id:$r){tally{ballots counted withheld minimumBallots}}}', { r: round.id });
  assert.deepEqual(anonymous.votingRound.tally, { ballots: 3, counted: 3, withheld: false, minimumBallots: TALLY_MINIMUM });
  assertNoJsErrors(watcher);
  assertNoJsErrors(voter);
});

test('a round opened with the default publishes only the turnout until the close; the receipt check says "counted"', async () => {
  // The moderator opens it in the form: results at the close unless they opt in.
  const mod = await newPage(browser, DESKTOP);
  await signInUi(mod, 'fasilitator.madiunlor@musrenbang.test');
  await mod.goto(`${BASE}/forum/${forum.id}`);
  await mod.locator('summary', { hasText: 'Buka putaran pemungutan suara' }).click();
  const live = mod.getByLabel('Tampilkan perolehan sementara selama pemungutan suara');
  assert.equal(await live.isChecked(), false, 'a new round publishes its results at the close by default');
  await mod.getByText(/Bawaan: perolehan diumumkan saat pemungutan suara ditutup/).waitFor();
  await mod.getByLabel('Judul putaran').fill('Prioritas Madiun Lor (diumumkan saat ditutup)');
  await mod.getByRole('button', { name: 'Buka pemungutan suara' }).click();
  await mod.waitForURL(/\/putaran\/\d+$/);
  const roundId = Number(new URL(mod.url()).pathname.split('/').pop());
  const closedText = 'Perolehan suara diumumkan setelah pemungutan suara ditutup.';
  await mod.getByTestId('ballot-count').getByText('0 suara masuk').waitFor();
  await mod.getByTestId('tally-withheld').getByText(closedText).waitFor();

  const { votingRound } = await api('query($r:Int!){votingRound(id:$r){proposals{id title}}}', { r: roundId });
  const [first, second] = votingRound.proposals;
  // One resident votes in the page, two through the API.
  const resident = await newPage(browser);
  await signInUi(resident, residents[0].email);
  await resident.goto(`${BASE}/putaran/${roundId}`);
  await resident.locator(`#ballot-opt-${first.id}`).check();
  await resident.getByRole('button', { name: 'Kirim suara' }).click();
  const receipt = (await resident.getByTestId('receipt').locator('code').textContent()).trim();
  await castBallot(residents[1].email, roundId, [first.id, second.id]);
  await castBallot(residents[2].email, roundId, [second.id]);

  // The staff see the turnout, and no more than anyone else: no totals, no outcome.
  await mod.getByTestId('ballot-count').getByText('3 suara masuk').waitFor({ timeout: 20_000 });
  assert.equal(await mod.getByTestId('tally-withheld').textContent(), closedText);
  assert.equal(await mod.locator(CHART).count(), 0);
  assert.equal(await mod.getByRole('heading', { name: 'Hasil', exact: true }).count(), 0, 'no outcome preview while the round is open');
  await checkA11y(mod, 'round with results at the close, as staff');

  await mod.getByRole('button', { name: 'Tutup pemungutan suara' }).click();
  await mod.getByRole('button', { name: 'Ya, tutup sekarang' }).click();
  await bar(mod, first.title).getByText('2', { exact: true }).waitFor();
  assert.equal(await bar(mod, second.title).textContent(), '2');
  assert.equal(await mod.getByTestId('tally-withheld').count(), 0);
  await mod.getByRole('heading', { name: 'Hasil', exact: true }).waitFor();

  // The voter: the ballot is sealed, the receipt check is prefilled with their receipt.
  await resident.reload();
  await resident.getByRole('heading', { name: 'Suara Anda' }).waitFor();
  await resident.getByText(/tidak lagi terhubung dengan nama Anda/).waitFor();
  const check = resident.locator('section', { has: resident.getByRole('heading', { name: 'Periksa tanda terima' }) });
  await check.getByText('Tanda terima membuktikan suara Anda dihitung, bukan isi pilihan Anda — sehingga tidak ada yang bisa memaksa Anda membuktikan pilihan.').waitFor();
  assert.equal(await check.getByLabel(/^Kode tanda terima/).inputValue(), receipt);
  await check.getByRole('button', { name: 'Periksa' }).click();
  await check.getByTestId('receipt-result').getByText('Dihitung: tanda terima ini ada di antara suara yang dihitung.').waitFor();
  await checkA11y(resident, 'receipt check');
  await shoot(resident, 'receipt-check', { scrollTo: '#receipt-check' });
  await check.getByLabel(/^Kode tanda terima/).fill('bukan-tanda-terima');
  await check.getByRole('button', { name: 'Periksa' }).click();
  await check.getByTestId('receipt-result').getByText('Tanda terima ini tidak ada di antara suara yang dihitung.').waitFor();

  // What the server publishes: choices without receipts, receipts without choices.
  const published = await api('query($r:Int!){votingRound(id:$r){publishedBallots{choices{proposalId points}} countedReceipts}}', { r: roundId });
  assert.equal(published.votingRound.publishedBallots.length, 3);
  assert.ok(published.votingRound.countedReceipts.includes(receipt));
  assert.deepEqual([...published.votingRound.countedReceipts].sort(), published.votingRound.countedReceipts, 'sorted');
  const own = await api('query($r:Int!){votingRound(id:$r){myBallot{choices{proposalId} sealed receipt}}}', { r: roundId }, await token(residents[0].email));
  assert.deepEqual(own.votingRound.myBallot, { choices: null, sealed: true, receipt });
  assertNoJsErrors(mod);
  assertNoJsErrors(resident);
});
