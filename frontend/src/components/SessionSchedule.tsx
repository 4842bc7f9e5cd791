import { useState } from 'preact/hooks';
import { Badge, Field, LiveBadge } from './ui';
import { useRun } from './SessionPanels';
import { FormProblems, useFormProblems } from './FormProblems';
import { Checks } from '../lib/validation';
import { formatDateTime, formatTime, fromLocalInput, toLocalInput } from '../lib/format';
import { label, t } from '../lib/i18n';
import { useLiveQuery } from '../lib/live';
import { LIVE_SESSIONS, SCHEDULE_SESSION } from '../lib/documents/session';
import { Link, navigate } from '../lib/router';

function ScheduleForm({ forumId, forumName }: { forumId: number; forumName: string }) {
  const { run, error, busy } = useRun();
  const [title, setTitle] = useState(`Musyawarah ${forumName}`);
  const [startsAt, setStartsAt] = useState(() => toLocalInput(new Date(Date.now() + 3_600_000).toISOString()));
  const [place, setPlace] = useState('');
  const [onlineUrl, setOnlineUrl] = useState('');
  const problems = useFormProblems(
    { title: 'session-title', startsAt: 'session-starts', place: 'session-place', onlineUrl: 'session-url' },
    { error, values: { title, startsAt, place, onlineUrl }, labels: { title: t('live.title'), startsAt: t('live.startsAt'), place: t('live.place'), onlineUrl: t('live.onlineUrl') } },
  );
  const fe = problems.fe;
  return (
    <details class="disclosure">
      <summary>{t('live.schedule')}</summary>
      <form
        class="stack"
        noValidate
        onSubmit={async (e) => {
          e.preventDefault();
          const c = new Checks();
          c.text('title', title, 3, 200);
          if (c.required('startsAt', startsAt) && fromLocalInput(startsAt) === null) c.add('startsAt', 'field.dateTime');
          c.text('place', place, 3, 300, { required: false });
          if (onlineUrl.trim() && !/^https?:\/\/[^\s/]+\S*$/i.test(onlineUrl.trim())) c.add('onlineUrl', 'field.url');
          if (!problems.check(c)) return;
          const input = { forumId, title: title.trim(), startsAt: fromLocalInput(startsAt), place: place.trim() || null, onlineUrl: onlineUrl.trim() || null };
          const data = await run(SCHEDULE_SESSION, { input }, t('live.scheduled'));
          if (data) navigate(`/sesi/${data.scheduleSession.id}`);
        }}
      >
        <FormProblems {...problems.summary} />
        <Field id="session-title" label={t('live.title')} error={fe.title} required>
          {(a) => <input {...a} type="text" value={title} onInput={(e) => setTitle(e.currentTarget.value)} />}
        </Field>
        <Field id="session-starts" label={t('live.startsAt')} error={fe.startsAt} required>
          {(a) => <input {...a} type="datetime-local" value={startsAt} onInput={(e) => setStartsAt(e.currentTarget.value)} />}
        </Field>
        <Field id="session-place" label={t('live.place')} hint={t('live.placeHint')} error={fe.place}>
          {(a) => <input {...a} type="text" value={place} onInput={(e) => setPlace(e.currentTarget.value)} />}
        </Field>
        <Field id="session-url" label={t('live.onlineUrl')} error={fe.onlineUrl}>
          {(a) => <input {...a} type="url" value={onlineUrl} onInput={(e) => setOnlineUrl(e.currentTarget.value)} />}
        </Field>
        <button type="submit" class="button" disabled={busy}>
          {t('live.schedule')}
        </button>
      </form>
    </details>
  );
}

/**
 * When a session of the list is: its scheduled time before it opens, "dibuka 09.05" once open
 * (with the date too when that was not today), "ditutup …" after.
 */
export function sessionTimeText(s: { status: string; startsAt: string; openedAt: string | null; closedAt: string | null }, now: Date = new Date()): string {
  if (s.status === 'CLOSED' && s.closedAt) return t('live.listClosed', { time: formatDateTime(s.closedAt) });
  if ((s.status === 'OPEN' || s.status === 'PAUSED') && s.openedAt) {
    const opened = new Date(s.openedAt);
    const today = opened.toDateString() === now.toDateString();
    return t('live.listOpened', { time: today ? formatTime(s.openedAt) : formatDateTime(s.openedAt) });
  }
  return t('live.listScheduled', { time: formatDateTime(s.startsAt) });
}

/** A forum's live sessions, kept current by its activity stream; its staff schedule one here. */
export function ForumSessions({ forumId, forumName, staff }: { forumId: number; forumName: string; staff: boolean }) {
  const [result, , mode] = useLiveQuery({
    query: LIVE_SESSIONS,
    variables: { forumId },
    topic: { stream: { field: 'forumActivity', idArg: 'forumId', id: forumId }, filter: (e) => e.kind.startsWith('SESSION_') },
    intervalMs: 15000,
  });
  const sessions: any[] = result.data?.liveSessions ?? [];
  return (
    <section class="card" aria-labelledby="sessions-heading">
      <h2 id="sessions-heading">
        {t('live.sessions')} <LiveBadge mode={mode} />
      </h2>
      {sessions.length === 0 ? (
        <p>{t('live.noSessions')}</p>
      ) : (
        <ul class="list">
          {sessions.map((s) => (
            <li key={s.id}>
              <Link href={`/sesi/${s.id}`}>{s.title}</Link> <Badge tone={s.status.toLowerCase()}>{label('live.status', s.status)}</Badge>{' '}
              <span class="muted">
                <span data-testid="session-time">{sessionTimeText(s)}</span>
                {s.place && ` · ${s.place}`}
              </span>
            </li>
          ))}
        </ul>
      )}
      {staff && <ScheduleForm forumId={forumId} forumName={forumName} />}
    </section>
  );
}
