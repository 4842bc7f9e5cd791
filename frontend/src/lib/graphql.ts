import { Client, cacheExchange, fetchExchange, subscriptionExchange } from '@urql/core';
import type { Client as WsClient, ClientOptions as WsOptions } from 'graphql-ws';
import { lastSeenExchange, ownerOf } from './lastSeen';
import { backoffDelay, retryExchange, setRetrying } from './retry';

export const API_PATH = '/graphql';

function wsUrl(path: string): string {
  const { protocol, host } = window.location;
  return `${protocol === 'https:' ? 'wss' : 'ws'}://${host}${path}`;
}

let disposeSocket: (() => void) | null = null;
const sockets = new WeakMap<Client, LiveSocket>();

/** What the app uses of a graphql-ws client. */
export type LiveSocket = Pick<WsClient, 'on' | 'subscribe' | 'dispose'>;
type SocketEvent = Parameters<WsClient['on']>[0];

/**
 * A graphql-ws client whose code (about 5 kB compressed) is fetched with the first
 * subscription, not with the first screen (issue #16). Listeners given before then are handed
 * on once it is here; a subscription made meanwhile starts then, and errors if the code cannot
 * be fetched (offline before the service worker kept it; the live layer polls meanwhile).
 */
function lazySocket(options: WsOptions): LiveSocket {
  let socket: WsClient | null = null;
  let loading: Promise<WsClient> | null = null;
  let disposed = false;
  const listeners = new Set<{ event: SocketEvent; listener: never; off?: () => void }>();
  const load = () =>
    (loading ??= import('graphql-ws').then(
      ({ createClient }) => {
        const created = createClient(options);
        socket = created;
        for (const entry of listeners) entry.off = created.on(entry.event, entry.listener);
        return created;
      },
      (error: unknown) => {
        loading = null;
        throw error;
      },
    ));
  const on = (event: SocketEvent, listener: never) => {
    const entry: { event: SocketEvent; listener: never; off?: () => void } = { event, listener };
    listeners.add(entry);
    if (socket) entry.off = socket.on(event, listener);
    return () => {
      listeners.delete(entry);
      entry.off?.();
    };
  };
  const subscribe: WsClient['subscribe'] = (payload, sink) => {
    if (socket) return socket.subscribe(payload, sink);
    let off: (() => void) | null = null;
    let ended = false;
    load().then(
      (created) => {
        if (!ended && !disposed) off = created.subscribe(payload, sink);
      },
      (error: unknown) => {
        if (!ended && !disposed) sink.error(error);
      },
    );
    return () => {
      ended = true;
      off?.();
    };
  };
  return {
    on: on as WsClient['on'],
    subscribe,
    dispose: () => {
      disposed = true;
      return socket?.dispose();
    },
  };
}

/**
 * One urql client per signed-in session: queries and mutations over HTTP POST with the bearer
 * token, subscriptions over graphql-ws (graphql-transport-ws) on the same path with the token in
 * the connection_init payload. The socket opens only when a subscription is made.
 */
export function makeClient(
  token: string | null,
  options: { httpUrl?: string; wsUrl?: string; webSocketImpl?: unknown } = {},
): Client {
  disposeSocket?.();
  // The banner's share of this socket: on while graphql-ws waits to reconnect and while that
  // attempt runs, off once a connection is acknowledged or nothing is left to reconnect for.
  // setRetrying publishes a task later, so the gap between a failed attempt and the next
  // wait does not show.
  const retryKey = {};
  let disposed = false;
  let waiting = false;
  let reconnecting = false;
  const update = () => setRetrying(retryKey, !disposed && (waiting || reconnecting));
  const socket = lazySocket({
    url: options.wsUrl ?? wsUrl(API_PATH),
    webSocketImpl: options.webSocketImpl,
    lazy: true,
    // A deploy (close 1001), a database outage (1013 at connection_init) or a phone on a
    // train can last minutes: never give up; the live layer polls over HTTP meanwhile.
    retryAttempts: Infinity,
    // graphql-ws has already failed for good on the fatal close codes (4400, 4401, 4406, 1002,
    // 1011, …) before it asks; its default then retries only close events, not a socket that
    // could not connect at all (a server restarting), which deserves a retry too.
    shouldRetry: () => true,
    retryWait: async (retries) => {
      waiting = true;
      update();
      await new Promise((resolve) => setTimeout(resolve, backoffDelay(retries)));
      // graphql-ws emits `connecting` right after this, unless no subscription is left.
      waiting = false;
      update();
    },
    on: {
      connecting: (isRetry) => {
        reconnecting = isRetry;
        update();
      },
      connected: () => {
        waiting = reconnecting = false;
        update();
      },
      closed: () => {
        reconnecting = false;
        update();
      },
    },
    connectionParams: () => (token ? { token } : {}),
  });
  disposeSocket = () => {
    disposed = true;
    update();
    void socket.dispose();
  };
  const client = new Client({
    url: options.httpUrl ?? API_PATH,
    preferGetMethod: false,
    requestPolicy: 'cache-and-network',
    fetchOptions: (): RequestInit => ({ headers: token ? { authorization: `Bearer ${token}` } : {} }),
    exchanges: [
      cacheExchange,
      retryExchange(),
      // Between the retries and the network: keeps the pages' last answers, stands in for an
      // answer that did not come (lastSeen.ts).
      lastSeenExchange(ownerOf(token)),
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query ?? '' };
          return {
            subscribe(sink) {
              const unsubscribe = socket.subscribe(input, sink);
              return { unsubscribe };
            },
          };
        },
      }),
      fetchExchange,
    ],
  });
  sockets.set(client, socket);
  return client;
}

/**
 * The graphql-ws client behind an urql client. Event streams use it directly rather than
 * through urql because they must change `since` in the payload that graphql-ws re-sends when
 * it reconnects (it serialises the same payload object on every attempt).
 */
export function socketOf(client: Client): LiveSocket | undefined {
  return sockets.get(client);
}
