import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { Loading } from './components/ui';

/** A page loaded on first visit, so the first screen downloads only what it shows. */
export function lazyPage<P extends object>(load: () => Promise<{ default: ComponentType<P> }>): ComponentType<P> {
  let loaded: ComponentType<P> | null = null;
  return function LazyPage(props: P) {
    const [Page, setPage] = useState<ComponentType<P> | null>(() => loaded);
    const [failed, setFailed] = useState(false);
    useEffect(() => {
      if (Page) return;
      load()
        .then((m) => {
          loaded = m.default;
          setPage(() => m.default);
        })
        .catch(() => setFailed(true));
    }, []);
    if (failed) return <p role="alert">⚠ {String('Gagal memuat halaman / The page failed to load. ')}<a href={location.href}>↻</a></p>;
    return Page ? <Page {...props} /> : <Loading />;
  };
}

/**
 * A part of the page that the first screen can do without (the signed-in person's bell, the
 * offline queue): fetched when first shown, nothing in its place until then, nor if it cannot
 * be fetched (asked again when next shown).
 */
export function lazyPart<P extends object>(load: () => Promise<{ default: ComponentType<P> }>): ComponentType<P> {
  let loaded: ComponentType<P> | null = null;
  return function LazyPart(props: P) {
    const [Part, setPart] = useState<ComponentType<P> | null>(() => loaded);
    useEffect(() => {
      if (Part) return;
      let live = true;
      load()
        .then((m) => {
          loaded = m.default;
          if (live) setPart(() => m.default);
        })
        .catch(() => undefined);
      return () => {
        live = false;
      };
    }, []);
    return Part ? <Part {...props} /> : null;
  };
}
