import { useMutation } from '@urql/preact';
import { useState } from 'preact/hooks';
import { ErrorBox, Field, PageTitle, announce } from '../components/ui';
import { RegionCascade } from '../components/RegionCascade';
import { FormProblems, useFormProblems } from '../components/FormProblems';
import { VerificationNotice } from '../components/VerificationNotice';
import { Checks } from '../lib/validation';
import { fieldErrors, toApiError, type ApiError } from '../lib/errors';
import { t } from '../lib/i18n';
import { LOGIN, CONFIRM_REGISTRATION, REGISTER, REQUEST_PASSWORD_RESET, RESET_PASSWORD } from '../lib/documents/auth';
import { Link, navigate, useRoute } from '../lib/router';
import { signIn } from '../lib/session';
import { safeNextPath } from '../lib/links';

function afterSignIn(next: string | null) {
  navigate(safeNextPath(next) ?? '/');
}

export function LoginPage() {
  const { query } = useRoute();
  const [identifier, setIdentifier] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [state, login] = useMutation(LOGIN);
  const fe = fieldErrors(error);
  const submit = async (e: Event) => {
    e.preventDefault();
    const result = await login({ identifier: identifier.trim(), password });
    const problem = toApiError(result.error);
    setError(problem);
    if (!problem && result.data) {
      signIn(result.data.login.token, result.data.login.account);
      announce(t('auth.welcome', { name: result.data.login.account.name }));
      afterSignIn(query.get('next'));
    }
  };
  return (
    <div class="stack narrow">
      <PageTitle title={t('auth.loginTitle')}>{t('auth.loginTitle')}</PageTitle>
      <form onSubmit={submit} class="card stack" noValidate>
        {error?.code === 'UNAUTHENTICATED' ? (
          <div class="alert alert--error" role="alert">
            <strong>{t('auth.wrongCredentials')}</strong>
          </div>
        ) : (
          <ErrorBox error={error} />
        )}
        <Field id="login-identifier" label={t('auth.identifier')} hint={t('auth.identifierHint')} error={fe.identifier} required>
          {(a) => <input {...a} type="text" autoComplete="username" value={identifier} onInput={(e) => setIdentifier(e.currentTarget.value)} />}
        </Field>
        <Field id="login-password" label={t('auth.password')} error={fe.password} required>
          {(a) => <input {...a} type="password" autoComplete="current-password" value={password} onInput={(e) => setPassword(e.currentTarget.value)} />}
        </Field>
        <button type="submit" class="button" disabled={state.fetching}>
          {state.fetching ? t('common.sending') : t('auth.login')}
        </button>
        <p>
          <Link href="/lupa-sandi">{t('auth.forgot')}</Link>
        </p>
        <p>
          {t('auth.noAccount')} <Link href="/daftar">{t('nav.register')}</Link>
        </p>
      </form>
    </div>
  );
}

