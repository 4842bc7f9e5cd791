import { useQuery } from '@urql/preact';
import { ErrorBox, Loading, Notice, PageTitle, Pager, cursorFor } from '../components/ui';
import { TransitionActions } from '../components/Transitions';
import { toApiError } from '../lib/errors';
import { t } from '../lib/i18n';
import { MY_PROPOSALS } from '../lib/queries';
import { Link, setQuery, useRoute } from '../lib/router';
import { useMe } from '../lib/session';
import { ProposalCard } from './Proposals';

const PAGE = 20;

export default function MyProposalsPage() {
  const me = useMe();
  const { query } = useRoute();
  const offset = Number(query.get('offset') ?? 0) || 0;
  const [result, refetch] = useQuery({ query: MY_PROPOSALS, variables: { first: PAGE, after: cursorFor(offset) }, pause: !me, requestPolicy: 'cache-and-network' });
  const page = result.data?.myProposals;
  return (
    <div class="stack">
      <PageTitle title={t('my.title')}>{t('my.title')}</PageTitle>
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
                      {(p.status === 'DRAFT' || p.status === 'RETURNED') && (
                        <Link href={`/usulan/${p.id}/ubah`}>{t('proposal.edit')}</Link>
                      )}
                      <TransitionActions proposalId={p.id} transitions={p.availableTransitions} idPrefix={`my-${p.id}`} onDone={() => refetch({ requestPolicy: 'network-only' })} />
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
