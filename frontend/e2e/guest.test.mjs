// A guest at a live session: a verified resident of another kelurahan checks in to Banjarejo's
// session, waits ("Menunggu persetujuan moderator", may follow but not chat), and takes part
// once the moderator approves them in the control room; both screens change without a reload.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BASE, DESKTOP, api, assertNoJsErrors, checkA11y, kelurahanForum, launch, newPage, openSession, residentsOf, shoot, signInUi, token } from './helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const panel = (page, testId) => page.getByTestId(testId);

test('a guest from outside the forum waits for the moderator, who approves them; then they chat', async () => {
  const forum = await kelurahanForum('Banjarejo');
  const elsewhere = await kelurahanForum('Oro-Oro Ombo');
  const [guest] = await residentsOf(elsewhere.region.id, await token('admin@musrenbang.test'));
  assert.ok(guest, 'need a verified resident of Oro-Oro Ombo');
  const moderatorToken = await token('fasilitator.banjarejo@musrenbang.test');
  const sessionId = await openSession(moderatorToken, forum.id, 'Musyawarah Kelurahan Banjarejo');

  const mod = await newPage(browser, DESKTOP);
  await signInUi(mod, 'fasilitator.banjarejo@musrenbang.test');
  await mod.goto(`${BASE}/sesi/${sessionId}`);
  const pending = panel(mod, 'pending-guests');
  await pending.getByText('Tamu menunggu persetujuan (0)').waitFor();
  await pending.getByText('Tidak ada tamu yang menunggu.').waitFor();

  // The guest checks in on a phone and is told to wait; no chat box, no hand to raise.
  const res = await newPage(browser);
  await signInUi(res, guest.email);
  await res.goto(`${BASE}/sesi/${sessionId}`);
  await res.getByText('Langsung').first().waitFor();
  await panel(res, 'checkin-heading').getByLabel('Jabatan atau lembaga').fill('Karang Taruna Oro-Oro Ombo');
  await panel(res, 'checkin-heading').getByRole('button', { name: 'Isi daftar hadir' }).click();
  await res.getByTestId('attendance-status').getByText('Menunggu persetujuan moderator').waitFor();
  assert.equal(await res.getByLabel('Pesan', { exact: true }).count(), 0, 'a waiting guest cannot chat');
  assert.equal(await res.getByRole('button', { name: /Angkat tangan/ }).count(), 0, 'nor raise a hand');
  // The server agrees: a waiting guest may not write in the chat.
  const refused = await api('mutation($s:Int!){sendChatMessage(sessionId:$s,body:"Halo"){id}}', { s: sessionId }, await token(guest.email)).catch((e) => e);
  assert.match(String(refused), /FORBIDDEN/);
  await checkA11y(res, 'session, guest awaiting approval');
  await shoot(res, 'session-guest-waiting');

  // The moderator sees the guest in the control room, not yet counted as present.
  await pending.getByText('Tamu menunggu persetujuan (1)').waitFor();
  await pending.locator('.guest__name', { hasText: guest.name }).waitFor();
  await mod.getByTestId('attendance-count').getByText('0 hadir').waitFor();
  await checkA11y(mod, 'control room with a waiting guest');
  await shoot(mod, 'session-guest-pending', { scrollTo: '#control-heading' });
  await pending.getByRole('button', { name: `Setujui ${guest.name}` }).click();
  await pending.getByText('Tidak ada tamu yang menunggu.').waitFor();
  await mod.getByTestId('attendance-count').getByText('1 hadir').waitFor();

  // The guest's screen changes by itself: they may now write.
  await res.getByTestId('attendance-status').waitFor({ state: 'detached' });
  const message = `Salam dari Oro-Oro Ombo (${Date.now()})`;
  await res.getByLabel('Pesan', { exact: true }).fill(message);
  await res.getByRole('button', { name: 'Kirim', exact: true }).click();
  await panel(mod, 'chat-heading').getByText(message).waitFor();
  await res.getByRole('button', { name: /Angkat tangan/ }).waitFor();

  // The list is the staff's; the public sees counts only.
  const state = await api('query($s:Int!){liveSession(id:$s){attendance{accountId status}}}', { s: sessionId }, moderatorToken);
  assert.deepEqual(state.liveSession.attendance.map((a) => a.status), ['PRESENT']);
  const anonymous = await api('query($s:Int!){liveSession(id:$s){attendance{accountId}}}', { s: sessionId }).catch((e) => e);
  assert.match(String(anonymous), /FORBIDDEN|UNAUTHENTICATED/);
  const counts = await api('query($s:Int!){liveSession(id:$s){attendanceCounts{present awaiting}}}', { s: sessionId });
  assert.deepEqual(counts.liveSession.attendanceCounts, { present: 1, awaiting: 0 });
  assertNoJsErrors(mod);
  assertNoJsErrors(res);
});