export function RegisterPage() {
  const { query } = useRoute();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [phone, setPhone] = useState('');
  const [password, setPassword] = useState('');
  const [home, setHome] = useState<number[]>([]);
  const [state, register] = useMutation(REGISTER);
  const [mailedTo, setMailedTo] = useState<string | null>(null);
  const [registered, setRegistered] = useState(false);
  const problems = useFormProblems(
    { name: 'reg-name', email: 'reg-email', phone: 'reg-phone', password: 'reg-password', homeRegionId: 'reg-home-0' },
    { values: { name, email, phone, password } },
  );
  const fe = problems.fe;
  const submit = async (e: Event) => {
    e.preventDefault();
    // RegisterInput's rules (accounts.rs), all at once; the server checks again.
    const c = new Checks();
    c.text('name', name, 2, 120);
    if (email.trim() && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim())) c.add('email', 'field.email');
    if (!email.trim() && !phone.trim()) c.add('email', 'field.emailOrPhone');
    if (password === '') c.add('password', 'field.required');
    else if (password.length < 8 || password.length > 128) c.add('password', 'field.lengthBetween', { min: 8, max: 128 });
    if (home.length < 2) c.add('homeRegionId', 'auth.homeRequired');
    if (!problems.check(c)) return;
    const input = {
      name: name.trim(),
      email: email.trim() || null,
      phone: phone.trim() || null,
      password,
      homeRegionId: home[home.length - 1] ?? null,
    };
    const result = await register({ input });
    const problem = toApiError(result.error);
    problems.fail(problem);
    const answer = result.data?.register;
    if (problem || !answer) return;
    if (answer.confirmationMailed || !answer.token || !answer.account) {
      setMailedTo(input.email ?? '');
      announce(t('register.mailed'));
      return;
    }
    signIn(answer.token, answer.account);
    announce(`${t('auth.registered')} ${t('verify.waiting')}`);
    setRegistered(true);
  };
  if (registered) {
    // Signed in, but not verified yet: say so before going on.
    return (
      <div class="stack narrow">
        <PageTitle title={t('auth.registered')}>{t('auth.registered')}</PageTitle>
        <VerificationNotice />
        <p>
          <Link href={safeNextPath(query.get('next')) ?? '/'} class="button">
            {t('verify.continue')}
          </Link>
        </p>
      </div>
    );
  }
  if (mailedTo !== null) {
    return (
      <div class="stack narrow">
        <PageTitle title={t('auth.registerTitle')}>{t('auth.registerTitle')}</PageTitle>
        <div class="alert alert--success" role="status" data-testid="register-mailed">
          <p>
            <strong>{t('register.mailed')}</strong>
          </p>
          <p>{t('register.mailedHint', { email: mailedTo })}</p>
          <p data-testid="register-next">{t('verify.afterMail')}</p>
        </div>
        <p>
          <Link href="/masuk">{t('forgot.back')}</Link>
        </p>
      </div>
    );
  }
  return (
    <div class="stack narrow">
      <PageTitle title={t('auth.registerTitle')}>{t('auth.registerTitle')}</PageTitle>
      <p>{t('auth.registerLead')}</p>
      <form onSubmit={submit} class="card stack" noValidate>
        <FormProblems {...problems.summary} />
        <Field id="reg-name" label={t('auth.name')} error={fe.name} required>
          {(a) => <input {...a} type="text" autoComplete="name" value={name} onInput={(e) => setName(e.currentTarget.value)} />}
        </Field>
        <Field id="reg-email" label={t('auth.email')} hint={t('auth.emailOrPhoneHint')} error={fe.email}>
          {(a) => <input {...a} type="email" autoComplete="email" value={email} onInput={(e) => setEmail(e.currentTarget.value)} />}
        </Field>
        <Field id="reg-phone" label={t('auth.phone')} hint={t('auth.phoneHint')} error={fe.phone}>
          {(a) => <input {...a} type="tel" autoComplete="tel" inputMode="tel" value={phone} onInput={(e) => setPhone(e.currentTarget.value)} />}
        </Field>
        <Field id="reg-password" label={t('auth.password')} hint={t('auth.passwordHint')} error={fe.password} required>
          {(a) => <input {...a} type="password" autoComplete="new-password" minLength={8} value={password} onInput={(e) => setPassword(e.currentTarget.value)} />}
        </Field>
        <RegionCascade
          idPrefix="reg-home"
          legend={t('auth.home')}
          hint={t('auth.homeHint')}
          levels={['KECAMATAN', 'DESA_KELURAHAN', 'RW', 'RT']}
          value={home}
          onChange={setHome}
          requiredDepth={2}
          error={fe.homeRegionId}
        />
        <p class="hint" data-testid="register-consent">
          {t('auth.consent')} <Link href="/privasi">{t('auth.consentLink')}</Link>.
        </p>
        <button type="submit" class="button" disabled={state.fetching}>
          {state.fetching ? t('common.sending') : t('auth.register')}
        </button>
        <p>
          {t('auth.haveAccount')} <Link href="/masuk">{t('nav.login')}</Link>
        </p>
      </form>
    </div>
  );
}

/** Asks for a reset link by email; the answer is the same whether or not the address has an account. */
export function ForgotPasswordPage() {
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [state, request] = useMutation(REQUEST_PASSWORD_RESET);
  const fe = fieldErrors(error);
  const submit = async (e: Event) => {
    e.preventDefault();
    const result = await request({ email: email.trim() });
    const problem = toApiError(result.error);
    setError(problem);
    if (!problem) {
      setSent(true);
      announce(t('forgot.sent'));
    }
  };
  return (
    <div class="stack narrow">
      <PageTitle title={t('forgot.title')}>{t('forgot.title')}</PageTitle>
      {sent ? (
        <div class="alert alert--success" role="status" data-testid="reset-sent">
          <p>
            <strong>{t('forgot.sent')}</strong>
          </p>
          <p>{t('forgot.sentHint')}</p>
        </div>
      ) : (
        <form onSubmit={submit} class="card stack" noValidate>
          <p>{t('forgot.lead')}</p>
          <ErrorBox error={error} fieldIds={{ email: 'forgot-email' }} />
          <Field id="forgot-email" label={t('auth.email')} error={fe.email} required>
            {(a) => <input {...a} type="email" autoComplete="email" value={email} onInput={(e) => setEmail(e.currentTarget.value)} />}
          </Field>
          <button type="submit" class="button" disabled={state.fetching || !email.trim()}>
            {state.fetching ? t('common.sending') : t('forgot.send')}
          </button>
        </form>
      )}
      <section class="card" aria-labelledby="forgot-no-email">
        <h2 id="forgot-no-email">{t('forgot.noEmailTitle')}</h2>
        <p>
          {t('forgot.noEmail')} <Link href="/atur-sandi">{t('forgot.noEmailLink')}</Link>.
        </p>
      </section>
      <p>
        <Link href="/masuk">{t('forgot.back')}</Link>
      </p>
    </div>
  );
}

