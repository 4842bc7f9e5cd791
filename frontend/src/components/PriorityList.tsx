import { useMutation, useQuery } from '@urql/preact';
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { Badge, ErrorBox, Loading, TableWrap, announce } from './ui';
import { move } from '../lib/ballot';
import { toApiError, type ApiError } from '../lib/errors';
import { budgetUsed, canPromote, countOutcomes, inOrder, listsForOrder, summarizeClose, supportNumber } from '../lib/escalation';
import { formatDateTime, formatNumber, formatRupiah } from '../lib/format';
import { label, t } from '../lib/i18n';
import { CLOSE_FORUM, FORUM_PRIORITY, PROMOTE_RESERVE } from '../lib/documents/escalation';
import { Link } from '../lib/router';

/** Server reason notes that carry more than the translated reason (an amount, the forum's words). */
const NOTE_ADDS = new Set(['DID_NOT_FIT_REMAINING_BUDGET', 'FORUM_DECISION']);

/**
 * What the list's figures mean: the cost of the main list (after the close, what was forwarded
 * or accepted) against the budget, and apart from it the cost of every proposal on the list,
 * which does not draw on the budget.
 */
function BudgetMeter({ used, usedCount, budget, ceiling, proposed, proposedCount, fixed }: {
  used: number;
  usedCount: number;
  budget: number | null;
  ceiling: number | null;
  proposed: number;
  proposedCount: number;
  fixed: boolean;
}) {
  const total = (
    <p class="hint" data-testid="priority-proposed">
      {t('priority.proposedTotal', { n: formatNumber(proposedCount), amount: formatRupiah(proposed) })}
    </p>
  );
  if (budget === null) {
    return (
      <div class="budget-meter" data-testid="priority-budget">
        <p>{t('priority.usedUnlimited', { used: formatRupiah(used) })}</p>
        {total}
      </div>
    );
  }
  const over = used - budget;
  return (
    <div class="budget-meter" data-testid="priority-budget">
      <label for="priority-budget" class="budget-meter__label">
        {t(fixed ? 'priority.usesFixed' : 'priority.uses', { n: formatNumber(usedCount), used: formatRupiah(used), budget: formatRupiah(budget) })}
      </label>
      <meter id="priority-budget" min={0} max={budget} value={Math.min(used, budget)} high={budget * 0.999} optimum={0}>
        {formatRupiah(used)}
      </meter>
      <p class="hint">
        {over > 0 ? t('priority.overBudget', { amount: formatRupiah(over) }) : t('priority.remaining', { amount: formatRupiah(budget - used) })}
        {ceiling !== null && ceiling !== budget && <> · {t('priority.ceilingTolerance', { ceiling: formatRupiah(ceiling) })}</>}
      </p>
      {total}
    </div>
  );
}

/** The confirmation of the close: what moves up, stays in reserve, is closed. */
function CloseDialog({ open, summary, parentName, onConfirm, onCancel, busy, error }: {
  open: boolean;
  summary: ReturnType<typeof summarizeClose>;
  parentName: string | null;
  onConfirm: () => void;
  onCancel: () => void;
  busy: boolean;
  error: ApiError | null;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal?.();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog ref={ref} class="dialog" aria-labelledby="close-title" aria-describedby="close-what" onCancel={(e) => (e.preventDefault(), onCancel())}>
      <h2 id="close-title">{t('priority.confirmTitle')}</h2>
      <div id="close-what">
        <ul class="list">
          <li>
            {parentName
              ? t('priority.willForward', { n: summary.moveUp, forum: parentName, amount: formatRupiah(summary.moveUpCost) })
              : t('priority.willAccept', { n: summary.moveUp, amount: formatRupiah(summary.moveUpCost) })}
          </li>
          <li>{t('priority.willReserve', { n: summary.reserve })}</li>
          <li>{t('priority.willClose', { n: summary.closed })}</li>
          <li>{t('priority.willCloseUnverified', { n: summary.unverified })}</li>
        </ul>
        <p>
          <strong>{t('priority.irreversible')}</strong>
        </p>
      </div>
      <ErrorBox error={error} />
      <div class="button-row">
        <button type="button" class="button" disabled={busy} onClick={onConfirm}>
          {busy ? t('common.sending') : t('priority.confirmClose')}
        </button>
        <button type="button" class="button button--secondary" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </dialog>
  );
}

