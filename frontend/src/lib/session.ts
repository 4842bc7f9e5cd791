import { createStore, storage, useStore } from './store';

export interface RoleGrant {
  id: number;
  role: 'RESIDENT' | 'MODERATOR' | 'PLANNER' | 'ADMIN' | 'AGENCY';
  forumId: number | null;
  regionId: number | null;
  /** For AGENCY: the agency (OPD) whose plan items the account reports on. */
  agencyId?: number | null;
}

export interface Me {
  id: number;
  name: string;
  verification: 'UNVERIFIED' | 'VERIFIED' | 'REJECTED';
  email: string | null;
  phone: string | null;
  homeRegion: { id: number; name: string; level: string; parentId: number | null } | null;
  roles: RoleGrant[];
}

const TOKEN_KEY = 'musrenbang.token';

export const tokenStore = createStore<string | null>(storage.get(TOKEN_KEY));
/** undefined while the token is being checked; null when signed out. */
export const meStore = createStore<Me | null | undefined>(tokenStore.get() ? undefined : null);

export function signIn(token: string, account: Me) {
  storage.set(TOKEN_KEY, token);
  meStore.set(account);
  tokenStore.set(token);
}

export function signOut() {
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