/** Opens the link a registration mailed (`?token=`): creates the account and signs in. */
export function ConfirmRegistrationPage() {
  const { query } = useRoute();
  const token = query.get('token')?.trim() || '';
  const [error, setError] = useState<ApiError | null>(null);
  const [state, confirm] = useMutation(CONFIRM_REGISTRATION);
  const submit = async (e: Event) => {
    e.preventDefault();
    const result = await confirm({ token });
    const problem = toApiError(result.error);
    setError(problem);
    if (!problem && result.data) {
      signIn(result.data.confirmRegistration.token, result.data.confirmRegistration.account);
      announce(t('auth.registered'));
      navigate('/');
    }
  };
  return (
    <div class="stack narrow">
      <PageTitle title={t('register.confirmTitle')}>{t('register.confirmTitle')}</PageTitle>
      {!token ? (
        <div class="alert alert--error" role="alert">
          <p>{t('register.noToken')}</p>
        </div>
      ) : (
        // A button, not an automatic request: mail scanners that open links must not use it up.
        <form onSubmit={submit} class="card stack" noValidate>
          <p>{t('register.confirmLead')}</p>
          <ErrorBox error={error} fieldIds={{}} />
          <button type="submit" class="button" disabled={state.fetching} data-testid="confirm-registration">
            {state.fetching ? t('common.sending') : t('register.confirm')}
          </button>
        </form>
      )}
      <p>
        <Link href="/daftar">{t('nav.register')}</Link>
      </p>
    </div>
  );
}

/**
 * Sets a new password with the token of an e-mailed link (`?token=`, no code field then) or a
 * code a moderator handed over; signs in as login does.
 */
export function SetPasswordPage() {
  const { query } = useRoute();
  const fromLink = query.get('token')?.trim() || '';
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [localError, setLocalError] = useState<Record<string, string>>({});
  const [state, reset] = useMutation(RESET_PASSWORD);
  const server = fieldErrors(error);
  const fe: Record<string, string | undefined> = { ...server, newPassword: server.newPassword ?? server.password, ...localError };
  const submit = async (e: Event) => {
    e.preventDefault();
    const local: Record<string, string> = {};
    if (!fromLink && !code.trim()) local.token = t('field.required');
    if (password !== confirm) local.confirm = t('auth.passwordsDiffer');
    setLocalError(local);
    if (Object.keys(local).length) {
      document.getElementById(local.token ? 'reset-code' : 'reset-confirm')?.focus();
      return;
    }
    const result = await reset({ token: fromLink || code.trim(), newPassword: password });
    const problem = toApiError(result.error);
    setError(problem);
    if (!problem && result.data) {
      signIn(result.data.resetPassword.token, result.data.resetPassword.account);
      announce(t('reset.done'));
      navigate('/');
    }
  };
  const badLink = !!fromLink && !!server.token;
  return (
    <div class="stack narrow">
      <PageTitle title={t('reset.title')}>{t('reset.title')}</PageTitle>
      <p>{fromLink ? t('reset.leadLink') : t('reset.leadCode')}</p>
      <form onSubmit={submit} class="card stack" noValidate>
        {badLink ? (
          <div class="alert alert--error" role="alert" data-testid="reset-bad-token">
            <p>
              <strong>{t('reset.badToken')}</strong>
            </p>
            <p>
              <Link href="/lupa-sandi">{t('reset.requestNew')}</Link>
            </p>
          </div>
        ) : (
          <ErrorBox error={error} fieldIds={{ token: 'reset-code', newPassword: 'reset-password', password: 'reset-password' }} />
        )}
        {!fromLink && (
          <Field id="reset-code" label={t('reset.code')} hint={t('reset.codeHint')} error={fe.token} required>
            {(a) => <input {...a} type="text" autoComplete="one-time-code" autoCapitalize="characters" spellcheck={false} value={code} onInput={(e) => setCode(e.currentTarget.value)} />}
          </Field>
        )}
        <Field id="reset-password" label={t('auth.newPassword')} hint={t('auth.passwordHint')} error={fe.newPassword} required>
          {(a) => <input {...a} type="password" autoComplete="new-password" value={password} onInput={(e) => setPassword(e.currentTarget.value)} />}
        </Field>
        <Field id="reset-confirm" label={t('auth.newPasswordConfirm')} error={fe.confirm} required>
          {(a) => <input {...a} type="password" autoComplete="new-password" value={confirm} onInput={(e) => setConfirm(e.currentTarget.value)} />}
        </Field>
        <button type="submit" class="button" disabled={state.fetching}>
          {state.fetching ? t('common.sending') : t('reset.submit')}
        </button>
      </form>
    </div>
  );
}
