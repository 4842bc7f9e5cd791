/**
 * Ballot rules on the client: the same checks the server makes (src/domain/voting.rs,
 * `check_ballot`), so a voter sees what is wrong before sending. The server stays the judge.
 */
import type { BallotMethod } from './generated/graphql';

export type { BallotMethod };

export interface BallotRules {
  method: BallotMethod;
  maxChoices?: number | null;
  pointsBudget?: number | null;
  maxPointsPerProposal?: number | null;
  costLimit?: number | null;
}

/** A ballot being filled in: chosen proposal ids in order, and points (cumulative). */
export interface BallotDraft {
  chosen: number[];
  points: Record<number, number>;
}

export type BallotProblem =
  | { kind: 'empty' }
  | { kind: 'tooMany'; max: number }
  | { kind: 'exactlyOne' }
  | { kind: 'overBudget'; spent: number; limit: number }
  | { kind: 'pointsMissing' }
  | { kind: 'pointsRange'; max: number }
  | { kind: 'overPoints'; given: number; budget: number }
  | { kind: 'unknown'; proposalId: number }
  | { kind: 'duplicate'; proposalId: number };

export const emptyDraft = (): BallotDraft => ({ chosen: [], points: {} });

export function spentOf(draft: BallotDraft, costs: ReadonlyMap<number, number>): number {
  return draft.chosen.reduce((sum, id) => sum + (costs.get(id) ?? 0), 0);
}

export function pointsGiven(draft: BallotDraft): number {
  return draft.chosen.reduce((sum, id) => sum + (draft.points[id] ?? 0), 0);
}

export interface KnapsackState {
  limit: number;
  spent: number;
  remaining: number;
  /** 0..1 of the limit spent (capped at 1 for the meter). */
  ratio: number;
  over: boolean;
}

/** The remaining-budget meter of a knapsack ballot. */
export function knapsackState(limit: number, costs: ReadonlyMap<number, number>, chosen: readonly number[]): KnapsackState {
  const spent = chosen.reduce((sum, id) => sum + (costs.get(id) ?? 0), 0);
  const remaining = limit - spent;
  return { limit, spent, remaining, ratio: limit > 0 ? Math.min(1, spent / limit) : 1, over: remaining < 0 };
}

/** Whether one more proposal may still be added to the ballot. */
export function canAdd(rules: BallotRules, draft: BallotDraft, proposalId: number, costs: ReadonlyMap<number, number>): boolean {
  if (draft.chosen.includes(proposalId)) return false;
  switch (rules.method) {
    case 'APPROVAL':
    case 'RANKING':
      return draft.chosen.length < (rules.maxChoices ?? Infinity);
    case 'KNAPSACK':
      return spentOf(draft, costs) + (costs.get(proposalId) ?? 0) <= (rules.costLimit ?? Infinity);
    case 'CHOOSE_ONE':
      return true; // choosing another replaces the one chosen
    case 'CUMULATIVE':
      return pointsGiven(draft) < (rules.pointsBudget ?? 0);
  }
}

/** Toggles a proposal on a ballot of choices (approval, knapsack, choose-one). */
export function toggle(rules: BallotRules, draft: BallotDraft, proposalId: number): BallotDraft {
  if (draft.chosen.includes(proposalId)) {
    return { ...draft, chosen: draft.chosen.filter((id) => id !== proposalId) };
  }
  if (rules.method === 'CHOOSE_ONE') return { ...draft, chosen: [proposalId] };
  return { ...draft, chosen: [...draft.chosen, proposalId] };
}

/** Sets the points given to a proposal (cumulative); 0 takes it off the ballot. */
export function setPoints(draft: BallotDraft, proposalId: number, points: number): BallotDraft {
  const value = Math.max(0, Math.floor(Number.isFinite(points) ? points : 0));
  const nextPoints = { ...draft.points };
  let chosen = draft.chosen.filter((id) => id !== proposalId);
  if (value > 0) {
    nextPoints[proposalId] = value;
    chosen = draft.chosen.includes(proposalId) ? draft.chosen : [...draft.chosen, proposalId];
  } else {
    delete nextPoints[proposalId];
  }
  return { chosen, points: nextPoints };
}

/** Moves an item of a ranking up (delta −1) or down (+1). */
export function move<T>(list: readonly T[], index: number, delta: number): T[] {
  const target = index + delta;
  if (index < 0 || index >= list.length || target < 0 || target >= list.length) return [...list];
  const next = [...list];
  [next[index], next[target]] = [next[target], next[index]];
  return next;
}

/** Checks a ballot as the server will. */
export function validateBallot(rules: BallotRules, draft: BallotDraft, costs: ReadonlyMap<number, number>): BallotProblem[] {
  const problems: BallotProblem[] = [];
  const seen = new Set<number>();
  for (const id of draft.chosen) {
    if (!costs.has(id)) problems.push({ kind: 'unknown', proposalId: id });
    if (seen.has(id)) problems.push({ kind: 'duplicate', proposalId: id });
    seen.add(id);
  }
  if (draft.chosen.length === 0) return [{ kind: 'empty' }];
  switch (rules.method) {
    case 'APPROVAL':
    case 'RANKING': {
      const max = rules.maxChoices ?? Infinity;
      if (draft.chosen.length > max) problems.push({ kind: 'tooMany', max });
      break;
    }
    case 'CHOOSE_ONE':
      if (draft.chosen.length !== 1) problems.push({ kind: 'exactlyOne' });
      break;
    case 'KNAPSACK': {
      const limit = rules.costLimit ?? Infinity;
      const spent = spentOf(draft, costs);
      if (spent > limit) problems.push({ kind: 'overBudget', spent, limit });
      break;
    }
    case 'CUMULATIVE': {
      const budget = rules.pointsBudget ?? 0;
      const perProposal = rules.maxPointsPerProposal ?? budget;
      for (const id of draft.chosen) {
        const p = draft.points[id];
        if (p === undefined) problems.push({ kind: 'pointsMissing' });
        else if (p < 1 || p > perProposal) problems.push({ kind: 'pointsRange', max: perProposal });
      }
      const given = pointsGiven(draft);
      if (given > budget) problems.push({ kind: 'overPoints', given, budget });
      break;
    }
  }
  return problems;
}

/** The `choices` argument of castBallot / enterPaperBallot. */
export function toChoiceInputs(rules: BallotRules, draft: BallotDraft): Array<{ proposalId: number; points?: number }> {
  return draft.chosen.map((proposalId) =>
    rules.method === 'CUMULATIVE' ? { proposalId, points: draft.points[proposalId] ?? 0 } : { proposalId },
  );
}

/** A ballot already cast (myBallot.choices) back into a draft, to change it. */
export function fromChoices(method: BallotMethod, choices: ReadonlyArray<{ proposalId: number; points: number }>): BallotDraft {
  const ordered = method === 'RANKING' ? [...choices].sort((a, b) => a.points - b.points) : [...choices];
  const points: Record<number, number> = {};
  if (method === 'CUMULATIVE') for (const c of ordered) points[c.proposalId] = c.points;
  return { chosen: ordered.map((c) => c.proposalId), points };
}
