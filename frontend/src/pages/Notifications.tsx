import { useClient, useQuery } from '@urql/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ErrorBox, Loading, Notice, PageTitle, announce } from '../components/ui';
import { refreshUnreadCount, unreadStore } from '../components/NotificationsLink';
import { toApiError, type ApiError } from '../lib/errors';
import { formatDateTime } from '../lib/format';
import type { NotificationDelivery, NotificationFieldsFragment, NotificationKind, NotificationPreferencesQuery, NotificationsQuery } from '../lib/generated/graphql';
import { label, localeStore, t, type Locale } from '../lib/i18n';
import { MARK_NOTIFICATIONS_READ, NOTIFICATIONS, NOTIFICATION_PREFERENCES, SET_NOTIFICATION_PREFERENCE } from '../lib/documents/notifications';
import { Link } from '../lib/router';
import { useMe, type Me } from '../lib/session';
import { useStore } from '../lib/store';

export const PAGE = 20;

export type Notification = NotificationFieldsFragment;

/** The order of the kinds on the page: what is about one's own proposal first. */
export const KINDS: NotificationKind[] = ['PROPOSAL_STATUS', 'COMMENT_REPLY', 'SESSION_DECISION', 'IMPLEMENTATION_UPDATE', 'REPORT_STATUS', 'ROUND_OPENED', 'SESSION_SCHEDULED'];
export const DELIVERIES: NotificationDelivery[] = ['IN_APP', 'EMAIL', 'DIGEST', 'OFF'];

/** Where a notification leads: its report (laporan), its proposal, else its forum (none for neither). */
export function notificationTarget(n: Pick<Notification, 'proposalId' | 'forumId'> & { kind?: NotificationKind; details?: { reportId?: number | null } | null }): string | null {
  if (n.kind === 'REPORT_STATUS' && n.details?.reportId != null) return `/laporan/${n.details.reportId}`;
  if (n.proposalId != null) return `/usulan/${n.proposalId}`;
  if (n.forumId != null) return `/forum/${n.forumId}`;
  return null;
}

/** `K-12 “Jalan rabat beton”`, the title or the code alone, or null without either. */
function subjectOf(d: Notification['details']): string | null {
  const code = d.proposalCode?.trim();
  const title = d.proposalTitle?.trim();
  if (code && title) return `${code} “${title}”`;
  if (title) return `“${title}”`;
  return code || null;
}

export interface Phrased {
  text: string;
  /** The reason or note given, on a line of its own. */
  note: string | null;
  /** A comment's first words. */
  quote: string | null;
}

/**
 * What a notification says, in the reader's language, from its kind and details; the server's
 * Indonesian `summary` where the details do not carry what the phrase needs (or for a kind
 * this app does not know yet).
 */
