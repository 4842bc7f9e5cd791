import { render } from 'preact';
import { App } from './app';
import { localeReady, localeStore } from './lib/i18n';
import './styles.css';

// Indonesian renders at once; a reader who chose English waits for its dictionary (a few
// seconds at most, then Indonesian until it arrives) rather than seeing Indonesian first.
void localeReady().then(() => {
  document.documentElement.lang = localeStore.get();
  render(<App />, document.getElementById('app')!);
});

// The service worker (src/sw.js, /sw.js of the build) keeps the app's shell for a weak signal
// and offline. Production builds only: not under `vite` (dev) nor in the tests.
if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js').catch(() => undefined);
  });
}
