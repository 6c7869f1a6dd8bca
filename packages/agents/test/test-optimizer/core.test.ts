import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryTestHistory, TestOptimizerCore, openTarget, runAgentTask, runSuite, scoreFindings } from '@qe-fleet/agents';
import type { CatalogueScore, MutantsRun, RunMutantsOptions, RunSuiteOptions, SuiteRun, Target, TestOptimizerReport } from '@qe-fleet/agents';
import { FIXTURE } from '../support/fixture.js';
import { writeProject } from '../support/writeProject.js';

let tmp: string;
let sample: TestOptimizerReport;
let sampleScore: CatalogueScore;
let own: Target;
let ownRedundancy: TestOptimizerReport;
let ownSelect: TestOptimizerReport;
let ownPrioritise: TestOptimizerReport;
const history = new MemoryTestHistory();

/** A node:test project with one redundant pair, one truthy-only test and one test that needs its predecessor. */
const FILES: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'opt', type: 'module', scripts: { test: 'node --test test/*.test.js' } }),
  'src/math.js': `export function add(a, b) {
  return a + b;
}
export function clamp(x, lo, hi) {
  if (x < lo) return lo;
  if (x > hi) return hi;
  return x;
}
export function makeCounter() {
  let value = 0;
  return { inc() { value += 1; }, get value() { return value; } };
}
`,
  'test/math.test.js': `import assert from 'node:assert/strict';
import { test } from 'node:test';
import { add, clamp } from '../src/math.js';

test('adds two numbers', () => {
  assert.equal(add(1, 2), 3);
});

test('sums small numbers', () => {
  assert.equal(add(1, 2), 3);
});

test('clamps below the range', () => {
  assert.equal(clamp(-5, 0, 10), 0);
});

test('clamp returns something', () => {
  assert.ok(clamp(50, 0, 10));
});
`,
  'test/counter.test.js': `import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeCounter } from '../src/math.js';

const counter = makeCounter();

test('counts one', () => {
  counter.inc();
  assert.equal(counter.value, 1);
});

test('counts two', () => {
  counter.inc();
  assert.equal(counter.value, 2);
});
`,
  'defects.json': JSON.stringify({
    version: 1,
    target: 'opt',
    defects: [
      { id: 'R1', kind: 'redundant-test', severity: 'low', agents: ['test-optimizer'], location: { test: 'test/math.test.js', name: 'adds two numbers' }, description: 'same as sums', evidence: 'same' },
      { id: 'R2', kind: 'redundant-test', severity: 'low', agents: ['test-optimizer'], location: { test: 'test/math.test.js', name: 'sums small numbers' }, description: 'same as adds', evidence: 'same' },
      { id: 'W1', kind: 'weak-assertion', severity: 'medium', agents: ['test-optimizer'], location: { test: 'test/math.test.js', name: 'clamp returns something' }, description: 'truthy only', evidence: 'assert.ok' },
      { id: 'O1', kind: 'order-dependent-test', severity: 'medium', agents: ['test-optimizer'], location: { test: 'test/counter.test.js', name: 'counts two' }, description: 'needs counts one', evidence: 'alone: 1 !== 2' },
      { id: 'L1', kind: 'logic-bug', severity: 'low', agents: ['code-reviewer'], location: { file: 'src/math.js', line: 6 }, description: 'planted for APFD', evidence: 'clamp' },
    ],
  }),
};

const git = (dir: string, ...args: string[]): string => execFileSync('git', ['-c', 'user.email=qe@example.com', '-c', 'user.name=qe', '-c', 'commit.gpgsign=false', ...args], { cwd: dir, encoding: 'utf8' });

