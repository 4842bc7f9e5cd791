import { useQuery } from '@urql/preact';
import { useEffect, useState } from 'preact/hooks';
import { ErrorBox, Loading, PageTitle, Pager, StatusBadge, cursorFor } from '../components/ui';
import { RegionCascade } from '../components/RegionCascade';
import { toApiError } from '../lib/errors';
import { formatDate, formatNumber, formatRupiah } from '../lib/format';
import { label, t } from '../lib/i18n';
import { CATALOGUE, PROPOSALS } from '../lib/queries';
import { Link, setQuery, useRoute } from '../lib/router';
import type { ProposalSummaryFragment } from '../lib/generated/graphql';
import { LastSeenNote } from '../components/LastSeenNote';
import { FilterToggle } from '../components/FilterToggle';
import { gql } from '@urql/core';

/** The cycles (one a plan year) for the year filter. */
export const PROPOSAL_CYCLES = gql`
  query ProposalCycles { cycles(first: 20) { nodes { id name planYear } } }
`;

/** When a search finds nothing: the search the server thinks was meant ("drainse" → "drainase"), or null. */
export const PROPOSAL_SEARCH_SUGGESTION = gql`
  query ProposalSearchSuggestion($filter: ProposalFilter!) { proposalSearchSuggestion(filter: $filter) }
`;

/** The list's address with the search replaced by `search` (back to the first page). */
export function searchHref(path: string, query: URLSearchParams, search: string): string {
  const next = new URLSearchParams(query);
  next.set('q', search);
  next.delete('offset');
  return `${path}?${next.toString()}`;
}

/** "Tidak ada hasil untuk “drainse”. Maksud Anda: drainase?", the suggestion a link that applies it. */
function NoResults({ filter, search }: { filter: Record<string, unknown>; search: string }) {
  const { path, query } = useRoute();
  const [suggestion] = useQuery({ query: PROPOSAL_SEARCH_SUGGESTION, variables: { filter }, pause: !search });
  const meant = suggestion.data?.proposalSearchSuggestion?.trim();
  if (!search) return <p>{t('proposals.none')}</p>;
  return (
    <p data-testid="search-none">
      {t('proposals.noneFor', { q: search })}
      {meant && meant.toLowerCase() !== search.toLowerCase() && (
        <>
          {' '}
          {t('proposals.didYouMean')}{' '}
          <Link href={searchHref(path, query, meant)} data-testid="search-suggestion">
            <strong>{meant}</strong>
          </Link>
          ?
        </>
      )}
    </p>
  );
}

export const STATUSES = ['SUBMITTED', 'RETURNED', 'VERIFIED', 'FORWARDED', 'RESERVE', 'REJECTED', 'MERGED', 'ACCEPTED', 'NOT_ACCEPTED', 'WITHDRAWN', 'DRAFT'];
const SORTS = ['NEWEST', 'OLDEST', 'COST_DESC', 'COST_ASC', 'TITLE', 'BENEFICIARIES_DESC'];
const PAGE = 20;

/** A proposal in a list: the `ProposalSummary` fragment. */
export type ProposalRow = ProposalSummaryFragment;

export function ProposalCard({ p, actions }: { p: ProposalRow; actions?: preact.ComponentChildren }) {
  return (
    <li class="proposal-card">
      <div class="proposal-card__head">
        <span class="code">{p.code}</span>
        <StatusBadge status={p.status} />
        <span class="muted">{label('level', p.level)}</span>
      </div>
      <h3 class="proposal-card__title">
        <Link href={`/usulan/${p.id}`}>{p.title}</Link>
      </h3>
      <dl class="facts">
        <div>
          <dt>{t('proposal.cost')}</dt>
          <dd>{formatRupiah(p.estimatedCost)}</dd>
        </div>
        <div>
          <dt>{t('proposal.beneficiaries')}</dt>
          <dd>{formatNumber(p.beneficiaries)}</dd>
        </div>
        {p.sector && (
          <div>
            <dt>{t('proposal.sector')}</dt>
            <dd>{p.sector.name}</dd>
          </div>
        )}
        {p.region && (
          <div>
            <dt>{t('proposal.location')}</dt>
            <dd>{p.region.name}</dd>
          </div>
        )}
        <div>
          <dt>{t('proposal.created')}</dt>
          <dd>{formatDate(p.createdAt)}</dd>
        </div>
        <div>
          <dt>{t('proposal.comments')}</dt>
          <dd>{formatNumber(p.commentCount)}</dd>
        </div>
      </dl>
      {actions}
    </li>
  );
}