export function describeNotification(n: Notification, locale: Locale = localeStore.get()): Phrased {
  const d = n.details;
  const subject = subjectOf(d);
  const p = (key: Parameters<typeof t>[0], params: Record<string, string>) => t(key, params, locale);
  let text: string | null = null;
  let note: string | null = null;
  let quote: string | null = null;
  switch (n.kind) {
    case 'PROPOSAL_STATUS':
      if (subject && d.toStatus) {
        const to = label('status', d.toStatus, locale);
        if (d.level) text = p('notif.PROPOSAL_STATUS.level', { subject, level: label('level', d.level, locale), to });
        else if (d.fromStatus && d.fromStatus !== d.toStatus) text = p('notif.PROPOSAL_STATUS.changed', { subject, from: label('status', d.fromStatus, locale), to });
        else text = p('notif.PROPOSAL_STATUS.now', { subject, to });
        note = d.note;
      }
      break;
    case 'COMMENT_REPLY':
      if (subject) {
        text = p('notif.COMMENT_REPLY', { author: d.authorName?.trim() || t('notif.someone', undefined, locale), subject });
        quote = d.excerpt;
      }
      break;
    case 'SESSION_DECISION':
      if (subject && d.outcome) {
        const outcome = label('live.decision', d.outcome, locale);
        text = d.title ? p('notif.SESSION_DECISION', { session: d.title, subject, outcome }) : p('notif.SESSION_DECISION.forum', { subject, outcome });
        note = d.note;
      }
      break;
    case 'ROUND_OPENED':
      if (d.title) text = p('notif.ROUND_OPENED', { title: d.title, forum: d.forumName || t('notif.yourForum', undefined, locale) });
      break;
    case 'SESSION_SCHEDULED':
      if (d.title) {
        const forum = d.forumName || t('notif.yourForum', undefined, locale);
        text = d.startsAt
          ? p('notif.SESSION_SCHEDULED', { title: d.title, forum, when: formatDateTime(d.startsAt, locale) })
          : p('notif.SESSION_SCHEDULED.undated', { title: d.title, forum });
      }
      break;
    case 'IMPLEMENTATION_UPDATE':
      if (subject && d.outcome) {
        text = p('notif.IMPLEMENTATION_UPDATE', { subject, status: label('implStatus', d.outcome, locale) });
        note = d.note;
      }
      break;
    case 'REPORT_STATUS': {
      const title = d.reportTitle?.trim();
      if (title && d.toStatus) {
        const to = label('report.status', d.toStatus, locale);
        text =
          d.fromStatus && d.fromStatus !== d.toStatus
            ? p('notif.REPORT_STATUS.changed', { title, from: label('report.status', d.fromStatus, locale), to })
            : p('notif.REPORT_STATUS.now', { title, to });
        note = d.note;
      }
      break;
    }
  }
  if (text === null) return { text: n.summary, note: null, quote: null };
  return { text, note: note?.trim() || null, quote: quote?.trim() || null };
}

/** Newest first, each once: `fresh` replaces what was shown of the same notification (a read mark made here stays). */
export function mergeNotifications(shown: Notification[], fresh: Notification[]): Notification[] {
  const byId = new Map(shown.map((n) => [n.id, n]));
  for (const f of fresh) {
    const old = byId.get(f.id);
    byId.set(f.id, old && !f.readAt && old.readAt ? { ...f, readAt: old.readAt } : f);
  }
  return [...byId.values()].sort((a, b) => b.id - a.id);
}

