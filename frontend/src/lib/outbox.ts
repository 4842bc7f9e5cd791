import type { Client, DocumentInput } from '@urql/core';
import { toApiError, type ApiError } from './errors';
import { isOnline } from './online';
import { ADD_COMMENT, CREATE_PROPOSAL, FILE_REPORT, TRANSITION } from './queries';
import { backoffDelay } from './retry';
import { createStore, storage } from './store';

/**
 * The offline queue ("Menunggu dikirim"): a proposal, comment or report written without a connection,
 * or whose sending met no answer, is kept on the phone (localStorage) and sent when the
 * connection returns, oldest first, one at a time.
 *
 * No duplicates: every write gets an idempotency key when it is queued (before its first try)
 * and carries it on every try; the server answers a key it has seen with what the first try
 * made (`createProposal(…, idempotencyKey)`, `addComment(…, idempotencyKey)`,
 * `fileReport(…, idempotencyKey)`). So a try whose
 * answer was lost (a timeout, the signal dropping mid-request) can safely be made again.
 *
 * Sending from a form goes through the queue too: the item is written down first, then sent
 * at once; when the server refuses it (BAD_USER_INPUT …) the form shows why and the item is
 * dropped (the person is there to fix it). An item refused later, from the queue, stays,
 * marked with the server's message, and is not tried again by itself.
 */

export const OUTBOX_KEY = 'musrenbang.outbox';
/** A try without an answer by then counts as "no answer" (it may still arrive: the key makes that safe). */
export const SEND_TIMEOUT_MS = 45_000;
/** INTERNAL_SERVER_ERROR is tried again this many times, then shown as refused. */
export const MAX_SERVER_ERRORS = 5;
export const DEFAULT_INTERVAL_MS = 15_000;

export interface CommentWrite {
  kind: 'comment';
  proposalId: number;
  parentId: number | null;
  body: string;
  /** For the list: what the comment is about. */
  proposalTitle?: string | null;
  /**
   * Photos chosen with it that are not queued (files do not go into the queue): the waiting
   * comment says that they need adding once it is sent.
   */
  photosLeft?: number;
}

export interface ProposalWrite {
  kind: 'proposal';
  /** `CreateProposalInput`. */
  input: Record<string, unknown>;
  /** Submit it (`transitionProposal(to: SUBMITTED)`) once created. */
  submit: boolean;
  title: string;
}

/** A resident's report (laporan): `fileReport(input, idempotencyKey)`. Its photos are not queued (they are added on the report's page once it is filed). */
export interface ReportWrite {
  kind: 'report';
  /** `FileReportInput`. */
  input: Record<string, unknown>;
  title: string;
}

export type Write = CommentWrite | ProposalWrite | ReportWrite;

interface ItemState {
  /** The idempotency key, made when the item was queued. */
  key: string;
  /** The account that wrote it: only that account sends it (and sees it). */
  owner: number;
  createdAt: number;
  state: 'waiting' | 'refused';
  /** The last problem: why it waits (server busy) or why it was refused. */
  error: ApiError | null;
  tries: number;
  /** Not before (ms since the epoch), unless forced (the connection came back, "Kirim sekarang"). */
  nextAt: number;
}

export type OutboxItem = ItemState &
  (CommentWrite | ReportWrite | (ProposalWrite & { createdId?: number; code?: string; transitionTried?: boolean }));

export type Outcome =
  | { status: 'sent'; item: OutboxItem; comment?: any; proposal?: { id: number; code: string; submitted: boolean | null }; report?: { id: number; code: string } }
  | { status: 'queued'; item: OutboxItem; error?: ApiError | null }
  | { status: 'refused'; item: OutboxItem; error: ApiError };

/** What was sent from the queue (not from the form in front of the person), for the panel. */
export interface SentNote {
  key: string;
  kind: Write['kind'];
  text: string;
  /** The proposal (the report, for a report) it made or was about. */
  proposalId: number;
  /** A proposal: submitted (true), left a draft (false), unknown (null). */
  submitted?: boolean | null;
  at: number;
}

