import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apfd, assertionSubsumers, findRedundant, minimalDetectingSet, mutantFaults, mutationScore, parseDiff, prioritise, randomApfd, readTests, recordRun, testKey, weakByMutants } from '@qe-fleet/agents';
import type { Fault, MutantInfo, MutantsRun, TestFacts } from '@qe-fleet/agents';
import { writeProject } from '../support/writeProject.js';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'qe-opt-unit-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const fault = (id: string, ...keys: string[]): Fault => ({ id, detectedBy: new Set(keys) });
const facts = (key: string, covered: string[], durationMs = 1, failureRate = 0): TestFacts => ({ key, covered: new Set(covered), durationMs, failureRate });

describe('APFD', () => {
  it('matches the textbook formula: 1 - sum(TF_i)/(n m) + 1/(2n)', () => {
    // Rothermel et al.'s example shape: 5 tests, faults first found at positions 1, 1, 2, 3.
    const faults = [fault('f1', 'A'), fault('f2', 'A', 'C'), fault('f3', 'B'), fault('f4', 'C', 'E')];
    expect(apfd(['A', 'B', 'C', 'D', 'E'], faults)).toBeCloseTo(1 - 7 / 20 + 1 / 10, 12);
    expect(apfd(['E', 'D', 'C', 'B', 'A'], faults)).toBeCloseTo(1 - (5 + 3 + 4 + 1) / 20 + 1 / 10, 12);
  });

  it('leaves out faults no test detects and is undefined without any', () => {
    expect(apfd(['A'], [fault('x', 'Z')])).toBeUndefined();
    expect(apfd(['A', 'B'], [fault('x', 'Z'), fault('y', 'B')])).toBeCloseTo(1 - 2 / 2 + 1 / 4, 12);
  });

  it('the random baseline is reproducible with a seeded source and sits between the best and worst orders', () => {
    const faults = [fault('f', 'D')];
    const seeded = (): (() => number) => {
      let s = 3;
      return () => ((s = (s * 16807) % 2147483647) / 2147483647);
    };
    const a = randomApfd(['A', 'B', 'C', 'D'], faults, seeded(), 200);
    expect(a).toBe(randomApfd(['A', 'B', 'C', 'D'], faults, seeded(), 200));
    expect(a).toBeGreaterThan(apfd(['A', 'B', 'C', 'D'], faults)!);
    expect(a).toBeLessThan(apfd(['D', 'A', 'B', 'C'], faults)!);
  });
});

describe('mutants as faults', () => {
  it('maps the renumbered test ids of Stryker\'s JSON report to the suite\'s tests', () => {
    const mutant = (id: string, status: MutantInfo['status'], killedBy: string[], coveredBy: string[]): MutantInfo => ({ id, file: 'src/s.ts', line: 3, endLine: 3, column: 1, mutator: 'ArithmeticOperator', replacement: 'a - b', status, killedBy, coveredBy });
    const mutants = [mutant('1', 'Killed', ['0'], ['0', '1']), mutant('2', 'Survived', [], ['1'])];
    const run: MutantsRun = { mutants, tests: [{ id: '0', file: 'test/s.test.ts', name: 'adds' }, { id: '1', file: 'test/s.test.ts', name: 'group > labels' }], score: mutationScore(mutants), testRunner: 'qe-node-test', perTest: true, durationMs: 1, complete: true, planned: { 'src/s.ts': mutants.length }, strykerConfig: {}, notes: [] };
    const keys = ['test/s.test.ts > adds', 'test/s.test.ts > group > labels'];
    const faults = mutantFaults(run, keys);
    expect(faults.unmapped).toBe(0);
    expect(faults.faults.map((f) => [...f.detectedBy])).toEqual([['test/s.test.ts > adds']]);
    expect(weakByMutants(run, keys).get('test/s.test.ts > group > labels')).toMatchObject({ covered: 2, killed: 0 });
  });
});

