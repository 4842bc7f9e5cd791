import { KnapsackMeter } from './charts';
import {
  canAdd,
  knapsackState,
  move,
  pointsGiven,
  setPoints,
  toggle,
  type BallotDraft,
  type BallotProblem,
  type BallotRules,
} from '../lib/ballot';
import { formatNumber, formatRupiah } from '../lib/format';
import { t } from '../lib/i18n';
import type { RoundQuery } from '../lib/generated/graphql';

/** A proposal on the ballot, as the round loads it. */
export type BallotProposal = NonNullable<RoundQuery['votingRound']>['proposals'][number];

export function problemText(p: BallotProblem): string {
  switch (p.kind) {
    case 'empty':
      return t('ballot.problem.empty');
    case 'tooMany':
      return t('ballot.problem.tooMany', { max: p.max });
    case 'exactlyOne':
      return t('ballot.problem.exactlyOne');
    case 'overBudget':
      return t('ballot.problem.overBudget', { spent: formatRupiah(p.spent), limit: formatRupiah(p.limit) });
    case 'pointsMissing':
      return t('ballot.problem.pointsMissing');
    case 'pointsRange':
      return t('ballot.problem.pointsRange', { max: p.max });
    case 'overPoints':
      return t('ballot.problem.overPoints', { given: p.given, budget: p.budget });
    case 'unknown':
      return t('ballot.problem.unknown');
    case 'duplicate':
      return t('ballot.problem.duplicate');
  }
}

/** The instruction line of a ballot, by method. */
export function ballotInstruction(rules: BallotRules): string {
  switch (rules.method) {
    case 'APPROVAL':
      return t('ballot.howApproval', { max: rules.maxChoices ?? '∞' });
    case 'KNAPSACK':
      return t('ballot.howKnapsack', { limit: formatRupiah(rules.costLimit ?? 0) });
    case 'CUMULATIVE':
      return t('ballot.howCumulative', { budget: rules.pointsBudget ?? 0, max: rules.maxPointsPerProposal ?? rules.pointsBudget ?? 0 });
    case 'RANKING':
      return t('ballot.howRanking', { max: rules.maxChoices ?? '∞' });
    case 'CHOOSE_ONE':
      return t('ballot.howChooseOne');
  }
}

interface Props {
  rules: BallotRules;
  proposals: BallotProposal[];
  draft: BallotDraft;
  onChange: (draft: BallotDraft) => void;
  idPrefix: string;
}

function ProposalLabel({ p }: { p: BallotProposal }) {
  return (
    <span class="ballot__label">
      <span class="ballot__title">{p.title}</span>
      <span class="ballot__meta">
        {p.code} · {formatRupiah(p.estimatedCost)}
        {p.region ? ` · ${p.region.name}` : ''}
      </span>
    </span>
  );
}

