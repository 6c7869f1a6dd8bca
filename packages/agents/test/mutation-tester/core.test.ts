import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MutationTesterCore, mutationScore, openTarget, scoreFindings, weakTests } from '@qe-fleet/agents';
import type { MutantInfo, MutantsRun, MutationTesterReport, RunMutantsOptions, Target } from '@qe-fleet/agents';
import { FIXTURE } from '../support/fixture.js';
import { writeProject } from '../support/writeProject.js';

const mutant = (id: string, status: MutantInfo['status'], coveredBy: string[], killedBy: string[] = []): MutantInfo => ({ id, file: 'src/a.ts', line: Number(id) + 1, endLine: Number(id) + 1, column: 1, mutator: 'EqualityOperator', replacement: 'a >= b', status, coveredBy, killedBy });

describe('weakTests', () => {
  it('attributes each survivor to the weakest test executing it; strong tests keep theirs unattributed', () => {
    const tests = [
      { id: 't1', file: 'test/a.test.ts', name: 'strong' },
      { id: 't2', file: 'test/a.test.ts', name: 'weak' },
    ];
    const mutants = [
      mutant('0', 'Killed', ['t1', 't2'], ['t1']),
      mutant('1', 'Killed', ['t1', 't2'], ['t1', 't2']),
      mutant('2', 'Killed', ['t1', 't2'], ['t1']),
      mutant('3', 'Survived', ['t1', 't2']),
      mutant('4', 'Survived', ['t1']),
      mutant('5', 'NoCoverage', []),
    ];
    const { weak, unattributed } = weakTests(mutants, tests);
    expect(weak.map((w) => [w.test.name, w.covered, w.killed, w.survivors.map((m) => m.id)])).toEqual([['weak', 4, 1, ['3']]]);
    expect(unattributed.map((m) => m.id)).toEqual(['4']);
    expect(mutationScore(mutants)).toMatchObject({ killed: 3, survived: 2, noCoverage: 1, valid: 6, mutationScore: 50 });
  });
});

describe('mutation-tester on the sample target', () => {
  let target: Target;
  let sample: MutationTesterReport;
  let scratch: string;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'qe-mutation-tester-'));
    target = await openTarget({ dir: FIXTURE });
    // One real Stryker run, kept small: a one-file sample (slugify.ts, 13 mutants) through the fleet's node:test runner.
    sample = await new MutationTesterCore({ candidates: ['src/slugify.ts'], random: () => 0 }).run(target, 'file-sample');
  }, 300_000);

  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('finds the weak assertion of "slugify handles punctuation" (D43) at the test, with nothing false', () => {
    const score = scoreFindings(sample.findings, target.catalogue!, 'mutation-tester');
    expect(score.found).toEqual(['D43']);
    expect(score.precision).toBe(1);
    const finding = sample.findings.find((f) => 'test' in f.location)!;
    expect(finding.location).toEqual({ test: 'test/slugify.test.ts', name: 'slugify handles punctuation' });
    expect(finding.evidence).toMatch(/src\/slugify\.ts:12 Regex/);
  });

  it('reports Stryker’s score with per-test data from the node:test runner', () => {
    const stats = sample.stats!;
    expect(stats.testRunner).toBe('qe-node-test');
    expect(stats.perTest).toBe(true);
    expect(stats.mutatedFiles).toEqual(['src/slugify.ts']);
    expect(stats.score.valid).toBeGreaterThan(5);
    expect(stats.score.survived).toBeGreaterThan(0);
    expect(stats.score.mutationScore).toBeCloseTo((100 * (stats.score.killed + stats.score.timeout)) / stats.score.valid, 10);
    expect(sample.notes.join('\n')).toMatch(/mutation score \d+\.\d\d %/);
    expect(sample.measure!.value).toBeGreaterThan(0);
  });

  it('changed-files mutates nothing on a clean checkout and says so', async () => {
    const report = await new MutationTesterCore().run(target, 'changed-files');
    expect(report.findings).toEqual([]);
    expect(report.skipped?.[0]?.reason).toMatch(/clean checkout/);
  });

  it('full and incremental mutate every tested file (not the untested ones) and pass incremental on to Stryker', async () => {
    const calls: RunMutantsOptions[] = [];
    const fake = async (_t: Target, options: RunMutantsOptions): Promise<MutantsRun> => {
      calls.push(options);
      return { mutants: [], tests: [], score: mutationScore([]), testRunner: 'qe-node-test', perTest: true, durationMs: 1, complete: true, planned: {}, strykerConfig: {}, notes: [] };
    };
    const core = new MutationTesterCore({ runMutants: fake });
    await core.run(target, 'full');
    const incremental = await core.run(target, 'incremental');
    expect(calls[0]!.files).toEqual(['src/cart.ts', 'src/collections.ts', 'src/merge.ts', 'src/pricing.ts', 'src/shipping.ts', 'src/slugify.ts']);
    expect(calls[1]!.incremental).toBe(true);
    expect(incremental.skipped?.[0]?.surface).toBe('mutants');
  });

  it("stops Stryker within the caller's time budget and reports the mutants it tested as a part", async () => {
    const stops: Array<AbortSignal | undefined> = [];
    const tested = [mutant('0', 'Killed', ['t1'], ['t1']), mutant('1', 'Survived', ['t1'])];
    const fake = async (_t: Target, options: RunMutantsOptions): Promise<MutantsRun> => {
      stops.push(options.stop);
      const complete = options.stop === undefined;
      return { mutants: tested, tests: [{ id: 't1', file: 'test/a.test.ts', name: 'adds' }], score: mutationScore(tested), testRunner: 'qe-node-test', perTest: true, durationMs: 1, complete, planned: { 'src/a.ts': complete ? 2 : 8 }, strykerConfig: {}, notes: [] };
    };
    const core = new MutationTesterCore({ runMutants: fake, candidates: ['src/slugify.ts'] });
    // A budget whose tenths are not whole milliseconds (a timer takes integers only).
    const part = await core.run(target, 'full', { timeBudgetMs: 600_001 });
    const whole = await core.run(target, 'full');
    expect(stops[0]).toBeInstanceOf(AbortSignal);
    expect(stops[1]).toBeUndefined();
    expect(part.notes.join('\n')).toMatch(/time budget reached: Stryker was stopped after 2 of 8 mutants \(src\/a\.ts 2\/8\)/);
    expect(part.skipped).toContainEqual({ surface: 'mutants', reason: expect.stringMatching(/^6 of 8 mutants were not tested within the time budget/) as unknown as string });
    expect(part.stats).toMatchObject({ complete: false, planned: 8 });
    expect(part.coverage).toBeCloseTo(0.25, 10);
    expect(part.findings.length).toBe(whole.findings.length);
    expect(whole.stats).toMatchObject({ complete: true, planned: 2 });
    expect(whole.coverage).toBe(1);
    expect(whole.skipped).toBeUndefined();
  });

  it('is not applicable without tests', async () => {
    const bare = await writeProject(scratch, 'bare', { 'src/a.js': 'export const a = 1;\n' });
    expect(new MutationTesterCore().notApplicable(await openTarget({ dir: bare }))).toMatch(/no test files/);
  });
});
