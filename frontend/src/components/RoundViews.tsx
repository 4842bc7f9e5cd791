import { useClient, useMutation, useQuery } from '@urql/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { BarChart, BudgetBar } from './charts';
import { ErrorBox, Field, LiveBadge, Loading, TableWrap, announce, Badge } from './ui';
import { fieldErrors, toApiError, type ApiError } from '../lib/errors';
import { formatNumber, formatRupiah } from '../lib/format';
import { label, t, type MessageKey } from '../lib/i18n';
import { follow, transportOf, type LiveMode } from '../lib/live';
import { CHECK_RECEIPT, DECIDE_OUTCOME, ROUND_OUTCOME, ROUND_PB, ROUND_TALLY } from '../lib/documents/voting';
import { Link } from '../lib/router';
import type { RoundTallyQuery } from '../lib/generated/graphql';

interface Titled {
  id: number;
  code: string;
  title: string;
}

/** The number a tally row is judged by, per method. */
export function tallyValue(method: string, row: { votes: number; points: number; borda: number }): number {
  if (method === 'CUMULATIVE') return row.points;
  if (method === 'RANKING') return row.borda;
  return row.votes;
}

const TALLY_SUBSCRIPTION = /* GraphQL */ `subscription Tally($roundId: Int!) { votingTally(roundId: $roundId) { ballots counted withheld minimumBallots final rows { proposalId cost votes points borda } } }`;

/**
 * A round's totals as the server publishes them (query or subscription): `ballots` cast so far
 * (turnout); `counted`, the ballots the rows count (the last published step while the round
 * runs); `withheld`, no totals yet (a round without a live tally, or fewer than `minimumBallots`).
 */
export type Tally = NonNullable<RoundTallyQuery['votingRound']>['tally'];

/** What the tally says in words: turnout, what the totals count, or why they are hidden. */
export function tallyText(tally: Tally, liveTally: boolean, open: boolean): { turnout: string; hidden: string | null; steps: string | null } {
  const n = (v: number) => formatNumber(v);
  let turnout = t('tally.ballots', { n: n(tally.ballots) });
  if (!tally.withheld && tally.counted < tally.ballots) turnout += ` · ${t('tally.countedFrom', { n: n(tally.counted) })}`;
  const hidden = tally.withheld ? (liveTally ? t('tally.withheld', { n: n(tally.minimumBallots) }) : t('tally.afterClose')) : null;
  const steps = !tally.withheld && open && liveTally ? t('tally.steps', { n: n(tally.minimumBallots) }) : null;
  return { turnout, hidden, steps };
}

/**
 * The round's totals: loaded once, then replaced by each `votingTally` update (whole totals,
 * so nothing to resume); while the socket is down the query is polled instead.
 */
function useTally(roundId: number, live: boolean) {
  const client = useClient();
  const [result, refetch] = useQuery({ query: ROUND_TALLY, variables: { id: roundId } });
  const [pushed, setPushed] = useState<{ roundId: number; tally: Tally } | null>(null);
  const [mode, setMode] = useState<LiveMode>('paused');
  useEffect(() => {
    if (!live) {
      setMode('paused');
      return;
    }
    const stop = follow(transportOf(client), {
      payload: { query: TALLY_SUBSCRIPTION, variables: { roundId } },
      onData: (data) => {
        if (!data.votingTally) return;
        setPushed({ roundId, tally: data.votingTally });
        // The final totals are the last update: the server ends the stream, nothing to follow.
        if (data.votingTally.final) {
          stop();
          setMode('paused');
        }
      },
      onErrors: () => false,
      poll: () => refetch({ requestPolicy: 'network-only' }),
      onMode: setMode,
    });
    return stop;
  }, [client, roundId, live]);
  // A polled answer (socket down) is newer than the last pushed totals.
  useEffect(() => setPushed(null), [result.data]);
  const tally: Tally | undefined = pushed?.roundId === roundId ? pushed.tally : result.data?.votingRound.tally;
  return { tally, error: pushed ? null : result.error, mode };
}

