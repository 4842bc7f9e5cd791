import { Provider } from '@urql/preact';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Comments } from '../components/Comments';
import { OutboxPanel } from '../components/Outbox';
import { setLocale } from './i18n';
import { onlineStore } from './online';
import { OUTBOX_KEY, enqueue, flush, outboxStore, resetOutbox, sendNow, sentStore, submitWrite, watchOutbox } from './outbox';
import { signIn, signOut, type Me } from './session';
import { testClient, type Handler } from './testClient';

const ME: Me = { id: 9, name: 'Warga Satu', verification: 'VERIFIED', email: 'warga@contoh.id', phone: null, homeRegion: null, roles: [] };
const KEY = /^[A-Za-z0-9_-]{16,64}$/;

// The phone's connection, as navigator.onLine and its events report it.
let online = true;
Object.defineProperty(window.navigator, 'onLine', { configurable: true, get: () => online });
function goOffline() {
  online = false;
  window.dispatchEvent(new Event('offline'));
}
function goOnline() {
  online = true;
  window.dispatchEvent(new Event('online'));
}

const settle = async () => {
  for (let i = 0; i < 8; i++) await act(() => new Promise((r) => setTimeout(r, 0)));
};

/**
 * A server that honours idempotency keys like the real one: the same key gives back what the
 * first try made. `reachable` false: no answer at all; `loseNextAnswer`: the write is made but
 * its answer never arrives (the signal dropped on the way back).
 */
function fakeServer() {
  const comments: Array<{ id: number; body: string; parentId: number | null; key: string | null }> = [];
  const proposals: Array<{ id: number; code: string; status: string; title: string; key: string | null }> = [];
  const byKey = new Map<string, unknown>();
  const state = { reachable: true, loseNextAnswer: false };
  const answer = (data: any) => {
    if (state.loseNextAnswer) {
      state.loseNextAnswer = false;
      return { network: true };
    }
    return { data };
  };
  const handler: Handler = (name, v) => {
    if (!state.reachable) return { network: true };
    if (name === 'AddComment') {
      if (typeof v.body !== 'string' || v.body.trim().length < 2) {
        return { error: { message: 'invalid input', extensions: { code: 'BAD_USER_INPUT', fields: [{ field: 'body', code: 'length', message: 'must be 2 to 2000 characters long' }] } } };
      }
      let c = v.idempotencyKey ? (byKey.get(v.idempotencyKey) as (typeof comments)[number] | undefined) : undefined;
      if (!c) {
        c = { id: 100 + comments.length, body: v.body, parentId: v.parentId ?? null, key: v.idempotencyKey ?? null };
        comments.push(c);
        if (v.idempotencyKey) byKey.set(v.idempotencyKey, c);
      }
      return answer({ addComment: { id: c.id, parentId: c.parentId, createdAt: '2027-03-01T02:00:00Z', hidden: false, hiddenReason: null, body: c.body, author: { id: ME.id, name: ME.name } } });
    }
    if (name === 'CreateProposal') {
      let p = v.idempotencyKey ? (byKey.get(v.idempotencyKey) as (typeof proposals)[number] | undefined) : undefined;
      if (!p) {
        p = { id: 500 + proposals.length, code: `K-${500 + proposals.length}`, status: 'DRAFT', title: v.input.title, key: v.idempotencyKey ?? null };
        proposals.push(p);
        if (v.idempotencyKey) byKey.set(v.idempotencyKey, p);
      }
      return answer({ createProposal: { id: p.id, code: p.code, status: p.status } });
    }
    if (name === 'Transition') {
      const p = proposals.find((x) => x.id === v.input.proposalId);
      if (!p || p.status !== 'DRAFT') return { error: { message: 'cannot submit', extensions: { code: 'FAILED_PRECONDITION' } } };
      p.status = v.input.to;
      return answer({ transitionProposal: { id: p.id, status: p.status, level: 'DESA_KELURAHAN', forum: { id: 3, name: 'Forum' }, availableTransitions: [] } });
    }
    return { data: null };
  };
  return { comments, proposals, state, handler };
}