export function ProposalsPage() {
  const { query } = useRoute();
  const offset = Number(query.get('offset') ?? 0) || 0;
  const applied = {
    search: query.get('q') ?? '',
    status: query.get('status') ?? '',
    sector: query.get('sector') ?? '',
    region: (query.get('region') ?? '').split(',').filter(Boolean).map(Number),
    forum: query.get('forum') ?? '',
    cycle: query.get('siklus') ?? '',
    sort: query.get('sort') ?? 'NEWEST',
  };
  const [search, setSearch] = useState(applied.search);
  const [status, setStatus] = useState(applied.status);
  const [sector, setSector] = useState(applied.sector);
  const [region, setRegion] = useState<number[]>(applied.region);
  const [sort, setSort] = useState(applied.sort);
  const [cycle, setCycle] = useState(applied.cycle);
  const [filtersOpen, setFiltersOpen] = useState(false);
  useEffect(() => {
    setSearch(applied.search);
    setStatus(applied.status);
    setSector(applied.sector);
    setRegion(applied.region);
    setSort(applied.sort);
    setCycle(applied.cycle);
  }, [query.toString()]);
  const [catalogue] = useQuery({ query: CATALOGUE });
  const [cycles] = useQuery({ query: PROPOSAL_CYCLES });
  const filter: Record<string, unknown> = {};
  if (applied.search) filter.search = applied.search;
  if (applied.status) filter.statuses = [applied.status];
  if (applied.sector) filter.sectorId = Number(applied.sector);
  if (applied.region.length) filter.regionId = applied.region[applied.region.length - 1];
  if (applied.forum) filter.forumId = Number(applied.forum);
  if (applied.cycle) filter.cycleId = Number(applied.cycle);
  const activeFilters = [applied.search, applied.status, applied.sector, applied.region.length ? 'r' : '', applied.forum, applied.cycle].filter(Boolean).length;
  const [result] = useQuery({ query: PROPOSALS, variables: { filter, sort: applied.sort, first: PAGE, after: cursorFor(offset) } });
  const page = result.data?.proposals;
  const apply = (e: Event) => {
    e.preventDefault();
    setQuery({ q: search.trim(), status, sector, region: region.join(','), siklus: cycle, sort, offset: null }, { push: true });
  };
  return (
    <div class="stack">
      <PageTitle title={t('proposals.title')}>{t('proposals.title')}</PageTitle>
      <LastSeenNote result={result} />
      <FilterToggle open={filtersOpen} onToggle={() => setFiltersOpen(!filtersOpen)} active={activeFilters} controls="proposal-filters" />
      <form id="proposal-filters" class={`filters card filters--collapsible${filtersOpen ? ' filters--open' : ''}`} onSubmit={apply} role="search" aria-label={t('proposals.filters')}>
        <div class="field">
          <label for="f-search">{t('proposals.search')}</label>
          <input id="f-search" type="search" value={search} onInput={(e) => setSearch(e.currentTarget.value)} placeholder={t('proposals.searchPlaceholder')} />
        </div>
        <div class="field">
          <label for="f-status">{t('proposal.status')}</label>
          <select id="f-status" value={status} onChange={(e) => setStatus(e.currentTarget.value)}>
            <option value="">{t('common.all')}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {label('status', s)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="f-sector">{t('proposal.sector')}</label>
          <select id="f-sector" value={sector} onChange={(e) => setSector(e.currentTarget.value)}>
            <option value="">{t('common.all')}</option>
            {(catalogue.data?.sectors ?? []).map((s: any) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="f-cycle">{t('filters.cycle')}</label>
          <select id="f-cycle" value={cycle} onChange={(e) => setCycle(e.currentTarget.value)}>
            <option value="">{t('common.all')}</option>
            {(cycles.data?.cycles.nodes ?? []).map((c: any) => (
              <option key={c.id} value={c.id}>
                {c.planYear} · {c.name}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="f-sort">{t('proposals.sort')}</label>
          <select id="f-sort" value={sort} onChange={(e) => setSort(e.currentTarget.value)}>
            {SORTS.map((s) => (
              <option key={s} value={s}>
                {label('sort', s)}
              </option>
            ))}
          </select>
        </div>
        <RegionCascade idPrefix="f-region" legend={t('proposals.region')} levels={['KECAMATAN', 'DESA_KELURAHAN']} value={region} onChange={setRegion} />
        <div class="filters__actions">
          <button type="submit" class="button">
            {t('proposals.apply')}
          </button>
          <button
            type="button"
            class="button button--secondary"
            onClick={() => setQuery({ q: null, status: null, sector: null, region: null, forum: null, siklus: null, sort: null, offset: null }, { push: true })}
          >
            {t('proposals.reset')}
          </button>
        </div>
        {applied.forum && (
          <p class="muted">
            {t('proposals.forumFilter')} <Link href={`/forum/${applied.forum}`}>#{applied.forum}</Link>
          </p>
        )}
      </form>
      <ErrorBox error={toApiError(result.error)} />
      {result.fetching && !page && <Loading />}
      {page && (
        <section aria-labelledby="results-heading" aria-busy={result.fetching}>
          <h2 id="results-heading" class="visually-hidden">
            {t('proposals.results')}
          </h2>
          {page.totalCount === 0 ? (
            <NoResults filter={filter} search={applied.search} />
          ) : (
            <ul class="proposal-list">
              {page.nodes.map((p: ProposalRow) => (
                <ProposalCard key={p.id} p={p} />
              ))}
            </ul>
          )}
          <Pager total={page.totalCount} offset={offset} pageSize={PAGE} hasNext={page.pageInfo.hasNextPage} onPage={(o) => setQuery({ offset: o || null }, { push: true })} />
        </section>
      )}
    </div>
  );
}