function Inbox() {
  const client = useClient();
  const unread = useStore(unreadStore);
  const [items, setItems] = useState<Notification[] | null>(null);
  const [hasOlder, setHasOlder] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [focusId, setFocusId] = useState<number | null>(null);
  const shown = useRef(items);
  shown.current = items;
  const status = useRef<HTMLParagraphElement>(null);

  const fetchPage = (before: number | null) =>
    client.query<NotificationsQuery>(NOTIFICATIONS, { before, first: PAGE }, { requestPolicy: 'network-only' }).toPromise();

  const loadNewest = async () => {
    const result = await fetchPage(null);
    const problem = toApiError(result.error);
    if (problem || !result.data) {
      // A failed refresh keeps the list on screen; only a first load has nothing to show.
      if (shown.current === null) setError(problem);
      return;
    }
    const fresh = result.data.notifications;
    const old = shown.current;
    if (!old || (fresh.length === PAGE && old.length > 0 && fresh[fresh.length - 1].id > old[0].id)) {
      // The first load, or a whole page newer than anything shown: start from it, so that
      // "Muat lebih lama" leaves no gap.
      setItems(fresh);
      setHasOlder(fresh.length === PAGE);
    } else {
      setItems(mergeNotifications(old, fresh));
    }
    setError(null);
  };

  useEffect(() => {
    void loadNewest();
  }, [client]);

  // The header hears of new notifications (live, or by polling): when its count rises, reload.
  const lastUnread = useRef(unread);
  useEffect(() => {
    if (lastUnread.current !== null && unread !== null && unread > lastUnread.current) void loadNewest();
    lastUnread.current = unread;
  }, [unread]);

  useEffect(() => {
    if (focusId === null) return;
    document.getElementById(`notif-${focusId}`)?.focus();
    setFocusId(null);
  }, [focusId]);

  const loadOlder = async () => {
    const old = shown.current;
    if (!old?.length) return;
    setBusy(true);
    const result = await fetchPage(old[old.length - 1].id);
    setBusy(false);
    const problem = toApiError(result.error);
    setError(problem);
    if (problem || !result.data) return;
    const got = result.data.notifications;
    setItems(mergeNotifications(shown.current ?? [], got));
    setHasOlder(got.length === PAGE);
    if (got.length > 0) setFocusId(got[0].id);
  };

  const markRead = async (ids: number[] | null) => {
    const now = new Date().toISOString();
    const changed = new Set((shown.current ?? []).filter((n) => !n.readAt && (ids === null || ids.includes(n.id))).map((n) => n.id));
    setItems((list) => list && list.map((n) => (changed.has(n.id) ? { ...n, readAt: now } : n)));
    const result = await client.mutation(MARK_NOTIFICATIONS_READ, ids ? { ids } : {}).toPromise();
    const problem = toApiError(result.error);
    if (problem) {
      setError(problem);
      setItems((list) => list && list.map((n) => (changed.has(n.id) && n.readAt === now ? { ...n, readAt: null } : n)));
    }
    refreshUnreadCount();
    return !problem;
  };

  const markAll = async () => {
    if (await markRead(null)) {
      announce(t('notif.markedAll'));
      status.current?.focus();
    }
  };

  if (items === null) return error ? <ErrorBox error={error} /> : <Loading />;
  const localUnread = items.filter((n) => !n.readAt).length;
  // The server's count (it knows the pages not loaded), once the header has it; these otherwise.
  const unreadCount = unread ?? localUnread;
  return (
    <section class="stack" aria-labelledby="notif-list-heading">
      <h2 id="notif-list-heading" class="visually-hidden">
        {t('notif.title')}
      </h2>
      <div class="notif-toolbar">
        <p id="notif-status" ref={status} tabIndex={-1} data-testid="notif-status">
          {unreadCount > 0 ? t('notif.unreadCount', { n: unreadCount }) : t('notif.allRead')}
        </p>
        {(unreadCount > 0 || localUnread > 0) && (
          <button type="button" class="button button--secondary button--small" onClick={markAll}>
            {t('notif.markAll')}
          </button>
        )}
      </div>
      <ErrorBox error={error} />
      {items.length === 0 ? (
        <p data-testid="notif-empty">{t('notif.empty')}</p>
      ) : (
        <ol class="notif-list" data-testid="notif-list">
          {items.map((n) => {
            const said = describeNotification(n);
            const href = notificationTarget(n);
            const isUnread = !n.readAt;
            return (
              <li key={n.id} id={`notif-${n.id}`} tabIndex={-1} class={`notif${isUnread ? ' notif--unread' : ''}`} data-testid="notification" data-unread={isUnread ? 'true' : 'false'}>
                <p class="notif__head">
                  {isUnread && <span class="badge badge--unread">{t('notif.unread')}</span>}
                  <time dateTime={n.createdAt}>{formatDateTime(n.createdAt)}</time>
                </p>
                <p class="notif__text">
                  {href ? (
                    <Link
                      href={href}
                      onClick={() => {
                        if (isUnread) void markRead([n.id]);
                      }}
                    >
                      {said.text}
                    </Link>
                  ) : (
                    said.text
                  )}
                </p>
                {said.quote && <blockquote class="notif__quote">“{said.quote}”</blockquote>}
                {said.note && <p class="notif__note">{t('notif.note', { note: said.note })}</p>}
                {isUnread && !href && (
                  <button
                    type="button"
                    class="button button--link"
                    onClick={async () => {
                      if (await markRead([n.id])) announce(t('notif.marked'));
                    }}
                  >
                    {t('notif.markOne')}
                    <span class="visually-hidden">: {said.text}</span>
                  </button>
                )}
              </li>
            );
          })}
        </ol>
      )}
      {items.length > 0 &&
        (hasOlder ? (
          <div>
            <button type="button" class="button button--secondary" disabled={busy} onClick={loadOlder}>
              {busy ? t('common.loading') : t('notif.more')}
            </button>
          </div>
        ) : (
          <p class="muted">{t('notif.noMore')}</p>
        ))}
    </section>
  );
}