/** A key as the server takes them (16–64 of A–Z a–z 0–9 - _): a UUID where the browser makes one. */
export function newKey(): string {
  const c = globalThis.crypto;
  // randomUUID exists only in secure contexts (https, localhost); getRandomValues everywhere.
  if (typeof c?.randomUUID === 'function') return c.randomUUID();
  const bytes = new Uint8Array(16);
  if (typeof c?.getRandomValues === 'function') c.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function load(): OutboxItem[] {
  try {
    const parsed = JSON.parse(storage.get(OUTBOX_KEY) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter((i) => i && typeof i.key === 'string' && (i.kind === 'comment' || i.kind === 'proposal' || i.kind === 'report')) : [];
  } catch {
    return [];
  }
}

export const outboxStore = createStore<OutboxItem[]>(load());
export const sentStore = createStore<SentNote[]>([]);

function save(items: OutboxItem[]) {
  storage.set(OUTBOX_KEY, items.length ? JSON.stringify(items) : null);
  outboxStore.set(items);
}

// Another tab of the app sent or queued something.
if (typeof window !== 'undefined') {
  window.addEventListener('storage', (e) => {
    if (e.key === OUTBOX_KEY) outboxStore.set(load());
  });
}

const find = (key: string) => outboxStore.get().find((i) => i.key === key);

function patch(key: string, change: Partial<OutboxItem>): OutboxItem | undefined {
  let found: OutboxItem | undefined;
  save(outboxStore.get().map((i) => (i.key === key ? (found = { ...i, ...change } as OutboxItem) : i)));
  return found;
}

/** The items of one account, oldest first (without those on their first try from a form, given `firstTry`). */
export function itemsOf(items: OutboxItem[], owner: number | null | undefined, firstTry?: ReadonlySet<string>): OutboxItem[] {
  return owner == null ? [] : items.filter((i) => i.owner === owner && !firstTry?.has(i.key));
}

/** Writes a new item down (with its key); it is sent by `flush`. */
export function enqueue(owner: number, write: Write, now: number = Date.now()): OutboxItem {
  const item = { ...write, key: newKey(), owner, createdAt: now, state: 'waiting', error: null, tries: 0, nextAt: 0 } as OutboxItem;
  save([...outboxStore.get(), item]);
  return item;
}

/** Takes an item out of the queue (the person's "Hapus", or sent). */
export function discard(key: string) {
  if (find(key)) save(outboxStore.get().filter((i) => i.key !== key));
}

/** Forgets everything (tests). */
export function resetOutbox() {
  save([]);
  sentStore.set([]);
}

/** Whether a problem means "not sent yet, try again later" rather than "refused". */
function stillWaits(error: ApiError, tries: number): boolean {
  switch (error.code) {
    case 'NETWORK':
    case 'UNAVAILABLE':
    case 'RATE_LIMITED':
      return true;
    case 'INTERNAL_SERVER_ERROR':
      return tries < MAX_SERVER_ERRORS;
    default:
      return false;
  }
}

const NO_ANSWER: ApiError = { code: 'NETWORK', message: 'no answer in time', fields: [] };

async function mutate(client: Client, document: DocumentInput<any, any>, variables: Record<string, unknown>): Promise<{ data: any; error: ApiError | null }> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), SEND_TIMEOUT_MS);
  });
  try {
    const result = await Promise.race([client.mutation(document, variables).toPromise(), late]);
    if (!result) return { data: null, error: NO_ANSWER };
    const error = toApiError(result.error);
    return { data: result.data, error: error ?? (result.data ? null : NO_ANSWER) };
  } catch (e) {
    return { data: null, error: { ...NO_ANSWER, message: String(e) } };
  } finally {
    clearTimeout(timer);
  }
}

function failed(item: OutboxItem, error: ApiError, now: number): Outcome {
  const tries = item.tries + 1;
  if (stillWaits(error, tries)) {
    const next = patch(item.key, { state: 'waiting', error, tries, nextAt: now + backoffDelay(tries - 1, error.retryAfterSeconds) }) ?? item;
    return { status: 'queued', item: next, error };
  }
  const next = patch(item.key, { state: 'refused', error, tries }) ?? item;
  return { status: 'refused', item: next, error };
}

const inFlight = new Set<string>();
/**
 * Keys being sent for the first time, straight from a form: not shown as waiting (the panel
 * would flash on every comment posted with a good signal), unless that try finds no answer.
 */
