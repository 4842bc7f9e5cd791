import type { MeFieldsFragment } from './generated/graphql';
import { clearLastSeen, keep, lastSeenKey, ownerOf, setLastSeenOwner } from './lastSeen';
import { createStore, storage, useStore } from './store';

/** The signed-in account: the `MeFields` fragment (`me`, `login`, `register`, …). */
export type Me = MeFieldsFragment;
/** One role of the account; `agencyId` is the agency (OPD) of an AGENCY role. */
export type RoleGrant = Me['roles'][number];

const TOKEN_KEY = 'musrenbang.token';

export const tokenStore = createStore<string | null>(storage.get(TOKEN_KEY));
setLastSeenOwner(ownerOf(tokenStore.get()));
/** undefined while the token is being checked; null when signed out. */
export const meStore = createStore<Me | null | undefined>(tokenStore.get() ? undefined : null);

export function signIn(token: string, account: Me) {
  // The pages kept for offline reading were someone's view (or a guest's): not this account's.
  clearLastSeen();
  setLastSeenOwner(ownerOf(token));
  // …and who is signed in, as `me` would answer, so that the app opens offline before the
  // next full load has asked the server.
  keep(ownerOf(token), lastSeenKey('Me', {}), { me: account });
  storage.set(TOKEN_KEY, token);
  meStore.set(account);
  tokenStore.set(token);
}

export function signOut() {
  clearLastSeen();
  setLastSeenOwner(ownerOf(null));
  storage.set(TOKEN_KEY, null);
  meStore.set(null);
  tokenStore.set(null);
}

export const useMe = () => useStore(meStore);

export const isAdmin = (me: Me | null | undefined) => !!me?.roles.some((r) => r.role === 'ADMIN');
export const isPlanner = (me: Me | null | undefined) => !!me?.roles.some((r) => r.role === 'PLANNER' || r.role === 'ADMIN');
export const moderatedForumIds = (me: Me | null | undefined) =>
  (me?.roles ?? []).filter((r) => r.role === 'MODERATOR' && r.forumId !== null).map((r) => r.forumId as number);
export const agencyIds = (me: Me | null | undefined) =>
  (me?.roles ?? []).filter((r) => r.role === 'AGENCY' && r.agencyId != null).map((r) => r.agencyId as number);
export const isStaff = (me: Me | null | undefined) => isPlanner(me) || moderatedForumIds(me).length > 0;
