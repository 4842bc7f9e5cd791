import { formatDateTime } from '../lib/format';
import { t } from '../lib/i18n';
import { lastSeenAt } from '../lib/lastSeen';

/**
 * "Terakhir dilihat …" above a page shown from the copy kept on the phone (lib/lastSeen.ts).
 * A module of its own, apart from the offline queue's panel (Outbox.tsx, loaded once someone
 * is signed in), because the first screens show it.
 */
export function LastSeenNote({ result }: { result: { extensions?: Record<string, unknown> } | null | undefined }) {
  const at = lastSeenAt(result);
  if (at === null) return null;
  return (
    <p class="last-seen" data-testid="last-seen">
      {t('lastSeen.note', { time: formatDateTime(new Date(at).toISOString()) })}
    </p>
  );
}
