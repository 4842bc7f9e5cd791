import { createStore } from './store';

/**
 * Whether the phone says it has a connection (`navigator.onLine` and its `online`/`offline`
 * events). "Online" only means some network is there, not that the server answers: the
 * offline queue still treats a failed send as "not sent yet" (see outbox.ts).
 */
export function isOnline(): boolean {
  return typeof navigator === 'undefined' || navigator.onLine !== false;
}

export const onlineStore = createStore<boolean>(isOnline());

if (typeof window !== 'undefined') {
  window.addEventListener('online', () => onlineStore.set(true));
  window.addEventListener('offline', () => onlineStore.set(false));
}
