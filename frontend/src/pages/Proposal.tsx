import { Breadcrumbs, ErrorBox, Loading, LiveBadge, PageTitle, StatusBadge, Notice } from '../components/ui';
import { Attachments } from '../components/Attachments';
import { Comments } from '../components/Comments';
import { MapView } from '../components/MapView';
import { TransitionActions } from '../components/Transitions';
import { toApiError } from '../lib/errors';
import { formatCoordinate, formatDate, formatDateTime, formatNumber, formatRupiah } from '../lib/format';
import { label, t } from '../lib/i18n';
import { useLiveQuery } from '../lib/live';
import { PROPOSAL } from '../lib/documents/proposals';
import { Link, useRoute } from '../lib/router';
import { useMe } from '../lib/session';
import { lazyPage } from '../lazy';
import { LastSeenNote } from '../components/Outbox';

// The path, votes, priority lists and implementation: loaded after the proposal itself.
const ProposalJourney = lazyPage(() => import('../components/ProposalJourney'));

export function ProposalPage({ id }: { id: number }) {
  const me = useMe();
  const { query } = useRoute();
  const justCreated = query.get('baru') === '1';
  const [result, refetch, mode] = useLiveQuery({
    requestPolicy: justCreated ? 'network-only' : 'cache-and-network',
    query: PROPOSAL,
    variables: { id },
    // Its forum's activity names the proposal in status changes and comments.
    topic: (data) =>
      data?.proposal?.forum
        ? { stream: { field: 'forumActivity', idArg: 'forumId', id: data.proposal.forum.id }, filter: (event) => 'proposalId' in event.data && event.data.proposalId === id }
        : undefined,
    intervalMs: 15000,
  });
  const refresh = () => refetch({ requestPolicy: 'network-only' });
  const p = result.data?.proposal;
  if (!p) {
    return (
      <div class="stack">
        {result.fetching ? <Loading /> : <PageTitle title={t('proposal.title')}>{t('proposal.title')}</PageTitle>}
        <ErrorBox error={toApiError(result.error)} />
      </div>
    );
  }
  const isProposer = me?.id === p.proposer?.id;
  const place = [...p.regionPath];
  if (p.region && place[place.length - 1]?.id !== p.region.id) place.push(p.region);
  return (
    <div class="stack">
      <Breadcrumbs items={[{ href: '/', text: t('nav.home') }, { href: '/usulan', text: t('nav.proposals') }, { text: p.code }]} />
      <LastSeenNote result={result} />
      {justCreated && <Notice kind="success">{p.status === 'DRAFT' ? t('form.savedDraft', { code: p.code }) : t('form.submitted', { code: p.code })}</Notice>}
      <header class="proposal-head">
        <p class="code">{p.code}</p>
        <PageTitle title={p.title}>{p.title}</PageTitle>
        <p class="proposal-head__meta">
          <StatusBadge status={p.status} /> <span>{t('proposal.atLevel', { level: label('level', p.level) })}</span>
          {p.forum && (
            <>
              {' · '}
              <Link href={`/forum/${p.forum.id}`}>{p.forum.name}</Link>
            </>
          )}{' '}
          <LiveBadge mode={mode} />
        </p>
        <nav aria-label={t('proposal.regionPath')} class="region-path">
          <ol>
            {place.map((r: any) => (
              <li key={r.id}>
                <span class="visually-hidden">{label('regionLevel', r.level)}: </span>
                {r.name}
              </li>
            ))}
          </ol>
        </nav>
      </header>

      {(p.availableTransitions.length > 0 || (isProposer && (p.status === 'DRAFT' || p.status === 'RETURNED'))) && (
        <section class="card" aria-labelledby="actions-heading">
          <h2 id="actions-heading">{t('proposal.actions')}</h2>
          {isProposer && (p.status === 'DRAFT' || p.status === 'RETURNED') && (
            <p>
              <Link href={`/usulan/${p.id}/ubah`} class="button button--secondary">
                {t('proposal.edit')}
              </Link>
            </p>
          )}
          <TransitionActions proposalId={p.id} transitions={p.availableTransitions} onDone={refresh} idPrefix="tr" />
        </section>
      )}

      <ProposalJourney proposalId={p.id} unit={p.unit} version={`${p.status}|${p.updatedAt}`} />

      <section class="card" aria-labelledby="details-heading">
        <h2 id="details-heading">{t('proposal.details')}</h2>
        <h3>{t('proposal.problem')}</h3>
        <p class="prose">{p.problem}</p>
        <h3>{t('proposal.solution')}</h3>
        <p class="prose">{p.solution}</p>
        <dl class="facts facts--wide">
          <div>
            <dt>{t('proposal.cost')}</dt>
            <dd>{formatRupiah(p.estimatedCost)}</dd>
          </div>
          <div>
            <dt>{t('proposal.volume')}</dt>
            <dd>
              {formatNumber(p.volume)} {p.unit}
            </dd>
          </div>
          <div>
            <dt>{t('proposal.beneficiaries')}</dt>
            <dd>{t('proposal.people', { n: formatNumber(p.beneficiaries) })}</dd>
          </div>
          <div>
            <dt>{t('proposal.kind')}</dt>
            <dd>{p.physical ? t('proposal.physical') : t('proposal.nonPhysical')}</dd>
          </div>
          <div>
            <dt>{t('proposal.sector')}</dt>
            <dd>{p.sector?.name ?? '—'}</dd>
          </div>
          <div>
            <dt>{t('proposal.activity')}</dt>
            <dd>{p.activity ? `${p.activity.code} ${p.activity.name}` : '—'}</dd>
          </div>
          <div>
            <dt>{t('proposal.agency')}</dt>
            <dd>
              {p.finalAgency?.name ?? '—'}
              {p.initialAgency && p.finalAgency && p.initialAgency.id !== p.finalAgency.id && <> ({t('proposal.initialAgency', { name: p.initialAgency.name })})</>}
            </dd>
          </div>
          <div>
            <dt>{t('proposal.address')}</dt>
            <dd>{p.address}</dd>
          </div>
          <div>
            <dt>{t('proposal.proposer')}</dt>
            <dd>
              {p.proposerName ?? p.proposer?.name ?? '—'} ({label('proposerType', p.proposerType)})
              {p.anonymousToPublic && p.proposer && <span class="hint"> — {t('proposal.anonymous')}</span>}
            </dd>
          </div>
          <div>
            <dt>{t('proposal.created')}</dt>
            <dd>{formatDateTime(p.createdAt)}</dd>
          </div>
          {p.sourceReport && (
            <div>
              <dt>{t('proposal.sourceReport')}</dt>
              <dd>
                <Link href={`/laporan/${p.sourceReport.id}`} data-testid="proposal-source-report">
                  {p.sourceReport.code} {p.sourceReport.title}
                </Link>
              </dd>
            </div>
          )}
          {p.mergedInto && (
            <div>
              <dt>{t('proposal.mergedInto')}</dt>
              <dd>
                <Link href={`/usulan/${p.mergedInto.id}`}>
                  {p.mergedInto.code} {p.mergedInto.title}
                </Link>
              </dd>
            </div>
          )}
        </dl>
        {p.latitude !== null && p.longitude !== null && (
          <MapView
            caption={t('proposal.coordinates', { lat: formatCoordinate(p.latitude), lon: formatCoordinate(p.longitude) })}
            points={[{ id: p.id, lat: p.latitude, lon: p.longitude, title: p.title, status: p.status, href: `/usulan/${p.id}` }]}
          />
        )}
      </section>

      <section class="card" aria-labelledby="history-heading">
        <h2 id="history-heading">{t('proposal.history')}</h2>
        <ol class="timeline">
          {p.history.map((h: any) => (
            <li key={h.id}>
              <time dateTime={h.createdAt}>{formatDateTime(h.createdAt)}</time>
              <div>
                <strong>{label('level', h.level)}</strong>:{' '}
                {h.fromStatus ? (
                  <>
                    {label('status', h.fromStatus)} → {label('status', h.toStatus)}
                  </>
                ) : (
                  label('status', h.toStatus)
                )}
                {h.note && <p class="timeline__note">“{h.note}”</p>}
              </div>
            </li>
          ))}
        </ol>
      </section>

      <section class="card" aria-labelledby="rec-heading">
        <h2 id="rec-heading">{t('proposal.recommendations')}</h2>
        {p.recommendations.length === 0 ? (
          <p>{t('proposal.noRecommendations')}</p>
        ) : (
          <ul class="list">
            {p.recommendations.map((r: any) => (
              <li key={r.id}>
                <strong>{label('recommender', r.recommender)}</strong> ({label('level', r.level)}, {formatDate(r.createdAt)}): {label('decision', r.decision)}
                {r.amount !== null && <> · {formatRupiah(r.amount)}</>}
                {r.volume !== null && <> · {formatNumber(r.volume)} {p.unit}</>}
                <p>{r.note}</p>
              </li>
            ))}
          </ul>
        )}
      </section>

      <Attachments
        proposalId={p.id}
        attachments={p.attachments}
        canAdd={(isProposer && (p.status === 'DRAFT' || p.status === 'RETURNED')) || !!p.forum?.viewerIsStaff}
        isPublic={p.status !== 'DRAFT'}
        onAdded={refresh}
      />

      <Comments proposalId={p.id} proposalTitle={p.title} comments={p.comments} signedIn={!!me} isDraft={p.status === 'DRAFT'} isStaff={!!p.forum?.viewerIsStaff} refresh={refresh} />
    </div>
  );
}
