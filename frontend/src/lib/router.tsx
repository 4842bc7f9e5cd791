import type { AnchorHTMLAttributes, ComponentChildren } from 'preact';
import { createStore, useStore } from './store';

const here = () => (typeof location === 'undefined' ? '/' : location.pathname + location.search);

export const routeStore = createStore<string>(here());

if (typeof window !== 'undefined') {
  window.addEventListener('popstate', () => routeStore.set(here()));
}

export function navigate(to: string, options: { replace?: boolean } = {}) {
  if (to === here()) return;
  if (options.replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  routeStore.set(here());
}

export function useRoute(): { path: string; query: URLSearchParams } {
  const full = useStore(routeStore);
  const [path, search = ''] = full.split('?');
  return { path, query: new URLSearchParams(search) };
}

/** Replaces the query string (filters, pages) without a new history entry per keystroke. */
export function setQuery(values: Record<string, string | number | null | undefined>, options: { push?: boolean } = {}) {
  const { path, query } = { path: location.pathname, query: new URLSearchParams(location.search) };
  for (const [key, value] of Object.entries(values)) {
    if (value === null || value === undefined || value === '') query.delete(key);
    else query.set(key, String(value));
  }
  const text = query.toString();
  navigate(text ? `${path}?${text}` : path, { replace: !options.push });
}

/** Matches "/usulan/:id" against a path; returns the parameters or null. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/').filter(Boolean);
  const got = path.split('/').filter(Boolean);
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    if (want[i].startsWith(':')) params[want[i].slice(1)] = decodeURIComponent(got[i]);
    else if (want[i] !== got[i]) return null;
  }
  return params;
}

type AnchorProps = AnchorHTMLAttributes<HTMLAnchorElement> & { href: string; children?: ComponentChildren };

/** An ordinary link that navigates in the page (modifier-clicks still open new tabs). */
export function Link({ href, onClick, ...rest }: AnchorProps) {
  return (
    <a
      href={href}
      onClick={(event) => {
        (onClick as ((e: MouseEvent) => void) | undefined)?.(event as unknown as MouseEvent);
        if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
        event.preventDefault();
        navigate(href);
      }}
      {...rest}
    />
  );
}
