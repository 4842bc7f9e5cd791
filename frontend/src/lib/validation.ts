// One way of checking a form before it is sent: every field in one pass, in the order the form
// shows them, in the reader's language, with the server's limits (src/domain/*.rs, `validate`).
// A problem is kept as a message key (and its numbers), so that a language switch after a
// failed submit translates what is on screen too. The server checks again; its field problems
// (`extensions.fields`) join these at their fields (`serverProblems`).
import { fieldMessage, type ApiError } from './errors';
import { formatNumber, formatRupiah, parseDecimal } from './format';
import { localeStore, t, type Locale, type MessageKey, type Params } from './i18n';

/** A problem of one field: a message key and its parameters, or text as it is (the server's). */
export type Problem = { key: MessageKey; params?: Params } | { text: string };

export function problemText(problem: Problem, locale: Locale = localeStore.get()): string {
  return 'text' in problem ? problem.text : t(problem.key, problem.params, locale);
}

/** The largest estimated cost of a proposal (CreateProposalInput, `estimated_cost`). */
export const MAX_COST = 1_000_000_000_000;
/** The largest budget ceiling of a forum and cost limit of a round (planning.rs, voting/mod.rs). */
export const MAX_BUDGET = 100_000_000_000_000;

export type MoneyProblem = 'negative' | 'notNumber' | 'fraction' | 'tooLarge';

/**
 * A Rupiah amount as typed, never changed into another one: "2500000", "2.500.000",
 * "2,500,000", "Rp 2.500.000" (also as the app writes it, with a no-break space) and
 * "2.500.000,00" are 2 500 000; "" is no amount (`value: null`, no problem). A minus sign
 * (or brackets) is refused as negative, cents as not whole, letters and odd groupings as not a
 * number, and anything above `max`. Separators must group by three, so "2.5" is not 25.
 */
export function parseMoney(text: string, max = MAX_COST): { value: number | null; problem: MoneyProblem | null } {
  let s = text.replace(/[\s\u00a0\u202f]/g, '');
  if (!s) return { value: null, problem: null };
  const bracketed = /^\(.*\)$/.test(s);
  if (bracketed) s = s.slice(1, -1);
  // What comes before the first digit: "Rp", a sign, or both ("-Rp", "Rp-").
  const head = s.match(/^\D*/)![0];
  const negative = bracketed || /[-\u2212\u2013]/.test(head);
  const rest = head.replace(/[-\u2212\u2013+]/g, '');
  if (rest !== '' && !/^rp\.?$/i.test(rest)) return { value: null, problem: 'notNumber' };
  s = s.slice(head.length);
  let digits: string | null = null;
  let fraction = false;
  if (/^\d+$/.test(s)) digits = s;
  else if (/^\d{1,3}(\.\d{3})+(,0{1,2})?$/.test(s)) digits = s.replace(/,0+$/, '').replace(/\./g, '');
  else if (/^\d{1,3}(,\d{3})+(\.0{1,2})?$/.test(s)) digits = s.replace(/\.0+$/, '').replace(/,/g, '');
  else if (/^\d+[.,]0{1,2}$/.test(s)) digits = s.replace(/[.,]0+$/, '');
  else fraction = /^(\d{1,3}(\.\d{3})+|\d{1,3}(,\d{3})+|\d+)[.,]\d{1,2}$/.test(s);
  if (digits === null && !fraction) return { value: null, problem: 'notNumber' };
  if (negative) return { value: null, problem: 'negative' };
  if (fraction || digits === null) return { value: null, problem: 'fraction' };
  const value = Number(digits);
  if (!Number.isSafeInteger(value) || value > max) return { value: null, problem: 'tooLarge' };
  return { value, problem: null };
}

export function moneyProblem(problem: MoneyProblem, max = MAX_COST): Problem {
  return problem === 'tooLarge' ? { key: 'money.tooLarge', params: { max: formatRupiah(max) } } : { key: `money.${problem}` as MessageKey };
}

/** What the catalogue says the work costs: volume × unit cost (null without either). */
export function catalogueEstimate(volume: number | null, activity: { unitCost: number } | null | undefined): number | null {
  if (!activity || volume === null || !(volume > 0) || !(activity.unitCost > 0)) return null;
  return Math.round(volume * activity.unitCost);
}

/** Whether a cost is far from the catalogue's estimate: more than twice it, or less than half. */
export function farFromEstimate(cost: number | null, estimate: number | null): boolean {
  if (cost === null || estimate === null || estimate <= 0) return false;
  return cost > 2 * estimate || cost < estimate / 2;
}

/** "Biaya jauh dari perkiraan katalog: 120 meter × Rp 1.500.000 = Rp 180.000.000" (null when near). */
export function costWarning(
  cost: number | null,
  volume: number | null,
  activity: { unitCost: number; unit: string } | null | undefined,
  locale: Locale = localeStore.get(),
): string | null {
  const estimate = catalogueEstimate(volume, activity);
  if (!activity || volume === null || !farFromEstimate(cost, estimate)) return null;
  return t(
    'money.farFromCatalogue',
    { volume: formatNumber(volume, locale), unit: activity.unit, unitCost: formatRupiah(activity.unitCost, locale), estimate: formatRupiah(estimate, locale) },
    locale,
  );
}

