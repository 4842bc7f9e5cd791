import { useClient, useMutation } from '@urql/preact';
import { useState } from 'preact/hooks';
import { ErrorBox, Field, Notice, PageTitle, announce } from '../components/ui';
import { saveBlob } from '../lib/download';
import { fieldErrors, toApiError, type ApiError } from '../lib/errors';
import { label, t } from '../lib/i18n';
import { CHANGE_EMAIL, CHANGE_PASSWORD, CHANGE_PHONE, ERASE_MY_ACCOUNT, MY_DATA } from '../lib/documents/account';
import { Link, navigate, useRoute } from '../lib/router';
import { meStore, signOut, useMe, type Me } from '../lib/session';

export const MY_DATA_FILE = 'data-saya.json';

/** The JSON of `myData` as a file (pretty-printed: people open it to read it). */
export function myDataBlob(data: unknown): Blob {
  return new Blob([`${JSON.stringify(data, null, 2)}\n`], { type: 'application/json' });
}

function ChangePassword() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [done, setDone] = useState(false);
  const [state, change] = useMutation(CHANGE_PASSWORD);
  const fe = fieldErrors(error);
  const submit = async (e: Event) => {
    e.preventDefault();
    setDone(false);
    const result = await change({ currentPassword: current, newPassword: next });
    const problem = toApiError(result.error);
    setError(problem);
    if (!problem) {
      setCurrent('');
      setNext('');
      setDone(true);
      announce(t('account.passwordChanged'));
    }
  };
  return (
    <form class="card stack" onSubmit={submit} noValidate aria-labelledby="acc-password-heading">
      <h2 id="acc-password-heading">{t('account.changePassword')}</h2>
      <p class="hint">{t('account.changePasswordHint')}</p>
      <ErrorBox error={error} fieldIds={{ currentPassword: 'acc-current', password: 'acc-current', newPassword: 'acc-new' }} />
      {done && <Notice kind="success">{t('account.passwordChanged')}</Notice>}
      <Field id="acc-current" label={t('auth.currentPassword')} error={fe.currentPassword ?? fe.password} required>
        {(a) => <input {...a} type="password" autoComplete="current-password" value={current} onInput={(e) => setCurrent(e.currentTarget.value)} />}
      </Field>
      <Field id="acc-new" label={t('auth.newPassword')} hint={t('auth.passwordHint')} error={fe.newPassword} required>
        {(a) => <input {...a} type="password" autoComplete="new-password" value={next} onInput={(e) => setNext(e.currentTarget.value)} />}
      </Field>
      <div>
        <button type="submit" class="button" disabled={state.fetching}>
          {state.fetching ? t('common.sending') : t('account.changePassword')}
        </button>
      </div>
    </form>
  );
}

/** Changes (or, left empty, removes) the email or the phone number, confirmed with the password. */
function ChangeContact({ kind, me }: { kind: 'email' | 'phone'; me: Me }) {
  const [value, setValue] = useState((kind === 'email' ? me.email : me.phone) ?? '');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [done, setDone] = useState(false);
  const [state, change] = useMutation(kind === 'email' ? CHANGE_EMAIL : CHANGE_PHONE);
  const fe = fieldErrors(error);
  const id = `acc-${kind}`;
  const submit = async (e: Event) => {
    e.preventDefault();
    setDone(false);
    const result = await change({ password, [kind]: value.trim() || null });
    const problem = toApiError(result.error);
    setError(problem);
    if (!problem && result.data) {
      const account = kind === 'email' ? result.data.changeEmail : result.data.changePhone;
      const current = meStore.get();
      if (current && account) meStore.set({ ...current, ...account });
      setPassword('');
      setDone(true);
      announce(t(kind === 'email' ? 'account.emailChanged' : 'account.phoneChanged'));
    }
  };
  return (
    <form class="card stack" onSubmit={submit} noValidate aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{t(kind === 'email' ? 'account.changeEmail' : 'account.changePhone')}</h2>
      <ErrorBox error={error} fieldIds={{ [kind]: id, password: `${id}-password` }} />
      {done && <Notice kind="success">{t(kind === 'email' ? 'account.emailChanged' : 'account.phoneChanged')}</Notice>}
      <Field
        id={id}
        label={t(kind === 'email' ? 'account.newEmail' : 'account.newPhone')}
        hint={t(kind === 'email' ? 'account.newEmailHint' : 'account.newPhoneHint')}
        error={fe[kind]}
      >
        {(a) =>
          kind === 'email' ? (
            <input {...a} type="email" autoComplete="email" value={value} onInput={(e) => setValue(e.currentTarget.value)} />
          ) : (
            <input {...a} type="tel" inputMode="tel" autoComplete="tel" value={value} onInput={(e) => setValue(e.currentTarget.value)} />
          )
        }
      </Field>
      <Field id={`${id}-password`} label={t('account.confirmPassword')} error={fe.password} required>
        {(a) => <input {...a} type="password" autoComplete="current-password" value={password} onInput={(e) => setPassword(e.currentTarget.value)} />}
      </Field>
      <div>
        <button type="submit" class="button" disabled={state.fetching}>
          {state.fetching ? t('common.sending') : t('account.save')}
        </button>
      </div>
    </form>
  );
}

