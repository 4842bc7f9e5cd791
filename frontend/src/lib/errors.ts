import type { CombinedError } from '@urql/core';
import { t, type Locale, localeStore } from './i18n';
import { unavailableOf } from './retry';

/**
 * The documented `extensions.code` values (README, "Error codes"), plus NETWORK for no answer.
 * UNAVAILABLE also stands for a bare 502/503/504 (a proxy's page, no GraphQL body).
 */
export const ERROR_CODES = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'BAD_USER_INPUT',
  'CONFLICT',
  'FAILED_PRECONDITION',
  'RATE_LIMITED',
  'UNAVAILABLE',
  'INTERNAL_SERVER_ERROR',
  'NETWORK',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface FieldProblem {
  field: string;
  code: string;
  message: string;
}

export interface ApiError {
  code: ErrorCode;
  /** The server's message (English); shown as detail where it explains a rule. */
  message: string;
  fields: FieldProblem[];
  retryAfterSeconds?: number;
}

interface GraphQLErrorLike {
  message: string;
  extensions?: Record<string, unknown>;
}

function asCode(value: unknown): ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value) ? (value as ErrorCode) : 'INTERNAL_SERVER_ERROR';
}

/** Reads the first GraphQL error (or the network failure) into one shape. */
export function toApiError(error: CombinedError | null | undefined): ApiError | null {
  if (!error) return null;
  const unavailable = unavailableOf(error);
  const first: GraphQLErrorLike | undefined = error.graphQLErrors?.[0];
  if (unavailable && !unavailable.unanswered && first?.extensions?.code !== 'UNAVAILABLE') {
    // A server that is not there for now (a write, which is never retried, or a read that ran
    // out of retries): say when to try again, not "check your connection".
    return { code: 'UNAVAILABLE', message: first?.message ?? error.networkError?.message ?? error.message, fields: [], retryAfterSeconds: unavailable.retryAfterSeconds };
  }
  if (!first) {
    return { code: 'NETWORK', message: error.networkError?.message ?? error.message, fields: [] };
  }
  const ext = first.extensions ?? {};
  const fields = Array.isArray(ext.fields)
    ? (ext.fields as unknown[]).filter((f): f is FieldProblem => !!f && typeof (f as FieldProblem).field === 'string')
    : [];
  const retry = typeof ext.retryAfterSeconds === 'number' ? ext.retryAfterSeconds : ext.code === 'UNAVAILABLE' ? unavailable?.retryAfterSeconds : undefined;
  // Errors without a code come from the GraphQL layer itself (syntax, validation): input problems.
  const code = ext.code === undefined ? 'BAD_USER_INPUT' : asCode(ext.code);
  return { code, message: first.message, fields, retryAfterSeconds: retry };
}

/** The sentence a person reads for an error code. */
export function codeMessage(code: ErrorCode, locale: Locale = localeStore.get(), retryAfterSeconds?: number): string {
  switch (code) {
    case 'UNAUTHENTICATED':
      return t('error.UNAUTHENTICATED', undefined, locale);
    case 'FORBIDDEN':
      return t('error.FORBIDDEN', undefined, locale);
    case 'NOT_FOUND':
      return t('error.NOT_FOUND', undefined, locale);
    case 'BAD_USER_INPUT':
      return t('error.BAD_USER_INPUT', undefined, locale);
    case 'CONFLICT':
      return t('error.CONFLICT', undefined, locale);
    case 'FAILED_PRECONDITION':
      return t('error.FAILED_PRECONDITION', undefined, locale);
    case 'RATE_LIMITED':
      return retryAfterSeconds !== undefined
        ? t('error.RATE_LIMITED_wait', { minutes: Math.max(1, Math.ceil(retryAfterSeconds / 60)) }, locale)
        : t('error.RATE_LIMITED', undefined, locale);
    case 'UNAVAILABLE':
      return retryAfterSeconds !== undefined && retryAfterSeconds > 0
        ? t('error.UNAVAILABLE_wait', { seconds: Math.ceil(retryAfterSeconds) }, locale)
        : t('error.UNAVAILABLE', undefined, locale);
    case 'NETWORK':
      return t('error.NETWORK', undefined, locale);
    default:
      return t('error.INTERNAL_SERVER_ERROR', undefined, locale);
  }
}

/** Codes whose server message explains which rule applied (worth showing as detail). */
export function hasUsefulDetail(error: ApiError): boolean {
  return ['FORBIDDEN', 'FAILED_PRECONDITION', 'CONFLICT'].includes(error.code) || (error.code === 'BAD_USER_INPUT' && error.fields.length === 0);
}

