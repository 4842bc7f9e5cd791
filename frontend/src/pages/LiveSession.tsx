import { useClient } from '@urql/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { Agenda, Attendance, Chat, CheckIn, CurrentItem, Panel, PendingGuests, PollResultsView, Polls, Speakers, useRun } from '../components/SessionPanels';
import { Badge, Breadcrumbs, ErrorBox, ExternalLink, LiveBadge, Loading, PageTitle, TableWrap, announce } from '../components/ui';
import { toApiError, type ApiError } from '../lib/errors';
import { formatDateTime, formatNumber, formatRupiah } from '../lib/format';
import { label, t } from '../lib/i18n';
import { followEvents, transportOf, type LiveMode } from '../lib/live';
import { SESSION, SESSION_ATTENDANCE, SESSION_SEQUENCE, SESSION_STEP, SESSION_VIEWER } from '../lib/documents/session';
import { Link } from '../lib/router';
import { useMe } from '../lib/session';
import { applyEvent, changesAttendance, fromSnapshot, needsReload, normalCounts, normalResults, withAttendance, withOwnCheckIn, type AttendanceStatus, type PollResults, type SessionState } from '../lib/sessionState';

/**
 * The session loaded, then followed: the sequence is read before the session so that whatever
 * happens between the two reads is replayed by `sessionEvents(since:)` and applied again
 * (harmlessly: applying is idempotent).
 */
export function useSession(id: number, viewerId: number | null) {
  const client = useClient();
  const [state, setState] = useState<SessionState | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [mode, setMode] = useState<LiveMode>('connecting');
  const viewer = useRef(viewerId);
  viewer.current = viewerId;
  useEffect(() => {
    let cancelled = false;
    let stop = () => {};
    const fetchSession = async () => {
      const r = await client.query(SESSION, { id }, { requestPolicy: 'network-only' }).toPromise();
      if (r.error) throw r.error;
      return r.data.liveSession;
    };
    // The attendance list is for the session's staff only (anyone else gets FORBIDDEN): it is
    // asked for only when the session says the viewer moderates it, and again after each
    // check-in or decision (the events carry counts, not names).
    const fetchAttendance = async () => {
      const r = await client.query(SESSION_ATTENDANCE, { id }, { requestPolicy: 'network-only' }).toPromise();
      if (r.error) throw r.error;
      return r.data.liveSession;
    };
    const load = async (): Promise<number> => {
      const seq = await client.query(SESSION_SEQUENCE, { id }, { requestPolicy: 'network-only' }).toPromise();
      if (seq.error) throw seq.error;
      const since: number = seq.data.liveSession.lastSequence;
      const session = await fetchSession();
      let snapshot = fromSnapshot(session, since);
      if (snapshot.viewerIsModerator) {
        const a = await fetchAttendance().catch(() => null);
        if (a) snapshot = withAttendance(snapshot, a.attendance, a.attendanceCounts);
      }
      if (!cancelled) setState(snapshot);
      return since;
    };
    let refetching = false;
    let again = false;
    const refreshAttendance = (staff: boolean) => {
      if (refetching) {
        again = true;
        return;
      }
      refetching = true;
      const done = () => {
        refetching = false;
        if (again && !cancelled) {
          again = false;
          refreshAttendance(staff);
        }
      };
      if (staff) {
        fetchAttendance().then((a) => !cancelled && setState((s) => s && withAttendance(s, a.attendance, a.attendanceCounts)), () => undefined).finally(done);
      } else {
        // A guest waiting for the moderator (after a reload, the entry's id is not known here).
        client
          .query(SESSION_VIEWER, { id }, { requestPolicy: 'network-only' })
          .toPromise()
          .then((r) => {
            const v = r.data?.liveSession;
            if (!v || cancelled) return;
            setState((s) => s && { ...s, viewerCheckedIn: v.viewerCheckedIn, viewerAttendance: v.viewerAttendanceStatus ? { id: s.viewerAttendance?.id ?? null, status: v.viewerAttendanceStatus } : null });
          })
          .finally(done);
      }
    };
    load().then(
      (since) => {
        if (cancelled) return;
        stop = followEvents(transportOf(client), { field: 'sessionEvents', idArg: 'sessionId', id }, {
          since,
          onMode: setMode,
          // Too far behind: start again from a fresh load.
          onResync: load,
          onEvent: (event) => {
            setState((s) => {
              const next = s && applyEvent(s, event, viewer.current);
              if (next && next !== s && changesAttendance(event)) {
                if (next.viewerIsModerator) queueMicrotask(() => refreshAttendance(true));
                else if (event.kind === 'ATTENDANCE_DECIDED' && next.viewerAttendance?.status === 'AWAITING_APPROVAL' && next.viewerAttendance.id === null) {
                  queueMicrotask(() => refreshAttendance(false));
                }
              }
              return next;
            });
            if (event.kind === 'SESSION_STATUS_CHANGED') announce(t('live.statusChanged', { status: label('live.status', event.data?.status) }));
            // The minutes are assembled at the close and are not part of the event.
            if (needsReload(event)) fetchSession().then((s) => !cancelled && setState((old) => old && { ...old, minutes: s.minutes }), () => undefined);
          },
        });
      },
      (e) => !cancelled && setError(toApiError(e)),
    );
    return () => {
      cancelled = true;
      stop();
    };
  }, [client, id]);
  return { state, setState, error, mode };
}

