import { Client, fetchExchange, gql, type OperationResult } from '@urql/core';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LastSeenNote } from '../components/Outbox';
import { setLocale } from './i18n';
import { MAX_ENTRIES, MAX_ENTRY_CHARS, STORAGE_KEY, clearLastSeen, keep, lastSeenExchange, lastSeenKey, ownerOf, recall, setLastSeenOwner } from './lastSeen';
import { retryExchange } from './retry';
import { signIn, signOut, type Me } from './session';

const HOME = gql`
  query Home {
    cycles { nodes { id name } }
  }
`;
const ACCOUNTS = gql`
  query Accounts {
    accounts { nodes { id name } }
  }
`;

const ok = (data: unknown) => new Response(JSON.stringify({ data }), { status: 200, headers: { 'content-type': 'application/json' } });
const noConnection = () => Promise.reject(new TypeError('Failed to fetch'));

function clientWith(owner: string, answers: Array<() => Response | Promise<Response>>, options: { giveUpAfterMs?: number } = {}) {
  const fetch = vi.fn(async () => {
    const next = answers.shift();
    if (!next) throw new TypeError('Failed to fetch');
    return next();
  });
  const client = new Client({
    url: 'http://test/graphql',
    fetch: fetch as unknown as typeof globalThis.fetch,
    requestPolicy: 'network-only',
    exchanges: [retryExchange({ delay: () => 5, giveUpAfterMs: options.giveUpAfterMs }), lastSeenExchange(owner), fetchExchange],
  });
  return { client, fetch };
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
const CYCLES = { cycles: { __typename: 'CycleConnection', nodes: [{ __typename: 'Cycle', id: 1, name: 'Musrenbang 2028' }] } };
const CYCLES_NEW = { cycles: { __typename: 'CycleConnection', nodes: [{ __typename: 'Cycle', id: 1, name: 'Musrenbang 2028' }, { __typename: 'Cycle', id: 2, name: 'Musrenbang 2029' }] } };

beforeEach(() => {
  setLocale('id');
  clearLastSeen();
});
afterEach(() => {
  clearLastSeen();
  signOut();
});

describe('pages last seen', () => {
  it('shows the last good answer, marked with its time, while the server cannot be reached, and the fresh one once it can', async () => {
    const owner = ownerOf('token-a');
    setLastSeenOwner(owner);
    const { client, fetch } = clientWith(owner, [() => ok(CYCLES), noConnection, noConnection, () => ok(CYCLES_NEW)]);
    const first = await client.query(HOME, {}).toPromise();
    expect(first.data.cycles.nodes).toHaveLength(1);
    expect(localStorage.getItem(STORAGE_KEY)).toContain('Musrenbang 2028');

    // Offline: the kept copy, without an error, says when it was kept; the read goes on being retried.
    const results: OperationResult[] = [];
    const { unsubscribe } = client.query(HOME, {}, { requestPolicy: 'network-only' }).subscribe((r) => results.push(r));
    await wait(60);
    unsubscribe();
    expect(results[0].error).toBeUndefined();
    expect(results[0].data).toEqual(CYCLES);
    expect(typeof results[0].extensions?.lastSeenAt).toBe('number');
    expect(fetch).toHaveBeenCalledTimes(4);
    const last = results[results.length - 1];
    expect(last.data.cycles.nodes).toHaveLength(2);
    expect(last.extensions?.lastSeenAt).toBeUndefined();
  });

  it('is kept per person: another token finds nothing, a late answer of the last session is not kept, signing in or out forgets it', async () => {
    setLastSeenOwner(ownerOf('token-a'));
    keep(ownerOf('token-a'), lastSeenKey('Home', {}), CYCLES);
    expect(recall(ownerOf('token-a'), lastSeenKey('Home', {}))?.data).toEqual(CYCLES);

    // Someone else signed in on this phone: A's copy is not theirs to see.
    setLastSeenOwner(ownerOf('token-b'));
    const { client } = clientWith(ownerOf('token-b'), [noConnection], { giveUpAfterMs: 0 });
    const result = await client.query(HOME, {}).toPromise();
    expect(result.data).toBeUndefined();
    expect(result.error?.networkError).toBeTruthy();
    // An answer of A's client landing now is neither kept nor shown.
    const late = clientWith(ownerOf('token-a'), [() => ok(CYCLES_NEW)]);
    await late.client.query(HOME, {}).toPromise();
    expect(recall(ownerOf('token-a'), lastSeenKey('Home', {}))).toBeNull();
    expect(localStorage.getItem(STORAGE_KEY)).not.toContain('Musrenbang 2029');

    const account: Me = { id: 1, name: 'A', verification: 'VERIFIED', email: null, phone: null, homeRegion: null, roles: [] };
    keep(ownerOf('token-b'), lastSeenKey('Home', {}), CYCLES);
    signIn('token-d', account);
    // Only who signed in is kept (so the app opens offline before asking the server), for the new token.
    expect(localStorage.getItem(STORAGE_KEY)).not.toContain('Musrenbang 2028');
    expect(recall(ownerOf('token-d'), lastSeenKey('Home', {}))).toBeNull();
    expect(recall(ownerOf('token-d'), lastSeenKey('Me', {}))?.data).toEqual({ me: account });
    keep(ownerOf('token-d'), lastSeenKey('Home', {}), CYCLES);
    expect(recall(ownerOf('token-d'), lastSeenKey('Home', {}))?.data).toEqual(CYCLES);
    signOut();
    expect(localStorage.getItem(STORAGE_KEY)).toBeNull();
    expect(recall(ownerOf('token-d'), lastSeenKey('Me', {}))).toBeNull();
  });

  it('keeps only the page queries, and tells variables apart (their order aside)', async () => {
    const owner = ownerOf(null);
    setLastSeenOwner(owner);
    const { client } = clientWith(owner, [() => ok({ accounts: { __typename: 'AccountConnection', nodes: [] } })]);
    await client.query(ACCOUNTS, {}).toPromise();
    expect(localStorage.getItem(STORAGE_KEY)).toBeNull();
    expect(lastSeenKey('Proposals', { first: 20, filter: { a: 1, b: 2 } })).toBe(lastSeenKey('Proposals', { filter: { b: 2, a: 1 }, first: 20 }));
    expect(lastSeenKey('Proposals', { first: 20 })).not.toBe(lastSeenKey('Proposals', { first: 40 }));
  });

  it('stays within its bounds: the newest entries, none too large', () => {
    const owner = ownerOf('token-a');
    setLastSeenOwner(owner);
    for (let i = 0; i < MAX_ENTRIES + 15; i++) keep(owner, lastSeenKey('Proposal', { id: i }), { proposal: { id: i } }, 1000 + i);
    const stored = JSON.parse(localStorage.getItem(STORAGE_KEY)!);
    expect(Object.keys(stored.entries)).toHaveLength(MAX_ENTRIES);
    expect(recall(owner, lastSeenKey('Proposal', { id: 0 }))).toBeNull();
    expect(recall(owner, lastSeenKey('Proposal', { id: MAX_ENTRIES + 14 }))?.data).toEqual({ proposal: { id: MAX_ENTRIES + 14 } });
    keep(owner, lastSeenKey('Home', {}), { text: 'x'.repeat(MAX_ENTRY_CHARS + 1) });
    expect(recall(owner, lastSeenKey('Home', {}))).toBeNull();
  });

  it('says on the page when what it shows was last seen', () => {
    const root = document.createElement('div');
    act(() => render(<LastSeenNote result={{ extensions: { lastSeenAt: Date.parse('2027-03-01T02:00:00Z') } }} />, root));
    expect(root.textContent).toMatch(/^Terakhir dilihat .*2027.* — belum dapat diperbarui karena tidak tersambung\.$/);
    act(() => render(<LastSeenNote result={{ extensions: {} }} />, root));
    expect(root.textContent).toBe('');
  });
});
