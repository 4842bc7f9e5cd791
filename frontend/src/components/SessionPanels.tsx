import { useClient, useQuery } from '@urql/preact';
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ErrorBox, Field, announce } from './ui';
import { FormProblems, useFormProblems } from './FormProblems';
import { BulkAttendanceForm } from './BulkAttendance';
import { Checks } from '../lib/validation';
import { toApiError, type ApiError } from '../lib/errors';
import { formatDateTime, formatNumber } from '../lib/format';
import { label, t } from '../lib/i18n';
import { PROPOSALS } from '../lib/queries';
import { ADD_AGENDA_ITEM, ANSWER_POLL, CHECK_IN, CLOSE_POLL, DECIDE_AGENDA_ITEM, DECIDE_ATTENDANCE, END_FLOOR, GIVE_FLOOR, HIDE_CHAT, LOWER_HAND, MARK_PRESENT, MOVE_AGENDA_ITEM, MUTE, OPEN_POLL, RAISE_HAND, REMOVE_AGENDA_ITEM, SEND_CHAT, SET_CURRENT_ITEM } from '../lib/documents/session';
import { Link } from '../lib/router';
import {
  awaitingGuests,
  formatCountdown,
  openPoll,
  secondsLeft,
  viewerEntry,
  viewerTakesPart,
  type AgendaItem,
  type AttendanceStatus,
  type Poll,
  type PollResults,
  type SessionState,
} from '../lib/sessionState';

/** Runs a mutation for a panel: its own error box, an announcement when it worked. */
export function useRun() {
  const client = useClient();
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (doc: any, variables: Record<string, unknown>, done?: string): Promise<any | null> => {
    setBusy(true);
    const result = await client.mutation(doc, variables).toPromise();
    setBusy(false);
    const problem = toApiError(result.error);
    setError(problem);
    if (problem) return null;
    if (done) announce(done);
    return result.data;
  };
  return { run, error, busy };
}

/** The current time, ticking every second while a countdown is on screen. */
export function useNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}

/** "Time left 4:05", read out only when asked (role=timer is not live). */
export function Countdown({ endsAt, testId }: { endsAt: string | null; testId?: string }) {
  const now = useNow(!!endsAt);
  const left = secondsLeft(endsAt, now);
  if (left === null) return null;
  return (
    <span role="timer" class={`countdown${left < 0 ? ' countdown--over' : ''}`} data-testid={testId}>
      {left < 0 ? t('live.overTime') : t('live.timeLeft')} {formatCountdown(left)}
    </span>
  );
}

export function Panel({ id, title, children, extra }: { id: string; title: string; children: ComponentChildren; extra?: ComponentChildren }) {
  return (
    <section class="card session-panel" aria-labelledby={id} data-testid={id}>
      <h2 id={id}>
        {title} {extra}
      </h2>
      {children}
    </section>
  );
}

const running = (s: SessionState) => s.status === 'OPEN' || s.status === 'PAUSED';

export function CurrentItem({ state }: { state: SessionState }) {
  const item = state.agenda.find((i) => i.id === state.currentItemId);
  return (
    <Panel id="current-heading" title={t('live.current')}>
      {item ? (
        <>
          <p class="current-item" data-testid="current-item">
            <strong>{item.title}</strong>
            {item.proposalId && (
              <>
                {' · '}
                <Link href={`/usulan/${item.proposalId}`}>{item.proposal?.code ?? `#${item.proposalId}`}</Link>
              </>
            )}
          </p>
          <p>
            <Countdown endsAt={item.endsAt} testId="item-timer" />
          </p>
        </>
      ) : (
        <p>{t('live.noCurrent')}</p>
      )}
    </Panel>
  );
}

function ItemDecision({ item }: { item: AgendaItem }) {
  if (!item.decision) return null;
  return (
    <p class="muted">
      <span class={`badge badge--${item.decision.toLowerCase()}`}>{label('live.decision', item.decision)}</span>
      {item.decisionNote && ` — ${item.decisionNote}`}
      {item.proposal && <> · {label('status', item.proposal.status)}</>}
    </p>
  );
}