/** Present, by gender, and guests awaiting: what everyone sees of the attendance. */
export function countsText(state: SessionState): string {
  const c = normalCounts(state.attendanceCounts);
  return t('live.counts', { present: formatNumber(c.present), male: formatNumber(c.male), female: formatNumber(c.female), unknown: formatNumber(c.unspecified), awaiting: formatNumber(c.awaiting) });
}

/** The agenda items about a proposal that have no decision (yet): closing leaves them "belum diputuskan". */
export function undecidedItems(state: Pick<SessionState, 'agenda'>) {
  return state.agenda.filter((item) => item.proposalId !== null && !item.decision);
}

/** An item as the close's question names it: its title and the proposal's code. */
const itemName = (item: SessionState['agenda'][number]) => (item.proposal?.code ? `${item.title} (${item.proposal.code})` : item.title);

/**
 * "Tutup sesi ini?" — or, with items about a proposal still undecided, how many and which: asked
 * before the close, which cannot be undone (the same inline confirmation as removing an agenda
 * item or withdrawing a proposal).
 */
function ConfirmClose({ state, busy, onConfirm, onCancel }: { state: SessionState; busy: boolean; onConfirm: () => void; onCancel: () => void }) {
  const ref = useRef<HTMLParagraphElement>(null);
  useEffect(() => ref.current?.focus(), []);
  const undecided = undecidedItems(state);
  const items = undecided.map(itemName).join('; ');
  return (
    <div class="inline-form confirm" role="group" aria-labelledby="close-session-q" data-testid="confirm-close">
      <p id="close-session-q" tabIndex={-1} ref={ref}>
        <strong>
          {undecided.length === 0
            ? t('live.confirmCloseQuestion')
            : undecided.length === 1
              ? t('live.confirmCloseUndecidedOne', { items })
              : t('live.confirmCloseUndecided', { n: formatNumber(undecided.length), items })}
        </strong>
      </p>
      <p>{t('live.confirmCloseText')}</p>
      {undecided.length > 0 && <p>{t('live.confirmCloseUndecidedText')}</p>}
      <div class="button-row">
        <button type="button" class="button button--danger" disabled={busy} onClick={onConfirm}>
          {t('live.closeYes')}
        </button>
        <button type="button" class="button button--secondary" onClick={onCancel}>
          {t('live.closeNo')}
        </button>
      </div>
    </div>
  );
}

