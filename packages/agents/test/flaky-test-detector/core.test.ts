import { beforeAll, describe, expect, it } from 'vitest';
import { FlakyTestDetectorCore, allPassUpperBound, fisherOneSided, judgeTest, openTarget, rerunsForBound, runAgentTask, scoreFindings, wilsonInterval } from '@qe-fleet/agents';
import type { FlakyTestDetectorReport, RunSuiteOptions, SuiteRun, Target, TestObservation } from '@qe-fleet/agents';
import { FIXTURE } from '../support/fixture.js';

let sample: Target;
let isolation: FlakyTestDetectorReport;

// Real reruns once: isolation on the sample target's cart tests (node:test through kit/suite).
beforeAll(async () => {
  sample = await openTarget({ dir: FIXTURE });
  isolation = await new FlakyTestDetectorCore({ testFiles: ['test/cart.test.ts'] }).run(sample, 'isolation');
}, 300_000);

describe('flaky-test-detector on the sample target', () => {
  it('isolation finds the test that needs the one before it (D40), with no false positive', () => {
    const score = scoreFindings(isolation.findings, sample.catalogue!, 'flaky-test-detector');
    expect(score.precision).toBe(1);
    expect(score.found).toContain('D40');
    const finding = isolation.findings.find((f) => f.kind === 'order-dependent-test')!;
    expect(finding.location).toEqual({ test: 'test/cart.test.ts', name: 'counts units across lines' });
    expect(finding.message).toMatch(/fails when run alone .* Fisher exact p = 0\.0[0-4]\d/);
    expect(finding.evidence).toMatch(/first failure: AssertionError/);
    expect(finding.evidence).not.toMatch(/qe-suite-/);
  });

  it('own measure: reruns per verdict, bounded by the strategy', () => {
    expect(isolation.stats.runner).toBe('node-test');
    expect(isolation.stats.suiteRuns).toBe(1);
    expect(isolation.stats.rerunsPerVerdict).toBeGreaterThanOrEqual(4);
    expect(isolation.stats.rerunsPerVerdict).toBeLessThanOrEqual(6);
  });
});

/** A scripted project: `first`, `needs-first` (fails alone), `clock` (passes on every third run of it only), `steady`. */
function scriptedRunner(runner = 'node-test', file = 'test/a.test.js'): { run: (t: Target, o: RunSuiteOptions) => Promise<SuiteRun>; calls: RunSuiteOptions[] } {
  const calls: RunSuiteOptions[] = [];
  let clockRuns = 0;
  const run = async (_t: Target, options: RunSuiteOptions): Promise<SuiteRun> => {
    calls.push(options);
    const alone = options.testNamePattern !== undefined;
    const all = [
      { title: 'first', passed: true },
      { title: 'needs-first', passed: !alone },
      { title: 'clock', passed: ++clockRuns % 3 === 0 },
      { title: 'steady', passed: true },
    ].filter((t) => !alone || new RegExp(options.testNamePattern!).test(t.title));
    return {
      runner,
      command: 'node --test --test-reporter=/tmp/qe-suite-x/r.mjs test/a.test.js',
      baseCommand: 'node --test test/a.test.js',
      exitCode: 0,
      durationMs: 1,
      timedOut: false,
      output: '',
      notes: options.seed !== undefined && runner === 'node-test' ? [`node-test cannot shuffle the test order: seed ${options.seed} ignored`] : [],
      tests: all.map((t) => ({ file, name: t.title, title: t.title, status: t.passed ? 'passed' : 'failed', ...(t.passed ? {} : { failureMessage: `AssertionError: ${t.title} failed` }) })),
    };
  };
  return { run, calls };
}

