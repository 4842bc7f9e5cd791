// Pieces of the complaint channel's screens (laporan): the status badge, the "Terlambat"
// badge, a report in a list, its photos (through the session while the report is not
// published, as a draft proposal's are) and the photo picker (camera or file).
import { useEffect, useRef, useState } from 'preact/hooks';
import { formatDate, formatNumber } from '../lib/format';
import type { ReportSummaryFragment } from '../lib/generated/graphql';
import { label, t } from '../lib/i18n';
import { clockText, reporterText } from '../lib/reports';
import { Link } from '../lib/router';
import { MAX_BYTES, PHOTO_TYPES, localFileError, prepareFile, uploadReportPhoto } from '../lib/upload';
import type { ApiError } from '../lib/errors';
import { fileProblemText, useImageSrc } from './Attachments';
import { Badge, ErrorBox, Loading, announce } from './ui';

export type ReportRow = ReportSummaryFragment;

/** Photos a report accepts (the server re-encodes them and drops their metadata). */
export const REPORT_ACCEPT = 'image/jpeg,image/png,image/webp';
export const MAX_REPORT_PHOTOS = 8;

export function ReportStatusBadge({ status }: { status: string }) {
  return <span class={`badge badge--${status.toLowerCase()}`}>{label('report.status', status)}</span>;
}

/** "Terlambat": past its running clock (verification, or the agency's follow-up). */
export function OverdueBadge({ overdue, escalationLevel }: { overdue: boolean; escalationLevel?: number }) {
  return (
    <>
      {overdue && (
        <Badge tone="overdue">
          <span aria-hidden="true">⏰ </span>
          {t('report.overdue')}
        </Badge>
      )}
      {!!escalationLevel && escalationLevel > 0 && <Badge tone="escalated">{t('report.escalated', { n: escalationLevel })}</Badge>}
    </>
  );
}

/** A report in a list: code, status, title (a link), where, what, when, and its clock. */
export function ReportCard({ r, showClock }: { r: ReportRow; showClock?: boolean }) {
  const clock = showClock ? clockText(r) : null;
  return (
    <li class="proposal-card report-card" data-testid="report-card">
      <div class="proposal-card__head">
        <span class="code">{r.code}</span>
        <ReportStatusBadge status={r.status} />
        <OverdueBadge overdue={r.overdue} escalationLevel={showClock ? r.escalationLevel : 0} />
        <span class="muted">{label('report.kind', r.kind)}</span>
      </div>
      <h3 class="proposal-card__title">
        <Link href={`/laporan/${r.id}`}>{r.title}</Link>
      </h3>
      <dl class="facts">
        <div>
          <dt>{t('report.category')}</dt>
          <dd>{r.category?.name ?? '—'}</dd>
        </div>
        <div>
          <dt>{t('report.region')}</dt>
          <dd>{r.region?.name ?? '—'}</dd>
        </div>
        <div>
          <dt>{t('report.filedAt')}</dt>
          <dd>{formatDate(r.createdAt)}</dd>
        </div>
        <div>
          <dt>{t('report.reporter')}</dt>
          <dd>{reporterText(r)}</dd>
        </div>
        {r.agency && (
          <div>
            <dt>{t('report.agency')}</dt>
            <dd>{r.agency.abbreviation || r.agency.name}</dd>
          </div>
        )}
      </dl>
      {clock && <p class={`report-clock${r.overdue ? ' report-clock--over' : ''}`}>{clock}</p>}
    </li>
  );
}

export interface PhotoRow {
  id: number;
  url: string;
  thumbnailUrl: string;
  fromAgency: boolean;
}

function Photo({ p, n, authorized }: { p: PhotoRow; n: number; authorized: boolean }) {
  const name = p.fromAgency ? t('report.photoAgency', { n }) : t('report.photoN', { n });
  const [thumb, onThumbError, thumbFailed] = useImageSrc(p.thumbnailUrl, authorized);
  const [open, setOpen] = useState(false);
  const [full, onFullError, fullFailed] = useImageSrc(open ? p.url : null, authorized);
  return (
    <li class="attachment attachment--photo">
      <button type="button" class="attachment__open" aria-expanded={open} aria-label={t('upload.open', { name })} onClick={() => setOpen(!open)}>
        {thumbFailed ? (
          <span class="attachment__nothumb">{t('upload.thumbFailed')}</span>
        ) : (
          thumb && <img class="attachment__thumb" src={thumb} alt={name} width={96} height={96} loading="lazy" onError={onThumbError} />
        )}
      </button>
      {open && (
        <figure class="attachment__full">
          {fullFailed ? <p>{t('upload.thumbFailed')}</p> : full ? <img src={full} alt={name} onError={onFullError} /> : <Loading />}
          <button type="button" class="button button--small button--secondary" onClick={() => setOpen(false)}>
            {t('common.close')}
          </button>
        </figure>
      )}
    </li>
  );
}

/** Thumbnails that open in the page; `authorized`: load them with the session (a report not published). */
export function PhotoList({ photos, authorized, testId }: { photos: PhotoRow[]; authorized: boolean; testId?: string }) {
  if (photos.length === 0) return null;
  return (
    <ul class="list attachments report-photos" data-testid={testId}>
      {photos.map((p, i) => (
        <Photo key={p.id} p={p} n={i + 1} authorized={authorized} />
      ))}
    </ul>
  );
}

