// Forms people finish (issue #17): money typed is never turned into another amount (negative
// and unreadable amounts refused at the field, a cost far from the catalogue warned about);
// every form checks all its fields in one pass, in form order and the chosen language, with no
// browser bubbles; withdrawing a proposal and removing an agenda item ask first; a proposer
// takes a submitted proposal back to a private draft; collapsible sections look like controls
// and inputs are full-size on a phone; a new resident reads that the facilitator verifies them;
// and (issue #16) a photo's EXIF position fills the coordinates only when the resident asks.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BASE, DESKTOP, PASSWORD, PHONE, api, assertNoJsErrors, checkA11y, kelurahanForum, launch, newPage, openSession, residentsOf, shoot, signInUi, token, waitForMail } from './helpers.mjs';

let browser;
let forum; // Mojorejo's kelurahan forum (proposals; no other scenario closes it)
let hall; // Mojorejo's (sessions)
let resident;
let residentToken;
let admin;
before(async () => {
  browser = await launch();
  forum = await kelurahanForum('Mojorejo');
  hall = await kelurahanForum('Mojorejo');
  admin = await token('admin@musrenbang.test');
  [resident] = await residentsOf(forum.region.id, admin);
  assert.ok(resident, 'need a verified resident of Mojorejo');
  residentToken = await token(resident.email);
});
after(async () => {
  await browser?.close();
});

const summaryItems = (page) => page.getByTestId('form-problems').locator('li').allTextContents();

async function rtOf(regionId) {
  const rt = await api('query($p:Int!){regions(within:$p,level:RT,first:1){nodes{id}}}', { p: regionId });
  return rt.regions.nodes[0].id;
}

/** A proposal of the resident, submitted (through the API). */
async function submittedProposal(title) {
  const created = await api(
    'mutation($i:CreateProposalInput!){createProposal(input:$i){id}}',
    {
      i: {
        forumId: forum.id,
        title,
        problem: 'Saluran di depan rumah warga tersumbat setiap musim hujan.',
        solution: 'Membangun saluran baru dan membersihkan gorong-gorong.',
        physical: true,
        regionId: await rtOf(forum.region.id),
        address: 'Jl. Salak 3',
        volume: 50,
        unit: 'meter',
        estimatedCost: 72_500_000,
        beneficiaries: 120,
      },
    },
    residentToken,
  );
  const id = created.createProposal.id;
  await api('mutation($i:TransitionInput!){transitionProposal(input:$i){id}}', { i: { proposalId: id, to: 'SUBMITTED' } }, residentToken);
  return id;
}

const statusOf = async (id) => (await api('query($id:Int!){proposal(id:$id){status}}', { id }, residentToken)).proposal.status;

/** Fills the proposal form's text and number fields (not the cost). */
async function fillProposal(page, title) {
  await page.locator('#pf-address').fill('Jl. Salak 3, depan pos ronda');
  await page.locator('#pf-title').fill(title);
  await page.locator('#pf-problem').fill('Saluran tersumbat dan air meluap ke jalan setiap hujan deras.');
  await page.locator('#pf-solution').fill('Membangun saluran drainase baru sepanjang jalan.');
  await page.locator('#pf-volume').fill('120');
  await page.locator('#pf-unit').fill('meter');
  await page.locator('#pf-beneficiaries').fill('200');
}

async function chooseDrainage(page) {
  const value = await page.locator('#pf-activity option', { hasText: 'Pembangunan saluran drainase' }).getAttribute('value');
  await page.locator('#pf-activity').selectOption(value);
}

