import { useMutation, useQuery } from '@urql/preact';
import { useState } from 'preact/hooks';
import { Badge, ErrorBox, Field, Loading, Notice, PageTitle, Pager, announce, cursorFor } from '../components/ui';
import { TransitionActions } from '../components/Transitions';
import { fieldErrors, toApiError, type ApiError } from '../lib/errors';
import { laterActiveCycles, mayCarryOver } from '../lib/escalation';
import { label, t } from '../lib/i18n';
import { ACTIVE_CYCLES, CARRY_OVER } from '../lib/documents/escalation';
import { MY_PROPOSALS } from '../lib/documents/proposals';
import { Link, setQuery, useRoute } from '../lib/router';
import { useMe } from '../lib/session';
import { ProposalCard } from './Proposals';
import { LastSeenNote } from '../components/Outbox';

const PAGE = 20;

/** Where the proposal stands now: level, forum and status, and its implementation once in the plan. */
function Standing({ p }: { p: any }) {
  return (
    <p class="standing">
      {t('my.standing', { level: label('level', p.level), status: label('status', p.status) })}
      {p.forum && <> · {p.forum.name}</>}
      {p.implementationStatus && (
        <>
          {' '}
          <Badge tone={p.implementationStatus.toLowerCase()}>{label('implStatus', p.implementationStatus)}</Badge>
        </>
      )}
    </p>
  );
}

/** "Lanjutkan ke tahun berikutnya": copies a proposal not selected into a later active cycle. */
function CarryOver({ p, cycles, onDone }: { p: any; cycles: any[]; onDone: () => void }) {
  const later = laterActiveCycles(cycles, p.cycle?.planYear ?? 0);
  const [open, setOpen] = useState(false);
  const [cycleId, setCycleId] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [state, carry] = useMutation(CARRY_OVER);
  const chosen = cycleId || (later[0] ? String(later[0].id) : '');
  const id = `co-${p.id}`;
  if (!open) {
    return (
      <button type="button" class="button button--secondary button--small" aria-expanded="false" onClick={() => setOpen(true)}>
        {t('carry.action')}
        <span class="visually-hidden"> {p.title}</span>
      </button>
    );
  }
  return (
    <form
      class="inline-form stack-sm"
      noValidate
      aria-labelledby={`${id}-title`}
      onSubmit={async (e) => {
        e.preventDefault();
        const r = await carry({ input: { proposalId: p.id, cycleId: Number(chosen) || 0 } });
        const problem = toApiError(r.error);
        setError(problem);
        if (!problem) {
          const made = r.data.carryOverProposal;
          announce(t('carry.done', { code: made.code, cycle: made.cycle?.name ?? '' }));
          setOpen(false);
          onDone();
        }
      }}
    >
      <p id={`${id}-title`}>
        <strong>{t('carry.title')}</strong>
      </p>
      <p class="hint">{t('carry.hint')}</p>
      <ErrorBox error={error} fieldIds={{ cycleId: `${id}-cycle` }} />
      {later.length === 0 ? (
        <p>{t('carry.noCycle')}</p>
      ) : (
        <Field id={`${id}-cycle`} label={t('carry.cycle')} error={fieldErrors(error).cycleId} required>
          {(a) => (
            <select {...a} value={chosen} onChange={(e) => setCycleId(e.currentTarget.value)}>
              {later.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name} ({c.planYear})
                </option>
              ))}
            </select>
          )}
        </Field>
      )}
      <div class="button-row">
        <button type="submit" class="button button--small" disabled={state.fetching || later.length === 0}>
          {t('carry.confirm')}
        </button>
        <button type="button" class="button button--secondary button--small" onClick={() => (setOpen(false), setError(null))}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

export default function MyProposalsPage() {
  const me = useMe();
  const { query } = useRoute();
  const offset = Number(query.get('offset') ?? 0) || 0;
  const [result, refetch] = useQuery({ query: MY_PROPOSALS, variables: { first: PAGE, after: cursorFor(offset) }, pause: !me, requestPolicy: 'cache-and-network' });
  const page = result.data?.myProposals;
  const anyCarry = !!page?.nodes.some((p: any) => mayCarryOver(p));
  const [cycles] = useQuery({ query: ACTIVE_CYCLES, pause: !anyCarry });
  const cycleList: any[] = cycles.data?.cycles.nodes ?? [];
  const refresh = () => refetch({ requestPolicy: 'network-only' });
  return (
    <div class="stack">
      <PageTitle title={t('my.title')}>{t('my.title')}</PageTitle>
      <LastSeenNote result={result} />
      {me === null && (
        <Notice>
          <Link href="/masuk?next=/usulan-saya">{t('nav.login')}</Link> {t('my.loginFirst')}
        </Notice>
      )}
      {me && me.verification !== 'VERIFIED' && <Notice kind="warning">{t('my.unverified')}</Notice>}
      <p>
        <Link href="/usulan/baru" class="button">
          {t('nav.newProposal')}
        </Link>
      </p>
      <ErrorBox error={toApiError(result.error)} />
      {result.fetching && !page && <Loading />}
      {page &&
        (page.totalCount === 0 ? (
          <p>{t('my.none')}</p>
        ) : (
          <>
            <ul class="proposal-list">
              {page.nodes.map((p: any) => (
                <ProposalCard
                  key={p.id}
                  p={p}
                  actions={
                    <div class="stack-sm">
                      <Standing p={p} />
                      {p.carriedOverTo && (
                        <p>
                          <Link href={`/usulan/${p.carriedOverTo.id}`}>{t('path.carriedTo')}</Link>
                        </p>
                      )}
                      {mayCarryOver(p) && <CarryOver p={p} cycles={cycleList} onDone={refresh} />}
                      {(p.status === 'DRAFT' || p.status === 'RETURNED') && (
                        <Link href={`/usulan/${p.id}/ubah`}>{t('proposal.edit')}</Link>
                      )}
                      <TransitionActions proposalId={p.id} transitions={p.availableTransitions} idPrefix={`my-${p.id}`} onDone={refresh} />
                    </div>
                  }
                />
              ))}
            </ul>
            <Pager total={page.totalCount} offset={offset} pageSize={PAGE} hasNext={page.pageInfo.hasNextPage} onPage={(o) => setQuery({ offset: o || null }, { push: true })} />
          </>
        ))}
    </div>
  );
}