/**
 * Choosing photos before they are sent (the report form, an answer): a file picker and the
 * camera. Each is scaled and re-encoded on the phone when sent (`prepareFile`).
 */
export function PhotoPicker({ id, files, onChange, max = MAX_REPORT_PHOTOS, hint }: { id: string; files: File[]; onChange: (files: File[]) => void; max?: number; hint?: string }) {
  const [problem, setProblem] = useState<string | null>(null);
  const add = (event: Event) => {
    const input = event.currentTarget as HTMLInputElement;
    const chosen = [...(input.files ?? [])];
    input.value = '';
    setProblem(null);
    const ok: File[] = [];
    for (const f of chosen) {
      if (!PHOTO_TYPES.includes(f.type)) setProblem(t('upload.error.type', { max }));
      else if (f.size > MAX_BYTES * 3) setProblem(t('upload.error.size', { max }));
      else ok.push(f);
    }
    const next = [...files, ...ok];
    if (next.length > max) setProblem(t('report.photoMax', { max }));
    onChange(next.slice(0, max));
  };
  return (
    <div class="stack-sm upload">
      <p class="hint" id={`${id}-hint`}>
        {hint ?? t('report.photoHint', { max })}
      </p>
      <div class="button-row">
        <span class="file-pick">
          <input id={`${id}-file`} type="file" accept={REPORT_ACCEPT} multiple aria-describedby={`${id}-hint`} onChange={add} />
          <label for={`${id}-file`} class="button button--secondary">
            {t('report.photoAdd')}
          </label>
        </span>
        <span class="file-pick">
          <input id={`${id}-camera`} type="file" accept={REPORT_ACCEPT} capture="environment" aria-describedby={`${id}-hint`} onChange={add} />
          <label for={`${id}-camera`} class="button button--secondary">
            {t('upload.camera')}
          </label>
        </span>
      </div>
      {files.length > 0 && (
        <ul class="list chosen-files" data-testid={`${id}-chosen`}>
          {files.map((f, i) => (
            <li key={`${f.name}-${i}`}>
              {f.name} ({formatNumber(Math.max(1, Math.round(f.size / 1024)))} KB){' '}
              <button type="button" class="button button--link" onClick={() => onChange(files.filter((_, j) => j !== i))}>
                {t('outbox.remove')}
                <span class="visually-hidden">: {f.name}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {problem && (
        <p class="error-text" role="alert">
          <span aria-hidden="true">⚠ </span>
          {problem}
        </p>
      )}
    </div>
  );
}

/**
 * Sends chosen photos to a report one by one (each scaled and re-encoded first). Returns how
 * many were sent and the first problem.
 */
export async function sendReportPhotos(reportId: number, files: File[], onProgress?: (text: string) => void): Promise<{ sent: number; error: ApiError | null }> {
  let sent = 0;
  for (const chosen of files) {
    onProgress?.(t('upload.preparing', { name: chosen.name }));
    const file = await prepareFile(chosen);
    const local = localFileError(file);
    if (local) return { sent, error: local };
    onProgress?.(t('upload.sending', { name: file.name, size: formatNumber(Math.max(1, Math.round(file.size / 1024))) }));
    const r = await uploadReportPhoto(reportId, file);
    if (r.error) return { sent, error: r.error };
    sent++;
  }
  return { sent, error: null };
}

/** "Tambah foto" on a report's page: sent straight away. */
export function AddReportPhoto({ reportId, onAdded }: { reportId: number; onAdded: () => void }) {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const errorRef = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (error) errorRef.current?.focus();
  }, [error]);
  const pick = async (event: Event) => {
    const input = event.currentTarget as HTMLInputElement;
    const chosen = [...(input.files ?? [])];
    if (!chosen.length || busy) return;
    setError(null);
    try {
      const r = await sendReportPhotos(reportId, chosen, setBusy);
      if (r.error) setError(r.error);
      if (r.sent > 0) {
        announce(t('report.photosSent', { n: r.sent }));
        onAdded();
      }
    } finally {
      setBusy(null);
      input.value = '';
    }
  };
  const fileProblem = error?.fields.find((f) => f.field === 'file');
  return (
    <div class="stack-sm upload">
      <div class="button-row">
        <span class="file-pick">
          <input id="rp-add-file" type="file" accept={REPORT_ACCEPT} multiple disabled={!!busy} onChange={pick} />
          <label for="rp-add-file" class="button button--secondary">
            {t('report.photoAdd')}
          </label>
        </span>
        <span class="file-pick">
          <input id="rp-add-camera" type="file" accept={REPORT_ACCEPT} capture="environment" disabled={!!busy} onChange={pick} />
          <label for="rp-add-camera" class="button button--secondary">
            {t('upload.camera')}
          </label>
        </span>
      </div>
      {busy && <Loading text={busy} />}
      {fileProblem ? (
        <p class="alert alert--error" role="alert" tabIndex={-1} ref={errorRef} data-testid="upload-error">
          {fileProblemText(fileProblem)}
        </p>
      ) : (
        <ErrorBox error={error} />
      )}
    </div>
  );
}