test('money is refused at the field when negative or unreadable, and a cost far from the catalogue is warned about', async () => {
  const before = (await api('{myProposals(first:100){totalCount}}', {}, residentToken)).myProposals.totalCount;
  const page = await newPage(browser);
  await signInUi(page, resident.email);
  await page.goto(`${BASE}/usulan/baru`);
  await page.getByRole('heading', { level: 1, name: 'Ajukan usulan' }).waitFor();
  await page.waitForFunction(() => document.querySelector('#pf-forum')?.value);
  const cost = page.getByLabel('Perkiraan biaya (Rupiah)');
  await cost.fill('-2500000');
  await page.locator('#pf-cost-error').getByText('tidak boleh negatif: tulis jumlahnya tanpa tanda minus').waitFor();
  assert.equal(await cost.getAttribute('aria-invalid'), 'true');
  assert.doesNotMatch(await page.locator('#pf-cost-hint').textContent(), /2\.500\.000/, 'the minus is not dropped into "Rp 2.500.000"');
  await cost.fill('2,5 juta');
  await page.locator('#pf-cost-error').getByText(/tulis jumlah Rupiah dengan angka/).waitFor();

  await fillProposal(page, 'Saluran drainase Jl. Salak (uji biaya)');
  await chooseDrainage(page);
  await cost.fill('-2500000');
  await page.getByRole('button', { name: 'Simpan sebagai draf' }).click();
  await page.getByTestId('form-problems').getByText('Perkiraan biaya: tidak boleh negatif: tulis jumlahnya tanpa tanda minus').waitFor();
  assert.equal((await api('{myProposals(first:100){totalCount}}', {}, residentToken)).myProposals.totalCount, before, 'nothing saved');

  // 120 m of drainage at Rp 2.500.000 in all: far below 120 × Rp 1.450.000. A warning, not a block.
  await cost.fill('2500000');
  const warning = page.getByTestId('pf-cost-warning');
  await warning.getByText('Biaya jauh dari perkiraan katalog: 120 meter × Rp 1.450.000 = Rp 174.000.000', { exact: false }).waitFor();
  assert.match(await cost.getAttribute('aria-describedby'), /pf-cost-warning/);
  assert.equal(await page.locator('#pf-cost-error').count(), 0);
  await checkA11y(page, 'proposal form with a cost warning');
  await shoot(page, 'form-cost-warning', { scrollTo: '#pf-cost' });
  await cost.fill('175.000.000');
  await warning.waitFor({ state: 'detached' });
  await cost.fill('2500000');
  await warning.waitFor();
  await page.getByRole('button', { name: 'Simpan sebagai draf' }).click();
  await page.waitForURL(/\/usulan\/\d+\?baru=1$/);
  const id = Number(new URL(page.url()).pathname.split('/').pop());
  const saved = await api('query($id:Int!){proposal(id:$id){estimatedCost status}}', { id }, residentToken);
  assert.deepEqual(saved.proposal, { estimatedCost: 2_500_000, status: 'DRAFT' });
  assertNoJsErrors(page);
  await page.context().close();

  // A planner's budget ceiling and a facilitator's cost limit: the same rule.
  const planner = await newPage(browser, DESKTOP);
  await signInUi(planner, 'perencana@musrenbang.test');
  await planner.goto(`${BASE}/perencanaan`);
  const row = planner.locator('.forum-row', { hasText: 'Musrenbang Kelurahan Mojorejo' }).first();
  await row.getByRole('button', { name: /Ubah/ }).click();
  const ceiling = row.getByLabel(/^Pagu indikatif/);
  await ceiling.fill('-300000000');
  await row.locator('.error-text', { hasText: 'tidak boleh negatif' }).waitFor();
  await row.getByRole('button', { name: 'Simpan' }).click();
  await row.getByTestId('form-problems').getByText('Pagu indikatif: tidak boleh negatif: tulis jumlahnya tanpa tanda minus').waitFor();
  const kept = await api('query($f:Int!){forum(id:$f){budgetCeiling}}', { f: forum.id });
  assert.equal(kept.forum.budgetCeiling, forum.budgetCeiling, 'the ceiling is unchanged');
  assertNoJsErrors(planner);
  await planner.context().close();

  const mod = await newPage(browser, DESKTOP);
  await signInUi(mod, 'fasilitator.mojorejo@musrenbang.test');
  await mod.goto(`${BASE}/forum/${forum.id}`);
  await mod.locator('summary', { hasText: 'Buka putaran pemungutan suara' }).click();
  await mod.locator('#or-method').selectOption('KNAPSACK');
  await mod.locator('#or-title').fill('Putaran uji batas biaya');
  await mod.locator('#or-cost').fill('-5000000');
  await mod.locator('#or-cost-error').getByText('tidak boleh negatif', { exact: false }).waitFor();
  await mod.getByRole('button', { name: 'Buka pemungutan suara', exact: true }).click();
  await mod.getByTestId('form-problems').getByText(/tidak boleh negatif/).waitFor();
  const rounds = await api('query($f:Int!){forum(id:$f){votingRounds{id}}}', { f: forum.id });
  assert.equal(rounds.forum.votingRounds.length, 0, 'no round opened');
  assertNoJsErrors(mod);
  await mod.context().close();
});

