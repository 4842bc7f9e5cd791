import { Provider, useClient, useQuery } from '@urql/preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { toApiError } from './lib/errors';
import { makeClient } from './lib/graphql';
import { loadLocale, localeStore, setLocale, t, type Locale } from './lib/i18n';
import { LOGOUT, ME } from './lib/queries';
import { Link, match, navigate, useRoute } from './lib/router';
import { agencyIds, isAdmin, isPlanner, isStaff, meStore, signOut, tokenStore, useMe, type Me } from './lib/session';
import { useStore } from './lib/store';
import { LiveRegion, Loading, RetryBanner, announce } from './components/ui';
import { lazyPage, lazyPart } from './lazy';
import { HomePage } from './pages/Home';
import { ProposalsPage } from './pages/Proposals';
import { NotFoundPage } from './pages/NotFound';

// Signing in and a proposal's own page come after a click (or a link): loaded then, so the
// first screen does not wait for them (issue #16).
const auth = () => import('./pages/Auth');
const LoginPage = lazyPage(async () => ({ default: (await auth()).LoginPage }));
const RegisterPage = lazyPage(async () => ({ default: (await auth()).RegisterPage }));
const ForgotPasswordPage = lazyPage(async () => ({ default: (await auth()).ForgotPasswordPage }));
const SetPasswordPage = lazyPage(async () => ({ default: (await auth()).SetPasswordPage }));
const ConfirmRegistrationPage = lazyPage(async () => ({ default: (await auth()).ConfirmRegistrationPage }));
const ProposalPage = lazyPage(async () => ({ default: (await import('./pages/Proposal')).ProposalPage }));
// Only for someone signed in: the bell (and the live stream behind it), the offline queue.
const NotificationsLink = lazyPart(async () => ({ default: (await import('./components/NotificationsLink')).NotificationsLink }));
const Outbox = lazyPart(async () => {
  const { OutboxPanel, OutboxRunner } = await import('./components/Outbox');
  return {
    default: () => (
      <>
        <OutboxRunner />
        <OutboxPanel />
      </>
    ),
  };
});

const ProposalFormPage = lazyPage(() => import('./pages/ProposalForm'));
const MyProposalsPage = lazyPage(() => import('./pages/MyProposals'));
const MapPage = lazyPage(() => import('./pages/Map'));
const ForumsPage = lazyPage(() => import('./pages/Forums'));
const ForumPage = lazyPage(() => import('./pages/Forum'));
const RoundPage = lazyPage(() => import('./pages/Round'));
const ResultsPage = lazyPage(() => import('./pages/Results'));
const ModerationPage = lazyPage(() => import('./pages/Moderation'));
const PlanningPage = lazyPage(() => import('./pages/Planning'));
const PlanningDashboardPage = lazyPage(() => import('./pages/PlanningDashboard'));
const LiveSessionPage = lazyPage(() => import('./pages/LiveSession'));
const HallPage = lazyPage(() => import('./pages/Hall'));
const AdminPage = lazyPage(() => import('./pages/Admin'));
const AccountPage = lazyPage(() => import('./pages/Account'));
const PrivacyPage = lazyPage(() => import('./pages/Privacy'));
const NotificationsPage = lazyPage(() => import('./pages/Notifications'));
const UnsubscribePage = lazyPage(() => import('./pages/Unsubscribe'));
const ReportsPage = lazyPage(() => import('./pages/Reports'));
const ReportFormPage = lazyPage(() => import('./pages/ReportForm'));
const ReportPage = lazyPage(() => import('./pages/Report'));
const ReportDashboardPage = lazyPage(() => import('./pages/ReportDashboard'));

