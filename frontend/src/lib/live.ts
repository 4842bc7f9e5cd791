import type { AnyVariables, Client, DocumentInput, OperationContext } from '@urql/core';
import { useClient, useQuery, type UseQueryResponse } from '@urql/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { LiveEventDataByKind } from './generated/events';
import { socketOf } from './graphql';

/**
 * The live layer. The server streams over graphql-transport-ws on `/graphql`:
 * `sessionEvents(sessionId, since)` and `forumActivity(forumId, since)` are persisted event
 * logs numbered 1, 2, 3, … per stream; `myNotifications(since)` is the signed-in person's own
 * inbox, numbered the same way; `votingTally(roundId)` sends whole totals.
 *
 * Resuming: the follower keeps the last sequence it saw and writes it into the subscription's
 * `since` variable, which graphql-ws re-sends when it reconnects, so a dropped connection
 * replays exactly what was missed. Events at or below that number are dropped (no duplicate).
 * `RESYNC_REQUIRED` (the server's buffer overflowed for this subscriber) hands over to the
 * view, which reloads its whole state and says where to continue.
 *
 * Fallback: while the WebSocket is down (graphql-ws is between retries, or a proxy blocks
 * WebSockets) the follower polls over HTTP every few seconds — the same event log through
 * the `sessionEvents`/`forumEvents` queries, so even polling stays gapless.
 */

/** Each kind of event, as the server names it (`CHAT_MESSAGE`). */
export type LiveEventKind = keyof LiveEventDataByKind;

/**
 * One event of a stream. Its `data` follows from its `kind` (the types are generated from the
 * server's, `src/domain/live_events.rs`), so `switch (event.kind)` narrows `event.data`.
 */
export type LiveEvent = {
  [K in LiveEventKind]: { sequence: number; kind: K; at: string; actorId: number | null; subjectId: number | null; data: LiveEventDataByKind[K] };
}[LiveEventKind];

export const EVENT_FIELDS = 'sequence kind at actorId subjectId data';

export type LiveMode = 'connecting' | 'subscription' | 'polling' | 'paused';

export const DEFAULT_POLL_MS = 4000;

export interface GraphQLResultLike {
  data?: any;
  errors?: ReadonlyArray<{ message?: string; extensions?: Record<string, unknown> }>;
}

/** What the follower needs of the network: graphql-ws for streams, HTTP for polling. */
export interface Transport {
  subscribe(
    payload: { query: string; variables: Record<string, unknown> },
    sink: { next(value: GraphQLResultLike): void; error(error: unknown): void; complete(): void },
  ): () => void;
  query(query: string, variables: Record<string, unknown>): Promise<{ data?: any; error?: unknown }>;
  /** Calls back with false when the socket closes and true when it (re)connects. */
  onSocket(listener: (up: boolean) => void): () => void;
}

export function transportOf(client: Client): Transport {
  const socket = socketOf(client);
  return {
    subscribe: (payload, sink) => (socket ? socket.subscribe(payload, sink as never) : (sink.error(new Error('no socket')), () => undefined)),
    query: (query, variables) =>
      client
        .query(query, variables, { requestPolicy: 'network-only' })
        .toPromise()
        .then((r) => ({ data: r.data, error: r.error })),
    onSocket: (listener) => {
      if (!socket) return () => undefined;
      const off = [socket.on('connected', () => listener(true)), socket.on('closed', () => listener(false))];
      return () => off.forEach((f) => f());
    },
  };
}

/** The `lastSequence` of a RESYNC_REQUIRED error, or null for any other answer. */
export function resyncSequence(errors: GraphQLResultLike['errors']): number | null {
  const found = errors?.find((e) => e.extensions?.code === 'RESYNC_REQUIRED');
  if (!found) return null;
  const last = Number(found.extensions?.lastSequence);
  return Number.isFinite(last) ? last : 0;
}

interface FollowOptions {
  payload: { query: string; variables: Record<string, unknown> };
  /** A result with data. */
  onData(data: any): void;
  /** A result with errors; return true to end this subscription (the caller takes over). */
  onErrors(errors: NonNullable<GraphQLResultLike['errors']>): boolean;
  /** One poll while the socket is down. */
  poll(): Promise<void> | void;
  onMode(mode: LiveMode): void;
  pollMs?: number;
  /** Wait before subscribing again after the server ended the stream or refused it. */
  retryMs?: number;
}