test('forms check every field in one pass, in form order, in the chosen language, with no browser bubbles', async () => {
  const page = await newPage(browser);
  await signInUi(page, resident.email);
  await page.goto(`${BASE}/usulan/baru`);
  await page.waitForFunction(() => document.querySelector('#pf-forum')?.value);
  assert.ok(await page.evaluate(() => [...document.forms].every((f) => f.noValidate)), 'every form validates itself');
  await page.getByRole('button', { name: 'Simpan dan ajukan' }).click();
  const id = [
    'Alamat: wajib diisi',
    'Judul: wajib diisi',
    'Masalah: wajib diisi',
    'Gagasan: wajib diisi',
    'Volume: wajib diisi',
    'Satuan: wajib diisi',
    'Perkiraan biaya: wajib diisi',
    'Penerima manfaat: wajib diisi',
  ];
  await page.getByTestId('form-problems').waitFor();
  assert.deepEqual(await summaryItems(page), id);
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'form-problems');
  await page.locator('#pf-title-error').getByText('wajib diisi').waitFor();
  await page.getByTestId('form-problems').getByText('Ada isian yang perlu diperbaiki.').waitFor();
  await checkA11y(page, 'proposal form, every problem at once');
  await shoot(page, 'form-one-pass');
  // The link of a problem leads to its field.
  await page.getByTestId('form-problems').getByRole('link', { name: 'Judul: wajib diisi' }).click();
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'pf-title');
  // Fixing a field takes its problem away; the next submit checks everything again.
  await page.locator('#pf-address').fill('Jl. Kenanga 4');
  await page.locator('#pf-address-error').waitFor({ state: 'detached' });
  assert.equal((await summaryItems(page))[0], 'Judul: wajib diisi');
  // In English (chosen before submitting), the same problems in the same order; what was
  // typed (the address) survives the switch.
  await page.getByRole('button', { name: /EN/ }).click();
  await page.getByRole('heading', { level: 1, name: 'Submit a proposal' }).waitFor();
  assert.equal(await page.locator('#pf-address').inputValue(), 'Jl. Kenanga 4');
  await page.waitForFunction(() => document.querySelector('#pf-forum')?.value);
  await page.getByRole('button', { name: 'Save and submit' }).click();
  await page.getByTestId('form-problems').getByText('Title: is required').waitFor();
  assert.deepEqual(await summaryItems(page), [
    'Title: is required',
    'Problem: is required',
    'Proposed solution: is required',
    'Volume: is required',
    'Unit: is required',
    'Estimated cost: is required',
    'Beneficiaries: is required',
  ]);
  // A text too short is the length rule, in English too; one submit shows it with the rest.
  await page.locator('#pf-title').fill('Jln');
  await page.locator('#pf-cost').fill('-1');
  await page.getByRole('button', { name: 'Save and submit' }).click();
  await page.getByTestId('form-problems').getByText('Title: must be 5–200 characters').waitFor();
  await page.getByTestId('form-problems').getByText('Estimated cost: must not be negative: write the amount without a minus sign').waitFor();
  await checkA11y(page, 'proposal form in English');
  await page.getByRole('button', { name: /ID/ }).click();
  await page.getByRole('heading', { level: 1, name: 'Ajukan usulan' }).waitFor();
  // Back in Bahasa Indonesia, the half-filled form is as it was.
  assert.equal(await page.locator('#pf-title').inputValue(), 'Jln');
  assert.equal(await page.locator('#pf-address').inputValue(), 'Jl. Kenanga 4');
  assert.equal(await page.locator('#pf-cost').inputValue(), '-1');
  assertNoJsErrors(page);
  await page.context().close();

  // Registration: an empty name is "wajib diisi"; the server's field error (the phone) at its field, in either language.
  const anon = await newPage(browser);
  await anon.goto(`${BASE}/daftar`);
  await anon.getByRole('button', { name: 'Daftar', exact: true }).click();
  await anon.getByTestId('form-problems').waitFor();
  const reg = await summaryItems(anon);
  assert.equal(reg[0], 'Nama: wajib diisi');
  assert.ok(!reg.some((r) => r.includes('2–120')), 'an empty name is not "harus 2–120 karakter"');
  await anon.getByLabel('Nama lengkap').fill('Warga Ponsel Salah');
  await anon.getByLabel('Nomor ponsel').fill('12345');
  await anon.getByLabel('Kata sandi').fill('rahasia-sekali-2027');
  await anon.getByLabel('Kecamatan').selectOption({ label: 'Taman' });
  await anon.getByLabel('Desa/Kelurahan').selectOption({ label: 'Mojorejo' });
  await anon.getByRole('button', { name: 'Daftar', exact: true }).click();
  await anon.locator('#reg-phone-error').getByText('harus nomor ponsel Indonesia', { exact: false }).waitFor();
  await anon.getByTestId('form-problems').getByText(/^Nomor ponsel: harus nomor ponsel Indonesia/).waitFor();
  // In English, the server's words at the field.
  await anon.getByRole('button', { name: /EN/ }).click();
  await anon.getByRole('heading', { level: 1, name: /Register/ }).waitFor();
  await anon.getByLabel('Full name').fill('Warga Ponsel Salah');
  await anon.getByLabel('Mobile number').fill('12345');
  await anon.getByLabel('Password').fill('rahasia-sekali-2027');
  await anon.getByLabel(/^District/).selectOption({ label: 'Taman' });
  await anon.getByLabel(/^Village/).selectOption({ label: 'Mojorejo' });
  await anon.getByRole('button', { name: 'Register', exact: true }).click();
  await anon.locator('#reg-phone-error').getByText(/must be an Indonesian mobile number/).waitFor();
  await checkA11y(anon, 'registration with a server field error in English');
  await anon.getByRole('button', { name: /ID/ }).click();
  await anon.context().close();

  // Session, round and stage forms: no bubbles, the app's own words.
  const mod = await newPage(browser, DESKTOP);
  await signInUi(mod, 'fasilitator.mojorejo@musrenbang.test');
  await mod.goto(`${BASE}/forum/${hall.id}`);
  await mod.locator('summary', { hasText: 'Jadwalkan sesi' }).click();
  await mod.getByLabel('Judul sesi').fill('');
  await mod.getByLabel(/^Tempat/).fill('Ba');
  await mod.getByRole('button', { name: 'Jadwalkan sesi' }).click();
  assert.deepEqual(await summaryItems(mod), ['Judul sesi: wajib diisi', 'Tempat: harus 3–300 karakter']);
  await mod.locator('#session-title-error').getByText('wajib diisi').waitFor();
  await mod.locator('summary', { hasText: 'Buka putaran pemungutan suara' }).click();
  await mod.getByRole('button', { name: 'Buka pemungutan suara', exact: true }).click();
  await mod.getByTestId('form-problems').getByText('Judul putaran: wajib diisi').waitFor();
  assert.ok(await mod.evaluate(() => [...document.forms].every((f) => f.noValidate)));
  await checkA11y(mod, 'forum page with session and round problems');
  assertNoJsErrors(mod);
  await mod.context().close();

  const planner = await newPage(browser, DESKTOP);
  await signInUi(planner, 'perencana@musrenbang.test');
  await planner.goto(`${BASE}/perencanaan`);
  const stage = planner.locator('.stage-table tbody tr').first();
  await stage.locator('input[type="datetime-local"]').first().fill('2027-03-10T10:00');
  await stage.locator('input[type="datetime-local"]').nth(1).fill('2027-03-01T10:00');
  await stage.getByRole('button', { name: 'Simpan' }).click();
  await stage.locator('.error-text', { hasText: 'harus sesudah waktu buka' }).waitFor();
  await stage.getByTestId('form-problems').getByText('Ditutup: harus sesudah waktu buka').waitFor();
  await planner.getByRole('button', { name: /EN/ }).click();
  const stageEn = planner.locator('.stage-table tbody tr').first();
  await stageEn.locator('input[type="datetime-local"]').first().fill('2027-03-10T10:00');
  await stageEn.locator('input[type="datetime-local"]').nth(1).fill('2027-03-01T10:00');
  await stageEn.getByRole('button', { name: 'Save' }).click();
  await stageEn.locator('.error-text', { hasText: 'must be after the opening time' }).waitFor();
  await planner.getByRole('button', { name: /ID/ }).click();
  assertNoJsErrors(planner);
  await planner.context().close();
});

