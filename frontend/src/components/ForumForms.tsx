import { useMutation } from '@urql/preact';
import { useState } from 'preact/hooks';
import { ErrorBox, Field, announce } from './ui';
import { FormProblems, useFormProblems } from './FormProblems';
import { toApiError, type ApiError } from '../lib/errors';
import { formatRupiah, fromLocalInput, toLocalInput } from '../lib/format';
import { Checks, MAX_BUDGET, moneyProblem, parseMoney, problemText } from '../lib/validation';
import { label, t } from '../lib/i18n';
import { SET_FORUM_STATUS, UPDATE_FORUM } from '../lib/documents/staff';
import { OPEN_ROUND } from '../lib/documents/voting';
import { navigate } from '../lib/router';
import type { BallotMethod } from '../lib/ballot';
import type { ForumSummaryFragment } from '../lib/generated/graphql';

/** The selection rules the server accepts per ballot method (src/domain/voting.rs, `rules_for`). */
export const RULES: Record<BallotMethod, string[]> = {
  APPROVAL: ['greedy', 'greedy_card', 'mes', 'mes_card', 'mes_add1', 'mes_add1_greedy', 'phragmen'],
  KNAPSACK: ['greedy', 'greedy_card', 'mes', 'mes_card', 'mes_add1', 'mes_add1_greedy', 'phragmen'],
  CHOOSE_ONE: ['greedy', 'greedy_card', 'mes', 'mes_card', 'mes_add1', 'mes_add1_greedy', 'phragmen'],
  CUMULATIVE: ['greedy_points', 'mes_points'],
  RANKING: ['greedy_borda', 'mes_borda'],
};
export const METHODS: BallotMethod[] = ['APPROVAL', 'KNAPSACK', 'CUMULATIVE', 'RANKING', 'CHOOSE_ONE'];

/** Forum statuses that may follow, as the server allows them (planning.rs, `set_forum_status`). */
export function nextForumStatuses(status: string, planner: boolean): string[] {
  switch (status) {
    case 'DRAFT':
      return ['SCHEDULED'];
    case 'SCHEDULED':
      return ['IN_SESSION', 'DRAFT'];
    case 'IN_SESSION':
      return ['CLOSED'];
    case 'CLOSED':
      return planner ? ['RATIFIED'] : [];
    default:
      return [];
  }
}

export function ForumStatusControl({ forumId, status, planner, onDone, closeHref }: { forumId: number; status: string; planner: boolean; onDone?: () => void; closeHref?: string }) {
  const [error, setError] = useState<ApiError | null>(null);
  const [state, setStatus] = useMutation(SET_FORUM_STATUS);
  const next = nextForumStatuses(status, planner);
  if (next.length === 0) return null;
  // Closing fixes the priority list and moves proposals: it is done there, after a confirmation.
  const closes = next.includes('CLOSED') && status === 'IN_SESSION';
  return (
    <div class="stack-sm">
      <ErrorBox error={error} />
      {closes && (
        <p>
          <a href={closeHref ?? `/forum/${forumId}#prioritas`}>{t('priority.closeThere')}</a>
        </p>
      )}
      <div class="button-row">
        {next.filter((s) => !(closes && s === 'CLOSED')).map((s) => (
          <button
            key={s}
            type="button"
            class={`button ${s === 'DRAFT' ? 'button--secondary' : ''}`}
            disabled={state.fetching}
            onClick={async () => {
              const r = await setStatus({ forumId, status: s });
              const problem = toApiError(r.error);
              setError(problem);
              if (!problem) {
                announce(t('forum.statusChanged', { status: label('forumStatus', s) }));
                onDone?.();
              }
            }}
          >
            {label('forumStatusAction', s)}
          </button>
        ))}
      </div>
    </div>
  );
}

/** What the settings form edits, from the `ForumSummary` fragment. */
export type ForumSettings = Pick<ForumSummaryFragment, 'id' | 'name' | 'budgetCeiling' | 'selectionLimit' | 'maxCount' | 'tolerancePercent'>;

