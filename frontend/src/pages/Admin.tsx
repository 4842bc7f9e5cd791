import { useMutation, useQuery } from '@urql/preact';
import { useState } from 'preact/hooks';
import { ErrorBox, Field, Loading, Notice, PageTitle, Pager, announce, cursorFor } from '../components/ui';
import { fieldErrors, toApiError, type ApiError } from '../lib/errors';
import { label, t, type MessageKey } from '../lib/i18n';
import { CATALOGUE, REGIONS } from '../lib/queries';
import { FORUMS } from '../lib/documents/forums';
import { ADMIN_ACCOUNTS, GRANT_ROLE, REVOKE_ROLE } from '../lib/documents/staff';
import { Link, setQuery, useRoute } from '../lib/router';
import { isAdmin, useMe } from '../lib/session';

const PAGE = 20;
export const GRANTABLE = ['MODERATOR', 'PLANNER', 'AGENCY', 'ADMIN'] as const;
type Grantable = (typeof GRANTABLE)[number];
/** The scope each role needs (src/domain/accounts.rs, `grant_role`). */
export const SCOPE_OF: Record<Grantable, 'forumId' | 'regionId' | 'agencyId' | null> = {
  MODERATOR: 'forumId',
  PLANNER: 'regionId',
  AGENCY: 'agencyId',
  ADMIN: null,
};

interface Names {
  forums: Map<number, string>;
  regions: Map<number, string>;
  agencies: Map<number, string>;
}

function useNames(): Names & { forumList: any[]; regionList: any[]; agencyList: any[] } {
  const [forums] = useQuery({ query: FORUMS, variables: { filter: {}, first: 100 } });
  const [cities] = useQuery({ query: REGIONS, variables: { level: 'KABUPATEN_KOTA', first: 100 } });
  const [districts] = useQuery({ query: REGIONS, variables: { level: 'KECAMATAN', first: 100 } });
  const [catalogue] = useQuery({ query: CATALOGUE });
  const forumList: any[] = forums.data?.forums.nodes ?? [];
  const regionList: any[] = [...(cities.data?.regions.nodes ?? []), ...(districts.data?.regions.nodes ?? [])];
  const agencyList: any[] = catalogue.data?.agencies ?? [];
  return {
    forumList,
    regionList,
    agencyList,
    forums: new Map(forumList.map((f) => [f.id, f.name])),
    regions: new Map(regionList.map((r) => [r.id, r.name])),
    agencies: new Map(agencyList.map((a) => [a.id, a.abbreviation ? `${a.abbreviation} — ${a.name}` : a.name])),
  };
}

function scopeText(g: any, names: Names): string {
  if (g.forumId) return names.forums.get(g.forumId) ?? `#${g.forumId}`;
  if (g.regionId) return names.regions.get(g.regionId) ?? `#${g.regionId}`;
  if (g.agencyId) return names.agencies.get(g.agencyId) ?? `#${g.agencyId}`;
  return '';
}