test('withdrawing a proposal and removing an agenda item ask first', async () => {
  const id = await submittedProposal('Saluran Jl. Salak (uji batalkan)');
  const page = await newPage(browser);
  await signInUi(page, resident.email);
  await page.goto(`${BASE}/usulan/${id}`);
  await page.getByRole('button', { name: 'Batalkan usulan' }).click();
  const confirm = page.getByTestId('confirm-move');
  await confirm.getByText('Batalkan usulan ini?').waitFor();
  await confirm.getByText(/tidak dapat diajukan lagi/).waitFor();
  assert.equal(await statusOf(id), 'SUBMITTED', 'nothing happens before the yes');
  await checkA11y(page, 'withdraw confirmation');
  await shoot(page, 'confirm-withdraw', { scrollTo: '[data-testid="confirm-move"]' });
  await confirm.getByRole('button', { name: 'Jangan batalkan' }).click();
  await confirm.waitFor({ state: 'detached' });
  assert.equal(await statusOf(id), 'SUBMITTED');
  await page.getByRole('button', { name: 'Batalkan usulan' }).click();
  await page.getByTestId('confirm-move').getByRole('button', { name: 'Ya, batalkan usulan' }).click();
  await page.locator('.proposal-head .badge', { hasText: /Dibatalkan/ }).waitFor();
  assert.equal(await statusOf(id), 'WITHDRAWN');
  assertNoJsErrors(page);
  await page.context().close();

  const modToken = await token('fasilitator.mojorejo@musrenbang.test');
  const sessionId = await openSession(modToken, hall.id, 'Musyawarah uji agenda');
  await api('mutation($i:AgendaItemInput!){addAgendaItem(input:$i){id}}', { i: { sessionId, title: 'Topik uji hapus', timeBoxMinutes: 5 } }, modToken);
  await api('mutation($i:AgendaItemInput!){addAgendaItem(input:$i){id}}', { i: { sessionId, title: 'Topik yang tetap', timeBoxMinutes: 5 } }, modToken);
  const mod = await newPage(browser, DESKTOP);
  await signInUi(mod, 'fasilitator.mojorejo@musrenbang.test');
  await mod.goto(`${BASE}/sesi/${sessionId}`);
  const agenda = mod.getByTestId('agenda-heading');
  await agenda.getByText('Topik uji hapus', { exact: true }).waitFor();
  await agenda.getByRole('button', { name: 'Hapus Topik uji hapus dari agenda' }).click();
  const ask = mod.getByTestId('confirm-remove');
  await ask.getByText('Hapus “Topik uji hapus” dari agenda?').waitFor();
  const items = async () => (await api('query($id:Int!){liveSession(id:$id){agenda{title}}}', { id: sessionId })).liveSession.agenda.map((i) => i.title);
  assert.deepEqual(await items(), ['Topik uji hapus', 'Topik yang tetap'], 'nothing removed before the yes');
  await checkA11y(mod, 'agenda removal confirmation');
  await ask.getByRole('button', { name: 'Jangan hapus' }).click();
  await ask.waitFor({ state: 'detached' });
  await agenda.getByRole('button', { name: 'Hapus Topik uji hapus dari agenda' }).click();
  await mod.getByTestId('confirm-remove').getByRole('button', { name: 'Ya, hapus dari agenda' }).click();
  await agenda.getByText('Topik uji hapus', { exact: true }).waitFor({ state: 'detached' });
  assert.deepEqual(await items(), ['Topik yang tetap']);
  // The header says when the session opened, not only when it was planned.
  await mod.getByTestId('session-when').getByText(/^Dibuka .+ \(dijadwalkan .+\)$/).waitFor();
  assertNoJsErrors(mod);
  await mod.context().close();
});