// Two mutants: one the clamp tests kill, one nobody kills (a killed-by id the resolver must map).
const fakeMutants = async (): Promise<MutantsRun> => ({
  tests: [],
  mutants: [
    { id: '1', file: 'src/math.js', line: 6, endLine: 6, column: 7, mutator: 'EqualityOperator', replacement: 'x >= hi', status: 'Killed', coveredBy: ['test/math.test.js > clamp returns something', 'test/math.test.js > clamps below the range'], killedBy: ['test/math.test.js > clamps below the range'] },
    { id: '2', file: 'src/math.js', line: 6, endLine: 6, column: 7, mutator: 'ConditionalExpression', replacement: 'false', status: 'Survived', coveredBy: ['test/math.test.js > clamp returns something'], killedBy: [] },
  ],
  score: { killed: 1, timeout: 0, survived: 1, noCoverage: 0, errors: 0, ignored: 0, valid: 2, mutationScore: 50, mutationScoreBasedOnCoveredCode: 50 },
  testRunner: 'qe-node-test',
  perTest: true,
  durationMs: 1,
  complete: true,
  planned: { 'src/math.js': 2 },
  strykerConfig: {},
  notes: [],
});

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'qe-opt-'));
  // The catalogue run on the sample target: the cheap strategy that reports defects.
  const target = await openTarget({ dir: FIXTURE });
  sample = await new TestOptimizerCore({ history: new MemoryTestHistory(), timeoutMs: 180_000 }).run(target, 'redundancy');
  sampleScore = scoreFindings(sample.findings, target.catalogue!, 'test-optimizer');

  const dir = await writeProject(tmp, 'opt', FILES);
  git(dir, 'init', '-q');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'initial');
  const source = await readFile(join(dir, 'src/math.js'), 'utf8');
  await writeFile(join(dir, 'src/math.js'), source.replace('if (x > hi) return hi;', 'if (x >= hi) return hi;'));
  own = await openTarget({ dir });
  const core = new TestOptimizerCore({ history, runMutants: fakeMutants, timeoutMs: 120_000 });
  ownRedundancy = await core.run(own, 'redundancy');
  ownSelect = await core.run(own, 'select-changed');
  ownPrioritise = await core.run(own, 'prioritise');
}, 600_000);
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('test-optimizer on the sample target (redundancy)', () => {
  it('finds the redundant pair, the order-dependent test and both weak tests, and nothing else', () => {
    expect(sampleScore.found.sort()).toEqual(['D40', 'D41', 'D42', 'D43', 'D44']);
    expect(sampleScore.precision).toBe(1);
  });

  it('evidence says how to reproduce: the command that fails alone, the shared lines and assertions', () => {
    const alone = sample.findings.find((f) => f.kind === 'order-dependent-test');
    expect(alone?.evidence).toMatch(/^node --import tsx --test '--test-name-pattern=counts units across lines\$' test\/cart\.test\.ts → AssertionError/);
    expect(sample.findings.find((f) => f.kind === 'redundant-test')?.evidence).toContain('assert.equal(bulkDiscountRate(3), 0)');
    // Per-test coverage only for the candidates: a handful of runs, not one per test.
    expect(sample.suiteRuns).toBeLessThan(10);
  });
});

describe('test-optimizer on its own fixture', () => {
  it('judges redundancy on per-test coverage only: with fewer per-test runs than candidates, the unmeasured tests are not called redundant', async () => {
    const report = await new TestOptimizerCore({ history: new MemoryTestHistory(), runMutants: fakeMutants, maxPerTestRuns: 1, timeoutMs: 120_000 }).run(own, 'redundancy');
    expect(ownRedundancy.findings.some((f) => f.kind === 'redundant-test')).toBe(true);
    // Per-file coverage gives every test of a file the same lines, so it would make any assertion subset "redundant".
    expect(report.findings.filter((f) => f.kind === 'redundant-test')).toEqual([]);
    expect(report.notes.join('\n')).toMatch(/per-test coverage for 1 of \d+ candidate tests \(at most 1 runs\)/);
    // The candidates left unjudged lower the learning signal (share of tests analysed).
    expect(report.measure!.value).toBeLessThan(ownRedundancy.measure!.value);
  });

  it('keeps no per-test coverage from a run where other tests ran beside the one asked for (tape cannot select one)', async () => {
    // The runner ignores the name filter, as tape does: every "alone" run reports its file's other tests too.
    const unselective = async (target: Target, options: RunSuiteOptions): Promise<SuiteRun> => {
      const run = await runSuite(target, options);
      return options.testNamePattern === undefined ? run : { ...run, tests: [...run.tests, { file: 'test/math.test.js', name: 'another test', title: 'another test', status: 'passed' }] };
    };
    const report = await new TestOptimizerCore({ history: new MemoryTestHistory(), runMutants: fakeMutants, runSuite: unselective, timeoutMs: 120_000 }).run(own, 'redundancy');
    expect(report.findings.filter((f) => f.kind === 'redundant-test')).toEqual([]);
    expect(report.notes.join('\n')).toMatch(/no per-test coverage for \d+ tests: the runner ran other tests beside each/);
  });

  it('redundancy: catalogue recall 1 at precision 1', () => {
    const score = scoreFindings(ownRedundancy.findings, own.catalogue!, 'test-optimizer');
    expect(score.found.sort()).toEqual(['O1', 'R1', 'R2', 'W1']);
    expect(score.precision).toBe(1);
  });

  it('select-changed: only the tests that run the changed line, and the smallest subset that still kills its mutant', () => {
    const s = ownSelect.selection!;
    expect(s.changedLines).toBe(1);
    expect(s.selected.every((k) => k.startsWith('test/math.test.js'))).toBe(true);
    expect(s.minimal).toEqual(['test/math.test.js > clamps below the range']);
    expect(s.faultsCaught).toBe(1);
    expect(s.testShare).toBeCloseTo(1 / 6, 9);
    expect(s.timeSaved).toBeGreaterThan(0);
    expect(ownSelect.measure?.value).toBeCloseTo(0.5 + 0.5 * s.timeSaved, 9);
  });

  it('prioritise: APFD of its order against mutants, catalogued defects and history, beside the original and random orders', () => {
    const mutants = ownPrioritise.apfd?.find((a) => a.faultSource.startsWith('killed mutants'));
    expect(mutants?.faults).toBe(1);
    for (const figures of ownPrioritise.apfd ?? []) {
      expect(figures.prioritised).toBeGreaterThanOrEqual(0);
      expect(figures.prioritised).toBeLessThanOrEqual(1);
      expect(figures.original).toBeDefined();
      expect(figures.random).toBeDefined();
    }
    expect(ownPrioritise.order).toHaveLength(6);
    expect(ownPrioritise.measure?.value).toBe(mutants?.prioritised);
  });

  it('keeps a history of timings and failures across runs (three runs recorded here)', async () => {
    const data = await history.load(own.dir);
    expect(Object.keys(data)).toHaveLength(6);
    expect(Object.values(data).every((r) => r.runs === 3)).toBe(true);
  });
});