const comment = (body: string, proposalId = 7) => ({ kind: 'comment' as const, proposalId, parentId: null, body });
const sends = (seen: Array<{ name: string; variables: Record<string, any> }>, name = 'AddComment') => seen.filter((s) => s.name === name);

let root: HTMLElement;
let stop: (() => void) | null = null;
beforeEach(() => {
  setLocale('id');
  resetOutbox();
  online = true;
  onlineStore.set(true);
  root = document.createElement('div');
  document.body.appendChild(root);
});
afterEach(() => {
  stop?.();
  stop = null;
  render(null, root);
  root.remove();
  resetOutbox();
  signOut();
  online = true;
  onlineStore.set(true);
});

describe('the offline queue', () => {
  it('keeps a comment written offline on the phone, and sends it once, with its key, when the connection returns', async () => {
    const server = fakeServer();
    server.state.reachable = false;
    const { client, seen } = testClient(server.handler);
    goOffline();

    const outcome = await submitWrite(client, ME.id, comment('Jalan di RT 3 berlubang'));
    expect(outcome.status).toBe('queued');
    expect(sends(seen)).toHaveLength(0); // not even tried: the phone knows it is offline
    const [item] = outboxStore.get();
    expect(item.key).toMatch(KEY);
    expect(item.state).toBe('waiting');
    // On the phone, not only in memory: a reload keeps it.
    expect(JSON.parse(localStorage.getItem(OUTBOX_KEY)!)).toEqual([expect.objectContaining({ key: item.key, body: 'Jalan di RT 3 berlubang' })]);

    stop = watchOutbox(client, ME.id, { intervalMs: 5 });
    await settle();
    expect(sends(seen)).toHaveLength(0);

    server.state.reachable = true;
    goOnline();
    await settle();
    expect(sends(seen)).toHaveLength(1);
    expect(sends(seen)[0].variables).toEqual({ proposalId: 7, parentId: null, body: 'Jalan di RT 3 berlubang', idempotencyKey: item.key });
    expect(server.comments).toHaveLength(1);
    expect(outboxStore.get()).toEqual([]);
    expect(localStorage.getItem(OUTBOX_KEY)).toBeNull();
    expect(sentStore.get().map((n) => n.text)).toEqual(['Jalan di RT 3 berlubang']);

    // Later passes (the timer, another `online`) have nothing left to send.
    goOnline();
    await new Promise((r) => setTimeout(r, 30));
    await settle();
    expect(sends(seen)).toHaveLength(1);
  });

  it('sends the queue in the order it was written, and stops behind one that finds no answer', async () => {
    const server = fakeServer();
    const { client, seen } = testClient(server.handler);
    goOffline();
    await submitWrite(client, ME.id, comment('pertama'));
    await submitWrite(client, ME.id, comment('kedua'));
    await submitWrite(client, ME.id, comment('ketiga'));
    online = true;
    server.state.reachable = false; // the phone has a network, the server is not reachable
    await flush(client, ME.id, { force: true });
    expect(sends(seen).map((s) => s.variables.body)).toEqual(['pertama']);
    expect(outboxStore.get().map((i) => (i.kind === 'comment' ? i.body : null))).toEqual(['pertama', 'kedua', 'ketiga']);
    expect(outboxStore.get()[0].tries).toBe(1);

    server.state.reachable = true;
    await flush(client, ME.id, { force: true });
    expect(sends(seen).map((s) => s.variables.body)).toEqual(['pertama', 'pertama', 'kedua', 'ketiga']);
    expect(server.comments.map((c) => c.body)).toEqual(['pertama', 'kedua', 'ketiga']);
    expect(outboxStore.get()).toEqual([]);
  });

  it('re-sends the same key when the first answer was lost, so the server makes one comment', async () => {
    const server = fakeServer();
    const { client, seen } = testClient(server.handler);
    server.state.loseNextAnswer = true;

    // Online: sent at once; the server makes it, but the answer does not come back.
    const outcome = await submitWrite(client, ME.id, comment('Lampu jalan mati sejak Januari'));
    expect(outcome.status).toBe('queued');
    expect(server.comments).toHaveLength(1);
    expect(outboxStore.get()).toHaveLength(1);

    const outcomes = await sendNow(client, ME.id);
    expect(outcomes.map((o) => o.status)).toEqual(['sent']);
    const tries = sends(seen);
    expect(tries).toHaveLength(2);
    expect(tries[0].variables.idempotencyKey).toMatch(KEY);
    expect(tries[1].variables.idempotencyKey).toBe(tries[0].variables.idempotencyKey);
    expect(server.comments).toHaveLength(1);
    expect(outboxStore.get()).toEqual([]);
  });

  it('sends older waiting items before a new one from the form, and reports only those as sent from the queue', async () => {
    const server = fakeServer();
    const { client, seen } = testClient(server.handler);
    goOffline();
    await submitWrite(client, ME.id, comment('ditulis tadi pagi'));
    online = true;
    const outcome = await submitWrite(client, ME.id, comment('ditulis sekarang'));
    expect(outcome.status).toBe('sent');
    expect(outcome.status === 'sent' && outcome.comment.body).toBe('ditulis sekarang');
    expect(sends(seen).map((s) => s.variables.body)).toEqual(['ditulis tadi pagi', 'ditulis sekarang']);
    expect(sentStore.get().map((n) => n.text)).toEqual(['ditulis tadi pagi']);
    expect(outboxStore.get()).toEqual([]);
  });

  it('uses a new key for each new write', async () => {
    const server = fakeServer();
    const { client, seen } = testClient(server.handler);
    await submitWrite(client, ME.id, comment('Setuju'));
    await submitWrite(client, ME.id, comment('Setuju'));
    const keys = sends(seen).map((s) => s.variables.idempotencyKey);
    expect(new Set(keys).size).toBe(2);
    expect(server.comments).toHaveLength(2);
  });

  it('keeps an item the server refused (BAD_USER_INPUT), marked with the reason, and does not try it again', async () => {
    const server = fakeServer();
    const { client, seen } = testClient(server.handler);
    goOffline();
    await submitWrite(client, ME.id, comment('x'));
    stop = watchOutbox(client, ME.id, { intervalMs: 5 });
    goOnline();
    await settle();
    expect(sends(seen)).toHaveLength(1);
    const [item] = outboxStore.get();
    expect(item.state).toBe('refused');
    expect(item.error).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'body', message: 'must be 2 to 2000 characters long' }] });

    // Neither the timer nor the connection coming back sends it again.
    await new Promise((r) => setTimeout(r, 40));
    goOnline();
    await settle();
    expect(sends(seen)).toHaveLength(1);
    expect(outboxStore.get()).toHaveLength(1);

    // The person sees it, with the reason at the field, and can remove it.
    signIn('token', ME);
    act(() =>
      render(
        <Provider value={client}>
          <OutboxPanel />
        </Provider>,
        root,
      ),
    );
    const text = root.textContent ?? '';
    expect(text).toContain('Menunggu dikirim (1)');
    expect(text).toContain('1 ditolak');
    expect(text).toContain('Ditolak server');
    expect(text).toContain('Komentar: harus 2–2000 karakter');
    const remove = [...root.querySelectorAll('button')].find((b) => b.textContent === 'Hapus')!;
    act(() => remove.click());
    expect(outboxStore.get()).toEqual([]);
    expect(root.textContent ?? '').not.toContain('Menunggu dikirim');
  });

  it('drops a write the server refuses while the person is at the form (the form shows why)', async () => {
    const server = fakeServer();
    const { client } = testClient(server.handler);
    const outcome = await submitWrite(client, ME.id, comment(' '));
    expect(outcome.status).toBe('refused');
    expect(outcome.status === 'refused' && outcome.error.code).toBe('BAD_USER_INPUT');
    expect(outboxStore.get()).toEqual([]);
  });

  it('only sends, and shows, the items of the account signed in', async () => {
    const server = fakeServer();
    const { client, seen } = testClient(server.handler);
    enqueue(1234, comment('dari akun lain'));
    await flush(client, ME.id, { force: true });
    expect(sends(seen)).toHaveLength(0);
    signIn('token', ME);
    act(() =>
      render(
        <Provider value={client}>
          <OutboxPanel />
        </Provider>,
        root,
      ),
    );
    expect(root.textContent).toBe('');
  });

  it('creates and submits a queued proposal once, with its key, even when the first answer was lost', async () => {
    const server = fakeServer();
    const { client, seen } = testClient(server.handler);
    goOffline();
    const input = { forumId: 3, title: 'Rabat beton gang 4', problem: 'Becek', solution: 'Rabat', regionId: 11 };
    const outcome = await submitWrite(client, ME.id, { kind: 'proposal', input, submit: true, title: input.title });
    expect(outcome.status).toBe('queued');
    expect(seen).toHaveLength(0);

    online = true;
    server.state.loseNextAnswer = true;
    await flush(client, ME.id, { force: true });
    expect(server.proposals).toHaveLength(1);
    expect(outboxStore.get()).toHaveLength(1);

    const outcomes = await sendNow(client, ME.id);
    expect(outcomes).toEqual([expect.objectContaining({ status: 'sent', proposal: { id: 500, code: 'K-500', submitted: true } })]);
    const creates = sends(seen, 'CreateProposal');
    expect(creates).toHaveLength(2);
    expect(creates[0].variables).toEqual({ input, idempotencyKey: expect.stringMatching(KEY) });
    expect(creates[1].variables.idempotencyKey).toBe(creates[0].variables.idempotencyKey);
    expect(server.proposals).toEqual([expect.objectContaining({ id: 500, status: 'SUBMITTED' })]);
    expect(sends(seen, 'Transition')).toHaveLength(1);
    expect(outboxStore.get()).toEqual([]);
  });
});