test('a proposer takes a submitted proposal back to a private draft', async () => {
  const id = await submittedProposal('Saluran Jl. Salak (uji tarik kembali)');
  const page = await newPage(browser);
  await signInUi(page, resident.email);
  await page.goto(`${BASE}/usulan/${id}`);
  const back = page.getByRole('button', { name: 'Tarik kembali untuk diperbaiki' });
  await back.waitFor();
  assert.doesNotMatch(await back.getAttribute('class'), /button--danger/, 'not shown as destructive');
  assert.match(await page.getByRole('button', { name: 'Batalkan usulan' }).getAttribute('class'), /button--danger/);
  const hintId = await back.getAttribute('aria-describedby');
  assert.match(await page.locator(`#${hintId}`).textContent(), /draf pribadi lagi, yang hanya terlihat oleh Anda/);
  await checkA11y(page, 'proposal with take-back');
  await back.click();
  await page.getByTestId('back-to-draft').getByText('Usulan kembali menjadi draf pribadi: hanya Anda yang melihatnya. Perbaiki, lalu ajukan lagi.').waitFor();
  await page.getByRole('link', { name: 'Ubah usulan' }).waitFor();
  await page.getByRole('button', { name: 'Ajukan' }).waitFor();
  assert.equal(await statusOf(id), 'DRAFT');
  // A draft is private again: not for anonymous visitors.
  const res = await fetch(`${BASE}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: 'query($id:Int!){proposal(id:$id){id}}', variables: { id } }) });
  const body = await res.json();
  assert.ok(!body.data?.proposal, 'anonymous visitors no longer see it');
  await shoot(page, 'back-to-draft');
  assertNoJsErrors(page);
  await page.context().close();
});

/** Every <summary> on the page: a visible marker and a border (a control, not a heading), 44 px tall. */
async function assertDisclosures(page, names) {
  for (const name of names) {
    const summary = page.locator('summary', { hasText: name }).first();
    await summary.waitFor();
    const look = await summary.evaluate((el) => {
      const s = getComputedStyle(el);
      const m = getComputedStyle(el, '::before');
      return { marker: m.content !== 'none' && parseFloat(m.borderLeftWidth) > 0, border: parseFloat(s.borderTopWidth), height: el.getBoundingClientRect().height, cursor: s.cursor };
    });
    assert.ok(look.marker, `${name}: a disclosure marker`);
    assert.ok(look.border >= 1, `${name}: a button-like border`);
    assert.ok(look.height >= 44, `${name}: ${look.height} px tall`);
    assert.equal(look.cursor, 'pointer');
  }
}

/** The inputs' size on a phone: at least 40 px tall, (nearly) the width of their form. */
async function assertFullSize(page, ids) {
  for (const id of ids) {
    const box = await page.locator(`#${id}`).evaluate((el) => {
      const r = el.getBoundingClientRect();
      const f = (el.closest('.field') ?? el.parentElement).getBoundingClientRect();
      return { h: r.height, w: r.width, fw: f.width };
    });
    assert.ok(box.h >= 40, `#${id} is ${box.h} px tall`);
    assert.ok(box.w >= box.fw * 0.9 && box.w > 200, `#${id} is ${box.w} px wide (its field ${box.fw})`);
  }
}

