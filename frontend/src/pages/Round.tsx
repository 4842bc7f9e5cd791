import { useMutation, useQuery } from '@urql/preact';
import { useMemo, useState } from 'preact/hooks';
import { BallotForm, ballotInstruction, problemText, type BallotProposal } from '../components/Ballot';
import { ExportButtons, OutcomeView, ReceiptCheck, TallyView } from '../components/RoundViews';
import { Badge, Breadcrumbs, ErrorBox, Field, Loading, Notice, PageTitle, announce } from '../components/ui';
import { emptyDraft, fromChoices, toChoiceInputs, validateBallot, type BallotDraft, type BallotRules } from '../lib/ballot';
import { fieldErrors, toApiError, type ApiError } from '../lib/errors';
import { formatDateTime, formatNumber, formatRupiah } from '../lib/format';
import { label, t } from '../lib/i18n';
import { ANNUL_PAPER_BALLOT, CAST_BALLOT, CLOSE_ROUND, CONTEST_PAPER_BALLOT, PAPER_BALLOT, PAPER_CONTESTS, PAPER_VOTERS, ROUND } from '../lib/documents/voting';
import { Link } from '../lib/router';
import { useMe } from '../lib/session';
import { roundState } from './Forum';
import type { PaperVotersQuery } from '../lib/generated/graphql';

function Receipt({ receipt, castAt, channel }: { receipt: string; castAt: string; channel?: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div class="receipt" data-testid="receipt">
      <p>
        <strong>{t('receipt.recorded')}</strong> {formatDateTime(castAt)}
        {channel && ` (${label('channel', channel)})`}
      </p>
      <p>{t('receipt.keep')}</p>
      <p>
        <code class="receipt__code">{receipt}</code>
      </p>
      {'clipboard' in navigator && (
        <button
          type="button"
          class="button button--secondary button--small"
          onClick={() =>
            navigator.clipboard.writeText(receipt).then(
              () => {
                setCopied(true);
                announce(t('receipt.copied'));
              },
              () => undefined,
            )
          }
        >
          {copied ? t('receipt.copied') : t('receipt.copy')}
        </button>
      )}
    </div>
  );
}

/** The voter's reason why a paper ballot recorded in their name is not theirs. */
function ContestForm({ roundId, onDone }: { roundId: number; onDone: () => void }) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [state, contest] = useMutation(CONTEST_PAPER_BALLOT);
  const fe = fieldErrors(error);
  return (
    <details class="contest">
      <summary>{t('paper.contestTitle')}</summary>
      <form noValidate
        class="stack-sm"
        onSubmit={async (e) => {
          e.preventDefault();
          const r = await contest({ roundId, reason: reason.trim() });
          const problem = toApiError(r.error);
          setError(problem);
          if (!problem) {
            announce(t('paper.contestSent'));
            onDone();
          }
        }}
      >
        <ErrorBox error={error && !fe.reason ? error : null} />
        <Field id="contest-reason" label={t('paper.contestReason')} hint={t('paper.contestHint')} error={fe.reason} required>
          {(a) => <textarea {...a} rows={3} maxLength={1000} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />}
        </Field>
        <button type="submit" class="button" disabled={state.fetching}>
          {t('paper.contest')}
        </button>
      </form>
    </details>
  );
}

/** A paper ballot recorded in the viewer's name: who entered it and when, and the way to dispute it. */
export function PaperRecord({ round, mine, headingId, onDone }: { round: any; mine: any; headingId: string; onDone: () => void }) {
  const date = formatDateTime(mine.castAt);
  const number = mine.paperNumber ?? '—';
  return (
    <section class="card" aria-labelledby={headingId}>
      <h2 id={headingId}>{t('ballot.yourBallot')}</h2>
      <p data-testid="paper-record">
        {mine.enteredByName ? t('paper.yours', { number, name: mine.enteredByName, date }) : t('paper.yoursNoName', { number, date })}
      </p>
      <Receipt receipt={mine.receipt} castAt={mine.castAt} channel={mine.channel} />
      {mine.sealed && <p class="hint">{t('receipt.sealed')}</p>}
      {mine.contestedAt ? (
        <p class="alert alert--warning" data-testid="paper-contested">
          {t('paper.contested', { date: formatDateTime(mine.contestedAt), reason: mine.contestReason ?? '' })}
        </p>
      ) : (
        <ContestForm roundId={round.id} onDone={onDone} />
      )}
    </section>
  );
}