type Params = Record<string, string>;
const routes: Array<[string, (p: Params) => preact.JSX.Element]> = [
  ['/', () => <HomePage />],
  ['/masuk', () => <LoginPage />],
  ['/daftar', () => <RegisterPage />],
  ['/lupa-sandi', () => <ForgotPasswordPage />],
  ['/atur-sandi', () => <SetPasswordPage />],
  ['/konfirmasi-daftar', () => <ConfirmRegistrationPage />],
  ['/akun', () => <AccountPage />],
  ['/privasi', () => <PrivacyPage />],
  ['/notifikasi', () => <NotificationsPage />],
  ['/berhenti-langganan', () => <UnsubscribePage />],
  ['/usulan', () => <ProposalsPage />],
  ['/usulan/baru', () => <ProposalFormPage />],
  ['/usulan/:id', (p) => <ProposalPage id={Number(p.id)} />],
  ['/usulan/:id/ubah', (p) => <ProposalFormPage editId={Number(p.id)} />],
  ['/usulan-saya', () => <MyProposalsPage />],
  ['/peta', () => <MapPage />],
  ['/forum', () => <ForumsPage />],
  ['/forum/:id', (p) => <ForumPage id={Number(p.id)} />],
  ['/forum/:id/hasil', (p) => <ResultsPage id={Number(p.id)} />],
  ['/sesi/:id', (p) => <LiveSessionPage id={Number(p.id)} />],
  ['/sesi/:id/aula', (p) => <HallPage id={Number(p.id)} />],
  ['/putaran/:id', (p) => <RoundPage id={Number(p.id)} />],
  ['/moderasi', () => <ModerationPage />],
  ['/perencanaan', () => <PlanningPage />],
  ['/perencanaan/dasbor', () => <PlanningDashboardPage />],
  ['/admin', () => <AdminPage />],
  ['/laporan', () => <ReportsPage />],
  ['/laporan/baru', () => <ReportFormPage />],
  ['/laporan/antrian', () => <ReportsPage queue />],
  ['/laporan/statistik', () => <ReportDashboardPage />],
  ['/laporan/:id', (p) => <ReportPage id={Number(p.id)} />],
];

function resolve(path: string) {
  for (const [pattern, render] of routes) {
    const params = match(pattern, path);
    if (params && Object.values(params).every((v) => /^\d+$/.test(v))) return render(params);
  }
  return <NotFoundPage />;
}

function isTransient(error: Parameters<typeof toApiError>[0]): boolean {
  const code = toApiError(error)?.code;
  return code === 'UNAVAILABLE' || code === 'NETWORK';
}

/** Checks a stored token once: an expired or revoked one signs the visitor out. */
function SessionCheck() {
  const token = useStore(tokenStore);
  const me = useStore(meStore);
  const [result, reexecute] = useQuery({ query: ME, pause: !token || me !== undefined, requestPolicy: 'network-only' });
  useEffect(() => {
    if (!token || me !== undefined || result.fetching) return;
    if (result.data?.me) meStore.set(result.data.me as Me);
    else if (isTransient(result.error)) {
      // The server could not check the token (it is restarting or without its database, even
      // after the retries): that says nothing about the token, so keep it and ask again.
      const timer = setTimeout(() => reexecute({ requestPolicy: 'network-only' }), 30_000);
      return () => clearTimeout(timer);
    } else if (result.data || result.error) signOut();
  }, [result, token, me]);
  return null;
}

function LanguageSwitch() {
  const locale = useStore(localeStore);
  // English is fetched the first time it is chosen (lib/i18n.ts); say so if it cannot be.
  const choose = (l: Locale) => {
    setLocale(l);
    loadLocale(l).catch(() => announce(t('nav.languageFailed')));
  };
  return (
    <div class="lang" role="group" aria-label={t('nav.language')}>
      {(['id', 'en'] as const).map((l) => (
        <button key={l} type="button" lang={l} aria-pressed={locale === l} onClick={() => choose(l)} class="lang__button">
          {l === 'id' ? 'ID' : 'EN'}
          <span class="visually-hidden"> — {l === 'id' ? 'Bahasa Indonesia' : 'English'}</span>
        </button>
      ))}
    </div>
  );
}

