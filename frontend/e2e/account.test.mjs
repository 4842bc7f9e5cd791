// Accounts and personal data (issue 13): a resident resets a forgotten password from the link in
// the e-mail (sent through a real SMTP server), a resident without email gets a code from the
// moderator in the hall, and a resident downloads their data and erases their account.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { BASE, DESKTOP, api, assertNoJsErrors, canSignIn, checkA11y, launch, newPage, registerResident, shoot, waitForMail } from './helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const OLD = 'sepeda biru di tepi kali';
const NEW = 'jembatan bambu tiga warna';

async function signIn(page, identifier, password) {
  await page.goto(`${BASE}/masuk`);
  await page.getByLabel(/Email atau nomor ponsel/).fill(identifier);
  await page.getByLabel(/^Kata sandi/).fill(password);
  await page.getByRole('button', { name: 'Masuk', exact: true }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/masuk'));
  await page.getByRole('button', { name: 'Keluar', includeHidden: true }).waitFor({ state: 'attached' });
}

test('the privacy policy is linked from registration and the footer, in Indonesian and English', async () => {
  const page = await newPage(browser);
  await page.goto(`${BASE}/daftar`);
  await page.getByTestId('register-consent').getByRole('link', { name: 'Kebijakan privasi' }).click();
  await page.waitForURL(`${BASE}/privasi`);
  await page.getByRole('heading', { level: 1, name: 'Kebijakan privasi' }).waitFor();
  await page.getByText(/Permendagri Nomor 86 Tahun 2017/).waitFor();
  await page.getByText(/Undang-Undang Nomor 27 Tahun 2022/).waitFor();
  await page.getByRole('heading', { name: 'Siapa yang melihatnya' }).waitFor();
  await checkA11y(page, 'privacy policy');
  await shoot(page, 'privacy');
  await page.getByRole('button', { name: /^EN/ }).click();
  await page.getByRole('heading', { level: 1, name: 'Privacy policy' }).waitFor();
  await page.getByRole('heading', { name: 'Who sees it' }).waitFor();
  await page.getByRole('button', { name: /^ID/ }).click();
  await page.getByRole('contentinfo').getByRole('link', { name: 'Kebijakan privasi' }).waitFor();
  assertNoJsErrors(page);
  await page.context().close();
});

test('a resident resets a forgotten password from the e-mailed link', async () => {
  const resident = await registerResident('Pangongangan', 'Sulastri Lupa', OLD);
  const page = await newPage(browser);
  await page.goto(`${BASE}/masuk`);
  await page.getByRole('link', { name: 'Lupa kata sandi?' }).click();
  await page.waitForURL(`${BASE}/lupa-sandi`);
  await page.getByRole('heading', { level: 1, name: 'Lupa kata sandi' }).waitFor();
  await page.getByText(/minta fasilitator/).waitFor();
  await checkA11y(page, 'forgot password');
  await page.getByLabel(/^Email/).fill(resident.email);
  await page.getByRole('button', { name: 'Kirim tautan' }).click();
  await page.getByTestId('reset-sent').getByText('Jika alamat itu terdaftar, tautan untuk mengatur ulang kata sandi telah dikirim.').waitFor();
  await shoot(page, 'forgot-password-sent');

  // The same answer for an address without an account.
  const other = await newPage(browser);
  await other.goto(`${BASE}/lupa-sandi`);
  await other.getByLabel(/^Email/).fill(`tidak.terdaftar.${Date.now()}@contoh.id`);
  await other.getByRole('button', { name: 'Kirim tautan' }).click();
  await other.getByTestId('reset-sent').getByText('Jika alamat itu terdaftar, tautan untuk mengatur ulang kata sandi telah dikirim.').waitFor();
  await other.context().close();

  // The mail, through the SMTP server: a link to this installation with a single-use token.
  const escaped = BASE.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const { match } = await waitForMail(resident.email, new RegExp(`${escaped}/atur-sandi\\?token=[0-9a-f]{64}`));
  const link = match[0];

  await page.goto(link);
  await page.getByRole('heading', { level: 1, name: 'Atur kata sandi baru' }).waitFor();
  assert.equal(await page.locator('#reset-code').count(), 0, 'no code field with a token in the link');
  await checkA11y(page, 'set a new password from the link');
  // A weak password is refused at its field.
  await page.getByLabel(/^Kata sandi baru/).fill('password123');
  await page.getByLabel(/^Ulangi kata sandi baru/).fill('password123');
  await page.getByRole('button', { name: 'Simpan kata sandi baru' }).click();
  await page.locator('#reset-password-error').waitFor();
  assert.equal(await page.locator('#reset-password').getAttribute('aria-invalid'), 'true');
  await shoot(page, 'set-password-weak');
  await page.getByLabel(/^Kata sandi baru/).fill(NEW);
  await page.getByLabel(/^Ulangi kata sandi baru/).fill(NEW);
  await page.getByRole('button', { name: 'Simpan kata sandi baru' }).click();
  await page.waitForURL(`${BASE}/`);
  await page.getByText(resident.name).first().waitFor({ state: 'attached' });
  await page.getByRole('button', { name: 'Keluar', includeHidden: true }).waitFor({ state: 'attached' });

  assert.equal(await canSignIn(resident.email, OLD), false, 'the old password no longer works');
  assert.equal(await canSignIn(resident.email, NEW), true, 'the new one does');

  // The link works once.
  const again = await newPage(browser);
  await again.goto(link);
  await again.getByLabel(/^Kata sandi baru/).fill('lagi-lagi sandi yang lain');
  await again.getByLabel(/^Ulangi kata sandi baru/).fill('lagi-lagi sandi yang lain');
  await again.getByRole('button', { name: 'Simpan kata sandi baru' }).click();
  await again.getByTestId('reset-bad-token').getByRole('link', { name: 'Minta tautan baru' }).waitFor();
  assert.equal(await canSignIn(resident.email, NEW), true);
  assertNoJsErrors(page);
  assertNoJsErrors(again);
  await again.context().close();
  await page.context().close();
});

test('a moderator hands a resident without email a reset code in the hall', async () => {
  const resident = await registerResident('Nambangan Kidul', 'Paijo Tanpa Email', OLD);
  const mod = await newPage(browser, DESKTOP);
  await signIn(mod, 'fasilitator.nambangankidul@musrenbang.test', 'musrenbang2027');
  await mod.goto(`${BASE}/moderasi`);
  await mod.getByRole('heading', { level: 2, name: 'Atur ulang kata sandi warga' }).waitFor();
  await mod.getByLabel(/Cari warga/).fill('Paijo Tanpa');
  await mod.getByRole('button', { name: `Buat kode atur ulang sandi untuk ${resident.name}` }).first().click();
  const code = (await mod.getByTestId('reset-code-value').first().textContent()).trim();
  assert.ok(code.length >= 6, `a code to read out: "${code}"`);
  await mod.getByTestId('reset-code').first().getByText(/Berlaku sampai/).waitFor();
  await checkA11y(mod, 'moderation with a reset code');
  await shoot(mod, 'moderation-reset-code', { scrollTo: '[data-testid=reset-code]' });

  const page = await newPage(browser);
  await page.goto(`${BASE}/atur-sandi`);
  await page.getByLabel(/^Kode atur ulang/).fill(code);
  await page.getByLabel(/^Kata sandi baru/).fill(NEW);
  await page.getByLabel(/^Ulangi kata sandi baru/).fill(NEW);
  await page.getByRole('button', { name: 'Simpan kata sandi baru' }).click();
  await page.waitForURL(`${BASE}/`);
  assert.equal(await canSignIn(resident.email, NEW), true);
  assert.equal(await canSignIn(resident.email, OLD), false);
  assertNoJsErrors(mod);
  assertNoJsErrors(page);
  await mod.context().close();
  await page.context().close();
});

test('a resident downloads their data, then erases their account', async () => {
  const resident = await registerResident('Pangongangan', 'Wartini Hapus', OLD);
  // Something of theirs that stays as public record.
  await api(
    'mutation($p:Int!,$b:String!){addComment(proposalId:$p,body:$b){id}}',
    { p: (await api('{proposals(filter:{},sort:NEWEST,first:1){nodes{id}}}')).proposals.nodes[0].id, b: 'Setuju, jalannya memang rusak parah.' },
    resident.token,
  );
  const page = await newPage(browser);
  await signIn(page, resident.email, OLD);
  await page.getByRole('button', { name: 'Menu' }).click();
  await page.getByRole('link', { name: 'Akun saya' }).click();
  await page.waitForURL(`${BASE}/akun`);
  await page.getByRole('heading', { level: 1, name: 'Akun saya' }).waitFor();
  await page.getByTestId('account-email').getByText(resident.email).waitFor();
  await checkA11y(page, 'account page');
  await shoot(page, 'account');

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Unduh data saya' }).click()]);
  assert.equal(download.suggestedFilename(), 'data-saya.json');
  const data = JSON.parse(readFileSync(await download.path(), 'utf8'));
  assert.ok(JSON.stringify(data).includes(resident.email), 'the download holds their email');
  assert.ok(JSON.stringify(data).includes('Setuju, jalannya memang rusak parah.'), 'and their comment');

  await page.getByRole('button', { name: 'Saya ingin menghapus akun saya' }).click();
  // A wrong password erases nothing.
  await page.locator('#acc-erase-password').fill('bukan sandi saya');
  await page.getByRole('button', { name: 'Hapus akun secara permanen' }).click();
  await page.locator('#acc-erase-password-error').getByText('bukan kata sandi Anda saat ini').waitFor();
  assert.equal(await canSignIn(resident.email, OLD), true);
  await page.locator('#acc-erase-password').fill(OLD);
  await checkA11y(page, 'erase confirmation');
  await shoot(page, 'account-erase', { scrollTo: '#acc-erase-heading' });
  await page.getByRole('button', { name: 'Hapus akun secara permanen' }).click();
  await page.getByTestId('account-erased').getByText(/Akun Anda telah dihapus/).waitFor();
  await page.getByRole('link', { name: 'Masuk', includeHidden: true }).first().waitFor({ state: 'attached' });

  assert.equal(await canSignIn(resident.email, OLD), false, 'the old password no longer signs in');
  // The page's sign-in says so too.
  await page.goto(`${BASE}/masuk`);
  await page.getByLabel(/Email atau nomor ponsel/).fill(resident.email);
  await page.getByLabel(/^Kata sandi/).fill(OLD);
  await page.getByRole('button', { name: 'Masuk', exact: true }).click();
  await page.getByText('Email/nomor ponsel atau kata sandi salah.').waitFor();
  assertNoJsErrors(page);
  await page.context().close();
});

test('a resident hides their name from the public on a proposal', async () => {
  const resident = await registerResident('Pangongangan', 'Sutrisno Anonim', OLD);
  const page = await newPage(browser);
  await signIn(page, resident.email, OLD);
  await page.goto(`${BASE}/usulan/baru`);
  await page.getByRole('heading', { level: 1, name: 'Ajukan usulan' }).waitFor();
  await page.waitForFunction(() => document.querySelector('#pf-forum')?.selectedOptions[0]?.textContent === 'Musrenbang Kelurahan Pangongangan');
  await page.getByLabel('RW').selectOption({ label: 'RW 01' });
  await page.getByLabel(/^RT/).selectOption({ label: 'RT 01 / RW 01' });
  await page.getByLabel('Alamat').fill('Gang Mawar, dekat musala');
  await page.getByLabel('Judul usulan').fill('Lampu penerangan di gang Mawar');
  await page.getByLabel('Masalah').fill('Gang Mawar gelap di malam hari sehingga rawan bagi warga yang pulang kerja.');
  await page.getByLabel('Gagasan penyelesaian').fill('Memasang empat lampu jalan tenaga surya di sepanjang gang.');
  await page.getByLabel('Bidang urusan').selectOption({ label: 'Pekerjaan Umum dan Penataan Ruang' });
  await page.getByLabel('Volume').fill('4');
  await page.getByLabel('Satuan').fill('unit');
  await page.getByLabel('Perkiraan biaya (Rupiah)').fill('40000000');
  await page.getByLabel('Penerima manfaat').fill('120');
  await page.getByLabel(/Sembunyikan nama saya dari publik/).check();
  await page.getByRole('button', { name: 'Simpan dan ajukan' }).click();
  await page.waitForURL(/\/usulan\/\d+\?baru=1$/);
  const path = new URL(page.url()).pathname;
  // The proposer still sees their own name, and that it is hidden from the public.
  const own = page.locator('dt', { hasText: 'Pengusul' }).locator('xpath=following-sibling::dd[1]');
  await own.getByText('Nama pengusul disembunyikan dari publik.').waitFor();
  assert.match(await own.textContent(), new RegExp(`^${resident.name}`));

  const visitor = await newPage(browser);
  await visitor.goto(`${BASE}${path}`);
  await visitor.getByRole('heading', { level: 1, name: 'Lampu penerangan di gang Mawar' }).waitFor();
  const proposer = visitor.locator('dt', { hasText: 'Pengusul' }).locator('xpath=following-sibling::dd[1]');
  assert.match(await proposer.textContent(), /^Warga \S/);
  assert.equal(await visitor.locator('main').getByText(resident.name).count(), 0, 'the public does not see the name');
  assertNoJsErrors(page);
  assertNoJsErrors(visitor);
  await page.context().close();
  await visitor.context().close();
});
