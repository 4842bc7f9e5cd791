import { describe, expect, it } from 'vitest';
import { budgetUsed, canPromote, countOutcomes, inOrder, laterActiveCycles, listsForOrder, mayCarryOver, summarizeClose, supportNumber, type PriorityRow } from './escalation';
import { move } from './ballot';

const row = (id: number, cost: number, list: PriorityRow['list'], outcome: PriorityRow['outcome'] = null, status?: PriorityRow['proposal']['status']): PriorityRow => ({
  rank: id,
  list,
  cost,
  outcome,
  proposal: { id, status },
});

describe('the agreed order', () => {
  it('puts rows in the order of the ids, unknown ids ignored, unnamed rows kept at the end', () => {
    const rows = [row(1, 10, 'MAIN'), row(2, 10, 'MAIN'), row(3, 10, 'MAIN')];
    expect(inOrder(rows, [3, 1, 2]).map((r) => r.proposal.id)).toEqual([3, 1, 2]);
    expect(inOrder(rows, [2, 99]).map((r) => r.proposal.id)).toEqual([2, 1, 3]);
    expect(inOrder(rows, []).map((r) => r.proposal.id)).toEqual([1, 2, 3]);
  });
  it('moves one step up or down by keyboard buttons and stays put at the ends', () => {
    expect(move([1, 2, 3], 2, -1)).toEqual([1, 3, 2]);
    expect(move([1, 2, 3], 0, -1)).toEqual([1, 2, 3]);
    expect(move([1, 2, 3], 2, 1)).toEqual([1, 2, 3]);
  });
  it('recomputes the lists as the server does: within the budget, then reserve; dearer than the whole budget is out', () => {
    const lists = listsForOrder(
      [
        { id: 1, cost: 200 },
        { id: 2, cost: 500 },
        { id: 3, cost: 150 },
        { id: 4, cost: 100 },
      ],
      { budget: 400, selectionLimit: 'BUDGET', maxCount: null },
    );
    expect([...lists.values()].map((l) => l.list)).toEqual(['MAIN', 'OUT', 'MAIN', 'RESERVE']);
    expect(lists.get(2)!.reason).toBe('COST_EXCEEDS_BUDGET');
    expect(lists.get(4)!.reason).toBe('DID_NOT_FIT_REMAINING_BUDGET');
  });
  it('stops at the count limit and takes everything when unlimited', () => {
    const costs = [1, 2, 3].map((id) => ({ id, cost: 100 }));
    const counted = listsForOrder(costs, { budget: null, selectionLimit: 'COUNT', maxCount: 2 });
    expect([...counted.values()].map((l) => l.reason)).toEqual(['IN_AGREED_ORDER', 'IN_AGREED_ORDER', 'COUNT_LIMIT_REACHED']);
    const free = listsForOrder(costs, { budget: null, selectionLimit: 'UNLIMITED', maxCount: 1 });
    expect([...free.values()].every((l) => l.list === 'MAIN')).toBe(true);
  });
});

describe('closing a forum', () => {
  it('summarises what moves up, stays in reserve and is closed', () => {
    const s = summarizeClose([row(1, 100, 'MAIN'), row(2, 250, 'MAIN'), row(3, 50, 'RESERVE'), row(4, 900, 'OUT')], 7);
    expect(s).toEqual({ moveUp: 2, moveUpCost: 350, reserve: 1, closed: 1, unverified: 7 });
    expect(summarizeClose([], 0)).toEqual({ moveUp: 0, moveUpCost: 0, reserve: 0, closed: 0, unverified: 0 });
  });
  it('counts a fixed list by outcome and the budget it used, promotions included', () => {
    const rows = [row(1, 100, 'MAIN', 'FORWARDED'), row(2, 60, 'RESERVE', 'FORWARDED'), row(3, 50, 'RESERVE', 'RESERVE', 'RESERVE'), row(4, 10, 'OUT', 'NOT_SELECTED')];
    expect(countOutcomes(rows)).toEqual({ FORWARDED: 2, ACCEPTED: 0, RESERVE: 1, NOT_SELECTED: 1 });
    expect(budgetUsed(rows, true)).toBe(160);
    // Before the close, the main list counts.
    expect(budgetUsed(rows, false)).toBe(100);
  });
  it('offers promotion only for reserve rows still in reserve after the close', () => {
    expect(canPromote(row(3, 50, 'RESERVE', 'RESERVE', 'RESERVE'), true)).toBe(true);
    expect(canPromote(row(3, 50, 'RESERVE', 'RESERVE', 'WITHDRAWN'), true)).toBe(false);
    expect(canPromote(row(3, 50, 'RESERVE', 'FORWARDED', 'FORWARDED'), true)).toBe(false);
    expect(canPromote(row(3, 50, 'RESERVE', null, 'RESERVE'), false)).toBe(false);
  });
  it('reads exact support: whole numbers, decimals and fractions', () => {
    expect(supportNumber('12')).toBe(12);
    expect(supportNumber('3.5')).toBe(3.5);
    expect(supportNumber('7/2')).toBe(3.5);
    expect(supportNumber('')).toBeNull();
    expect(supportNumber('1/0')).toBeNull();
  });
});

describe('carry-over', () => {
  it('is allowed for rejected and not-accepted proposals, and reserve ones once their forum closed', () => {
    expect(mayCarryOver({ status: 'REJECTED' })).toBe(true);
    expect(mayCarryOver({ status: 'NOT_ACCEPTED' })).toBe(true);
    expect(mayCarryOver({ status: 'RESERVE', forum: { status: 'IN_SESSION' } })).toBe(false);
    expect(mayCarryOver({ status: 'RESERVE', forum: { status: 'CLOSED' } })).toBe(true);
    expect(mayCarryOver({ status: 'ACCEPTED' })).toBe(false);
    expect(mayCarryOver({ status: 'REJECTED', carriedOverTo: { id: 5 } })).toBe(false);
  });
  it('offers the later active cycles, earliest first', () => {
    const cycles = [
      { id: 1, planYear: 2027, status: 'ACTIVE' },
      { id: 3, planYear: 2029, status: 'ACTIVE' },
      { id: 2, planYear: 2028, status: 'ACTIVE' },
      { id: 4, planYear: 2030, status: 'DRAFT' },
    ];
    expect(laterActiveCycles(cycles, 2027).map((c) => c.id)).toEqual([2, 3]);
    expect(laterActiveCycles(cycles, 2029)).toEqual([]);
  });
});
