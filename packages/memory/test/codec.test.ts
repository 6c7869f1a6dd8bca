import { afterEach, describe, expect, it } from 'vitest';
import { decodeValue, encodeValue, type SwarmMemoryManager } from '@qe-fleet/memory';
import { openMemory } from './helpers.js';

let memory: SwarmMemoryManager;
afterEach(() => memory?.close());

const roundTrip = (value: unknown): unknown => decodeValue(encodeValue(value));

describe('codec', () => {
  it('keeps Dates, also nested and in arrays', () => {
    const value = { at: new Date(1_700_000_000_123), list: [new Date(0), { deep: [new Date(5)] }] };
    const back = roundTrip(value) as typeof value;
    expect(back).toEqual(value);
    expect(back.at).toBeInstanceOf(Date);
    expect(back.list[0]).toBeInstanceOf(Date);
    expect((back.list[1] as { deep: Date[] }).deep[0]).toBeInstanceOf(Date);
  });

  it('keeps an invalid Date invalid', () => {
    const back = roundTrip(new Date(Number.NaN)) as Date;
    expect(back).toBeInstanceOf(Date);
    expect(Number.isNaN(back.getTime())).toBe(true);
  });

  it('keeps Map, Set, NaN, ±Infinity, -0 and undefined array items', () => {
    const value = {
      map: new Map<unknown, unknown>([['a', 1], [2, new Date(7)]]),
      set: new Set([1, 'x']),
      nums: [Number.NaN, Infinity, -Infinity, -0, 1.5],
      holes: [1, undefined, 3],
    };
    const back = roundTrip(value) as typeof value;
    expect(back.map).toBeInstanceOf(Map);
    expect(back.map.get(2)).toEqual(new Date(7));
    expect(back.set).toEqual(new Set([1, 'x']));
    expect(back.nums[0]).toBeNaN();
    expect(back.nums.slice(1, 3)).toEqual([Infinity, -Infinity]);
    expect(Object.is(back.nums[3], -0)).toBe(true);
    expect(back.holes).toEqual([1, undefined, 3]);
  });

  it('does not confuse a user object that has a $t key with a tag', () => {
    const value = { $t: 'Date', v: 5, inner: { $t: 'num', v: 'NaN' } };
    expect(roundTrip(value)).toEqual(value);
  });

  it('stores plain JSON as plain JSON (readable by other tools)', () => {
    expect(encodeValue({ a: [1, 'b', null, true] })).toBe('{"a":[1,"b",null,true]}');
  });

  it('drops undefined properties like JSON and uses toJSON of class instances', () => {
    class Money {
      constructor(readonly cents: number) {}
      toJSON(): string {
        return `${this.cents / 100} EUR`;
      }
    }
    expect(roundTrip({ a: undefined, b: 1, m: new Money(250) })).toEqual({ b: 1, m: '2.5 EUR' });
  });

  it('keeps a __proto__ key as data without touching prototypes', () => {
    const value = JSON.parse('{"__proto__": {"polluted": true}, "d": 1}') as Record<string, unknown>;
    const back = decodeValue(encodeValue({ ...value, when: new Date(1) })) as Record<string, unknown>;
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(back)).toContain('__proto__');
  });

  it('refuses deep cycles that the fast path does not walk', () => {
    const root: Record<string, unknown> = {};
    let node = root;
    for (let i = 0; i < 100; i++) node = (node.next = {}) as Record<string, unknown>;
    node.next = root;
    expect(() => encodeValue(root)).toThrow(expect.objectContaining({ code: 'INVALID_VALUE' }));
  });

  it('allows the same object twice when it is not a cycle', () => {
    const shared = { when: new Date(3) };
    expect(roundTrip({ a: shared, b: shared })).toEqual({ a: shared, b: shared });
  });

  it('round-trips Dates through store, query, metadata, events and typed tables', () => {
    ({ memory } = openMemory());
    const when = new Date(1_234_567);
    memory.store('k', { when, list: [when] }, { metadata: { at: when } });
    expect(memory.retrieve<{ when: Date }>('k')?.when).toBeInstanceOf(Date);
    const entry = memory.query('k')[0];
    expect((entry?.metadata?.at as Date).getTime()).toBe(when.getTime());
    memory.storeEvent({ type: 't', source: 's', payload: { when } });
    expect((memory.queryEvents<{ when: Date }>('t')[0]?.payload.when as Date).getTime()).toBe(when.getTime());
    const sessionId = memory.createSession({ mode: 'm', state: { when } });
    memory.addSessionCheckpoint(sessionId, { when });
    expect(memory.getLatestCheckpoint<{ when: Date }>(sessionId)?.state.when).toBeInstanceOf(Date);
  });
});
