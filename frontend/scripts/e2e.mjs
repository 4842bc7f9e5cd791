#!/usr/bin/env node
// Browser scenarios against the real server: builds the web app if needed, starts
// `musrenbang serve --demo` on a free port with a fresh SQLite file, runs e2e/*.test.mjs with
// node's test runner in Debian's Chromium, prints "N passed, N failed", and stops the server.
// Outgoing mail goes to a real SMTP server started here (Python's aiosmtpd with its Debugging
// handler, which prints every message); the scenarios read its output (E2E_MAIL_LOG).
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, rmSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { run } from 'node:test';
import { spec } from 'node:test/reporters';
import { fileURLToPath } from 'node:url';
import { finished } from 'node:stream/promises';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const bin = process.env.MUSRENBANG_BIN ?? '/root/.cache/musrenbang/target/debug/musrenbang';
const started = Date.now();

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

// 1. Build when dist is missing or older than the sources.
const sourcesChanged = !existsSync(join(dist, 'index.html')) || newestMtime(join(root, 'src')) > statSync(join(dist, 'index.html')).mtimeMs;
if (sourcesChanged) {
  console.log('e2e: building the web app first…');
  const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
if (!existsSync(bin)) {
  console.error(`e2e: no server binary at ${bin} (set MUSRENBANG_BIN or build with cargo build)`);
  process.exit(1);
}
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(chromium)) {
  console.error(`e2e: no Chromium at ${chromium} (apt-get install -y chromium)`);
  process.exit(1);
}

// 2. Free ports on 127.0.0.1 and a fresh database.
const freePort = () =>
  new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
const port = await freePort();
// Running totals of rounds and polls appear from 3 ballots on (the server's default is 10), so
// the scenarios reach the minimum with three residents and see the withheld state before it;
// the scenarios read the same variable (e2e/helpers.mjs, TALLY_MINIMUM).
process.env.MUSRENBANG_TALLY_MINIMUM ??= '3';
const work = mkdtempSync(join(tmpdir(), 'musrenbang-e2e-'));
const base = `http://127.0.0.1:${port}`;

// An SMTP server for the mails the server sends (password reset links). Without aiosmtpd
// (`pip install aiosmtpd`) the other scenarios still run; those that need mail fail and say why.
const smtpPort = await freePort();
const mailLog = join(work, 'mail.log');
const mailFd = openSync(mailLog, 'a');
const python = process.env.PYTHON ?? 'python3';
const smtp = spawn(python, ['-u', '-m', 'aiosmtpd', '-n', '-l', `127.0.0.1:${smtpPort}`, '-c', 'aiosmtpd.handlers.Debugging'], {
  stdio: ['ignore', mailFd, mailFd],
  env: { ...process.env, PYTHONUNBUFFERED: '1' },
});
closeSync(mailFd);
let smtpUp = false;
smtp.on('error', () => undefined);
for (let i = 0; i < 100 && smtp.exitCode === null; i++) {
  smtpUp = await new Promise((resolve) => {
    const socket = connect(smtpPort, '127.0.0.1');
    socket.once('connect', () => {
      socket.end();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
  if (smtpUp) break;
  await new Promise((r) => setTimeout(r, 100));
}
if (smtpUp) {
  process.env.E2E_MAIL_LOG = mailLog;
  console.log(`e2e: SMTP server (aiosmtpd) at 127.0.0.1:${smtpPort}`);
} else {
  smtp.kill();
  console.warn(`e2e: no SMTP server (${python} -m aiosmtpd failed; pip install aiosmtpd): scenarios that read mail will fail`);
}

const server = spawn(bin, ['serve', '--database-url', `sqlite://${join(work, 'e2e.db')}`, '--bind', `127.0.0.1:${port}`, '--demo', '--frontend-dir', dist], {
  stdio: ['ignore', 'pipe', 'pipe'],
  env: {
    ...process.env,
    RUST_LOG: process.env.RUST_LOG ?? 'warn',
    MUSRENBANG_PUBLIC_URL: base,
    ...(smtpUp ? { MUSRENBANG_SMTP_URL: `smtp://127.0.0.1:${smtpPort}` } : {}),
  },
});
let serverLog = '';
server.stdout.on('data', (d) => (serverLog += d));
server.stderr.on('data', (d) => (serverLog += d));
let stopping = false;
server.on('exit', (code) => {
  if (!stopping) {
    console.error(`e2e: the server exited early (${code}):\n${serverLog}`);
    if (smtp.exitCode === null) smtp.kill();
    process.exit(1);
  }
});
function stop() {
  stopping = true;
  if (server.exitCode === null) server.kill('SIGINT');
  if (smtp.exitCode === null) smtp.kill();
  rmSync(work, { recursive: true, force: true });
}
process.on('SIGINT', () => {
  stop();
  process.exit(130);
});

for (let i = 0; ; i++) {
  try {
    const res = await fetch(`${base}/healthz`);
    if (res.ok) break;
  } catch {
    /* not up yet */
  }
  if (i > 300) {
    stop();
    console.error(`e2e: the server did not answer on ${base}:\n${serverLog}`);
    process.exit(1);
  }
  await new Promise((r) => setTimeout(r, 100));
}
console.log(`e2e: server up at ${base} (${((Date.now() - started) / 1000).toFixed(1)} s)`);

// 3. The scenarios, one file at a time (they share the demo database).
process.env.E2E_BASE_URL = base;
const only = process.argv.slice(2);
const files = readdirSync(join(root, 'e2e'))
  .filter((f) => f.endsWith('.test.mjs'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort()
  .map((f) => join(root, 'e2e', f));
let passed = 0;
let failed = 0;
const stream = run({ files, concurrency: 1, timeout: 180_000 });
stream.on('test:pass', (t) => {
  if (t.details?.type !== 'suite') passed++;
});
stream.on('test:fail', (t) => {
  if (t.details?.type !== 'suite') failed++;
});
const report = stream.compose(spec);
report.pipe(process.stdout, { end: false });
await finished(report);
stop();
const seconds = ((Date.now() - started) / 1000).toFixed(1);
console.log(`\ne2e: ${passed} passed, ${failed} failed (${seconds} s)`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
