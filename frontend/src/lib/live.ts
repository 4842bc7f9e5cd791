import type { AnyVariables, Client, DocumentInput, OperationContext } from '@urql/core';
import { useClient, useQuery, type UseQueryResponse } from '@urql/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { subscriptionFields, type SubscriptionField } from './graphql';

/**
 * What a live view listens to. `fields` are candidate subscription field names, tried in order
 * (e.g. `roundUpdated(roundId:)`); an event on any of them means "this changed, fetch again".
 */
export interface LiveTopic {
  fields: string[];
  args: Record<string, string | number | boolean>;
}

export type LiveMode = 'connecting' | 'subscription' | 'polling' | 'paused';

export const DEFAULT_POLL_MS = 4000;

/** `subscription { roundUpdated(roundId: 7) { __typename } }` */
export function subscriptionDocument(field: SubscriptionField, args: LiveTopic['args']): string {
  const argText = Object.entries(args)
    .map(([name, value]) => `${name}: ${JSON.stringify(value)}`)
    .join(', ');
  return `subscription Live { ${field.name}${argText ? `(${argText})` : ''}${field.needsSelection ? ' { __typename }' : ''} }`;
}

/** Picks the first candidate field the schema has. */
export function pickField(available: Map<string, SubscriptionField>, topic: LiveTopic | undefined): SubscriptionField | undefined {
  if (!topic) return undefined;
  for (const name of topic.fields) {
    const found = available.get(name);
    if (found) return found;
  }
  return undefined;
}

/**
 * Starts watching: subscribes when the schema offers one of the topic's fields, otherwise
 * calls `refresh` every `intervalMs` while the page is visible. Returns a stop function.
 */
export function watch(
  client: Client,
  topic: LiveTopic | undefined,
  refresh: () => void,
  onMode: (mode: LiveMode) => void,
  intervalMs = DEFAULT_POLL_MS,
): () => void {
  let stopped = false;
  let stop = () => {};
  const poll = () => {
    onMode('polling');
    const timer = setInterval(() => {
      if (typeof document === 'undefined' || document.visibilityState !== 'hidden') refresh();
    }, intervalMs);
    stop = () => clearInterval(timer);
  };
  onMode('connecting');
  subscriptionFields(client).then((available) => {
    if (stopped) return;
    const field = pickField(available, topic);
    if (!field || !topic) return poll();
    onMode('subscription');
    const sub = client.subscription(subscriptionDocument(field, topic.args), {}).subscribe((result) => {
      if (result.error) {
        // The socket failed or the server refused: fall back to polling.
        sub.unsubscribe();
        if (!stopped) poll();
      } else {
        refresh();
      }
    });
    stop = () => sub.unsubscribe();
  });
  return () => {
    stopped = true;
    stop();
  };
}

interface LiveArgs<V extends AnyVariables> {
  query: DocumentInput<any, V>;
  variables?: V;
  pause?: boolean;
  topic?: LiveTopic;
  intervalMs?: number;
  /** Set false to render without live updates (e.g. a closed round). */
  live?: boolean;
  requestPolicy?: OperationContext['requestPolicy'];
}

/** useQuery that stays current: by subscription when the server has one, else by polling. */
export function useLiveQuery<Data = any, V extends AnyVariables = AnyVariables>(
  args: LiveArgs<V>,
): [UseQueryResponse<Data, V>[0], UseQueryResponse<Data, V>[1], LiveMode] {
  const [result, reexecute] = useQuery<Data, V>({ query: args.query, variables: args.variables as V, pause: args.pause, requestPolicy: args.requestPolicy } as any);
  const client = useClient();
  const [mode, setMode] = useState<LiveMode>('connecting');
  const latest = useRef(reexecute);
  latest.current = reexecute;
  const topicKey = JSON.stringify(args.topic ?? null);
  const live = args.live !== false && !args.pause;
  useEffect(() => {
    if (!live) {
      setMode('paused');
      return;
    }
    const context: Partial<OperationContext> = { requestPolicy: 'network-only' };
    return watch(client, args.topic, () => latest.current(context), setMode, args.intervalMs);
  }, [client, topicKey, live, args.intervalMs]);
  return [result, reexecute, mode];
}
