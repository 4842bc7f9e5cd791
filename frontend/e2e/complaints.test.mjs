// The complaint channel (laporan, issue #15), end to end: a resident on a phone files a report
// with a photo (anonymous by default) and finds it under "Laporan saya"; a planner verifies it,
// sees the likely duplicate nearby, sends it to the agency and makes it a draft proposal; the
// agency's staff, in another browser, follow it up and answer it with a photo, and the
// resident's open page shows the answer arrive live, without a reload; the resident accepts the
// answer and rates the service. The public dashboard shows the satisfaction index with its
// grade, and a visitor never sees the name behind an anonymous report.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BASE, DESKTOP, PHONE, api, assertNoJsErrors, checkA11y, launch, newPage, png, shoot, signInUi, token } from './helpers.mjs';

const RESIDENT = 'warga02@musrenbang.test';
const PLANNER = 'perencana@musrenbang.test';
const AGENCY = 'opd.pupr@musrenbang.test';
const TITLE = `Saluran tertutup sampah di Gang Melati ${Date.now() % 100000}`;
const ANSWER = 'Saluran sudah dikeruk dan sampahnya diangkut oleh tim lapangan DPUPR.';

let browser;
let resident; // the resident's phone
let planner;
let agency;
let reportId;
let residentName;

before(async () => {
  browser = await launch();
  const me = await api('{me{name}}', {}, await token(RESIDENT));
  residentName = me.me.name;
});
after(async () => {
  await browser?.close();
});

/** Waits until the thumbnails under `selector` have loaded (through the session: blob: URLs). */
async function photosLoaded(page, selector, n = 1) {
  await page.waitForFunction(
    ([sel, count]) => {
      const imgs = [...document.querySelectorAll(`${sel} img.attachment__thumb`)];
      return imgs.length >= count && imgs.every((img) => img.complete && img.naturalWidth > 0);
    },
    [selector, n],
  );
}

test('a resident on a phone files an anonymous report with a photo and finds it under "Laporan saya"', async () => {
  resident = await newPage(browser, PHONE);
  await signInUi(resident, RESIDENT);
  // The header leads there.
  await resident.getByRole('button', { name: 'Menu' }).click();
  await resident.getByRole('navigation', { name: 'Navigasi utama' }).getByRole('link', { name: 'Lapor', exact: true }).click();
  await resident.waitForURL(`${BASE}/laporan/baru`);
  await resident.getByRole('heading', { level: 1, name: 'Lapor' }).waitFor();

  // Anonymous unless chosen otherwise, each mode explained in a line.
  assert.equal(await resident.locator('#rf-privacy-ANONYMOUS').isChecked(), true);
  await resident.locator('#rf-privacy-SECRET-hint').getByText('hanya Anda dan petugas yang menanganinya').waitFor();
  // …and that the follow-up and the disputes of a published report are public too.
  await resident.getByTestId('privacy-notes-public').getByText('Catatan tindak lanjut dan sanggahan pada laporan yang dipublikasikan dapat dibaca umum.').waitFor();
  assert.equal(await resident.locator('#rf-photo-camera').getAttribute('capture'), 'environment');

  // Sending it empty: the form says what is missing, at the fields.
  await resident.getByRole('button', { name: 'Kirim laporan' }).click();
  await resident.locator('#rf-title-error').getByText('wajib diisi').waitFor();
  await resident.locator('#rf-category-error').getByText('wajib diisi').waitFor();

  await resident.getByLabel('Pengaduan').check();
  await resident.getByLabel('Kategori').selectOption({ label: 'Saluran air dan drainase' });
  await resident.getByLabel('Judul laporan').fill(TITLE);
  await resident.getByLabel('Uraian').fill('Saluran di mulut gang tertutup sampah plastik; setiap hujan air meluap ke rumah warga.');
  await resident.getByLabel('Kecamatan').selectOption({ label: 'Manguharjo' });
  await resident.getByLabel('Desa/Kelurahan').selectOption({ label: 'Pangongangan' });
  await resident.getByLabel('RW').selectOption({ label: 'RW 01' });
  await resident.getByLabel(/^RT/).selectOption({ label: 'RT 01 / RW 01' });
  await resident.getByLabel('Alamat').fill('Mulut Gang Melati, depan pos ronda');
  // Next to a report of the demo (LAP-000001, the same category): a likely duplicate for the coordinators.
  await resident.getByLabel('Lintang (latitude)').fill('-7,6302');
  await resident.getByLabel('Bujur (longitude)').fill('111,5203');
  await resident.locator('#rf-photo-file').setInputFiles({ name: 'saluran.png', mimeType: 'image/png', buffer: png(1200, 900) });
  await resident.getByTestId('rf-photo-chosen').getByText('saluran.png').waitFor();
  await checkA11y(resident, 'report form');
  await shoot(resident, 'report-form');

  await resident.getByRole('button', { name: 'Kirim laporan' }).click();
  await resident.waitForURL(/\/laporan\/\d+\?baru=1$/);
  reportId = Number(new URL(resident.url()).pathname.split('/').pop());
  await resident.getByTestId('report-filed').getByText(/Laporan LAP-\d{6} terkirim/).waitFor();
  await resident.getByTestId('report-status').getByText('Menunggu verifikasi').waitFor();
  await resident.getByTestId('report-clock').getByText(/^Batas waktu verifikasi: \d{1,2} \w+ \d{4}$/).waitFor();
  // The photo went up after the report (scaled and re-encoded on the phone) and shows through the session.
  await photosLoaded(resident, '[data-testid=report-photos]');
  await checkA11y(resident, 'report page (filed)');
  await shoot(resident, 'report-filed');

  const stored = await api('query($id:Int!){report(id:$id){privacy status photos{id} reporterName}}', { id: reportId }, await token(RESIDENT));
  assert.deepEqual({ privacy: stored.report.privacy, status: stored.report.status, photos: stored.report.photos.length }, { privacy: 'ANONYMOUS', status: 'SUBMITTED', photos: 1 });

  await resident.goto(`${BASE}/laporan?view=mine`);
  await resident.getByRole('heading', { level: 1, name: 'Laporan saya' }).waitFor();
  const card = resident.getByTestId('report-card').filter({ hasText: TITLE });
  await card.getByRole('link', { name: TITLE }).waitFor();
  await card.getByText('Menunggu verifikasi').waitFor();
  await card.getByText(/^Batas waktu verifikasi:/).waitFor();
  await checkA11y(resident, 'my reports');
  await shoot(resident, 'report-mine');
  assertNoJsErrors(resident);
});

