#!/usr/bin/env node
// Measures the gzipped size of the JavaScript the first page load needs (the entry script of
// dist/index.html and every chunk it preloads) and fails above the budget. Lazy pages are
// listed but not counted: they load on first visit. The English dictionary must not be in it.
import { readFileSync, readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BUDGET = 150 * 1000; // bytes, gzipped
const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const html = readFileSync(join(dist, 'index.html'), 'utf8');
const initial = new Set();
for (const m of html.matchAll(/<script[^>]+type="module"[^>]+src="([^"]+)"/g)) initial.add(m[1]);
for (const m of html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+)"/g)) initial.add(m[1]);
if (initial.size === 0) {
  console.error('size-check: no entry script found in dist/index.html');
  process.exit(1);
}
const gz = (file) => gzipSync(readFileSync(file), { level: 9 }).length;
const kb = (n) => `${(n / 1000).toFixed(1)} kB`;
let initialTotal = 0;
for (const src of initial) {
  const size = gz(join(dist, src.replace(/^\//, '')));
  initialTotal += size;
  console.log(`  initial  ${kb(size).padStart(9)}  ${src}`);
}
const assets = readdirSync(join(dist, 'assets'));
let lazyTotal = 0;
for (const file of assets.filter((f) => f.endsWith('.js'))) {
  if ([...initial].some((src) => src.endsWith(file))) continue;
  const size = gz(join(dist, 'assets', file));
  lazyTotal += size;
  console.log(`  lazy     ${kb(size).padStart(9)}  /assets/${file}`);
}
const css = assets.filter((f) => f.endsWith('.css')).reduce((sum, f) => sum + gz(join(dist, 'assets', f)), 0);
console.log(`Initial JavaScript: ${kb(initialTotal)} gzipped (budget ${kb(BUDGET)}); lazy pages ${kb(lazyTotal)}; CSS ${kb(css)}.`);
// English is fetched only when chosen (src/lib/i18n.ts): no message of its dictionary may be in
// the first load (one that differs from the Indonesian is looked for in every initial file).
const english = readFileSync(join(dist, '..', 'src', 'lib', 'messages', 'en.ts'), 'utf8').match(/^\s*'nav\.skip': '([^']+)'/m)?.[1];
if (!english) {
  console.error("size-check: no 'nav.skip' message in src/lib/messages/en.ts to look for");
  process.exit(1);
}
const withEnglish = [...initial].filter((src) => readFileSync(join(dist, src.replace(/^\//, '')), 'utf8').includes(english));
if (withEnglish.length > 0) {
  console.error(`size-check FAILED: the English dictionary is in the first load (${withEnglish.join(', ')}); it must load on demand.`);
  process.exit(1);
}
if (initialTotal > BUDGET) {
  console.error(`size-check FAILED: the initial JavaScript is ${kb(initialTotal - BUDGET)} over the budget.`);
  process.exit(1);
}
console.log('size-check passed.');