function GrantForm({ account, names, onDone }: { account: any; names: ReturnType<typeof useNames>; onDone: () => void }) {
  const [role, setRole] = useState<Grantable>('MODERATOR');
  const [scope, setScope] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [state, grant] = useMutation(GRANT_ROLE);
  const fe = fieldErrors(error);
  const field = SCOPE_OF[role];
  const id = `gr-${account.id}`;
  const options: Array<{ id: number; name: string }> =
    field === 'forumId'
      ? names.forumList.map((f) => ({ id: f.id, name: f.name }))
      : field === 'regionId'
        ? names.regionList.map((r) => ({ id: r.id, name: `${r.name} (${label('regionLevel', r.level)})` }))
        : field === 'agencyId'
          ? names.agencyList.map((a) => ({ id: a.id, name: names.agencies.get(a.id) ?? a.name }))
          : [];
  return (
    <form
      class="inline-form stack-sm"
      noValidate
      aria-label={t('admin.grantFor', { name: account.name })}
      onSubmit={async (e) => {
        e.preventDefault();
        const input: Record<string, unknown> = { accountId: account.id, role, forumId: null, regionId: null, agencyId: null };
        if (field) input[field] = scope ? Number(scope) : null;
        const r = await grant({ input });
        const problem = toApiError(r.error);
        setError(problem);
        if (!problem) {
          announce(t('admin.granted', { role: label('role', role), name: account.name }));
          setScope('');
          onDone();
        }
      }}
    >
      <ErrorBox error={error} fieldIds={{ role: `${id}-role`, forumId: `${id}-scope`, regionId: `${id}-scope`, agencyId: `${id}-scope` }} />
      <div class="grid-2">
        <Field id={`${id}-role`} label={t('admin.role')} error={fe.role} required>
          {(a) => (
            <select {...a} value={role} onChange={(e) => (setRole(e.currentTarget.value as Grantable), setScope(''))}>
              {GRANTABLE.map((r) => (
                <option key={r} value={r}>
                  {label('role', r)}
                </option>
              ))}
            </select>
          )}
        </Field>
        {field && (
          <Field id={`${id}-scope`} label={t(`admin.scope.${field}` as MessageKey)} error={fe[field]} required>
            {(a) => (
              <select {...a} value={scope} onChange={(e) => setScope(e.currentTarget.value)}>
                <option value="">{t('form.choose')}</option>
                {options.map((o) => (
                  <option key={o.id} value={o.id}>
                    {o.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
      </div>
      <button type="submit" class="button button--small" disabled={state.fetching}>
        {t('admin.grant')}
      </button>
    </form>
  );
}

function AccountRow({ account, names, onDone }: { account: any; names: ReturnType<typeof useNames>; onDone: () => void }) {
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [state, revoke] = useMutation(REVOKE_ROLE);
  const roles = (account.roles as any[]).filter((g) => g.role !== 'RESIDENT');
  return (
    <li class="account-row">
      <h2 class="h3">{account.name}</h2>
      <p class="muted">
        {[account.email, account.phone, account.homeRegion?.name].filter(Boolean).join(' · ')} · {label('verification', account.verification)}
      </p>
      <ErrorBox error={error} />
      {roles.length === 0 ? (
        <p>{t('admin.noRoles')}</p>
      ) : (
        <ul class="list">
          {roles.map((g) => {
            const where = scopeText(g, names);
            return (
              <li key={g.id} class="role-line">
                <span>
                  <strong>{label('role', g.role)}</strong>
                  {where && <> — {where}</>}
                </span>{' '}
                <button
                  type="button"
                  class="button button--secondary button--small"
                  disabled={state.fetching}
                  onClick={async () => {
                    const r = await revoke({ grantId: g.id });
                    const problem = toApiError(r.error);
                    setError(problem);
                    if (!problem) {
                      announce(t('admin.revoked', { role: label('role', g.role), name: account.name }));
                      onDone();
                    }
                  }}
                >
                  {t('admin.revoke')}
                  <span class="visually-hidden">
                    {' '}
                    {label('role', g.role)} {where} — {account.name}
                  </span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
      <button type="button" class="button button--small" aria-expanded={open} onClick={() => setOpen(!open)}>
        {t('admin.grant')}
        <span class="visually-hidden"> — {account.name}</span>
      </button>
      {open && <GrantForm account={account} names={names} onDone={onDone} />}
    </li>
  );
}

export default function AdminPage() {
  const me = useMe();
  const { query } = useRoute();
  const offset = Number(query.get('offset') ?? 0) || 0;
  const search = query.get('cari') ?? '';
  const [text, setText] = useState(search);
  const admin = isAdmin(me);
  const [result, refetch] = useQuery({ query: ADMIN_ACCOUNTS, variables: { filter: { search: search || null }, first: PAGE, after: cursorFor(offset) }, pause: !admin });
  const names = useNames();
  const page = result.data?.accounts;
  if (!admin) {
    return (
      <div class="stack">
        <PageTitle title={t('admin.title')}>{t('admin.title')}</PageTitle>
        <Notice kind="warning">{me ? t('admin.onlyAdmins') : <Link href="/masuk?next=/admin">{t('nav.login')}</Link>}</Notice>
      </div>
    );
  }
  return (
    <div class="stack">
      <PageTitle title={t('admin.title')}>{t('admin.title')}</PageTitle>
      <p>{t('admin.intro')}</p>
      <form
        class="filters card"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setQuery({ cari: text.trim() || null, offset: null });
        }}
      >
        <div class="field field--wide">
          <label for="admin-search">{t('admin.search')}</label>
          <input id="admin-search" type="search" value={text} onInput={(e) => setText(e.currentTarget.value)} />
        </div>
        <button type="submit" class="button button--secondary">
          {t('admin.find')}
        </button>
      </form>
      <ErrorBox error={toApiError(result.error)} />
      {result.fetching && !page && <Loading />}
      {page && (
        <>
          <ul class="account-list">
            {page.nodes.map((a: any) => (
              <AccountRow key={a.id} account={a} names={names} onDone={() => refetch({ requestPolicy: 'network-only' })} />
            ))}
          </ul>
          <Pager total={page.totalCount} offset={offset} pageSize={PAGE} hasNext={page.pageInfo.hasNextPage} onPage={(o) => setQuery({ offset: o || null }, { push: true })} />
        </>
      )}
    </div>
  );
}
