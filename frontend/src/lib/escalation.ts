// Client-side helpers of escalation between levels (src/domain/escalation.rs, carry_over.rs):
// the agreed order, what closing a forum will do, budget used, and who may carry a proposal over.

import type { ForumPriorityQuery, OutcomeList, PriorityOutcome } from './generated/graphql';

export type { OutcomeList, PriorityOutcome };

type LoadedRow = NonNullable<NonNullable<ForumPriorityQuery['forum']>['priorityList']>['rows'][number];

/** What these helpers read of a `priorityList` row (the rest of `ForumPriority`'s row is not needed). */
export type PriorityRow = Pick<LoadedRow, 'rank' | 'list' | 'cost' | 'outcome'> & {
  proposal: Pick<LoadedRow['proposal'], 'id'> & Partial<Pick<LoadedRow['proposal'], 'status'>>;
};

/** The rows in the agreed order (ids); rows the order does not name keep their place at the end. */
export function inOrder<R extends { proposal: { id: number } }>(rows: readonly R[], order: readonly number[]): R[] {
  const byId = new Map(rows.map((r) => [r.proposal.id, r]));
  const out: R[] = [];
  for (const id of order) {
    const row = byId.get(id);
    if (row) {
      out.push(row);
      byId.delete(id);
    }
  }
  return [...out, ...byId.values()];
}

export interface LimitSpec {
  /** Ceiling plus tolerance, as the server reports it (`priorityList.budget`); null when not limited by budget. */
  budget: number | null;
  selectionLimit: string;
  maxCount: number | null;
}

/**
 * The lists (and reasons) a forum that did not vote gets from an agreed order, as
 * `ranked_in_order` on the server decides them: taken in order while they fit the budget (or the
 * count); a proposal costing more than the whole budget is out, the rest reserve.
 */
export function listsForOrder(costs: Array<{ id: number; cost: number }>, limit: LimitSpec): Map<number, { list: OutcomeList; reason: string }> {
  const out = new Map<number, { list: OutcomeList; reason: string }>();
  const maxCount = limit.selectionLimit === 'COUNT' ? limit.maxCount : null;
  let spent = 0;
  let taken = 0;
  for (const { id, cost } of costs) {
    if (limit.budget !== null && cost > limit.budget) out.set(id, { list: 'OUT', reason: 'COST_EXCEEDS_BUDGET' });
    else if (limit.budget !== null && spent + cost > limit.budget) out.set(id, { list: 'RESERVE', reason: 'DID_NOT_FIT_REMAINING_BUDGET' });
    else if (maxCount !== null && maxCount !== undefined && taken >= maxCount) out.set(id, { list: 'RESERVE', reason: 'COUNT_LIMIT_REACHED' });
    else {
      out.set(id, { list: 'MAIN', reason: 'IN_AGREED_ORDER' });
      spent += cost;
      taken += 1;
    }
  }
  return out;
}

/** Votes, points or scores as the server writes them exactly ("12", "3.5", "7/2"); empty when none. */
export function supportNumber(support: string): number | null {
  if (!support.trim()) return null;
  const frac = support.match(/^\s*(-?\d+)\s*\/\s*(\d+)\s*$/);
  if (frac) return Number(frac[2]) === 0 ? null : Number(frac[1]) / Number(frac[2]);
  const n = Number(support);
  return Number.isFinite(n) ? n : null;
}

export interface CloseSummary {
  /** Main list: to the parent forum, or into the plan at the highest forum. */
  moveUp: number;
  reserve: number;
  /** Out of the list: closed with their reason. */
  closed: number;
  /** Submitted, forwarded-but-unverified or returned proposals: closed at the forum's close. */
  unverified: number;
  /** Rupiah of the main list. */
  moveUpCost: number;
}

/** What closing the forum will do with its list (and the proposals it never verified). */
export function summarizeClose(lists: Iterable<{ list: OutcomeList; cost: number }>, unverified: number): CloseSummary {
  const s: CloseSummary = { moveUp: 0, reserve: 0, closed: 0, unverified, moveUpCost: 0 };
  for (const row of lists) {
    if (row.list === 'MAIN') {
      s.moveUp += 1;
      s.moveUpCost += row.cost;
    } else if (row.list === 'RESERVE') s.reserve += 1;
    else s.closed += 1;
  }
  return s;
}

/** Counts of a fixed list by what the close did (promotions included). */
export function countOutcomes(rows: Iterable<{ outcome: PriorityOutcome | null }>): Record<PriorityOutcome, number> {
  const counts: Record<PriorityOutcome, number> = { FORWARDED: 0, ACCEPTED: 0, RESERVE: 0, NOT_SELECTED: 0 };
  for (const r of rows) if (r.outcome) counts[r.outcome] += 1;
  return counts;
}

/**
 * The Rupiah a list spends: before the close, its main list; after, what was forwarded or
 * accepted (promoted reserve included), as the server counts it for promotion.
 */
export function budgetUsed(rows: Iterable<PriorityRow>, fixed: boolean): number {
  let sum = 0;
  for (const r of rows) {
    const counts = fixed ? r.outcome === 'FORWARDED' || r.outcome === 'ACCEPTED' : r.list === 'MAIN';
    if (counts) sum += r.cost;
  }
  return sum;
}

/** Whether a reserve row of a fixed list can still be promoted (the server decides the budget). */
export function canPromote(row: PriorityRow, fixed: boolean): boolean {
  return fixed && row.outcome === 'RESERVE' && (row.proposal.status === undefined || row.proposal.status === 'RESERVE');
}

/** Whether a proposal's path this cycle ended without it being selected (carry_over.rs, `may_carry_over`). */
export function mayCarryOver(p: { status: string; forum?: { status: string } | null; carriedOverTo?: { id: number } | null }): boolean {
  if (p.carriedOverTo) return false;
  if (p.status === 'REJECTED' || p.status === 'NOT_ACCEPTED') return true;
  return p.status === 'RESERVE' && (p.forum?.status === 'CLOSED' || p.forum?.status === 'RATIFIED');
}

/** The active cycles later than the proposal's plan year, earliest first. */
export function laterActiveCycles<C extends { planYear: number; status: string }>(cycles: readonly C[], planYear: number): C[] {
  return cycles.filter((c) => c.status === 'ACTIVE' && c.planYear > planYear).sort((a, b) => a.planYear - b.planYear);
}
