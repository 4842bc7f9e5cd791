import { gql } from '@urql/core';
import { useQuery } from '@urql/preact';
import { Badge, Breadcrumbs, ErrorBox, Loading, Notice, PageTitle } from '../components/ui';
import { toApiError } from '../lib/errors';
import { formatDate, formatNumber, formatPercent, formatRupiah } from '../lib/format';
import { label, t } from '../lib/i18n';
import { CYCLES } from '../lib/documents/staff';
import { Link, setQuery, useRoute } from '../lib/router';
import { isPlanner, useMe } from '../lib/session';

/** The planners' dashboard (issue #17, point 8): every forum of a cycle, how far it got. */
export const CYCLE_PROGRESS = gql`
  query CycleProgress($cycleId: Int!) {
    cycleProgress(cycleId: $cycleId) {
      forumId proposals awaitingVerification verified verifiedCost ceilingShare stageClosesAt stageOverdue
      forum { id name level status budgetCeiling region { id name } }
    }
  }
`;

export interface ProgressRow {
  forumId: number;
  proposals: number;
  awaitingVerification: number;
  verified: number;
  verifiedCost: number;
  ceilingShare: number | null;
  stageClosesAt: string | null;
  stageOverdue: boolean;
  forum: { id: number; name: string; level: string; status: string; budgetCeiling: number | null; region: { id: number; name: string } | null };
}

/** The rows added up; the share is of the forums that have a ceiling. */
export function progressTotals(rows: ProgressRow[]) {
  const withCeiling = rows.filter((r) => (r.forum.budgetCeiling ?? 0) > 0);
  const ceiling = withCeiling.reduce((s, r) => s + (r.forum.budgetCeiling ?? 0), 0);
  const costUnderCeiling = withCeiling.reduce((s, r) => s + r.verifiedCost, 0);
  return {
    forums: rows.length,
    proposals: rows.reduce((s, r) => s + r.proposals, 0),
    awaitingVerification: rows.reduce((s, r) => s + r.awaitingVerification, 0),
    verified: rows.reduce((s, r) => s + r.verified, 0),
    verifiedCost: rows.reduce((s, r) => s + r.verifiedCost, 0),
    ceiling,
    share: ceiling > 0 ? costUnderCeiling / ceiling : null,
    overdue: rows.filter((r) => r.stageOverdue).length,
    over: rows.filter((r) => (r.ceilingShare ?? 0) > 1).length,
  };
}

/** Budget used against the ceiling: a bar (drawn to 100 %, marked past it) and the percent. */
function Usage({ share, testId }: { share: number | null; testId?: string }) {
  if (share === null) return <span class="muted">{t('dashboard.noCeiling')}</span>;
  const over = share > 1;
  const width = Math.round(Math.min(share, 1) * 100);
  return (
    <span class={`usage${over ? ' usage--over' : ''}`} data-testid={testId}>
      <svg class="usage__bar" viewBox="0 0 100 8" preserveAspectRatio="none" aria-hidden="true">
        <rect width="100" height="8" class="usage__track" />
        <rect width={width} height="8" class="usage__fill" />
      </svg>
      <span class="usage__text">
        {formatPercent(share)}
        {over && <strong class="usage__warn"> ⚠ {t('dashboard.overCeiling')}</strong>}
      </span>
    </span>
  );
}

const LEVELS = ['REMBUK_RW', 'DESA_KELURAHAN', 'KECAMATAN', 'FORUM_OPD', 'KABUPATEN_KOTA'];

