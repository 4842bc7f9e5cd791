// A resident on a phone: registers (server validation shown at the fields), submits a proposal,
// and — once a moderator has verified them and opened a knapsack round — votes and gets a receipt.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BASE, api, assertNoJsErrors, checkA11y, kelurahanForum, launch, newPage, openRound, shoot, token, waitForMail } from './helpers.mjs';

let browser;
let page;
const email = `e2e.warga.${Date.now()}@contoh.id`;
let proposalId;

before(async () => {
  browser = await launch();
  page = await newPage(browser);
});
after(async () => {
  await browser?.close();
});

test('a resident registers; server validation appears at the right fields', async () => {
  await page.goto(`${BASE}/daftar`);
  await page.getByRole('heading', { level: 1, name: 'Daftar sebagai warga' }).waitFor();
  await checkA11y(page, 'register');
  await page.getByLabel('Nama lengkap').fill('Warga Uji Coba');
  await page.getByLabel(/^Email/).fill('bukan-email');
  await page.getByLabel('Kata sandi').fill('pendek');
  await page.getByLabel('Kecamatan').selectOption({ label: 'Manguharjo' });
  await page.getByLabel('Desa/Kelurahan').selectOption({ label: 'Pangongangan' });
  await page.getByLabel('RW').selectOption({ label: 'RW 01' });
  await page.getByLabel(/^RT/).selectOption({ label: 'RT 01 / RW 01' });
  await page.getByRole('button', { name: 'Daftar', exact: true }).click();
  // The server's field errors, translated, next to their fields.
  await page.locator('#reg-email-error').getByText('alamat email tidak valid').waitFor();
  await page.locator('#reg-password-error').getByText('harus 8–128 karakter').waitFor();
  assert.equal(await page.getByLabel(/^Email/).getAttribute('aria-invalid'), 'true');
  await page.getByRole('alert').getByText('Ada isian yang perlu diperbaiki.').waitFor();
  await checkA11y(page, 'register with errors');
  await shoot(page, 'register-errors');

  await page.getByLabel(/^Email/).fill(email);
  await page.getByLabel('Kata sandi').fill('rahasia-sekali-2027');
  await page.getByRole('button', { name: 'Daftar', exact: true }).click();
  // The account exists once the link mailed to the address is opened.
  await page.getByTestId('register-mailed').getByText('Periksa e-mail Anda untuk menyelesaikan pendaftaran.').waitFor();
  await checkA11y(page, 'registration mailed');
  const { match } = await waitForMail(email, /(\/konfirmasi-daftar\?token=[0-9a-f]+)/);
  await page.goto(`${BASE}${match[1]}`);
  await page.getByRole('heading', { level: 1, name: 'Aktifkan akun' }).waitFor();
  await page.getByRole('button', { name: 'Aktifkan akun' }).click();
  await page.waitForURL(`${BASE}/`);
  await page.getByText('Warga Uji Coba').waitFor({ state: 'attached' });
});

test('the resident submits a proposal with location and coordinates', async () => {
  await page.goto(`${BASE}/usulan/baru`);
  await page.getByRole('heading', { level: 1, name: 'Ajukan usulan' }).waitFor();
  // The forum of the resident's own kelurahan is chosen already.
  const forum = page.getByLabel('Forum');
  await page.waitForFunction(() => document.querySelector('#pf-forum')?.selectedOptions[0]?.textContent === 'Musrenbang Kelurahan Pangongangan');
  assert.equal(await forum.locator('option:checked').textContent(), 'Musrenbang Kelurahan Pangongangan');
  await page.getByLabel('RW').selectOption({ label: 'RW 02' });
  await page.getByLabel(/^RT/).selectOption({ label: 'RT 01 / RW 02' });
  await page.getByLabel('Alamat').fill('Jl. Merdeka No. 12, depan balai RW');
  await page.getByLabel('Lintang (latitude)').fill('-7,6215');
  await page.getByLabel('Bujur (longitude)').fill('111,5201');
  await page.getByLabel('Judul usulan').fill('Perbaikan jembatan kecil di RW 02');
  await page.getByLabel('Masalah').fill('Jembatan kayu di atas saluran retak dan berbahaya bagi anak sekolah yang melintas.');
  await page.getByLabel('Gagasan penyelesaian').fill('Mengganti jembatan kayu dengan jembatan beton selebar dua meter.');
  await page.getByLabel('Bidang urusan').selectOption({ label: 'Pekerjaan Umum dan Penataan Ruang' });
  await page.getByLabel('Volume').fill('1');
  await page.getByLabel('Satuan').fill('unit');
  await page.getByLabel('Perkiraan biaya (Rupiah)').fill('650000000');
  await page.getByText('Terbaca: Rp 650.000.000').waitFor();
  await page.getByLabel('Penerima manfaat').fill('350');
  await checkA11y(page, 'proposal form');
  await shoot(page, 'proposal-form');
  await page.getByRole('button', { name: 'Simpan dan ajukan' }).click();
  await page.waitForURL(/\/usulan\/\d+\?baru=1$/);
  proposalId = Number(new URL(page.url()).pathname.split('/').pop());
  await page.getByText(/Usulan USL-2027-\d+ telah diajukan/).waitFor();
  await page.locator('.proposal-head .badge').getByText('Diajukan').waitFor();
  await page.getByRole('navigation', { name: 'Wilayah' }).getByText('RT 01 / RW 02').waitFor();
  await checkA11y(page, 'submitted proposal');

  await page.goto(`${BASE}/usulan-saya`);
  await page.getByRole('link', { name: 'Perbaikan jembatan kecil di RW 02' }).waitFor();
  await checkA11y(page, 'my proposals');
});

