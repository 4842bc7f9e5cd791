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
