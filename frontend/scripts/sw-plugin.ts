/// <reference types="node" />
// The service worker's precache list, written at build time: after Vite has written dist/
// (the bundle, index.html and the files of public/), every file there goes into dist/sw.js
// (src/sw.js with its list and version filled in). The version is a hash of those files, so
// any change to the build makes a new worker.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { Plugin } from 'vite';

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

/** The URLs to precache for the files of a build (paths relative to dist, `/` separated). */
export function precacheList(files: string[]): string[] {
  return files
    .filter((f) => f !== 'sw.js' && !f.endsWith('.map') && !f.startsWith('.'))
    .map((f) => (f === 'index.html' ? '/' : `/${f}`))
    .sort((a, b) => (a === '/' ? -1 : b === '/' ? 1 : a.localeCompare(b)));
}

/** src/sw.js with the list and version written in (fails loudly if the placeholders moved). */
export function renderServiceWorker(source: string, list: string[], version: string): string {
  let out = source;
  for (const [pattern, value] of [
    [/^const VERSION = 'dev';$/m, `const VERSION = ${JSON.stringify(version)};`],
    [/^const PRECACHE = \['\/'\];$/m, `const PRECACHE = ${JSON.stringify(list)};`],
  ] as const) {
    if (!pattern.test(out)) throw new Error(`sw-plugin: ${pattern} not found in src/sw.js`);
    out = out.replace(pattern, value);
  }
  return out;
}

export function serviceWorker(): Plugin {
  let outDir = 'dist';
  let source = 'src/sw.js';
  return {
    name: 'musrenbang:service-worker',
    apply: 'build',
    configResolved(config) {
      outDir = join(config.root, config.build.outDir);
      source = join(config.root, 'src', 'sw.js');
    },
    writeBundle: {
      sequential: true,
      order: 'post',
      handler() {
        const files = filesUnder(outDir).map((f) => relative(outDir, f).split(sep).join('/'));
        const list = precacheList(files);
        const hash = createHash('sha256');
        for (const url of list) {
          hash.update(url);
          hash.update(readFileSync(join(outDir, url === '/' ? 'index.html' : url.slice(1))));
        }
        const version = hash.digest('hex').slice(0, 12);
        writeFileSync(join(outDir, 'sw.js'), renderServiceWorker(readFileSync(source, 'utf8'), list, version));
      },
    },
  };
}