function CastBallot({ round, rules, proposals, onCast }: { round: any; rules: BallotRules; proposals: BallotProposal[]; onCast: () => void }) {
  const mine = round.myBallot;
  if (mine?.channel === 'PAPER') return <PaperRecord round={round} mine={mine} headingId="my-ballot" onDone={onCast} />;
  return <OnlineBallot round={round} rules={rules} proposals={proposals} onCast={onCast} />;
}

function OnlineBallot({ round, rules, proposals, onCast }: { round: any; rules: BallotRules; proposals: BallotProposal[]; onCast: () => void }) {
  const mine = round.myBallot;
  const [editing, setEditing] = useState(!mine);
  const [draft, setDraft] = useState<BallotDraft>(() => (mine ? fromChoices(round.method, mine.choices ?? []) : emptyDraft()));
  const [tried, setTried] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [receipt, setReceipt] = useState<{ receipt: string; castAt: string } | null>(null);
  const [state, cast] = useMutation(CAST_BALLOT);
  const costs = useMemo(() => new Map(proposals.map((p) => [p.id, p.estimatedCost])), [proposals]);
  const problems = validateBallot(rules, draft, costs);
  if (receipt || (mine && !editing)) {
    const shown = receipt ?? mine;
    return (
      <section class="card" aria-labelledby="my-ballot">
        <h2 id="my-ballot">{t('ballot.yourBallot')}</h2>
        <Receipt receipt={shown.receipt} castAt={shown.castAt} channel={receipt ? undefined : mine?.channel} />
        {(receipt || mine?.choices) && (
          <button
            type="button"
            class="button button--secondary"
            onClick={() => {
              setReceipt(null);
              setEditing(true);
            }}
          >
            {t('ballot.change')}
          </button>
        )}
      </section>
    );
  }
  return (
    <section class="card" aria-labelledby="cast-heading">
      <h2 id="cast-heading">{t('ballot.title')}</h2>
      <form noValidate
        class="stack"
        onSubmit={async (e) => {
          e.preventDefault();
          setTried(true);
          if (problems.length) return;
          const r = await cast({ roundId: round.id, choices: toChoiceInputs(rules, draft) });
          const problem = toApiError(r.error);
          setError(problem);
          if (!problem) {
            setReceipt(r.data.castBallot);
            setEditing(false);
            announce(t('ballot.cast'));
            onCast();
          }
        }}
      >
        <ErrorBox error={error} />
        <BallotForm rules={rules} proposals={proposals} draft={draft} onChange={setDraft} idPrefix="ballot" />
        {tried && problems.length > 0 && (
          <div class="alert alert--error" role="alert">
            <ul>
              {problems.map((p, i) => (
                <li key={i}>{problemText(p)}</li>
              ))}
            </ul>
          </div>
        )}
        <div class="button-row">
          <button type="submit" class="button" disabled={state.fetching}>
            {mine ? t('ballot.replace') : t('ballot.submit')}
          </button>
          {mine && (
            <button type="button" class="button button--secondary" onClick={() => setEditing(false)}>
              {t('common.cancel')}
            </button>
          )}
        </div>
        <p class="hint">{t('ballot.secret')}</p>
      </form>
    </section>
  );
}

type PaperSession = Pick<PaperVotersQuery['liveSessions'][number], 'id' | 'status' | 'attendance'>;
type PaperVoter = Pick<NonNullable<PaperSession['attendance']>[number], 'name' | 'roleOrInstitution'> & { accountId: number };

/** People present at a running session of the forum: whom a paper ballot may be entered for. */
export function presentVoters(sessions: readonly PaperSession[] | undefined): PaperVoter[] {
  const seen = new Map<number, PaperVoter>();
  for (const session of sessions ?? []) {
    if (session.status !== 'OPEN' && session.status !== 'PAUSED') continue;
    for (const a of session.attendance ?? []) {
      if (a.status === 'PRESENT' && a.accountId !== null && !seen.has(a.accountId)) {
        seen.set(a.accountId, { accountId: a.accountId, name: a.name, roleOrInstitution: a.roleOrInstitution });
      }
    }
  }
  return [...seen.values()].sort((a, b) => a.name.localeCompare(b.name));
}