test('collapsible sections show a marker and look like controls; inputs are full size on a phone', async () => {
  const modToken = await token('fasilitator.mojorejo@musrenbang.test');
  const sessionId = await openSession(modToken, hall.id, 'Musyawarah uji tampilan');
  await api('mutation($i:AgendaItemInput!){addAgendaItem(input:$i){id}}', { i: { sessionId, title: 'Topik tampilan', timeBoxMinutes: 5 } }, modToken);
  // A resident's chat line, so that the moderator's "Sembunyikan" form is there too.
  const [villager] = await residentsOf(hall.region.id, admin);
  const villagerToken = await token(villager.email);
  await api('mutation($s:Int!){checkIn(sessionId:$s){id}}', { s: sessionId }, villagerToken);
  await api('mutation($s:Int!,$b:String!){sendChatMessage(sessionId:$s,body:$b){id}}', { s: sessionId, b: 'Usul: bahas saluran dulu.' }, villagerToken);

  const mod = await newPage(browser, PHONE);
  await signInUi(mod, 'fasilitator.mojorejo@musrenbang.test');
  await mod.goto(`${BASE}/forum/${hall.id}`);
  await assertDisclosures(mod, ['Jadwalkan sesi', 'Buka putaran pemungutan suara']);
  await mod.locator('summary', { hasText: 'Jadwalkan sesi' }).click();
  await assertFullSize(mod, ['session-title', 'session-starts', 'session-place', 'session-url']);
  await checkA11y(mod, 'forum page on a phone, schedule form open');
  await shoot(mod, 'disclosures-forum', { scrollTo: '#sessions-heading' });

  await mod.goto(`${BASE}/sesi/${sessionId}`);
  await mod.getByTestId('agenda-heading').getByText('Topik tampilan', { exact: true }).waitFor();
  await mod.getByText('Usul: bahas saluran dulu.').waitFor();
  await assertDisclosures(mod, ['Tambah acara', 'Buka jajak pendapat', 'Putuskan', 'Catat hadir di aula', 'Sembunyikan']);
  for (const name of ['Tambah acara', 'Buka jajak pendapat', 'Catat hadir di aula', 'Sembunyikan']) await mod.locator('summary', { hasText: name }).first().click();
  const hideId = await mod.locator('[id^="hide-"]').first().getAttribute('id');
  await assertFullSize(mod, ['agenda-title', 'agenda-minutes', 'poll-question', 'present-name', 'present-role', hideId]);
  // An open marker turns: the section says it is open.
  assert.equal(await mod.locator('details:has(> summary:has-text("Tambah acara"))').getAttribute('open'), '');
  await checkA11y(mod, 'session page on a phone, forms open');
  await shoot(mod, 'disclosures-session', { scrollTo: '#agenda-heading' });
  assertNoJsErrors(mod);
  await mod.context().close();

  const planner = await newPage(browser, PHONE);
  await signInUi(planner, 'perencana@musrenbang.test');
  await planner.goto(`${BASE}/perencanaan`);
  await assertDisclosures(planner, ['Buat forum baru']);
  await planner.context().close();
});

