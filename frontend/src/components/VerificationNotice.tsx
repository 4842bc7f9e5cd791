// What a resident whose account the kelurahan's facilitator has not verified yet reads (after
// registering, on the home page): that they wait, why, and what they can do meanwhile.
import { t } from '../lib/i18n';
import { Link } from '../lib/router';
import { useMe } from '../lib/session';

export function VerificationNotice() {
  const me = useMe();
  if (!me || me.verification === 'VERIFIED') return null;
  if (me.verification === 'REJECTED') {
    return (
      <div class="alert alert--warning" data-testid="verification-notice">
        <p>
          <strong>{t('verify.rejectedTitle')}</strong>
        </p>
        <p>{t('verify.rejected')}</p>
      </div>
    );
  }
  return (
    <div class="alert alert--info" data-testid="verification-notice">
      <p>
        <strong>{t('verify.waitingTitle')}</strong>
      </p>
      <p>{me.homeRegion ? t('verify.waitingWhere', { region: me.homeRegion.name }) : t('verify.waiting')}</p>
      <p>{t('verify.meanwhile')}</p>
      <ul>
        <li>
          <Link href="/usulan/baru">{t('verify.canPropose')}</Link>
        </li>
        <li>
          <Link href="/usulan">{t('verify.canBrowse')}</Link>
        </li>
        <li>
          <Link href="/forum">{t('verify.canFollow')}</Link>
        </li>
      </ul>
    </div>
  );
}