export function Header({ path }: { path: string }) {
  const me = useMe();
  const client = useClient();
  const [open, setOpen] = useState(false);
  useEffect(() => setOpen(false), [path]);
  const item = (href: string, text: string, isCurrent?: boolean) => {
    const current = isCurrent ?? (href === '/' ? path === '/' : path === href || path.startsWith(`${href}/`));
    return (
      <li>
        <Link href={href} aria-current={current ? 'page' : undefined}>
          {text}
        </Link>
      </li>
    );
  };
  return (
    <header class="site-header">
      <div class={`site-header__bar${me ? ' site-header__bar--bell' : ''}`}>
        <Link href="/" class="brand">
          <svg width="28" height="28" viewBox="0 0 16 16" aria-hidden="true">
            <rect width="16" height="16" rx="3" fill="currentColor" />
            <path d="M3 12V4l5 4 5-4v8" stroke="#fff" stroke-width="2" fill="none" />
          </svg>
          <span>Musrenbang</span>
        </Link>
        {me && <NotificationsLink current={path === '/notifikasi'} />}
        <LanguageSwitch />
        <button type="button" class="menu-button" aria-expanded={open} aria-controls="site-nav" onClick={() => setOpen(!open)}>
          {t('nav.menu')}
        </button>
      </div>
      <nav id="site-nav" class={`site-nav${open ? ' site-nav--open' : ''}`} aria-label={t('nav.main')}>
        <ul>
          {item('/', t('nav.home'))}
          {item('/usulan', t('nav.proposals'))}
          {item('/peta', t('nav.map'))}
          {item('/forum', t('nav.forums'))}
          {item('/laporan', t('nav.reports'), (path === '/laporan' || path.startsWith('/laporan/')) && path !== '/laporan/baru' && path !== '/laporan/antrian')}
          {me && item('/usulan-saya', t('nav.myProposals'))}
          {me && item('/usulan/baru', t('nav.newProposal'))}
          {me && item('/laporan/baru', t('nav.newReport'))}
          {(isStaff(me) || agencyIds(me).length > 0) && item('/laporan/antrian', t('nav.reportQueue'))}
          {isStaff(me) && item('/moderasi', t('nav.moderation'))}
          {isPlanner(me) && item('/perencanaan', t('nav.planning'))}
          {isAdmin(me) && item('/admin', t('nav.admin'))}
        </ul>
        <div class="account">
          {me ? (
            <>
              <span class="account__name">{me.name}</span>
              <Link href="/akun" aria-current={path === '/akun' ? 'page' : undefined}>
                {t('nav.account')}
              </Link>
              <button
                type="button"
                class="button button--link"
                onClick={async () => {
                  // Revoke the token on the server, then forget it here (even if the server is unreachable).
                  await client.mutation(LOGOUT, {}).toPromise().catch(() => undefined);
                  signOut();
                  navigate('/');
                }}
              >
                {t('nav.logout')}
              </button>
            </>
          ) : me === null ? (
            <>
              <Link href="/masuk">{t('nav.login')}</Link>
              <Link href="/daftar" class="button button--small">
                {t('nav.register')}
              </Link>
            </>
          ) : null}
        </div>
      </nav>
    </header>
  );
}

export function App() {
  const token = useStore(tokenStore);
  // Read so that the whole app re-renders in the new language at a switch.
  useStore(localeStore);
  const me = useStore(meStore);
  const client = useMemo(() => makeClient(token), [token]);
  const { path } = useRoute();
  // The hall's projector view (issue #17): full screen, without the site's header and footer.
  const hall = /^\/sesi\/\d+\/aula$/.test(path);
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    // After navigation, move focus to the new page's heading (or main) and scroll up.
    window.scrollTo(0, 0);
    const timer = setTimeout(() => {
      const heading = main.current?.querySelector<HTMLElement>('h1');
      (heading ?? main.current)?.focus();
    }, 60);
    return () => clearTimeout(timer);
  }, [path]);
  return (
    <Provider value={client}>
      <SessionCheck />
      <a class="skip-link" href="#main">
        {t('nav.skip')}
      </a>
      {!hall && <Header path={path} />}
      <RetryBanner />
      {me && <Outbox />}
      {/* Not keyed by the locale: a switch of language re-renders the page in place (App reads
          the locale store), so what someone typed into a form survives it. */}
      <main id="main" tabIndex={-1} ref={main}>
        {me === undefined && token ? <Loading /> : resolve(path)}
      </main>
      {!hall && <footer class="site-footer">
        <p>{t('footer.text')}</p>
        <p>
          <Link href="/privasi">{t('footer.privacy')}</Link>
        </p>
      </footer>}
      <LiveRegion />
    </Provider>
  );
}