describe('prioritise and select', () => {
  it('puts tests that failed before first, then the most new coverage per millisecond', () => {
    const order = prioritise([facts('slow-wide', ['a:1', 'a:2', 'a:3', 'a:4'], 100), facts('fast-narrow', ['a:1', 'a:2'], 1), facts('flaky', ['b:1'], 50, 0.5), facts('dup', ['a:1'], 1)]);
    expect(order[0]).toBe('flaky');
    expect(order[1]).toBe('fast-narrow');
    expect(order).toHaveLength(4);
  });

  it('the smallest detecting set covers every detectable fault, cheapest per fault first', () => {
    const tests = [facts('A', [], 10), facts('B', [], 1), facts('C', [], 1)];
    const result = minimalDetectingSet(tests, [fault('m1', 'A', 'B'), fault('m2', 'A', 'C'), fault('m3', 'B'), fault('m4', 'Z')]);
    expect(result.selected.sort()).toEqual(['B', 'C']);
    expect(result.undetected).toEqual(['m4']);
  });

  it('reads changed new-side lines from git diff -U0, inside the target folder only', () => {
    const diff = ['diff --git a/pkg/src/a.ts b/pkg/src/a.ts', '--- a/pkg/src/a.ts', '+++ b/pkg/src/a.ts', '@@ -3 +3 @@ x', '-old', '+new', '@@ -10,0 +11,2 @@', '+a', '+b', '@@ -20,2 +22,0 @@', '--- a/other/b.ts', '+++ b/other/b.ts', '@@ -1 +1 @@'].join('\n');
    const changed = parseDiff(diff, 'pkg/');
    expect([...changed.keys()]).toEqual(['src/a.ts']);
    expect([...(changed.get('src/a.ts') ?? [])].sort((x, y) => x - y)).toEqual([3, 11, 12, 22]);
  });

  it('history adds runs, failures and time per test', () => {
    const once = recordRun({}, [{ key: 'a', status: 'passed', durationMs: 10 }, { key: 'b', status: 'failed', durationMs: 5 }, { key: 'c', status: 'skipped' }], new Date('2026-01-01T00:00:00Z'));
    const twice = recordRun(once, [{ key: 'a', status: 'passed', durationMs: 30 }], new Date('2026-01-02T00:00:00Z'));
    expect(twice).toEqual({ a: { runs: 2, failures: 0, totalMs: 40 }, b: { runs: 1, failures: 1, totalMs: 5, lastFailure: '2026-01-01T00:00:00.000Z' } });
  });
});

