// One report (laporan): where it stands and its clock, the agency's answer, the history (by
// role, never by person), photos, and what the viewer may do: the reporter accepts or
// disputes the answer and rates the service; staff act from a panel loaded after the page.
// It follows `reportEvents`: every change re-fetches the report.
import { useEffect, useRef, useState } from 'preact/hooks';
import { Breadcrumbs, ErrorBox, LiveBadge, Loading, Notice, PageTitle } from '../components/ui';
import { MapView } from '../components/MapView';
import { AddReportPhoto, OverdueBadge, PhotoList, ReportStatusBadge } from '../components/ReportParts';
import { MoveActions, SatisfactionSurvey } from '../components/ReportMoves';
import { toApiError } from '../lib/errors';
import { formatCoordinate, formatDateTime, formatNumber } from '../lib/format';
import type { ReportQuery } from '../lib/generated/graphql';
import { label, t } from '../lib/i18n';
import { useLiveQuery } from '../lib/live';
import { REPORT } from '../lib/queries';
import { FINAL, clockText, latestAnswer, movesFor, reporterText } from '../lib/reports';
import { Link, useRoute } from '../lib/router';
import { LastSeenNote } from '../components/Outbox';
import { useMe } from '../lib/session';
import { lazyPage } from '../lazy';

// Verification, disposition, merging and "Jadikan usulan": loaded for staff only.
const ReportStaffPanel = lazyPage(() => import('../components/ReportStaff'));

export type FullReport = ReportQuery['report'];

/** When, after a follow-up or an answer arrives, the page looks again for its photos (a slow phone's upload takes longer). */
const PHOTOS_AFTER_MS = [4000, 15000];

/** Whether the report's photos load without the session (a published report's do). */
export function isPublished(r: Pick<FullReport, 'privacy' | 'verifiedAt' | 'status'>): boolean {
  return r.privacy !== 'SECRET' && !!r.verifiedAt && r.status !== 'REJECTED';
}

