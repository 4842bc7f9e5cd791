// Reports (laporan) in three views: the published ones, with search and category (everyone);
// "Laporan saya", the viewer's own and those they follow; and the staff's queue (their
// areas', their agency's; overdue first), with status and "only overdue", kept current by
// `reportQueue`.
import { useQuery } from '@urql/preact';
import { useEffect, useState } from 'preact/hooks';
import { ErrorBox, LiveBadge, Loading, Notice, PageTitle, Pager, cursorFor } from '../components/ui';
import { ReportCard } from '../components/ReportParts';
import { toApiError } from '../lib/errors';
import type { ReportCategoriesQuery, ReportStatus, ReportView, ReportsQuery } from '../lib/generated/graphql';
import { label, t } from '../lib/i18n';
import { useLiveQuery } from '../lib/live';
import { REPORTS, REPORT_CATEGORIES } from '../lib/queries';
import { REPORT_STATUSES, overdueFirst } from '../lib/reports';
import { Link, setQuery, useRoute } from '../lib/router';
import { LastSeenNote } from '../components/Outbox';
import { agencyIds, isStaff, useMe, type Me } from '../lib/session';

const PAGE = 20;

/** Who has a report queue: moderators, planners, administrators and agency staff. */
export const hasReportQueue = (me: Me | null | undefined) => isStaff(me) || agencyIds(me).length > 0;

export function ReportTabs({ current }: { current: 'public' | 'mine' | 'queue' | 'stats' }) {
  const me = useMe();
  const tab = (key: typeof current, href: string, text: string) => (
    <li>
      <Link href={href} aria-current={current === key ? 'page' : undefined}>
        {text}
      </Link>
    </li>
  );
  return (
    <nav class="tabs" aria-label={t('report.tabs')}>
      <ul>
        {tab('public', '/laporan', t('report.tab.public'))}
        {me && tab('mine', '/laporan?view=mine', t('report.tab.mine'))}
        {hasReportQueue(me) && tab('queue', '/laporan/antrian', t('report.tab.queue'))}
        {tab('stats', '/laporan/statistik', t('report.tab.stats'))}
      </ul>
    </nav>
  );
}

