import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SwarmMemoryManager } from '@qe-fleet/memory';
import { INDEPENDENT_RUNS_LEARNING, PerformanceTesterCore, baselineKey, confirmGrowth, fitGrowth, openTarget, runAgentTask } from '@qe-fleet/agents';
import type { CatalogueScore, PerformanceTesterReport, Target } from '@qe-fleet/agents';
import { ReplayCore, learnOnReplays, shareOfLast } from '../support/learning.js';
import { FIXTURE, expectBestStrategyFindsCatalogue, measureStrategies } from '../support/fixture.js';
import { writeProject } from '../support/writeProject.js';

const tester = new PerformanceTesterCore({ service: { startupTimeoutMs: 60_000 }, timeoutMs: 180_000 });
let reports: Map<string, PerformanceTesterReport>;
let scores: Map<string, CatalogueScore>;
let target: Target;
let tmp: string;

const project = (name: string, files: Record<string, string>): Promise<string> => writeProject(tmp, name, files);

// Every strategy benchmarks the fixture for real once; the tests below share the reports.
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'qe-perf-'));
  ({ target, reports, scores } = await measureStrategies(tester));
}, 600_000);
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('performance-tester on the sample target', () => {
  it('its best strategy finds the catalogued quadratic code and routes: recall >= 0.8 with precision >= 0.8', () => {
    expectBestStrategyFindsCatalogue(scores);
  });

  it('reports the quadratic helpers, not the linear ones, and points at the nested iteration', () => {
    // Verdicts, not slopes: a slope threshold per strategy is a judgement of machine speed (the
    // verdict logic is tested on given fits below); the confirmed findings are what a user sees.
    const reported = new Set([...reports.values()].flatMap((r) => r.findings.map((f) => f.message.split(' ')[0])));
    expect([...reported]).toEqual(expect.arrayContaining(['dedupe', 'intersect', 'rankByScore']));
    for (const fn of ['slugify', 'chunk']) expect(reported.has(fn), fn).toBe(false);
    const dedupe = [...reports.values()].flatMap((r) => r.findings.filter((f) => f.message.startsWith('dedupe ')));
    expect(dedupe.length).toBeGreaterThan(0);
    for (const finding of dedupe) expect(finding.location).toEqual({ file: 'src/collections.ts', line: 7 });
  });

  it('only the route strategy times routes, and reports the quadratic ones', () => {
    expect(reports.get('quick')!.stats.routes).toEqual([]);
    const routes = reports.get('with-routes')!.stats.routes.map((r) => r.subject);
    expect(routes).toEqual(expect.arrayContaining(['POST /api/skus/dedupe', 'POST /api/reports/top-products']));
    expect(scores.get('with-routes')!.found.filter((id) => id === 'D23' || id === 'D24').length).toBeGreaterThanOrEqual(1);
  });

  it('learning converges on the strategy that measures best (BaseAgent, in-memory store, seeded, replayed runs)', async () => {
    // Each strategy ran for real once (beforeAll); the learner replays those measured reports, with
    // the learning settings PerformanceTesterAgent uses.
    const core = new ReplayCore('performance-tester', tester.strategies, reports);
    const run = await learnOnReplays(core, FIXTURE, { tasks: 300, seed: 3, timeout: 180_000, learning: INDEPENDENT_RUNS_LEARNING });
    const why = `rewards ${JSON.stringify([...run.rewards])}, choices ${run.choices.join(' ')}`;
    expect(run.contenders, why).toContain(run.recommended);
    expect(run.contenders.reduce((n, c) => n + shareOfLast(run.choices, c, 100), 0), why).toBeGreaterThan(0.8);
  });
});

describe('baselines', () => {
  it('stores a baseline per function in memory and flags a slowdown beyond both margins of error', async () => {
    const dir = await project('sum', { 'src/sum.ts': 'export function total(values: number[]): number {\n  return [...values].sort((a, b) => a - b).reduce((t, v) => t + v, 0);\n}\n' });
    const memory = new SwarmMemoryManager(':memory:', { cleanupIntervalMs: 0 });
    memory.initialize();
    try {
      const core = new PerformanceTesterCore({ baselines: memory });
      const first = await runAgentTask(core, { dir }, 'quick');
      expect(first.success, first.errors.join()).toBe(true);
      const report = first.output.report as PerformanceTesterReport;
      expect(report.stats.baselinesStored).toBe(1);
      const stored = memory.retrieve(baselineKey('sum', 'total')) as { points: Array<{ n: number; ms: number; msMoe: number }> };
      expect(stored.points.length).toBeGreaterThanOrEqual(3);
      // A baseline 1000 times faster, with no error margin: the next run is a regression beyond it.
      memory.store(baselineKey('sum', 'total'), { points: stored.points.map((p) => ({ ...p, ms: p.ms / 1000, msMoe: 0 })) });
      const second = (await runAgentTask(core, { dir }, 'quick')).output.report as PerformanceTesterReport;
      expect(second.stats.regressions.length).toBeGreaterThan(0);
      expect(second.stats.regressions[0]).toMatchObject({ subject: 'total' });
      expect(second.stats.regressions[0]!.ratio).toBeGreaterThan(10);
      expect(second.notes.join()).toMatch(/regression: total/);
      expect(second.findings).toEqual([]);
    } finally {
      memory.close();
    }
  });
});