/** A forum's priority list (daftar prioritas): before the close as it would be fixed, after as it was. */
export function PriorityList({ forumId, onChanged }: { forumId: number; onChanged?: () => void }) {
  const [result, refetch] = useQuery({ query: FORUM_PRIORITY, variables: { id: forumId }, requestPolicy: 'cache-and-network' });
  const [closeState, closeForum] = useMutation(CLOSE_FORUM);
  const [promoteState, promote] = useMutation(PROMOTE_RESERVE);
  const [order, setOrder] = useState<number[] | null>(null);
  const [focusAfterMove, setFocusAfterMove] = useState<{ id: number; dir: 'up' | 'down' } | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [closeError, setCloseError] = useState<ApiError | null>(null);
  const [promoteError, setPromoteError] = useState<{ code: string; error: ApiError } | null>(null);
  const f = result.data?.forum;
  const list = f?.priorityList;
  const voted = !!list?.roundId;
  const staff = !!f?.viewerIsStaff;
  const inSession = f?.status === 'IN_SESSION';
  const reorderable = staff && inSession && !voted && !list?.fixed;
  const rows: any[] = useMemo(() => {
    const all: any[] = list?.rows ?? [];
    return reorderable && order ? inOrder(all, order) : all;
  }, [list, order, reorderable]);
  // A forum that did not vote: the lists follow the agreed order, as the server will fix them.
  const lists = useMemo(() => {
    if (!reorderable || !f) return null;
    return listsForOrder(
      rows.map((r) => ({ id: r.proposal.id, cost: r.cost })),
      { budget: list.budget ?? null, selectionLimit: f.selectionLimit, maxCount: f.maxCount },
    );
  }, [rows, reorderable, f, list]);
  // Moving a row moves its DOM node, which drops focus: put it back on the same proposal's
  // button before the next key press (its other button when it reached an end).
  useLayoutEffect(() => {
    if (!focusAfterMove) return;
    const { id, dir } = focusAfterMove;
    const el = document.getElementById(`mv-${dir}-${id}`) as HTMLButtonElement | null;
    (el && !el.disabled ? el : (document.getElementById(`mv-${dir === 'up' ? 'down' : 'up'}-${id}`) as HTMLButtonElement | null))?.focus();
    setFocusAfterMove(null);
  }, [focusAfterMove]);

  if (!f) return result.fetching ? <Loading /> : <ErrorBox error={toApiError(result.error)} />;
  const shown = rows.map((r) => ({ ...r, ...(lists?.get(r.proposal.id) ?? {}) }));
  const used = budgetUsed(shown, list.fixed);
  const summary = summarizeClose(shown, f.unverified.totalCount);
  const outcomes = countOutcomes(shown);
  const openRounds = f.votingRounds.filter((r: any) => !r.isClosed);
  const refresh = () => {
    refetch({ requestPolicy: 'network-only' });
    onChanged?.();
  };
  const moveRow = (index: number, delta: number) => {
    const ids = rows.map((r) => r.proposal.id);
    const next = move(ids, index, delta);
    setOrder(next);
    const id = ids[index];
    announce(t('priority.moved', { title: rows[index].proposal.title, n: index + delta + 1 }));
    setFocusAfterMove({ id, dir: delta < 0 ? 'up' : 'down' });
  };
  const doClose = async () => {
    setCloseError(null);
    const agreedOrder = reorderable ? rows.map((r) => r.proposal.id) : null;
    const r = await closeForum({ input: { forumId: f.id, agreedOrder } });
    const problem = toApiError(r.error);
    setCloseError(problem);
    if (!problem) {
      setConfirming(false);
      setOrder(null);
      announce(t('priority.closed'));
      refresh();
    }
  };
  const doPromote = async (row: any) => {
    setPromoteError(null);
    const r = await promote({ forumId: f.id, proposalId: row.proposal.id });
    const problem = toApiError(r.error);
    if (problem) setPromoteError({ code: row.proposal.code, error: problem });
    else {
      announce(t('priority.promoted', { code: row.proposal.code }));
      refresh();
    }
  };

  return (
    <section class="card stack-sm" id="prioritas" aria-labelledby="priority-heading">
      <h2 id="priority-heading">{t('priority.title')}</h2>
      <p>
        {list.fixed ? (
          <>
            <Badge tone="closed">{t('priority.fixed')}</Badge> {f.closedAt && t('priority.fixedAt', { at: formatDateTime(f.closedAt) })}
          </>
        ) : (
          <>
            <Badge tone="upcoming">{t('priority.draft')}</Badge> {t('priority.draftHint')}
          </>
        )}
      </p>
      <p class="muted">
        {voted ? (
          <>
            {t('priority.fromRound')} <Link href={`/putaran/${list.roundId}`}>{t('priority.roundLink')}</Link>
          </>
        ) : (
          t('priority.noVote')
        )}
      </p>
      <BudgetMeter
        used={used}
        usedCount={shown.filter((r) => (list.fixed ? r.outcome === 'FORWARDED' || r.outcome === 'ACCEPTED' : r.list === 'MAIN')).length}
        budget={list.budget ?? null}
        ceiling={f.budgetCeiling}
        proposed={shown.reduce((sum, r) => sum + r.cost, 0)}
        proposedCount={shown.length}
        fixed={list.fixed}
      />
      {list.fixed && (
        <p>
          {t('priority.outcomeCounts', {
            forwarded: outcomes.FORWARDED,
            accepted: outcomes.ACCEPTED,
            reserve: outcomes.RESERVE,
            closed: outcomes.NOT_SELECTED,
          })}
        </p>
      )}
      {reorderable && rows.length > 1 && (
        <p class="hint" id="reorder-hint">
          {t('priority.reorderHint')}
        </p>
      )}
      {promoteError && (
        <div>
          <p class="muted">
            {t('priority.promote')} {promoteError.code}
          </p>
          <ErrorBox error={promoteError.error} />
        </div>
      )}
      {rows.length === 0 ? (
        <p>{t('priority.empty')}</p>
      ) : (
        <TableWrap label={t('priority.title')} cards>
          <table class="priority-table table--cards">
            <thead>
              <tr>
                <th scope="col">{t('outcome.rank')}</th>
                <th scope="col">{t('priority.proposal')}</th>
                <th scope="col">{t('proposal.cost')}</th>
                <th scope="col">{voted ? t('outcome.support') : t('priority.supportNone')}</th>
                <th scope="col">{t('outcome.list')}</th>
                <th scope="col">{t('outcome.reason')}</th>
                {list.fixed && <th scope="col">{t('priority.outcome')}</th>}
                {(reorderable || (list.fixed && staff)) && <th scope="col">{t('planning.actions')}</th>}
              </tr>
            </thead>
            <tbody>
              {shown.map((r, i) => {
                const support = supportNumber(r.support);
                return (
                  <tr key={r.proposal.id} class={`row--${r.list.toLowerCase()}`}>
                    <td data-label={t('outcome.rank')}>{reorderable ? i + 1 : r.rank}</td>
                    <td data-label={t('priority.proposal')}>
                      <Link href={`/usulan/${r.proposal.id}`}>
                        <span class="code">{r.proposal.code}</span> {r.proposal.title}
                      </Link>
                      <br />
                      <span class="muted">
                        {r.proposal.region?.name} · {label('status', r.proposal.status)}
                        {r.proposal.forum && r.proposal.forum.id !== f.id && <> · {r.proposal.forum.name}</>}
                      </span>
                    </td>
                    <td class="num" data-label={t('proposal.cost')}>{formatRupiah(r.cost)}</td>
                    <td class="num" data-label={voted ? t('outcome.support') : t('priority.supportNone')}>{support === null ? r.support || '—' : formatNumber(support)}</td>
                    <td data-label={t('outcome.list')}>
                      <Badge tone={r.list.toLowerCase()}>{label('list', r.list)}</Badge>
                    </td>
                    <td data-label={t('outcome.reason')}>
                      {label('reason', r.reason)}
                      {voted && r.list === 'MAIN' && r.reason === 'SELECTED' && support === 0 && (
                        <span class="muted" data-testid={`zero-support-${r.proposal.id}`}>
                          <br />
                          {t('reason.zeroSupportTaken')}
                        </span>
                      )}
                      {!reorderable && NOTE_ADDS.has(r.reason) && r.note && (
                        <span class="muted" lang="id">
                          <br />“{r.note}”
                        </span>
                      )}
                    </td>
                    {list.fixed && (
                      <td data-label={t('priority.outcome')}>
                        {r.outcome ? <Badge tone={r.outcome.toLowerCase()}>{label('priorityOutcome', r.outcome)}</Badge> : '—'}
                        {r.promotedAt && (
                          <>
                            <br />
                            <span class="muted">{t('priority.promotedAt', { at: formatDateTime(r.promotedAt) })}</span>
                          </>
                        )}
                      </td>
                    )}
                    {reorderable && (
                      <td data-label={t('planning.actions')}>
                        <span class="ranking__buttons">
                          <button
                            type="button"
                            id={`mv-up-${r.proposal.id}`}
                            class="icon-button"
                            disabled={i === 0}
                            aria-describedby="reorder-hint"
                            onClick={() => moveRow(i, -1)}
                            aria-label={t('ballot.moveUp', { title: r.proposal.title })}
                          >
                            ↑
                          </button>
                          <button
                            type="button"
                            id={`mv-down-${r.proposal.id}`}
                            class="icon-button"
                            disabled={i === rows.length - 1}
                            aria-describedby="reorder-hint"
                            onClick={() => moveRow(i, 1)}
                            aria-label={t('ballot.moveDown', { title: r.proposal.title })}
                          >
                            ↓
                          </button>
                        </span>
                      </td>
                    )}
                    {list.fixed && staff && (
                      <td data-label={t('planning.actions')}>
                        {canPromote(r, true) && (
                          <button type="button" class="button button--small" disabled={promoteState.fetching} onClick={() => doPromote(r)}>
                            {t('priority.promote')}
                            <span class="visually-hidden"> {r.proposal.title}</span>
                          </button>
                        )}
                      </td>
                    )}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableWrap>
      )}
      {staff && !list.fixed && (
        <div class="stack-sm">
          {!inSession && <p class="hint">{t('priority.closeNeedsSession', { status: label('forumStatus', f.status) })}</p>}
          {inSession && openRounds.length > 0 && <p class="hint">{t('priority.closeRoundsFirst')}</p>}
          {reorderable && order && (
            <button type="button" class="button button--secondary button--small" onClick={() => (setOrder(null), announce(t('priority.orderReset')))}>
              {t('priority.resetOrder')}
            </button>
          )}
          {inSession && (
            <p>
              <button type="button" class="button" onClick={() => (setCloseError(null), setConfirming(true))}>
                {t('priority.close')}
              </button>
            </p>
          )}
          {!confirming && <ErrorBox error={closeError} />}
        </div>
      )}
      <CloseDialog
        open={confirming}
        summary={summary}
        parentName={f.parentForum?.name ?? null}
        busy={closeState.fetching}
        error={closeError}
        onConfirm={doClose}
        onCancel={() => setConfirming(false)}
      />
    </section>
  );
}
