// The service worker (src/sw.js as the build writes it) run against fake `caches` and `fetch`.
import { afterEach, describe, expect, it, vi } from 'vitest';
import source from './sw.js?raw';
import { precacheList, renderServiceWorker } from '../scripts/sw-plugin.ts';

const ORIGIN = 'https://musrenbang.test';
const LIST = ['/', '/assets/index-abc123.js', '/assets/index-abc123.css', '/manifest.webmanifest', '/icons/icon-192.png'];

class FakeRequest {
  url: string;
  method: string;
  mode: string;
  cache?: string;
  constructor(url: string, init: { method?: string; mode?: string; cache?: string } = {}) {
    this.url = new URL(url, ORIGIN).href;
    this.method = init.method ?? 'GET';
    this.mode = init.mode ?? 'cors';
    this.cache = init.cache;
  }
}
const urlOf = (r: string | FakeRequest) => new URL(typeof r === 'string' ? r : r.url, ORIGIN).href;
const page = (text: string, type = 'text/html') => new Response(text, { status: 200, headers: { 'content-type': type } });

/** Installs the worker in a fake scope; `network` answers its fetches. */
function worker(network: (request: FakeRequest) => Promise<Response>, options: { version?: string; existing?: string[] } = {}) {
  const stores = new Map<string, Map<string, Response>>();
  for (const name of options.existing ?? []) stores.set(name, new Map());
  const open = async (name: string) => {
    if (!stores.has(name)) stores.set(name, new Map());
    const store = stores.get(name)!;
    return {
      match: async (r: string | FakeRequest) => store.get(urlOf(r))?.clone() ?? undefined,
      put: async (r: string | FakeRequest, response: Response) => void store.set(urlOf(r), response),
      addAll: async (requests: FakeRequest[]) => {
        for (const r of requests) store.set(r.url, await fetch(r));
      },
    };
  };
  const caches = {
    open,
    keys: async () => [...stores.keys()],
    delete: async (name: string) => stores.delete(name),
    match: async (r: string | FakeRequest) => {
      for (const store of stores.values()) if (store.has(urlOf(r))) return store.get(urlOf(r))!.clone();
      return undefined;
    },
  };
  const fetch = vi.fn((r: FakeRequest) => network(r));
  const listeners: Record<string, (event: any) => void> = {};
  const self = {
    location: new URL(`${ORIGIN}/sw.js`),
    addEventListener: (type: string, listener: (event: any) => void) => (listeners[type] = listener),
    skipWaiting: vi.fn(async () => undefined),
    clients: { claim: vi.fn(async () => undefined) },
  };
  const code = renderServiceWorker(source, LIST, options.version ?? 'v1');
  new Function('self', 'caches', 'fetch', 'Request', code)(self, caches, fetch, FakeRequest);
  const lifecycle = async (type: 'install' | 'activate') => {
    let done: Promise<unknown> = Promise.resolve();
    listeners[type]({ waitUntil: (p: Promise<unknown>) => (done = p) });
    await done;
  };
  /** The worker's answer to a request, or null when it leaves the request to the network. */
  const request = (url: string, init: { method?: string; mode?: string } = {}): Promise<Response> | null => {
    let answer: Promise<Response> | null = null;
    listeners.fetch({ request: new FakeRequest(url, init), respondWith: (p: Promise<Response>) => (answer = p) });
    return answer;
  };
  return { stores, fetch, self, lifecycle, request };
}

const shellAndAssets = async (r: FakeRequest) => {
  const path = new URL(r.url).pathname;
  if (path === '/') return page('<html>shell v1</html>');
  return page(`asset ${path}`, path.endsWith('.png') ? 'image/png' : 'text/javascript');
};

afterEach(() => {
  vi.useRealTimers();
});

