import { makeOperation, type CombinedError, type Exchange, type Operation, type OperationResult } from '@urql/core';
import { filter, makeSubject, merge, onEnd, onPush, pipe } from 'wonka';
import { createStore } from './store';

/**
 * Riding out a server that is restarting or cannot reach its database. The server answers
 * HTTP 503 with `Retry-After` and `extensions.code = "UNAVAILABLE"` (also inside a 200), a
 * proxy in front of it 502/503/504 without a body, and a restarting server no answer at all.
 * Reads are asked again with growing waits; writes never are, since one may already have
 * happened (errors.ts words their refusal instead).
 */

export const BASE_DELAY_MS = 1000;
export const MAX_DELAY_MS = 30_000;
/** How long one query keeps trying before its page shows the error. */
export const GIVE_UP_AFTER_MS = 5 * 60_000;

/**
 * The wait before retry number `attempt` (0 for the first): 1 s, 2 s, 4 s … up to 30 s, each
 * shortened at random by up to a quarter, and never sooner than the server asked for.
 */
export function backoffDelay(attempt: number, retryAfterSeconds?: number, random: () => number = Math.random): number {
  const r = random();
  // Clients that failed together must not come back together: spread them below the step
  // (so the cap holds) and, when the server named a time, just after it.
  const exponential = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.max(0, attempt)) * (0.75 + 0.25 * r);
  const asked = retryAfterSeconds && retryAfterSeconds > 0 ? retryAfterSeconds * 1000 * (1 + 0.2 * r) : 0;
  return Math.round(Math.max(exponential, asked));
}

/** `Retry-After` in seconds: delta-seconds or an HTTP date. */
export function parseRetryAfter(header: string | null | undefined, now: number = Date.now()): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

/** Statuses that mean "the server (or the one behind the proxy) is not there right now". */
export const UNAVAILABLE_STATUSES = [502, 503, 504];

interface ResponseLike {
  status?: number;
  headers?: { get(name: string): string | null };
}

/**
 * Whether a failed request met an unavailable server, and how long it asked us to wait: an
 * UNAVAILABLE error (any status), or a 502/503/504. A request that got no answer at all is
 * told apart by `unanswered` because only reads may treat it as one.
 */
export function unavailableOf(error: CombinedError | null | undefined): { retryAfterSeconds?: number; unanswered?: boolean } | null {
  if (!error) return null;
  const response = error.response as ResponseLike | undefined;
  const header = parseRetryAfter(response?.headers?.get?.('retry-after'));
  const coded = error.graphQLErrors?.find((e) => e.extensions?.code === 'UNAVAILABLE');
  if (coded) {
    const seconds = coded.extensions.retryAfterSeconds;
    return { retryAfterSeconds: typeof seconds === 'number' ? seconds : header };
  }
  if (typeof response?.status === 'number' && UNAVAILABLE_STATUSES.includes(response.status)) {
    // A 503 that carries other GraphQL errors is still the server refusing for now; a 502/504
    // with errors inside came from the server itself, so those errors are its answer.
    if (response.status === 503 || !error.graphQLErrors?.length) return { retryAfterSeconds: header };
    return null;
  }
  if (error.networkError && !response) return { unanswered: true };
  return null;
}

// What the banner shows: anything waiting to be asked again (a query's key, a socket). The
// published value settles a task later, so a socket that fails one attempt and starts waiting
// for the next does not make the banner blink.
const pending = new Set<unknown>();
export const retryingStore = createStore(false);
let settle: ReturnType<typeof setTimeout> | null = null;

export function setRetrying(key: unknown, on: boolean) {
  if (on) pending.add(key);
  else pending.delete(key);
  settle ??= setTimeout(() => {
    settle = null;
    retryingStore.set(pending.size > 0);
  }, 0);
}

interface Retry {
  attempt: number;
  since: number;
  timer: ReturnType<typeof setTimeout> | null;
  operation: Operation;
}

export interface RetryOptions {
  delay?: (attempt: number, retryAfterSeconds?: number) => number;
  giveUpAfterMs?: number;
  now?: () => number;
}

/**
 * An exchange that asks a query again while the server is unavailable (see `unavailableOf`)
 * and holds its failed results back meanwhile, so the page keeps loading instead of showing
 * an error. Mutations and subscriptions pass untouched. Once any request succeeds the server
 * is evidently back, and every waiting query is asked at once rather than at its timer; so
 * they are when the phone's `online` event says the connection returned. A query answered by
 * the copy kept from an earlier visit (lastSeen.ts) shows that copy while it is retried.
 */
export function retryExchange(options: RetryOptions = {}): Exchange {
  const delay = options.delay ?? backoffDelay;
  const giveUpAfterMs = options.giveUpAfterMs ?? GIVE_UP_AFTER_MS;
  const now = options.now ?? Date.now;
  return ({ forward }) =>
    (ops$) => {
      const retries = new Map<number, Retry>();
      const again = makeSubject<Operation>();
      const dispatch = (retry: Retry) => {
        retry.timer = null;
        again.next(retry.operation);
      };
      const forget = (key: number) => {
        const retry = retries.get(key);
        if (!retry) return;
        if (retry.timer) clearTimeout(retry.timer);
        retries.delete(key);
        setRetrying(retries, retries.size > 0);
      };
      const incoming = pipe(
        ops$,
        onPush((op) => {
          if (op.kind === 'teardown') forget(op.key);
        }),
        // The same query asked again (a poll, a re-render) while its retry is waiting: the
        // retry will answer it; sending it now too would only add to the load.
        filter((op) => !(op.kind === 'query' && retries.get(op.key)?.timer)),
      );
      // The phone says its connection is back: ask every waiting query now, not at its timer.
      const everyoneNow = () => {
        for (const waiting of retries.values()) {
          if (waiting.timer) {
            clearTimeout(waiting.timer);
            dispatch(waiting);
          }
        }
      };
      const win = typeof window !== 'undefined' ? window : null;
      win?.addEventListener('online', everyoneNow);
      return pipe(
        forward(merge([incoming, again.source])),
        filter((result: OperationResult) => {
          const op = result.operation;
          // The copy kept from an earlier visit (lastSeen.ts) standing in for an answer that did
          // not come: the page shows it meanwhile, and the query is still asked again, without
          // giving up (the page has something to show, so it never turns into an error).
          const standIn = typeof result.extensions?.lastSeenAt === 'number';
          const fault = standIn ? { retryAfterSeconds: undefined } : unavailableOf(result.error);
          if (!fault) {
            forget(op.key);
            everyoneNow();
            return true;
          }
          if (op.kind !== 'query') return true;
          const previous = retries.get(op.key);
          const retry: Retry = previous ?? { attempt: 0, since: now(), timer: null, operation: op };
          const wait = delay(retry.attempt, fault.retryAfterSeconds);
          if (!standIn && now() + wait - retry.since > giveUpAfterMs) {
            forget(op.key);
            return true;
          }
          retry.operation = makeOperation('query', op, { ...op.context, requestPolicy: 'network-only' });
          retry.attempt += 1;
          retry.timer = setTimeout(() => dispatch(retry), wait);
          retries.set(op.key, retry);
          setRetrying(retries, true);
          return standIn;
        }),
        onEnd(() => win?.removeEventListener('online', everyoneNow)),
      );
    };
}
