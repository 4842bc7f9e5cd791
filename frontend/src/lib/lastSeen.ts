import type { Exchange, Operation, OperationResult } from '@urql/core';
import { map, pipe } from 'wonka';
import { unavailableOf } from './retry';
import { storage } from './store';

/**
 * "Pages last seen": the last good answer of the page queries, kept in localStorage, shown when
 * the server cannot be reached (no connection, or a server that is not there for now). The
 * copy goes to the page as a result without an error whose `extensions.lastSeenAt` is when it
 * was kept (`LastSeenNote` says so on the page); the read itself is still retried
 * (retry.ts). Only the queries below are kept, only for the person they were asked for (a
 * different token clears them), and within a few hundred kilobytes.
 *
 * The service worker never caches `/graphql` (its answers depend on who asks); this is the
 * app's own copy, of data the person has already seen.
 */

/** The page queries worth keeping, by operation name. */
export const KEPT_QUERIES = new Set([
  'Me',
  'Home',
  'Forums',
  'Forum',
  'Proposals',
  'MyProposals',
  'Proposal',
  'ProposalPath',
  'Catalogue',
  'Regions',
  'Region',
  'Notifications',
  'UnreadNotificationCount',
  // The complaint channel: the form's categories (to write a report offline), one's reports.
  'ReportCategories',
  'Reports',
  'Report',
]);

export const STORAGE_KEY = 'musrenbang.lastSeen';
export const MAX_ENTRIES = 40;
export const MAX_TOTAL_CHARS = 600_000;
export const MAX_ENTRY_CHARS = 150_000;

interface Entry {
  at: number;
  /** JSON of the data. */
  json: string;
}
interface Stored {
  owner: string;
  entries: Record<string, Entry>;
}

/** Who the copies belong to: a short hash of the token (the token itself is not written twice). */
export function ownerOf(token: string | null): string {
  if (!token) return 'guest';
  let h = 0x811c9dc5;
  for (let i = 0; i < token.length; i++) {
    h ^= token.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return `t${(h >>> 0).toString(36)}${token.length}`;
}

function stable(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  if (value && typeof value === 'object') {
    const keys = Object.keys(value as object)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${stable((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** The operation's name and its variables, key order ignored. */
export function lastSeenKey(name: string, variables: unknown): string {
  return `${name}:${stable(variables ?? {})}`;
}

export function operationName(op: Operation): string {
  for (const d of op.query.definitions) if (d.kind === 'OperationDefinition') return d.name?.value ?? '';
  return '';
}

let memory: Stored | null = null;
let current: string | null = null;

/**
 * Whose copies may be kept and shown from now on (session.ts: the signed-in token's, or a
 * guest's). An answer for anyone else, such as a request of the previous session that lands
 * after signing out, is neither kept nor shown. Until it is set, any owner goes.
 */
export function setLastSeenOwner(owner: string) {
  current = owner;
}

const allowed = (owner: string) => current === null || current === owner;

function read(owner: string): Stored | null {
  if (!memory) {
    try {
      const parsed = JSON.parse(storage.get(STORAGE_KEY) ?? 'null') as Stored | null;
      memory = parsed && typeof parsed.owner === 'string' && parsed.entries ? parsed : { owner, entries: {} };
    } catch {
      memory = { owner, entries: {} };
    }
  }
  // Kept for someone else (another account signed in on this phone since): not shown.
  return memory.owner === owner ? memory : null;
}

function write(stored: Stored) {
  const keys = Object.keys(stored.entries).sort((a, b) => stored.entries[b].at - stored.entries[a].at);
  let total = 0;
  for (const [i, key] of keys.entries()) {
    total += stored.entries[key].json.length + key.length;
    if (i >= MAX_ENTRIES || total > MAX_TOTAL_CHARS) delete stored.entries[key];
  }
  storage.set(STORAGE_KEY, JSON.stringify(stored));
}

/** Keeps the answer of a query for later (the newest first when room runs out). */
export function keep(owner: string, key: string, data: unknown, now: number = Date.now()) {
  if (!allowed(owner)) return;
  const json = JSON.stringify(data);
  if (json.length > MAX_ENTRY_CHARS) return;
  // What was kept for someone else is dropped, not mixed with this person's.
  const stored = read(owner) ?? (memory = { owner, entries: {} });
  const before = stored.entries[key];
  // Polling asks the same thing every few seconds: write only what changed (or is an hour older).
  if (before && before.json === json && now - before.at < 3_600_000) return;
  stored.entries[key] = { at: now, json };
  write(stored);
}

/** The answer kept for this query, if any. */
export function recall(owner: string, key: string): { at: number; data: unknown } | null {
  if (!allowed(owner)) return null;
  const entry = read(owner)?.entries[key];
  if (!entry) return null;
  try {
    return { at: entry.at, data: JSON.parse(entry.json) };
  } catch {
    return null;
  }
}

/** Forgets every copy (signing in or out). */
export function clearLastSeen() {
  memory = null;
  storage.set(STORAGE_KEY, null);
}

/** When the result is a kept copy standing in for an answer that did not come: the time it was kept. */
export function lastSeenAt(result: { extensions?: Record<string, unknown> } | null | undefined): number | null {
  const at = result?.extensions?.lastSeenAt;
  return typeof at === 'number' ? at : null;
}

/**
 * The exchange, between the retry exchange and the network: keeps good answers of the kept
 * queries, and puts the copy in place of an answer that did not come.
 */
export function lastSeenExchange(owner: string): Exchange {
  return ({ forward }) =>
    (ops$) =>
      pipe(
        forward(ops$),
        map((result: OperationResult): OperationResult => {
          const op = result.operation;
          if (op.kind !== 'query') return result;
          const name = operationName(op);
          if (!KEPT_QUERIES.has(name)) return result;
          const key = lastSeenKey(name, op.variables);
          if (result.data && !result.error) {
            keep(owner, key, result.data);
            return result;
          }
          if (!result.error || !unavailableOf(result.error)) return result;
          const copy = recall(owner, key);
          if (!copy) return result;
          return { ...result, data: copy.data, error: undefined, stale: false, extensions: { ...result.extensions, lastSeenAt: copy.at } };
        }),
      );
}