const has = (value: string | null | undefined) => !!value && value.trim() !== '';

/**
 * The checks of one submit, run in the form's order; a field keeps its first problem. Each
 * check returns the value it read (trimmed text, a number, or null when empty or wrong).
 */
export class Checks {
  readonly problems: Record<string, Problem> = {};

  get ok(): boolean {
    return Object.keys(this.problems).length === 0;
  }

  add(field: string, problem: Problem | MessageKey, params?: Params): void {
    if (field in this.problems) return;
    this.problems[field] = typeof problem === 'string' ? { key: problem, params } : problem;
  }

  /** A choice (select, region) or any value that must be there. */
  required(field: string, value: string | number | null | undefined | readonly unknown[]): boolean {
    const present = Array.isArray(value) ? value.length > 0 : typeof value === 'number' ? Number.isFinite(value) : has(value as string | null | undefined);
    if (!present) this.add(field, 'field.required');
    return present;
  }

  /** Text of `min`–`max` characters once trimmed; empty is "wajib diisi" (or fine when optional). */
  text(field: string, value: string, min: number, max: number, { required = true }: { required?: boolean } = {}): string {
    const trimmed = value.trim();
    const n = [...trimmed].length;
    if (n === 0) {
      if (required) this.add(field, 'field.required');
    } else if (n < min || n > max) {
      this.add(field, min <= 1 ? { key: 'field.lengthMax', params: { max } } : { key: 'field.lengthBetween', params: { min, max } });
    }
    return trimmed;
  }

  /** A Rupiah amount (see `parseMoney`), at least `min`. */
  money(field: string, value: string, { required = true, max = MAX_COST, min = 0 }: { required?: boolean; max?: number; min?: number } = {}): number | null {
    const parsed = parseMoney(value, max);
    if (parsed.problem) {
      this.add(field, moneyProblem(parsed.problem, max));
      return null;
    }
    if (parsed.value === null) {
      if (required) this.add(field, 'field.required');
      return null;
    }
    if (parsed.value < min) {
      this.add(field, 'field.rangeBetween', { min: formatRupiah(min), max: formatRupiah(max) });
      return null;
    }
    return parsed.value;
  }

  /** A number as typed in either locale ("12,5" or "12.5"), within `min`–`max`; whole when `integer`. */
  number(
    field: string,
    value: string,
    { required = true, min, max, integer = false, plain = false }: { required?: boolean; min?: number; max?: number; integer?: boolean; /** Limits written without grouping (years). */ plain?: boolean } = {},
  ): number | null {
    const show = (n: number) => (plain ? String(n) : formatNumber(n));
    if (!has(value)) {
      if (required) this.add(field, 'field.required');
      return null;
    }
    const n = integer && /^\s*-?\d{1,3}([.,]\d{3})+\s*$/.test(value) ? Number(value.replace(/[.,\s]/g, '')) : parseDecimal(value);
    if (n === null) {
      this.add(field, 'form.notNumber');
      return null;
    }
    if (integer && !Number.isInteger(n)) {
      this.add(field, 'field.wholeNumber');
      return null;
    }
    if ((min !== undefined && n < min) || (max !== undefined && n > max)) {
      this.add(
        field,
        min !== undefined && max !== undefined
          ? { key: 'field.rangeBetween', params: { min: show(min), max: show(max) } }
          : min !== undefined
            ? { key: 'field.atLeast', params: { min: show(min) } }
            : { key: 'field.atMost', params: { max: show(max!) } },
      );
      return null;
    }
    return n;
  }
}

/** Problems as text in the reader's language. */
export function problemTexts(problems: Record<string, Problem>, locale: Locale = localeStore.get()): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, p] of Object.entries(problems)) out[field] = problemText(p, locale);
  return out;
}

/** Field problems in the order the form shows its fields (`order`); unknown ones after, as they came. */
export function inFormOrder<T>(problems: Record<string, T>, order: readonly string[]): Array<[string, T]> {
  const rank = (field: string) => {
    const i = order.indexOf(field);
    return i < 0 ? order.length : i;
  };
  return Object.entries(problems)
    .map((entry, i) => ({ entry, i }))
    .sort((a, b) => rank(a.entry[0]) - rank(b.entry[0]) || a.i - b.i)
    .map((x) => x.entry);
}

const LENGTH_OR_RANGE = /^must be (\d+ to \d+|at least \d+|at most \d+|between \S+ and \S+)( characters long)?$/;

/**
 * The server's field problems in the reader's language, first per field. A length or range
 * rule broken by a field left empty (`values[field]` blank) reads "wajib diisi", as here.
 */
export function serverProblems(error: ApiError | null, values: Record<string, unknown> = {}, locale: Locale = localeStore.get()): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of error?.fields ?? []) {
    if (f.field in out) continue;
    const value = values[f.field];
    const empty = value === null || (typeof value === 'string' && value.trim() === '');
    out[f.field] = empty && f.field in values && (LENGTH_OR_RANGE.test(f.message) || f.code === 'length' || f.code === 'range') ? t('field.required', undefined, locale) : fieldMessage(f, locale);
  }
  return out;
}