const patterns: Array<[RegExp, (m: RegExpMatchArray, locale: Locale) => string]> = [
  [/^must be (\d+) to (\d+) characters long$/, (m, l) => t('field.lengthBetween', { min: m[1], max: m[2] }, l)],
  // "say in 5 to 1000 characters why …" (contesting or annulling a paper ballot)
  [/^say in (\d+) to (\d+) characters\b/, (m, l) => t('field.lengthBetween', { min: m[1], max: m[2] }, l)],
  [/^must be at least (\d+) characters long$/, (m, l) => t('field.lengthMin', { min: m[1] }, l)],
  [/^must be at most (\d+) characters long$/, (m, l) => t('field.lengthMax', { max: m[1] }, l)],
  [/^must be between (\S+) and (\S+)$/, (m, l) => t('field.rangeBetween', { min: m[1], max: m[2] }, l)],
  [/^must be a valid email address$/, (_m, l) => t('field.email', undefined, l)],
  [/^must lie within Indonesia/, (_m, l) => t('field.indonesia', undefined, l)],
  [/^must be an Indonesian mobile number/, (_m, l) => t('field.phone', undefined, l)],
  [/^must be a positive quantity$/, (_m, l) => t('field.positive', undefined, l)],
  [/already exists$/, (_m, l) => t('field.unique', undefined, l)],
  [/^give an email address or a phone number$/, (_m, l) => t('field.emailOrPhone', undefined, l)],
  [/^is invalid \(url\)$/, (_m, l) => t('field.url', undefined, l)],
  // "must be an http(s) address" (photo, online link), "… or a path on this server" (attachments)
  [/^must be an http\(s\) address\b/, (_m, l) => t('field.url', undefined, l)],
  [/^report what has happened, not what is planned$/, (_m, l) => t('field.future', undefined, l)],
  [/^this password is easy to guess\b/, (_m, l) => t('field.weakPassword', undefined, l)],
  [/^this is not your current password$/, (_m, l) => t('field.wrongPassword', undefined, l)],
  [/^keep an email address or a phone number\b/, (_m, l) => t('field.keepOne', undefined, l)],
  [/^this link or code is unknown, already used or expired\b/, (_m, l) => t('field.badToken', undefined, l)],
  // Schedules, rounds, sessions and forums (planning.rs, voting/mod.rs, sessions/).
  [/^the (stage|round) must close after it opens$/, (_m, l) => t('field.closeAfterOpen', undefined, l)],
  [/^the round must close in the future$/, (_m, l) => t('field.closeInFuture', undefined, l)],
  [/^give a place, an online link, or both$/, (_m, l) => t('field.placeOrLink', undefined, l)],
  [/^give 2 to 10 different answers\b/, (_m, l) => t('live.optionsRule', undefined, l)],
  [/^(name the topic|a count limit needs a maximum count)$/, (_m, l) => t('field.required', undefined, l)],
  [/^a budget limit needs a budget ceiling$/, (_m, l) => t('field.ceilingNeeded', undefined, l)],
  [/^the forum has no budget ceiling; give a cost limit$/, (_m, l) => t('field.costLimitNeeded', undefined, l)],
];

/**
 * A field problem in the reader's language. The server words them in English with their
 * numbers inside; the common shapes are recognised, anything else is shown as sent.
 */
export function fieldMessage(problem: FieldProblem, locale: Locale = localeStore.get()): string {
  if (locale === 'en') return problem.message;
  for (const [pattern, render] of patterns) {
    const match = problem.message.match(pattern);
    if (match) return render(match, locale);
  }
  if (problem.code === 'required') return t('field.required', undefined, locale);
  if (problem.code === 'url') return t('field.url', undefined, locale);
  return problem.message;
}

/** Field problems keyed by field name (the first per field). */
export function fieldErrors(error: ApiError | null, locale: Locale = localeStore.get()): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of error?.fields ?? []) if (!(f.field in out)) out[f.field] = fieldMessage(f, locale);
  return out;
}

/** Server explanations of rules (FAILED_PRECONDITION, CONFLICT, FORBIDDEN) that have a translation. */
const details: Array<[RegExp, (m: RegExpMatchArray, locale: Locale) => string]> = [
  [/^not enough budget left: (.+) remain, the proposal costs (.+)$/, (m, l) => t('detail.budgetLeft', { left: m[1], cost: m[2] }, l)],
  [/^the forum already sent up its (\d+) proposals$/, (m, l) => t('detail.countReached', { n: m[1] }, l)],
  [/^only a proposal still in this forum's reserve can be promoted$/, (_m, l) => t('detail.notReserve', undefined, l)],
  [/^close the voting round first: (.+)$/, (m, l) => t('detail.roundOpen', { rounds: m[1] }, l)],
  [/^(\d+) lower forums that send proposals here are still running$/, (m, l) => t('detail.childrenOpen', { n: m[1] }, l)],
  [/^a \S+ forum cannot close; it closes from in session$/, (_m, l) => t('detail.notInSession', undefined, l)],
  [/^already carried over as (\S+)$/, (m, l) => t('detail.carriedAlready', { code: m[1] }, l)],
  [/^(.+) has no open forum for (.+)$/, (m, l) => t('detail.noEntryForum', { cycle: m[1], place: m[2] }, l)],
  [/^only a proposal accepted into the plan is implemented$/, (_m, l) => t('detail.notInPlan', undefined, l)],
  [/^the stage is locked; unlock it before rescheduling$/, (_m, l) => t('detail.stageLocked', undefined, l)],
];

/** The server's explanation in the reader's language where it is a known rule; otherwise as sent. */
export function detailMessage(error: ApiError, locale: Locale = localeStore.get()): string {
  if (locale === 'en') return error.message;
  for (const [pattern, render] of details) {
    const match = error.message.match(pattern);
    if (match) return render(match, locale);
  }
  return error.message;
}
