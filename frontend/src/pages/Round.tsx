import { useMutation, useQuery } from '@urql/preact';
import { useMemo, useState } from 'preact/hooks';
import { BallotForm, ballotInstruction, problemText, type BallotProposal } from '../components/Ballot';
import { ExportButtons, OutcomeView, ReceiptCheck, TallyView } from '../components/RoundViews';
import { Badge, Breadcrumbs, ErrorBox, Field, Loading, Notice, PageTitle, announce } from '../components/ui';
import { emptyDraft, fromChoices, toChoiceInputs, validateBallot, type BallotDraft, type BallotRules } from '../lib/ballot';
import { fieldErrors, toApiError, type ApiError } from '../lib/errors';
import { formatDateTime, formatRupiah } from '../lib/format';
import { label, t } from '../lib/i18n';
import { ACCOUNTS, CAST_BALLOT, CLOSE_ROUND, PAPER_BALLOT, ROUND } from '../lib/queries';
import { Link } from '../lib/router';
import { useMe } from '../lib/session';
import { roundState } from './Forum';

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

function CastBallot({ round, rules, proposals, onCast }: { round: any; rules: BallotRules; proposals: BallotProposal[]; onCast: () => void }) {
  const mine = round.myBallot;
  const [editing, setEditing] = useState(!mine);
  const [draft, setDraft] = useState<BallotDraft>(() => (mine ? fromChoices(round.method, mine.choices) : emptyDraft()));
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
        {mine?.channel !== 'PAPER' && (
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
      <form
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

function PaperBallotForm({ round, rules, proposals, onDone }: { round: any; rules: BallotRules; proposals: BallotProposal[]; onDone: () => void }) {
  const [search, setSearch] = useState('');
  const [voterId, setVoterId] = useState('');
  const [paperNumber, setPaperNumber] = useState('');
  const [draft, setDraft] = useState<BallotDraft>(emptyDraft());
  const [error, setError] = useState<ApiError | null>(null);
  const [receipt, setReceipt] = useState<string | null>(null);
  const [voters] = useQuery({
    query: ACCOUNTS,
    variables: { filter: { verification: 'VERIFIED', regionId: round.forum.region.id, search: search.trim() || null }, first: 50 },
  });
  const [state, enter] = useMutation(PAPER_BALLOT);
  const costs = new Map(proposals.map((p) => [p.id, p.estimatedCost]));
  const problems = validateBallot(rules, draft, costs);
  const fe = fieldErrors(error);
  return (
    <form
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
        }
      }}
    >
      <ErrorBox error={error} fieldIds={{ paperNumber: 'paper-number', voterId: 'paper-voter' }} />
      {receipt && (
        <Notice kind="success">
          {t('paper.entered')} <code>{receipt}</code>
        </Notice>
      )}
      <Field id="paper-search" label={t('paper.searchVoter')}>
        {(a) => <input {...a} type="search" value={search} onInput={(e) => setSearch(e.currentTarget.value)} />}
      </Field>
      <Field id="paper-voter" label={t('paper.voter')} hint={t('paper.voterHint')} error={fe.voterId} required>
        {(a) => (
          <select {...a} value={voterId} onChange={(e) => setVoterId(e.currentTarget.value)}>
            <option value="">{t('form.choose')}</option>
            {(voters.data?.accounts.nodes ?? []).map((v: any) => (
              <option key={v.id} value={v.id}>
                {v.name} ({v.homeRegion?.name ?? '—'})
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field id="paper-number" label={t('paper.number')} error={fe.paperNumber} required>
        {(a) => <input {...a} type="text" value={paperNumber} onInput={(e) => setPaperNumber(e.currentTarget.value)} />}
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

export default function RoundPage({ id }: { id: number }) {
  const me = useMe();
  const [result, refetch] = useQuery({ query: ROUND, variables: { id } });
  const [closeError, setCloseError] = useState<ApiError | null>(null);
  const [closeState, close] = useMutation(CLOSE_ROUND);
  const [tallyKey, setTallyKey] = useState(0);
  const [confirmClose, setConfirmClose] = useState(false);
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
  const showTally = round.isClosed || round.liveTally || staff;
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
      {round.isClosed && round.myBallot && (
        <section class="card" aria-labelledby="my-ballot-closed">
          <h2 id="my-ballot-closed">{t('ballot.yourBallot')}</h2>
          <Receipt receipt={round.myBallot.receipt} castAt={round.myBallot.castAt} channel={round.myBallot.channel} />
        </section>
      )}

      {showTally && <TallyView key={tallyKey} roundId={round.id} method={round.method} proposals={proposals} live={round.isOpen} />}
      {!showTally && (
        <Notice>
          <p>{t('tally.afterClose')}</p>
        </Notice>
      )}
      {(round.isClosed || staff) && <OutcomeView roundId={round.id} canDecide={staff && round.isClosed} />}

      {round.isClosed && (
        <>
          <section class="card" aria-labelledby="export-heading">
            <h2 id="export-heading">{t('export.title')}</h2>
            <ExportButtons roundId={round.id} title={round.title} closed={round.isClosed} />
          </section>
          <ReceiptCheck roundId={round.id} titles={new Map(proposals.map((p) => [p.id, p.title]))} />
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
            <details>
              <summary>{t('paper.title')}</summary>
              <PaperBallotForm round={round} rules={rules} proposals={proposals} onDone={refresh} />
            </details>
          )}
        </section>
      )}
    </div>
  );
}
