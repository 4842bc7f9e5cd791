import { useMutation, useQuery } from '@urql/preact';
import { useState } from 'preact/hooks';
import { ErrorBox, Field, Loading, Notice, PageTitle, Pager, announce, cursorFor } from '../components/ui';
import { TransitionActions } from '../components/Transitions';
import { toApiError, type ApiError } from '../lib/errors';
import { formatDate, formatDateTime } from '../lib/format';
import { label, t } from '../lib/i18n';
import { QUEUE } from '../lib/queries';
import { FORUM, FORUMS } from '../lib/documents/forums';
import { ACCOUNTS, ISSUE_RESET_CODE, VERIFY_ACCOUNT } from '../lib/documents/staff';
import { Link, setQuery, useRoute } from '../lib/router';
import { isPlanner, moderatedForumIds, useMe } from '../lib/session';
import { ProposalCard } from './Proposals';
import type { IssuePasswordResetCodeMutation } from '../lib/generated/graphql';

const PAGE = 20;

/** `issuePasswordResetCode`'s answer, with the resident it was issued for. */
type IssuedCode = IssuePasswordResetCodeMutation['issuePasswordResetCode'] & { accountId: number; name: string };

/** The code a moderator reads out or writes down for the resident, large. */
function IssuedCodeView({ issued, onClose }: { issued: IssuedCode; onClose: () => void }) {
  return (
    <div class="alert alert--success reset-code" role="status" data-testid="reset-code">
      <p>
        <strong>{t('queue.codeFor', { name: issued.name })}</strong>
      </p>
      <p class="reset-code__value" data-testid="reset-code-value">
        {issued.code}
      </p>
      <p class="reset-code__expires">{t('queue.codeExpires', { date: formatDateTime(issued.expiresAt) })}</p>
      <p>{t('queue.codeTell', { path: '/atur-sandi' })}</p>
      <button type="button" class="button button--secondary button--small" onClick={onClose}>
        {t('common.close')}
      </button>
    </div>
  );
}

/** Issues a single-use reset code for a resident the moderator has identified in the hall. */
function useResetCode() {
  const [issued, setIssued] = useState<IssuedCode | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [state, issue] = useMutation(ISSUE_RESET_CODE);
  const create = async (account: { id: number; name: string }) => {
    const r = await issue({ accountId: account.id });
    const problem = toApiError(r.error);
    setError(problem);
    if (!problem && r.data) {
      const c = r.data.issuePasswordResetCode;
      setIssued({ accountId: account.id, name: account.name, code: c.code, expiresAt: c.expiresAt });
      announce(t('queue.codeIssued', { name: account.name }));
    }
  };
  return { issued, clear: () => setIssued(null), error, busy: state.fetching, create };
}

function ResetCodeButton({ account, reset }: { account: { id: number; name: string }; reset: ReturnType<typeof useResetCode> }) {
  return (
    <button
      type="button"
      class="button button--secondary button--small"
      disabled={reset.busy}
      onClick={() => reset.create(account)}
      aria-label={t('queue.resetCodeFor', { name: account.name })}
    >
      {t('queue.resetCode')}
    </button>
  );
}

