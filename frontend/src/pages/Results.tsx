import { useQuery } from '@urql/preact';
import { Badge, Breadcrumbs, ErrorBox, Loading, PageTitle } from '../components/ui';
import { ExportButtons, OutcomeView } from '../components/RoundViews';
import { PriorityList } from '../components/PriorityList';
import { toApiError } from '../lib/errors';
import { formatDateTime, formatRupiah } from '../lib/format';
import { label, t } from '../lib/i18n';
import { FORUM_RESULTS } from '../lib/documents/escalation';
import { Link } from '../lib/router';
import { roundState } from './Forum';

export default function ResultsPage({ id }: { id: number }) {
  const [result] = useQuery({ query: FORUM_RESULTS, variables: { id } });
  const f = result.data?.forum;
  if (!f) return result.fetching ? <Loading /> : <ErrorBox error={toApiError(result.error)} />;
  const title = t('results.forumTitle', { name: f.name });
  return (
    <div class="stack">
      <Breadcrumbs items={[{ href: '/', text: t('nav.home') }, { href: '/forum', text: t('nav.forums') }, { href: `/forum/${f.id}`, text: f.name }, { text: t('results.title') }]} />
      <PageTitle title={title}>{title}</PageTitle>
      <p>
        {label('level', f.level)} · {f.region?.name} · {t('forum.ceiling')}: <strong>{f.budgetCeiling === null ? t('forum.noCeiling') : formatRupiah(f.budgetCeiling)}</strong>{' '}
        ({t('results.tolerance', { n: f.tolerancePercent })})
      </p>
      {f.votingRounds.length === 0 &&
        (f.status === 'CLOSED' || f.status === 'RATIFIED' ? (
          // No ballots: the forum agreed its order by consensus (mufakat), fixed at its close.
          <>
            <p data-testid="results-consensus">{t('results.byConsensus')}</p>
            <PriorityList forumId={f.id} />
          </>
        ) : (
          <p>
            {t('results.noRoundsYet')} <Link href={`/forum/${f.id}#prioritas`}>{t('results.draftListLink')}</Link>
          </p>
        ))}
      {f.votingRounds.map((r: any) => {
        const state = roundState(r);
        return (
          <section key={r.id} class="stack round-result" aria-labelledby={`round-${r.id}`}>
            <h2 id={`round-${r.id}`}>
              <Link href={`/putaran/${r.id}`}>{r.title}</Link> <Badge tone={state}>{label('roundState', state)}</Badge>
            </h2>
            <p class="muted">
              {label('method', r.method)} · {label('rule', r.rule)} · {formatDateTime(r.opensAt)} – {formatDateTime(r.closedAt ?? r.closesAt)}
            </p>
            {r.isClosed || f.viewerIsStaff ? <OutcomeView roundId={r.id} canDecide={false} headingLevel={3} /> : <p>{t('outcome.afterClose')}</p>}
            <ExportButtons roundId={r.id} title={r.title} closed={r.isClosed} forumId={f.id} />
          </section>
        );
      })}
    </div>
  );
}