describe('the comment form offline', () => {
  it('clears the text, shows the comment as waiting under the form and in the queue, and sends nothing yet', async () => {
    const server = fakeServer();
    server.state.reachable = false;
    const { client, seen } = testClient(server.handler);
    signIn('token', ME);
    goOffline();
    act(() =>
      render(
        <Provider value={client}>
          <OutboxPanel />
          <Comments proposalId={7} proposalTitle="Rabat beton" comments={[]} signedIn isDraft={false} isStaff={false} refresh={() => undefined} />
        </Provider>,
        root,
      ),
    );
    const textarea = root.querySelector<HTMLTextAreaElement>('#new-comment-body')!;
    act(() => {
      textarea.value = 'Mohon segera diperbaiki';
      textarea.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await act(async () => {
      root.querySelector<HTMLFormElement>('form.comment-form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    });
    await settle();
    expect(sends(seen)).toHaveLength(0);
    expect(root.querySelector<HTMLTextAreaElement>('#new-comment-body')!.value).toBe('');
    const pending = root.querySelectorAll('[data-testid=pending-comment]');
    expect(pending).toHaveLength(1);
    expect(pending[0].textContent).toContain('Mohon segera diperbaiki');
    expect(pending[0].textContent).toContain('Menunggu sambungan');
    expect(root.textContent).toContain('Menunggu dikirim (1)');
    expect(outboxStore.get()).toEqual([expect.objectContaining({ body: 'Mohon segera diperbaiki', proposalTitle: 'Rabat beton', owner: ME.id })]);
  });
});