/** Residents of the forum's region, found by name, email or phone, for a reset code. */
function ResetPasswords({ regionId }: { regionId: number | null }) {
  const [search, setSearch] = useState('');
  const text = search.trim();
  const filter: Record<string, unknown> = { search: text };
  if (regionId) filter.regionId = regionId;
  const [result] = useQuery({ query: ACCOUNTS, variables: { filter, first: 10 }, pause: text.length < 2 });
  const reset = useResetCode();
  const nodes: any[] = text.length >= 2 ? (result.data?.accounts.nodes ?? []) : [];
  return (
    <section class="card" aria-labelledby="reset-passwords">
      <h2 id="reset-passwords">{t('queue.resetTitle')}</h2>
      <p class="hint">{t('queue.resetHint')}</p>
      <Field id="reset-search" label={t('queue.resetSearch')}>
        {(a) => <input {...a} type="search" value={search} onInput={(e) => setSearch(e.currentTarget.value)} />}
      </Field>
      <ErrorBox error={reset.error ?? toApiError(result.error)} />
      {reset.issued && <IssuedCodeView issued={reset.issued} onClose={reset.clear} />}
      {text.length >= 2 &&
        (result.fetching && !result.data ? (
          <Loading />
        ) : nodes.length === 0 ? (
          <p>{t('queue.resetNone')}</p>
        ) : (
          <ul class="queue">
            {nodes.map((a) => (
              <li key={a.id} class="queue__item">
                <div>
                  <strong>{a.name}</strong>
                  <br />
                  <span class="muted">
                    {[a.email, a.phone, a.homeRegion?.name, a.verification && label('verification', a.verification)].filter(Boolean).join(' · ')}
                  </span>
                </div>
                <ResetCodeButton account={a} reset={reset} />
              </li>
            ))}
          </ul>
        ))}
    </section>
  );
}

function ResidentQueue({ regionId }: { regionId: number | null }) {
  const [offset, setOffset] = useState(0);
  const filter: Record<string, unknown> = { verification: 'UNVERIFIED' };
  if (regionId) filter.regionId = regionId;
  const [result, refetch] = useQuery({ query: ACCOUNTS, variables: { filter, first: PAGE, after: cursorFor(offset) } });
  const [error, setError] = useState<ApiError | null>(null);
  const [state, verify] = useMutation(VERIFY_ACCOUNT);
  const reset = useResetCode();
  const page = result.data?.accounts;
  const decide = async (account: any, decision: 'VERIFIED' | 'REJECTED') => {
    const r = await verify({ accountId: account.id, decision });
    const problem = toApiError(r.error);
    setError(problem);
    if (!problem) {
      announce(t(decision === 'VERIFIED' ? 'queue.residentVerified' : 'queue.residentRejected', { name: account.name }));
      refetch({ requestPolicy: 'network-only' });
    }
  };
  return (
    <section class="card" aria-labelledby="resident-queue">
      <h2 id="resident-queue">
        {t('queue.residents')} {page && `(${page.totalCount})`}
      </h2>
      <p class="hint">{t('queue.residentsHint')}</p>
      <ErrorBox error={error ?? reset.error ?? toApiError(result.error)} />
      {reset.issued && <IssuedCodeView issued={reset.issued} onClose={reset.clear} />}
      {!page ? (
        <Loading />
      ) : page.totalCount === 0 ? (
        <p>{t('queue.noResidents')}</p>
      ) : (
        <>
          <ul class="queue">
            {page.nodes.map((a: any) => (
              <li key={a.id} class="queue__item">
                <div>
                  <strong>{a.name}</strong>
                  <br />
                  <span class="muted">
                    {[a.email, a.phone].filter(Boolean).join(' · ')} · {a.homeRegion?.name ?? '—'} · {t('queue.registered', { date: formatDate(a.createdAt) })}
                  </span>
                </div>
                <div class="button-row">
                  <button type="button" class="button button--small" disabled={state.fetching} onClick={() => decide(a, 'VERIFIED')} aria-label={t('queue.verifyResident', { name: a.name })}>
                    {t('queue.verify')}
                  </button>
                  <button
                    type="button"
                    class="button button--danger button--small"
                    disabled={state.fetching}
                    onClick={() => decide(a, 'REJECTED')}
                    aria-label={t('queue.rejectResident', { name: a.name })}
                  >
                    {t('queue.reject')}
                  </button>
                  <ResetCodeButton account={a} reset={reset} />
                </div>
              </li>
            ))}
          </ul>
          <Pager total={page.totalCount} offset={offset} pageSize={PAGE} hasNext={page.pageInfo.hasNextPage} onPage={setOffset} />
        </>
      )}
    </section>
  );
}

