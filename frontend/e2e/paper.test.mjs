// Paper ballots in Tawangrejo: the moderator enters one for a resident present at the running
// session (a second one with the same paper number gets the one refusal sentence, which tells
// nothing about the voter); the resident sees who recorded it in their name and contests it;
// the moderator annuls it after a confirmation, and the resident then votes online.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BASE, DESKTOP, api, assertNoJsErrors, checkA11y, kelurahanForum, launch, newPage, openRound, openSession, residentsOf, shoot, signInUi, token } from './helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('a resident contests a paper ballot entered in their name; the moderator annuls it and they vote online', async () => {
  const forum = await kelurahanForum('Tawangrejo');
  const residents = await residentsOf(forum.region.id, await token('admin@musrenbang.test'));
  assert.ok(residents.length >= 2, `need two verified residents of Tawangrejo, found ${residents.length}`);
  const [voter, other] = residents;
  const moderatorToken = await token('fasilitator.tawangrejo@musrenbang.test');
  const sessionId = await openSession(moderatorToken, forum.id, 'Musyawarah Kelurahan Tawangrejo');
  const round = await openRound(moderatorToken, { forumId: forum.id, title: 'Prioritas Tawangrejo (surat suara kertas)', method: 'APPROVAL', maxChoices: 2, rule: 'greedy' });
  for (const person of [voter, other]) {
    await api('mutation($s:Int!){checkIn(sessionId:$s){id status}}', { s: sessionId }, await token(person.email));
  }

  // The moderator enters the paper ballot of the first resident.
  const mod = await newPage(browser, DESKTOP);
  mod.on('dialog', (dialog) => dialog.accept());
  await signInUi(mod, 'fasilitator.tawangrejo@musrenbang.test');
  await mod.goto(`${BASE}/putaran/${round.id}`);
  await mod.locator('summary', { hasText: 'Masukkan surat suara kertas' }).click();
  const voterSelect = mod.getByLabel(/^Pemilih/);
  await voterSelect.locator('option', { hasText: voter.name }).waitFor({ state: 'attached' });
  await voterSelect.selectOption({ label: `${voter.name} (Warga)` });
  await mod.getByLabel(/^Nomor surat suara/).fill('TW-001');
  await mod.locator(`#paper-opt-${round.proposals[0].id}`).check();
  await mod.getByRole('button', { name: 'Simpan surat suara kertas' }).click();
  await mod.getByText('Surat suara kertas tersimpan.').first().waitFor();

  // The same paper number for the other resident: one sentence, whatever the reason.
  await voterSelect.selectOption({ label: `${other.name} (Warga)` });
  await mod.getByLabel(/^Nomor surat suara/).fill('TW-001');
  await mod.locator(`#paper-opt-${round.proposals[1].id}`).check();
  await mod.getByRole('button', { name: 'Simpan surat suara kertas' }).click();
  await mod.getByRole('alert').getByText('Surat suara kertas ini tidak dapat dicatat. Periksa nomor surat suara, bahwa pemilih hadir di sesi forum ini, dan bahwa ia berhak memilih.').waitFor();
  await checkA11y(mod, 'paper ballot refused');
  await shoot(mod, 'paper-ballot-refused', { scrollTo: '#round-staff' });

  // The resident sees the record in their name, and contests it (the reason is checked).
  const res = await newPage(browser);
  await signInUi(res, voter.email);
  await res.goto(`${BASE}/putaran/${round.id}`);
  const record = res.getByTestId('paper-record');
  await record.getByText(/^Surat suara kertas no\. TW-001 dicatat atas nama Anda oleh Fasilitator Tawangrejo pada /).waitFor();
  assert.equal(await res.getByRole('button', { name: 'Kirim suara' }).count(), 0, 'no online ballot next to a paper one');
  await res.locator('summary', { hasText: 'Saya tidak memberikan suara ini — sanggah' }).click();
  await res.getByLabel(/^Alasan sanggahan/).fill('Tdk');
  await res.getByRole('button', { name: 'Kirim sanggahan' }).click();
  await res.locator('#contest-reason-error').waitFor();
  assert.equal(await res.getByLabel(/^Alasan sanggahan/).getAttribute('aria-invalid'), 'true');
  await res.getByLabel(/^Alasan sanggahan/).fill('Saya tidak hadir di balai dan tidak mengisi surat suara kertas.');
  await res.getByRole('button', { name: 'Kirim sanggahan' }).click();
  await res.getByTestId('paper-contested').getByText(/Saya tidak hadir di balai/).waitFor();
  await checkA11y(res, 'contested paper ballot');
  await shoot(res, 'paper-ballot-contested', { scrollTo: '#my-ballot' });

  // The moderator sees the contest and annuls the ballot after confirming, with a note.
  await mod.reload();
  const contests = mod.getByTestId('paper-contests');
  await contests.getByText('Sanggahan surat suara kertas (1)').waitFor();
  await contests.getByText('Saya tidak hadir di balai dan tidak mengisi surat suara kertas.').waitFor();
  await contests.getByRole('button', { name: `Batalkan surat suara ${voter.name}` }).click();
  await contests.getByText(`Batalkan surat suara kertas no. TW-001 atas nama ${voter.name}?`, { exact: false }).waitFor();
  await contests.getByLabel(/^Catatan pembatalan/).fill('Warga tidak hadir; salah catat nama.');
  await checkA11y(mod, 'annul a contested paper ballot');
  await shoot(mod, 'paper-ballot-annul', { scrollTo: '#contests-heading' });
  await contests.getByRole('button', { name: 'Ya, batalkan' }).click();
  await contests.getByText('Tidak ada sanggahan.').waitFor();

  // The resident may now vote online.
  await res.reload();
  await res.locator(`#ballot-opt-${round.proposals[1].id}`).check();
  await res.getByRole('button', { name: 'Kirim suara' }).click();
  await res.getByTestId('receipt').waitFor();
  const own = await api('query($r:Int!){votingRound(id:$r){myBallot{channel choices{proposalId}}}}', { r: round.id }, await token(voter.email));
  assert.deepEqual(own.votingRound.myBallot, { channel: 'ONLINE', choices: [{ proposalId: round.proposals[1].id }] });
  assertNoJsErrors(mod);
  assertNoJsErrors(res);
});