test('after registering, a resident reads that the facilitator verifies them, and what they can do meanwhile', async () => {
  const page = await newPage(browser);
  const email = `warga.baru.${Date.now()}@contoh.id`;
  await page.goto(`${BASE}/daftar`);
  await page.getByLabel('Nama lengkap').fill('Warga Baru Mojorejo');
  await page.getByLabel(/^Email/).fill(email);
  await page.getByLabel('Kata sandi').fill('rahasia-sekali-2027');
  await page.getByLabel('Kecamatan').selectOption({ label: 'Taman' });
  await page.getByLabel('Desa/Kelurahan').selectOption({ label: 'Mojorejo' });
  await page.getByRole('button', { name: 'Daftar', exact: true }).click();
  const mailed = page.getByTestId('register-mailed');
  const signedIn = page.getByTestId('verification-notice');
  await mailed.or(signedIn).first().waitFor();
  if (await mailed.count()) {
    await page.getByTestId('register-next').getByText(/fasilitator kelurahan memverifikasi/).waitFor();
    const { match } = await waitForMail(email, /(\/konfirmasi-daftar\?token=[0-9a-f]+)/);
    await page.goto(`${BASE}${match[1]}`);
    await page.getByRole('button', { name: 'Aktifkan akun' }).click();
    await page.waitForURL(`${BASE}/`);
  }
  await page.getByTestId('verification-notice').getByText('Menunggu verifikasi fasilitator').waitFor();
  // …and on the home page for as long as the account waits.
  if (!page.url().endsWith('/')) await page.getByRole('link', { name: 'Lanjut' }).click();
  await page.getByRole('heading', { level: 1, name: 'Usulkan pembangunan untuk lingkungan Anda' }).waitFor();
  const notice = page.getByTestId('verification-notice');
  await notice.getByText('Menunggu verifikasi fasilitator').waitFor();
  await notice.getByText(/Setelah diverifikasi, Anda dapat memberikan suara/).waitFor();
  await notice.getByRole('link', { name: /mengajukan usulan/ }).waitFor();
  await notice.getByRole('link', { name: /mengomentari usulan/ }).waitFor();
  await checkA11y(page, 'home with the verification notice');
  await shoot(page, 'registration-notice');
  await page.getByRole('button', { name: /EN/ }).click();
  await page.getByTestId('verification-notice').getByText('Waiting for the facilitator’s verification').waitFor();
  await page.getByRole('button', { name: /ID/ }).click();
  assertNoJsErrors(page);
  await page.context().close();
});

test('results and exports say what they mean: consensus, the budget figures, exports only where allowed', async () => {
  const all = await api('{forums(filter:{level:DESA_KELURAHAN},first:100){nodes{id name status cycle{planYear}}}}');
  const closed = all.forums.nodes.find((f) => f.status === 'CLOSED' && f.cycle.planYear === 2026);
  assert.ok(closed, 'the demo has a closed 2026 forum');
  const page = await newPage(browser);
  await page.goto(`${BASE}/forum/${closed.id}/hasil`);
  await page.getByTestId('results-consensus').getByText(/memutuskan dengan mufakat, tanpa putaran pemungutan suara/).waitFor();
  const budget = page.getByTestId('priority-budget');
  await budget.getByText(/^Diteruskan atau diakomodir: \d+ usulan, Rp\s[\d.]+ dari pagu Rp\s[\d.]+$/).waitFor();
  await budget.getByTestId('priority-proposed').getByText(/^Seluruh usulan dalam daftar: \d+ usulan, Rp\s[\d.]+\. Hanya daftar utama yang memakai pagu\.$/).waitFor();
  await page.locator('.priority-table tbody tr').first().waitFor();
  await checkA11y(page, 'results of a consensus forum');
  await shoot(page, 'results-consensus');

  // Anonymous: no export buttons on an open forum (they would fail), the files on a closed one (no .pb without a round).
  await page.goto(`${BASE}/forum/${forum.id}`);
  await page.getByTestId('export-after-close').waitFor();
  assert.equal(await page.getByRole('group', { name: 'Unduh data' }).count(), 0);
  await page.goto(`${BASE}/forum/${closed.id}`);
  const group = page.getByRole('group', { name: 'Unduh data' });
  await group.getByRole('button', { name: 'CSV' }).waitFor();
  assert.equal(await group.getByRole('button', { name: /Pabulib/ }).count(), 0);
  const [download] = await Promise.all([page.waitForEvent('download'), group.getByRole('button', { name: 'CSV' }).click()]);
  assert.match(download.suggestedFilename(), /\.csv$/);
  assertNoJsErrors(page);
  await page.context().close();
});

// A JPEG with an EXIF GPS position (Madiun, 7° 37' 47.28" S, 111° 31' 26.04" E), big-endian.
function exifApp1() {
  const t = Buffer.alloc(200);
  t.write('MM', 0, 'ascii');
  t.writeUInt16BE(42, 2);
  t.writeUInt32BE(8, 4);
  t.writeUInt16BE(1, 8); // IFD0: one entry, the GPS pointer
  t.writeUInt16BE(0x8825, 10);
  t.writeUInt16BE(4, 12);
  t.writeUInt32BE(1, 14);
  t.writeUInt32BE(26, 18);
  t.writeUInt32BE(0, 22);
  const gps = 26;
  t.writeUInt16BE(4, gps);
  const data = gps + 2 + 4 * 12 + 4;
  const entry = (i, tag, type, count, value) => {
    const at = gps + 2 + i * 12;
    t.writeUInt16BE(tag, at);
    t.writeUInt16BE(type, at + 2);
    t.writeUInt32BE(count, at + 4);
    value(at + 8);
  };
  entry(0, 1, 2, 2, (at) => t.write('S', at, 'ascii'));
  entry(1, 2, 5, 3, (at) => t.writeUInt32BE(data, at));
  entry(2, 3, 2, 2, (at) => t.write('E', at, 'ascii'));
  entry(3, 4, 5, 3, (at) => t.writeUInt32BE(data + 24, at));
  [7, 1, 37, 1, 4728, 100, 111, 1, 31, 1, 2604, 100].forEach((v, i) => t.writeUInt32BE(v, data + i * 4));
  const tiff = t.subarray(0, data + 48);
  const head = Buffer.alloc(10);
  head.writeUInt16BE(0xffe1, 0);
  head.writeUInt16BE(tiff.length + 8, 2);
  head.write('Exif\0\0', 4, 'latin1');
  return Buffer.concat([head, tiff]);
}

