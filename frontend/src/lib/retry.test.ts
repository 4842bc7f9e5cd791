import { Client, CombinedError, fetchExchange } from '@urql/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { codeMessage, toApiError } from './errors';
import { MAX_DELAY_MS, backoffDelay, parseRetryAfter, retryExchange, retryingStore, unavailableOf } from './retry';

const BUSY_BODY = {
  data: null,
  errors: [{ message: 'the server cannot reach its database; try again in 5 seconds', extensions: { code: 'UNAVAILABLE', retryAfterSeconds: 5 } }],
};

const busy = (seconds = '5') =>
  new Response(JSON.stringify(BUSY_BODY), { status: 503, headers: { 'content-type': 'application/json', 'retry-after': seconds } });
const ok = (data: unknown) => new Response(JSON.stringify({ data }), { status: 200, headers: { 'content-type': 'application/json' } });

/** A client whose fetch answers from the list in turn; retries wait `waitMs` and record what they were told. */
function clientWith(answers: Array<() => Response | Promise<Response>>, options: { waitMs?: number; giveUpAfterMs?: number } = {}) {
  const fetch = vi.fn(async (_url: RequestInfo | URL, _init?: RequestInit) => {
    const next = answers.shift();
    if (!next) throw new Error('no more answers');
    return next();
  });
  const delays: Array<[number, number | undefined]> = [];
  const client = new Client({
    url: 'http://test/graphql',
    fetch: fetch as typeof globalThis.fetch,
    preferGetMethod: false,
    requestPolicy: 'network-only',
    exchanges: [
      retryExchange({
        delay: (attempt, retryAfterSeconds) => {
          delays.push([attempt, retryAfterSeconds]);
          return options.waitMs ?? 5;
        },
        giveUpAfterMs: options.giveUpAfterMs,
      }),
      fetchExchange,
    ],
  });
  return { client, fetch, delays };
}

const settled = () => new Promise((resolve) => setTimeout(resolve, 0));

afterEach(() => {
  vi.restoreAllMocks();
});