/** The forum settings' checks (UpdateForumInput, CreateForumInput): one pass, in the form's order. */
export function checkForumSettings(v: { name: string; ceiling: string; limit: string; maxCount: string; tolerance: string }) {
  const checks = new Checks();
  checks.text('name', v.name, 3, 200);
  const ceiling = checks.money('budgetCeiling', v.ceiling, { required: v.limit === 'BUDGET', max: MAX_BUDGET });
  const maxCount = checks.number('maxCount', v.maxCount, { required: v.limit === 'COUNT', integer: true, min: 1, max: 10_000 });
  const tolerance = checks.number('tolerancePercent', v.tolerance, { integer: true, min: 0, max: 100 });
  return { checks, ceiling, maxCount, tolerance };
}

export function ForumSettingsForm({ forum, onDone, idPrefix }: { forum: ForumSettings; onDone?: () => void; idPrefix: string }) {
  const [name, setName] = useState(forum.name);
  const [ceiling, setCeiling] = useState(forum.budgetCeiling === null ? '' : String(forum.budgetCeiling));
  const [limit, setLimit] = useState(forum.selectionLimit);
  const [maxCount, setMaxCount] = useState(forum.maxCount === null ? '' : String(forum.maxCount));
  const [tolerance, setTolerance] = useState(String(forum.tolerancePercent));
  const [state, update] = useMutation(UPDATE_FORUM);
  const ids = { name: `${idPrefix}-name`, budgetCeiling: `${idPrefix}-ceiling`, selectionLimit: `${idPrefix}-limit`, maxCount: `${idPrefix}-max`, tolerancePercent: `${idPrefix}-tol` };
  const problems = useFormProblems(ids, { values: { name, budgetCeiling: ceiling, maxCount, tolerancePercent: tolerance } });
  const fe = problems.fe;
  const typed = parseMoney(ceiling, MAX_BUDGET);
  const parsed = typed.value;
  return (
    <form
      class="stack"
      noValidate
      onSubmit={async (e) => {
        e.preventDefault();
        const c = checkForumSettings({ name, ceiling, limit, maxCount, tolerance });
        if (!problems.check(c.checks)) return;
        const input: Record<string, unknown> = { id: forum.id, name: name.trim(), selectionLimit: limit, tolerancePercent: c.tolerance ?? 0 };
        if (c.ceiling !== null) input.budgetCeiling = c.ceiling;
        if (c.maxCount !== null) input.maxCount = c.maxCount;
        const r = await update({ input });
        const problem = toApiError(r.error);
        problems.fail(problem);
        if (!problem) {
          announce(t('forum.saved'));
          onDone?.();
        }
      }}
    >
      <FormProblems {...problems.summary} />
      <Field id={ids.name} label={t('forum.name')} error={fe.name} required>
        {(a) => <input {...a} type="text" value={name} onInput={(e) => setName(e.currentTarget.value)} />}
      </Field>
      <Field
        id={ids.budgetCeiling}
        label={t('forum.ceiling')}
        hint={parsed !== null ? t('form.costReads', { amount: formatRupiah(parsed) }) : t('form.costHint')}
        error={fe.budgetCeiling ?? (typed.problem ? problemText(moneyProblem(typed.problem, MAX_BUDGET)) : undefined)}
        required={limit === 'BUDGET'}
      >
        {(a) => <input {...a} type="text" inputMode="numeric" value={ceiling} onInput={(e) => setCeiling(e.currentTarget.value)} />}
      </Field>
      <div class="grid-3">
        <Field id={ids.selectionLimit} label={t('forum.selectionLimit')} error={fe.selectionLimit} required>
          {(a) => (
            <select {...a} value={limit} onChange={(e) => setLimit(e.currentTarget.value as ForumSettings['selectionLimit'])}>
              {['BUDGET', 'COUNT', 'UNLIMITED'].map((l) => (
                <option key={l} value={l}>
                  {label('selectionLimit', l)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id={ids.maxCount} label={t('forum.maxCount')} error={fe.maxCount}>
          {(a) => <input {...a} type="number" min={1} value={maxCount} onInput={(e) => setMaxCount(e.currentTarget.value)} />}
        </Field>
        <Field id={ids.tolerancePercent} label={t('forum.tolerance')} error={fe.tolerancePercent} required>
          {(a) => <input {...a} type="number" min={0} max={100} value={tolerance} onInput={(e) => setTolerance(e.currentTarget.value)} />}
        </Field>
      </div>
      <button type="submit" class="button" disabled={state.fetching}>
        {t('common.save')}
      </button>
    </form>
  );
}

export function OpenRoundForm({ forumId, ceiling }: { forumId: number; ceiling: number | null }) {
  const now = new Date();
  const week = new Date(now.getTime() + 7 * 86400_000);
  const [title, setTitle] = useState('');
  const [method, setMethod] = useState<BallotMethod>('APPROVAL');
  const [rule, setRule] = useState('greedy');
  const [maxChoices, setMaxChoices] = useState('3');
  const [pointsBudget, setPointsBudget] = useState('10');
  const [maxPoints, setMaxPoints] = useState('');
  const [costLimit, setCostLimit] = useState(ceiling === null ? '' : String(ceiling));
  const [opensAt, setOpensAt] = useState(toLocalInput(now.toISOString()));
  const [closesAt, setClosesAt] = useState(toLocalInput(week.toISOString()));
  // Results are published at the close unless the forum opts in to running totals (in steps).
  const [liveTally, setLiveTally] = useState(false);
  const [state, open] = useMutation(OPEN_ROUND);
  const ids = { title: 'or-title', method: 'or-method', rule: 'or-rule', maxChoices: 'or-max', pointsBudget: 'or-points', maxPointsPerProposal: 'or-maxpoints', costLimit: 'or-cost', opensAt: 'or-opens', closesAt: 'or-closes' };
  const problems = useFormProblems(ids, {
    values: { title, maxChoices, pointsBudget, maxPointsPerProposal: maxPoints, costLimit, opensAt, closesAt },
    labels: { title: t('round.titleField'), maxPointsPerProposal: t('round.maxPoints') },
  });
  const fe = problems.fe;
  const typedLimit = parseMoney(costLimit, MAX_BUDGET);
  return (
    <form
      class="stack"
      noValidate
      onSubmit={async (e) => {
        e.preventDefault();
        const c = new Checks();
        c.text('title', title, 3, 200);
        const choices = method === 'APPROVAL' || method === 'RANKING' ? c.number('maxChoices', maxChoices, { integer: true, min: 1, max: 100 }) : null;
        const points = method === 'CUMULATIVE' ? c.number('pointsBudget', pointsBudget, { integer: true, min: 1, max: 1000 }) : null;
        const perProposal = method === 'CUMULATIVE' ? c.number('maxPointsPerProposal', maxPoints, { required: false, integer: true, min: 1, max: 1000 }) : null;
        const limitValue = method === 'KNAPSACK' ? c.money('costLimit', costLimit, { required: ceiling === null, min: 1, max: MAX_BUDGET }) : null;
        const opens = fromLocalInput(opensAt);
        const closes = fromLocalInput(closesAt);
        if (c.required('opensAt', opensAt) && opens === null) c.add('opensAt', 'field.dateTime');
        if (c.required('closesAt', closesAt) && closes === null) c.add('closesAt', 'field.dateTime');
        if (opens && closes && Date.parse(closes) <= Date.parse(opens)) c.add('closesAt', 'field.closeAfterOpen');
        if (!problems.check(c)) return;
        const input: Record<string, unknown> = {
          forumId,
          title: title.trim(),
          method,
          rule,
          opensAt: fromLocalInput(opensAt),
          closesAt: fromLocalInput(closesAt),
          liveTally,
        };
        if (method === 'APPROVAL' || method === 'RANKING') input.maxChoices = choices;
        if (method === 'CUMULATIVE') {
          input.pointsBudget = points;
          if (perProposal !== null) input.maxPointsPerProposal = perProposal;
        }
        if (method === 'KNAPSACK' && limitValue !== null) input.costLimit = limitValue;
        const r = await open({ input });
        const problem = toApiError(r.error);
        problems.fail(problem);
        if (!problem) {
          announce(t('round.opened'));
          navigate(`/putaran/${r.data.openVotingRound.id}`);
        }
      }}
    >
      <FormProblems {...problems.summary} />
      <Field id={ids.title} label={t('round.titleField')} error={fe.title} required>
        {(a) => <input {...a} type="text" value={title} onInput={(e) => setTitle(e.currentTarget.value)} />}
      </Field>
      <div class="grid-2">
        <Field id={ids.method} label={t('round.method')} hint={t(`methodHint.${method}` as any)} error={fe.method} required>
          {(a) => (
            <select
              {...a}
              value={method}
              onChange={(e) => {
                const m = e.currentTarget.value as BallotMethod;
                setMethod(m);
                setRule(RULES[m][0]);
              }}
            >
              {METHODS.map((m) => (
                <option key={m} value={m}>
                  {label('method', m)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id={ids.rule} label={t('round.rule')} error={fe.rule} required>
          {(a) => (
            <select {...a} value={rule} onChange={(e) => setRule(e.currentTarget.value)}>
              {RULES[method].map((r) => (
                <option key={r} value={r}>
                  {label('rule', r)}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      {(method === 'APPROVAL' || method === 'RANKING') && (
        <Field id={ids.maxChoices} label={t('round.maxChoices')} error={fe.maxChoices} required>
          {(a) => <input {...a} type="number" min={1} max={100} value={maxChoices} onInput={(e) => setMaxChoices(e.currentTarget.value)} />}
        </Field>
      )}
      {method === 'CUMULATIVE' && (
        <div class="grid-2">
          <Field id={ids.pointsBudget} label={t('round.pointsBudget')} error={fe.pointsBudget} required>
            {(a) => <input {...a} type="number" min={1} max={1000} value={pointsBudget} onInput={(e) => setPointsBudget(e.currentTarget.value)} />}
          </Field>
          <Field id={ids.maxPointsPerProposal} label={t('round.maxPoints')} error={fe.maxPointsPerProposal}>
            {(a) => <input {...a} type="number" min={1} max={1000} value={maxPoints} onInput={(e) => setMaxPoints(e.currentTarget.value)} />}
          </Field>
        </div>
      )}
      {method === 'KNAPSACK' && (
        <Field
          id={ids.costLimit}
          label={t('round.costLimit')}
          hint={typedLimit.value !== null ? t('form.costReads', { amount: formatRupiah(typedLimit.value) }) : t('round.costLimitHint')}
          error={fe.costLimit ?? (typedLimit.problem ? problemText(moneyProblem(typedLimit.problem, MAX_BUDGET)) : undefined)}
          required={ceiling === null}
        >
          {(a) => <input {...a} type="text" inputMode="numeric" value={costLimit} onInput={(e) => setCostLimit(e.currentTarget.value)} />}
        </Field>
      )}
      <div class="grid-2">
        <Field id={ids.opensAt} label={t('round.opensAt')} error={fe.opensAt} required>
          {(a) => <input {...a} type="datetime-local" value={opensAt} onInput={(e) => setOpensAt(e.currentTarget.value)} />}
        </Field>
        <Field id={ids.closesAt} label={t('round.closesAtField')} error={fe.closesAt} required>
          {(a) => <input {...a} type="datetime-local" value={closesAt} onInput={(e) => setClosesAt(e.currentTarget.value)} />}
        </Field>
      </div>
      <div class="field">
        <label class="checkbox">
          <input type="checkbox" checked={liveTally} aria-describedby="or-live-hint" onChange={(e) => setLiveTally(e.currentTarget.checked)} /> {t('round.liveTally')}
        </label>
        <p class="hint" id="or-live-hint">
          {t('round.liveTallyHint')}
        </p>
      </div>
      <button type="submit" class="button" disabled={state.fetching}>
        {t('round.open')}
      </button>
    </form>
  );
}
