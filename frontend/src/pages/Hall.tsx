import { useEffect } from 'preact/hooks';
import { useNow } from '../components/SessionPanels';
import { QrCode } from '../components/QrCode';
import { ErrorBox, LiveBadge, Loading } from '../components/ui';
import { formatNumber } from '../lib/format';
import { label, t } from '../lib/i18n';
import { Link } from '../lib/router';
import { useMe } from '../lib/session';
import { formatCountdown, openPoll, secondsLeft, type Poll, type SessionState } from '../lib/sessionState';
import { useSession } from './LiveSession';
import './Hall.css';

/**
 * The hall's projector (issue #17, point 3): what goes on the wall of the hall, full screen,
 * in type that reads from the back row, without the site's navigation. Follows the same
 * `sessionEvents` stream as the session page, so it changes as the moderator works.
 */

function Timer({ endsAt, testId }: { endsAt: string | null; testId: string }) {
  const now = useNow(!!endsAt);
  const left = secondsLeft(endsAt, now);
  if (left === null) return <p class="hall__timer hall__timer--none" data-testid={testId}>—</p>;
  return (
    <p class="hall__timer-block">
      <span class="hall__timer-label">{left < 0 ? t('live.overTime') : t('live.timeLeft')}</span>
      <span role="timer" class={`hall__timer${left < 0 ? ' hall__timer--over' : ''}`} data-testid={testId}>
        {formatCountdown(left)}
      </span>
    </p>
  );
}

const optionText = (poll: Poll, raw: string) => (poll.kind === 'YES_NO_ABSTAIN' ? label('live.option', raw) : raw);

function PollBars({ poll }: { poll: Poll }) {
  const r = poll.results;
  if (r.withheld) {
    return (
      <p class="hall__muted" data-testid="hall-poll-withheld">
        {t('hall.pollWithheld', { n: formatNumber(r.answers) })}
      </p>
    );
  }
  const max = Math.max(r.total, 1);
  return (
    <>
      <ul class="hall__bars" data-testid="hall-poll-bars">
        {r.options.map((o) => {
          const pct = Math.round((o.votes / max) * 100);
          return (
            <li key={o.index} class="hall__bar-row" data-votes={o.votes}>
              <span class="hall__bar-label">{optionText(poll, o.label)}</span>
              {/* Width as an SVG attribute: the page's CSP allows no style attributes. */}
              <svg class="hall__bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">
                <rect width="100" height="10" class="hall__bar-track" />
                <rect width={pct} height="10" class="hall__bar-fill" />
              </svg>
              <span class="hall__bar-count">
                {formatNumber(o.votes)} <span class="hall__muted">({pct} %)</span>
              </span>
            </li>
          );
        })}
      </ul>
      <p class="hall__muted">{t('live.answersSoFar', { n: formatNumber(r.total) })}</p>
    </>
  );
}

function Fullscreen() {
  if (typeof document === 'undefined' || !document.fullscreenEnabled) return null;
  return (
    <button
      type="button"
      class="hall__button"
      onClick={() => (document.fullscreenElement ? document.exitFullscreen() : document.documentElement.requestFullscreen()).catch(() => undefined)}
    >
      {t('hall.fullscreen')}
    </button>
  );
}

