// A kelurahan moderator on a desktop: verifies a resident and a proposal from the queues.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BASE, DESKTOP, api, assertNoJsErrors, checkA11y, kelurahanForum, launch, newPage, registerConfirmed, shoot, signInUi, token } from './helpers.mjs';

let browser;
let page;
before(async () => {
  browser = await launch();
  page = await newPage(browser, DESKTOP);
});
after(async () => {
  await browser?.close();
});

test('a moderator verifies a waiting resident and a proposal from the queue', async () => {
  const forum = await kelurahanForum('Nambangan Kidul');
  // A resident of the kelurahan registers and waits for verification.
  const rt = await api('query($p:Int!){regions(within:$p,level:RT,first:1){nodes{id}}}', { p: forum.region.id });
  const stamp = Date.now();
  await registerConfirmed({ name: 'Rukmini Menunggu', email: `menunggu.${stamp}@contoh.id`, password: 'rahasia-2027', homeRegionId: rt.regions.nodes[0].id });

  await signInUi(page, 'fasilitator.nambangankidul@musrenbang.test');
  await page.getByRole('link', { name: 'Moderasi' }).click();
  await page.getByRole('heading', { level: 1, name: 'Moderasi' }).waitFor();
  const queue = page.locator('section', { has: page.getByRole('heading', { name: /Usulan menunggu verifikasi/ }) });
  await queue.locator('.proposal-card').first().waitFor();
  await checkA11y(page, 'moderation queue');
  await shoot(page, 'moderation');

  // The resident.
  await page.getByRole('button', { name: 'Verifikasi Rukmini Menunggu' }).click();
  await page.getByRole('button', { name: 'Verifikasi Rukmini Menunggu' }).waitFor({ state: 'detached' });

  // The oldest waiting proposal.
  const heading = await queue.getByRole('heading', { name: /Usulan menunggu verifikasi \((\d+)\)/ }).textContent();
  const before = Number(heading.match(/\((\d+)\)/)[1]);
  const first = queue.locator('.proposal-card').first();
  const title = await first.locator('.proposal-card__title').textContent();
  const href = await first.locator('.proposal-card__title a').getAttribute('href');
  await first.getByRole('button', { name: 'Verifikasi', exact: true }).click();
  await queue.getByRole('heading', { name: `Usulan menunggu verifikasi (${before - 1})` }).waitFor();
  assert.equal(await queue.locator(`a[href="${href}"]`).count(), 0, `${title} left the queue`);
  const id = Number(href.split('/').pop());
  const check = await api('query($id:Int!){proposal(id:$id){status history{toStatus note}}}', { id });
  assert.equal(check.proposal.status, 'VERIFIED');

  // Returning one needs a reason: the note prompt.
  const next = queue.locator('.proposal-card').first();
  await next.getByRole('button', { name: 'Kembalikan untuk diperbaiki' }).click();
  await next.getByRole('button', { name: 'Konfirmasi' }).click();
  await next.locator('.error-text', { hasText: 'wajib diisi' }).waitFor();
  assert.equal(await next.getByLabel('Alasan (wajib)').getAttribute('aria-invalid'), 'true');
  await next.getByLabel('Alasan (wajib)').fill('Mohon lengkapi foto lokasi.');
  await next.getByRole('button', { name: 'Konfirmasi' }).click();
  await queue.getByRole('heading', { name: `Usulan menunggu verifikasi (${before - 2})` }).waitFor();
  await checkA11y(page, 'moderation queue after decisions');
  assertNoJsErrors(page.context().pages()[0]);
});

test('a moderator hides a comment with a reason; residents see it as hidden', async () => {
  const forum = await kelurahanForum('Nambangan Kidul');
  const list = await api('query($f:Int!){forum(id:$f){proposals(statuses:[VERIFIED],first:1){nodes{id}}}}', { f: forum.id });
  const id = list.forum.proposals.nodes[0].id;
  const resident = await token('warga04@musrenbang.test');
  await api('mutation($p:Int!){addComment(proposalId:$p,body:"Jual pulsa murah, hubungi saya")}'.replace('")}', '"){id}}'), { p: id }, resident);
  await page.goto(`${BASE}/usulan/${id}`);
  const comment = page.locator('.comment', { hasText: 'Jual pulsa murah' }).last();
  await comment.getByRole('button', { name: 'Sembunyikan', exact: true }).click();
  await comment.getByLabel('Alasan menyembunyikan').fill('Iklan, tidak terkait usulan');
  await comment.getByRole('button', { name: 'Sembunyikan komentar' }).click();
  await page.getByText('Komentar ini disembunyikan oleh moderator. Alasan: Iklan, tidak terkait usulan').last().waitFor();
  await checkA11y(page, 'proposal as moderator');
  const anon = await api('query($id:Int!){proposal(id:$id){comments{hidden hiddenReason body}}}', { id });
  const hidden = anon.proposal.comments.filter((c) => c.hiddenReason === 'Iklan, tidak terkait usulan');
  assert.ok(hidden.length >= 1 && hidden.every((c) => c.hidden && c.body === null));
});