function Preferences({ me }: { me: Me }) {
  const client = useClient();
  const [result] = useQuery<NotificationPreferencesQuery>({ query: NOTIFICATION_PREFERENCES, requestPolicy: 'network-only' });
  const [chosen, setChosen] = useState<Partial<Record<NotificationKind, NotificationDelivery>>>({});
  const [saved, setSaved] = useState<Partial<Record<NotificationKind, boolean>>>({});
  const [error, setError] = useState<ApiError | null>(null);
  const requests = useRef<Partial<Record<NotificationKind, number>>>({});
  const server = new Map((result.data?.notificationPreferences ?? []).map((p) => [p.kind, p.delivery]));
  const order = (k: NotificationKind) => (KINDS.includes(k) ? KINDS.indexOf(k) : KINDS.length);
  const kinds = [...server.keys()].sort((a, b) => order(a) - order(b));

  const save = async (kind: NotificationKind, delivery: NotificationDelivery) => {
    const previous = chosen[kind] ?? server.get(kind);
    const n = (requests.current[kind] ?? 0) + 1;
    requests.current[kind] = n;
    setChosen((c) => ({ ...c, [kind]: delivery }));
    setSaved((s) => ({ ...s, [kind]: false }));
    const answer = await client.mutation(SET_NOTIFICATION_PREFERENCE, { kind, delivery }).toPromise();
    // Changed again meanwhile: the later choice reports.
    if (requests.current[kind] !== n) return;
    const problem = toApiError(answer.error);
    setError(problem);
    if (problem || !answer.data) {
      setChosen((c) => ({ ...c, [kind]: previous }));
      return;
    }
    const stored = (answer.data.setNotificationPreference as Array<{ kind: NotificationKind; delivery: NotificationDelivery }>).find((p) => p.kind === kind)?.delivery ?? delivery;
    setChosen((c) => ({ ...c, [kind]: stored }));
    setSaved((s) => ({ ...s, [kind]: true }));
    announce(t('notif.savedFor', { kind: label('notif.kind', kind), delivery: label('notif.delivery', stored) }));
  };

  return (
    <section class="card stack" aria-labelledby="notif-prefs-heading">
      <h2 id="notif-prefs-heading">{t('notif.prefsTitle')}</h2>
      <p class="hint">{t('notif.prefsHint')}</p>
      {!me.email && (
        <Notice>
          {t('notif.noEmail')} <Link href="/akun">{t('nav.account')}</Link>.
        </Notice>
      )}
      <ErrorBox error={error ?? (result.data ? null : toApiError(result.error))} />
      {!result.data ? (
        result.error ? null : <Loading />
      ) : (
        <div data-testid="notif-prefs">
          {kinds.map((kind) => {
            const id = `pref-${kind}`;
            return (
              <div class="notif-pref" key={kind}>
                <label for={id}>{label('notif.kind', kind)}</label>
                <select id={id} value={chosen[kind] ?? server.get(kind)} onChange={(e) => void save(kind, e.currentTarget.value as NotificationDelivery)}>
                  {DELIVERIES.map((d) => (
                    <option key={d} value={d}>
                      {label('notif.delivery', d)}
                    </option>
                  ))}
                </select>
                <span class="notif-pref__saved" data-testid={`pref-saved-${kind}`}>
                  {saved[kind] && (
                    <>
                      <span aria-hidden="true">✓ </span>
                      {t('notif.saved')}
                    </>
                  )}
                </span>
              </div>
            );
          })}
        </div>
      )}
    </section>
  );
}

export default function NotificationsPage() {
  const me = useMe();
  if (!me) {
    return (
      <div class="stack narrow">
        <PageTitle title={t('notif.title')}>{t('notif.title')}</PageTitle>
        <Notice>
          <Link href="/masuk?next=/notifikasi">{t('nav.login')}</Link> {t('notif.loginFirst')}
        </Notice>
      </div>
    );
  }
  return (
    <div class="stack narrow">
      <PageTitle title={t('notif.title')}>{t('notif.title')}</PageTitle>
      <Inbox />
      <Preferences me={me} />
    </div>
  );
}