export default function ReportPage({ id }: { id: number }) {
  const me = useMe();
  const { query } = useRoute();
  const justFiled = query.get('baru') === '1';
  const failedPhotos = Number(query.get('fotogagal') ?? 0) || 0;
  const [result, refetch, mode] = useLiveQuery<ReportQuery>({
    query: REPORT,
    variables: { id },
    requestPolicy: justFiled ? 'network-only' : 'cache-and-network',
    topic: { stream: { field: 'reportEvents', idArg: 'reportId', id } },
    intervalMs: 15000,
  });
  const refresh = () => refetch({ requestPolicy: 'network-only' });
  // Rated here: the survey's thanks stays after the report, re-read, can no longer be rated.
  const [rated, setRated] = useState(false);
  const r = result.data?.report;
  // The agency sends its photos right after its follow-up or answer, and a photo is not an
  // event of its own: read the report once more a little after such a step arrives.
  const lastStatus = useRef<string | null>(null);
  useEffect(() => {
    const previous = lastStatus.current;
    lastStatus.current = r?.status ?? null;
    if (!r || !previous || previous === r.status || (r.status !== 'IN_PROGRESS' && r.status !== 'ANSWERED')) return;
    const timers = PHOTOS_AFTER_MS.map((ms) => setTimeout(refresh, ms));
    return () => timers.forEach(clearTimeout);
  }, [r?.status]);
  if (!r) {
    return (
      <div class="stack">
        {result.fetching ? <Loading /> : <PageTitle title={t('report.title')}>{t('report.title')}</PageTitle>}
        <ErrorBox error={toApiError(result.error)} />
      </div>
    );
  }
  const moves = movesFor(r.status, r.availableMoves, r);
  const own = moves.filter((m) => m.role === 'REPORTER');
  const staffMoves = moves.filter((m) => m.role !== 'REPORTER');
  const isStaff = r.coordinating || r.handlingAgency;
  const clock = clockText(r);
  const answer = latestAnswer(r.history);
  const problemPhotos = r.photos.filter((p) => !p.fromAgency);
  const answerPhotos = r.photos.filter((p) => p.fromAgency);
  const authorized = !isPublished(r);
  const canAddPhoto = !FINAL.has(r.status) && (r.mine || r.coordinating) && r.photos.length < 8;
  return (
    <div class="stack">
      <Breadcrumbs items={[{ href: '/', text: t('nav.home') }, { href: '/laporan', text: t('nav.reports') }, { text: r.code }]} />
      <LastSeenNote result={result} />
      {justFiled && (
        <Notice kind="success">
          <span data-testid="report-filed">{t('report.filedNotice', { code: r.code })}</span>
        </Notice>
      )}
      {failedPhotos > 0 && <Notice kind="warning">{t('report.photosFailed', { n: failedPhotos })}</Notice>}
      <header class="proposal-head">
        <p class="code">
          {r.code} · {label('report.kind', r.kind)}
        </p>
        <PageTitle title={r.title}>{r.title}</PageTitle>
        <p class="proposal-head__meta" data-testid="report-status">
          <ReportStatusBadge status={r.status} /> <OverdueBadge overdue={r.overdue} escalationLevel={r.escalationLevel} /> {r.category && <span>{r.category.name}</span>}{' '}
          <LiveBadge mode={mode} />
        </p>
        {clock && (
          <p class={`report-clock${r.overdue ? ' report-clock--over' : ''}`} data-testid="report-clock">
            {clock}
          </p>
        )}
        {(r.mine || r.following) && <p class="hint">{t(`report.statusHint.${r.status}`)}</p>}
      </header>

      {r.status === 'MERGED' && r.mergedIntoId && (
        <Notice>
          {t('report.mergedInto')} <Link href={`/laporan/${r.mergedIntoId}`}>{t('report.openMerged')}</Link>
        </Notice>
      )}
      {r.status === 'REJECTED' && r.rejectionReason && <Notice kind="warning">{t('report.rejectedBecause', { reason: label('report.reason', r.rejectionReason) })}</Notice>}

      {answer && (
        <section class="card report-answer" aria-labelledby="answer-heading" data-testid="report-answer">
          <h2 id="answer-heading">{t('report.answer')}</h2>
          <p class="muted">
            {r.agency?.name ?? label('report.role', 'AGENCY')} · <time dateTime={answer.createdAt}>{formatDateTime(answer.createdAt)}</time>
          </p>
          {answer.note && <p class="prose">{answer.note}</p>}
          <PhotoList photos={answerPhotos} authorized={authorized} testId="answer-photos" />
        </section>
      )}

      {own.length > 0 && (
        <section class="card" aria-labelledby="own-heading">
          <h2 id="own-heading">{t('report.yourResponse')}</h2>
          <p>{t('report.yourResponseLead')}</p>
          <MoveActions reportId={r.id} moves={own} onDone={refresh} idPrefix="rm-own" />
        </section>
      )}

      {(r.canRate || rated) && (
        <section class="card" aria-labelledby="survey-heading">
          <h2 id="survey-heading">{t('report.survey.title')}</h2>
          <SatisfactionSurvey
            reportId={r.id}
            onDone={() => {
              setRated(true);
              refresh();
            }}
          />
        </section>
      )}

      {isStaff && <ReportStaffPanel report={r} moves={staffMoves} onChanged={refresh} />}

      {r.proposal && (
        <section class="card" aria-labelledby="proposal-heading">
          <h2 id="proposal-heading">{t('report.becameProposal')}</h2>
          <p>
            <Link href={`/usulan/${r.proposal.id}`} data-testid="report-proposal">
              {r.proposal.code} {r.proposal.title}
            </Link>{' '}
            ({label('status', r.proposal.status)})
          </p>
        </section>
      )}

      <section class="card" aria-labelledby="details-heading">
        <h2 id="details-heading">{t('report.details')}</h2>
        <p class="prose">{r.body}</p>
        <dl class="facts facts--wide">
          <div>
            <dt>{t('report.reporter')}</dt>
            <dd data-testid="report-reporter">{reporterText(r)}</dd>
          </div>
          <div>
            <dt>{t('report.privacyField')}</dt>
            <dd>{label('report.privacy', r.privacy)}</dd>
          </div>
          <div>
            <dt>{t('report.region')}</dt>
            <dd>{r.region?.name ?? '—'}</dd>
          </div>
          <div>
            <dt>{t('proposal.address')}</dt>
            <dd>{r.address}</dd>
          </div>
          <div>
            <dt>{t('report.filedAt')}</dt>
            <dd>{formatDateTime(r.createdAt)}</dd>
          </div>
          <div>
            <dt>{t('report.agency')}</dt>
            <dd>{r.agency?.name ?? '—'}</dd>
          </div>
          {r.followersCount > 0 && (
            <div>
              <dt>{t('report.followers')}</dt>
              <dd>{formatNumber(r.followersCount)}</dd>
            </div>
          )}
          {r.mine && (
            <div>
              <dt>{t('report.shareField')}</dt>
              <dd>{r.shareIdentityWithAgency ? t('report.shareYes') : t('report.shareNo')}</dd>
            </div>
          )}
        </dl>
        {r.latitude !== null && r.longitude !== null && (
          <MapView
            caption={t('proposal.coordinates', { lat: formatCoordinate(r.latitude), lon: formatCoordinate(r.longitude) })}
            points={[{ id: r.id, lat: r.latitude, lon: r.longitude, title: r.title, status: r.status, href: `/laporan/${r.id}` }]}
          />
        )}
      </section>

      {(problemPhotos.length > 0 || canAddPhoto) && (
        <section class="card" aria-labelledby="photos-heading">
          <h2 id="photos-heading">{t('report.photos')}</h2>
          {problemPhotos.length === 0 && <p class="muted">{t('report.noPhotos')}</p>}
          <PhotoList photos={problemPhotos} authorized={authorized} testId="report-photos" />
          {canAddPhoto && me && <AddReportPhoto reportId={r.id} onAdded={refresh} />}
        </section>
      )}

      <section class="card" aria-labelledby="history-heading">
        <h2 id="history-heading">{t('report.history')}</h2>
        <ol class="timeline" data-testid="report-history">
          {r.history.map((h, i) => (
            <li key={i}>
              <time dateTime={h.createdAt}>{formatDateTime(h.createdAt)}</time>
              <div>
                <strong>{label('report.role', h.actorRole)}</strong>:{' '}
                {h.fromStatus && h.fromStatus !== h.toStatus ? (
                  <>
                    {label('report.status', h.fromStatus)} → {label('report.status', h.toStatus)}
                  </>
                ) : (
                  label('report.status', h.toStatus)
                )}
                {h.note && <p class="timeline__note">“{h.note}”</p>}
              </div>
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}