function HallView({ state, mode }: { state: SessionState; mode: string }) {
  const item = state.agenda.find((i) => i.id === state.currentItemId) ?? null;
  const position = item ? state.agenda.indexOf(item) + 1 : 0;
  const poll = openPoll(state) ?? [...state.polls].reverse().find((p) => p.closedAt) ?? null;
  const next = state.queue.slice(0, 4);
  const checkInUrl = `${location.origin}/sesi/${state.id}`;
  const live = state.status === 'OPEN' || state.status === 'PAUSED';
  return (
    <div class="hall" data-testid="hall">
      <header class="hall__head">
        <div>
          <h1 class="hall__title" tabIndex={-1}>
            {state.title}
          </h1>
          <p class="hall__sub">
            {state.forum.name}
            {state.place && ` · ${state.place}`} · <strong data-testid="hall-status">{label('live.status', state.status)}</strong> ·{' '}
            <span data-testid="hall-present">{t('live.present', { n: formatNumber(state.attendanceCount) })}</span>
          </p>
        </div>
        <div class="hall__tools">
          {state.status !== 'CLOSED' && <LiveBadge mode={mode} />}
          <Fullscreen />
          <Link href={`/sesi/${state.id}`} class="hall__button">
            {t('hall.exit')}
          </Link>
        </div>
      </header>
      <div class="hall__grid">
        <section class="hall__panel hall__panel--item" aria-labelledby="hall-item">
          <h2 id="hall-item" class="hall__label">
            {item ? t('hall.itemOf', { n: position, total: state.agenda.length }) : t('live.current')}
          </h2>
          {item ? (
            <>
              <p class="hall__item" data-testid="hall-item">
                {item.title}
                {item.proposal?.code && <span class="hall__muted"> · {item.proposal.code}</span>}
              </p>
              <Timer endsAt={item.endsAt} testId="hall-timer" />
            </>
          ) : (
            <p class="hall__item hall__muted" data-testid="hall-item">
              {state.status === 'PAUSED' ? label('live.status', 'PAUSED') : t('live.noCurrent')}
            </p>
          )}
        </section>
        <section class="hall__panel hall__panel--floor" aria-labelledby="hall-floor" data-testid="hall-floor">
          <h2 id="hall-floor" class="hall__label">
            {t('live.onFloor')}
          </h2>
          {state.speaker ? (
            <p class="hall__speaker">
              <span data-testid="hall-speaker">{state.speaker.name}</span>
              {state.speaker.endsAt && <HallSmallTimer endsAt={state.speaker.endsAt} />}
            </p>
          ) : (
            <p class="hall__speaker hall__muted">{t('live.nobodyOnFloor')}</p>
          )}
          <h2 class="hall__label">{t('hall.next', { n: formatNumber(state.queue.length) })}</h2>
          {next.length > 0 ? (
            <ol class="hall__queue" data-testid="hall-queue">
              {next.map((q) => (
                <li key={q.requestId}>{q.name}</li>
              ))}
              {state.queue.length > next.length && <li class="hall__muted">{t('hall.more', { n: formatNumber(state.queue.length - next.length) })}</li>}
            </ol>
          ) : (
            <p class="hall__muted">{t('hall.nobodyWaiting')}</p>
          )}
        </section>
        <section class="hall__panel hall__panel--poll" aria-labelledby="hall-poll" data-testid="hall-poll">
          <h2 id="hall-poll" class="hall__label">
            {poll && !poll.closedAt ? t('hall.pollOpen') : poll ? t('hall.pollClosed') : t('live.polls')}
          </h2>
          {poll ? (
            <>
              <p class="hall__question">{poll.question}</p>
              <PollBars poll={poll} />
            </>
          ) : (
            <p class="hall__muted">{t('live.noPoll')}</p>
          )}
        </section>
        {live && (
          <section class="hall__panel hall__panel--qr" aria-labelledby="hall-qr">
            <h2 id="hall-qr" class="hall__label">
              {t('hall.checkIn')}
            </h2>
            <QrCode text={checkInUrl} label={t('hall.qrLabel', { url: checkInUrl })} size={300} testId="hall-qr" />
            <p class="hall__url">{checkInUrl.replace(/^https?:\/\//, '')}</p>
            <p class="hall__muted">{t('hall.checkInText')}</p>
          </section>
        )}
      </div>
    </div>
  );
}

function HallSmallTimer({ endsAt }: { endsAt: string }) {
  const now = useNow(true);
  const left = secondsLeft(endsAt, now);
  if (left === null) return null;
  return (
    <span role="timer" class={`hall__speaker-timer${left < 0 ? ' hall__timer--over' : ''}`} data-testid="hall-floor-timer">
      {formatCountdown(left)}
    </span>
  );
}

export default function HallPage({ id }: { id: number }) {
  const me = useMe();
  const { state, error, mode } = useSession(id, me?.id ?? null);
  useEffect(() => {
    document.documentElement.classList.add('hall-mode');
    return () => document.documentElement.classList.remove('hall-mode');
  }, []);
  useEffect(() => {
    if (state) document.title = `${state.title} · ${t('hall.title')} · Musrenbang`;
  }, [state?.title]);
  if (!state) return error ? <ErrorBox error={error} /> : <Loading />;
  return <HallView state={state} mode={mode} />;
}
