// A moderator runs a live session while a resident in a second browser context follows it:
// check-in, chat, speaker queue, poll and a live tally all change on the other screen without
// a reload, through the server's subscriptions (sessionEvents, votingTally). Poll results and
// the tally stay withheld below the minimum of answers (MUSRENBANG_TALLY_MINIMUM), exact at the
// close.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BASE, DESKTOP, TALLY_MINIMUM, assertNoJsErrors, checkA11y, kelurahanForum, launch, newPage, openRound, residentsOf, shoot, signInUi, token } from './helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const panel = (page, testId) => page.getByTestId(testId);

test('a moderator runs a session while a resident sees chat, queue, poll and tally change live', async () => {
  const forum = await kelurahanForum('Josenan');
  const admin = await token('admin@musrenbang.test');
  const [resident] = await residentsOf(forum.region.id, admin);
  assert.ok(resident, 'need a verified resident of Josenan');

  // The moderator schedules a session on the forum page and opens it.
  const mod = await newPage(browser, DESKTOP);
  mod.on('dialog', (dialog) => dialog.accept());
  await signInUi(mod, 'fasilitator.josenan@musrenbang.test');
  await mod.goto(`${BASE}/forum/${forum.id}`);
  await mod.getByRole('heading', { name: /Sesi musyawarah/ }).waitFor();
  await mod.locator('summary', { hasText: 'Jadwalkan sesi' }).click();
  await mod.getByLabel('Judul sesi').fill('Musyawarah Kelurahan Josenan');
  await mod.getByLabel(/^Tempat/).fill('Balai Kelurahan Josenan');
  await mod.getByRole('button', { name: 'Jadwalkan sesi' }).click();
  await mod.waitForURL(/\/sesi\/\d+$/);
  const sessionUrl = mod.url();
  await mod.getByRole('heading', { level: 1, name: 'Musyawarah Kelurahan Josenan' }).waitFor();
  assert.equal(await mod.getByTestId('session-status').textContent(), 'Terjadwal');
  await mod.getByRole('button', { name: 'Mulai sesi' }).click();
  await mod.getByTestId('session-status').getByText('Berlangsung').waitFor();

  // Two agenda items: a proposal of the forum and a free topic; the first becomes current.
  const agenda = panel(mod, 'agenda-heading');
  await agenda.locator('summary', { hasText: 'Tambah acara' }).click();
  await agenda.getByLabel('Usulan forum').locator('option').nth(1).waitFor({ state: 'attached' });
  await agenda.getByLabel('Usulan forum').selectOption({ index: 1 });
  await agenda.getByRole('button', { name: 'Tambah acara' }).click();
  await agenda.locator('.agenda__item').first().waitFor();
  await agenda.getByLabel(/Judul topik/).fill('Lain-lain dan penutup');
  await agenda.getByLabel('Batas waktu (menit)').fill('5');
  await agenda.getByRole('button', { name: 'Tambah acara' }).click();
  await agenda.locator('.agenda__item').nth(1).locator('strong', { hasText: 'Lain-lain dan penutup' }).waitFor();
  assert.equal(await agenda.locator('.agenda__item').count(), 2);
  const firstTitle = (await agenda.locator('.agenda__item strong').first().textContent()).trim();
  await agenda.getByRole('button', { name: `Bahas sekarang: ${firstTitle}` }).click();
  await panel(mod, 'current-item').getByText(firstTitle).waitFor();
  await mod.getByTestId('item-timer').getByText(/Sisa waktu \d+:\d\d/).waitFor();
  await mod.getByTestId('attendance-count').getByText('0 hadir').waitFor();

  // The resident, on a phone, sees the current item and checks in; the moderator's list grows.
  const res = await newPage(browser);
  await signInUi(res, resident.email);
  await res.goto(sessionUrl);
  await panel(res, 'current-item').getByText(firstTitle).waitFor();
  await res.getByText('Langsung').first().waitFor(); // following the subscription, not polling
  await panel(res, 'checkin-heading').getByLabel('Jabatan atau lembaga').fill('Ketua RT 02');
  await panel(res, 'checkin-heading').getByRole('button', { name: 'Isi daftar hadir' }).click();
  await panel(res, 'checkin-heading').waitFor({ state: 'detached' });
  await mod.getByTestId('attendance-count').getByText('1 hadir').waitFor();
  await panel(mod, 'attendance-heading').getByText(resident.name).waitFor();

  // Chat: the resident writes, the moderator reads it.
  const message = `Jalan di RT 02 sering banjir (${Date.now()})`;
  await res.getByLabel('Pesan', { exact: true }).fill(message);
  await res.getByRole('button', { name: 'Kirim', exact: true }).click();
  await panel(mod, 'chat-heading').getByText(message).waitFor();

  // Speaker queue: hand raised → in the moderator's queue → floor given → the resident sees it.
  await res.getByRole('button', { name: /Angkat tangan/ }).click();
  await panel(mod, 'speakers-heading').getByTestId('queue').locator('.queue__name', { hasText: resident.name }).waitFor();
  await panel(mod, 'speakers-heading').getByRole('button', { name: `Beri giliran ke ${resident.name}` }).click();
  await res.getByTestId('floor').getByText(resident.name).waitFor();
  await res.getByText('Anda sedang mendapat giliran bicara.').waitFor();
  await res.getByTestId('floor-timer').getByText(/Sisa waktu \d+:\d\d/).waitFor();
  assert.equal(await panel(mod, 'speakers-heading').getByTestId('queue').count(), 0, 'the queue is empty once the floor is given');

  // A poll: the moderator opens it, the resident answers; one answer is below the minimum, so
  // the moderator sees the results withheld until the poll closes.
  const polls = panel(mod, 'polls-heading');
  await polls.locator('summary', { hasText: 'Buka jajak pendapat' }).click();
  await polls.getByLabel(/^Pertanyaan/).fill('Setuju usulan ini diprioritaskan?');
  await polls.getByRole('button', { name: 'Buka jajak pendapat' }).click();
  const resPoll = res.getByTestId('open-poll');
  await resPoll.getByText('Setuju usulan ini diprioritaskan?').first().waitFor();
  await resPoll.getByLabel('Setuju', { exact: true }).check();
  await resPoll.getByRole('button', { name: 'Kirim jawaban' }).click();
  await resPoll.getByText('Jawaban Anda: Setuju').waitFor();
  assert.ok(TALLY_MINIMUM > 1, 'one answer must stay below the minimum');
  const modPoll = mod.getByTestId('open-poll');
  const withheld = 'Hasil disembunyikan sampai cukup banyak jawaban masuk, agar jawaban satu orang tidak terlihat.';
  await modPoll.getByText(withheld).waitFor();
  await resPoll.getByText(withheld).waitFor();
  assert.equal(await modPoll.locator('.poll-results').count(), 0, 'no option counts below the minimum');

  // The moderator hides the message; the resident sees it hidden.
  const line = panel(mod, 'chat-heading').locator('.chat__line', { hasText: message });
  await line.locator('summary', { hasText: 'Sembunyikan' }).click();
  await line.getByLabel(/^Alasan/).fill('Data pribadi');
  await line.getByRole('button', { name: `Sembunyikan pesan ${resident.name}` }).click();
  await panel(res, 'chat-heading').getByText('Pesan disembunyikan moderator').waitFor();
  assert.equal(await panel(res, 'chat-heading').getByText(message).count(), 0, 'the resident no longer sees the hidden text');

  await checkA11y(mod, 'session control room');
  await checkA11y(res, 'session, resident view');
  await shoot(mod, 'session-moderator');
  await shoot(res, 'session-resident');

  // The moderator closes the poll: exact results for both, and the resident's answer is gone.
  await modPoll.getByRole('button', { name: 'Tutup jajak pendapat' }).click();
  await panel(res, 'polls-heading').getByText('Tidak ada jajak pendapat yang dibuka.').waitFor();
  for (const page of [mod, res]) {
    const past = panel(page, 'polls-heading').locator('details', { hasText: 'Jajak pendapat sebelumnya' });
    await past.locator('summary').click();
    const rows = past.locator('.poll-results li');
    await rows.first().waitFor();
    assert.match(await rows.first().textContent(), /Setuju.*1 dari 1/);
    assert.match(await rows.nth(1).textContent(), /Tidak setuju.*0 dari 1/);
  }

  // The floor ends; the session closes; the minutes appear for both.
  await panel(mod, 'speakers-heading').getByRole('button', { name: 'Akhiri giliran' }).click();
  await res.getByTestId('floor').getByText('Belum ada yang bicara.').waitFor();
  await mod.getByRole('button', { name: 'Tutup sesi' }).click();
  await mod.getByTestId('confirm-close').getByRole('button', { name: 'Ya, tutup sesi' }).click();
  const summary = '1 hadir: 0 laki-laki, 0 perempuan, 1 tidak diisi; 1 daring, 0 di aula.';
  await mod.getByTestId('minutes-summary').getByText(summary).waitFor();
  await res.getByTestId('session-status').getByText('Selesai').waitFor();
  await res.getByTestId('minutes-summary').getByText(summary).waitFor();
  await checkA11y(mod, 'session minutes');
  await shoot(mod, 'session-minutes', { scrollTo: '#minutes-heading' });

  // A live tally: the resident votes, the moderator's round page counts it without reloading.
  const moderatorToken = await token('fasilitator.josenan@musrenbang.test');
  const round = await openRound(moderatorToken, { forumId: forum.id, title: 'Prioritas Josenan (sesi langsung)', method: 'APPROVAL', maxChoices: 2, rule: 'greedy', liveTally: true });
  await mod.goto(`${BASE}/putaran/${round.id}`);
  await mod.getByTestId('ballot-count').getByText('0 suara masuk').waitFor();
  await mod.locator('#tally-heading').getByText('Langsung').waitFor();
  await res.goto(`${BASE}/putaran/${round.id}`);
  await res.locator('.ballot__option input[type=checkbox]').nth(0).check();
  await res.getByRole('button', { name: 'Kirim suara' }).click();
  await res.getByTestId('receipt').waitFor();
  await mod.getByTestId('ballot-count').getByText('1 suara masuk').waitFor({ timeout: 10_000 });
  // The moderator sees the turnout, not the vote of the one resident who just voted.
  await mod.getByTestId('tally-withheld').getByText(`Hasil sementara disembunyikan sampai minimal ${TALLY_MINIMUM} suara masuk`).waitFor();
  assert.equal(await mod.locator('figure[aria-labelledby="tally-chart-title"]').count(), 0);

  assertNoJsErrors(mod);
  assertNoJsErrors(res);
});
