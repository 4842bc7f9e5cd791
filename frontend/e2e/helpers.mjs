// Shared helpers of the browser scenarios: Debian's Chromium through playwright-core, the
// GraphQL API for set-up, axe-core checks and screenshots.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import { afterEach } from 'node:test';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
export const BASE = process.env.E2E_BASE_URL ?? 'http://127.0.0.1:8099';
export const PASSWORD = 'musrenbang2027';
export const SCREENSHOTS = process.env.E2E_SCREENSHOTS ?? join(here, '..', '..', 'docs', 'screenshots');
export const PHONE = { width: 360, height: 780 };
/** The map's background tiles at the server's default source (OpenStreetMap's; MUSRENBANG_MAP_TILES). */
export const TILE_URL = /^https:\/\/tile\.openstreetmap\.org\//;
export const DESKTOP = { width: 1280, height: 800 };
/** Ballots (and poll answers) before running totals appear: the server's MUSRENBANG_TALLY_MINIMUM, 3 in scripts/e2e.mjs. */
export const TALLY_MINIMUM = Number(process.env.MUSRENBANG_TALLY_MINIMUM ?? 3);

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** Debian's Chromium, headless; playwright gives every launch a fresh temporary user-data-dir. */
export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

// Content-Security-Policy: the server sends `script-src 'self'; style-src 'self'` (no inline
// scripts, <style> elements or style="" attributes) on every response. Every context records each
// `securitypolicyviolation` of its pages (an init script, reported to node through a binding so
// that navigations lose none; also kept in window.__cspViolations) and every console message
// about the policy, and notes an app document that came without the policy. `afterEach` below
// fails the scenario that raised any of them (violations during a `before` hook fail the first
// scenario of the file).
const CSP_MARK = "style-src 'self'";
const cspContexts = new Set();

function recordCspViolation() {
  window.__cspViolations = [];
  document.addEventListener(
    'securitypolicyviolation',
    (e) => {
      const v = {
        directive: e.effectiveDirective || e.violatedDirective,
        blocked: e.blockedURI,
        where: `${e.sourceFile || document.location.href}:${e.lineNumber}:${e.columnNumber}`,
        sample: e.sample,
        page: document.location.href,
      };
      window.__cspViolations.push(v);
      window.__reportCspViolation?.(v);
    },
    true,
  );
}

async function watchCsp(context) {
  const problems = [];
  context.cspProblems = problems;
  cspContexts.add(context);
  await context.exposeBinding('__reportCspViolation', (_source, v) =>
    problems.push(`violation of ${v.directive} on ${v.page}: blocked ${v.blocked || '(inline)'} at ${v.where}${v.sample ? ` — ${v.sample}` : ''}`),
  );
  await context.addInitScript(recordCspViolation);
  context.on('console', (msg) => {
    if (/Content[- ]Security[- ]Policy/i.test(msg.text())) problems.push(`console: ${msg.text()}`);
  });
  context.on('response', async (res) => {
    if (res.request().resourceType() !== 'document' || !res.url().startsWith(BASE)) return;
    const policy = (await res.allHeaders().catch(() => ({})))['content-security-policy'] ?? '';
    if (!policy.includes(CSP_MARK)) problems.push(`${res.url()} came without the Content-Security-Policy (got "${policy}")`);
  });
}

/** Fails when a page of this file raised a CSP violation since the last check (and forgets them). */
export async function assertNoCspViolations() {
  const found = [];
  for (const context of cspContexts) {
    // The event is dispatched in a task after the violation: let open pages run it and report.
    for (const p of context.pages()) await p.evaluate(() => new Promise((r) => setTimeout(r, 0))).catch(() => undefined);
    found.push(...context.cspProblems.splice(0));
  }
  assert.deepEqual(found, [], `Content-Security-Policy problems:\n${found.join('\n')}`);
}

/**
 * Links and images on the open pages whose address is neither http(s) nor a path on this site
 * (one leading "/") nor a fragment: the app routes people's links through `safeHref`. Images may
 * also be blob: URLs of this origin (a draft's photos, fetched with the session).
 */