describe('other targets', () => {
  it('benchmarks a tiny project with one exported function without reporting anything', async () => {
    const dir = await project('tiny', { 'src/upper.ts': 'export function shout(text: string): string {\n  return text.toUpperCase();\n}\n' });
    const result = await runAgentTask(tester, { dir }, 'with-routes');
    expect(result.success, result.errors.join()).toBe(true);
    expect(result.output.findings).toEqual([]);
    const report = result.output.report as PerformanceTesterReport;
    expect(report.stats.functions.map((f) => f.subject)).toEqual(['shout']);
    expect(report.skipped).toEqual([{ surface: 'routes', reason: expect.stringMatching(/^no API description/) as string }]);
    expect(report.coverage).toBe(0.5);
  });

  it('a function-only strategy on a service without sized functions succeeds with coverage 0 and says what it skipped (no exit 4 when the learner tries it)', async () => {
    const dir = await project('service-only', {
      'server.js': "require('node:http').createServer((q, s) => s.end('{}')).listen(Number(process.env.PORT), '127.0.0.1');\n",
      'openapi.json': JSON.stringify({ openapi: '3.0.3', info: { title: 't', version: '1' }, paths: { '/x': { get: { responses: { '200': { description: 'ok' } } } } } }),
    });
    const target = await openTarget({ dir });
    expect(tester.notApplicable(target)).toBeUndefined();
    const result = await runAgentTask(tester, { dir }, 'quick');
    expect(result, result.errors.join()).toMatchObject({ success: true, coverage: 0, output: { findings: [] } });
    expect(result.output.report?.skipped).toEqual([{ surface: 'functions', reason: expect.stringMatching(/^no exported pure function takes a sized input/) as string }]);
  });

  it('says why when there is nothing to benchmark', async () => {
    const dir = await project('bare', { 'README.md': '# nothing here\n', 'src/constants.ts': 'export const ANSWER = 42;\nexport function now(): number {\n  return 1;\n}\n' });
    const result = await runAgentTask(tester, { dir }, 'quick');
    expect(result).toMatchObject({ success: false, output: { errorCode: 'UNSUPPORTED_TARGET', findings: [] } });
    expect(result.errors[0]).toMatch(/not applicable: .*no exported pure function takes a sized input/);
    expect(tester.notApplicable(await openTarget({ dir }))).toMatch(/^no exported pure function takes a sized input .* and no API description with a service$/);
  });

  it('times the functions of a CommonJS exports object as its methods (the nodejs-goof utils shape, which Node does not list as named exports)', async () => {
    const dir = await project('cjs-object', {
      'package.json': JSON.stringify({ name: 'cjs-object', main: 'utils.js' }),
      'utils.js': [
        'module.exports = {',
        '  /** @param {number[]} items @returns {number} */',
        '  first: function (items) {',
        '    return items.length > 0 ? items[0] : 0;',
        '  },',
        '  /** @param {number[]} items @returns {number} */',
        '  total: function (items) {',
        '    return items.reduce((sum, x) => sum + x, this.first([]));',
        '  },',
        '};',
        '',
      ].join('\n'),
    });
    const report = (await runAgentTask(new PerformanceTesterCore({ timeoutMs: 120_000 }), { dir }, 'quick-isolated')).output.report as PerformanceTesterReport;
    expect(report.notes.join('\n')).not.toMatch(/is not a function|Cannot read properties/);
    expect(report.findings).toEqual([]);
    expect(report.coverage).toBeGreaterThan(0);
  });

  it('a function that throws is reported in the notes, and one that never returns is killed at the timeout', async () => {
    const dir = await project('bad', {
      'src/bad.ts': "export function broken(items: number[]): number {\n  throw new TypeError('not today ' + items.length);\n}\nexport function spin(items: number[]): number {\n  while (items.length >= 0) {}\n  return 0;\n}\n",
    });
    const isolated = new PerformanceTesterCore({ timeoutMs: 2000 });
    const result = await runAgentTask(isolated, { dir }, 'quick-isolated');
    expect(result).toMatchObject({ success: false, output: { errorCode: 'TOOL_FAILED' } });
    expect(result.errors[0]).toMatch(/did not finish within 2000 ms/);
    const onlyBroken = await project('broken', { 'src/bad.ts': "export function broken(items: number[]): number {\n  throw new TypeError('not today ' + items.length);\n}\n" });
    // A generous timeout here: this run must finish, however busy the machine.
    const report = (await runAgentTask(new PerformanceTesterCore({ timeoutMs: 120_000 }), { dir: onlyBroken }, 'quick-isolated')).output.report as PerformanceTesterReport;
    expect(report.notes.join()).toMatch(/broken: n=100: TypeError: not today 100/);
    expect(report.findings).toEqual([]);
  });

  it('TARGET_NOT_FOUND and NO_PACKAGE_JSON for bad folders', async () => {
    expect(await runAgentTask(tester, { dir: join(tmp, 'missing') }, 'quick')).toMatchObject({ success: false, output: { errorCode: 'TARGET_NOT_FOUND' } });
    await mkdir(join(tmp, 'nopkg'));
    expect(await runAgentTask(tester, { dir: join(tmp, 'nopkg') }, 'quick')).toMatchObject({ success: false, output: { errorCode: 'NO_PACKAGE_JSON' } });
  });
});