export const firstTryStore = createStore<ReadonlySet<string>>(new Set());
const setFirstTry = (key: string, on: boolean) => {
  const next = new Set(firstTryStore.get());
  if (on) next.add(key);
  else next.delete(key);
  firstTryStore.set(next);
};

/** One try of one item. null when it is gone or already being sent. */
async function deliver(client: Client, key: string): Promise<Outcome | null> {
  let item = find(key);
  if (!item || inFlight.has(key)) return null;
  inFlight.add(key);
  try {
    if (item.kind === 'comment') {
      const r = await mutate(client, ADD_COMMENT, { proposalId: item.proposalId, parentId: item.parentId, body: item.body, idempotencyKey: item.key });
      if (r.error || !r.data?.addComment) return failed(find(key) ?? item, r.error ?? NO_ANSWER, Date.now());
      discard(key);
      return { status: 'sent', item, comment: r.data.addComment };
    }
    if (item.kind === 'report') {
      const r = await mutate(client, FILE_REPORT, { input: item.input, idempotencyKey: item.key });
      const filed = r.data?.fileReport;
      if (r.error || !filed) return failed(find(key) ?? item, r.error ?? NO_ANSWER, Date.now());
      discard(key);
      return { status: 'sent', item, report: { id: filed.id, code: filed.code } };
    }
    if (item.createdId == null) {
      const r = await mutate(client, CREATE_PROPOSAL, { input: item.input, idempotencyKey: item.key });
      const created = r.data?.createProposal;
      if (r.error || !created) return failed(find(key) ?? item, r.error ?? NO_ANSWER, Date.now());
      item = (patch(key, { createdId: created.id, code: created.code, error: null, tries: 0, nextAt: 0 }) ?? { ...item, createdId: created.id, code: created.code }) as OutboxItem;
      if (item.kind !== 'proposal') return null;
      if (!item.submit || created.status !== 'DRAFT') {
        discard(key);
        return { status: 'sent', item, proposal: { id: created.id, code: created.code, submitted: item.submit ? true : false } };
      }
    }
    if (item.kind !== 'proposal') return null;
    const id = item.createdId!;
    const code = item.code ?? '';
    if (!item.submit) {
      discard(key);
      return { status: 'sent', item, proposal: { id, code, submitted: false } };
    }
    const triedBefore = !!item.transitionTried;
    item = (patch(key, { transitionTried: true }) ?? item) as OutboxItem;
    const r = await mutate(client, TRANSITION, { input: { proposalId: id, to: 'SUBMITTED' } });
    if (r.error && stillWaits(r.error, item.tries + 1)) return failed(find(key) ?? item, r.error, Date.now());
    discard(key);
    // Refused: it cannot be submitted now (it stays a draft, the proposal page says why), or
    // an earlier try whose answer was lost did submit it: from here one cannot tell which.
    return { status: 'sent', item, proposal: { id, code, submitted: r.error ? (triedBefore ? null : false) : true } };
  } finally {
    inFlight.delete(key);
  }
}

let chain: Promise<unknown> = Promise.resolve();
/** What became of a form's write that another pass (the queue's timer, `online`) happened to send. */
const firstTries = new Map<string, Outcome>();

/**
 * Sends the account's waiting items, oldest first, one at a time, stopping at the first that
 * finds no connection (the later ones wait behind it, so they arrive in order). Refused items
 * are passed over. Without `force`, an item waits out its backoff first. Passes never overlap.
 */
export function flush(client: Client, owner: number, options: { force?: boolean; now?: () => number } = {}): Promise<Outcome[]> {
  const run = chain.then(() => pass(client, owner, options.force ?? false, options.now ?? Date.now));
  chain = run.catch(() => undefined);
  return run;
}

async function pass(client: Client, owner: number, force: boolean, now: () => number): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  if (!isOnline()) return outcomes;
  const tried = new Set<string>();
  for (;;) {
    const next = outboxStore.get().find((i) => i.owner === owner && i.state === 'waiting' && !tried.has(i.key));
    if (!next || (!force && next.nextAt > now())) break;
    tried.add(next.key);
    const outcome = await deliver(client, next.key);
    if (!outcome) continue;
    outcomes.push(outcome);
    if (firstTryStore.get().has(next.key)) firstTries.set(next.key, outcome);
    if (outcome.status === 'queued') break;
  }
  return outcomes;
}

