/* The Musrenbang service worker (served as /sw.js; registered by src/main.tsx in production).
 *
 * - Precaches the app shell: the page ("/", which is index.html) and every file of the build
 *   (hashed scripts and styles, the manifest, the icons). The list and the version are written
 *   in at build time (scripts/sw-plugin.ts); a new build is a new worker, which takes over
 *   and drops the caches of the old one.
 * - Navigations: network first (a slow answer loses to the cached shell after a few
 *   seconds), the cached shell when there is no answer or the server is down; the app then
 *   shows what it kept of the pages (src/lib/lastSeen.ts).
 * - Hashed assets (/assets/…): cache first (their names change with their content).
 * - Never touched: anything but GET, /graphql (every method: its answers depend on who asks;
 *   the app keeps its own copy), /export, the probes, other origins. The offline queue of
 *   proposals and comments lives in the app (src/lib/outbox.ts), not here.
 */
const VERSION = 'dev';
const PRECACHE = ['/'];

const PREFIX = 'musrenbang-';
const CACHE = `${PREFIX}${VERSION}`;
const SHELL = '/';
const NAVIGATION_TIMEOUT_MS = 4000;
// Left to the network: the API, exports, the complaint dashboard's CSV (/statistik/…), the probes.
const PASS_THROUGH = /^\/(graphql|export|statistik|livez|readyz|healthz)(\/|$)/;

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      // Hashed assets may come from the HTTP cache (the page just loaded most of them: no
      // second download); the page, manifest and icons are revalidated, so they are this build's.
      await cache.addAll(PRECACHE.map((url) => new Request(url, { cache: url.startsWith('/assets/') ? 'default' : 'no-cache' })));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) if (key.startsWith(PREFIX) && key !== CACHE) await caches.delete(key);
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const answer = respond(event.request);
  if (answer) event.respondWith(answer);
});

/** The answer for a request, or null to leave it to the network untouched. */
function respond(request) {
  if (request.method !== 'GET') return null;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || PASS_THROUGH.test(url.pathname)) return null;
  if (request.mode === 'navigate') return navigation(request);
  if (url.pathname.startsWith('/assets/')) return cacheFirst(request, true);
  if (PRECACHE.includes(url.pathname)) return cacheFirst(request, false);
  return null;
}

async function cachedShell() {
  const cache = await caches.open(CACHE);
  return (await cache.match(SHELL)) ?? null;
}

async function navigation(request) {
  const shell = await cachedShell();
  const network = fetch(request).then((response) => {
    // A proxy's error page (the server is restarting) is no use: the app copes with a server away.
    if (shell && response.status >= 500) return shell;
    return response;
  });
  if (!shell) return network;
  const late = new Promise((resolve) => setTimeout(() => resolve(shell), NAVIGATION_TIMEOUT_MS));
  try {
    return await Promise.race([network, late]);
  } catch {
    return shell;
  }
}

async function cacheFirst(request, keep) {
  const hit = await caches.match(request);
  if (hit) return hit;
  const response = await fetch(request);
  // An asset this worker did not precache (a build it did not know): keep it, unless the
  // server answered with the page instead (a missing asset, served as the app's route).
  if (keep && response.ok && !(response.headers.get('content-type') ?? '').includes('text/html')) {
    const copy = response.clone();
    caches.open(CACHE).then((cache) => cache.put(request, copy));
  }
  return response;
}