describe('fitGrowth', () => {
  const sizes = [100, 400, 1600, 6400];
  it('classifies constant, linear, n log n and quadratic growth from the log-log slope', () => {
    expect(fitGrowth(sizes.map((n) => ({ n, ms: 0.01 }))).growth).toBe('O(1)');
    expect(fitGrowth(sizes.map((n) => ({ n, ms: n * 1e-4 }))).growth).toBe('O(n)');
    expect(fitGrowth(sizes.map((n) => ({ n, ms: n * Math.log(n) * 1e-5 }))).growth).toBe('O(n log n)');
    const quadratic = fitGrowth(sizes.map((n) => ({ n, ms: n * n * 1e-6 })));
    expect(quadratic).toMatchObject({ growth: 'O(n^2)', points: 4 });
    expect(quadratic.slope).toBeCloseTo(2, 6);
    expect(quadratic.r2).toBeCloseTo(1, 6);
  });

  it('one small size measured on a busy machine does not move the slope', () => {
    const disturbed = [100, 300, 1000, 3000, 10_000].map((n) => ({ n, ms: n * n * 1e-6 * (n === 100 ? 2.5 : 1) }));
    expect(fitGrowth(disturbed).slope).toBeCloseTo(2, 6);
  });

  it('gives a low R² to noise and needs two sizes', () => {
    expect(fitGrowth([{ n: 100, ms: 1 }, { n: 400, ms: 5 }, { n: 1600, ms: 0.5 }, { n: 6400, ms: 4 }]).r2).toBeLessThan(0.3);
    expect(fitGrowth([{ n: 100, ms: 1 }])).toMatchObject({ slope: 0, r2: 0, points: 1 });
  });
});

describe('confirmGrowth (fits given, no clock)', () => {
  const thresholds = { minSlope: 1.6, minR2: 0.9 };
  const fit = (slope: number, points = 5, r2 = 0.99) => ({ slope, r2, points, growth: 'O(n^2)' as const });

  it('reports a function that stays super-linear when timed again beside a linear plain pass', () => {
    expect(confirmGrowth(fit(2.1), { fit: fit(2.0), baseline: fit(1.0) }, thresholds)).toEqual({ report: true, ownSlope: 2.0 });
  });

  it('does not blame the function for growth one plain pass over the same inputs shows too (ky findUnknownOptions: n^1.61 beside a pass at n^1.59)', () => {
    const verdict = confirmGrowth(fit(1.79), { fit: fit(1.61), baseline: fit(1.59) }, thresholds);
    expect(verdict.report).toBe(false);
    expect(verdict).toMatchObject({ why: expect.stringMatching(/plain pass .* n\^1\.59: n\^1\.02 of its own/) as string });
  });

  it('does not report what the second run does not confirm, or what it measured at fewer than three sizes', () => {
    expect(confirmGrowth(fit(1.9), { fit: fit(1.2) }, thresholds)).toMatchObject({ report: false, why: expect.stringMatching(/timing noise/) as string });
    expect(confirmGrowth(fit(2.7), { fit: fit(2.4, 2) }, thresholds).report).toBe(false);
    expect(confirmGrowth(fit(2.7), undefined, thresholds).report).toBe(false);
  });
});
