import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Client } from '@urql/core';
import { pickField, subscriptionDocument, watch, type LiveMode } from './live';

/** A client stub: an introspection answer, and subscriptions the test can drive. */
function stubClient(subscriptionFields: Array<{ name: string; kind: string }> | null) {
  const sinks: Array<(r: { error?: unknown; data?: unknown }) => void> = [];
  const documents: string[] = [];
  let unsubscribed = 0;
  const client = {
    query: () => ({
      toPromise: async () => ({
        data: { __schema: { subscriptionType: subscriptionFields && { fields: subscriptionFields.map((f) => ({ name: f.name, type: { kind: 'NON_NULL', ofType: { kind: f.kind } } })) } } },
      }),
    }),
    subscription: (doc: string) => {
      documents.push(doc);
      return {
        subscribe(sink: (r: { error?: unknown; data?: unknown }) => void) {
          sinks.push(sink);
          return { unsubscribe: () => unsubscribed++ };
        },
      };
    },
  } as unknown as Client;
  return { client, sinks, documents, unsubscribed: () => unsubscribed };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('the live-data layer', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] }));
  afterEach(() => vi.useRealTimers());

  it('polls while the schema has no Subscription type', async () => {
    const { client } = stubClient(null);
    const refresh = vi.fn();
    const modes: LiveMode[] = [];
    const stop = watch(client, { fields: ['roundUpdated'], args: { roundId: 7 } }, refresh, (m) => modes.push(m), 4000);
    await flush();
    expect(modes).toEqual(['connecting', 'polling']);
    vi.advanceTimersByTime(12_000);
    expect(refresh).toHaveBeenCalledTimes(3);
    stop();
    vi.advanceTimersByTime(12_000);
    expect(refresh).toHaveBeenCalledTimes(3);
  });

  it('subscribes when the schema has the topic, and refreshes on each event', async () => {
    const { client, sinks, documents, unsubscribed } = stubClient([{ name: 'roundUpdated', kind: 'OBJECT' }]);
    const refresh = vi.fn();
    const modes: LiveMode[] = [];
    const stop = watch(client, { fields: ['tallyUpdated', 'roundUpdated'], args: { roundId: 7 } }, refresh, (m) => modes.push(m));
    await flush();
    expect(modes.at(-1)).toBe('subscription');
    expect(documents).toEqual(['subscription Live { roundUpdated(roundId: 7) { __typename } }']);
    vi.advanceTimersByTime(20_000);
    expect(refresh).not.toHaveBeenCalled();
    sinks[0]({ data: {} });
    sinks[0]({ data: {} });
    expect(refresh).toHaveBeenCalledTimes(2);
    stop();
    expect(unsubscribed()).toBe(1);
  });

  it('falls back to polling when the subscription fails', async () => {
    const { client, sinks } = stubClient([{ name: 'roundUpdated', kind: 'OBJECT' }]);
    const refresh = vi.fn();
    const modes: LiveMode[] = [];
    const stop = watch(client, { fields: ['roundUpdated'], args: { roundId: 1 } }, refresh, (m) => modes.push(m), 1000);
    await flush();
    sinks[0]({ error: new Error('socket closed') });
    expect(modes.at(-1)).toBe('polling');
    vi.advanceTimersByTime(3000);
    expect(refresh).toHaveBeenCalledTimes(3);
    stop();
  });

  it('polls when the schema has subscriptions but not this topic', async () => {
    const { client, documents } = stubClient([{ name: 'somethingElse', kind: 'OBJECT' }]);
    const modes: LiveMode[] = [];
    const stop = watch(client, { fields: ['roundUpdated'], args: { roundId: 1 } }, () => undefined, (m) => modes.push(m));
    await flush();
    expect(modes.at(-1)).toBe('polling');
    expect(documents).toEqual([]);
    stop();
  });

  it('writes subscription documents for object and scalar results', () => {
    expect(subscriptionDocument({ name: 'ballotCast', needsSelection: false }, { roundId: 3 })).toBe('subscription Live { ballotCast(roundId: 3) }');
    expect(subscriptionDocument({ name: 'ping', needsSelection: false }, {})).toBe('subscription Live { ping }');
    const available = new Map([['b', { name: 'b', needsSelection: true }]]);
    expect(pickField(available, { fields: ['a', 'b'], args: {} })?.name).toBe('b');
    expect(pickField(available, undefined)).toBeUndefined();
  });
});
