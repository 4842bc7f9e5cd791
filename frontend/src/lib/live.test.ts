import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { follow, followEvents, resyncSequence, streamDocuments, type GraphQLResultLike, type LiveEvent, type LiveMode, type Transport } from './live';

type Sink = { next(v: GraphQLResultLike): void; error(e: unknown): void; complete(): void };

/** A transport the test drives: subscriptions it can feed, HTTP answers it sets, a socket it can drop. */
function stubTransport() {
  const subs: Array<{ payload: { query: string; variables: Record<string, unknown> }; sink: Sink; closed: boolean; sentSince: unknown }> = [];
  const queries: Array<{ query: string; variables: Record<string, unknown> }> = [];
  let answer: any = { data: {} };
  let socket: (up: boolean) => void = () => undefined;
  const transport: Transport = {
    subscribe(payload, sink) {
      const sub = { payload, sink, closed: false, sentSince: payload.variables.since };
      subs.push(sub);
      return () => {
        sub.closed = true;
      };
    },
    query: async (query, variables) => {
      queries.push({ query, variables });
      return answer;
    },
    onSocket: (listener) => {
      socket = listener;
      return () => (socket = () => undefined);
    },
  };
  return {
    transport,
    subs,
    queries,
    answer: (a: any) => (answer = a),
    socket: (up: boolean) => socket(up),
  };
}

const event = (sequence: number, kind = 'CHAT_MESSAGE', data: any = {}): LiveEvent => ({ sequence, kind, at: '2027-03-01T02:00:00Z', actorId: 1, subjectId: null, data }) as LiveEvent;
const flush = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};
const stream = { field: 'sessionEvents', idArg: 'sessionId', id: 9 } as const;