const visible = () => typeof document === 'undefined' || document.visibilityState !== 'hidden';

/**
 * Subscribes, and polls while the subscription cannot deliver (socket down or refused).
 * Returns a stop function.
 */
export function follow(transport: Transport, options: FollowOptions): () => void {
  const pollMs = options.pollMs ?? DEFAULT_POLL_MS;
  const retryMs = options.retryMs ?? 30_000;
  let stopped = false;
  let socketUp = true;
  let subscribed = false;
  let unsubscribe: (() => void) | null = null;
  let retry: ReturnType<typeof setTimeout> | null = null;
  let mode: LiveMode | null = null;
  const setMode = (next: LiveMode) => {
    if (next !== mode && !stopped) options.onMode((mode = next));
  };
  const refreshMode = () => setMode(subscribed && socketUp ? 'subscription' : 'polling');

  const subscribe = () => {
    if (stopped) return;
    subscribed = true;
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      subscribed = false;
      refreshMode();
      if (!stopped) retry = setTimeout(subscribe, retryMs);
    };
    unsubscribe = transport.subscribe(options.payload, {
      next(result) {
        if (ended || stopped) return;
        if (result.errors?.length) {
          if (options.onErrors(result.errors)) {
            ended = true;
            unsubscribe?.();
          }
          return;
        }
        if (result.data) {
          socketUp = true;
          refreshMode();
          options.onData(result.data);
        }
      },
      error: end,
      complete: end,
    });
    refreshMode();
  };

  const offSocket = transport.onSocket((up) => {
    // Back after a drop: catch up at once rather than at the next event (a view that follows
    // "from now on" has nothing to resume from).
    if (up && !socketUp && !stopped) void options.poll();
    socketUp = up;
    refreshMode();
  });
  const timer = setInterval(() => {
    if (!stopped && !(subscribed && socketUp) && visible()) void options.poll();
  }, pollMs);

  setMode('connecting');
  subscribe();
  return () => {
    stopped = true;
    clearInterval(timer);
    if (retry) clearTimeout(retry);
    offSocket();
    unsubscribe?.();
  };
}

/** The event log queries that mirror each stream (for polling). */
const POLL_FIELD: Record<string, string> = { sessionEvents: 'sessionEvents', forumActivity: 'forumEvents' };

export type EventStream =
  | {
      /** `sessionEvents` or `forumActivity`. */
      field: 'sessionEvents' | 'forumActivity';
      /** `sessionId` or `forumId`, and its value. */
      idArg: 'sessionId' | 'forumId';
      id: number;
    }
  | {
      /**
       * A report's changes (`reportEvents`, for those who may see it) or an agency's reports
       * (`agencyReports`, for its staff): `REPORT_STATUS_CHANGED`. No event log query to poll:
       * the follower re-fetches its view instead.
       */
      field: 'reportEvents' | 'agencyReports';
      idArg: 'reportId' | 'agencyId';
      id: number;
    }
  | {
      /**
       * The signed-in person's own inbox (`NOTIFICATION_ADDED`), or every report's status
       * changes for staff queues (`reportQueue`): no id, and no event log query to poll, so
       * its follower must say what to poll (e.g. re-fetch the unread count).
       */
      field: 'myNotifications' | 'reportQueue';
      idArg?: undefined;
      id?: undefined;
    };

export function streamDocuments(stream: EventStream): { subscription: string; query: string | null } {
  if (!stream.idArg) {
    return { subscription: `subscription Follow($since: Int) { ${stream.field}(since: $since) { ${EVENT_FIELDS} } }`, query: null };
  }
  return {
    subscription: `subscription Follow($id: Int!, $since: Int) { ${stream.field}(${stream.idArg}: $id, since: $since) { ${EVENT_FIELDS} } }`,
    query:
      stream.field in POLL_FIELD
        ? `query Events($id: Int!, $since: Int!) { ${POLL_FIELD[stream.field]}(${stream.idArg}: $id, since: $since, first: 500) { ${EVENT_FIELDS} } }`
        : null,
  };
}

function streamVariables(stream: EventStream, since: number | null): Record<string, unknown> {
  return stream.idArg ? { id: stream.id, since } : { since };
}

