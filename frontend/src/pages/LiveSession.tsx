import { Notice, PageTitle } from '../components/ui';
import { t } from '../lib/i18n';
import { Link } from '../lib/router';

/** Placeholder: live sessions (agenda, chat, speaker queue, attendance, polls) arrive with the realtime API. */
export default function LiveSessionPage({ id }: { id: number }) {
  return (
    <div class="stack">
      <PageTitle title={t('live.sessionTitle')}>{t('live.sessionTitle')}</PageTitle>
      <Notice kind="warning">
        <p>
          <strong>{t('live.placeholder')}</strong>
        </p>
        <p>{t('live.placeholderText')}</p>
      </Notice>
      <p>
        <Link href={`/forum/${id}`}>{t('live.back')}</Link>
      </p>
    </div>
  );
}