describe('following an event stream', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'] }));
  afterEach(() => vi.useRealTimers());

  it('subscribes with since, delivers each event once and in order, and resumes after the last', () => {
    const { transport, subs } = stubTransport();
    const seen: number[] = [];
    const modes: LiveMode[] = [];
    const stop = followEvents(transport, stream, { since: 4, onEvent: (e) => seen.push(e.sequence), onMode: (m) => modes.push(m) });
    expect(subs).toHaveLength(1);
    expect(subs[0].payload.query).toBe(streamDocuments(stream).subscription);
    expect(subs[0].payload.variables).toEqual({ id: 9, since: 4 });
    expect(modes).toEqual(['connecting', 'subscription']);
    for (const s of [3, 4, 5, 6, 6, 5, 7]) subs[0].sink.next({ data: { sessionEvents: event(s) } });
    expect(seen).toEqual([5, 6, 7]);
    // graphql-ws re-sends this same payload when it reconnects: it must ask for what follows 7.
    expect(subs[0].payload.variables.since).toBe(7);
    stop();
    expect(subs[0].closed).toBe(true);
  });

  it('polls the event log over HTTP while the socket is down, gaplessly, and stops when it is back', async () => {
    const { transport, subs, queries, answer, socket } = stubTransport();
    const seen: number[] = [];
    const modes: LiveMode[] = [];
    const stop = followEvents(transport, stream, { since: 2, onEvent: (e) => seen.push(e.sequence), onMode: (m) => modes.push(m), pollMs: 1000 });
    subs[0].sink.next({ data: { sessionEvents: event(3) } });
    socket(false);
    expect(modes.at(-1)).toBe('polling');
    answer({ data: { sessionEvents: [event(3), event(4), event(5)] } });
    vi.advanceTimersByTime(1000);
    await flush();
    expect(queries[0].variables).toEqual({ id: 9, since: 3 });
    expect(queries[0].query).toContain('sessionEvents(sessionId: $id, since: $since, first: 500)');
    expect(seen).toEqual([3, 4, 5]);
    expect(subs[0].payload.variables.since).toBe(5);
    socket(true); // catches up once at reconnection, then listens
    await flush();
    expect(modes.at(-1)).toBe('subscription');
    const polls = queries.length;
    vi.advanceTimersByTime(5000);
    expect(queries.length).toBe(polls);
    subs[0].sink.next({ data: { sessionEvents: event(5) } });
    subs[0].sink.next({ data: { sessionEvents: event(6) } });
    expect(seen).toEqual([3, 4, 5, 6]);
    stop();
  });

  it('on RESYNC_REQUIRED reloads the state and subscribes again after the reloaded sequence', async () => {
    const { transport, subs } = stubTransport();
    const seen: number[] = [];
    const onResync = vi.fn(async () => 40);
    followEvents(transport, stream, { since: 10, onEvent: (e) => seen.push(e.sequence), onMode: () => undefined, onResync });
    subs[0].sink.next({ data: { sessionEvents: event(11) } });
    subs[0].sink.next({ errors: [{ message: 'too far behind', extensions: { code: 'RESYNC_REQUIRED', lastSequence: 11 } }] });
    expect(subs[0].closed).toBe(true);
    expect(onResync).toHaveBeenCalledTimes(1);
    expect(onResync).toHaveBeenCalledWith(11);
    await flush();
    expect(subs).toHaveLength(2);
    expect(subs[1].sentSince).toBe(40);
    subs[1].sink.next({ data: { sessionEvents: event(40) } });
    subs[1].sink.next({ data: { sessionEvents: event(41) } });
    expect(seen).toEqual([11, 41]);
  });

  it('subscribes again later when the server ends or refuses the stream, polling meanwhile', () => {
    const { transport, subs, queries } = stubTransport();
    const modes: LiveMode[] = [];
    const poll = vi.fn();
    const stop = follow(transport, { payload: { query: 'subscription { x }', variables: {} }, onData: () => undefined, onErrors: () => false, poll, onMode: (m) => modes.push(m), pollMs: 1000, retryMs: 10_000 });
    subs[0].sink.error(new Error('gave up'));
    expect(modes.at(-1)).toBe('polling');
    vi.advanceTimersByTime(3000);
    expect(poll).toHaveBeenCalledTimes(3);
    vi.advanceTimersByTime(7000);
    expect(subs).toHaveLength(2);
    expect(modes.at(-1)).toBe('subscription');
    const polled = poll.mock.calls.length;
    vi.advanceTimersByTime(5000);
    expect(poll).toHaveBeenCalledTimes(polled);
    expect(queries).toHaveLength(0);
    stop();
    subs[1].sink.complete();
    vi.advanceTimersByTime(60_000);
    expect(subs).toHaveLength(2);
  });

  it('follows the signed-in person’s inbox without an id, polling what the caller says', async () => {
    const { transport, subs, queries, socket } = stubTransport();
    const seen: number[] = [];
    const poll = vi.fn();
    const inbox = { field: 'myNotifications' } as const;
    const stop = followEvents(transport, inbox, { since: null, onEvent: (e) => seen.push(e.sequence), onMode: () => undefined, poll, pollMs: 1000 });
    expect(subs[0].payload.query).toBe('subscription Follow($since: Int) { myNotifications(since: $since) { sequence kind at actorId subjectId data } }');
    expect(subs[0].payload.variables).toEqual({ since: null });
    subs[0].sink.next({ data: { myNotifications: event(3, 'NOTIFICATION_ADDED', { notificationId: 8 }) } });
    subs[0].sink.next({ data: { myNotifications: event(3, 'NOTIFICATION_ADDED', { notificationId: 8 }) } });
    expect(seen).toEqual([3]);
    expect(subs[0].payload.variables).toEqual({ since: 3 });
    socket(false);
    vi.advanceTimersByTime(2000);
    expect(poll).toHaveBeenCalledTimes(2);
    expect(queries).toHaveLength(0);
    stop();
    expect(streamDocuments(inbox).query).toBeNull();
  });

  it('without a poll of its own, the inbox follower asks nothing over HTTP', async () => {
    const { transport, subs, queries, socket } = stubTransport();
    const stop = followEvents(transport, { field: 'myNotifications' }, { since: 5, onEvent: () => undefined, onMode: () => undefined, pollMs: 1000 });
    expect(subs[0].payload.variables).toEqual({ since: 5 });
    socket(false);
    vi.advanceTimersByTime(3000);
    await flush();
    expect(queries).toHaveLength(0);
    stop();
  });

  it('reads lastSequence from RESYNC_REQUIRED only', () => {
    expect(resyncSequence([{ extensions: { code: 'RESYNC_REQUIRED', lastSequence: 17 } }])).toBe(17);
    expect(resyncSequence([{ extensions: { code: 'NOT_FOUND' } }])).toBeNull();
    expect(resyncSequence(undefined)).toBeNull();
    expect(streamDocuments({ field: 'forumActivity', idArg: 'forumId', id: 1 }).query).toContain('forumEvents(forumId: $id');
  });
});
