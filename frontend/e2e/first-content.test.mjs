// First content on a weak link (issue #16): the home page and the proposals page opened as a
// first visit — a fresh context each time, so an empty cache and no service worker yet — over
// Chromium's network emulation of 400 kbit/s each way with 400 ms of latency, and, in the same
// run, without throttling as the reference. Each load must show its page (its heading and the
// data under it). The times and bytes are recorded, never asserted (speed is measured in
// docs/benchmarks.md, not in tests): written as JSON to $MUSRENBANG_FIRST_CONTENT_OUT when set,
// else printed. $MUSRENBANG_FIRST_CONTENT_RUNS loads each page that many times on each link
// (1 unless set; `npm run bench:first-content` sets 5 and prints the table).
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { BASE, PHONE, assertNoJsErrors, launch, newPage } from './helpers.mjs';

const RUNS = Number(process.env.MUSRENBANG_FIRST_CONTENT_RUNS ?? 1);
const OUT = process.env.MUSRENBANG_FIRST_CONTENT_OUT;

/** The weak link of the issue: 400 kbit/s = 50,000 bytes/s down and up, 400 ms round trip. */
const WEAK_LINK = { offline: false, latency: 400, downloadThroughput: 50_000, uploadThroughput: 50_000 };
const LINKS = [
  ['weak', WEAK_LINK],
  ['unthrottled', null],
];

/** The pages of the issue: the heading each shows at once, and an element of the data it asks for. */
const PAGES = [
  { page: 'home', path: '/', heading: 'Usulkan pembangunan untuk lingkungan Anda', content: 'h2[id^="cycle-"]' },
  { page: 'proposals', path: '/usulan', heading: 'Usulan warga', content: '.proposal-card' },
];

let browser;
let chromiumVersion;
const results = [];

before(async () => {
  browser = await launch();
  chromiumVersion = browser.version();
});
after(async () => {
  await browser?.close();
  const report = { chromium: chromiumVersion, base: BASE, weakLink: WEAK_LINK, runs: RUNS, measuredAt: new Date().toISOString(), results };
  if (OUT) writeFileSync(OUT, `${JSON.stringify(report, null, 2)}\n`);
  else console.log(`first content: ${JSON.stringify({ ...report, results: results.map(({ files, ...r }) => r) })}`);
});

/**
 * Runs in the page before its scripts: notes (performance.now(), from navigation start) when
 * the page's heading and when its first data element are first in the document.
 */
function markFirstContent({ heading, content }) {
  const marks = {};
  window.__firstContent = marks;
  const observer = new MutationObserver(() => {
    if (marks.heading === undefined && [...document.querySelectorAll('h1')].some((h) => h.textContent.trim() === heading)) marks.heading = performance.now();
    if (marks.content === undefined && document.querySelector(content)) marks.content = performance.now();
    if (marks.heading !== undefined && marks.content !== undefined) observer.disconnect();
  });
  observer.observe(document, { childList: true, subtree: true, characterData: true });
}

/** The paint, marks and resource timing of the loaded page (times in ms from navigation start). */
function readTimings() {
  const fcp = performance.getEntriesByName('first-contentful-paint')[0].startTime;
  const entries = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')];
  const sum = (list) => list.reduce((total, e) => total + e.transferSize, 0);
  const nav = entries[0];
  return {
    fcp,
    heading: window.__firstContent.heading ?? null,
    content: window.__firstContent.content ?? null,
    domContentLoaded: nav.domContentLoadedEventEnd,
    load: nav.loadEventEnd,
    requests: entries.length,
    bytes: sum(entries),
    requestsBeforeFcp: entries.filter((e) => e.responseEnd <= fcp).length,
    bytesBeforeFcp: sum(entries.filter((e) => e.responseEnd <= fcp)),
    files: entries.map((e) => ({
      path: new URL(e.name).pathname,
      type: e.initiatorType || 'navigation',
      transferSize: e.transferSize,
      start: Math.round(e.startTime),
      end: Math.round(e.responseEnd),
    })),
  };
}

/** One first visit of `target` on `link` (CDP network conditions, or none): what readTimings says. */
async function firstVisit(target, link) {
  // No playwright interception on this page: its requests go straight to the network stack.
  const page = await newPage(browser, PHONE, { intercept: false });
  const context = page.context();
  try {
    await context.addInitScript(markFirstContent, { heading: target.heading, content: target.content });
    if (link) {
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', link);
    }
    const response = await page.goto(`${BASE}${target.path}`, { waitUntil: 'commit', timeout: 60_000 });
    assert.equal(response?.status(), 200, `${target.path} answered ${response?.status()}`);
    // The page rendered: its heading is visible, and so is the data it asked the API for.
    await page.getByRole('heading', { level: 1, name: target.heading }).waitFor({ timeout: 60_000 });
    await page.locator(target.content).first().waitFor({ timeout: 60_000 });
    await page.getByRole('main').waitFor();
    await page.waitForFunction(() => performance.getEntriesByName('first-contentful-paint').length > 0, undefined, { timeout: 60_000 });
    // Every request of the first visit (the API's answers too) counts in the bytes.
    await page.waitForLoadState('networkidle', { timeout: 60_000 });
    const timings = await page.evaluate(readTimings);
    assert.ok(timings.heading !== null && timings.content !== null, `marks: ${JSON.stringify(timings)}`);
    assert.ok(timings.bytes > 0, 'the resource timing has the transferred sizes');
    // An Indonesian reader's first visit does not fetch the English dictionary (lib/i18n.ts).
    const english = timings.files.filter((f) => /^\/assets\/en-[\w-]+\.js$/.test(f.path));
    assert.deepEqual(english, [], 'the English dictionary was fetched on an Indonesian first visit');
    assertNoJsErrors(page);
    return timings;
  } finally {
    await context.close();
  }
}

for (const target of PAGES) {
  test(`the ${target.page} page (${target.path}) shows its content on a first visit over 400 kbit/s and 400 ms, and unthrottled`, async () => {
    // Weak link and reference alternate, so that load on the machine falls on both alike.
    for (let run = 1; run <= RUNS; run++) {
      for (const [name, link] of LINKS) {
        const timings = await firstVisit(target, link);
        results.push({ page: target.page, path: target.path, link: name, run, ...timings });
      }
    }
  });
}
