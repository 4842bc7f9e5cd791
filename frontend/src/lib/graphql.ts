import { Client, cacheExchange, fetchExchange, subscriptionExchange, gql } from '@urql/core';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';

export const API_PATH = '/graphql';

function wsUrl(path: string): string {
  const { protocol, host } = window.location;
  return `${protocol === 'https:' ? 'wss' : 'ws'}://${host}${path}`;
}

let ws: WsClient | null = null;

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
    retryAttempts: 2,
    connectionParams: () => (token ? { token } : {}),
  });
  ws = socket;
  return new Client({
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
}

/** A subscription field and whether it needs a selection set (object results). */
export interface SubscriptionField {
  name: string;
  needsSelection: boolean;
}

const SUBSCRIPTION_FIELDS = gql`
  query LiveSupport {
    __schema {
      subscriptionType {
        fields {
          name
          type { kind ofType { kind ofType { kind ofType { kind } } } }
        }
      }
    }
  }
`;

interface TypeRef {
  kind: string;
  ofType?: TypeRef | null;
}

function namedKind(type: TypeRef): string {
  let t: TypeRef | null | undefined = type;
  while (t && (t.kind === 'NON_NULL' || t.kind === 'LIST')) t = t.ofType;
  return t?.kind ?? 'SCALAR';
}

const support = new WeakMap<Client, Promise<Map<string, SubscriptionField>>>();

/**
 * The schema's subscription fields, asked once per client. An empty map (no Subscription type
 * yet, or the question failed) means: poll.
 */
export function subscriptionFields(client: Client): Promise<Map<string, SubscriptionField>> {
  let found = support.get(client);
  if (!found) {
    found = client
      .query(SUBSCRIPTION_FIELDS, {}, { requestPolicy: 'network-only' })
      .toPromise()
      .then((result) => {
        const fields: Array<{ name: string; type: TypeRef }> = result.data?.__schema?.subscriptionType?.fields ?? [];
        return new Map(
          fields.map((f) => {
            const kind = namedKind(f.type);
            return [f.name, { name: f.name, needsSelection: kind === 'OBJECT' || kind === 'INTERFACE' || kind === 'UNION' }];
          }),
        );
      })
      .catch(() => new Map());
    support.set(client, found);
  }
  return found;
}
