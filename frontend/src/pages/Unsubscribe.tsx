import { useMutation } from '@urql/preact';
import { useState } from 'preact/hooks';
import { ErrorBox, PageTitle, announce } from '../components/ui';
import { toApiError, type ApiError } from '../lib/errors';
import type { UnsubscribeFromMailMutation } from '../lib/generated/graphql';
import { t } from '../lib/i18n';
import { UNSUBSCRIBE_FROM_MAIL } from '../lib/documents/notifications';
import { Link, useRoute } from '../lib/router';

/**
 * The unsubscribe link of a notification mail (`/berhenti-langganan?token=…`). Nothing is sent
 * until the person presses the button: mail scanners open the links in a mail.
 */
export default function UnsubscribePage() {
  const { query } = useRoute();
  const token = query.get('token')?.trim() || '';
  const [state, unsubscribe] = useMutation<UnsubscribeFromMailMutation>(UNSUBSCRIBE_FROM_MAIL);
  const [outcome, setOutcome] = useState<'done' | 'invalid' | null>(token ? null : 'invalid');
  const [error, setError] = useState<ApiError | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    const result = await unsubscribe({ token });
    const problem = toApiError(result.error);
    setError(problem);
    if (problem || !result.data) return;
    const done = result.data.unsubscribeFromMail;
    setOutcome(done ? 'done' : 'invalid');
    announce(t(done ? 'unsub.done' : 'unsub.invalid'));
  };
  const settings = <Link href="/notifikasi">{t('notif.title')}</Link>;
  return (
    <div class="stack narrow">
      <PageTitle title={t('unsub.title')}>{t('unsub.title')}</PageTitle>
      {outcome === 'done' ? (
        <div class="alert alert--success" role="status" data-testid="unsubscribed">
          <p>
            <strong>{t('unsub.done')}</strong>
          </p>
          <p>
            {t('unsub.doneSettings')} {settings}.
          </p>
        </div>
      ) : outcome === 'invalid' ? (
        <div class="alert alert--error" role="alert" data-testid="unsubscribe-invalid">
          <p>
            <strong>{t('unsub.invalid')}</strong>
          </p>
          <p>
            {t('unsub.invalidSettings')} {settings}.
          </p>
        </div>
      ) : (
        <form class="card stack" onSubmit={submit} noValidate>
          <p>{t('unsub.lead')}</p>
          <p>{t('unsub.stays')}</p>
          <ErrorBox error={error} />
          <div>
            <button type="submit" class="button" disabled={state.fetching} data-testid="unsubscribe">
              {state.fetching ? t('common.sending') : t('unsub.button')}
            </button>
          </div>
        </form>
      )}
    </div>
  );
}