describe('reading tests', () => {
  it('names tests as runners do, keeps their assertions, and sees truthy-only checks and shared state', async () => {
    const dir = await writeProject(tmp, 'reader', {
      'test/a.test.ts': `import { describe, it, expect } from 'vitest';
import { createStore } from '../src/store.js';
const config = { size: 2 } as const;
let seen: string[] = [];
const store = createStore();
describe('store', () => {
  it('adds', () => { store.add(1); expect(store.size()).toBe(1); });
  it('is there', () => { expect(createStore().get(1)).toBeDefined(); });
  it('uses config only', () => { seen.push('x'); expect(config.size).toBe(2); });
  it('compares inside a truthy check', () => { expect(store.size() <= config.size).toBeTruthy(); });
});
it.each([1, 2])('table %i', (n) => { expect(n).toBeGreaterThan(0); });
`,
    });
    const tests = await readTests(dir, ['test/a.test.ts']);
    expect(tests.map((t) => t.name)).toEqual(['store > adds', 'store > is there', 'store > uses config only', 'store > compares inside a truthy check']);
    // A truthy check of a comparison compares: only 'is there' checks nothing but existence.
    expect(tests.map((t) => t.truthyOnly)).toEqual([false, true, false, false]);
    expect(tests.map((t) => t.shared)).toEqual([['store'], [], ['seen'], ['store']]);
    expect(tests[0]?.assertions).toEqual(['expect(store.size()).toBe(1)']);
    expect(tests.map((t) => t.subjects)).toEqual([[], ['createStore'], [], []]);
  });

  it("an assertion reading the test's own bindings is compared with their values (the cookie roundtrip shape)", async () => {
    const dir = await writeProject(tmp, 'locals', {
      'test/a.test.ts': `import { expect, it } from 'vitest';
import { parse, stringify } from '../src/index.js';
it('simple', () => { const cookies = { a: 'b' }; const str = stringify(cookies); expect(parse(str)).toEqual(cookies); });
it('empty', () => { const cookies = { a: '' }; const str = stringify(cookies); expect(parse(str)).toEqual(cookies); });
it('simple again', () => { const cookies = { a: 'b' }; const str = stringify(cookies); expect(parse(str)).toEqual(cookies); });
it('shorthand', () => { const a = 'b'; expect(parse(stringify({ a }))).toEqual({ a }); });
`,
    });
    const tests = await readTests(dir, ['test/a.test.ts']);
    expect(tests[0]?.assertions).toEqual(['expect(parse(str)).toEqual(cookies)']);
    expect(tests[0]?.checks).toEqual(["expect(parse((stringify(({ a: 'b' }))))).toEqual(({ a: 'b' }))"]);
    expect(tests[1]?.checks).not.toEqual(tests[0]?.checks);
    expect(tests[2]?.checks).toEqual(tests[0]?.checks);
    expect(tests[3]?.checks).toEqual(["expect(parse(stringify({ a: ('b') }))).toEqual({ a: ('b') })"]);
  });

  it('what a test does to a binding before asserting on it is part of the check (the commander argRequired shape)', async () => {
    const dir = await writeProject(tmp, 'effects', {
      'test/argument.test.js': `import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Argument } from '../index.js';
test('without brackets then required', () => {
  const argument = new Argument('name');
  assert.equal(argument.required, true);
});
test('argRequired then required', () => {
  const argument = new Argument('name');
  argument.required = false;
  argument.argRequired();
  assert.equal(argument.required, true);
});
test('without brackets then required, again', () => {
  const argument = new Argument('name');
  assert.equal(argument.required, true);
});
`,
    });
    const tests = await readTests(dir, ['test/argument.test.js']);
    expect(tests.map((t) => t.assertions)).toEqual([['assert.equal(argument.required, true)'], ['assert.equal(argument.required, true)'], ['assert.equal(argument.required, true)']]);
    expect(tests[1]?.checks).toEqual(["assert.equal((new Argument('name') { argument.required = false; argument.argRequired() }).required, true)"]);
    // The first is not subsumed by the second (which overwrites what the constructor set), only by its copy.
    expect([...assertionSubsumers(tests)].map(([a, by]) => [a.title, by.map((b) => b.title)])).toEqual([
      ['without brackets then required', ['without brackets then required, again']],
      ['without brackets then required, again', ['without brackets then required']],
    ]);
  });

  it('a test is redundant only when another covers its lines and makes its assertions', () => {
    const t = (name: string, assertions: string[], subjects = ['f']) => ({ file: 't.js', name, title: name, line: 1, index: 0, assertions, checks: assertions, truthyOnly: false, shared: [], subjects });
    const [a, b, c, d, e] = [t('a', ['x']), t('b', ['x', 'y']), t('c', ['x']), t('d', ['x']), t('e', ['x', 'y'], ['g'])];
    const coverage = new Map([[testKey(a), new Set(['s:1'])], [testKey(b), new Set(['s:1', 's:2'])], [testKey(c), new Set(['s:1', 's:3'])], [testKey(d), new Set(['s:9'])], [testKey(e), new Set(['s:1', 's:2', 's:3', 's:9'])]]);
    const passed = new Set([a, b, c, d, e].map(testKey));
    const found = findRedundant([a, b, c, d, e], coverage, passed).map((r) => `${r.test.name}<${r.by.name}`);
    // a is inside b; c covers a line b does not; d covers other lines; e covers all but tests another function (g).
    expect(found).toEqual(['a<b']);
  });
});