export default function PlanningDashboardPage() {
  const me = useMe();
  const { query } = useRoute();
  const [cyclesResult] = useQuery({ query: CYCLES, pause: !me });
  const cycles: any[] = cyclesResult.data?.cycles.nodes ?? [];
  const selected = cycles.find((c) => String(c.id) === query.get('siklus')) ?? cycles[0];
  const [result] = useQuery({ query: CYCLE_PROGRESS, variables: { cycleId: selected?.id ?? 0 }, pause: !selected, requestPolicy: 'cache-and-network' });
  const level = query.get('tingkat') ?? '';
  const all: ProgressRow[] = result.data?.cycleProgress ?? [];
  const rows = level ? all.filter((r) => r.forum.level === level) : all;
  const levels = LEVELS.filter((l) => all.some((r) => r.forum.level === l));
  const totals = progressTotals(rows);
  const title = t('dashboard.title');
  if (!isPlanner(me)) {
    return (
      <div class="stack">
        <PageTitle title={title}>{title}</PageTitle>
        <Notice kind="warning">{me ? t('planning.onlyPlanners') : <Link href="/masuk?next=/perencanaan/dasbor">{t('nav.login')}</Link>}</Notice>
      </div>
    );
  }
  return (
    <div class="stack">
      <Breadcrumbs items={[{ href: '/perencanaan', text: t('planning.title') }, { text: title }]} />
      <PageTitle title={title}>{title}</PageTitle>
      <p class="muted">{t('dashboard.intro')}</p>
      <ErrorBox error={toApiError(cyclesResult.error ?? result.error)} />
      {cycles.length > 0 && (
        <div class="filters card">
          <div class="field">
            <label for="dash-cycle">{t('planning.cycle')}</label>
            <select id="dash-cycle" value={selected?.id} onChange={(e) => setQuery({ siklus: e.currentTarget.value })}>
              {cycles.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="dash-level">{t('dashboard.level')}</label>
            <select id="dash-level" value={level} onChange={(e) => setQuery({ tingkat: e.currentTarget.value })}>
              <option value="">{t('common.all')}</option>
              {levels.map((l) => (
                <option key={l} value={l}>
                  {label('level', l)}
                </option>
              ))}
            </select>
          </div>
        </div>
      )}
      {(cyclesResult.fetching || result.fetching) && !result.data && <Loading />}
      {result.data && (
        <>
          <dl class="facts dashboard__totals" data-testid="dashboard-totals">
            <div>
              <dt>{t('dashboard.forums')}</dt>
              <dd data-testid="total-forums">{formatNumber(totals.forums)}</dd>
            </div>
            <div>
              <dt>{t('dashboard.proposals')}</dt>
              <dd data-testid="total-proposals">{formatNumber(totals.proposals)}</dd>
            </div>
            <div>
              <dt>{t('dashboard.awaiting')}</dt>
              <dd data-testid="total-awaiting">{formatNumber(totals.awaitingVerification)}</dd>
            </div>
            <div>
              <dt>{t('dashboard.verified')}</dt>
              <dd data-testid="total-verified">{formatNumber(totals.verified)}</dd>
            </div>
            <div>
              <dt>{t('dashboard.overdue')}</dt>
              <dd data-testid="total-overdue">{formatNumber(totals.overdue)}</dd>
            </div>
          </dl>
          <div class="table-wrap table-wrap--cards" role="region" aria-labelledby="dashboard-caption" tabIndex={0}>
            <table class="table table--cards" data-testid="dashboard-table">
              <caption id="dashboard-caption" class="visually-hidden">
                {t('dashboard.caption', { cycle: selected?.name ?? '' })}
              </caption>
              <thead>
                <tr>
                  <th scope="col">{t('dashboard.forum')}</th>
                  <th scope="col">{t('dashboard.status')}</th>
                  <th scope="col" class="num">{t('dashboard.proposals')}</th>
                  <th scope="col" class="num">{t('dashboard.awaiting')}</th>
                  <th scope="col" class="num">{t('dashboard.verified')}</th>
                  <th scope="col">{t('dashboard.budget')}</th>
                  <th scope="col">{t('dashboard.stageEnd')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.forumId} data-testid={`progress-${r.forumId}`} class={r.stageOverdue ? 'row--overdue' : undefined}>
                    <th scope="row" data-label={t('dashboard.forum')}>
                      <Link href={`/forum/${r.forumId}`}>{r.forum.name}</Link>
                      <br />
                      <span class="muted">{label('level', r.forum.level)}</span>
                    </th>
                    <td data-label={t('dashboard.status')}>
                      <Badge tone={r.forum.status.toLowerCase()}>{label('forumStatus', r.forum.status)}</Badge>
                    </td>
                    <td class="num" data-label={t('dashboard.proposals')}>
                      {formatNumber(r.proposals)}
                    </td>
                    <td class="num" data-label={t('dashboard.awaiting')}>
                      {formatNumber(r.awaitingVerification)}
                    </td>
                    <td class="num" data-label={t('dashboard.verified')}>
                      {formatNumber(r.verified)}
                    </td>
                    <td data-label={t('dashboard.budget')}>
                      <span class="usage__money">
                        {formatRupiah(r.verifiedCost)}
                        {r.forum.budgetCeiling ? ` / ${formatRupiah(r.forum.budgetCeiling)}` : ''}
                      </span>
                      <Usage share={r.ceilingShare} />
                    </td>
                    <td data-label={t('dashboard.stageEnd')}>
                      {r.stageClosesAt ? formatDate(r.stageClosesAt) : <span class="muted">—</span>}
                      {r.stageOverdue && (
                        <>
                          {' '}
                          <span class="badge badge--rejected" data-testid="overdue">
                            ⚠ {t('dashboard.overdueFlag')}
                          </span>
                        </>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr data-testid="dashboard-total-row">
                  <th scope="row" data-label={t('dashboard.forum')}>
                    {t('dashboard.total', { n: formatNumber(totals.forums) })}
                  </th>
                  <td data-label={t('dashboard.status')}>{totals.over > 0 ? t('dashboard.overCount', { n: formatNumber(totals.over) }) : '—'}</td>
                  <td class="num" data-label={t('dashboard.proposals')}>
                    {formatNumber(totals.proposals)}
                  </td>
                  <td class="num" data-label={t('dashboard.awaiting')}>
                    {formatNumber(totals.awaitingVerification)}
                  </td>
                  <td class="num" data-label={t('dashboard.verified')}>
                    {formatNumber(totals.verified)}
                  </td>
                  <td data-label={t('dashboard.budget')}>
                    <span class="usage__money" data-testid="total-cost">
                      {formatRupiah(totals.verifiedCost)}
                      {totals.ceiling > 0 ? ` / ${formatRupiah(totals.ceiling)}` : ''}
                    </span>
                    <Usage share={totals.share} testId="total-share" />
                  </td>
                  <td data-label={t('dashboard.stageEnd')}>{t('dashboard.overdueCount', { n: formatNumber(totals.overdue) })}</td>
                </tr>
              </tfoot>
            </table>
          </div>
          {!level && <p class="hint">{t('dashboard.totalsNote')}</p>}
        </>
      )}
    </div>
  );
}
