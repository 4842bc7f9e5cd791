// Two residents in two browser contexts: one watches the live tally, the other votes; the
// first sees the count change without reloading (votingTally over graphql-ws).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BASE, assertNoJsErrors, checkA11y, kelurahanForum, launch, newPage, openRound, residentsOf, shoot, signInUi, token } from './helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('a second resident sees the tally change after a vote', async () => {
  const forum = await kelurahanForum('Madiun Lor');
  const admin = await token('admin@musrenbang.test');
  const residents = await residentsOf(forum.region.id, admin);
  assert.ok(residents.length >= 2, `need two verified residents of Madiun Lor, found ${residents.length}`);
  const moderator = await token('fasilitator.madiunlor@musrenbang.test');
  const round = await openRound(moderator, { forumId: forum.id, title: 'Prioritas Madiun Lor (hitungan langsung)', method: 'APPROVAL', maxChoices: 2, rule: 'greedy', liveTally: true });

  const watcher = await newPage(browser);
  await signInUi(watcher, residents[0].email);
  await watcher.goto(`${BASE}/putaran/${round.id}`);
  await watcher.getByTestId('ballot-count').getByText('0 surat suara masuk').waitFor();
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

  // The watcher's page updates by itself.
  await watcher.getByTestId('ballot-count').getByText('1 surat suara masuk').waitFor({ timeout: 20_000 });
  await checkA11y(watcher, 'live tally');
  await shoot(watcher, 'tally', { scrollTo: '#tally-heading' });
  assertNoJsErrors(watcher);
  assertNoJsErrors(voter);
});