export function PaperBallotForm({ round, rules, proposals, onDone }: { round: any; rules: BallotRules; proposals: BallotProposal[]; onDone: () => void }) {
  const [search, setSearch] = useState('');
  const [voterId, setVoterId] = useState('');
  const [paperNumber, setPaperNumber] = useState('');
  const [draft, setDraft] = useState<BallotDraft>(emptyDraft());
  const [error, setError] = useState<ApiError | null>(null);
  const [receipt, setReceipt] = useState<string | null>(null);
  const [sessions] = useQuery({ query: PAPER_VOTERS, variables: { forumId: round.forum.id }, requestPolicy: 'network-only' });
  const [state, enter] = useMutation(PAPER_BALLOT);
  const costs = new Map(proposals.map((p) => [p.id, p.estimatedCost]));
  const problems = validateBallot(rules, draft, costs);
  const fe = fieldErrors(error);
  const everyone = presentVoters(sessions.data?.liveSessions);
  const wanted = search.trim().toLocaleLowerCase();
  const voters = wanted ? everyone.filter((v) => v.name.toLocaleLowerCase().includes(wanted) || String(v.accountId) === voterId) : everyone;
  return (
    <form noValidate
      class="stack"
      onSubmit={async (e) => {
        e.preventDefault();
        if (problems.length || !voterId) return;
        const r = await enter({ input: { roundId: round.id, voterId: Number(voterId), paperNumber: paperNumber.trim(), choices: toChoiceInputs(rules, draft) } });
        const problem = toApiError(r.error);
        setError(problem);
        if (!problem) {
          setReceipt(r.data.enterPaperBallot.receipt);
          setDraft(emptyDraft());
          setPaperNumber('');
          setVoterId('');
          announce(t('paper.entered'));
          onDone();
        } else setReceipt(null);
      }}
    >
      {/* One answer to every refusal about the voter or the paper: it must not tell who voted. */}
      <ErrorBox error={error} fieldIds={{ paperNumber: 'paper-number', voterId: 'paper-voter' }} message={error?.code === 'FAILED_PRECONDITION' ? t('paper.refused') : undefined} />
      {receipt && (
        <Notice kind="success">
          {t('paper.entered')} <code>{receipt}</code>
        </Notice>
      )}
      {sessions.data && everyone.length === 0 && <Notice kind="warning">{t('paper.noSession')}</Notice>}
      <Field id="paper-search" label={t('paper.searchVoter')}>
        {(a) => <input {...a} type="search" value={search} onInput={(e) => setSearch(e.currentTarget.value)} />}
      </Field>
      <Field id="paper-voter" label={t('paper.voter')} hint={t('paper.voterHint')} error={fe.voterId} required>
        {(a) => (
          <select {...a} value={voterId} onChange={(e) => setVoterId(e.currentTarget.value)}>
            <option value="">{t('form.choose')}</option>
            {voters.map((v) => (
              <option key={v.accountId} value={v.accountId}>
                {v.name} ({v.roleOrInstitution})
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field id="paper-number" label={t('paper.number')} error={fe.paperNumber} required>
        {(a) => <input {...a} type="text" maxLength={40} value={paperNumber} onInput={(e) => setPaperNumber(e.currentTarget.value)} />}
      </Field>
      <BallotForm rules={rules} proposals={proposals} draft={draft} onChange={setDraft} idPrefix="paper" />
      {draft.chosen.length > 0 && problems.length > 0 && (
        <ul class="error-text">
          {problems.map((p, i) => (
            <li key={i}>{problemText(p)}</li>
          ))}
        </ul>
      )}
      <button type="submit" class="button" disabled={state.fetching || problems.length > 0 || !voterId || !paperNumber.trim()}>
        {t('paper.enter')}
      </button>
    </form>
  );
}

function AnnulForm({ roundId, contest, onDone }: { roundId: number; contest: any; onDone: () => void }) {
  const [asking, setAsking] = useState(false);
  const [note, setNote] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [state, annul] = useMutation(ANNUL_PAPER_BALLOT);
  const fe = fieldErrors(error);
  const id = `annul-${contest.voterId}`;
  if (!asking) {
    return (
      <button type="button" class="button button--danger button--small" onClick={() => setAsking(true)}>
        {t('contest.annul')}
        <span class="visually-hidden"> {contest.voterName}</span>
      </button>
    );
  }
  return (
    <form noValidate
      class="inline-form stack-sm"
      aria-labelledby={`${id}-confirm`}
      onSubmit={async (e) => {
        e.preventDefault();
        const r = await annul({ roundId, voterId: contest.voterId, note: note.trim() });
        const problem = toApiError(r.error);
        setError(problem);
        if (!problem) {
          announce(t('contest.annulled'));
          setAsking(false);
          onDone();
        }
      }}
    >
      <p id={`${id}-confirm`}>{t('contest.confirm', { number: contest.paperNumber, name: contest.voterName })}</p>
      <ErrorBox error={error && !fe.note ? error : null} />
      <Field id={`${id}-note`} label={t('contest.note')} error={fe.note} required>
        {(a) => <input {...a} type="text" maxLength={1000} value={note} onInput={(e) => setNote(e.currentTarget.value)} />}
      </Field>
      <div class="button-row">
        <button type="submit" class="button button--danger button--small" disabled={state.fetching}>
          {t('contest.confirmYes')}
        </button>
        <button type="button" class="button button--secondary button--small" onClick={() => setAsking(false)}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

/** Paper ballots their voters dispute, for the forum's staff; annulled while the round is open. */
function PaperContests({ round, onChange }: { round: any; onChange: () => void }) {
  const [result, refetch] = useQuery({ query: PAPER_CONTESTS, variables: { id: round.id }, requestPolicy: 'cache-and-network' });
  const contests: any[] = result.data?.votingRound.paperBallotContests ?? [];
  const error = toApiError(result.error);
  return (
    <div class="stack-sm" data-testid="paper-contests">
      <h3 id="contests-heading">{t('contest.title', { n: formatNumber(contests.length) })}</h3>
      <ErrorBox error={error} />
      {!result.data && !error ? (
        <Loading />
      ) : contests.length === 0 ? (
        <p class="muted">{t('contest.none')}</p>
      ) : (
        <ul class="list" aria-labelledby="contests-heading">
          {contests.map((c) => (
            <li key={c.voterId} class="contest">
              <p>
                <strong>{c.voterName}</strong> — {t('contest.recorded', { number: c.paperNumber, name: c.enteredByName ?? '—', date: formatDateTime(c.recordedAt) })}
              </p>
              <p>
                {t('contest.contestedAt', { date: formatDateTime(c.contestedAt) })} <q>{c.reason}</q>
              </p>
              {round.isOpen ? (
                <AnnulForm
                  roundId={round.id}
                  contest={c}
                  onDone={() => {
                    refetch({ requestPolicy: 'network-only' });
                    onChange();
                  }}
                />
              ) : (
                <p class="hint">{t('contest.closed')}</p>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export default function RoundPage({ id }: { id: number }) {
  const me = useMe();
  const [result, refetch] = useQuery({ query: ROUND, variables: { id } });
  const [closeError, setCloseError] = useState<ApiError | null>(null);
  const [closeState, close] = useMutation(CLOSE_ROUND);
  const [tallyKey, setTallyKey] = useState(0);
  const [confirmClose, setConfirmClose] = useState(false);
  const [paperOpen, setPaperOpen] = useState(false);
  const round = result.data?.votingRound;
  if (!round) return result.fetching ? <Loading /> : <ErrorBox error={toApiError(result.error)} />;
  const rules: BallotRules = {
    method: round.method,
    maxChoices: round.maxChoices,
    pointsBudget: round.pointsBudget,
    maxPointsPerProposal: round.maxPointsPerProposal,
    costLimit: round.costLimit,
  };
  const proposals: BallotProposal[] = round.proposals;
  const staff = !!round.forum?.viewerIsStaff;
  const state = roundState(round);
  const refresh = () => {
    refetch({ requestPolicy: 'network-only' });
    setTallyKey((k) => k + 1);
  };
  const mine = round.myBallot;
  return (
    <div class="stack">
      <Breadcrumbs
        items={[
          { href: '/', text: t('nav.home') },
          { href: '/forum', text: t('nav.forums') },
          { href: `/forum/${round.forum.id}`, text: round.forum.name },
          { text: round.title },
        ]}
      />
      <PageTitle title={round.title}>{round.title}</PageTitle>
      <p>
        <Badge tone={state}>{label('roundState', state)}</Badge> {label('method', round.method)} · {t('round.ruleIs', { rule: label('rule', round.rule) })}
      </p>
      <dl class="facts facts--wide card">
        <div>
          <dt>{t('round.window')}</dt>
          <dd>
            {formatDateTime(round.opensAt)} – {formatDateTime(round.closedAt ?? round.closesAt)}
          </dd>
        </div>
        <div>
          <dt>{t('round.how')}</dt>
          <dd>{ballotInstruction(rules)}</dd>
        </div>
        {round.forum.budgetCeiling !== null && (
          <div>
            <dt>{t('forum.ceiling')}</dt>
            <dd>{formatRupiah(round.forum.budgetCeiling)}</dd>
          </div>
        )}
        <div>
          <dt>{t('round.onBallot')}</dt>
          <dd>{t('forum.proposalCount', { n: proposals.length })}</dd>
        </div>
        <div>
          <dt>{t('round.whoVotes')}</dt>
          <dd>{t('round.whoVotesText', { region: round.forum.region?.name ?? '—' })}</dd>
        </div>
      </dl>

      {round.isOpen &&
        (me === null ? (
          <Notice>
            <Link href={`/masuk?next=/putaran/${round.id}`}>{t('nav.login')}</Link> {t('round.loginToVote')}
          </Notice>
        ) : me ? (
          <>
            {me.verification !== 'VERIFIED' && <Notice kind="warning">{t('round.notVerified')}</Notice>}
            <CastBallot round={round} rules={rules} proposals={proposals} onCast={refresh} />
          </>
        ) : null)}
      {!round.isOpen && !round.isClosed && <Notice>{t('round.notYetOpen', { date: formatDateTime(round.opensAt) })}</Notice>}
      {round.isClosed &&
        mine &&
        (mine.channel === 'PAPER' ? (
          <PaperRecord round={round} mine={mine} headingId="my-ballot-closed" onDone={refresh} />
        ) : (
          <section class="card" aria-labelledby="my-ballot-closed">
            <h2 id="my-ballot-closed">{t('ballot.yourBallot')}</h2>
            <Receipt receipt={mine.receipt} castAt={mine.castAt} channel={mine.channel} />
            <p class="hint">{t('receipt.sealed')}</p>
          </section>
        ))}

      <TallyView key={tallyKey} roundId={round.id} method={round.method} proposals={proposals} live={round.isOpen} liveTally={round.liveTally} />
      {/* Published at the close, for staff too: a preview would show them how the ballots they just saw cast went. */}
      {round.isClosed && <OutcomeView roundId={round.id} canDecide={staff} />}

      {round.isClosed && (
        <>
          <section class="card" aria-labelledby="export-heading">
            <h2 id="export-heading">{t('export.title')}</h2>
            <ExportButtons roundId={round.id} title={round.title} closed={round.isClosed} forumId={round.forum.id} />
          </section>
          <ReceiptCheck roundId={round.id} mine={mine?.receipt ?? null} />
        </>
      )}

      {staff && !round.isClosed && (
        <section class="card" aria-labelledby="round-staff">
          <h2 id="round-staff">{t('round.staffTools')}</h2>
          <ErrorBox error={closeError} />
          {!confirmClose ? (
            <button type="button" class="button button--danger" onClick={() => setConfirmClose(true)}>
              {t('round.close')}
            </button>
          ) : (
            <div class="inline-form" role="group" aria-labelledby="confirm-close">
              <p id="confirm-close">{t('round.confirmClose')}</p>
              <div class="button-row">
                <button
                  type="button"
                  class="button button--danger"
                  disabled={closeState.fetching}
                  onClick={async () => {
                    const r = await close({ roundId: round.id });
                    const problem = toApiError(r.error);
                    setCloseError(problem);
                    setConfirmClose(false);
                    if (!problem) {
                      announce(t('round.closed'));
                      refresh();
                    }
                  }}
                >
                  {t('round.closeNow')}
                </button>
                <button type="button" class="button button--secondary" onClick={() => setConfirmClose(false)}>
                  {t('common.cancel')}
                </button>
              </div>
            </div>
          )}
          {round.isOpen && (
            <details onToggle={(e) => setPaperOpen((e.currentTarget as HTMLDetailsElement).open)}>
              <summary>{t('paper.title')}</summary>
              {paperOpen && <PaperBallotForm round={round} rules={rules} proposals={proposals} onDone={refresh} />}
            </details>
          )}
          <PaperContests round={round} onChange={refresh} />
        </section>
      )}
    </div>
  );
}
