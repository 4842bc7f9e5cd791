import { useMutation, useQuery } from '@urql/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { Badge, ErrorBox, Field, Loading, announce } from './ui';
import { fieldErrors, toApiError, type ApiError } from '../lib/errors';
import { supportNumber } from '../lib/escalation';
import { formatDate, formatDateTime, formatNumber, formatRupiah } from '../lib/format';
import { label, t } from '../lib/i18n';
import { PROPOSAL_PATH, REPORT_IMPLEMENTATION } from '../lib/documents/escalation';
import { Link } from '../lib/router';
import { agencyIds, isAdmin, isPlanner, useMe, type Me } from '../lib/session';
import { MAX_IMPLEMENTATION_FILES, sendFiles, uploadImplementationPhoto, type FileProgress } from '../lib/upload';
import { MediaThumb } from './Attachments';
import { FilePicker, UploadProgress } from './FilePicker';

const IMPLEMENTATION = ['PLANNED', 'IN_PROGRESS', 'DONE'] as const;

/** "2026-11-23" in the viewer's own calendar (the date input's max). */
export function todayIso(now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** Whether the viewer may report implementation (the server decides planners' regions). */
export function mayReport(me: Me | null | undefined, agencyId: number | null | undefined): boolean {
  if (!me) return false;
  if (isAdmin(me) || isPlanner(me)) return true;
  return agencyId != null && agencyIds(me).includes(agencyId);
}

function Votes({ votes }: { votes: any[] }) {
  if (votes.length === 0) return null;
  return (
    <>
      <h4>{t('path.votes')}</h4>
      <ul class="list">
        {votes.map((v) => (
          <li key={v.roundId}>
            <Link href={`/putaran/${v.roundId}`}>{v.roundTitle}</Link> ({label('method', v.method)}
            {!v.closed && <>, {t('path.voteLive')}</>}):{' '}
            {v.method === 'CUMULATIVE' || v.method === 'RANKING'
              ? t('path.points', { points: formatNumber(v.points), votes: formatNumber(v.votes), ballots: formatNumber(v.ballots) })
              : t('path.voteCount', { votes: formatNumber(v.votes), ballots: formatNumber(v.ballots) })}
          </li>
        ))}
      </ul>
    </>
  );
}

function Priority({ p }: { p: any }) {
  const support = supportNumber(p.support);
  return (
    <>
      <h4>{t('path.priority')}</h4>
      <p>
        {t('path.rank', { rank: p.rank })} · <Badge tone={p.list.toLowerCase()}>{label('list', p.list)}</Badge>{' '}
        <Badge tone={p.outcome.toLowerCase()}>{label('priorityOutcome', p.outcome)}</Badge>
        {support !== null && <> · {t('path.support', { n: formatNumber(support) })}</>}
      </p>
      <p>
        {label('reason', p.reason)}
        {p.note && p.reason !== 'SELECTED' && (
          <span class="muted" lang="id">
            {' '}
            — “{p.note}”
          </span>
        )}
      </p>
      {p.promotedAt && <p>{t('path.promoted', { at: formatDateTime(p.promotedAt) })}</p>}
    </>
  );
}

/** The whole path: one step per forum the proposal reached, then the plan and its implementation. */
function PathTimeline({ path, unit }: { path: any; unit?: string | null }) {
  return (
    <ol class="journey">
      {path.levels.map((l: any, i: number) => {
        const current = i === path.levels.length - 1;
        return (
          <li key={`${l.forumId}-${i}`} class={`journey__step${current ? ' journey__step--current' : ''}`} aria-current={current ? 'step' : undefined}>
            <h3 class="journey__title">
              <span class="journey__level">{label('level', l.level)}</span> <Link href={`/forum/${l.forumId}`}>{l.forumName}</Link>
            </h3>
            <p>
              <Badge tone={l.status.toLowerCase()}>{label('status', l.status)}</Badge>{' '}
              <span class="muted">
                {t('path.arrived', { at: formatDateTime(l.arrivedAt) })}
                {l.leftAt && <> · {t('path.left', { at: formatDateTime(l.leftAt) })}</>}
              </span>
            </p>
            {l.changes.length > 0 && (
              <>
                <h4>{t('path.decisions')}</h4>
                <ul class="journey__changes">
                  {l.changes.map((c: any) => (
                    <li key={c.id}>
                      <time dateTime={c.createdAt}>{formatDateTime(c.createdAt)}</time>{' '}
                      {c.fromStatus ? `${label('status', c.fromStatus)} → ${label('status', c.toStatus)}` : label('status', c.toStatus)}
                      {c.note && (
                        <span class="journey__note" lang="id">
                          {' '}
                          “{c.note}”
                        </span>
                      )}
                    </li>
                  ))}
                </ul>
              </>
            )}
            {l.recommendations.length > 0 && (
              <>
                <h4>{t('proposal.recommendations')}</h4>
                <ul class="list">
                  {l.recommendations.map((r: any) => (
                    <li key={r.id}>
                      <strong>{label('recommender', r.recommender)}</strong>: {label('decision', r.decision)}
                      {r.amount !== null && <> · {formatRupiah(r.amount)}</>}
                      {r.volume !== null && (
                        <>
                          {' '}
                          · {formatNumber(r.volume)} {unit}
                        </>
                      )}
                      {r.note && <> — {r.note}</>}
                    </li>
                  ))}
                </ul>
              </>
            )}
            <Votes votes={l.votes} />
            {l.priority && <Priority p={l.priority} />}
          </li>
        );
      })}
      {path.inPlan && (
        <li class="journey__step journey__step--plan">
          <h3 class="journey__title">{t('path.inPlan')}</h3>
          <p>
            <Badge tone="accepted">{t('path.inPlanBadge')}</Badge>{' '}
            {path.implementationStatus && <Badge tone={path.implementationStatus.toLowerCase()}>{label('implStatus', path.implementationStatus)}</Badge>}
          </p>
          <h4>{t('path.implementation')}</h4>
          {path.implementation.length === 0 ? (
            <p>{t('path.noImplementation')}</p>
          ) : (
            <ol class="timeline">
              {path.implementation.map((u: any) => (
                <li key={u.id}>
                  <time dateTime={u.happenedOn}>{formatDate(`${u.happenedOn}T12:00:00`)}</time>
                  <div>
                    <strong>{label('implStatus', u.status)}</strong>: {u.note}
                    {u.photoUrl && (
                      <>
                        {' '}
                        <span class="timeline__photo">
                          <MediaThumb
                            url={u.photoUrl}
                            alt={t('path.photoAlt', { status: label('implStatus', u.status), date: formatDate(`${u.happenedOn}T12:00:00`) })}
                            linkText={t('path.photo')}
                          />
                        </span>
                      </>
                    )}
                  </div>
                </li>
              ))}
            </ol>
          )}
        </li>
      )}
    </ol>
  );
}

function ImplementationForm({ proposalId, current, onDone }: { proposalId: number; current: string | null; onDone: () => void }) {
  const [status, setStatus] = useState<string>(current === 'PLANNED' ? 'IN_PROGRESS' : current === 'IN_PROGRESS' ? 'DONE' : current ?? 'PLANNED');
  const [happenedOn, setHappenedOn] = useState(todayIso());
  const [note, setNote] = useState('');
  const [photoUrl, setPhotoUrl] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const [progress, setProgress] = useState<FileProgress[] | null>(null);
  /** The report just saved whose files did not all go: "Kirim lagi" sends them there. */
  const [retryTo, setRetryTo] = useState<number | null>(null);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [state, report] = useMutation(REPORT_IMPLEMENTATION);
  const fe = fieldErrors(error);
  const ids = { status: 'impl-status', happenedOn: 'impl-date', note: 'impl-note', photoUrl: 'impl-photo' };
  /** Sends the chosen files to a saved report; the ones that failed stay chosen for another try. */
  const sendTo = async (updateId: number, chosen: File[]) => {
    setSending(true);
    const results = await sendFiles(chosen, (file) => uploadImplementationPhoto(updateId, file), setProgress);
    setSending(false);
    const failed = chosen.filter((_, i) => results[i].step === 'failed');
    setFiles(failed);
    setRetryTo(failed.length ? updateId : null);
    if (failed.length === 0) setProgress(null);
    return failed.length;
  };
  return (
    <form
      class="stack-sm"
      noValidate
      onSubmit={async (e) => {
        e.preventDefault();
        if (sending) return;
        if (retryTo !== null) {
          // The report is saved already: only its files are sent again.
          const failed = await sendTo(retryTo, files);
          if (failed === 0) announce(t('implementation.saved'));
          onDone();
          return;
        }
        if (!happenedOn) {
          setError({ code: 'BAD_USER_INPUT', message: '', fields: [{ field: 'happenedOn', code: 'required', message: 'required' }] });
          return;
        }
        const r = await report({ input: { proposalId, status, happenedOn, note: note.trim(), photoUrl: photoUrl.trim() || null } });
        const problem = toApiError(r.error);
        setError(problem);
        if (!problem) {
          setNote('');
          setPhotoUrl('');
          const chosen = files;
          const updateId = r.data?.reportImplementation?.id;
          const failed = chosen.length && updateId != null ? await sendTo(updateId, chosen) : 0;
          if (failed === 0) announce(chosen.length ? t('implementation.filesSent', { n: chosen.length }) : t('implementation.saved'));
          else announce(t('filePick.someFailedImplementation', { n: failed, total: chosen.length }));
          onDone();
        }
      }}
    >
      <ErrorBox error={error} fieldIds={ids} />
      <div class="grid-2">
        <Field id={ids.status} label={t('implementation.status')} error={fe.status} required>
          {(a) => (
            <select {...a} value={status} onChange={(e) => setStatus(e.currentTarget.value)}>
              {IMPLEMENTATION.map((s) => (
                <option key={s} value={s}>
                  {label('implStatus', s)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id={ids.happenedOn} label={t('implementation.date')} hint={t('implementation.dateHint')} error={fe.happenedOn} required>
          {(a) => <input {...a} type="date" max={todayIso()} value={happenedOn} onInput={(e) => setHappenedOn(e.currentTarget.value)} />}
        </Field>
      </div>
      <Field id={ids.note} label={t('implementation.note')} hint={t('implementation.noteHint')} error={fe.note} required>
        {(a) => <textarea {...a} rows={3} value={note} onInput={(e) => setNote(e.currentTarget.value)} />}
      </Field>
      <Field id={ids.photoUrl} label={t('implementation.photo')} hint={t('implementation.photoHint')} error={fe.photoUrl}>
        {(a) => <input {...a} type="url" inputMode="url" value={photoUrl} onInput={(e) => setPhotoUrl(e.currentTarget.value)} />}
      </Field>
      <FilePicker
        idPrefix="impl-files"
        legend={t('implementation.files')}
        hint={t('implementation.filesHint', { max: MAX_IMPLEMENTATION_FILES })}
        files={files}
        onChange={(next) => {
          setFiles(next);
          if (next.length === 0) {
            setRetryTo(null);
            setProgress(null);
          }
        }}
        max={MAX_IMPLEMENTATION_FILES}
        disabled={sending}
      />
      <UploadProgress progress={progress} context="implementation" max={MAX_IMPLEMENTATION_FILES} idPrefix="impl-files" />
      <div class="button-row">
        <button type="submit" class="button" disabled={state.fetching || sending || (retryTo !== null && files.length === 0)}>
          {retryTo !== null ? t('filePick.retry') : t('implementation.submit')}
        </button>
        {retryTo !== null && !sending && (
          <button
            type="button"
            class="button button--secondary"
            onClick={() => {
              setFiles([]);
              setRetryTo(null);
              setProgress(null);
            }}
          >
            {t('filePick.skip')}
          </button>
        )}
      </div>
    </form>
  );
}

/** The proposal's journey (loaded on its own: it is not needed for the page's first paint). */
export default function ProposalJourney({ proposalId, unit, version }: { proposalId: number; unit?: string | null; version?: unknown }) {
  const me = useMe();
  const [result, refetch] = useQuery({ query: PROPOSAL_PATH, variables: { id: proposalId }, requestPolicy: 'cache-and-network' });
  const first = useRef(true);
  // The page re-reads the proposal on live events; the path follows when it changed.
  useEffect(() => {
    if (first.current) first.current = false;
    else refetch({ requestPolicy: 'network-only' });
  }, [version]);
  const p = result.data?.proposal;
  if (!p) return result.fetching ? <Loading /> : <ErrorBox error={toApiError(result.error)} />;
  const path = p.path;
  const agency = p.finalAgency?.id ?? p.initialAgency?.id ?? null;
  return (
    <>
      <section class="card" aria-labelledby="path-heading" id="perjalanan">
        <h2 id="path-heading">{t('path.title')}</h2>
        <p>
          {path.inPlan && <Badge tone="accepted">{t('path.inPlanBadge')}</Badge>}{' '}
          {p.implementationStatus && <Badge tone={p.implementationStatus.toLowerCase()}>{label('implStatus', p.implementationStatus)}</Badge>}
        </p>
        {p.carriedOverFrom && (
          <p>
            {t('path.carriedFrom')}{' '}
            <Link href={`/usulan/${p.carriedOverFrom.id}`}>
              {p.carriedOverFrom.code} ({p.carriedOverFrom.cycle?.name})
            </Link>
          </p>
        )}
        {path.carriedOverToId && (
          <p>
            <Link href={`/usulan/${path.carriedOverToId}`}>{t('path.carriedTo')}</Link>
          </p>
        )}
        {path.levels.length === 0 ? <p>{t('path.empty')}</p> : <PathTimeline path={path} unit={unit} />}
      </section>
      {p.status === 'ACCEPTED' && mayReport(me, agency) && (
        <section class="card" aria-labelledby="impl-heading">
          <h2 id="impl-heading">{t('implementation.title')}</h2>
          <p class="hint">{t('implementation.hint')}</p>
          <ImplementationForm proposalId={p.id} current={p.implementationStatus} onDone={() => refetch({ requestPolicy: 'network-only' })} />
        </section>
      )}
    </>
  );
}
