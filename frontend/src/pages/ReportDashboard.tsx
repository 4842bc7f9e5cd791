// The complaint channel's public figures for a year (`reportDashboard`): totals, per agency
// (received, answered, on time, median hours to the first follow-up, the satisfaction index
// and its grade), per category as bars, and the same per agency as CSV.
import { useQuery } from '@urql/preact';
import { BarChart } from '../components/charts';
import { ErrorBox, Loading, PageTitle, TableWrap } from '../components/ui';
import { toApiError } from '../lib/errors';
import { formatNumber, formatPercent } from '../lib/format';
import type { ReportDashboardQuery } from '../lib/generated/graphql';
import { t } from '../lib/i18n';
import { REPORT_DASHBOARD } from '../lib/queries';
import { gradeText, hoursText, indexText } from '../lib/reports';
import { setQuery, useRoute } from '../lib/router';
import { ReportTabs } from './Reports';

/** The years offered: this one and the four before it. */
export function dashboardYears(now: Date = new Date()): number[] {
  const year = now.getFullYear();
  return [0, 1, 2, 3, 4].map((n) => year - n);
}

export const csvHref = (year: number) => `/statistik/laporan.csv?tahun=${year}`;
export const xlsxHref = (year: number) => `/statistik/laporan.xlsx?tahun=${year}`;

export default function ReportDashboardPage() {
  const { query } = useRoute();
  const years = dashboardYears();
  const chosen = Number(query.get('tahun'));
  const year = Number.isInteger(chosen) && chosen >= 2000 && chosen <= 2100 ? chosen : years[0];
  const [result] = useQuery<ReportDashboardQuery>({ query: REPORT_DASHBOARD, variables: { year } });
  const d = result.data?.reportDashboard;
  const options = years.includes(year) ? years : [year, ...years];
  return (
    <div class="stack">
      <PageTitle title={t('report.stats.title')}>{t('report.stats.title')}</PageTitle>
      <ReportTabs current="stats" />
      <p>{t('report.stats.lead')}</p>
      <div class="filters card">
        <div class="field">
          <label for="rs-year">{t('report.stats.year')}</label>
          <select id="rs-year" value={year} onChange={(e) => setQuery({ tahun: e.currentTarget.value }, { push: true })}>
            {options.map((y) => (
              <option key={y} value={y}>
                {y}
              </option>
            ))}
          </select>
        </div>
        <p class="filters__actions">
          <a href={csvHref(year)} download={`statistik-laporan-${year}.csv`} class="button button--secondary" data-testid="stats-csv">
            {t('report.stats.csv', { year })}
          </a>{' '}
          <a href={xlsxHref(year)} download={`statistik-laporan-${year}.xlsx`} class="button button--secondary" data-testid="stats-xlsx">
            {t('report.stats.xlsx', { year })}
          </a>
        </p>
      </div>
      <ErrorBox error={toApiError(result.error)} />
      {result.fetching && !d && <Loading />}
      {d && (
        <>
          <section class="card" aria-labelledby="stats-totals">
            <h2 id="stats-totals">{t('report.stats.totals', { year: d.year })}</h2>
            <dl class="facts stats-totals" data-testid="stats-totals">
              <div>
                <dt>{t('report.stats.reports')}</dt>
                <dd>{formatNumber(d.reports)}</dd>
              </div>
              <div>
                <dt>{t('report.stats.closed')}</dt>
                <dd>{formatNumber(d.closed)}</dd>
              </div>
              <div>
                <dt>{t('report.stats.rejected')}</dt>
                <dd>{formatNumber(d.rejected)}</dd>
              </div>
              <div>
                <dt>{t('report.stats.overdueNow')}</dt>
                <dd>{formatNumber(d.overdueNow)}</dd>
              </div>
              <div>
                <dt>{t('report.stats.ikm')}</dt>
                <dd data-testid="stats-ikm">{d.satisfaction ? `${indexText(d.satisfaction.value)} (${gradeText(d.satisfaction.grade)})` : t('report.stats.noSurvey')}</dd>
              </div>
              <div>
                <dt>{t('report.stats.respondents')}</dt>
                <dd>{formatNumber(d.satisfaction?.respondents ?? 0)}</dd>
              </div>
            </dl>
            <p class="hint">{t('report.stats.ikmHint')}</p>
          </section>

          <section class="card" aria-labelledby="stats-agencies">
            <h2 id="stats-agencies">{t('report.stats.perAgency')}</h2>
            {d.agencies.length === 0 ? (
              <p>{t('report.stats.none')}</p>
            ) : (
              <TableWrap label={t('report.stats.perAgency')}>
                <table class="stage-table stats-table" data-testid="stats-agencies">
                  <thead>
                    <tr>
                      <th scope="col">{t('report.agency')}</th>
                      <th scope="col" class="num">{t('report.stats.received')}</th>
                      <th scope="col" class="num">{t('report.stats.answered')}</th>
                      <th scope="col" class="num">{t('report.stats.onTime')}</th>
                      <th scope="col" class="num">{t('report.stats.median')}</th>
                      <th scope="col" class="num">{t('report.stats.overdueNow')}</th>
                      <th scope="col" class="num">{t('report.stats.ikm')}</th>
                      <th scope="col">{t('report.stats.grade')}</th>
                      <th scope="col" class="num">{t('report.stats.respondents')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {d.agencies.map((a) => (
                      <tr key={a.agency.id}>
                        <th scope="row">{a.agency.name}</th>
                        <td class="num">{formatNumber(a.received)}</td>
                        <td class="num">{formatNumber(a.answered)}</td>
                        <td class="num">{a.onTimeShare === null ? '—' : formatPercent(a.onTimeShare)}</td>
                        <td class="num">{hoursText(a.medianHoursToFirstFollowUp)}</td>
                        <td class="num">{formatNumber(a.overdueNow)}</td>
                        <td class="num">{a.satisfaction ? indexText(a.satisfaction.value) : '—'}</td>
                        <td>{a.satisfaction ? gradeText(a.satisfaction.grade) : '—'}</td>
                        <td class="num">{formatNumber(a.satisfaction?.respondents ?? 0)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableWrap>
            )}
          </section>

          <section class="card" aria-labelledby="stats-categories">
            <h2 id="stats-categories" class="visually-hidden">
              {t('report.stats.perCategory')}
            </h2>
            {d.categories.length === 0 ? (
              <p>{t('report.stats.none')}</p>
            ) : (
              <BarChart
                id="stats-cat"
                title={t('report.stats.perCategory')}
                bars={d.categories.map((c) => ({
                  key: c.category.id,
                  label: c.category.name,
                  value: c.reports,
                  valueText: t('report.stats.catValue', { n: formatNumber(c.reports), closed: formatNumber(c.closed) }),
                  tone: 'main',
                }))}
              />
            )}
          </section>
        </>
      )}
    </div>
  );
}
