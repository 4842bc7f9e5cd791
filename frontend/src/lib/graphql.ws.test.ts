// @vitest-environment node
// The live layer against a real graphql-transport-ws server (graphql-ws's own) that serves an
// event log like the Musrenbang server's `sessionEvents(sessionId, since)`: the token travels
// in connection_init, and after the server drops the connection the client comes back on its
// own asking for what follows the last event it saw — no gap, no duplicate.
import { createServer, type Server } from 'node:http';
import { buildSchema, execute, graphql, parse, subscribe, validate } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { makeClient, socketOf } from './graphql';
import { followEvents, transportOf, type LiveMode } from './live';
import { retryingStore } from './retry';

const schema = buildSchema(`
  scalar JSON
  type LiveEvent { sequence: Int! kind: String! at: String! actorId: Int subjectId: Int data: JSON }
  type Query { sessionEvents(sessionId: Int!, since: Int!, first: Int): [LiveEvent!]! }
  type Subscription { sessionEvents(sessionId: Int!, since: Int): LiveEvent! }
`);

let server: Server;
let wss: WebSocketServer;
let port = 0;
const log: Array<{ sequence: number; kind: string; at: string; data: unknown }> = [];
const seen: { token?: unknown; since: unknown[]; completed: number } = { since: [], completed: 0 };
const listeners = new Set<() => void>();
/** Close codes for the next connection attempts to be refused with. */
const refuse: number[] = [];

function publish(kind: string) {
  log.push({ sequence: log.length + 1, kind, at: new Date().toISOString(), data: { n: log.length + 1 } });
  listeners.forEach((l) => l());
}

const rootValue = {
  sessionEvents: ({ since }: { since: number | null }) => {
    seen.since.push(since);
    let last = since ?? log.length;
    let wake: (() => void) | null = null;
    const listener = () => wake?.();
    listeners.add(listener);
    return {
      [Symbol.asyncIterator]() {
        return this;
      },
      async next(): Promise<IteratorResult<unknown>> {
        while (log.length <= last) await new Promise<void>((resolve) => (wake = resolve));
        const event = log[last++];
        return { value: { sessionEvents: event }, done: false };
      },
      async return() {
        seen.completed++;
        listeners.delete(listener);
        wake?.();
        return { value: undefined, done: true as const };
      },
    };
  },
};

beforeAll(async () => {
  server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    const { query, variables } = JSON.parse(body || '{}');
    const result = await graphql({ schema, source: query, variableValues: variables, rootValue: { sessionEvents: ({ since }: { since: number }) => log.slice(since) } });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(result));
  });
  wss = new WebSocketServer({ server, path: '/graphql' });
  useServer(
    {
      schema,
      // One graphql instance for the schema and its execution (vitest may load graphql twice).
      parse,
      validate,
      execute,
      subscribe,
      roots: { subscription: rootValue },
      onConnect: (ctx) => {
        seen.token = (ctx.connectionParams as { token?: string } | undefined)?.token;
        const code = refuse.shift();
        if (code) {
          // What the server does at connection_init without its database (1013).
          (ctx.extra as { socket: WebSocket }).socket.close(code, 'try again later');
          return false;
        }
        return true;
      },
    },
    wss,
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});

afterAll(async () => {
  server.closeAllConnections?.();
  await new Promise((resolve) => server.close(resolve));
});

