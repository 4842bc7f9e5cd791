// Notifications: a resident's proposal is returned by the administrator (through the API) while
// the resident has the app open; the header's count rises without a reload, the notification
// reads in the resident's language with the reason, opening it marks it read, a delivery choice
// is saved, the mailed unsubscribe link works only after its button, and one that is not valid
// says so.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BASE, PASSWORD, api, assertNoJsErrors, checkA11y, launch, newPage, registerResident, shoot, signInUi, token, waitForMail } from './helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const TITLE = 'Lampu jalan tenaga surya di Gang Mawar';
const REASON = 'Mohon lengkapi foto lokasi.';

test('a resident sees a notification arrive live, reads it and chooses how they are sent', async () => {
  // A new resident of Klegen with a proposal of their own, submitted through the API.
  const resident = await registerResident('Klegen', 'Warga Kabar', PASSWORD);
  const rt = await api('query($p:Int!){regions(within:$p,level:RT,first:1){nodes{id}}}', { p: resident.forum.region.id });
  const created = await api(
    'mutation($i:CreateProposalInput!){createProposal(input:$i){id code}}',
    {
      i: {
        forumId: resident.forum.id,
        title: TITLE,
        problem: 'Gang gelap pada malam hari dan rawan kecelakaan.',
        solution: 'Memasang tiga lampu jalan tenaga surya.',
        physical: true,
        regionId: rt.regions.nodes[0].id,
        address: 'Gang Mawar',
        volume: 3,
        unit: 'unit',
        estimatedCost: 15_000_000,
        beneficiaries: 120,
      },
    },
    resident.token,
  );
  const { id, code } = created.createProposal;
  await api('mutation($i:TransitionInput!){transitionProposal(input:$i){id}}', { i: { proposalId: id, to: 'SUBMITTED' } }, resident.token);

  const page = await newPage(browser);
  await signInUi(page, resident.email);
  const bell = page.getByTestId('notifications-link');
  assert.equal(await bell.getAttribute('aria-label'), 'Pemberitahuan');

  // The administrator returns it with a reason; the page is not reloaded.
  const admin = await token('admin@musrenbang.test');
  await api('mutation($i:TransitionInput!){transitionProposal(input:$i){id}}', { i: { proposalId: id, to: 'RETURNED', note: REASON } }, admin);
  await page.getByRole('link', { name: 'Pemberitahuan, 1 belum dibaca' }).waitFor();
  assert.equal((await page.getByTestId('notifications-badge').textContent()).trim(), '1');

  await bell.click();
  await page.waitForURL(`${BASE}/notifikasi`);
  await page.getByRole('heading', { level: 1, name: 'Pemberitahuan' }).waitFor();
  const item = page.getByTestId('notification').first();
  await item.getByText('Belum dibaca').waitFor();
  await item.getByRole('link', { name: `Status usulan ${code} “${TITLE}” berubah dari Diajukan menjadi Dikembalikan.` }).waitFor();
  await item.getByText(`Catatan: ${REASON}`).waitFor();
  await page.getByTestId('notif-status').getByText('1 belum dibaca').waitFor();
  await checkA11y(page, 'notifications');
  await shoot(page, 'notifications');

  // How they are sent: comments only in the app.
  await page.getByLabel('Tanggapan atas usulan atau komentar saya').selectOption('IN_APP');
  await page.getByTestId('pref-saved-COMMENT_REPLY').getByText('Tersimpan').waitFor();
  const prefs = await api('{notificationPreferences{kind delivery}}', {}, resident.token);
  assert.equal(prefs.notificationPreferences.find((p) => p.kind === 'COMMENT_REPLY').delivery, 'IN_APP');

  // In English, from the same details.
  await page.getByRole('button', { name: /^EN/ }).click();
  await page.getByTestId('notification').first().getByText(`The status of your proposal ${code} “${TITLE}” changed from Submitted to Returned.`).waitFor();
  await page.getByRole('button', { name: /^ID/ }).click();

  // Opening it marks it read and leads to the proposal; the badge goes.
  await page.getByTestId('notification').first().getByRole('link').click();
  await page.waitForURL(`${BASE}/usulan/${id}`);
  await page.getByRole('link', { name: 'Pemberitahuan', exact: true }).waitFor();
  assert.equal(await page.getByTestId('notifications-badge').count(), 0);
  const left = await api('{unreadNotificationCount}', {}, resident.token);
  assert.equal(left.unreadNotificationCount, 0);

  // The same notification came by e-mail (at once, the default for one's own proposal), with
  // an unsubscribe link: opening it changes nothing until the button is pressed.
  const { match } = await waitForMail(resident.email, /\/berhenti-langganan\?token=([^\s"<>]+)/);
  await page.goto(`${BASE}/berhenti-langganan?token=${match[1]}`);
  await page.getByRole('button', { name: 'Berhenti menerima e-mail' }).waitFor();
  const untouched = await api('{notificationPreferences{kind delivery}}', {}, resident.token);
  assert.equal(untouched.notificationPreferences.find((p) => p.kind === 'PROPOSAL_STATUS').delivery, 'EMAIL');
  await checkA11y(page, 'unsubscribe');
  await page.getByRole('button', { name: 'Berhenti menerima e-mail' }).click();
  await page.getByTestId('unsubscribed').getByText(/Anda tidak akan lagi menerima e-mail pemberitahuan/).waitFor();
  const mailed = await api('{notificationPreferences{kind delivery}}', {}, resident.token);
  assert.deepEqual(
    mailed.notificationPreferences.map((p) => p.delivery).filter((d) => d === 'EMAIL' || d === 'DIGEST'),
    [],
    'no kind is mailed any more',
  );
  assertNoJsErrors(page);
  await page.context().close();
});

test('an unsubscribe link that is not valid asks nothing until the button, then says so', async () => {
  const page = await newPage(browser);
  await page.goto(`${BASE}/berhenti-langganan?token=${'0'.repeat(43)}`);
  await page.getByRole('heading', { level: 1, name: 'Berhenti menerima e-mail pemberitahuan' }).waitFor();
  await page.getByText(/Pemberitahuan tetap tampil di aplikasi/).waitFor();
  await checkA11y(page, 'unsubscribe');
  await page.getByRole('button', { name: 'Berhenti menerima e-mail' }).click();
  const invalid = page.getByTestId('unsubscribe-invalid');
  await invalid.getByText(/tidak berlaku/).first().waitFor();
  assert.equal(await invalid.getByRole('link', { name: 'Pemberitahuan' }).getAttribute('href'), '/notifikasi');
  assertNoJsErrors(page);
  await page.context().close();
});
