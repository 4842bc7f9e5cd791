import { afterEach, describe, expect, it, vi } from 'vitest';

// graphql-ws is fetched with the first subscription (lib/graphql.ts). When it cannot be
// fetched (offline before the service worker kept it), the subscription errors instead of
// waiting for ever, and a later one asks again.
afterEach(() => {
  vi.doUnmock('graphql-ws');
  vi.resetModules();
});

describe('the socket loaded on demand', () => {
  it('errors a subscription whose code cannot be fetched, and fetches again for the next', async () => {
    vi.resetModules();
    let fail = true;
    const subscribed = vi.fn(() => () => undefined);
    vi.doMock('graphql-ws', () => {
      if (fail) throw new Error('Failed to fetch dynamically imported module');
      return { createClient: () => ({ on: () => () => undefined, subscribe: subscribed, dispose: () => undefined }) };
    });
    const { makeClient, socketOf } = await import('./graphql');
    const socket = socketOf(makeClient(null, { wsUrl: 'ws://127.0.0.1:9/graphql' }))!;
    const sink = { next: vi.fn(), error: vi.fn(), complete: vi.fn() };
    socket.subscribe({ query: 'subscription { myNotifications { sequence } }' }, sink);
    await vi.waitFor(() => expect(sink.error).toHaveBeenCalledTimes(1));
    expect(subscribed).not.toHaveBeenCalled();

    fail = false;
    vi.resetModules();
    const again = { next: vi.fn(), error: vi.fn(), complete: vi.fn() };
    socket.subscribe({ query: 'subscription { myNotifications { sequence } }' }, again);
    await vi.waitFor(() => expect(subscribed).toHaveBeenCalledTimes(1));
    expect(again.error).not.toHaveBeenCalled();
  });
});
