// The map of proposals (read-only): on tiles (answered here, as a tile server would) Leaflet's
// markers are links of at least 24 × 24 px with the code and title as their names, shaped and
// coloured by status with a key; without tiles (a machine without internet: the requests fail)
// the plain view with a note.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BASE, DESKTOP, PHONE, TILE_URL, api, assertNoJsErrors, checkA11y, launch, newPage, shoot } from './helpers.mjs';

// A 1 × 1 PNG, light grey: Leaflet stretches it over each 256 px tile.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP89+/ffwAJ+AP9k2mOsgAAAABJRU5ErkJggg==', 'base64');

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** Index of a marker link nothing else covers at its centre (markers may overlap). */
async function uncoveredMarker(page) {
  return page.locator('a.map-marker__link').evaluateAll((links) =>
    links.findIndex((a) => {
      const r = a.getBoundingClientRect();
      if (r.top < 0 || r.bottom > innerHeight || r.left < 0 || r.right > innerWidth) return false;
      const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      return !!hit && a.contains(hit);
    }),
  );
}

test('on tiles, the markers are links of 24 px or more, keyboard reachable, with a key to their shapes', async () => {
  const { mapTiles } = await api('{mapTiles{urlTemplate attribution}}');
  assert.ok(mapTiles, 'the demo server names a tile source');
  // The page may show the tiles only when the server's policy lets it load images from there.
  const policy = (await fetch(`${BASE}/`, { method: 'HEAD' })).headers.get('content-security-policy') ?? '';
  const imgSrc = policy.split(';').find((d) => d.trim().startsWith('img-src')) ?? '';
  assert.match(imgSrc, /https:\/\/tile\.openstreetmap\.org|https:(\s|$)|\*/, `the server's Content-Security-Policy does not allow the tiles (${imgSrc.trim()}): the map can only show its plain view`);
  const page = await newPage(browser, DESKTOP);
  let tiles = 0;
  await page.route(TILE_URL, (route) => {
    tiles++;
    return route.fulfill({ status: 200, contentType: 'image/png', body: PNG });
  });
  await page.goto(`${BASE}/peta`);
  await page.getByTestId('leaflet-map').waitFor();
  await page.locator('.leaflet-tile-loaded').first().waitFor();
  const links = page.locator('a.map-marker__link');
  await links.first().waitFor();
  const count = await links.count();
  assert.ok(count > 50, `expected many markers, got ${count}`);
  assert.ok(tiles > 0, 'no tile was asked for');
  // Every marker's box and its link are at least 24 × 24 CSS pixels.
  const boxes = await page.locator('.leaflet-marker-icon').evaluateAll((els) =>
    els.map((el) => {
      const r = el.getBoundingClientRect();
      const a = el.querySelector('a')?.getBoundingClientRect();
      return Math.min(r.width, r.height, a?.width ?? 0, a?.height ?? 0);
    }),
  );
  assert.equal(boxes.length, count);
  assert.ok(boxes.every((w) => w >= 24), `smallest marker ${Math.min(...boxes)} px`);
  // Names: the proposal's code and title, then its status; links to the proposal.
  const proposals = await api('{proposals(filter:{},sort:OLDEST,first:100){nodes{id code title latitude}}}');
  const withPlace = proposals.proposals.nodes.find((p) => p.latitude !== null);
  const named = page.locator(`a.map-marker__link[href="/usulan/${withPlace.id}"]`);
  assert.match(await named.getAttribute('aria-label'), new RegExp(`^${withPlace.code} .+ \\(.+\\)$`));
  assert.ok((await named.getAttribute('aria-label')).includes(withPlace.title));
  // Shape and colour by status, with a key naming the statuses shown.
  const legend = page.getByTestId('map-legend');
  await legend.waitFor();
  const keys = await legend.locator('li').allTextContents();
  assert.ok(keys.length >= 2, `the key names the statuses shown, got ${keys.join(', ')}`);
  assert.equal(await legend.locator('li svg path').count(), keys.length, 'each status of the key with its shape');
  const shapes = new Set(await page.locator('a.map-marker__link svg path').evaluateAll((ps) => ps.map((p) => p.getAttribute('d'))));
  assert.ok(shapes.size >= 2, 'statuses differ by shape, not only by colour');
  assert.equal(await page.getByTestId('map-no-tiles').count(), 0);
  await page.locator('.leaflet-control-attribution').getByText(/OpenStreetMap/).waitFor();
  await checkA11y(page, 'map on tiles');
  await shoot(page, 'map-tiles');
  // Keyboard: a marker takes focus and Enter opens its proposal.
  const first = links.first();
  const href = await first.getAttribute('href');
  await first.focus();
  assert.equal(await page.evaluate(() => document.activeElement?.classList.contains('map-marker__link')), true);
  await page.keyboard.press('Enter');
  await page.waitForURL(`${BASE}${href}`);
  await page.getByRole('heading', { level: 1 }).waitFor();
  // The pointer: clicking a marker leads to its proposal, inside the app.
  await page.goBack();
  await links.first().waitFor();
  await page.waitForTimeout(300);
  const i = await uncoveredMarker(page);
  assert.ok(i >= 0, 'no marker free to click');
  const target = links.nth(i);
  const targetHref = await target.getAttribute('href');
  await target.click();
  await page.waitForURL(`${BASE}${targetHref}`);
  await page.getByRole('heading', { level: 1 }).waitFor();
  assertNoJsErrors(page);
  await page.context().close();
});

test('without tiles (their requests fail), the plain points with a note', async () => {
  const page = await newPage(browser, PHONE);
  await page.route(TILE_URL, (route) => route.abort('internetdisconnected'));
  await page.goto(`${BASE}/peta`);
  await page.getByTestId('map-no-tiles').getByText('Peta dasar tidak dapat dimuat; titik usulan ditampilkan tanpa peta.').waitFor();
  await page.locator('.map__point').first().waitFor();
  assert.equal(await page.getByTestId('leaflet-map').count(), 0);
  const points = await page.locator('.map__point').count();
  assert.ok(points > 50, `expected many points, got ${points}`);
  await page.waitForTimeout(200);
  const sizes = await page.locator('.map__target').evaluateAll((els) => els.map((el) => el.getBoundingClientRect().width));
  assert.ok(sizes.every((w) => w >= 24), `smallest target ${Math.min(...sizes)} px`);
  await page.getByTestId('map-legend').waitFor();
  await checkA11y(page, 'map without tiles');
  await shoot(page, 'map-no-tiles');
  // In English too.
  await page.getByRole('button', { name: /EN/ }).click();
  await page.getByTestId('map-no-tiles').getByText('The base map could not be loaded; the proposals are shown without it.').waitFor();
  await page.locator('.map__point').first().click();
  await page.waitForURL(/\/usulan\/\d+$/);
  assertNoJsErrors(page);
  await page.context().close();
});
