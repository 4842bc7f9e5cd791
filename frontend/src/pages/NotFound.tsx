import { PageTitle } from '../components/ui';
import { t } from '../lib/i18n';
import { Link } from '../lib/router';

export function NotFoundPage() {
  return (
    <div class="stack">
      <PageTitle title={t('notFound.title')}>{t('notFound.title')}</PageTitle>
      <p>{t('notFound.text')}</p>
      <p>
        <Link href="/">{t('nav.home')}</Link>
      </p>
    </div>
  );
}
