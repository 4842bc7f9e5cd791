// A resident adds a photo to their draft proposal from a phone: the picture is scaled and
// re-encoded as JPEG in the browser before it is sent, the draft's thumbnail loads through the
// session (a blob: URL), tapping it shows the full picture, and a file of another kind is
// refused with a clear message.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BASE, PASSWORD, api, assertNoJsErrors, checkA11y, launch, newPage, png, registerResident, signInUi } from './helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('a resident adds a photo to a draft; it is made smaller in the browser and shown as a thumbnail', async () => {
  const resident = await registerResident('Pangongangan', 'Warga Foto', PASSWORD);
  const rt = await api('query($p:Int!){regions(within:$p,level:RT,first:1){nodes{id}}}', { p: resident.forum.region.id });
  const created = await api(
    'mutation($i:CreateProposalInput!){createProposal(input:$i){id status}}',
    {
      i: {
        forumId: resident.forum.id,
        title: 'Perbaikan saluran air di Gang Melati',
        problem: 'Saluran tersumbat dan air meluap ke jalan setiap hujan.',
        solution: 'Membersihkan dan memperbaiki saluran sepanjang 80 meter.',
        physical: true,
        regionId: rt.regions.nodes[0].id,
        address: 'Gang Melati',
        volume: 80,
        unit: 'meter',
        estimatedCost: 24_000_000,
        beneficiaries: 60,
      },
    },
    resident.token,
  );
  const { id, status } = created.createProposal;
  assert.equal(status, 'DRAFT');

  const page = await newPage(browser);
  await signInUi(page, resident.email);
  await page.goto(`${BASE}/usulan/${id}`);
  await page.getByRole('heading', { level: 2, name: 'Lampiran' }).waitFor();
  assert.equal(await page.locator('#att-camera').getAttribute('capture'), 'environment');

  const sent = [];
  page.on('request', (request) => {
    if (request.url().endsWith('/graphql') && request.method() === 'POST' && (request.headers()['content-type'] ?? '').startsWith('multipart/form-data')) {
      sent.push({ body: request.postDataBuffer() ?? Buffer.alloc(0), auth: request.headers().authorization });
    }
  });
  const photo = png(2400, 1800);
  await page.getByLabel('Tambah foto atau dokumen').setInputFiles({ name: 'saluran.png', mimeType: 'image/png', buffer: photo });
  const thumb = page.getByRole('img', { name: 'saluran.jpg' });
  await thumb.waitFor();
  await page.waitForFunction(() => {
    const img = document.querySelector('img.attachment__thumb');
    return img?.getAttribute('src')?.startsWith('blob:') && img.complete && img.naturalWidth > 0;
  });

  assert.equal(sent.length, 1);
  const body = sent[0].body.toString('latin1');
  assert.match(sent[0].auth ?? '', /^Bearer /);
  assert.match(body, /name="operations"/);
  assert.match(body, /"file":null/);
  assert.match(body, /name="map"[\s\S]*\{"0":\["variables\.file"\]\}/);
  // Re-encoded in the browser: a JPEG named after the picture, not the PNG as chosen.
  assert.match(body, /name="0"; filename="saluran\.jpg"\r\nContent-Type: image\/jpeg/);
  const jpegAt = body.indexOf('\xff\xd8\xff');
  assert.ok(jpegAt > 0, 'a JPEG was sent');
  // The JPEG's frame header (SOF0) gives the size it was drawn at.
  const sof = sent[0].body.indexOf(Buffer.from([0xff, 0xc0]), jpegAt);
  assert.ok(sof > 0);
  assert.deepEqual([sent[0].body.readUInt16BE(sof + 7), sent[0].body.readUInt16BE(sof + 5)], [1600, 1200]);

  const stored = await api('query($id:Int!){proposal(id:$id){attachments{id kind fileName contentType url}}}', { id }, resident.token);
  assert.equal(stored.proposal.attachments.length, 1);
  assert.equal(stored.proposal.attachments[0].kind, 'PHOTO');
  assert.match(stored.proposal.attachments[0].contentType, /^image\//);
  assert.match(stored.proposal.attachments[0].url, /^\/media\/\d+$/);

  // Tapping the thumbnail shows the whole picture (through the session as well).
  await page.getByRole('button', { name: 'Buka saluran.jpg' }).click();
  await page.waitForFunction(() => {
    const img = document.querySelector('.attachment__full img');
    return img?.getAttribute('src')?.startsWith('blob:') && img.complete && img.naturalWidth >= 1200;
  });

  // A file of another kind is refused, and says why.
  await page.getByLabel('Tambah foto atau dokumen').setInputFiles({ name: 'catatan.txt', mimeType: 'text/plain', buffer: Buffer.from('bukan foto') });
  await page.getByTestId('upload-error').getByText('Jenis berkas tidak diterima').waitFor();
  assert.equal(sent.length, 1);
  await checkA11y(page, 'proposal with attachments');
  assertNoJsErrors(page);
});