/**
 * Turnout always; the totals once published: at the close, or for a live tally in steps of at
 * least the minimum of ballots (withheld before the first step), the same for everybody.
 */
export function TallyView({ roundId, method, proposals, live, liveTally }: { roundId: number; method: string; proposals: Titled[]; live: boolean; liveTally: boolean }) {
  const { tally, error: queryError, mode } = useTally(roundId, live);
  const result = { error: queryError };
  const error = toApiError(result.error);
  const titles = new Map(proposals.map((p) => [p.id, p]));
  const unit: MessageKey = method === 'CUMULATIVE' ? 'tally.points' : method === 'RANKING' ? 'tally.borda' : 'tally.votes';
  return (
    <section class="card" aria-labelledby="tally-heading">
      <h2 id="tally-heading">
        {t('tally.title')} {live && <LiveBadge mode={mode} />}
      </h2>
      {error ? (
        error.code === 'FAILED_PRECONDITION' ? (
          <p>{t('tally.afterClose')}</p>
        ) : (
          <ErrorBox error={error} />
        )
      ) : !tally ? (
        <Loading />
      ) : (
        <TallyBody tally={tally} method={method} unit={unit} titles={titles} liveTally={liveTally} open={live} />
      )}
    </section>
  );
}

function TallyBody({ tally, method, unit, titles, liveTally, open }: { tally: Tally; method: string; unit: MessageKey; titles: Map<number, Titled>; liveTally: boolean; open: boolean }) {
  const text = tallyText(tally, liveTally, open);
  return (
    <>
      <p aria-live="polite" data-testid="ballot-count">
        {text.turnout}
      </p>
      {text.hidden ? (
        <p class="alert alert--info" data-testid="tally-withheld">
          {text.hidden}
        </p>
      ) : (
        <>
          {text.steps && <p class="hint">{text.steps}</p>}
          <BarChart
            id="tally-chart"
            title={t(unit)}
            bars={tally.rows.map((r) => ({
              key: r.proposalId,
              label: titles.get(r.proposalId)?.title ?? `#${r.proposalId}`,
              value: tallyValue(method, r),
            }))}
          />
        </>
      )}
    </>
  );
}

