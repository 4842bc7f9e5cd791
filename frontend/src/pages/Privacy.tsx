import { PageTitle } from '../components/ui';
import { t, type MessageKey } from '../lib/i18n';
import { Link } from '../lib/router';
import { useMe } from '../lib/session';

function Section({ id, title, items }: { id: string; title: MessageKey; items: MessageKey[] }) {
  return (
    <section class="card stack-sm" aria-labelledby={id}>
      <h2 id={id}>{t(title)}</h2>
      {items.length === 1 ? (
        <p>{t(items[0])}</p>
      ) : (
        <ul>
          {items.map((key) => (
            <li key={key}>{t(key)}</li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** What is kept about a person, why, for how long, who sees it, and their rights (UU 27/2022). */
export default function PrivacyPage() {
  const me = useMe();
  return (
    <div class="stack narrow privacy">
      <PageTitle title={t('privacy.title')}>{t('privacy.title')}</PageTitle>
      <p>{t('privacy.lead')}</p>
      <Section id="privacy-what" title="privacy.whatTitle" items={['privacy.what1', 'privacy.what2', 'privacy.what3', 'privacy.what4', 'privacy.what5', 'privacy.what6', 'privacy.what7', 'privacy.what8']} />
      <Section id="privacy-why" title="privacy.whyTitle" items={['privacy.why']} />
      <Section id="privacy-how-long" title="privacy.howLongTitle" items={['privacy.howLong1', 'privacy.howLong2', 'privacy.howLong3', 'privacy.howLong4', 'privacy.howLong5']} />
      <Section id="privacy-who" title="privacy.whoTitle" items={['privacy.who1', 'privacy.who2', 'privacy.who3']} />
      <section class="card stack-sm" aria-labelledby="privacy-rights">
        <h2 id="privacy-rights">{t('privacy.rightsTitle')}</h2>
        <ul>
          <li>{t('privacy.rights1')}</li>
          <li>{t('privacy.rights2')}</li>
          <li>{t('privacy.rights3')}</li>
        </ul>
        <p>
          {me ? t('privacy.rightsWhere') : t('privacy.rightsLogin')}{' '}
          <Link href={me ? '/akun' : '/masuk?next=/akun'}>{me ? t('account.title') : t('nav.login')}</Link>.
        </p>
      </section>
    </div>
  );
}