test('a verified resident votes in an open knapsack round with a live budget meter and gets a receipt', async () => {
  // Set-up through the API, as the kelurahan's moderator: verify the resident, open a round.
  const forum = await kelurahanForum('Pangongangan');
  const moderator = await token('fasilitator.pangongangan@musrenbang.test');
  const { accounts } = await api('query($s:String){accounts(filter:{search:$s}){nodes{id}}}', { s: email }, moderator);
  await api('mutation($id:Int!){verifyAccount(accountId:$id,decision:VERIFIED){id}}', { id: accounts.nodes[0].id }, moderator);
  const probe = await api('query($f:Int!){forum(id:$f){proposals(statuses:[VERIFIED],sort:COST_ASC,first:3){nodes{estimatedCost}}}}', { f: forum.id });
  const cheapest = probe.forum.proposals.nodes.map((p) => p.estimatedCost);
  const limit = cheapest[0] + cheapest[1] + Math.floor((cheapest[2] - cheapest[1]) / 2);
  const round = await openRound(moderator, { forumId: forum.id, title: 'Prioritas Kelurahan Pangongangan', method: 'KNAPSACK', rule: 'greedy', costLimit: limit });

  await page.goto(`${BASE}/putaran/${round.id}`);
  await page.getByRole('heading', { level: 1, name: 'Prioritas Kelurahan Pangongangan' }).waitFor();
  const meter = page.getByTestId('knapsack-remaining');
  const fmt = (n) => new Intl.NumberFormat('id-ID', { style: 'currency', currency: 'IDR', currencyDisplay: 'narrowSymbol', maximumFractionDigits: 0 }).format(n);
  await meter.getByText(`Sisa ${fmt(limit)}`).waitFor();
  // Choose the two cheapest proposals: the meter follows, and what no longer fits is disabled.
  const byCost = [...round.proposals].sort((a, b) => a.estimatedCost - b.estimatedCost);
  await page.getByLabel(new RegExp(byCost[0].title.slice(0, 30))).first().check();
  await meter.getByText(`Sisa ${fmt(limit - byCost[0].estimatedCost)}`).waitFor();
  await page.locator(`#ballot-opt-${byCost[1].id}`).check();
  const left = limit - byCost[0].estimatedCost - byCost[1].estimatedCost;
  await meter.getByText(`Sisa ${fmt(left)}`).waitFor();
  const expensive = byCost[byCost.length - 1];
  assert.equal(await page.locator(`#ballot-opt-${expensive.id}`).isDisabled(), true, 'a proposal over the remaining budget is disabled');
  await checkA11y(page, 'knapsack ballot');
  await shoot(page, 'ballot-knapsack', { scrollTo: '#cast-heading' });
  await page.getByRole('button', { name: 'Kirim suara' }).click();
  const receipt = page.getByTestId('receipt');
  await receipt.waitFor();
  // A random code, short enough to copy: it says nothing about the choices.
  assert.match(await receipt.locator('code').textContent(), /^[0-9a-f]{16,64}$/);
  await checkA11y(page, 'receipt');
  await shoot(page, 'receipt', { scrollTo: '#my-ballot' });
  // The ballot is on the server.
  const mine = await api('query($r:Int!){votingRound(id:$r){myBallot{choices{proposalId}}}}', { r: round.id }, await page.evaluate(() => localStorage.getItem('musrenbang.token')));
  assert.deepEqual(mine.votingRound.myBallot.choices.map((c) => c.proposalId).sort(), [byCost[0].id, byCost[1].id].sort());
  assert.ok(proposalId > 0);
  assertNoJsErrors(page);
});