function DecideForm({ roundId, row, onDone }: { roundId: number; row: any; onDone: () => void }) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [state, decide] = useMutation(DECIDE_OUTCOME);
  const fe = fieldErrors(error);
  const include = !row.selected;
  return (
    <form
      class="inline-form"
      noValidate
      onSubmit={async (e) => {
        e.preventDefault();
        if (!reason.trim()) {
          setError({ code: 'BAD_USER_INPUT', message: 'invalid input', fields: [{ field: 'reason', code: 'required', message: 'is required' }] });
          return;
        }
        const r = await decide({ roundId, proposalId: row.proposalId, selected: include, reason });
        const problem = toApiError(r.error);
        setError(problem);
        if (!problem) {
          announce(t('outcome.decided'));
          onDone();
        }
      }}
    >
      <ErrorBox error={error && !fe.reason ? error : null} />
      <Field id={`decide-${row.proposalId}`} label={include ? t('outcome.includeReason') : t('outcome.excludeReason')} error={fe.reason} required>
        {(a) => <input {...a} type="text" value={reason} onInput={(e) => setReason(e.currentTarget.value)} />}
      </Field>
      <div class="button-row">
        <button type="submit" class="button button--small" disabled={state.fetching}>
          {include ? t('outcome.include') : t('outcome.exclude')}
        </button>
        <button type="button" class="button button--secondary button--small" onClick={onDone}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

export function reasonText(row: { reason: string; remainingBudget: number | null; decisionReason: string | null; support?: string; list?: string }): string {
  // Taken without a single vote: only because the budget had room left after the supported ones.
  if (row.list === 'MAIN' && row.reason === 'SELECTED' && row.support !== undefined && /^\s*0(\s*\/\s*\d+)?\s*$/.test(row.support)) {
    return `${label('reason', row.reason)} — ${t('reason.zeroSupportTaken')}`;
  }
  if (row.reason === 'DID_NOT_FIT_REMAINING_BUDGET' && row.remainingBudget !== null) {
    return t('reason.DID_NOT_FIT_REMAINING_BUDGET_left', { amount: formatRupiah(row.remainingBudget) });
  }
  if (row.reason === 'FORUM_DECISION' && row.decisionReason) return t('reason.FORUM_DECISION_because', { reason: row.decisionReason });
  return label('reason', row.reason);
}

/** The outcome of a round: chart, budget use and the reason for every proposal. */
export function OutcomeView({ roundId, canDecide, headingLevel = 2 }: { roundId: number; canDecide: boolean; headingLevel?: 2 | 3 }) {
  const [result, refetch] = useQuery({ query: ROUND_OUTCOME, variables: { id: roundId } });
  const [deciding, setDeciding] = useState<number | null>(null);
  const outcome = result.data?.votingRound.outcome;
  const error = toApiError(result.error);
  const H = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <section class="card" aria-labelledby={`outcome-${roundId}`}>
      <H id={`outcome-${roundId}`}>{t('outcome.title')}</H>
      {error ? (
        error.code === 'FAILED_PRECONDITION' ? (
          <p>{t('outcome.afterClose')}</p>
        ) : (
          <ErrorBox error={error} />
        )
      ) : !outcome ? (
        <Loading />
      ) : (
        <>
          <p>
            {t('outcome.summary', {
              rule: label('rule', outcome.rule),
              ballots: formatNumber(outcome.ballots),
              selected: formatNumber(outcome.rows.filter((r: any) => r.selected).length),
              total: formatNumber(outcome.rows.length),
            })}
          </p>
          <BudgetBar used={outcome.totalCost} budget={outcome.budget} />
          <BarChart
            id={`outcome-chart-${roundId}`}
            title={t('outcome.chart')}
            bars={outcome.rows.map((r: any) => ({
              key: r.proposalId,
              label: `${r.rank}. ${r.title}`,
              value: Number(r.support.includes('/') ? eval_fraction(r.support) : r.support),
              valueText: `${r.support} · ${label('list', r.list)}`,
              tone: r.list === 'MAIN' ? 'main' : r.list === 'RESERVE' ? 'reserve' : 'out',
            }))}
          />
          <TableWrap label={t('outcome.table')}>
            <table class="outcome-table">
              <caption class="visually-hidden">{t('outcome.table')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('outcome.rank')}</th>
                  <th scope="col">{t('proposal.title')}</th>
                  <th scope="col">{t('proposal.cost')}</th>
                  <th scope="col">{t('outcome.support')}</th>
                  <th scope="col">{t('outcome.list')}</th>
                  <th scope="col">{t('outcome.reason')}</th>
                  {canDecide && <th scope="col">{t('outcome.decision')}</th>}
                </tr>
              </thead>
              <tbody>
                {outcome.rows.map((r: any) => (
                  <tr key={r.proposalId} class={`row--${r.list.toLowerCase()}`}>
                    <td class="num">{r.rank}</td>
                    <td>
                      <Link href={`/usulan/${r.proposalId}`}>{r.title}</Link>
                      <br />
                      <span class="code">{r.code}</span>
                    </td>
                    <td class="num">{formatRupiah(r.cost)}</td>
                    <td class="num">{r.support}</td>
                    <td>
                      <Badge tone={r.list.toLowerCase()}>{label('list', r.list)}</Badge>
                    </td>
                    <td>{reasonText(r)}</td>
                    {canDecide && (
                      <td>
                        {deciding === r.proposalId ? (
                          <DecideForm
                            roundId={roundId}
                            row={r}
                            onDone={() => {
                              setDeciding(null);
                              refetch({ requestPolicy: 'network-only' });
                            }}
                          />
                        ) : (
                          <button type="button" class="button button--secondary button--small" onClick={() => setDeciding(r.proposalId)}>
                            {r.selected ? t('outcome.exclude') : t('outcome.include')}
                          </button>
                        )}
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        </>
      )}
    </section>
  );
}

/** "7/2" → 3.5 (support can be an exact fraction). */
export function eval_fraction(text: string): number {
  const [a, b] = text.split('/').map(Number);
  return b ? a / b : a;
}

/**
 * Downloads the closed round as a Pabulib .pb file; the forum's other files (CSV, XLSX, PDF,
 * JSON) are on its page, where they are offered when the export is allowed.
 */
export function ExportButtons({ roundId, title, closed, forumId }: { roundId: number; title: string; closed: boolean; forumId?: number }) {
  const client = useClient();
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const download = async () => {
    setBusy(true);
    const r = await client.query(ROUND_PB, { id: roundId }, { requestPolicy: 'network-only' }).toPromise();
    setBusy(false);
    const problem = toApiError(r.error);
    setError(problem);
    if (problem) return;
    const blob = new Blob([r.data.votingRound.pabulib], { type: 'text/plain;charset=utf-8' });
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = `${title.replace(/[^\w.-]+/g, '_').slice(0, 60) || 'putaran'}-${roundId}.pb`;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
    announce(t('export.downloaded'));
  };
  return (
    <div class="stack-sm">
      <ErrorBox error={error} />
      {closed ? (
        <div class="button-row">
          <button type="button" class="button button--secondary" disabled={busy} onClick={download}>
            {t('export.pb')}
          </button>
        </div>
      ) : (
        <p class="hint">{t('export.afterClose')}</p>
      )}
      {closed && forumId !== undefined && (
        <p class="hint" data-testid={`round-exports-${roundId}`}>
          {t('export.forumFiles')} <Link href={`/forum/${forumId}#forum-export`}>{t('export.forumFilesLink')}</Link>
        </p>
      )}
    </div>
  );
}

/**
 * The voter's check after the close that their receipt is among the counted ones: prefilled
 * with their own. It answers counted or not, never what was chosen.
 */
export function ReceiptCheck({ roundId, mine }: { roundId: number; mine: string | null }) {
  const [receipt, setReceipt] = useState(mine ?? '');
  const [asked, setAsked] = useState<string | null>(null);
  // The own receipt can arrive after the check is shown (the round first from the cache, or
  // before signing in): fill it in then, unless something was typed meanwhile.
  const typed = useRef(false);
  useEffect(() => {
    if (mine && !typed.current) setReceipt(mine);
  }, [mine]);
  const [result] = useQuery({ query: CHECK_RECEIPT, variables: { roundId, receipt: asked ?? '' }, pause: !asked, requestPolicy: 'network-only' });
  const check = result.data?.checkReceipt;
  const prefilled = !!mine && receipt === mine;
  return (
    <section class="card" aria-labelledby="receipt-check">
      <h2 id="receipt-check">{t('receipt.checkTitle')}</h2>
      <p>{t('receipt.proves')}</p>
      <form
        class="stack-sm"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          setAsked(receipt.trim());
        }}
      >
        <Field id="receipt-input" label={t('receipt.code')} hint={prefilled ? `${t('receipt.checkHint')} ${t('receipt.prefilled')}` : t('receipt.checkHint')} required>
          {(a) => (
            <input
              {...a}
              type="text"
              autoComplete="off"
              spellcheck={false}
              value={receipt}
              onInput={(e) => {
                typed.current = true;
                setReceipt(e.currentTarget.value);
              }}
            />
          )}
        </Field>
        <button type="submit" class="button button--secondary">
          {t('receipt.check')}
        </button>
      </form>
      <div aria-live="polite" data-testid="receipt-result">
        {asked && result.fetching && <Loading />}
        {asked && !result.fetching && result.error && <ErrorBox error={toApiError(result.error)} />}
        {asked && !result.fetching && check && (check.counted ? (
          <p class="alert alert--success">{t('receipt.counted')}</p>
        ) : (
          <p class="alert alert--warning">{t('receipt.notCounted')}</p>
        ))}
      </div>
    </section>
  );
}
