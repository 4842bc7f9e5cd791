import { useQuery } from '@urql/preact';
import { useState } from 'preact/hooks';
import { FilterToggle } from '../components/FilterToggle';
import { PROPOSAL_CYCLES } from './Proposals';
import { moderatedForumIds, useMe, type Me } from '../lib/session';
import { ErrorBox, Loading, PageTitle, Pager, Badge, cursorFor } from '../components/ui';
import { toApiError } from '../lib/errors';
import { formatRupiah } from '../lib/format';
import { label, t } from '../lib/i18n';
import { FORUMS } from '../lib/documents/forums';
import { Link, setQuery, useRoute } from '../lib/router';
import { LastSeenNote } from '../components/Outbox';

const LEVELS = ['DESA_KELURAHAN', 'KECAMATAN', 'FORUM_OPD', 'KABUPATEN_KOTA', 'REMBUK_RW'];
const FORUM_STATUSES = ['DRAFT', 'SCHEDULED', 'IN_SESSION', 'CLOSED', 'RATIFIED'];
const PAGE = 20;
/** Searching or "my forums" filters here, on one long page (the API has no search of forums). */
const ALL = 100; // the API's largest page

/** Forums the person runs (moderator) or lives under (their home region or the one above it). */
export function isMyForum(f: any, me: Me | null | undefined): boolean {
  if (!me) return false;
  if (moderatedForumIds(me).includes(f.id)) return true;
  const home = me.homeRegion;
  return !!home && !!f.region && (f.region.id === home.id || f.region.id === home.parentId);
}

/** Matches a forum's name or region, ignoring case and accents. */
export function matchesForum(f: any, search: string): boolean {
  const fold = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  const words = fold(search).split(/\s+/).filter(Boolean);
  const text = fold(`${f.name} ${f.region?.name ?? ''}`);
  return words.every((w) => text.includes(w));
}

export default function ForumsPage() {
  const { query } = useRoute();
  const level = query.get('level') ?? '';
  const status = query.get('status') ?? '';
  const offset = Number(query.get('offset') ?? 0) || 0;
  const search = query.get('q') ?? '';
  const mine = query.get('saya') === '1';
  const cycle = query.get('siklus') ?? '';
  const me = useMe();
  const [filtersOpen, setFiltersOpen] = useState(false);
  const [cycles] = useQuery({ query: PROPOSAL_CYCLES });
  const filter: Record<string, unknown> = {};
  if (level) filter.level = level;
  if (status) filter.status = status;
  if (cycle) filter.cycleId = Number(cycle);
  const local = !!search.trim() || mine;
  const [result] = useQuery({ query: FORUMS, variables: { filter, first: local ? ALL : PAGE, after: local ? null : cursorFor(offset) } });
  const loaded = result.data?.forums;
  const nodes: any[] = (loaded?.nodes ?? []).filter((f: any) => (!mine || isMyForum(f, me)) && (!search.trim() || matchesForum(f, search)));
  const page = loaded && { ...loaded, nodes };
  const active = [level, status, search.trim(), mine ? '1' : '', cycle].filter(Boolean).length;
  return (
    <div class="stack">
      <PageTitle title={t('forums.title')}>{t('forums.title')}</PageTitle>
      <LastSeenNote result={result} />
      <p>{t('forums.lead')}</p>
      <FilterToggle open={filtersOpen} onToggle={() => setFiltersOpen(!filtersOpen)} active={active} controls="forum-filters" />
      <div id="forum-filters" class={`filters card filters--collapsible${filtersOpen ? ' filters--open' : ''}`} role="search" aria-label={t('forums.filters')}>
        <div class="field">
          <label for="forum-search">{t('forums.search')}</label>
          <input id="forum-search" type="search" value={search} placeholder={t('forums.searchPlaceholder')} onInput={(e) => setQuery({ q: e.currentTarget.value || null, offset: null })} />
        </div>
        <div class="field">
          <label for="forum-cycle">{t('filters.cycle')}</label>
          <select id="forum-cycle" value={cycle} onChange={(e) => setQuery({ siklus: e.currentTarget.value, offset: null })}>
            <option value="">{t('common.all')}</option>
            {(cycles.data?.cycles.nodes ?? []).map((c: any) => (
              <option key={c.id} value={c.id}>
                {c.planYear} · {c.name}
              </option>
            ))}
          </select>
        </div>
        {me && (
          <div class="field">
            <label class="choice" for="forum-mine">
              <input id="forum-mine" type="checkbox" checked={mine} onChange={(e) => setQuery({ saya: e.currentTarget.checked ? '1' : null, offset: null })} /> {t('forums.mine')}
            </label>
            <p class="hint">{t('forums.mineHint')}</p>
          </div>
        )}
        <div class="field">
          <label for="forum-level">{t('forum.level')}</label>
          <select id="forum-level" value={level} onChange={(e) => setQuery({ level: e.currentTarget.value, offset: null })}>
            <option value="">{t('common.all')}</option>
            {LEVELS.map((l) => (
              <option key={l} value={l}>
                {label('level', l)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="forum-status">{t('forum.status')}</label>
          <select id="forum-status" value={status} onChange={(e) => setQuery({ status: e.currentTarget.value, offset: null })}>
            <option value="">{t('common.all')}</option>
            {FORUM_STATUSES.map((s) => (
              <option key={s} value={s}>
                {label('forumStatus', s)}
              </option>
            ))}
          </select>
        </div>
      </div>
      <ErrorBox error={toApiError(result.error)} />
      {result.fetching && !page && <Loading />}
      {page && (
        <>
          {local && (
            <p role="status" data-testid="forum-count">
              {t('forums.found', { n: nodes.length })}
            </p>
          )}
          {local && nodes.length === 0 && <p>{t('forums.noneFound')}</p>}
          {local && loaded.pageInfo.hasNextPage && <p class="hint">{t('forums.narrow', { n: ALL })}</p>}
          <ul class="card-list">
            {page.nodes.map((f: any) => (
              <li key={f.id} class="card">
                <h2 class="h3">
                  <Link href={`/forum/${f.id}`}>{f.name}</Link>
                </h2>
                <p>
                  <Badge tone={f.status.toLowerCase()}>{label('forumStatus', f.status)}</Badge> {label('level', f.level)} · {f.region?.name}
                  {f.cycle?.planYear && <> · {t('forums.year', { year: f.cycle.planYear })}</>}
                </p>
                <p>
                  {t('forum.ceiling')}: <strong>{f.budgetCeiling === null ? t('forum.noCeiling') : formatRupiah(f.budgetCeiling)}</strong>
                </p>
              </li>
            ))}
          </ul>
          {!local && <Pager total={page.totalCount} offset={offset} pageSize={PAGE} hasNext={page.pageInfo.hasNextPage} onPage={(o) => setQuery({ offset: o || null }, { push: true })} />}
        </>
      )}
    </div>
  );
}
