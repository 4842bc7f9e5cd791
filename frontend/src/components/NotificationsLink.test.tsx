import { Provider } from '@urql/preact';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { GraphQLResultLike, Transport } from '../lib/live';

type Sink = { next(v: GraphQLResultLike): void; error(e: unknown): void; complete(): void };

/** The live layer's network, driven by the test: the inbox subscription and the socket's state. */
const wire = vi.hoisted(() => {
  const state = {
    subs: [] as Array<{ payload: { query: string; variables: Record<string, unknown> }; sink: Sink; closed: boolean }>,
    listeners: new Set<(up: boolean) => void>(),
    socket(up: boolean) {
      for (const listener of [...state.listeners]) listener(up);
    },
  };
  return state;
});
vi.mock('../lib/live', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../lib/live')>();
  const transport: Transport = {
    subscribe(payload, sink) {
      const sub = { payload, sink, closed: false };
      wire.subs.push(sub);
      return () => {
        sub.closed = true;
      };
    },
    query: async () => ({ data: {} }),
    onSocket(listener) {
      wire.listeners.add(listener);
      return () => void wire.listeners.delete(listener);
    },
  };
  return { ...actual, transportOf: () => transport };
});

import { Header } from '../app';
import { announcement } from './ui';
import { unreadStore } from './NotificationsLink';
import { setLocale } from '../lib/i18n';
import { signIn, signOut, type Me } from '../lib/session';
import { testClient } from '../lib/testClient';

const settle = async () => {
  for (let i = 0; i < 5; i++) await act(() => new Promise((r) => setTimeout(r, 0)));
};
const ME: Me = { id: 9, name: 'Warga Satu', verification: 'VERIFIED', email: 'warga@contoh.id', phone: null, homeRegion: null, roles: [] };

let root: HTMLElement;
let count = 0;
beforeEach(() => {
  setLocale('id');
  wire.subs.length = 0;
  wire.listeners.clear();
  count = 3;
  root = document.createElement('div');
  document.body.appendChild(root);
});
afterEach(() => {
  render(null, root);
  root.remove();
  signOut();
  vi.useRealTimers();
});
function mount(path = '/') {
  const { client, seen } = testClient((name) => (name === 'UnreadNotificationCount' ? { data: { unreadNotificationCount: count } } : {}));
  act(() => render(<Provider value={client}>{<Header path={path} />}</Provider>, root));
  return seen;
}
const link = () => root.querySelector<HTMLAnchorElement>('[data-testid=notifications-link]');
const badge = () => root.querySelector('[data-testid=notifications-badge]')?.textContent;
const counted = (seen: Array<{ name: string }>) => seen.filter((s) => s.name === 'UnreadNotificationCount').length;
const added = (sequence: number) => ({ data: { myNotifications: { sequence, kind: 'NOTIFICATION_ADDED', at: '2027-03-01T02:00:00Z', actorId: 2, subjectId: 50 + sequence, data: { notificationId: 50 + sequence } } } });

describe('the notifications link in the header', () => {
  it('is not there for a visitor who is not signed in', async () => {
    signOut();
    const seen = mount();
    await settle();
    expect(link()).toBeNull();
    expect(seen).toEqual([]);
    expect(wire.subs).toHaveLength(0);
  });

  it('shows the unread count, and says it in words to screen readers', async () => {
    signIn('tok', ME);
    mount('/notifikasi');
    await settle();
    expect(link()?.getAttribute('href')).toBe('/notifikasi');
    expect(badge()).toBe('3');
    expect(link()?.getAttribute('aria-label')).toBe('Pemberitahuan, 3 belum dibaca');
    expect(link()?.getAttribute('aria-current')).toBe('page');
    expect(unreadStore.get()).toBe(3);
    // The subscription is the person's own inbox.
    expect(wire.subs[0].payload.query).toContain('myNotifications(since: $since)');
  });

  it('shows no badge at zero', async () => {
    signIn('tok', ME);
    count = 0;
    mount();
    await settle();
    expect(badge()).toBeUndefined();
    expect(link()?.getAttribute('aria-label')).toBe('Pemberitahuan');
    expect(link()?.getAttribute('aria-current')).toBeNull();
  });

  it('counts again when a notification arrives on myNotifications, and announces it', async () => {
    signIn('tok', ME);
    const seen = mount();
    await settle();
    const before = counted(seen);
    count = 4;
    act(() => wire.subs[0].sink.next(added(1)));
    await settle();
    expect(counted(seen)).toBe(before + 1);
    expect(badge()).toBe('4');
    expect(link()?.getAttribute('aria-label')).toBe('Pemberitahuan, 4 belum dibaca');
    expect(announcement.get().text).toBe('Pemberitahuan baru: 4 belum dibaca.');
    // The same event again (a replay) does not count twice; resuming asks for what follows it.
    act(() => wire.subs[0].sink.next(added(1)));
    await settle();
    expect(counted(seen)).toBe(before + 1);
    expect(wire.subs[0].payload.variables).toEqual({ since: 1 });
  });

  it('counts once more when the socket first connects (what came before the stream began)', async () => {
    signIn('tok', ME);
    const seen = mount();
    await settle();
    const before = counted(seen);
    count = 5;
    act(() => wire.socket(true));
    await settle();
    expect(counted(seen)).toBe(before + 1);
    expect(badge()).toBe('5');
    // Not again while it stays up.
    act(() => wire.socket(true));
    await settle();
    expect(counted(seen)).toBe(before + 1);
  });

  it('while the socket is down, polls the count; catches up when it is back', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    signIn('tok', ME);
    const seen = mount();
    await settle();
    const before = counted(seen);
    act(() => wire.socket(false));
    count = 7;
    act(() => {
      vi.advanceTimersByTime(4000);
    });
    await settle();
    expect(counted(seen)).toBe(before + 1);
    expect(badge()).toBe('7');
    count = 8;
    act(() => wire.socket(true));
    await settle();
    expect(counted(seen)).toBe(before + 2);
    expect(badge()).toBe('8');
    // Live again: no more polling.
    act(() => {
      vi.advanceTimersByTime(12_000);
    });
    await settle();
    expect(counted(seen)).toBe(before + 2);
  });

  it('stops following when the person signs out', async () => {
    signIn('tok', ME);
    mount();
    await settle();
    expect(wire.subs[0].closed).toBe(false);
    act(() => signOut());
    await settle();
    expect(link()).toBeNull();
    expect(wire.subs[0].closed).toBe(true);
    expect(wire.listeners.size).toBe(0);
    expect(unreadStore.get()).toBeNull();
  });
});