test('a planner verifies the report, sees the likely duplicate, sends it to the agency and makes it a proposal', async () => {
  planner = await newPage(browser, DESKTOP);
  await signInUi(planner, PLANNER);
  await planner.getByRole('navigation', { name: 'Navigasi utama' }).getByRole('link', { name: 'Antrian laporan' }).click();
  await planner.waitForURL(`${BASE}/laporan/antrian`);
  await planner.getByRole('heading', { level: 1, name: 'Antrian laporan' }).waitFor();
  await planner.getByRole('link', { name: TITLE }).waitFor();
  // The demo has a report past its clock: overdue ones come first, marked in words.
  const first = planner.getByTestId('report-card').first();
  await first.getByText('Terlambat').waitFor();
  await checkA11y(planner, 'report queue');
  await shoot(planner, 'report-queue');

  await planner.getByRole('link', { name: TITLE }).click();
  await planner.waitForURL(`${BASE}/laporan/${reportId}`);
  const staff = planner.getByTestId('report-staff');
  await staff.getByRole('heading', { name: 'Tindakan petugas' }).waitFor();
  // Coordinators see who reported (the public does not).
  await planner.getByTestId('report-reporter').getByText(residentName).waitFor();
  // The demo's blocked drain some 40 m away, of the same category.
  const dup = staff.getByTestId('duplicates');
  await dup.getByRole('link', { name: 'LAP-000001 Saluran tersumbat di depan pasar' }).waitFor();
  await dup.getByText(/\b\d{1,3} m\b/).waitFor();

  await staff.getByRole('button', { name: 'Verifikasi' }).click();
  await planner.getByTestId('report-status').getByText('Terverifikasi').waitFor();
  await staff.getByRole('button', { name: 'Teruskan ke OPD' }).click();
  // The category's agency unless another is chosen.
  await staff.getByLabel('Perangkat daerah (OPD)').waitFor();
  await staff.getByLabel('Catatan').fill('Mohon dibersihkan sebelum musim hujan.');
  await checkA11y(planner, 'dispose form');
  await staff.getByRole('button', { name: 'Teruskan', exact: true }).click();
  await planner.getByTestId('report-status').getByText('Diteruskan ke OPD').waitFor();
  await planner.getByTestId('report-clock').getByText(/^Batas waktu tindak lanjut:/).waitFor();
  const disposed = await api('query($id:Int!){report(id:$id){status agency{abbreviation}}}', { id: reportId }, await token(PLANNER));
  assert.deepEqual(disposed.report, { status: 'DISPOSED', agency: { abbreviation: 'DPUPR' } });

  // "Jadikan usulan": a draft of the suggested forum, prefilled from the report.
  await staff.getByRole('button', { name: 'Jadikan usulan' }).click();
  assert.equal(await staff.getByLabel('Judul usulan').inputValue(), TITLE);
  assert.match(await staff.getByLabel('Masalah').inputValue(), /tertutup sampah plastik/);
  await staff.getByLabel('Gagasan penyelesaian').fill('Membuat saringan sampah dan menutup saluran dengan plat beton sepanjang 40 meter.');
  await staff.getByLabel('Volume').fill('40');
  await staff.getByLabel('Satuan').fill('meter');
  await staff.getByLabel('Perkiraan biaya (Rupiah)').fill('36000000');
  await staff.getByLabel('Penerima manfaat').fill('120');
  await checkA11y(planner, 'report to proposal form');
  await shoot(planner, 'report-staff', { scrollTo: '[data-testid=report-staff]' });
  await staff.getByRole('button', { name: 'Buat usulan' }).click();
  await planner.waitForURL(/\/usulan\/\d+\?baru=1$/);
  await planner.getByTestId('proposal-source-report').getByText(TITLE).waitFor();
  await planner.getByTestId('proposal-source-report').click();
  await planner.waitForURL(`${BASE}/laporan/${reportId}`);
  await planner.getByTestId('report-proposal').waitFor();
  assertNoJsErrors(planner);
});