describe('test-optimizer error paths', () => {
  const fakeSuite = (tests: SuiteRun['tests']) => async (): Promise<SuiteRun> => ({ runner: 'node-test', command: 'node --test', baseCommand: 'node --test', exitCode: 0, durationMs: 1, timedOut: false, tests, output: '', notes: [] });

  it('does not apply without tests; a suite that runs nothing is TOOL_FAILED', async () => {
    const dir = await writeProject(tmp, 'no-tests', { 'src/a.js': 'export const a = 1;\n' });
    const target = await openTarget({ dir, catalogue: false });
    expect(new TestOptimizerCore().notApplicable(target)).toMatch(/no test files/);
    const result = await runAgentTask(new TestOptimizerCore({ history: new MemoryTestHistory(), runSuite: fakeSuite([]) }), { dir: own.dir }, 'prioritise');
    expect(result.output.errorCode).toBe('TOOL_FAILED');
  });

  it('outside a git work tree the selection is skipped, a broken mutation run too, and the rest still runs', async () => {
    const dir = await writeProject(tmp, 'no-git', FILES);
    const target = await openTarget({ dir, catalogue: false });
    const broken = async (): Promise<MutantsRun> => {
      throw new Error('stryker exploded');
    };
    const tests: SuiteRun['tests'] = [{ file: 'test/math.test.js', name: 'adds two numbers', title: 'adds two numbers', status: 'passed', durationMs: 1 }];
    const report = await new TestOptimizerCore({ history: new MemoryTestHistory(), runSuite: fakeSuite(tests), runMutants: broken }).run(target, 'full');
    expect(report.skipped?.map((s) => s.surface)).toEqual(expect.arrayContaining(['change-set selection', 'mutants']));
    expect(report.order).toEqual(['test/math.test.js > adds two numbers']);
  });

  it("gives Stryker part of the caller's time budget and says how many mutants it tested (kelektiv/node-cron: 20 min without one)", async () => {
    const dir = await writeProject(tmp, 'budget', FILES);
    const target = await openTarget({ dir, catalogue: false });
    const stops: Array<AbortSignal | undefined> = [];
    const stopped = async (_t: Target, options: RunMutantsOptions): Promise<MutantsRun> => {
      stops.push(options.stop);
      return { ...(await fakeMutants()), complete: options.stop === undefined, planned: { 'src/math.js': options.stop === undefined ? 2 : 9 } };
    };
    const tests: SuiteRun['tests'] = [{ file: 'test/math.test.js', name: 'adds two numbers', title: 'adds two numbers', status: 'passed', durationMs: 1 }];
    const core = new TestOptimizerCore({ history: new MemoryTestHistory(), runSuite: fakeSuite(tests), runMutants: stopped });
    // A budget whose share is not a whole number of milliseconds (a timer takes integers only).
    const part = await core.run(target, 'prioritise', { timeBudgetMs: 600_001 });
    const whole = await core.run(target, 'prioritise');
    expect(stops[0]).toBeInstanceOf(AbortSignal);
    expect(stops[1]).toBeUndefined();
    expect(part.skipped).toContainEqual({ surface: 'mutants', reason: expect.stringMatching(/^7 of 9 mutants were not tested within the time budget \(\d+ s for Stryker\)/) as unknown as string });
    expect(whole.skipped?.map((s) => s.surface) ?? []).not.toContain('mutants');
  });
});
