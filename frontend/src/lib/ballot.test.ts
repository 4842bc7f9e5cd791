import { describe, expect, it } from 'vitest';
import { canAdd, emptyDraft, fromChoices, knapsackState, move, setPoints, toChoiceInputs, toggle, validateBallot, type BallotRules } from './ballot';

const costs = new Map([
  [1, 200],
  [2, 300],
  [3, 400],
]);
const draft = (chosen: number[], points: Record<number, number> = {}) => ({ chosen, points });

describe('approval ballots', () => {
  const rules: BallotRules = { method: 'APPROVAL', maxChoices: 2 };
  it('accept up to the limit and refuse more', () => {
    expect(validateBallot(rules, draft([1, 2]), costs)).toEqual([]);
    expect(validateBallot(rules, draft([1, 2, 3]), costs)).toEqual([{ kind: 'tooMany', max: 2 }]);
    expect(canAdd(rules, draft([1, 2]), 3, costs)).toBe(false);
    expect(canAdd(rules, draft([1]), 3, costs)).toBe(true);
  });
  it('refuse an empty ballot, unknown and repeated proposals', () => {
    expect(validateBallot(rules, emptyDraft(), costs)).toEqual([{ kind: 'empty' }]);
    expect(validateBallot(rules, draft([9]), costs)).toContainEqual({ kind: 'unknown', proposalId: 9 });
    expect(validateBallot(rules, draft([1, 1]), costs)).toContainEqual({ kind: 'duplicate', proposalId: 1 });
  });
  it('toggle choices on and off', () => {
    const once = toggle(rules, emptyDraft(), 2);
    expect(once.chosen).toEqual([2]);
    expect(toggle(rules, once, 2).chosen).toEqual([]);
  });
});

describe('knapsack ballots', () => {
  const rules: BallotRules = { method: 'KNAPSACK', costLimit: 500 };
  it('stay within the cost limit', () => {
    expect(validateBallot(rules, draft([1, 2]), costs)).toEqual([]);
    expect(validateBallot(rules, draft([2, 3]), costs)).toEqual([{ kind: 'overBudget', spent: 700, limit: 500 }]);
  });
  it('only offer what still fits', () => {
    expect(canAdd(rules, draft([1]), 2, costs)).toBe(true);
    expect(canAdd(rules, draft([1]), 3, costs)).toBe(false);
  });
  it('meter the remaining budget', () => {
    expect(knapsackState(500, costs, [])).toEqual({ limit: 500, spent: 0, remaining: 500, ratio: 0, over: false });
    expect(knapsackState(500, costs, [1, 2])).toEqual({ limit: 500, spent: 500, remaining: 0, ratio: 1, over: false });
    const over = knapsackState(500, costs, [2, 3]);
    expect(over.over).toBe(true);
    expect(over.remaining).toBe(-200);
    expect(over.ratio).toBe(1);
  });
});

describe('cumulative ballots', () => {
  const rules: BallotRules = { method: 'CUMULATIVE', pointsBudget: 10, maxPointsPerProposal: 6 };
  it('respect both point limits', () => {
    expect(validateBallot(rules, draft([1, 2], { 1: 6, 2: 4 }), costs)).toEqual([]);
    expect(validateBallot(rules, draft([1], { 1: 7 }), costs)).toEqual([{ kind: 'pointsRange', max: 6 }]);
    expect(validateBallot(rules, draft([1, 2], { 1: 6, 2: 5 }), costs)).toEqual([{ kind: 'overPoints', given: 11, budget: 10 }]);
    expect(validateBallot(rules, draft([1]), costs)).toEqual([{ kind: 'pointsMissing' }]);
  });
  it('set points, and zero points takes a proposal off', () => {
    let d = setPoints(emptyDraft(), 3, 4);
    d = setPoints(d, 1, 2);
    expect(d).toEqual({ chosen: [3, 1], points: { 3: 4, 1: 2 } });
    d = setPoints(d, 3, 0);
    expect(d).toEqual({ chosen: [1], points: { 1: 2 } });
    expect(toChoiceInputs(rules, d)).toEqual([{ proposalId: 1, points: 2 }]);
  });
});

describe('ranking ballots', () => {
  const rules: BallotRules = { method: 'RANKING', maxChoices: 2 };
  it('keep their length limit', () => {
    expect(validateBallot(rules, draft([3, 1]), costs)).toEqual([]);
    expect(validateBallot(rules, draft([3, 1, 2]), costs)).toEqual([{ kind: 'tooMany', max: 2 }]);
  });
  it('move items up and down, not past the ends', () => {
    expect(move([1, 2, 3], 2, -1)).toEqual([1, 3, 2]);
    expect(move([1, 2, 3], 0, -1)).toEqual([1, 2, 3]);
    expect(move([1, 2, 3], 2, 1)).toEqual([1, 2, 3]);
  });
  it('are sent in order without points and read back by position', () => {
    expect(toChoiceInputs(rules, draft([3, 1]))).toEqual([{ proposalId: 3 }, { proposalId: 1 }]);
    expect(fromChoices('RANKING', [{ proposalId: 1, points: 2 }, { proposalId: 3, points: 1 }]).chosen).toEqual([3, 1]);
  });
});

describe('choose-one ballots', () => {
  const rules: BallotRules = { method: 'CHOOSE_ONE' };
  it('mean exactly one, and choosing another replaces it', () => {
    expect(validateBallot(rules, draft([3]), costs)).toEqual([]);
    expect(validateBallot(rules, draft([3, 1]), costs)).toEqual([{ kind: 'exactlyOne' }]);
    expect(toggle(rules, draft([3]), 1).chosen).toEqual([1]);
  });
});