test('the agency answers in another browser; the resident’s open page shows it live; the resident accepts and rates', async () => {
  // The resident hears of the change (notifications link to the report) and keeps the page open.
  await resident.goto(`${BASE}/notifikasi`);
  const link = resident.getByTestId('notification').locator(`a[href="/laporan/${reportId}"]`).first();
  await link.waitFor();
  assert.match(await link.textContent(), new RegExp(`Laporan “${TITLE}”`));
  await link.click();
  await resident.waitForURL(`${BASE}/laporan/${reportId}`);
  await resident.getByTestId('report-status').getByText('Diteruskan ke OPD').waitFor();
  // Following the report's events over the socket.
  await resident.locator('.live--subscription').waitFor();
  await resident.evaluate(() => {
    window.__sameDocument = true;
  });

  agency = await newPage(browser, DESKTOP);
  await signInUi(agency, AGENCY);
  await agency.goto(`${BASE}/laporan/antrian`);
  await agency.getByRole('link', { name: TITLE }).click();
  await agency.waitForURL(`${BASE}/laporan/${reportId}`);
  const staff = agency.getByTestId('report-staff');
  await staff.getByText('Anda menangani laporan ini sebagai petugas perangkat daerah.').waitFor();
  // Anonymous, and not shared with the agency: no name for its staff either.
  await agency.getByTestId('report-reporter').getByText('Pelapor anonim').waitFor();

  await staff.getByRole('button', { name: 'Tindak lanjuti' }).click();
  await staff.getByRole('textbox', { name: /^Tindak lanjut\b/ }).fill('Tim lapangan dijadwalkan membersihkan saluran besok pagi.');
  await staff.getByRole('button', { name: 'Kirim tindak lanjut' }).click();
  await agency.getByTestId('report-status').getByText('Ditindaklanjuti').waitFor();
  // The resident's page follows without a reload.
  await resident.getByTestId('report-status').getByText('Ditindaklanjuti').waitFor({ timeout: 20_000 });

  await staff.getByRole('button', { name: 'Jawab laporan' }).click();
  await staff.getByRole('textbox', { name: /^Jawaban/ }).fill(ANSWER);
  await staff.locator('#rm-staff-photo-file').setInputFiles({ name: 'sesudah.png', mimeType: 'image/png', buffer: png(800, 600) });
  await checkA11y(agency, 'answer form');
  await shoot(agency, 'report-answer-form', { scrollTo: '[data-testid=report-staff]' });
  await staff.getByRole('button', { name: 'Kirim jawaban' }).click();
  await agency.getByTestId('report-status').getByText('Dijawab').waitFor();

  const answer = resident.getByTestId('report-answer');
  await answer.getByText(ANSWER).waitFor({ timeout: 20_000 });
  await photosLoaded(resident, '[data-testid=answer-photos]');
  assert.equal(await resident.evaluate(() => window.__sameDocument), true, 'the answer arrived without a reload');
  await resident.getByTestId('report-status').getByText('Dijawab').waitFor();
  await checkA11y(resident, 'report answered');
  await shoot(resident, 'report-answered');

  // Accepting asks to confirm first.
  await resident.getByRole('button', { name: 'Terima jawaban' }).click();
  await resident.getByRole('button', { name: 'Ya, terima jawaban' }).click();
  await resident.getByTestId('report-status').getByText('Selesai').waitFor();

  const survey = resident.getByTestId('survey');
  await survey.waitFor();
  const answers = { requirements: 4, procedure: 4, time: 3, cost: 4, product: 4, competence: 4, conduct: 4, complaintHandling: 4, facilities: 3 };
  for (const [element, value] of Object.entries(answers)) await resident.locator(`#sv-${element}-${value}`).check();
  await survey.getByText(/^Nilai Anda: \d+,\d{2} \([ABCD] — /).waitFor();
  await checkA11y(resident, 'satisfaction survey');
  await shoot(resident, 'report-survey', { scrollTo: '[data-testid=survey]' });
  await survey.getByRole('button', { name: 'Kirim penilaian' }).click();
  await resident.getByTestId('survey-thanks').waitFor();
  const rated = await api('query($id:Int!){report(id:$id){status canRate}}', { id: reportId }, await token(RESIDENT));
  assert.deepEqual(rated.report, { status: 'CLOSED', canRate: false });
  assertNoJsErrors(resident);
  assertNoJsErrors(agency);
});

test('the public dashboard shows the satisfaction index with its grade, per agency, and offers the CSV', async () => {
  const page = await newPage(browser, PHONE);
  await page.goto(`${BASE}/laporan/statistik`);
  await page.getByRole('heading', { level: 1, name: 'Statistik laporan' }).waitFor();
  await page.getByTestId('stats-ikm').getByText(/^\d{2,3},\d{2} \([ABCD] — (Sangat baik|Baik|Kurang baik|Tidak baik)\)$/).waitFor();
  const row = page.getByTestId('stats-agencies').getByRole('row', { name: /Dinas Pekerjaan Umum dan Penataan Ruang/ });
  await row.getByText(/^[ABCD] — /).waitFor();
  await page.getByRole('figure', { name: 'Laporan per kategori' }).getByText('Saluran air dan drainase').waitFor();
  const href = await page.getByTestId('stats-csv').getAttribute('href');
  const year = new Date().getFullYear();
  assert.equal(href, `/statistik/laporan.csv?tahun=${year}`);
  const csv = await fetch(`${BASE}${href}`);
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get('content-type') ?? '', /text\/csv/);
  assert.match(await csv.text(), /Dinas Pekerjaan Umum dan Penataan Ruang/);
  // The figures are the API's.
  const dash = await api('query($y:Int!){reportDashboard(year:$y){satisfaction{value grade respondents}}}', { y: year });
  assert.ok(dash.reportDashboard.satisfaction.respondents >= 2, 'the demo’s survey and this resident’s');
  await checkA11y(page, 'report dashboard');
  await shoot(page, 'report-dashboard');
  assertNoJsErrors(page);
});