export function Lifecycle({ state }: { state: SessionState }) {
  const { run, error, busy } = useRun();
  // The close waits for a "yes".
  const [closing, setClosing] = useState(false);
  const step = (name: keyof typeof SESSION_STEP) => () => {
    if (name === 'close') return setClosing(!closing);
    void run(SESSION_STEP[name], { id: state.id });
  };
  const buttons: Array<[keyof typeof SESSION_STEP, boolean]> = [
    ['open', state.status === 'SCHEDULED'],
    ['pause', state.status === 'OPEN'],
    ['resume', state.status === 'PAUSED'],
    ['close', state.status === 'OPEN' || state.status === 'PAUSED'],
  ];
  const canClose = state.status === 'OPEN' || state.status === 'PAUSED';
  return (
    <div class="stack">
      <ErrorBox error={error} />
      <div class="button-row">
        {buttons
          .filter(([, shown]) => shown)
          .map(([name]) => (
            <button
              key={name}
              type="button"
              class={name === 'close' ? 'button button--danger' : 'button'}
              disabled={busy}
              aria-expanded={name === 'close' ? closing : undefined}
              onClick={step(name)}
            >
              {t(`live.step.${name}`)}
            </button>
          ))}
      </div>
      {closing && canClose && (
        <ConfirmClose
          state={state}
          busy={busy}
          onCancel={() => setClosing(false)}
          onConfirm={async () => {
            if (await run(SESSION_STEP.close, { id: state.id })) setClosing(false);
          }}
        />
      )}
    </div>
  );
}