describe('live data over graphql-ws', () => {
  it('resumes after a dropped connection with since = the last event seen', async () => {
    const client = makeClient('geheim-token', {
      httpUrl: `http://127.0.0.1:${port}/graphql`,
      wsUrl: `ws://127.0.0.1:${port}/graphql`,
      webSocketImpl: WebSocket,
    });
    publish('CHAT_MESSAGE'); // 1, before the page loaded
    const got: number[] = [];
    const modes: LiveMode[] = [];
    const stop = followEvents(transportOf(client), { field: 'sessionEvents', idArg: 'sessionId', id: 5 }, {
      since: 1,
      onEvent: (e) => got.push(e.sequence),
      onMode: (m) => modes.push(m),
      pollMs: 60_000,
    });
    await vi.waitFor(() => expect(seen.since).toEqual([1]), { timeout: 5000 });
    expect(seen.token).toBe('geheim-token');
    publish('HAND_RAISED');
    publish('FLOOR_GIVEN');
    await vi.waitFor(() => expect(got).toEqual([2, 3]), { timeout: 5000 });

    // The connection drops; meanwhile two more events happen.
    for (const socket of wss.clients) socket.terminate();
    await vi.waitFor(() => expect(modes.at(-1)).toBe('polling'), { timeout: 5000 });
    publish('CHAT_MESSAGE');
    publish('POLL_OPENED');
    // graphql-ws reconnects by itself and re-sends the subscription, now from 3.
    await vi.waitFor(() => expect(seen.since).toEqual([1, 3]), { timeout: 15_000 });
    await vi.waitFor(() => expect(got).toEqual([2, 3, 4, 5]), { timeout: 5000 });
    expect(modes.at(-1)).toBe('subscription');
    publish('POLL_CLOSED');
    await vi.waitFor(() => expect(got).toEqual([2, 3, 4, 5, 6]), { timeout: 5000 });
    stop();
    await vi.waitFor(() => expect(seen.completed).toBe(2), { timeout: 5000 });
  }, 30_000);

  it('keeps reconnecting through 1013 (no database) and 1001 (going away), with the banner up meanwhile', async () => {
    const client = makeClient('geheim-token', {
      httpUrl: `http://127.0.0.1:${port}/graphql`,
      wsUrl: `ws://127.0.0.1:${port}/graphql`,
      webSocketImpl: WebSocket,
    });
    const start = log.length;
    const subscribedBefore = seen.since.length;
    refuse.push(1013, 1013);
    const got: number[] = [];
    const stop = followEvents(transportOf(client), { field: 'sessionEvents', idArg: 'sessionId', id: 5 }, {
      since: start,
      onEvent: (e) => got.push(e.sequence),
      onMode: () => undefined,
      pollMs: 60_000,
    });
    await vi.waitFor(() => expect(retryingStore.get()).toBe(true), { timeout: 5000 });
    // Two refusals, then the third attempt is let in and subscribes from where the view is.
    await vi.waitFor(() => expect(seen.since.slice(subscribedBefore)).toEqual([start]), { timeout: 15_000 });
    expect(refuse).toEqual([]);
    await vi.waitFor(() => expect(retryingStore.get()).toBe(false), { timeout: 5000 });
    publish('HAND_RAISED');
    await vi.waitFor(() => expect(got).toEqual([start + 1]), { timeout: 5000 });

    // A deploy: the server goes away while the view follows; an event happens meanwhile.
    for (const socket of wss.clients) socket.close(1001, 'going away');
    await vi.waitFor(() => expect(retryingStore.get()).toBe(true), { timeout: 5000 });
    publish('FLOOR_GIVEN');
    await vi.waitFor(() => expect(seen.since.slice(subscribedBefore)).toEqual([start, start + 1]), { timeout: 15_000 });
    await vi.waitFor(() => expect(got).toEqual([start + 1, start + 2]), { timeout: 5000 });
    await vi.waitFor(() => expect(retryingStore.get()).toBe(false), { timeout: 5000 });
    stop();
  }, 40_000);

  it('retries a socket that cannot connect at all (a server restarting), which graphql-ws alone gives up on', async () => {
    // A port nothing listens on: every attempt fails with a socket error before any close event.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const dead = (probe.address() as { port: number }).port;
    await new Promise((resolve) => probe.close(resolve));
    const client = makeClient(null, { httpUrl: `http://127.0.0.1:${dead}/graphql`, wsUrl: `ws://127.0.0.1:${dead}/graphql`, webSocketImpl: WebSocket });
    const socket = socketOf(client)!;
    let attempts = 0;
    socket.on('connecting', () => attempts++);
    const failed = vi.fn();
    const unsubscribe = socket.subscribe({ query: 'subscription { sessionEvents(sessionId: 1) { sequence } }' }, { next: () => undefined, error: failed, complete: () => undefined });
    await vi.waitFor(() => expect(attempts).toBeGreaterThanOrEqual(3), { timeout: 10_000 });
    expect(failed).not.toHaveBeenCalled();
    expect(retryingStore.get()).toBe(true);
    unsubscribe();
  }, 15_000);
});
