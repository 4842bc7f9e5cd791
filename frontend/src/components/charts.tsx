import { formatNumber, formatRupiah } from '../lib/format';
import { t } from '../lib/i18n';
import type { KnapsackState } from '../lib/ballot';

export interface Bar {
  key: string | number;
  label: string;
  value: number;
  /** Text shown at the end of the bar (defaults to the number). */
  valueText?: string;
  tone?: 'main' | 'reserve' | 'out' | 'neutral';
}

/**
 * Horizontal bars: each row is a list item with its label as text (it wraps on a phone and is
 * read by screen readers) and the bar itself in a small SVG. No chart library.
 */
export function BarChart({ bars, title, id }: { bars: Bar[]; title: string; id: string }) {
  const max = Math.max(1, ...bars.map((b) => b.value));
  return (
    <figure class="chart" aria-labelledby={`${id}-title`}>
      <figcaption id={`${id}-title`}>{title}</figcaption>
      <ol class="chart__rows">
        {bars.map((bar) => {
          const pct = Math.max(0.5, (bar.value / max) * 100);
          return (
            <li key={bar.key} class={`bar bar--${bar.tone ?? 'neutral'}`}>
              <span class="bar__label">{bar.label}</span>
              <span class="bar__line">
                <svg class="bar__svg" width="100%" height="18" aria-hidden="true" focusable="false">
                  <rect x="0" y="1" width="100%" height="16" rx="3" class="bar__track" />
                  <rect x="0" y="1" width={`${pct}%`} height="16" rx="3" class="bar__fill" />
                </svg>
                <span class="bar__value">{bar.valueText ?? formatNumber(bar.value)}</span>
              </span>
            </li>
          );
        })}
      </ol>
    </figure>
  );
}

/** The live remaining-budget meter of a knapsack ballot. */
export function KnapsackMeter({ state }: { state: KnapsackState }) {
  return (
    <div class={`knapsack${state.over ? ' knapsack--over' : ''}`}>
      <label for="knapsack-meter" class="knapsack__label">
        {t('ballot.budgetUsed')}
      </label>
      <meter id="knapsack-meter" min={0} max={state.limit} value={Math.min(state.spent, state.limit)}>
        {formatRupiah(state.spent)}
      </meter>
      <p class="knapsack__text" aria-live="polite" data-testid="knapsack-remaining">
        {t('ballot.spentOf', { spent: formatRupiah(state.spent), limit: formatRupiah(state.limit) })}{' '}
        <strong>{state.over ? t('ballot.overBy', { amount: formatRupiah(-state.remaining) }) : t('ballot.remaining', { amount: formatRupiah(state.remaining) })}</strong>
      </p>
    </div>
  );
}

/** A budget bar: how much of the ceiling the selection uses. */
export function BudgetBar({ used, budget }: { used: number; budget: number }) {
  const ratio = budget > 0 ? Math.min(1, used / budget) : 0;
  return (
    <div class="budget-bar">
      <svg viewBox="0 0 100 8" preserveAspectRatio="none" width="100%" height="12" aria-hidden="true">
        <rect x="0" y="0" width="100" height="8" rx="2" class="budget-bar__track" />
        <rect x="0" y="0" width={ratio * 100} height="8" rx="2" class="budget-bar__fill" />
      </svg>
      <p>{t('results.budgetUse', { used: formatRupiah(used), budget: formatRupiah(budget) })}</p>
    </div>
  );
}