export default function ReportsPage({ queue }: { queue?: boolean }) {
  const me = useMe();
  const { query } = useRoute();
  const view: ReportView = queue ? 'QUEUE' : query.get('view') === 'mine' ? 'MINE' : 'PUBLIC';
  const offset = Number(query.get('offset') ?? 0) || 0;
  const applied = {
    search: query.get('q') ?? '',
    category: query.get('kategori') ?? '',
    status: query.get('status') ?? '',
    overdue: query.get('terlambat') === '1',
  };
  const [search, setSearch] = useState(applied.search);
  const [category, setCategory] = useState(applied.category);
  const [status, setStatus] = useState(applied.status);
  const [overdue, setOverdue] = useState(applied.overdue);
  useEffect(() => {
    setSearch(applied.search);
    setCategory(applied.category);
    setStatus(applied.status);
    setOverdue(applied.overdue);
  }, [query.toString()]);
  const [categories] = useQuery<ReportCategoriesQuery>({ query: REPORT_CATEGORIES });
  const filter: Record<string, unknown> = { view };
  if (applied.search) filter.search = applied.search;
  if (applied.category) filter.categoryId = Number(applied.category);
  if (view !== 'PUBLIC' && applied.status) filter.status = applied.status as ReportStatus;
  if (view === 'QUEUE' && applied.overdue) filter.overdue = true;
  const needsSignIn = view !== 'PUBLIC' && !me;
  const [result, , mode] = useLiveQuery<ReportsQuery>({
    query: REPORTS,
    variables: { filter, first: PAGE, after: cursorFor(offset) },
    pause: needsSignIn,
    requestPolicy: 'cache-and-network',
    // The queue follows every report's status changes (ids only) and re-reads its page.
    topic: view === 'QUEUE' ? { stream: { field: 'reportQueue' } } : undefined,
    intervalMs: 20000,
  });
  const page = result.data?.reports;
  const rows = page ? (view === 'QUEUE' ? overdueFirst(page.nodes) : page.nodes) : [];
  const title = view === 'QUEUE' ? t('report.queue.title') : view === 'MINE' ? t('report.mine.title') : t('report.list.title');
  const apply = (e: Event) => {
    e.preventDefault();
    setQuery({ q: search.trim(), kategori: category, status, terlambat: overdue ? '1' : null, offset: null }, { push: true });
  };
  return (
    <div class="stack">
      <PageTitle title={title}>{title}</PageTitle>
      <ReportTabs current={view === 'QUEUE' ? 'queue' : view === 'MINE' ? 'mine' : 'public'} />
      <LastSeenNote result={result} />
      <p>{view === 'QUEUE' ? t('report.queue.lead') : view === 'MINE' ? t('report.mine.lead') : t('report.list.lead')}</p>
      {view !== 'QUEUE' && (
        <p>
          <Link href="/laporan/baru" class="button">
            {t('nav.newReport')}
          </Link>
        </p>
      )}
      {needsSignIn ? (
        <Notice>
          <Link href={`/masuk?next=${encodeURIComponent(view === 'QUEUE' ? '/laporan/antrian' : '/laporan?view=mine')}`}>{t('nav.login')}</Link> {t('report.mine.loginFirst')}
        </Notice>
      ) : (
        <>
          <form class="filters card" onSubmit={apply} role="search" aria-label={t('report.filters')}>
            <div class="field">
              <label for="rf-search">{t('proposals.search')}</label>
              <input id="rf-search" type="search" value={search} onInput={(e) => setSearch(e.currentTarget.value)} placeholder={t('report.searchPlaceholder')} />
            </div>
            <div class="field">
              <label for="rf-category-filter">{t('report.category')}</label>
              <select id="rf-category-filter" value={category} onChange={(e) => setCategory(e.currentTarget.value)}>
                <option value="">{t('common.all')}</option>
                {(categories.data?.reportCategories ?? []).map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </select>
            </div>
            {view !== 'PUBLIC' && (
              <div class="field">
                <label for="rf-status-filter">{t('proposal.status')}</label>
                <select id="rf-status-filter" value={status} onChange={(e) => setStatus(e.currentTarget.value)}>
                  <option value="">{t('common.all')}</option>
                  {REPORT_STATUSES.map((s) => (
                    <option key={s} value={s}>
                      {label('report.status', s)}
                    </option>
                  ))}
                </select>
              </div>
            )}
            {view === 'QUEUE' && (
              <div class="field">
                <label class="checkbox">
                  <input type="checkbox" id="rf-overdue" checked={overdue} onChange={(e) => setOverdue(e.currentTarget.checked)} /> {t('report.queue.onlyOverdue')}
                </label>
              </div>
            )}
            <div class="filters__actions">
              <button type="submit" class="button">
                {t('proposals.apply')}
              </button>
              <button type="button" class="button button--secondary" onClick={() => setQuery({ q: null, kategori: null, status: null, terlambat: null, offset: null }, { push: true })}>
                {t('proposals.reset')}
              </button>
              {view === 'QUEUE' && <LiveBadge mode={mode} />}
            </div>
          </form>
          <ErrorBox error={toApiError(result.error)} />
          {result.fetching && !page && <Loading />}
          {page && (
            <section aria-labelledby="report-results-heading" aria-busy={result.fetching}>
              <h2 id="report-results-heading" class="visually-hidden">
                {t('proposals.results')}
              </h2>
              {page.totalCount === 0 ? (
                <p data-testid="reports-none">{view === 'MINE' ? t('report.mine.none') : view === 'QUEUE' ? t('report.queue.none') : t('report.list.none')}</p>
              ) : (
                <ul class="proposal-list" data-testid="report-list">
                  {rows.map((r) => (
                    <ReportCard key={r.id} r={r} showClock={view !== 'PUBLIC'} />
                  ))}
                </ul>
              )}
              <Pager total={page.totalCount} offset={offset} pageSize={PAGE} hasNext={page.pageInfo.hasNextPage} onPage={(o) => setQuery({ offset: o || null }, { push: true })} />
            </section>
          )}
        </>
      )}
    </div>
  );
}
