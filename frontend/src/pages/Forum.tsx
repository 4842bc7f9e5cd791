import { useQuery } from '@urql/preact';
import { Badge, Breadcrumbs, ErrorBox, Loading, PageTitle } from '../components/ui';
import { ForumSessions } from '../components/SessionSchedule';
import { ForumSettingsForm, ForumStatusControl, OpenRoundForm } from '../components/ForumForms';
import { PriorityList } from '../components/PriorityList';
import { ExportPanel } from '../components/ExportPanel';
import { EXPORT_FORMATS } from '../lib/download';
import { toApiError } from '../lib/errors';
import { formatDateTime, formatNumber, formatRupiah } from '../lib/format';
import { label, t } from '../lib/i18n';
import { FORUM } from '../lib/documents/forums';
import { Link } from '../lib/router';
import { isPlanner, useMe } from '../lib/session';
import { LastSeenNote } from '../components/Outbox';

export function roundState(r: { isOpen: boolean; isClosed: boolean }): 'open' | 'closed' | 'upcoming' {
  return r.isOpen ? 'open' : r.isClosed ? 'closed' : 'upcoming';
}

export default function ForumPage({ id }: { id: number }) {
  const me = useMe();
  const [result, refetch] = useQuery({ query: FORUM, variables: { id } });
  const f = result.data?.forum;
  const refresh = () => refetch({ requestPolicy: 'network-only' });
  if (!f) return result.fetching ? <Loading /> : <ErrorBox error={toApiError(result.error)} />;
  const planner = isPlanner(me);
  const published = f.status === 'CLOSED' || f.status === 'RATIFIED';
  return (
    <div class="stack">
      <Breadcrumbs items={[{ href: '/', text: t('nav.home') }, { href: '/forum', text: t('nav.forums') }, { text: f.name }]} />
      <PageTitle title={f.name}>{f.name}</PageTitle>
      <LastSeenNote result={result} />
      <p>
        <Badge tone={f.status.toLowerCase()}>{label('forumStatus', f.status)}</Badge> {label('level', f.level)} · {f.region?.name}
        {f.parentForum && (
          <>
            {' · '}
            {t('forum.movesUpTo')} <Link href={`/forum/${f.parentForum.id}`}>{f.parentForum.name}</Link>
          </>
        )}
      </p>
      <section class="card" aria-labelledby="forum-facts">
        <h2 id="forum-facts">{t('forum.facts')}</h2>
        <dl class="facts facts--wide">
          <div>
            <dt>{t('forum.ceiling')}</dt>
            <dd>{f.budgetCeiling === null ? t('forum.noCeiling') : formatRupiah(f.budgetCeiling)}</dd>
          </div>
          <div>
            <dt>{t('forum.selectionLimit')}</dt>
            <dd>
              {label('selectionLimit', f.selectionLimit)}
              {f.maxCount !== null && ` (${formatNumber(f.maxCount)})`}
            </dd>
          </div>
          <div>
            <dt>{t('forum.tolerance')}</dt>
            <dd>{formatNumber(f.tolerancePercent)} %</dd>
          </div>
          {f.stage && (
            <div>
              <dt>{t('forum.stage')}</dt>
              <dd>
                {formatDateTime(f.stage.opensAt)} – {formatDateTime(f.stage.closesAt)}
                {f.stage.locked && <> · {t('stage.locked')}</>}
              </dd>
            </div>
          )}
          <div>
            <dt>{t('forum.proposals')}</dt>
            <dd>
              <Link href={`/usulan?forum=${f.id}`}>{t('forum.proposalCount', { n: formatNumber(f.all.totalCount) })}</Link>
            </dd>
          </div>
          <div>
            <dt>{t('forum.awaiting')}</dt>
            <dd>{formatNumber(f.submitted.totalCount)}</dd>
          </div>
          <div>
            <dt>{t('forum.verified')}</dt>
            <dd>{formatNumber(f.verified.totalCount)}</dd>
          </div>
        </dl>
        <p class="button-row">
          <Link href={`/peta?forum=${f.id}`} class="button button--secondary">
            {t('nav.map')}
          </Link>
          <Link href={`/forum/${f.id}/hasil`} class="button button--secondary">
            {t('results.title')}
          </Link>
        </p>
      </section>

      <ForumSessions forumId={f.id} forumName={f.name} staff={f.viewerIsStaff} />

      <PriorityList forumId={f.id} onChanged={refresh} />

      <section class="card" aria-labelledby="export-heading">
        <h2 id="export-heading">{t('export.title')}</h2>
        {/* The server gives a forum's files to everyone once it is closed, to its staff always. */}
        {published || f.viewerIsStaff ? (
          <ExportPanel
            scope={{ forum: f.id }}
            idPrefix="forum-export"
            hint={published ? t('export.forumHint') : t('export.forumOpenHint')}
            formats={f.votingRounds.some((r: any) => r.isClosed) ? EXPORT_FORMATS : EXPORT_FORMATS.filter((x) => x !== 'pb')}
          />
        ) : (
          <p data-testid="export-after-close">{t('export.afterForumClose')}</p>
        )}
      </section>

      <section class="card" aria-labelledby="rounds-heading">
        <h2 id="rounds-heading">{t('forum.rounds')}</h2>
        {f.votingRounds.length === 0 ? (
          <p>{t('forum.noRounds')}</p>
        ) : (
          <ul class="list">
            {f.votingRounds.map((r: any) => (
              <li key={r.id}>
                <Link href={`/putaran/${r.id}`}>{r.title}</Link> <Badge tone={roundState(r)}>{label('roundState', roundState(r))}</Badge>{' '}
                <span class="muted">
                  {label('method', r.method)} · {formatDateTime(r.opensAt)} – {formatDateTime(r.closedAt ?? r.closesAt)}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>

      {f.viewerIsStaff && (
        <section class="card" aria-labelledby="staff-heading">
          <h2 id="staff-heading">{t('forum.staffTools')}</h2>
          <p>
            <Link href={`/moderasi?forum=${f.id}`}>{t('forum.toQueue', { n: formatNumber(f.submitted.totalCount) })}</Link>
          </p>
          <h3>{t('forum.status')}</h3>
          <ForumStatusControl forumId={f.id} status={f.status} planner={planner} onDone={refresh} closeHref="#prioritas" />
          <details>
            <summary>{t('round.openTitle')}</summary>
            <OpenRoundForm forumId={f.id} ceiling={f.budgetCeiling} />
          </details>
          {planner && (
            <details>
              <summary>{t('forum.edit')}</summary>
              <ForumSettingsForm forum={f} idPrefix="fs" onDone={refresh} />
            </details>
          )}
        </section>
      )}
    </div>
  );
}
