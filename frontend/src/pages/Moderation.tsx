import { useMutation, useQuery } from '@urql/preact';
import { useState } from 'preact/hooks';
import { ErrorBox, Loading, Notice, PageTitle, Pager, announce, cursorFor } from '../components/ui';
import { TransitionActions } from '../components/Transitions';
import { toApiError, type ApiError } from '../lib/errors';
import { formatDate } from '../lib/format';
import { label, t } from '../lib/i18n';
import { ACCOUNTS, FORUM, FORUMS, QUEUE, VERIFY_ACCOUNT } from '../lib/queries';
import { Link, setQuery, useRoute } from '../lib/router';
import { isPlanner, moderatedForumIds, useMe } from '../lib/session';
import { ProposalCard } from './Proposals';

const PAGE = 20;

function ResidentQueue({ regionId }: { regionId: number | null }) {
  const [offset, setOffset] = useState(0);
  const filter: Record<string, unknown> = { verification: 'UNVERIFIED' };
  if (regionId) filter.regionId = regionId;
  const [result, refetch] = useQuery({ query: ACCOUNTS, variables: { filter, first: PAGE, after: cursorFor(offset) } });
  const [error, setError] = useState<ApiError | null>(null);
  const [state, verify] = useMutation(VERIFY_ACCOUNT);
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
      <ErrorBox error={error ?? toApiError(result.error)} />
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