/** A ballot that fits the round's method. */
export function BallotForm({ rules, proposals, draft, onChange, idPrefix }: Props) {
  const costs = new Map(proposals.map((p) => [p.id, p.estimatedCost]));
  const byId = new Map(proposals.map((p) => [p.id, p]));
  const legend = <legend>{ballotInstruction(rules)}</legend>;

  if (rules.method === 'RANKING') {
    const max = rules.maxChoices ?? proposals.length;
    const rest = proposals.filter((p) => !draft.chosen.includes(p.id));
    return (
      <fieldset class="ballot">
        {legend}
        <h3 id={`${idPrefix}-ranked`}>{t('ballot.yourRanking', { n: draft.chosen.length, max })}</h3>
        {draft.chosen.length === 0 ? (
          <p class="muted">{t('ballot.rankEmpty')}</p>
        ) : (
          <ol class="ranking" aria-labelledby={`${idPrefix}-ranked`}>
            {draft.chosen.map((id, i) => {
              const p = byId.get(id)!;
              return (
                <li key={id} class="ranking__item">
                  <span class="ranking__pos" aria-hidden="true">
                    {i + 1}
                  </span>
                  <ProposalLabel p={p} />
                  <span class="ranking__buttons">
                    <button type="button" class="icon-button" disabled={i === 0} onClick={() => onChange({ ...draft, chosen: move(draft.chosen, i, -1) })} aria-label={t('ballot.moveUp', { title: p.title })}>
                      ↑
                    </button>
                    <button
                      type="button"
                      class="icon-button"
                      disabled={i === draft.chosen.length - 1}
                      onClick={() => onChange({ ...draft, chosen: move(draft.chosen, i, 1) })}
                      aria-label={t('ballot.moveDown', { title: p.title })}
                    >
                      ↓
                    </button>
                    <button type="button" class="icon-button" onClick={() => onChange(toggle(rules, draft, id))} aria-label={t('ballot.remove', { title: p.title })}>
                      ✕
                    </button>
                  </span>
                </li>
              );
            })}
          </ol>
        )}
        <h3>{t('ballot.available')}</h3>
        <ul class="ballot__options">
          {rest.map((p) => (
            <li key={p.id} class="ballot__option">
              <ProposalLabel p={p} />
              <button
                type="button"
                class="button button--secondary button--small"
                disabled={!canAdd(rules, draft, p.id, costs)}
                onClick={() => onChange({ ...draft, chosen: [...draft.chosen, p.id] })}
                aria-label={t('ballot.addToRanking', { title: p.title })}
              >
                {t('ballot.add')}
              </button>
            </li>
          ))}
        </ul>
      </fieldset>
    );
  }

  if (rules.method === 'CUMULATIVE') {
    const budget = rules.pointsBudget ?? 0;
    const perProposal = rules.maxPointsPerProposal ?? budget;
    const given = pointsGiven(draft);
    return (
      <fieldset class="ballot">
        {legend}
        <p class={`points-left${given > budget ? ' points-left--over' : ''}`} aria-live="polite" data-testid="points-left">
          {t('ballot.pointsLeft', { left: formatNumber(budget - given), budget: formatNumber(budget) })}
        </p>
        <ul class="ballot__options">
          {proposals.map((p) => (
            <li key={p.id} class="ballot__option">
              <label for={`${idPrefix}-pts-${p.id}`}>
                <ProposalLabel p={p} />
              </label>
              <input
                id={`${idPrefix}-pts-${p.id}`}
                class="points-input"
                type="number"
                inputMode="numeric"
                min={0}
                max={perProposal}
                value={draft.points[p.id] ?? 0}
                onInput={(e) => onChange(setPoints(draft, p.id, Number(e.currentTarget.value)))}
              />
            </li>
          ))}
        </ul>
      </fieldset>
    );
  }

  const radio = rules.method === 'CHOOSE_ONE';
  const knapsack = rules.method === 'KNAPSACK' ? knapsackState(rules.costLimit ?? 0, costs, draft.chosen) : null;
  return (
    <fieldset class="ballot">
      {legend}
      {knapsack && <KnapsackMeter state={knapsack} />}
      {rules.method === 'APPROVAL' && (
        <p aria-live="polite" class="muted">
          {t('ballot.chosenOf', { n: draft.chosen.length, max: rules.maxChoices ?? '∞' })}
        </p>
      )}
      <ul class="ballot__options">
        {proposals.map((p) => {
          const checked = draft.chosen.includes(p.id);
          const disabled = !checked && !radio && !canAdd(rules, draft, p.id, costs);
          return (
            <li key={p.id} class={`ballot__option${checked ? ' ballot__option--chosen' : ''}${disabled ? ' ballot__option--disabled' : ''}`}>
              <input
                id={`${idPrefix}-opt-${p.id}`}
                type={radio ? 'radio' : 'checkbox'}
                name={`${idPrefix}-choice`}
                checked={checked}
                disabled={disabled}
                aria-describedby={disabled && knapsack ? `${idPrefix}-nofit` : undefined}
                onChange={() => onChange(radio ? { ...draft, chosen: [p.id] } : toggle(rules, draft, p.id))}
              />
              <label for={`${idPrefix}-opt-${p.id}`}>
                <ProposalLabel p={p} />
              </label>
            </li>
          );
        })}
      </ul>
      {knapsack && (
        <p id={`${idPrefix}-nofit`} class="hint">
          {t('ballot.doesNotFit')}
        </p>
      )}
    </fieldset>
  );
}