const sentListeners = new Set<(note: SentNote) => void>();

/** Calls back for each item sent from the queue (a proposal page refreshes its comments). */
export function onSent(listener: (note: SentNote) => void): () => void {
  sentListeners.add(listener);
  return () => sentListeners.delete(listener);
}

function noteSent(outcomes: Outcome[], except?: string) {
  for (const o of outcomes) {
    // A form's own write is the form's to report.
    if (o.status !== 'sent' || o.item.key === except || firstTryStore.get().has(o.item.key)) continue;
    const note: SentNote =
      o.item.kind === 'comment'
        ? { key: o.item.key, kind: 'comment', text: o.item.body, proposalId: o.item.proposalId, at: Date.now() }
        : o.item.kind === 'report'
          ? { key: o.item.key, kind: 'report', text: o.item.title, proposalId: o.report!.id, at: Date.now() }
          : { key: o.item.key, kind: 'proposal', text: o.item.title, proposalId: o.proposal!.id, submitted: o.proposal!.submitted, at: Date.now() };
    sentStore.set([note, ...sentStore.get()].slice(0, 5));
    for (const listener of [...sentListeners]) listener(note);
  }
}

export function dismissSent(key: string) {
  sentStore.set(sentStore.get().filter((n) => n.key !== key));
}

/**
 * Sends a write now, through the queue: written down first (with its key), then sent after
 * any older item still waiting. "sent" carries the server's answer; "queued" means it waits
 * for the connection; "refused" carries the server's reason, and the item is dropped (the
 * form in front of the person shows it).
 */
export async function submitWrite(client: Client, owner: number, write: Write): Promise<Outcome> {
  const online = isOnline();
  const item = enqueue(owner, write);
  if (!online) return { status: 'queued', item };
  setFirstTry(item.key, true);
  let outcomes: Outcome[] = [];
  let mine: Outcome | undefined;
  try {
    outcomes = await flush(client, owner, { force: true });
    mine = outcomes.find((o) => o.item.key === item.key) ?? firstTries.get(item.key);
  } finally {
    firstTries.delete(item.key);
    setFirstTry(item.key, false);
  }
  noteSent(outcomes, item.key);
  mine ??= { status: 'queued', item: find(item.key) ?? item };
  if (mine.status === 'refused') discard(item.key);
  return mine;
}

/** "Kirim sekarang": every waiting item, without waiting out its backoff. */
export async function sendNow(client: Client, owner: number): Promise<Outcome[]> {
  const outcomes = await flush(client, owner, { force: true });
  noteSent(outcomes);
  return outcomes;
}

/** "Kirim lagi": a refused item is tried again (after the person signed in again, say). */
export async function retryItem(client: Client, owner: number, key: string): Promise<Outcome[]> {
  patch(key, { state: 'waiting', error: null, nextAt: 0 });
  const outcomes = await flush(client, owner, { force: true });
  noteSent(outcomes);
  return outcomes;
}

/**
 * Runs the queue for a signed-in account: now, whenever the connection returns (`online`),
 * when the app comes back to the foreground, and every `intervalMs` (items wait out their
 * backoff). Items refused for want of a valid sign-in are tried again, since the account has
 * evidently signed in. Returns the function that stops it.
 */
export function watchOutbox(client: Client, owner: number, options: { intervalMs?: number } = {}): () => void {
  const stale = outboxStore.get().filter((i) => i.owner === owner && i.state === 'refused' && i.error?.code === 'UNAUTHENTICATED');
  for (const i of stale) patch(i.key, { state: 'waiting', error: null, nextAt: 0 });
  const run = (force: boolean) => {
    if (!outboxStore.get().some((i) => i.owner === owner && i.state === 'waiting')) return;
    void flush(client, owner, { force }).then((outcomes) => noteSent(outcomes));
  };
  const onOnline = () => run(true);
  const onVisible = () => {
    if (document.visibilityState === 'visible') run(false);
  };
  window.addEventListener('online', onOnline);
  document.addEventListener('visibilitychange', onVisible);
  const timer = setInterval(() => run(false), options.intervalMs ?? DEFAULT_INTERVAL_MS);
  run(true);
  return () => {
    window.removeEventListener('online', onOnline);
    document.removeEventListener('visibilitychange', onVisible);
    clearInterval(timer);
  };
}