export function Minutes({ minutes }: { minutes: any }) {
  const h = minutes.header;
  const s = minutes.attendanceSummary;
  return (
    <Panel id="minutes-heading" title={t('live.minutes')}>
      <dl class="facts">
        <div>
          <dt>{t('live.minutesNumber')}</dt>
          <dd>{minutes.number}</dd>
        </div>
        <div>
          <dt>{t('live.chair')}</dt>
          <dd>{h.chair}</dd>
        </div>
        <div>
          <dt>{t('live.startsAt')}</dt>
          <dd>{formatDateTime(h.openedAt ?? h.startsAt)}</dd>
        </div>
        <div>
          <dt>{t('live.status.CLOSED')}</dt>
          <dd>{formatDateTime(h.closedAt)}</dd>
        </div>
      </dl>
      <h3>{t('live.attendance')}</h3>
      <p data-testid="minutes-summary">
        {t('live.summary', { total: s.total, male: s.male, female: s.female, unknown: s.genderUnspecified, online: s.online, inHall: s.inHall })}
      </p>
      <ol class="list">
        {minutes.attendance.map((a: any) => (
          <li key={a.number}>
            {a.name} <span class="muted">· {a.roleOrInstitution}</span>
          </li>
        ))}
      </ol>
      <h3>{t('live.agenda')}</h3>
      <ol class="list">
        {minutes.agenda.map((item: any) => (
          <li key={item.position}>
            <strong>{item.title}</strong>
            {item.proposalCode && ` · ${item.proposalCode}`}
            {item.decision ? (
              <>
                {' — '}
                {label('live.decision', item.decision)}
                {item.proposalStatus && ` (${label('status', item.proposalStatus)})`}
              </>
            ) : (
              item.proposalCode && (
                <span data-testid="minutes-undecided">
                  {' — '}
                  {t('live.undecided')}
                </span>
              )
            )}
            {item.note && <p class="muted">{item.note}</p>}
            {item.polls.map((p: any) => (
              <div key={p.pollId}>
                <p>{p.question}</p>
                <PollResultsView poll={{ id: p.pollId, kind: p.kind, results: normalResults(p.results) }} />
              </div>
            ))}
          </li>
        ))}
      </ol>
      <h3>{t('live.priorities')}</h3>
      <TableWrap label={t('live.priorities')}>
        <table class="table">
          <thead>
            <tr>
              <th scope="col">{t('live.rank')}</th>
              <th scope="col">{t('live.priorityProposal')}</th>
              <th scope="col">{t('live.cost')}</th>
            </tr>
          </thead>
          <tbody>
            {minutes.priorities.rows.map((r: any) => (
              <tr key={r.proposalId}>
                <td>{formatNumber(r.rank)}</td>
                <td>
                  {r.code} · {r.title}
                </td>
                <td>{formatRupiah(r.cost)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      <p>
        <button type="button" class="button button--secondary" onClick={() => window.print()}>
          {t('live.print')}
        </button>
      </p>
    </Panel>
  );
}

export default function LiveSessionPage({ id }: { id: number }) {
  const me = useMe();
  const viewerId = me?.id ?? null;
  const { state, setState, error, mode } = useSession(id, viewerId);
  if (!state) return error ? <ErrorBox error={error} /> : <Loading />;
  const moderator = state.viewerIsModerator;
  // The answer's own response carries the results as published now (no event comes when they did not change).
  const onAnswered = (pollId: number, choice: number, results?: PollResults) =>
    setState(
      (s) =>
        s && {
          ...s,
          polls: s.polls.map((p) => (p.id === pollId ? { ...p, myAnswer: choice, results: results ? normalResults(results) : p.results } : p)),
        },
    );
  return (
    <div class="stack session">
      <Breadcrumbs
        items={[
          { href: '/forum', text: t('nav.forums') },
          { href: `/forum/${state.forum.id}`, text: state.forum.name },
          { text: state.title },
        ]}
      />
      <PageTitle title={state.title}>{state.title}</PageTitle>
      <p class="session__meta">
        <Badge tone={state.status.toLowerCase()}>
          <span data-testid="session-status">{label('live.status', state.status)}</span>
        </Badge>{' '}
        <span data-testid="session-when">
          {state.openedAt && state.closedAt
            ? t('live.heldFromTo', { from: formatDateTime(state.openedAt), to: formatDateTime(state.closedAt) })
            : state.openedAt
              ? t('live.openedAtScheduled', { opened: formatDateTime(state.openedAt), scheduled: formatDateTime(state.startsAt) })
              : t('live.scheduledFor', { time: formatDateTime(state.startsAt) })}
        </span>
        {state.place && ` · ${state.place}`}
        {state.onlineUrl && (
          <>
            {' · '}
            <ExternalLink url={state.onlineUrl}>{t('live.onlineUrl')}</ExternalLink>
          </>
        )}{' '}
        <span class="badge">{t('live.present', { n: formatNumber(state.attendanceCount) })}</span> {state.status !== 'CLOSED' && <LiveBadge mode={mode} />}
      </p>
      {state.status !== 'CLOSED' && (
        <p>
          <Link href={`/sesi/${state.id}/aula`} class="button button--secondary" data-testid="hall-link">
            {t('hall.open')}
          </Link>{' '}
          <span class="hint">{t('hall.openHint')}</span>
        </p>
      )}
      {moderator && (
        <section class="card" aria-labelledby="control-heading">
          <h2 id="control-heading">{t('live.controlRoom')}</h2>
          <Lifecycle state={state} />
          <PendingGuests state={state} />
        </section>
      )}
      {state.minutes && <Minutes minutes={state.minutes} />}
      <CheckIn state={state} viewerId={viewerId} onCheckedIn={(entry: { id: number; status: AttendanceStatus }) => setState((s) => s && withOwnCheckIn(s, entry))} />
      <div class="session__grid">
        <div class="session__column">
          <CurrentItem state={state} />
          <Speakers state={state} viewerId={viewerId} />
          <Polls state={state} viewerId={viewerId} onAnswered={onAnswered} />
        </div>
        <div class="session__column">
          <Chat state={state} viewerId={viewerId} />
          <Agenda state={state} />
          <Attendance state={state} counts={countsText(state)} />
        </div>
      </div>
      <p>
        <Link href={`/forum/${state.forum.id}`}>{t('live.back')}</Link>
      </p>
    </div>
  );
}