function ProposalQueue({ forumId }: { forumId: number }) {
  const [offset, setOffset] = useState(0);
  const [result, refetch] = useQuery({ query: QUEUE, variables: { forumId, first: PAGE, after: cursorFor(offset) } });
  const page = result.data?.forum.proposals;
  return (
    <section class="card" aria-labelledby="proposal-queue">
      <h2 id="proposal-queue">
        {t('queue.proposals')} {page && `(${page.totalCount})`}
      </h2>
      <p class="hint">{t('queue.proposalsHint')}</p>
      <ErrorBox error={toApiError(result.error)} />
      {!page ? (
        <Loading />
      ) : page.totalCount === 0 ? (
        <p>{t('queue.noProposals')}</p>
      ) : (
        <>
          <ul class="proposal-list">
            {page.nodes.map((p: any) => (
              <ProposalCard
                key={p.id}
                p={p}
                actions={
                  <TransitionActions
                    proposalId={p.id}
                    transitions={p.availableTransitions.filter((tr: any) => tr.to !== 'WITHDRAWN')}
                    idPrefix={`q-${p.id}`}
                    onDone={() => refetch({ requestPolicy: 'network-only' })}
                  />
                }
              />
            ))}
          </ul>
          <Pager total={page.totalCount} offset={offset} pageSize={PAGE} hasNext={page.pageInfo.hasNextPage} onPage={setOffset} />
        </>
      )}
    </section>
  );
}

export default function ModerationPage() {
  const me = useMe();
  const { query } = useRoute();
  const own = moderatedForumIds(me);
  const planner = isPlanner(me);
  const forumParam = query.get('forum');
  const forumId = forumParam ? Number(forumParam) : own[0] ?? null;
  const [allForums] = useQuery({ query: FORUMS, variables: { filter: {}, first: 100 }, pause: !me });
  const [forum] = useQuery({ query: FORUM, variables: { id: forumId ?? 0 }, pause: !forumId });
  const choices: any[] = (allForums.data?.forums.nodes ?? []).filter((f: any) => planner || own.includes(f.id));
  if (me === null) {
    return (
      <div class="stack">
        <PageTitle title={t('queue.title')}>{t('queue.title')}</PageTitle>
        <Notice>
          <Link href="/masuk?next=/moderasi">{t('nav.login')}</Link>
        </Notice>
      </div>
    );
  }
  const f = forum.data?.forum;
  return (
    <div class="stack">
      <PageTitle title={t('queue.title')}>{t('queue.title')}</PageTitle>
      <div class="filters card">
        <div class="field field--wide">
          <label for="mod-forum">{t('proposal.forum')}</label>
          <select id="mod-forum" value={forumId ?? ''} onChange={(e) => setQuery({ forum: e.currentTarget.value })}>
            {!forumId && <option value="">{t('form.choose')}</option>}
            {choices.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </div>
        {f && (
          <p>
            <Link href={`/forum/${f.id}`}>{t('queue.forumPage')}</Link> · {label('forumStatus', f.status)}
          </p>
        )}
      </div>
      {forumId && forum.data && !f?.viewerIsStaff && <Notice kind="warning">{t('queue.notStaff')}</Notice>}
      {f?.viewerIsStaff && (
        <>
          <ResidentQueue regionId={f.region?.id ?? null} />
          <ResetPasswords regionId={f.region?.id ?? null} />
          <ProposalQueue forumId={f.id} />
          <section class="card" aria-labelledby="mod-rounds">
            <h2 id="mod-rounds">{t('forum.rounds')}</h2>
            <ul class="list">
              {f.votingRounds.map((r: any) => (
                <li key={r.id}>
                  <Link href={`/putaran/${r.id}`}>{r.title}</Link> — {label('roundState', r.isOpen ? 'open' : r.isClosed ? 'closed' : 'upcoming')}
                </li>
              ))}
            </ul>
            <p>
              <Link href={`/forum/${f.id}`}>{t('queue.openRoundHere')}</Link>
            </p>
          </section>
        </>
      )}
    </div>
  );
}