describe('flaky-test-detector core with a scripted runner, clock and random source', () => {
  const make = (runner?: string, file?: string) => {
    const scripted = scriptedRunner(runner, file);
    const waits: number[] = [];
    let t = 0;
    const core = new FlakyTestDetectorCore({ runSuite: scripted.run, sleep: async (ms) => void waits.push(ms), random: () => 0.5, now: () => (t += 10), spreadMs: 1000 });
    return { core, scripted, waits };
  };

  it('rerun-failures: the test that failed in a suite run is rerun alone until it has both outcomes', async () => {
    const { core, scripted, waits } = make();
    const report = await core.run(sample, 'rerun-failures');
    expect(report.findings.map((f) => [f.kind, f.location])).toEqual([['flaky-test', { test: 'test/a.test.js', name: 'clock' }]]);
    expect(report.findings[0]!.message, report.findings[0]!.message).toMatch(/failed 3 of 4 runs \(75 %, 95 % Wilson interval 30-95 %\)/);
    expect(scripted.calls.filter((c) => c.testNamePattern !== undefined).map((c) => c.testNamePattern)).toEqual(['clock', 'clock']);
    expect(report.stats.rerunsPerVerdict).toBe(2);
    expect(waits).toHaveLength(3);
    // Runs are spread in time with the injected random source, never by real waiting.
    expect(waits.every((w) => w === 500)).toBe(true);
    expect(report.findings[0]!.evidence).toBe('rerun: node --test test/a.test.js; first failure: AssertionError: clock failed');
    expect(report.findings[0]!.verified).toMatch(/^seen passing and failing on the same code: failed 3 of 4 runs/);
  });

  it('reruns the whole suite for a test whose file the runner does not name (tape with several test files)', async () => {
    const { core, scripted } = make('tape', '');
    const report = await core.run(sample, 'rerun-failures');
    expect(report.findings.map((f) => f.location)).toEqual([{ test: '', name: 'clock' }]);
    const reruns = scripted.calls.filter((c) => c.testNamePattern !== undefined);
    expect(reruns.length).toBeGreaterThan(0);
    expect(reruns.map((c) => c.files)).toEqual(reruns.map(() => undefined));
  });

  it('isolation: a test failing alone only is order-dependent once Fisher decides; agreeing tests cost one run', async () => {
    const { core } = make();
    const report = await core.run(sample, 'isolation');
    const verdict = report.stats.verdicts.find((v) => v.name === 'needs-first')!;
    expect(verdict).toMatchObject({ verdict: 'order-dependent', failsWhen: 'alone' });
    expect(verdict.fisherP).toBeLessThan(0.05);
    expect(report.findings.find((f) => f.kind === 'order-dependent-test')!.location).toEqual({ test: 'test/a.test.js', name: 'needs-first' });
    expect(report.stats.verdicts.find((v) => v.name === 'steady')!.runs).toBe(2);
  });

  it('shuffle: seeds go to a runner that can shuffle; one that cannot is listed as skipped', async () => {
    const vitest = make('vitest');
    const shuffled = await vitest.core.run(sample, 'shuffle');
    expect(vitest.scripted.calls.filter((c) => c.seed !== undefined)).toHaveLength(rerunsForBound(0.25));
    expect(shuffled.skipped).toBeUndefined();
    expect(shuffled.findings.map((f) => f.location)).toContainEqual({ test: 'test/a.test.js', name: 'clock' });
    const node = make();
    expect((await node.core.run(sample, 'shuffle')).skipped).toEqual([{ surface: 'shuffled order', reason: 'node-test cannot shuffle its tests: the suite runs repeat its own order' }]);
  });

  it('a runner that reports nothing is TOOL_FAILED; a project without tests is not applicable', async () => {
    const core = new FlakyTestDetectorCore({ runSuite: async () => ({ runner: 'vitest', command: 'vitest', baseCommand: 'vitest', exitCode: 1, durationMs: 1, timedOut: false, output: 'boom', notes: [], tests: [] }), sleep: async () => undefined });
    await expect(core.run(sample, 'rerun-failures')).rejects.toMatchObject({ code: 'TOOL_FAILED' });
    const result = await runAgentTask(new FlakyTestDetectorCore(), { dir: FIXTURE + '/public' }, 'shuffle');
    expect(result.success).toBe(false);
  });
});

describe('rerun statistics', () => {
  it('Wilson interval, the all-pass upper bound and the reruns it takes', () => {
    const w = wilsonInterval(3, 11);
    expect(w.low).toBeCloseTo(0.0975, 3);
    expect(w.high).toBeCloseTo(0.5657, 3);
    expect(allPassUpperBound(11)).toBeCloseTo(0.2384, 3);
    expect(rerunsForBound(0.25)).toBe(11);
    expect(allPassUpperBound(rerunsForBound(0.1))).toBeLessThan(0.1);
  });

  it('one-sided Fisher exact test', () => {
    expect(fisherOneSided(4, 0, 0, 3)).toBeCloseTo(1 / 35, 10);
    expect(fisherOneSided(3, 0, 0, 3)).toBeCloseTo(1 / 20, 10);
    expect(fisherOneSided(0, 3, 3, 0)).toBeCloseTo(1, 10);
  });

  it('verdicts: flaky, order-dependent, failing, stable', () => {
    const o = (condition: 'alone' | 'suite', passed: boolean): TestObservation => ({ condition, passed });
    expect(judgeTest([o('suite', true), o('suite', false), o('suite', true)]).verdict).toBe('flaky');
    // 3 alone failures vs 3 passes with the file: p = 1/20 exactly, not below 0.05 yet.
    const six = [o('alone', false), o('alone', false), o('alone', false), o('suite', true), o('suite', true), o('suite', true)];
    expect(judgeTest(six).verdict).toBe('flaky');
    expect(judgeTest([...six, o('suite', true)]).verdict).toBe('order-dependent');
    expect(judgeTest([o('suite', false), o('alone', false)]).verdict).toBe('failing');
    expect(judgeTest([o('suite', true), o('suite', true)])).toMatchObject({ verdict: 'stable', upperBound: expect.closeTo(1 - Math.sqrt(0.05), 6) });
  });
});