test('a visitor reads the anonymous report without its reporter’s name, and never sees a secret one', async () => {
  const page = await newPage(browser, PHONE);
  await page.goto(`${BASE}/laporan`);
  await page.getByRole('heading', { level: 1, name: 'Laporan warga' }).waitFor();
  await page.getByLabel('Cari').fill('Gang Melati');
  await page.getByRole('button', { name: 'Terapkan' }).click();
  const card = page.getByTestId('report-card').filter({ hasText: TITLE });
  await card.getByText('Pelapor anonim').waitFor();
  assert.equal(await page.getByText('Sampah menumpuk di TPS').count(), 0, 'the demo’s secret report is not listed');
  await checkA11y(page, 'public reports');
  await shoot(page, 'report-public-list');

  await card.getByRole('link', { name: TITLE }).click();
  await page.waitForURL(`${BASE}/laporan/${reportId}`);
  await page.getByTestId('report-reporter').getByText('Pelapor anonim').waitFor();
  await page.getByTestId('report-answer').getByText(ANSWER).waitFor();
  assert.equal((await page.locator('main').textContent()).includes(residentName), false, 'the name is nowhere on the page');
  // No actions and no staff panel for a visitor.
  assert.equal(await page.getByTestId('report-staff').count(), 0);
  assert.equal(await page.getByRole('button', { name: 'Terima jawaban' }).count(), 0);
  await checkA11y(page, 'public report');
  await shoot(page, 'report-public');
  const asPublic = await api('query($id:Int!){report(id:$id){reporterName}}', { id: reportId });
  assert.equal(asPublic.report.reporterName, null);
  assertNoJsErrors(page);
});
