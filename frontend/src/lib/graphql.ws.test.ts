// @vitest-environment node
// The live layer against a real graphql-transport-ws server (graphql-ws's own), as the
// Musrenbang server will offer on /graphql: the token travels in connection_init, events
// trigger a refresh, and closing the view completes the subscription.
import { createServer, type Server } from 'node:http';
import { buildSchema, execute, graphql, parse, subscribe, validate } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { makeClient } from './graphql';
import { watch, type LiveMode } from './live';

const schema = buildSchema(`
  type Query { hello: String }
  type Round { id: Int! }
  type Subscription { roundUpdated(roundId: Int!): Round! }
`);

let server: Server;
let port = 0;
const seen: { token?: unknown; subscribed: number[]; completed: number } = { subscribed: [], completed: 0 };
let push: (roundId: number) => void = () => undefined;

const rootValue = {
  // An async iterator (not a generator) so that the server's return() ends it at once.
  roundUpdated: ({ roundId }: { roundId: number }) => {
    seen.subscribed.push(roundId);
    let pending: ((result: IteratorResult<unknown>) => void) | null = null;
    push = (id) => {
      if (id === roundId && pending) {
        const resolve = pending;
        pending = null;
        resolve({ value: { roundUpdated: { id } }, done: false });
      }
    };
    return {
      [Symbol.asyncIterator]() {
        return this;
      },
      next: () => new Promise<IteratorResult<unknown>>((resolve) => (pending = resolve)),
      return: async () => {
        seen.completed++;
        pending?.({ value: undefined, done: true });
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
    const result = await graphql({ schema, source: query, variableValues: variables, rootValue });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(result));
  });
  const wss = new WebSocketServer({ server, path: '/graphql' });
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
  it('subscribes with the token in connection_init and refreshes on each event', async () => {
    const client = makeClient('geheim-token', {
      httpUrl: `http://127.0.0.1:${port}/graphql`,
      wsUrl: `ws://127.0.0.1:${port}/graphql`,
      webSocketImpl: WebSocket,
    });
    const refresh = vi.fn();
    const modes: LiveMode[] = [];
    const stop = watch(client, { fields: ['tallyUpdated', 'roundUpdated'], args: { roundId: 7 } }, refresh, (m) => modes.push(m));
    await vi.waitFor(() => expect(seen.subscribed).toEqual([7]), { timeout: 5000 });
    expect(modes).toEqual(['connecting', 'subscription']);
    expect(seen.token).toBe('geheim-token');
    push(7);
    await vi.waitFor(() => expect(refresh).toHaveBeenCalledTimes(1), { timeout: 5000 });
    await new Promise((r) => setTimeout(r, 20));
    push(8); // another round: no refresh
    await new Promise((r) => setTimeout(r, 50));
    expect(refresh).toHaveBeenCalledTimes(1);
    stop();
    await vi.waitFor(() => expect(seen.completed).toBe(1), { timeout: 5000 });
  }, 20_000);
});
