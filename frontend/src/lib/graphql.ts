import { Client, cacheExchange, fetchExchange, subscriptionExchange } from '@urql/core';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';

export const API_PATH = '/graphql';

function wsUrl(path: string): string {
  const { protocol, host } = window.location;
  return `${protocol === 'https:' ? 'wss' : 'ws'}://${host}${path}`;
}

let ws: WsClient | null = null;
const sockets = new WeakMap<Client, WsClient>();

/**
 * One urql client per signed-in session: queries and mutations over HTTP POST with the bearer
 * token, subscriptions over graphql-ws (graphql-transport-ws) on the same path with the token in
 * the connection_init payload. The socket opens only when a subscription is made.
 */
export function makeClient(
  token: string | null,
  options: { httpUrl?: string; wsUrl?: string; webSocketImpl?: unknown } = {},
): Client {
  ws?.dispose();
  const socket = createWsClient({
    url: options.wsUrl ?? wsUrl(API_PATH),
    webSocketImpl: options.webSocketImpl,
    lazy: true,
    // A phone on a train loses its connection often; keep trying for a while (randomised
    // exponential back-off) before the live layer falls back to polling.
    retryAttempts: 8,
    connectionParams: () => (token ? { token } : {}),
  });
  ws = socket;
  const client = new Client({
    url: options.httpUrl ?? API_PATH,
    preferGetMethod: false,
    requestPolicy: 'cache-and-network',
    fetchOptions: (): RequestInit => ({ headers: token ? { authorization: `Bearer ${token}` } : {} }),
    exchanges: [
      cacheExchange,
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
export function socketOf(client: Client): WsClient | undefined {
  return sockets.get(client);
}