export async function assertOnlySafeLinks() {
  const found = [];
  for (const context of cspContexts) {
    for (const p of context.pages()) {
      if (!p.url().startsWith(BASE)) continue;
      const bad = await p
        .evaluate(() =>
          [...document.querySelectorAll('a[href], area[href], img[src], iframe[src], form[action]')]
            .map((el) => `${el.tagName.toLowerCase()} ${el.getAttribute('href') ?? el.getAttribute('src') ?? el.getAttribute('action')}`)
            // …and images the app made itself from a fetched file (a draft's photos): blob: of this origin.
            .filter((s) => !/^\w+ (https?:\/\/[^/\\]|\/(?![/\\])|#)/i.test(s) && !s.startsWith(`img blob:${location.origin}/`)),
        )
        .catch(() => []);
      found.push(...bad.map((b) => `${p.url()}: ${b}`));
    }
  }
  assert.deepEqual(found, [], `links other than http(s) or a path on this site:\n${found.join('\n')}`);
}

// Every scenario of every file that imports these helpers.
afterEach(async () => {
  await assertNoCspViolations();
  await assertOnlySafeLinks();
});

/**
 * A new browser context (its own cookies and storage: a separate person), phone-sized by default.
 * With `{ intercept: false }` requests elsewhere are recorded as errors but not stopped, so
 * that no request of the page passes through playwright's interception (which also turns the
 * HTTP cache off): for timing a page load (first-content.test.mjs).
 */
export async function newPage(browser, viewport = PHONE, { intercept = true } = {}) {
  const context = await browser.newContext({ viewport, locale: 'id-ID', timezoneId: 'Asia/Jakarta', acceptDownloads: true });
  await watchCsp(context);
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const errors = [];
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (msg) => {
    // A map tile that did not come is no error of the app's: the map falls back to its plain view.
    if (msg.type() === 'error' && !TILE_URL.test(msg.location()?.url ?? '')) errors.push(msg.text());
  });
  page.jsErrors = errors;
  // Only this machine: any request elsewhere is a bug (no tiles, fonts or analytics).
  const external = /^(?!https?:\/\/(127\.0\.0\.1|localhost)[:/]).*/;
  if (!intercept) {
    context.on('request', (request) => {
      if (external.test(request.url()) && !request.url().startsWith('data:')) errors.push(`external request ${request.url()}`);
    });
    return page;
  }
  await context.route(external, (route) => {
    errors.push(`blocked external request ${route.request().url()}`);
    return route.abort();
  });
  // …but the map's background tiles (the server's default source) are expected: refused here
  // as on a machine without internet, so the map shows its plain view. A scenario that wants
  // them answers them with `page.route(TILE_URL, …)` (that takes precedence).
  await context.route(TILE_URL, (route) => route.abort());
  return page;
}

export async function api(query, variables = {}, token) {
  const res = await fetch(`${BASE}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = await res.json();
  if (body.errors?.length) throw new Error(`${body.errors[0].message} (${body.errors[0].extensions?.code}) in ${query.slice(0, 60)}`);
  return body.data;
}

/**
 * A session token for a demo account, signed in once per scenario file: the server allows 100
 * sign-ins from one address in 10 minutes (`login_per_address`), and the whole suite comes from
 * 127.0.0.1. (No scenario signs these tokens out; one that does should sign in with `api` itself.)
 */
const tokens = new Map();
export async function token(email) {
  if (!tokens.has(email)) {
    const made = api('mutation($i:String!,$p:String!){login(identifier:$i,password:$p){token}}', { i: email, p: PASSWORD }).then((data) => data.login.token);
    tokens.set(email, made);
    made.catch(() => tokens.delete(email));
  }
  return tokens.get(email);
}

/** The demo's kelurahan forum by kelurahan name, with its region (of the latest cycle: the demo may hold last year's too). */
export async function kelurahanForum(name) {
  const data = await api('{forums(filter:{level:DESA_KELURAHAN},first:100){nodes{id name budgetCeiling region{id name} cycle{planYear}}}}');
  const forum = data.forums.nodes.filter((f) => f.region.name === name).sort((a, b) => b.cycle.planYear - a.cycle.planYear)[0];
  assert.ok(forum, `no forum for ${name}`);
  return forum;
}

/** Verified residents living in a region (asked as the administrator). */
export async function residentsOf(regionId, adminToken) {
  const data = await api(
    'query($r:Int!){accounts(filter:{verification:VERIFIED,regionId:$r},first:50){nodes{id name email roles{role}}}}',
    { r: regionId },
    adminToken,
  );
  return data.accounts.nodes.filter((a) => a.roles.every((r) => r.role === 'RESIDENT') && a.email?.startsWith('warga'));
}

export async function openRound(moderatorToken, input) {
  const now = Date.now();
  const data = await api(
    'mutation($input:OpenRoundInput!){openVotingRound(input:$input){id title proposals{id estimatedCost title}}}',
    { input: { opensAt: new Date(now - 60_000).toISOString(), closesAt: new Date(now + 86_400_000).toISOString(), ...input } },
    moderatorToken,
  );
  return data.openVotingRound;
}

/** Signs in through the page, as a person would. */
export async function signInUi(page, email) {
  await page.goto(`${BASE}/masuk`);
  await page.getByLabel(/Email atau nomor ponsel|Email or phone/).fill(email);
  await page.getByLabel(/^Kata sandi|^Password/).fill(PASSWORD);
  await page.getByRole('button', { name: /^(Masuk|Sign in)$/ }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/masuk'));
  await page.getByRole('button', { name: /Keluar|Sign out/, includeHidden: true }).waitFor({ state: 'attached' });
}

/** axe-core in the page: no serious or critical violation. */
export async function checkA11y(page, where) {
  await page.waitForLoadState('networkidle').catch(() => undefined);
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  });
  assert.deepEqual(violations, [], `axe found serious/critical violations on ${where}:\n${violations.join('\n')}`);
}

/** Screenshots of the current page at phone and desktop size (restores the viewport). */
export async function shoot(page, name, { scrollTo } = {}) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const before = page.viewportSize();
  for (const [suffix, size] of [
    ['phone', PHONE],
    ['desktop', DESKTOP],
  ]) {
    await page.setViewportSize(size);
    await page.evaluate((selector) => {
      const target = selector && document.querySelector(selector);
      if (target) window.scrollTo(0, target.getBoundingClientRect().top + window.scrollY - 8);
      else window.scrollTo(0, 0);
    }, scrollTo ?? null);
    await page.waitForTimeout(150);
    await page.screenshot({ path: join(SCREENSHOTS, `${name}-${suffix}.png`) });
  }
  if (before) await page.setViewportSize(before);
}

export function assertNoJsErrors(page) {
  const errors = (page.jsErrors ?? []).filter((e) => !/Failed to load resource: the server responded with a status of 4\d\d/.test(e));
  assert.deepEqual(errors, [], `errors in the page:\n${errors.join('\n')}`);
}

/** Casts a ballot through the API as the given resident; returns the receipt. */
export async function castBallot(email, roundId, proposalIds) {
  const data = await api(
    'mutation($r:Int!,$c:[ChoiceInput!]!){castBallot(roundId:$r,choices:$c){receipt}}',
    { r: roundId, c: proposalIds.map((proposalId) => ({ proposalId })) },
    await token(email),
  );
  return data.castBallot.receipt;
}

/** Schedules and opens a live session of a forum through the API (as its moderator). */
export async function openSession(moderatorToken, forumId, title) {
  const data = await api(
    'mutation($i:ScheduleSessionInput!){scheduleSession(input:$i){id}}',
    { i: { forumId, title, startsAt: new Date().toISOString(), place: 'Balai kelurahan' } },
    moderatorToken,
  );
  const id = data.scheduleSession.id;
  await api('mutation($id:Int!){openSession(sessionId:$id){id}}', { id }, moderatorToken);
  return id;
}

/** A printed mail with its body decoded: 7bit as is, quoted-printable or base64 (lines over 76 characters, as a reset link's). */
function decodeBody(mail) {
  const at = mail.search(/\r?\n\r?\n/);
  const head = at < 0 ? mail : mail.slice(0, at);
  const body = at < 0 ? '' : mail.slice(at).trim();
  const encoding = (head.match(/^content-transfer-encoding:\s*(\S+)/im)?.[1] ?? '7bit').toLowerCase();
  let text = body;
  if (encoding === 'quoted-printable') {
    const bytes = Buffer.from(body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, h) => String.fromCharCode(parseInt(h, 16))), 'latin1');
    text = bytes.toString('utf8');
  } else if (encoding === 'base64') {
    text = Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  }
  return `${head}\n\n${text}`;
}

/**
 * The newest mail to `to` that the test SMTP server printed (aiosmtpd's Debugging handler, whose
 * output scripts/e2e.mjs keeps in E2E_MAIL_LOG), once it holds `pattern`; its text and the match.
 */
export async function waitForMail(to, pattern, timeoutMs = 15_000) {
  const log = process.env.E2E_MAIL_LOG;
  assert.ok(log, 'no SMTP server for this run (scripts/e2e.mjs starts one with python3 -m aiosmtpd; pip install aiosmtpd)');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = readFileSync(log, 'utf8');
    const mails = text.split('---------- MESSAGE FOLLOWS ----------').slice(1).map((m) => m.split('------------ END MESSAGE ------------')[0]);
    const forThem = mails.filter((m) => m.toLowerCase().includes(to.toLowerCase())).map(decodeBody);
    for (let i = forThem.length - 1; i >= 0; i--) {
      const match = forThem[i].match(pattern);
      if (match) return { text: forThem[i], match };
    }
    if (Date.now() > deadline) assert.fail(`no mail to ${to} matching ${pattern} within ${timeoutMs} ms; the SMTP server printed:\n${text.slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Registers through the API as a resident would: the server mails a confirmation link (it
 * has an SMTP server in this run), which is opened from the mail. Returns `{ token, account }`.
 */
export async function registerConfirmed(input) {
  const data = await api('mutation($i:RegisterInput!){register(input:$i){confirmationMailed token account{id}}}', { i: input });
  if (!data.register.confirmationMailed) return data.register;
  const { match } = await waitForMail(input.email, /konfirmasi-daftar\?token=([0-9a-f]+)/);
  const confirmed = await api('mutation($t:String!){confirmRegistration(token:$t){token account{id}}}', { t: match[1] });
  return confirmed.confirmRegistration;
}

/** Registers a resident of a kelurahan (its first RT) through the API; returns the account's details. */
export async function registerResident(kelurahan, name, password) {
  const forum = await kelurahanForum(kelurahan);
  const rt = await api('query($p:Int!){regions(within:$p,level:RT,first:1){nodes{id}}}', { p: forum.region.id });
  const email = `${name.toLowerCase().replace(/[^a-z]+/g, '.')}.${Date.now()}@contoh.id`;
  const signed = await registerConfirmed({ name, email, password, homeRegionId: rt.regions.nodes[0].id });
  return { email, name, password, id: signed.account.id, token: signed.token, forum };
}

/** Whether signing in with these credentials works (through the API). */
export async function canSignIn(identifier, password) {
  const res = await fetch(`${BASE}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: 'mutation($i:String!,$p:String!){login(identifier:$i,password:$p){token}}', variables: { i: identifier, p: password } }),
  });
  const body = await res.json();
  return !!body.data?.login?.token;
}

// A picture for the upload scenarios (attachments, photos), made here: no image files in the repository.
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}
/** An RGB PNG with a colour gradient, `width` × `height`. */
export function png(width, height) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 2; // RGB
  const row = width * 3 + 1;
  const raw = Buffer.alloc(row * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = y * row + 1 + x * 3;
      raw[o] = (x * 255) / width;
      raw[o + 1] = (y * 255) / height;
      raw[o + 2] = ((x + y) * 7) & 0xff;
    }
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}