function MyData() {
  const client = useClient();
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const download = async () => {
    setBusy(true);
    setSaved(false);
    const result = await client.query(MY_DATA, {}, { requestPolicy: 'network-only' }).toPromise();
    setBusy(false);
    const problem = toApiError(result.error);
    setError(problem);
    if (problem || !result.data) return;
    saveBlob(myDataBlob(result.data.myData), MY_DATA_FILE);
    setSaved(true);
    announce(t('account.downloaded', { name: MY_DATA_FILE }));
  };
  return (
    <section class="card stack" aria-labelledby="acc-data-heading">
      <h2 id="acc-data-heading">{t('account.data')}</h2>
      <p>{t('account.dataHint')}</p>
      <ErrorBox error={error} />
      {saved && <Notice kind="success">{t('account.downloaded', { name: MY_DATA_FILE })}</Notice>}
      <div>
        <button type="button" class="button button--secondary" disabled={busy} onClick={download}>
          {busy ? t('common.loading') : t('account.download')}
        </button>
      </div>
    </section>
  );
}

function EraseAccount() {
  const [open, setOpen] = useState(false);
  const [password, setPassword] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [state, erase] = useMutation(ERASE_MY_ACCOUNT);
  const fe = fieldErrors(error);
  const submit = async (e: Event) => {
    e.preventDefault();
    const result = await erase({ password });
    const problem = toApiError(result.error);
    setError(problem);
    if (!problem) {
      // Signed out everywhere by the server; forget the token here too.
      signOut();
      announce(t('account.erased'));
      navigate('/akun?dihapus=1', { replace: true });
    }
  };
  return (
    <section class="card stack danger-zone" aria-labelledby="acc-erase-heading">
      <h2 id="acc-erase-heading">{t('account.erase')}</h2>
      <p>{t('account.eraseHint')}</p>
      {!open ? (
        <div>
          <button type="button" class="button button--danger" aria-expanded="false" aria-controls="acc-erase-form" onClick={() => setOpen(true)}>
            {t('account.eraseStart')}
          </button>
        </div>
      ) : (
        <form id="acc-erase-form" class="stack" onSubmit={submit} noValidate>
          <ErrorBox error={error} fieldIds={{ password: 'acc-erase-password' }} />
          <Field id="acc-erase-password" label={t('account.confirmPassword')} error={fe.password} required>
            {(a) => <input {...a} type="password" autoComplete="current-password" value={password} onInput={(e) => setPassword(e.currentTarget.value)} />}
          </Field>
          <div class="button-row">
            <button type="submit" class="button button--danger" disabled={state.fetching || !password}>
              {state.fetching ? t('common.sending') : t('account.eraseConfirm')}
            </button>
            <button
              type="button"
              class="button button--secondary"
              onClick={() => {
                setOpen(false);
                setPassword('');
                setError(null);
              }}
            >
              {t('common.cancel')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

export default function AccountPage() {
  const me = useMe();
  const { query } = useRoute();
  if (!me) {
    return (
      <div class="stack narrow">
        <PageTitle title={t('account.title')}>{t('account.title')}</PageTitle>
        {query.get('dihapus') === '1' ? (
          <div class="alert alert--success" role="status" data-testid="account-erased">
            <strong>{t('account.erased')}</strong>
          </div>
        ) : (
          <Notice>
            <Link href="/masuk?next=/akun">{t('nav.login')}</Link> {t('account.loginFirst')}
          </Notice>
        )}
      </div>
    );
  }
  const none = <span class="muted">{t('account.none')}</span>;
  return (
    <div class="stack narrow">
      <PageTitle title={t('account.title')}>{t('account.title')}</PageTitle>
      <section class="card" aria-labelledby="acc-details-heading">
        <h2 id="acc-details-heading">{t('account.details')}</h2>
        <dl class="facts facts--wide" data-testid="account-details">
          <div>
            <dt>{t('account.name')}</dt>
            <dd>{me.name}</dd>
          </div>
          <div>
            <dt>{t('account.email')}</dt>
            <dd data-testid="account-email">{me.email ?? none}</dd>
          </div>
          <div>
            <dt>{t('account.phone')}</dt>
            <dd data-testid="account-phone">{me.phone ?? none}</dd>
          </div>
          <div>
            <dt>{t('account.home')}</dt>
            <dd>{me.homeRegion?.name ?? none}</dd>
          </div>
          <div>
            <dt>{t('account.verification')}</dt>
            <dd>{label('verification', me.verification)}</dd>
          </div>
        </dl>
        <p>
          {t('account.privacy')} <Link href="/privasi">{t('nav.privacy')}</Link>
        </p>
      </section>
      <ChangePassword />
      <ChangeContact kind="email" me={me} />
      <ChangeContact kind="phone" me={me} />
      <MyData />
      <EraseAccount />
    </div>
  );
}