export interface EventFollowOptions {
  /** The last sequence already applied; null: from now on (live only). */
  since: number | null;
  onEvent(event: LiveEvent): void;
  /**
   * RESYNC_REQUIRED: reload the whole state and resolve with its sequence to continue after
   * (`lastSequence` is the server's, from the error). Without it, the follower simply resumes
   * after the last event it applied.
   */
  onResync?: (lastSequence: number) => Promise<number>;
  onMode(mode: LiveMode): void;
  /** Replaces the default poll (the event log query), e.g. to re-fetch a view instead. */
  poll?: () => void;
  pollMs?: number;
}

/**
 * Follows a persisted event stream gaplessly: every event exactly once, in order, across
 * reconnects, fallbacks and resyncs. Returns a stop function.
 */
export function followEvents(transport: Transport, stream: EventStream, options: EventFollowOptions): () => void {
  const documents = streamDocuments(stream);
  const payload = { query: documents.subscription, variables: streamVariables(stream, options.since) };
  let last = options.since;
  let stop: () => void = () => undefined;
  let stopped = false;
  let resyncing = false;

  const deliver = (event: LiveEvent | null | undefined) => {
    if (!event || resyncing) return;
    if (last !== null && event.sequence <= last) return;
    last = event.sequence;
    // graphql-ws serialises this object again on every reconnect: resume after `last`.
    payload.variables.since = last;
    options.onEvent(event);
  };

  const start = () => {
    stop = follow(transport, {
      payload,
      pollMs: options.pollMs,
      onMode: options.onMode,
      onData: (data) => deliver(data?.[stream.field]),
      onErrors: (errors) => {
        const resync = resyncSequence(errors);
        if (resync === null) return false;
        resyncing = true;
        stop();
        const reload = options.onResync ? options.onResync(resync) : Promise.resolve(last ?? resync);
        reload.then(
          (since) => {
            if (stopped) return;
            resyncing = false;
            last = since;
            payload.variables.since = since;
            start();
          },
          () => {
            resyncing = false;
            if (!stopped) start();
          },
        );
        return true;
      },
      poll:
        options.poll ??
        (async () => {
          if (last === null || documents.query === null) return;
          const result = await transport.query(documents.query, streamVariables(stream, last));
          for (const event of (result.data?.[POLL_FIELD[stream.field]] ?? []) as LiveEvent[]) deliver(event);
        }),
    });
  };
  start();
  return () => {
    stopped = true;
    stop();
  };
}

/** A view's query that refetches when something happens on its topic. */
export interface LiveTopic {
  stream: EventStream;
  /** Which events concern the view (all by default). */
  filter?: (event: LiveEvent) => boolean;
}

interface LiveArgs<V extends AnyVariables> {
  query: DocumentInput<any, V>;
  variables?: V;
  pause?: boolean;
  /** A function of the loaded data when the stream depends on it (a proposal's forum). */
  topic?: LiveTopic | ((data: any) => LiveTopic | undefined);
  intervalMs?: number;
  /** Set false to render without live updates (e.g. a closed round). */
  live?: boolean;
  requestPolicy?: OperationContext['requestPolicy'];
}

/**
 * useQuery that stays current: each event of the topic's stream that concerns the view
 * re-fetches it; while the socket is down, the query itself is polled.
 */
export function useLiveQuery<Data = any, V extends AnyVariables = AnyVariables>(
  args: LiveArgs<V>,
): [UseQueryResponse<Data, V>[0], UseQueryResponse<Data, V>[1], LiveMode] {
  const [result, reexecute] = useQuery<Data, V>({ query: args.query, variables: args.variables as V, pause: args.pause, requestPolicy: args.requestPolicy } as any);
  const client = useClient();
  const [mode, setMode] = useState<LiveMode>('connecting');
  const topic = typeof args.topic === 'function' ? args.topic(result.data) : args.topic;
  const latest = useRef({ reexecute, filter: topic?.filter });
  latest.current = { reexecute, filter: topic?.filter };
  const stream = topic?.stream;
  const live = args.live !== false && !args.pause && !!stream;
  useEffect(() => {
    if (!live || !stream) {
      setMode('paused');
      return;
    }
    const refresh = () => latest.current.reexecute({ requestPolicy: 'network-only' });
    return followEvents(transportOf(client), stream, {
      since: null,
      onMode: setMode,
      onEvent: (event) => {
        if (latest.current.filter?.(event) ?? true) refresh();
      },
      poll: refresh,
      pollMs: args.intervalMs,
    });
  }, [client, live, stream?.field, stream?.id, args.intervalMs]);
  return [result, reexecute, mode];
}