function DecideForm({ item }: { item: AgendaItem }) {
  const { run, error, busy } = useRun();
  const [decision, setDecision] = useState('ACCEPTED');
  const [note, setNote] = useState('');
  const [mergedInto, setMergedInto] = useState('');
  const p = `decide-${item.id}`;
  const problems = useFormProblems({ decision: `${p}-decision`, note: `${p}-note`, mergedIntoId: `${p}-merged` }, { error, values: { note, mergedIntoId: mergedInto } });
  const fe = problems.fe;
  return (
    <details class="disclosure">
      <summary>
        {t('live.decide')}
        <span class="visually-hidden">: {item.title}</span>
      </summary>
      <form
        class="stack"
        noValidate
        onSubmit={async (e) => {
          e.preventDefault();
          const c = new Checks();
          if (decision === 'MERGED') c.number('mergedIntoId', mergedInto, { integer: true, min: 1 });
          if (!problems.check(c)) return;
          const input = { itemId: item.id, decision, note: note.trim() || null, mergedIntoId: decision === 'MERGED' && mergedInto ? Number(mergedInto) : null };
          await run(DECIDE_AGENDA_ITEM, { input }, t('live.decided'));
        }}
      >
        <FormProblems {...problems.summary} />
        <Field id={`${p}-decision`} label={t('live.decision')} required>
          {(a) => (
            <select {...a} value={decision} onChange={(e) => setDecision(e.currentTarget.value)}>
              {['ACCEPTED', 'REJECTED', 'DEFERRED', ...(item.proposalId ? ['MERGED'] : [])].map((d) => (
                <option key={d} value={d}>
                  {label('live.decision', d)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id={`${p}-note`} label={t('live.decisionNote')} error={fe.note}>
          {(a) => <textarea {...a} rows={2} value={note} onInput={(e) => setNote(e.currentTarget.value)} />}
        </Field>
        {decision === 'MERGED' && (
          <Field id={`${p}-merged`} label={t('live.mergedInto')} error={fe.mergedIntoId} required>
            {(a) => <input {...a} type="text" inputMode="numeric" value={mergedInto} onInput={(e) => setMergedInto(e.currentTarget.value)} />}
          </Field>
        )}
        <button type="submit" class="button" disabled={busy}>
          {t('live.decide')}
        </button>
      </form>
    </details>
  );
}

function AddItemForm({ state }: { state: SessionState }) {
  const { run, error, busy } = useRun();
  const [proposalId, setProposalId] = useState('');
  const [title, setTitle] = useState('');
  const [minutes, setMinutes] = useState('10');
  const [proposals] = useQuery({
    query: PROPOSALS,
    variables: { filter: { forumId: state.forum.id, statuses: ['SUBMITTED', 'VERIFIED', 'FORWARDED', 'RESERVE'] }, sort: 'NEWEST', first: 100 },
  });
  const onAgenda = new Set(state.agenda.map((i) => i.proposalId));
  const choices = (proposals.data?.proposals.nodes ?? []).filter((p: any) => !onAgenda.has(p.id));
  const problems = useFormProblems(
    { proposalId: 'agenda-proposal', title: 'agenda-title', timeBoxMinutes: 'agenda-minutes' },
    { error, values: { title, timeBoxMinutes: minutes }, labels: { title: t('live.topicTitle'), timeBoxMinutes: t('live.timeBox') } },
  );
  const fe = problems.fe;
  return (
    <details class="disclosure">
      <summary>{t('live.addItem')}</summary>
      <form
        class="stack"
        noValidate
        onSubmit={async (e) => {
          e.preventDefault();
          const c = new Checks();
          // A proposal of the forum, or a topic of its own (then its title is needed).
          if (!proposalId) c.text('title', title, 3, 200);
          c.number('timeBoxMinutes', minutes, { required: false, integer: true, min: 1, max: 480 });
          if (!problems.check(c)) return;
          const input = {
            sessionId: state.id,
            proposalId: proposalId ? Number(proposalId) : null,
            title: title.trim() || null,
            timeBoxMinutes: minutes ? Number(minutes) : null,
          };
          if (await run(ADD_AGENDA_ITEM, { input }, t('live.itemAdded'))) {
            setProposalId('');
            setTitle('');
          }
        }}
      >
        <FormProblems {...problems.summary} />
        <Field id="agenda-proposal" label={t('live.itemProposal')} error={fe.proposalId}>
          {(a) => (
            <select {...a} value={proposalId} onChange={(e) => setProposalId(e.currentTarget.value)}>
              <option value="">—</option>
              {choices.map((p: any) => (
                <option key={p.id} value={p.id}>
                  {p.code} · {p.title}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id="agenda-title" label={`${t('live.topicTitle')} (${t('live.freeTopic')})`} error={fe.title}>
          {(a) => <input {...a} type="text" value={title} onInput={(e) => setTitle(e.currentTarget.value)} />}
        </Field>
        <Field id="agenda-minutes" label={t('live.timeBox')} error={fe.timeBoxMinutes}>
          {(a) => <input {...a} type="number" min={1} max={480} value={minutes} onInput={(e) => setMinutes(e.currentTarget.value)} />}
        </Field>
        <button type="submit" class="button" disabled={busy}>
          {t('live.addItem')}
        </button>
      </form>
    </details>
  );
}

export function Agenda({ state }: { state: SessionState }) {
  const { run, error, busy } = useRun();
  // The item whose removal waits for a "yes".
  const [removing, setRemoving] = useState<number | null>(null);
  const moderator = state.viewerIsModerator;
  const editable = moderator && state.status !== 'CLOSED';
  return (
    <Panel id="agenda-heading" title={t('live.agenda')}>
      <ErrorBox error={error} />
      {state.agenda.length === 0 ? (
        <p>{t('live.emptyAgenda')}</p>
      ) : (
        <ol class="agenda">
          {state.agenda.map((item, index) => {
            const current = item.id === state.currentItemId;
            return (
              <li key={item.id} class={current ? 'agenda__item agenda__item--current' : 'agenda__item'} aria-current={current ? 'step' : undefined}>
                <p>
                  <strong>{item.title}</strong>
                  {item.proposalId && (
                    <>
                      {' · '}
                      <Link href={`/usulan/${item.proposalId}`}>{item.proposal?.code ?? `#${item.proposalId}`}</Link>
                    </>
                  )}
                  {item.timeBoxMinutes !== null && <span class="muted"> · {t('live.minutesShort', { n: item.timeBoxMinutes })}</span>}
                  {current && <span class="badge badge--open"> {t('live.discussing')}</span>}
                </p>
                <ItemDecision item={item} />
                {editable && (
                  <div class="button-row">
                    {!current && state.status === 'OPEN' && (
                      <button type="button" class="button button--small" aria-label={`${t('live.discuss')}: ${item.title}`} onClick={() => run(SET_CURRENT_ITEM, { sessionId: state.id, itemId: item.id }, item.title)}>
                        {t('live.discuss')}
                      </button>
                    )}
                    <button type="button" class="button button--secondary button--small" disabled={index === 0} aria-label={t('live.moveUp', { title: item.title })} onClick={() => run(MOVE_AGENDA_ITEM, { itemId: item.id, position: index })}>
                      ↑
                    </button>
                    <button
                      type="button"
                      class="button button--secondary button--small"
                      disabled={index === state.agenda.length - 1}
                      aria-label={t('live.moveDown', { title: item.title })}
                      onClick={() => run(MOVE_AGENDA_ITEM, { itemId: item.id, position: index + 2 })}
                    >
                      ↓
                    </button>
                    <button
                      type="button"
                      class="button button--secondary button--small"
                      aria-label={t('live.remove', { title: item.title })}
                      aria-expanded={removing === item.id}
                      onClick={() => setRemoving(removing === item.id ? null : item.id)}
                    >
                      ✕
                    </button>
                  </div>
                )}
                {editable && removing === item.id && (
                  <ConfirmRemove
                    title={item.title}
                    itemId={item.id}
                    busy={busy}
                    onCancel={() => setRemoving(null)}
                    onConfirm={async () => {
                      if (await run(REMOVE_AGENDA_ITEM, { itemId: item.id }, t('live.removed', { title: item.title }))) setRemoving(null);
                    }}
                  />
                )}
                {editable && running(state) && !item.decision && <DecideForm item={item} />}
              </li>
            );
          })}
        </ol>
      )}
      {editable && <AddItemForm state={state} />}
    </Panel>
  );
}

/** "Hapus … dari agenda?": asked before an item leaves the agenda (with its time box and place). */
function ConfirmRemove({ title, itemId, busy, onConfirm, onCancel }: { title: string; itemId: number; busy: boolean; onConfirm: () => void; onCancel: () => void }) {
  const ref = useRef<HTMLParagraphElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <div class="inline-form confirm" role="group" aria-labelledby={`remove-q-${itemId}`} data-testid="confirm-remove">
      <p id={`remove-q-${itemId}`} tabIndex={-1} ref={ref}>
        <strong>{t('live.confirmRemove', { title })}</strong>
      </p>
      <p>{t('live.confirmRemoveText')}</p>
      <div class="button-row">
        <button type="button" class="button button--danger button--small" disabled={busy} onClick={onConfirm}>
          {t('live.removeYes')}
        </button>
        <button type="button" class="button button--secondary button--small" onClick={onCancel}>
          {t('live.removeNo')}
        </button>
      </div>
    </div>
  );
}

/** The viewer's place on the attendance list when it is not (yet) a plain "present". */
function AttendanceWaiting({ status }: { status: string }) {
  const waiting = status === 'AWAITING_APPROVAL';
  return (
    <Panel id="attendance-status-heading" title={t('live.checkIn')}>
      <p class={waiting ? 'alert alert--warning' : 'alert alert--info'} role="status" data-testid="attendance-status">
        <strong>{waiting ? t('live.awaitingApproval') : t('live.refused')}</strong>
      </p>
      <p>{waiting ? t('live.awaitingText') : t('live.refusedText')}</p>
    </Panel>
  );
}

export function CheckIn({
  state,
  viewerId,
  onCheckedIn,
}: {
  state: SessionState;
  viewerId: number | null;
  /** The viewer's own entry, from the mutation's answer (events do not say whose check-in it was). */
  onCheckedIn?: (entry: { id: number; status: AttendanceStatus }) => void;
}) {
  const { run, error, busy } = useRun();
  const [role, setRole] = useState('');
  const [gender, setGender] = useState('');
  if (state.viewerIsModerator || state.status === 'CLOSED') return null;
  const entry = viewerEntry(state, viewerId);
  if (entry && entry.status !== 'PRESENT') return <AttendanceWaiting status={entry.status} />;
  if (entry || state.viewerCheckedIn) return null;
  return (
    <Panel id="checkin-heading" title={t('live.checkIn')}>
      <p>{t('live.checkInText')}</p>
      <form
        class="stack"
        noValidate
        onSubmit={async (e) => {
          e.preventDefault();
          const data = await run(CHECK_IN, { sessionId: state.id, role: role.trim() || null, gender: gender || null });
          if (data) {
            onCheckedIn?.({ id: data.checkIn.id, status: data.checkIn.status ?? 'PRESENT' });
            announce(data.checkIn.status === 'PRESENT' ? t('live.checkedIn') : t('live.awaitingApproval'));
          }
        }}
      >
        <ErrorBox error={error} />
        <Field id="checkin-role" label={t('live.role')} hint={t('live.roleHint')}>
          {(a) => <input {...a} type="text" value={role} onInput={(e) => setRole(e.currentTarget.value)} />}
        </Field>
        <GenderSelect id="checkin-gender" value={gender} onChange={setGender} />
        <button type="submit" class="button" disabled={busy}>
          {t('live.checkIn')}
        </button>
      </form>
    </Panel>
  );
}

function GenderSelect({ id, value, onChange }: { id: string; value: string; onChange: (v: string) => void }) {
  return (
    <Field id={id} label={t('live.gender')}>
      {(a) => (
        <select {...a} value={value} onChange={(e) => onChange(e.currentTarget.value)}>
          <option value="">—</option>
          <option value="FEMALE">{t('live.gender.FEMALE')}</option>
          <option value="MALE">{t('live.gender.MALE')}</option>
        </select>
      )}
    </Field>
  );
}

function MarkPresentForm({ state }: { state: SessionState }) {
  const { run, error, busy } = useRun();
  const [name, setName] = useState('');
  const [role, setRole] = useState('');
  const [gender, setGender] = useState('');
  const problems = useFormProblems({ name: 'present-name', roleOrInstitution: 'present-role' }, { error, values: { name, roleOrInstitution: role }, labels: { name: t('live.name'), roleOrInstitution: t('live.role') } });
  const fe = problems.fe;
  return (
    <details class="disclosure">
      <summary>{t('live.markPresent')}</summary>
      <form
        class="stack"
        noValidate
        onSubmit={async (e) => {
          e.preventDefault();
          const c = new Checks();
          c.text('name', name, 2, 200);
          c.text('roleOrInstitution', role, 2, 200);
          if (!problems.check(c)) return;
          const input = { sessionId: state.id, name: name.trim(), roleOrInstitution: role.trim(), gender: gender || null };
          if (await run(MARK_PRESENT, { input }, t('live.marked', { name: name.trim() }))) {
            setName('');
            setRole('');
            setGender('');
          }
        }}
      >
        <FormProblems {...problems.summary} />
        <Field id="present-name" label={t('live.name')} error={fe.name} required>
          {(a) => <input {...a} type="text" autoComplete="off" value={name} onInput={(e) => setName(e.currentTarget.value)} />}
        </Field>
        <Field id="present-role" label={t('live.role')} error={fe.roleOrInstitution} required>
          {(a) => <input {...a} type="text" value={role} onInput={(e) => setRole(e.currentTarget.value)} />}
        </Field>
        <GenderSelect id="present-gender" value={gender} onChange={setGender} />
        <button type="submit" class="button" disabled={busy}>
          {t('live.markPresent')}
        </button>
      </form>
    </details>
  );
}

/** The moderator lets guests from outside the forum's region take part, or not. */
export function PendingGuests({ state }: { state: SessionState }) {
  const { run, error, busy } = useRun();
  const guests = awaitingGuests(state);
  if (state.status === 'CLOSED') return null;
  return (
    <div class="stack-sm" data-testid="pending-guests">
      <h3 id="pending-heading">{t('live.pendingGuests', { n: formatNumber(guests.length) })}</h3>
      <ErrorBox error={error} />
      {guests.length === 0 ? (
        <p class="muted">{t('live.noPendingGuests')}</p>
      ) : (
        <>
          <p class="hint">{t('live.pendingHint')}</p>
          <ul class="list" aria-labelledby="pending-heading">
            {guests.map((g) => (
              <li key={g.id} class="guest">
                <span class="guest__name">{g.name}</span> <span class="muted">· {g.roleOrInstitution}</span>
                <div class="button-row">
                  <button type="button" class="button button--small" disabled={busy} onClick={() => run(DECIDE_ATTENDANCE, { attendanceId: g.id, approve: true }, t('live.approved', { name: g.name }))}>
                    {t('live.approve')}
                    <span class="visually-hidden"> {g.name}</span>
                  </button>
                  <button type="button" class="button button--secondary button--small" disabled={busy} onClick={() => run(DECIDE_ATTENDANCE, { attendanceId: g.id, approve: false }, t('live.refusedGuest', { name: g.name }))}>
                    {t('live.refuse')}
                    <span class="visually-hidden"> {g.name}</span>
                  </button>
                </div>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

export function Attendance({ state, counts }: { state: SessionState; counts?: string }) {
  return (
    <Panel id="attendance-heading" title={t('live.attendance')} extra={<span class="badge" data-testid="attendance-count">{t('live.present', { n: formatNumber(state.attendanceCount) })}</span>}>
      {counts && <p data-testid="attendance-counts">{counts}</p>}
      {!state.viewerIsModerator ? (
        <p class="hint">{t('live.listForStaff')}</p>
      ) : (
      <details open class="disclosure">
        <summary>{t('live.attendance')}</summary>
        <ol class="list attendance">
          {state.attendance.map((a) => (
            <li key={a.id}>
              {a.name} <span class="muted">· {a.roleOrInstitution} · {label('live.channel', a.channel)}</span>
              {a.status !== 'PRESENT' && (
                <>
                  {' '}
                  <span class={`badge badge--${a.status === 'REFUSED' ? 'rejected' : 'reserve'}`}>{label('live.attendanceStatus', a.status)}</span>
                </>
              )}
            </li>
          ))}
        </ol>
      </details>
      )}
      {state.viewerIsModerator && state.status !== 'CLOSED' && <MarkPresentForm state={state} />}
      {state.viewerIsModerator && state.status !== 'CLOSED' && <BulkAttendanceForm state={state} />}
    </Panel>
  );
}

function HideForm({ messageId, name }: { messageId: number; name: string }) {
  const { run, error, busy } = useRun();
  const [reason, setReason] = useState('');
  const problems = useFormProblems({ reason: `hide-${messageId}` }, { error, values: { reason }, labels: { reason: t('live.hideReason') } });
  return (
    <details class="chat__tool disclosure">
      <summary>
        {t('live.hide')}
        <span class="visually-hidden">: {t('live.hideMessage', { name })}</span>
      </summary>
      <form
        class="inline-form"
        noValidate
        onSubmit={async (e) => {
          e.preventDefault();
          const c = new Checks();
          c.text('reason', reason, 3, 500);
          if (!problems.check(c)) return;
          await run(HIDE_CHAT, { messageId, reason: reason.trim() }, t('live.hidden'));
        }}
      >
        <FormProblems {...problems.summary} />
        <Field id={`hide-${messageId}`} label={t('live.hideReason')} error={problems.fe.reason} required>
          {(a) => <input {...a} type="text" value={reason} onInput={(e) => setReason(e.currentTarget.value)} />}
        </Field>
        <button type="submit" class="button button--small" disabled={busy}>
          {t('live.hideMessage', { name })}
        </button>
      </form>
    </details>
  );
}

export function Chat({ state, viewerId }: { state: SessionState; viewerId: number | null }) {
  const { run, error, busy } = useRun();
  const [body, setBody] = useState('');
  const log = useRef<HTMLDivElement>(null);
  const newest = state.chat[state.chat.length - 1]?.id;
  // Keep the newest line in view, as chat apps do.
  useEffect(() => {
    if (log.current) log.current.scrollTop = log.current.scrollHeight;
  }, [newest]);
  const canWrite = viewerTakesPart(state, viewerId) && running(state);
  const muted = state.viewerMutedUntil && Date.parse(state.viewerMutedUntil) > Date.now() ? state.viewerMutedUntil : null;
  return (
    <Panel id="chat-heading" title={t('live.chat')}>
      {state.chat.length === 0 ? (
        <p>{t('live.noChat')}</p>
      ) : (
        <div class="chat" role="log" aria-labelledby="chat-heading" tabIndex={0} ref={log}>
          <ol class="chat__lines">
          {state.chat.map((m) => (
            <li key={m.id} class={m.hidden ? 'chat__line chat__line--hidden' : 'chat__line'}>
              <p class="chat__meta">
                <strong>{m.authorName}</strong> <span class="muted">{formatDateTime(m.createdAt)}</span>
              </p>
              {m.hidden && (
                <p class="muted">
                  <em>{t('live.hidden')}</em>
                  {m.hiddenReason && ` (${m.hiddenReason})`}
                </p>
              )}
              {m.body !== null && <p class="chat__body">{m.body}</p>}
              {state.viewerIsModerator && running(state) && m.authorId !== viewerId && (
                <div class="button-row">
                  {!m.hidden && <HideForm messageId={m.id} name={m.authorName} />}
                  <button type="button" class="button button--secondary button--small" onClick={() => run(MUTE, { sessionId: state.id, accountId: m.authorId, minutes: 10 }, t('live.muted', { name: m.authorName }))}>
                    {t('live.mute', { name: m.authorName })}
                  </button>
                </div>
              )}
            </li>
          ))}
          </ol>
        </div>
      )}
      <ErrorBox error={error} />
      {muted && <p role="status">{t('live.youAreMuted', { time: formatDateTime(muted) })}</p>}
      {canWrite && !muted && (
        <form
          class="chat__form"
          noValidate
          onSubmit={async (e) => {
            e.preventDefault();
            if (!body.trim()) return;
            if (await run(SEND_CHAT, { sessionId: state.id, body: body.trim(), replyToId: null })) setBody('');
          }}
        >
          <label for="chat-body" class="visually-hidden">
            {t('live.message')}
          </label>
          <input id="chat-body" type="text" value={body} maxLength={1000} autocomplete="off" onInput={(e) => setBody(e.currentTarget.value)} />
          <button type="submit" class="button" disabled={busy}>
            {t('live.send')}
          </button>
        </form>
      )}
    </Panel>
  );
}

export function Speakers({ state, viewerId }: { state: SessionState; viewerId: number | null }) {
  const { run, error, busy } = useRun();
  const [seconds, setSeconds] = useState('180');
  const moderator = state.viewerIsModerator;
  const live = running(state);
  const mine = state.queue.some((q) => q.accountId === viewerId);
  const speaking = state.speaker?.accountId === viewerId && viewerId !== null;
  const floorSeconds = Number(seconds) || null;
  return (
    <Panel id="speakers-heading" title={t('live.speakers')}>
      <ErrorBox error={error} />
      <div class="floor" data-testid="floor">
        <h3>{t('live.onFloor')}</h3>
        {state.speaker ? (
          <p>
            <strong>{state.speaker.name}</strong> <Countdown endsAt={state.speaker.endsAt} testId="floor-timer" />
          </p>
        ) : (
          <p>{t('live.nobodyOnFloor')}</p>
        )}
        {speaking && (
          <p class="alert alert--success" role="status">
            {t('live.youOnFloor')}
          </p>
        )}
      </div>
      <h3>{t('live.waiting', { n: formatNumber(state.queue.length) })}</h3>
      {state.queue.length > 0 && (
        <ol class="list" data-testid="queue">
          {state.queue.map((q) => (
            <li key={q.requestId}>
              <span class="queue__name">{q.name}</span>
              {moderator && live && (
                <div class="button-row">
                  <button type="button" class="button button--small" disabled={busy} onClick={() => run(GIVE_FLOOR, { sessionId: state.id, accountId: q.accountId, seconds: floorSeconds })}>
                    {t('live.giveFloor', { name: q.name })}
                  </button>
                  <button type="button" class="button button--secondary button--small" onClick={() => run(LOWER_HAND, { sessionId: state.id, accountId: q.accountId })}>
                    {t('live.lowerOf', { name: q.name })}
                  </button>
                </div>
              )}
            </li>
          ))}
        </ol>
      )}
      {moderator && live && (
        <div class="stack">
          <Field id="floor-seconds" label={t('live.floorSeconds')}>
            {(a) => <input {...a} type="number" min={10} max={3600} value={seconds} onInput={(e) => setSeconds(e.currentTarget.value)} />}
          </Field>
          <div class="button-row">
            <button type="button" class="button button--secondary" disabled={busy || state.queue.length === 0} onClick={() => run(GIVE_FLOOR, { sessionId: state.id, accountId: null, seconds: floorSeconds })}>
              {t('live.next')}
            </button>
            <button type="button" class="button button--secondary" disabled={busy || !state.speaker} onClick={() => run(END_FLOOR, { sessionId: state.id })}>
              {t('live.endFloor')}
            </button>
          </div>
        </div>
      )}
      {!moderator && live && viewerTakesPart(state, viewerId) && !speaking && (
        <p>
          {mine ? (
            <button type="button" class="button button--secondary" disabled={busy} aria-describedby="hand-status" onClick={() => run(LOWER_HAND, { sessionId: state.id, accountId: null })}>
              {t('live.lowerHand')}
            </button>
          ) : (
            <button type="button" class="button" disabled={busy} onClick={() => run(RAISE_HAND, { sessionId: state.id }, t('live.handRaised'))}>
              ✋ {t('live.raiseHand')}
            </button>
          )}
          {mine && (
            <span id="hand-status" class="muted">
              {' '}
              {t('live.handRaised')}
            </span>
          )}
        </p>
      )}
    </Panel>
  );
}

const optionLabel = (poll: Poll, index: number) => {
  const raw = poll.results.options[index]?.label ?? String(index);
  return poll.kind === 'YES_NO_ABSTAIN' ? label('live.option', raw) : raw;
};

/**
 * A poll's results as published: withheld (in words) until enough answers are in, then in
 * steps while the poll is open, exact at its close. The answers given since the last step are
 * not published, so the page says what the figures count.
 */
export function PollResultsView({ poll }: { poll: Pick<Poll, 'id' | 'kind' | 'results'> & { closedAt?: string | null } }) {
  const results: PollResults = poll.results;
  const total = results.total;
  if (results.withheld) {
    return (
      <p class="muted" data-testid={`poll-results-${poll.id}`}>
        {t('live.pollWithheld')}
      </p>
    );
  }
  const open = poll.closedAt === null;
  return (
    <div>
      <ul class="poll-results" data-testid={`poll-results-${poll.id}`}>
        {poll.results.options.map((o) => (
          <li key={o.index}>
            <span class="poll-results__label">{optionLabel(poll as Poll, o.index)}</span>
            <meter min={0} max={Math.max(total, 1)} value={o.votes} aria-hidden="true" />
            <span>{t('live.votesOf', { votes: formatNumber(o.votes), total: formatNumber(total) })}</span>
          </li>
        ))}
      </ul>
      <p class="muted">{open ? t('live.answersSoFar', { n: formatNumber(total) }) : t('live.answers', { n: formatNumber(total) })}</p>
    </div>
  );
}

function AnswerForm({ poll, onAnswered }: { poll: Poll; onAnswered: (choice: number, results?: PollResults) => void }) {
  const { run, error, busy } = useRun();
  const [choice, setChoice] = useState<number | null>(null);
  return (
    <form
      class="stack"
      noValidate
      onSubmit={async (e) => {
        e.preventDefault();
        if (choice === null) return;
        const data = await run(ANSWER_POLL, { pollId: poll.id, choice }, t('live.answered', { label: optionLabel(poll, choice) }));
        if (data) onAnswered(choice, data.answerPoll?.results);
      }}
    >
      <ErrorBox error={error} />
      <fieldset>
        <legend>{poll.question}</legend>
        {poll.results.options.map((o) => (
          <label key={o.index} class="choice">
            <input type="radio" name={`poll-${poll.id}`} value={o.index} checked={choice === o.index} onChange={() => setChoice(o.index)} /> {optionLabel(poll, o.index)}
          </label>
        ))}
      </fieldset>
      <button type="submit" class="button" disabled={busy || choice === null}>
        {t('live.answer')}
      </button>
    </form>
  );
}

function OpenPollForm({ state }: { state: SessionState }) {
  const { run, error, busy } = useRun();
  const [question, setQuestion] = useState('');
  const [kind, setKind] = useState('YES_NO_ABSTAIN');
  const [options, setOptions] = useState('');
  const problems = useFormProblems({ question: 'poll-question', options: 'poll-options' }, { error, values: { question, options }, labels: { question: t('live.question'), options: t('live.options') } });
  const fe = problems.fe;
  return (
    <details class="disclosure">
      <summary>{t('live.openPoll')}</summary>
      <form
        class="stack"
        noValidate
        onSubmit={async (e) => {
          e.preventDefault();
          const list = options
            .split('\n')
            .map((o) => o.trim())
            .filter(Boolean);
          const c = new Checks();
          c.text('question', question, 3, 300);
          if (kind === 'OPTIONS') {
            if (list.length === 0) c.add('options', 'field.required');
            else if (list.length < 2 || list.length > 10 || new Set(list).size !== list.length || list.some((o) => o.length > 200)) c.add('options', 'live.optionsRule');
          }
          if (!problems.check(c)) return;
          const input = { sessionId: state.id, question: question.trim(), kind, options: kind === 'OPTIONS' ? list : null };
          if (await run(OPEN_POLL, { input }, t('live.openPoll'))) setQuestion('');
        }}
      >
        <FormProblems {...problems.summary} />
        <Field id="poll-question" label={t('live.question')} error={fe.question} required>
          {(a) => <input {...a} type="text" value={question} onInput={(e) => setQuestion(e.currentTarget.value)} />}
        </Field>
        <fieldset>
          <legend>{t('live.pollKind')}</legend>
          {['YES_NO_ABSTAIN', 'OPTIONS'].map((k) => (
            <label key={k} class="choice">
              <input type="radio" name="poll-kind" value={k} checked={kind === k} onChange={() => setKind(k)} /> {label('live.pollKind', k)}
            </label>
          ))}
        </fieldset>
        {kind === 'OPTIONS' && (
          <Field id="poll-options" label={t('live.options')} error={fe.options} required>
            {(a) => <textarea {...a} rows={4} value={options} onInput={(e) => setOptions(e.currentTarget.value)} />}
          </Field>
        )}
        <button type="submit" class="button" disabled={busy}>
          {t('live.openPoll')}
        </button>
      </form>
    </details>
  );
}

export function Polls({ state, viewerId, onAnswered }: { state: SessionState; viewerId: number | null; onAnswered: (pollId: number, choice: number, results?: PollResults) => void }) {
  const { run, error, busy } = useRun();
  const poll = openPoll(state);
  const past = state.polls.filter((p) => p.closedAt).reverse();
  const moderator = state.viewerIsModerator;
  return (
    <Panel id="polls-heading" title={t('live.polls')}>
      <ErrorBox error={error} />
      {poll ? (
        <div class="poll" data-testid="open-poll">
          <h3>{poll.question}</h3>
          {!moderator && viewerTakesPart(state, viewerId) && poll.myAnswer === null && <AnswerForm poll={poll} onAnswered={(c, r) => onAnswered(poll.id, c, r)} />}
          {poll.myAnswer !== null && <p role="status">{t('live.answered', { label: optionLabel(poll, poll.myAnswer) })}</p>}
          <PollResultsView poll={poll} />
          {moderator && (
            <button type="button" class="button button--secondary" disabled={busy} onClick={() => run(CLOSE_POLL, { pollId: poll.id }, t('live.closePoll'))}>
              {t('live.closePoll')}
            </button>
          )}
        </div>
      ) : (
        <p>{t('live.noPoll')}</p>
      )}
      {moderator && running(state) && !poll && <OpenPollForm state={state} />}
      {past.length > 0 && (
        <details class="disclosure">
          <summary>{t('live.pastPolls')}</summary>
          {past.map((p) => (
            <div key={p.id}>
              <h3>{p.question}</h3>
              <PollResultsView poll={p} />
            </div>
          ))}
        </details>
      )}
    </Panel>
  );
}