describe('the service worker', () => {
  it('precaches the page and every file of the build when it installs, then takes over', async () => {
    const sw = worker(shellAndAssets, { existing: ['musrenbang-old', 'someone-else'] });
    await sw.lifecycle('install');
    expect(sw.fetch.mock.calls.map(([r]) => new URL(r.url).pathname)).toEqual(LIST);
    // The page past the HTTP cache (this build's), hashed assets as they are.
    expect(sw.fetch.mock.calls.map(([r]) => r.cache)).toEqual(['no-cache', 'default', 'default', 'no-cache', 'no-cache']);
    expect([...sw.stores.get('musrenbang-v1')!.keys()]).toEqual(LIST.map((p) => `${ORIGIN}${p}`));
    expect(sw.self.skipWaiting).toHaveBeenCalled();
    await sw.lifecycle('activate');
    expect([...sw.stores.keys()].sort()).toEqual(['musrenbang-v1', 'someone-else']);
    expect(sw.self.clients.claim).toHaveBeenCalled();
  });

  it('answers a navigation from the network when it can, and from the cached shell when offline', async () => {
    let offline = false;
    const sw = worker(async (r) => {
      if (offline) throw new TypeError('Failed to fetch');
      return new URL(r.url).pathname.startsWith('/usulan') ? page('<html>fresh</html>') : shellAndAssets(r);
    });
    await sw.lifecycle('install');
    expect(await (await sw.request('/usulan/5', { mode: 'navigate' }))!.text()).toBe('<html>fresh</html>');
    offline = true;
    expect(await (await sw.request('/usulan/5', { mode: 'navigate' }))!.text()).toBe('<html>shell v1</html>');
    expect(await (await sw.request('/forum/3?x=1', { mode: 'navigate' }))!.text()).toBe('<html>shell v1</html>');
  });

  it('gives the cached shell when the network is too slow or the server is down', async () => {
    let mode: 'slow' | 'down' = 'down';
    const sw = worker(async (r) => {
      if (new URL(r.url).pathname !== '/usulan') return shellAndAssets(r);
      if (mode === 'down') return new Response('Bad Gateway', { status: 502 });
      return new Promise<Response>(() => undefined);
    });
    await sw.lifecycle('install');
    expect(await (await sw.request('/usulan', { mode: 'navigate' }))!.text()).toBe('<html>shell v1</html>');
    mode = 'slow';
    vi.useFakeTimers();
    const answer = sw.request('/usulan', { mode: 'navigate' })!;
    await vi.advanceTimersByTimeAsync(4100);
    expect(await (await answer).text()).toBe('<html>shell v1</html>');
  });

  it('serves hashed assets from the cache first, keeping ones it did not precache', async () => {
    const sw = worker(shellAndAssets);
    await sw.lifecycle('install');
    sw.fetch.mockClear();
    expect(await (await sw.request('/assets/index-abc123.js'))!.text()).toBe('asset /assets/index-abc123.js');
    expect(sw.fetch).not.toHaveBeenCalled();
    expect(await (await sw.request('/assets/Forum-new.js'))!.text()).toBe('asset /assets/Forum-new.js');
    await new Promise((r) => setTimeout(r, 0));
    expect(sw.stores.get('musrenbang-v1')!.has(`${ORIGIN}/assets/Forum-new.js`)).toBe(true);
  });

  it('leaves the API, exports, probes, other origins and anything but GET to the network, uncached', async () => {
    const sw = worker(shellAndAssets);
    await sw.lifecycle('install');
    expect(sw.request('/graphql', { method: 'POST' })).toBeNull();
    expect(sw.request('/graphql?query={me{id}}')).toBeNull();
    expect(sw.request('/graphql', { mode: 'navigate' })).toBeNull();
    expect(sw.request('/export/forum/3.csv')).toBeNull();
    expect(sw.request('/healthz')).toBeNull();
    expect(sw.request('https://tiles.example.org/1/2/3.png')).toBeNull();
    expect(sw.request('/usulan/5', { method: 'POST', mode: 'navigate' })).toBeNull();
    expect([...sw.stores.get('musrenbang-v1')!.keys()].some((k) => k.includes('graphql'))).toBe(false);
  });
});

describe('the precache list of a build', () => {
  it('is the page and every file but the worker, the page first', () => {
    expect(precacheList(['sw.js', 'index.html', 'assets/b-2.js', 'assets/a-1.css', 'icons/icon-192.png', 'manifest.webmanifest'])).toEqual([
      '/',
      '/assets/a-1.css',
      '/assets/b-2.js',
      '/icons/icon-192.png',
      '/manifest.webmanifest',
    ]);
  });
  it('is written into the worker with the version, or the build fails', () => {
    const out = renderServiceWorker(source, ['/', '/assets/x.js'], 'abc');
    expect(out).toContain(`const VERSION = "abc";`);
    expect(out).toContain(`const PRECACHE = ["/","/assets/x.js"];`);
    expect(() => renderServiceWorker('const PRECACHE = [];', [], 'abc')).toThrow(/not found/);
  });
});
