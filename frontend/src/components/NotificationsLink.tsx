import { useClient, useQuery } from '@urql/preact';
import { useEffect, useRef } from 'preact/hooks';
import type { UnreadNotificationCountQuery } from '../lib/generated/graphql';
import { t } from '../lib/i18n';
import { followEvents, transportOf } from '../lib/live';
import { UNREAD_NOTIFICATION_COUNT } from '../lib/documents/notifications';
import { Link } from '../lib/router';
import { createStore, useStore } from '../lib/store';
import { announce } from './ui';

/**
 * The unread count as the header last heard it (null before the first answer). The
 * notifications page watches it: when it rises, something new arrived and the list reloads.
 */
export const unreadStore = createStore<number | null>(null);

const refreshes = createStore(0);

/** Asks the header for the unread count again (after notifications were marked read). */
export function refreshUnreadCount() {
  refreshes.set(refreshes.get() + 1);
}

/**
 * "Pemberitahuan" with the unread count, for a signed-in person. The count is re-fetched for
 * each NOTIFICATION_ADDED on the person's `myNotifications` stream and, while the socket is
 * down, every few seconds by the follower's poll (the inbox stream has no event log to poll).
 */
export function NotificationsLink({ current }: { current: boolean }) {
  const client = useClient();
  const [result, reexecute] = useQuery<UnreadNotificationCountQuery>({ query: UNREAD_NOTIFICATION_COUNT });
  const refetch = useRef(reexecute);
  refetch.current = reexecute;
  const asked = useStore(refreshes);
  useEffect(() => {
    if (asked) refetch.current({ requestPolicy: 'network-only' });
  }, [asked]);
  useEffect(() => {
    const refresh = () => refetch.current({ requestPolicy: 'network-only' });
    const transport = transportOf(client);
    // The stream starts "from now on": what arrived between the first count and the socket's
    // first connection is counted by asking once more then. (After a drop the follower polls.)
    let heard = false;
    const offFirst = transport.onSocket((up) => {
      if (up && !heard) refresh();
      heard = true;
    });
    const stop = followEvents(
      transport,
      { field: 'myNotifications' },
      {
        since: null,
        onMode: () => undefined,
        onEvent: (event) => {
          if (event.kind === 'NOTIFICATION_ADDED') refresh();
        },
        // Too far behind: the count is the whole state, so ask for it and go on from the server's last.
        onResync: (lastSequence) => {
          refresh();
          return Promise.resolve(lastSequence);
        },
        poll: refresh,
      },
    );
    return () => {
      offFirst();
      stop();
    };
  }, [client]);

  const count = result.data?.unreadNotificationCount ?? null;
  const before = useRef<number | null>(null);
  useEffect(() => {
    if (count === null) return;
    if (before.current !== null && count > before.current) announce(t('notif.arrived', { n: count }));
    before.current = count;
    unreadStore.set(count);
  }, [count]);
  useEffect(() => () => unreadStore.set(null), []);

  const shown = count && count > 0 ? count : 0;
  return (
    <Link
      href="/notifikasi"
      class="notif-link"
      aria-current={current ? 'page' : undefined}
      aria-label={shown ? t('notif.linkUnread', { n: shown }) : t('nav.notifications')}
      data-testid="notifications-link"
    >
      <svg width="20" height="20" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
        <path d="M12 3a6 6 0 0 0-6 6v4l-2 3h16l-2-3V9a6 6 0 0 0-6-6zm-2 15a2 2 0 0 0 4 0" fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round" />
      </svg>
      <span class="notif-link__text">{t('nav.notifications')}</span>
      {shown > 0 && (
        <span class="notif-badge" aria-hidden="true" data-testid="notifications-badge">
          {shown > 99 ? '99+' : shown}
        </span>
      )}
    </Link>
  );
}
