// The server restarting or without its database: reads wait and are asked again behind a
// banner that says so, the page fills in once the server answers; a write is not repeated but
// says when to try again. The 503s are the server's own shape (HTTP 503, Retry-After and
// extensions.code UNAVAILABLE), played by page.route in front of the real server.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BASE, PASSWORD, launch, newPage, shoot } from './helpers.mjs';

const BANNER = 'Server sedang sibuk atau dimulai ulang — mencoba lagi…';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

function unavailable(route, seconds = 1) {
  return route.fulfill({
    status: 503,
    headers: { 'content-type': 'application/json', 'retry-after': String(seconds) },
    body: JSON.stringify({
      data: null,
      errors: [
        {
          message: `the server cannot reach its database; try again in ${seconds} seconds`,
          extensions: { code: 'UNAVAILABLE', retryAfterSeconds: seconds },
        },
      ],
    }),
  });
}

/** Errors in the page other than the browser reporting the 503s it was given. */
function unexpectedErrors(page) {
  return (page.jsErrors ?? []).filter((e) => !/Failed to load resource: the server responded with a status of (4\d\d|503)/.test(e));
}

test('the home page rides out two 503s: the banner shows while it retries, then the data and no banner', async () => {
  const page = await newPage(browser);
  const posts = [];
  let release;
  const held = new Promise((resolve) => (release = resolve));
  await page.route('**/graphql', async (route) => {
    if (route.request().method() !== 'POST') return route.fallback();
    posts.push(Date.now());
    if (posts.length <= 2) return unavailable(route, 1);
    // The third attempt waits until the banner has been looked at, so the test does not race it.
    await held;
    return route.fallback();
  });
  await page.goto(BASE);
  const banner = page.getByRole('status').filter({ hasText: BANNER });
  await banner.waitFor();
  assert.equal(await banner.getAttribute('aria-live'), 'polite');
  // Not in the way: the page's own content shows under it, nothing modal.
  await page.getByRole('heading', { level: 1, name: 'Usulkan pembangunan untuk lingkungan Anda' }).waitFor();
  assert.equal(await page.getByRole('dialog').count(), 0);
  for (let i = 0; i < 100 && posts.length < 3; i++) await page.waitForTimeout(100);
  assert.equal(posts.length, 3, 'the query is asked a third time');
  // Never sooner than Retry-After (1 s), and the second wait no shorter than the first.
  const waits = [posts[1] - posts[0], posts[2] - posts[1]];
  assert.ok(waits[0] >= 950, `first retry after ${waits[0]} ms`);
  assert.ok(waits[1] >= 950, `second retry after ${waits[1]} ms`);
  assert.equal(await banner.count(), 1, 'still retrying while the third attempt is on its way');
  await shoot(page, 'server-busy');
  release();
  await page.getByRole('heading', { name: /Musrenbang RKPD Kota Madiun Tahun 2027/ }).waitFor();
  await banner.waitFor({ state: 'detached' });
  assert.equal((await page.locator('.retry-banner').textContent()).trim(), '');
  assert.equal(posts.length, 3, 'no request after the one that succeeded');
  assert.deepEqual(unexpectedErrors(page), []);
  await page.context().close();
});

test('a sign-in hit by a 503 is not repeated and says when to try again', async () => {
  const page = await newPage(browser);
  const logins = [];
  await page.route('**/graphql', async (route) => {
    const body = route.request().postData() ?? '';
    if (!/\blogin\s*\(/.test(body)) return route.fallback();
    logins.push(Date.now());
    return unavailable(route, 5);
  });
  await page.goto(`${BASE}/masuk`);
  await page.getByLabel('Email atau nomor ponsel').fill('warga01@musrenbang.test');
  await page.getByLabel('Kata sandi').fill(PASSWORD);
  await page.getByRole('button', { name: 'Masuk', exact: true }).click();
  await page.getByText('Server sedang tidak dapat menjangkau basis datanya atau sedang dimulai ulang. Coba lagi dalam 5 detik.').waitFor();
  await page.waitForTimeout(1500);
  assert.equal(logins.length, 1, 'a write is sent once');
  assert.equal(await page.getByRole('status').filter({ hasText: BANNER }).count(), 0, 'nothing is being retried');
  assert.match(page.url(), /\/masuk/);
  assert.deepEqual(unexpectedErrors(page), []);
  await page.context().close();
});
