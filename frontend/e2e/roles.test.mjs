// After the plan: an administrator appoints and removes staff; a planner reports the
// implementation of a plan item (server validation at the fields); a resident carries a
// proposal that was not selected last year over into this year's cycle. The last two need
// last year's closed cycle in the demo and are skipped without it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BASE, DESKTOP, api, assertNoJsErrors, checkA11y, launch, newPage, signInUi, token } from './helpers.mjs';

let browser;
let admin;
before(async () => {
  browser = await launch();
  admin = await token('admin@musrenbang.test');
});
after(async () => {
  await browser?.close();
});

test('an administrator grants a role with its scope and revokes it', async () => {
  const page = await newPage(browser, DESKTOP);
  await signInUi(page, 'admin@musrenbang.test');
  await page.getByRole('link', { name: 'Peran & akses' }).click();
  await page.getByRole('heading', { level: 1, name: 'Peran & akses' }).waitFor();
  await page.getByLabel('Cari nama, email atau nomor ponsel').fill('warga03@musrenbang.test');
  await page.getByRole('button', { name: 'Cari', exact: true }).click();
  const row = page.locator('.account-row');
  await row.first().getByText('warga03@musrenbang.test').waitFor();
  assert.equal(await row.count(), 1);
  const name = (await row.getByRole('heading').textContent()).trim();
  await row.getByRole('button', { name: `Beri peran — ${name}` }).click();
  // A moderator without a forum: the server's field error, at the field.
  const form = page.getByRole('form', { name: `Beri peran kepada ${name}` });
  await form.getByLabel('Peran').selectOption('MODERATOR');
  await form.getByRole('button', { name: 'Beri peran' }).click();
  await form.locator('.error-text').getByText('wajib diisi').waitFor().catch(async (e) => {
    await page.screenshot({ path: '/tmp/roles-fail.png', fullPage: true });
    throw e;
  });
  await checkA11y(page, 'roles with a field error');
  // Agency staff of an agency.
  await form.getByLabel('Peran').selectOption('AGENCY');
  const agency = form.getByLabel('Perangkat daerah');
  const option = (await agency.locator('option').nth(1).textContent()).trim();
  await agency.selectOption({ label: option });
  await form.getByRole('button', { name: 'Beri peran' }).click();
  const line = row.locator('.role-line', { hasText: 'Staf perangkat daerah' });
  await line.getByText(option).first().waitFor();
  const roles = await api('query($s:String){accounts(filter:{search:$s},first:1){nodes{roles{role agencyId}}}}', { s: 'warga03@musrenbang.test' }, admin);
  assert.ok(roles.accounts.nodes[0].roles.some((r) => r.role === 'AGENCY' && r.agencyId));
  await checkA11y(page, 'roles');
  await line.getByRole('button', { name: /^Cabut/ }).click();
  await line.waitFor({ state: 'detached' });
  assertNoJsErrors(page);
  await page.context().close();
});

test('a planner reports the implementation of a plan item; errors appear at the fields', async (t) => {
  const data = await api('{proposals(filter:{statuses:[ACCEPTED]},sort:NEWEST,first:1){nodes{id title}}}');
  const item = data.proposals.nodes[0];
  if (!item) {
    t.skip('no proposal in the plan in this demo');
    return;
  }
  const page = await newPage(browser, DESKTOP);
  await signInUi(page, 'perencana@musrenbang.test');
  await page.goto(`${BASE}/usulan/${item.id}`);
  const form = page.locator('section', { has: page.getByRole('heading', { name: 'Laporkan pelaksanaan' }) });
  await form.getByLabel('Keterangan').waitFor();
  await form.getByLabel('Tahap').selectOption('IN_PROGRESS');
  await form.getByLabel('Keterangan').fill('ok');
  await form.getByLabel('Tautan foto').fill('foto-jalan');
  await form.getByRole('button', { name: 'Kirim laporan' }).click();
  await form.locator('#impl-note-error').getByText('harus 3–2000 karakter').waitFor();
  await form.locator('#impl-photo-error').getByText('alamat tautan tidak valid (mulai dengan https://)').waitFor();
  assert.equal(await form.getByLabel('Tautan foto').getAttribute('aria-invalid'), 'true');
  await checkA11y(page, 'implementation report with errors');
  await form.getByLabel('Keterangan').fill('Pengecoran tahap kedua selesai 60 persen.');
  await form.getByLabel('Tautan foto').fill('https://contoh.id/foto/pengecoran.jpg');
  await form.getByRole('button', { name: 'Kirim laporan' }).click();
  const path = page.locator('#perjalanan');
  await path.getByText('Pengecoran tahap kedua selesai 60 persen.').waitFor();
  const photo = path.getByRole('link', { name: /^Foto/ }).last();
  await photo.waitFor();
  assert.equal(await photo.getAttribute('href'), 'https://contoh.id/foto/pengecoran.jpg');
  await path.getByText('Masuk RKPD').first().waitFor();
  assertNoJsErrors(page);
  await page.context().close();
});

test('a resident carries a proposal not selected last year over into this year', async (t) => {
  const cycles = await api('{cycles(first:20){nodes{id planYear status}}}');
  const closed = cycles.cycles.nodes.filter((c) => c.status === 'CLOSED').sort((a, b) => b.planYear - a.planYear)[0];
  const rejected = closed
    ? await api(
        'query($c:Int!){proposals(filter:{cycleId:$c,statuses:[REJECTED,NOT_ACCEPTED]},sort:NEWEST,first:50){nodes{id title proposer{email}}}}',
        { c: closed.id },
        admin,
      )
    : null;
  const source = rejected?.proposals.nodes.find((p) => p.proposer?.email?.startsWith('warga'));
  if (!source) {
    t.skip('no proposal of last year to carry over in this demo');
    return;
  }
  const page = await newPage(browser);
  await signInUi(page, source.proposer.email);
  await page.goto(`${BASE}/usulan-saya`);
  await page.locator('.proposal-card').first().waitFor();
  let card = page.locator('.proposal-card', { has: page.getByRole('link', { name: source.title, exact: true }) });
  for (let i = 0; i < 5 && !(await card.count()); i++) {
    await page.getByRole('button', { name: /Berikutnya/ }).click();
    await page.waitForTimeout(400);
  }
  await card.getByRole('button', { name: `Lanjutkan ke tahun berikutnya ${source.title}` }).click();
  await card.getByLabel(/^Siklus/).waitFor().catch(async (e) => {
    await page.screenshot({ path: '/tmp/carry-fail.png', fullPage: true });
    throw e;
  });
  await checkA11y(page, 'carry-over form');
  await card.getByRole('button', { name: 'Lanjutkan', exact: true }).click();
  await card.getByRole('link', { name: 'Dilanjutkan ke siklus berikutnya' }).waitFor();
  const copy = await api('query($p:Int!){proposal(id:$p){path{carriedOverToId}}}', { p: source.id }, admin);
  assert.ok(copy.proposal.path.carriedOverToId);
  assertNoJsErrors(page);
  await page.context().close();
});