test("a photo's EXIF position fills the coordinates only when the resident ticks it, and is not sent", async () => {
  const page = await newPage(browser);
  await signInUi(page, resident.email);
  await page.goto(`${BASE}/usulan/baru`);
  await page.waitForFunction(() => document.querySelector('#pf-forum')?.value);
  // A real JPEG from the browser's own encoder, with the camera's EXIF segment put in after SOI.
  const encoded = Buffer.from(
    await page.evaluate(() => {
      const c = document.createElement('canvas');
      c.width = 640;
      c.height = 480;
      const g = c.getContext('2d');
      g.fillStyle = '#2a7';
      g.fillRect(0, 0, 640, 480);
      g.fillStyle = '#c33';
      g.fillRect(100, 100, 200, 150);
      return c.toDataURL('image/jpeg', 0.9).split(',')[1];
    }),
    'base64',
  );
  const photo = Buffer.concat([encoded.subarray(0, 2), exifApp1(), encoded.subarray(2)]);
  const sent = [];
  page.on('request', (request) => {
    if (request.url().endsWith('/graphql') && (request.headers()['content-type'] ?? '').startsWith('multipart/form-data')) sent.push(request.postDataBuffer() ?? Buffer.alloc(0));
  });

  // Without the tick the position is not read.
  await page.locator('#pf-photo-file').setInputFiles({ name: 'saluran-rusak.jpg', mimeType: 'image/jpeg', buffer: photo });
  await page.getByTestId('pf-photo-chosen').getByText(/saluran-rusak\.jpg/).waitFor();
  await page.waitForTimeout(300);
  assert.equal(await page.locator('#pf-lat').inputValue(), '');
  assert.equal(await page.locator('#pf-lon').inputValue(), '');
  // With it, the photo already chosen gives its position.
  await page.getByLabel('Gunakan lokasi foto').check();
  await page.getByTestId('pf-photo-note').getByText(/Lintang dan bujur diisi dari foto saluran-rusak\.jpg/).waitFor();
  assert.equal(await page.locator('#pf-lat').inputValue(), '-7.629800');
  assert.equal(await page.locator('#pf-lon').inputValue(), '111.523900');
  await checkA11y(page, 'proposal form with a located photo');
  await shoot(page, 'form-photo-location', { scrollTo: '[data-testid="proposal-photos"]' });

  await fillProposal(page, 'Saluran Jl. Salak dengan foto');
  await page.locator('#pf-cost').fill('174000000');
  await page.getByRole('button', { name: 'Simpan sebagai draf' }).click();
  await page.waitForURL(/\/usulan\/\d+\?baru=1$/);
  const id = Number(new URL(page.url()).pathname.split('/').pop());
  const saved = await api('query($id:Int!){proposal(id:$id){latitude longitude attachments{kind url contentType}}}', { id }, residentToken);
  assert.ok(Math.abs(saved.proposal.latitude + 7.6298) < 1e-6 && Math.abs(saved.proposal.longitude - 111.5239) < 1e-6, JSON.stringify(saved.proposal));
  assert.equal(saved.proposal.attachments.length, 1);
  assert.equal(saved.proposal.attachments[0].kind, 'PHOTO');
  // What left the phone was redrawn: no EXIF, no GPS.
  assert.equal(sent.length, 1);
  assert.equal(sent[0].includes(Buffer.from('Exif\0\0', 'latin1')), false, 'the upload carries no EXIF segment');
  const stored = Buffer.from(await (await fetch(`${BASE}${saved.proposal.attachments[0].url}`, { headers: { authorization: `Bearer ${residentToken}` } })).arrayBuffer());
  assert.equal(stored.subarray(0, 2).toString('hex'), 'ffd8');
  assert.equal(stored.includes(Buffer.from('Exif\0\0', 'latin1')), false, 'the stored photo carries no EXIF segment');
  assertNoJsErrors(page);
  await page.context().close();
});