describe('backoff', () => {
  it('doubles from one second up to the cap, shortened by at most a quarter at random', () => {
    const top = [0, 1, 2, 3, 4, 5, 6, 10].map((n) => backoffDelay(n, undefined, () => 1));
    expect(top).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
    const bottom = [0, 1, 2, 5].map((n) => backoffDelay(n, undefined, () => 0));
    expect(bottom).toEqual([750, 1500, 3000, 22_500]);
    for (let i = 0; i < 200; i++) {
      const d = backoffDelay(20);
      expect(d).toBeGreaterThanOrEqual(22_500);
      expect(d).toBeLessThanOrEqual(MAX_DELAY_MS);
    }
  });
  it('never retries sooner than Retry-After, and spreads clients just after it', () => {
    for (const r of [0, 0.3, 0.99]) {
      expect(backoffDelay(0, 5, () => r)).toBeGreaterThanOrEqual(5000);
      expect(backoffDelay(0, 5, () => r)).toBeLessThanOrEqual(6000);
    }
    // Longer than the cap when the server says so; the growing step wins once it is longer.
    expect(backoffDelay(0, 60, () => 0)).toBe(60_000);
    expect(backoffDelay(4, 1, () => 1)).toBe(16_000);
    expect(backoffDelay(0, 1, () => 0.5)).toBe(1100);
  });
  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('5')).toBe(5);
    expect(parseRetryAfter(' 120 ')).toBe(120);
    const now = Date.parse('2026-12-02T07:00:00Z');
    expect(parseRetryAfter('Wed, 02 Dec 2026 07:00:30 GMT', now)).toBe(30);
    expect(parseRetryAfter('Wed, 02 Dec 2026 06:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});

describe('recognising an unavailable server', () => {
  const withResponse = (status: number, init: { graphQLErrors?: any[]; retryAfter?: string } = {}) =>
    new CombinedError({
      graphQLErrors: init.graphQLErrors,
      networkError: init.graphQLErrors ? undefined : new Error('Service Unavailable'),
      response: new Response(null, { status, headers: init.retryAfter ? { 'retry-after': init.retryAfter } : {} }),
    });
  it('knows UNAVAILABLE errors, bare 502/503/504 and no answer at all', () => {
    expect(unavailableOf(withResponse(503, { graphQLErrors: BUSY_BODY.errors, retryAfter: '9' }))).toEqual({ retryAfterSeconds: 5 });
    expect(unavailableOf(withResponse(503, { retryAfter: '9' }))).toEqual({ retryAfterSeconds: 9 });
    expect(unavailableOf(withResponse(502))).toEqual({ retryAfterSeconds: undefined });
    expect(unavailableOf(withResponse(504))).toEqual({ retryAfterSeconds: undefined });
    // Inside a 200, for one field.
    expect(unavailableOf(withResponse(200, { graphQLErrors: [{ message: 'x', extensions: { code: 'UNAVAILABLE', retryAfterSeconds: 3 } }] }))).toEqual({ retryAfterSeconds: 3 });
    expect(unavailableOf(new CombinedError({ networkError: new TypeError('Failed to fetch') }))).toEqual({ unanswered: true });
  });
  it('leaves every other answer alone', () => {
    expect(unavailableOf(withResponse(500))).toBeNull();
    expect(unavailableOf(withResponse(200, { graphQLErrors: [{ message: 'no', extensions: { code: 'FORBIDDEN' } }] }))).toBeNull();
    expect(unavailableOf(withResponse(502, { graphQLErrors: [{ message: 'no', extensions: { code: 'NOT_FOUND' } }] }))).toBeNull();
    expect(unavailableOf(undefined)).toBeNull();
  });
});

describe('the UNAVAILABLE error in words', () => {
  it('turns a 503 with the JSON body into UNAVAILABLE with its seconds, in both languages', () => {
    const error = toApiError(
      new CombinedError({ graphQLErrors: BUSY_BODY.errors, response: new Response(null, { status: 503, headers: { 'retry-after': '5' } }) }),
    )!;
    expect(error).toMatchObject({ code: 'UNAVAILABLE', retryAfterSeconds: 5 });
    expect(codeMessage(error.code, 'id', error.retryAfterSeconds)).toBe(
      'Server sedang tidak dapat menjangkau basis datanya atau sedang dimulai ulang. Coba lagi dalam 5 detik.',
    );
    expect(codeMessage(error.code, 'en', error.retryAfterSeconds)).toBe(
      'The server cannot reach its database or is restarting. Try again in 5 seconds.',
    );
  });
  it('turns a bare 503 (a proxy’s page) into UNAVAILABLE with the seconds of Retry-After, not a network error', () => {
    const error = toApiError(
      new CombinedError({ networkError: new Error('Service Unavailable'), response: new Response('<html>', { status: 503, headers: { 'retry-after': '12' } }) }),
    )!;
    expect(error).toMatchObject({ code: 'UNAVAILABLE', retryAfterSeconds: 12 });
    const noSeconds = toApiError(new CombinedError({ networkError: new Error('Bad Gateway'), response: new Response('', { status: 502 }) }))!;
    expect(noSeconds.code).toBe('UNAVAILABLE');
    expect(codeMessage(noSeconds.code, 'id', noSeconds.retryAfterSeconds)).toMatch(/Coba lagi sebentar lagi\.$/);
    expect(codeMessage(noSeconds.code, 'en', noSeconds.retryAfterSeconds)).toMatch(/Try again in a moment\.$/);
  });
  it('keeps a request without any answer a network problem', () => {
    expect(toApiError(new CombinedError({ networkError: new TypeError('Failed to fetch') }))?.code).toBe('NETWORK');
  });
});

describe('retrying reads', () => {
  const QUERY = 'query Home { cycles { id } }';
  const MUTATION = 'mutation Vote { castBallot { receipt } }';

  it('asks a query again after two 503s and delivers the data, holding the errors back', async () => {
    const { client, fetch, delays } = clientWith([busy, busy, () => ok({ cycles: [{ id: 1 }] })], { waitMs: 100 });
    const results: unknown[] = [];
    const done = new Promise<void>((resolve) => {
      client.query(QUERY, {}).subscribe((r) => {
        results.push(r.error ? 'error' : r.data);
        if (r.data) resolve();
      });
    });
    await vi.waitFor(() => expect(retryingStore.get()).toBe(true));
    expect(results).toEqual([]);
    await done;
    expect(fetch).toHaveBeenCalledTimes(3);
    expect(results).toEqual([{ cycles: [{ id: 1 }] }]);
    // The second wait is longer (attempt 1) and both honour the server's 5 seconds.
    expect(delays).toEqual([
      [0, 5],
      [1, 5],
    ]);
    await settled();
    expect(retryingStore.get()).toBe(false);
  });

  it('retries a proxy’s bare 502, a request that got no answer and an UNAVAILABLE inside a 200', async () => {
    const { client, fetch } = clientWith([
      () => new Response('<html>Bad Gateway</html>', { status: 502, headers: { 'content-type': 'text/html' } }),
      () => Promise.reject(new TypeError('Failed to fetch')),
      () =>
        new Response(JSON.stringify({ data: { cycles: null }, errors: [{ message: 'busy', path: ['cycles'], extensions: { code: 'UNAVAILABLE', retryAfterSeconds: 1 } }] }), {
          status: 200,
          headers: { 'content-type': 'application/json' },
        }),
      () => ok({ cycles: [{ id: 2 }] }),
    ]);
    const result = await client.query(QUERY, {}).toPromise();
    expect(result.error).toBeUndefined();
    expect(result.data).toEqual({ cycles: [{ id: 2 }] });
    expect(fetch).toHaveBeenCalledTimes(4);
  });

  it('asks a waiting query at once when the phone says the connection is back (online)', async () => {
    const { client, fetch } = clientWith([() => Promise.reject(new TypeError('Failed to fetch')), () => ok({ cycles: [{ id: 3 }] })], { waitMs: 60_000 });
    const started = Date.now();
    const result = client.query(QUERY, {}).toPromise();
    await vi.waitFor(() => expect(fetch).toHaveBeenCalledTimes(1));
    await settled();
    await settled();
    window.dispatchEvent(new Event('online'));
    expect((await result).data).toEqual({ cycles: [{ id: 3 }] });
    expect(fetch).toHaveBeenCalledTimes(2);
    expect(Date.now() - started).toBeLessThan(5000);
    await settled();
    expect(retryingStore.get()).toBe(false);
  });

  it('does not retry a mutation: one request, and the 503 becomes UNAVAILABLE with its seconds', async () => {
    const { client, fetch } = clientWith([busy, () => ok({ castBallot: { receipt: 'x' } })]);
    const result = await client.mutation(MUTATION, {}).toPromise();
    expect(fetch).toHaveBeenCalledTimes(1);
    const error = toApiError(result.error)!;
    expect(error).toMatchObject({ code: 'UNAVAILABLE', retryAfterSeconds: 5 });
    expect(codeMessage(error.code, 'id', error.retryAfterSeconds)).toMatch(/Coba lagi dalam 5 detik\.$/);
    await settled();
    expect(retryingStore.get()).toBe(false);
  });

  it('does not retry a mutation that got no answer either (it may have been applied)', async () => {
    const { client, fetch } = clientWith([() => Promise.reject(new TypeError('Failed to fetch'))]);
    const result = await client.mutation(MUTATION, {}).toPromise();
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(toApiError(result.error)?.code).toBe('NETWORK');
  });

  it('leaves other errors to the page at once', async () => {
    const forbidden = () =>
      new Response(JSON.stringify({ data: null, errors: [{ message: 'no', extensions: { code: 'FORBIDDEN' } }] }), {
        status: 200,
        headers: { 'content-type': 'application/json' },
      });
    const { client, fetch } = clientWith([forbidden]);
    const result = await client.query(QUERY, {}).toPromise();
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(toApiError(result.error)?.code).toBe('FORBIDDEN');
  });

  it('gives up after a while and shows the error', async () => {
    const { client, fetch } = clientWith([busy, busy, busy, busy], { waitMs: 20, giveUpAfterMs: 50 });
    const result = await client.query(QUERY, {}).toPromise();
    expect(toApiError(result.error)).toMatchObject({ code: 'UNAVAILABLE', retryAfterSeconds: 5 });
    expect(fetch.mock.calls.length).toBeGreaterThanOrEqual(2);
    expect(fetch.mock.calls.length).toBeLessThanOrEqual(4);
    await settled();
    expect(retryingStore.get()).toBe(false);
  });

  it('stops waiting when the page no longer wants the query', async () => {
    const { client, fetch } = clientWith([busy, () => ok({ cycles: [] })], { waitMs: 200 });
    const { unsubscribe } = client.query(QUERY, {}).subscribe(() => undefined);
    await vi.waitFor(() => expect(retryingStore.get()).toBe(true));
    unsubscribe();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(retryingStore.get()).toBe(false);
  });

  it('asks every waiting query at once when another request succeeds (the server is back)', async () => {
    const answers: Record<string, Array<() => Response>> = {
      A: [busy, () => ok({ a: 1 })],
      B: [() => ok({ b: 1 })],
    };
    const fetch = vi.fn(async (_url: RequestInfo | URL, init?: RequestInit) => {
      const name = JSON.parse(String(init?.body)).operationName as string;
      return answers[name].shift()!();
    });
    const client = new Client({
      url: 'http://test/graphql',
      fetch: fetch as typeof globalThis.fetch,
      preferGetMethod: false,
      exchanges: [retryExchange({ delay: () => 60_000 }), fetchExchange],
    });
    const a = client.query('query A { a }', {}).toPromise();
    await vi.waitFor(() => expect(fetch).toHaveBeenCalledTimes(1));
    await client.query('query B { b }', {}).toPromise();
    expect((await a).data).toEqual({ a: 1 });
  });
});
