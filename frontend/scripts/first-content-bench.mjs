#!/usr/bin/env node
// First content on a weak link (issue #16): runs the browser scenario e2e/first-content.test.mjs
// through the e2e runner (scripts/e2e.mjs: the build, `musrenbang serve --demo` on a fresh
// database, Debian's Chromium), with each page loaded N times (5 unless given: `npm run
// bench:first-content -- 10`) on a fresh context per load, over 400 kbit/s and 400 ms and
// unthrottled in turn, then prints a Markdown table of what it measured (the runner's own
// output goes to stderr). Nothing here fails on a slow page: it is a measurement.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const GOAL_MS = 2500;
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const runs = Number(process.argv[2] ?? process.env.MUSRENBANG_FIRST_CONTENT_RUNS ?? 5);
if (!Number.isInteger(runs) || runs < 1) {
  console.error(`first-content bench: runs must be a positive integer, got ${process.argv[2]}`);
  process.exit(2);
}
const work = mkdtempSync(join(tmpdir(), 'musrenbang-first-content-'));
const out = join(work, 'first-content.json');
const loadBefore = loadavg();
const e2e = spawnSync(process.execPath, [join(root, 'scripts', 'e2e.mjs'), 'first-content'], {
  cwd: root,
  stdio: ['ignore', process.stderr, process.stderr],
  env: { ...process.env, MUSRENBANG_FIRST_CONTENT_RUNS: String(runs), MUSRENBANG_FIRST_CONTENT_OUT: out },
});
if (e2e.status !== 0) {
  rmSync(work, { recursive: true, force: true });
  console.error(`first-content bench: the scenario failed (exit ${e2e.status}); see above`);
  process.exit(e2e.status ?? 1);
}
const report = JSON.parse(readFileSync(out, 'utf8'));
rmSync(work, { recursive: true, force: true });
const loadAfter = loadavg();

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const ms = (x) => `${Math.round(x)}`;
const kB = (bytes) => (bytes / 1000).toFixed(1);
const link = report.weakLink;
const weakName = `${(link.downloadThroughput * 8) / 1000} kbit/s, ${link.latency} ms`;

const rows = [];
for (const page of [...new Set(report.results.map((r) => r.page))]) {
  const of = (name) => report.results.filter((r) => r.page === page && r.link === name);
  const reference = median(of('unthrottled').map((r) => r.fcp));
  for (const name of ['weak', 'unthrottled']) {
    const loads = of(name);
    if (loads.length === 0) continue;
    const pick = (key) => loads.map((r) => r[key]);
    rows.push({
      page,
      path: loads[0].path,
      name,
      loads: loads.length,
      fcp: median(pick('fcp')),
      fcpMax: Math.max(...pick('fcp')),
      heading: median(pick('heading')),
      content: median(pick('content')),
      bytes: median(pick('bytes')),
      requests: median(pick('requests')),
      bytesBeforeFcp: median(pick('bytesBeforeFcp')),
      requestsBeforeFcp: median(pick('requestsBeforeFcp')),
      ratio: median(pick('fcp')) / reference,
      first: loads[0],
    });
  }
}

const lines = [];
lines.push(`Chromium ${report.chromium}, ${cpus().length} cores, load average ${loadBefore[0].toFixed(1)} before, ${loadAfter[0].toFixed(1)} after; ${report.measuredAt}.`);
lines.push(`${runs} first visits per page and link (fresh context each), weak link and reference alternating; times in ms from navigation start.`);
lines.push('');
lines.push('| page | link | FCP median ms | FCP max ms | heading in DOM, median ms | data in DOM, median ms | transferred kB | requests | kB / requests before FCP | FCP vs unthrottled |');
lines.push('|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  lines.push(
    `| ${r.page} (\`${r.path}\`) | ${r.name === 'weak' ? weakName : 'unthrottled (reference)'} | ${ms(r.fcp)} | ${ms(r.fcpMax)} | ${ms(r.heading)} | ${ms(r.content)} | ${kB(r.bytes)} | ${r.requests} | ${kB(r.bytesBeforeFcp)} / ${r.requestsBeforeFcp} | ${r.name === 'weak' ? `${r.ratio.toFixed(1)}×` : '1×'} |`,
  );
}
lines.push('');
/**
 * Request waves before first paint: requests that could only start once an earlier one had
 * answered (the page, then what it names), each costing at least one emulated round trip.
 */
function wavesBeforeFcp(load) {
  const files = load.files.filter((f) => f.end <= load.fcp).sort((a, b) => a.start - b.start);
  let waves = 0;
  let waveEnds = -Infinity;
  for (const f of files) {
    if (f.start >= waveEnds) {
      waves++;
      waveEnds = Infinity;
    }
    waveEnds = Math.min(waveEnds, f.end);
  }
  return waves;
}
for (const r of rows.filter((row) => row.name === 'weak')) {
  const bytesMs = (r.bytesBeforeFcp / link.downloadThroughput) * 1000;
  const waves = wavesBeforeFcp(r.first);
  const rest = r.fcp - bytesMs - waves * link.latency;
  lines.push(
    `- ${r.page}: FCP median ${ms(r.fcp)} ms, max ${ms(r.fcpMax)} ms — goal under ${GOAL_MS} ms ${r.fcpMax < GOAL_MS ? 'met' : r.fcp < GOAL_MS ? 'met by the median, not by every load' : 'NOT met'}. ` +
      `Of the median: ${ms(bytesMs)} ms for the ${kB(r.bytesBeforeFcp)} kB before it at ${(link.downloadThroughput * 8) / 1000} kbit/s, ` +
      `${waves} round trip${waves === 1 ? '' : 's'} of ${link.latency} ms (${waves} waves of requests), and ${ms(rest)} ms besides (parsing, running, rendering).`,
  );
}
lines.push('');
lines.push(`What the first weak-link load of each page fetched (start → end, ms from navigation start):`);
lines.push('');
lines.push('| page | request | type | kB | start → end |');
lines.push('|---|---|---|---|---|');
for (const r of rows.filter((row) => row.name === 'weak')) {
  for (const f of r.first.files) lines.push(`| ${r.page} | \`${f.path}\` | ${f.type} | ${kB(f.transferSize)} | ${f.start} → ${f.end} |`);
}
console.log(lines.join('\n'));
