import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoverageAnalyzerCore, coverageGaps, openTarget, runSuite, satisfactionOf, scoreFindings, toTaskResult } from '@qe-fleet/agents';
import type { CatalogueScore, CoverageAnalyzerReport, RunSuiteOptions, SuiteRunWithSummary, Target } from '@qe-fleet/agents';
import { FIXTURE } from '../support/fixture.js';
import { writeProject } from '../support/writeProject.js';

describe('coverage-analyzer on the sample target', () => {
  const reports = new Map<string, CoverageAnalyzerReport>();
  const scores = new Map<string, CatalogueScore>();
  let suiteRuns = 0;
  let changed: CoverageAnalyzerReport;
  let scratch: string;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'qe-coverage-analyzer-'));
    // One real suite run under c8 serves both whole-suite strategies: they differ in what they report, not in what runs.
    let shared: Promise<SuiteRunWithSummary> | undefined;
    const once = (target: Target, options: RunSuiteOptions): Promise<SuiteRunWithSummary> => {
      suiteRuns++;
      shared ??= runSuite(target, options);
      return shared;
    };
    const core = new CoverageAnalyzerCore({ runSuite: once });
    const target = await openTarget({ dir: FIXTURE });
    for (const name of ['full', 'uncovered-functions', 'changed-files']) {
      const report = await core.run(target, name);
      reports.set(name, report);
      scores.set(name, scoreFindings(report.findings, target.catalogue!, 'coverage-analyzer'));
    }
    // changed-files on a git work tree with one edited, partly tested file (a real run of its related test).
    const project = await writeProject(scratch, 'changed', {
      'src/sign.js': 'export function sign(x) {\n  if (x > 0) return 1;\n  if (x < 0) return -1;\n  return 0;\n}\n',
      'src/other.js': 'export function other() {\n  return 1;\n}\n',
      'test/sign.test.js': "import { test } from 'node:test';\nimport assert from 'node:assert';\nimport { sign } from '../src/sign.js';\ntest('positive', () => assert.equal(sign(3), 1));\n",
    });
    await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'changed', type: 'module', scripts: { test: 'node --test' } }));
    const git = (...args: string[]): string => execFileSync('git', args, { cwd: project, encoding: 'utf8' });
    git('init', '-q');
    git('-c', 'user.email=t@t', '-c', 'user.name=t', 'add', '.');
    git('-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-qm', 'init');
    await writeFile(join(project, 'src/sign.js'), 'export function sign(x) {\n  if (x > 0) return 1;\n  if (x < 0) return -1;\n  return x === 0 ? 0 : Number.NaN;\n}\n');
    changed = await new CoverageAnalyzerCore().run(await openTarget({ dir: project }), 'changed-files');
  }, 240_000);

  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('full finds every catalogued gap: unloaded files, uncalled functions, untaken branches', () => {
    const score = scores.get('full')!;
    expect(score.recall).toBe(1);
    expect(score.precision).toBeGreaterThanOrEqual(0.8);
    expect(suiteRuns).toBe(2);
  });

  it('uncovered-functions reports only files and functions: shippingQuote’s branches are left out, nothing false', () => {
    const score = scores.get('uncovered-functions')!;
    expect(score.precision).toBe(1);
    expect(score.missed.map((d) => d.id)).toEqual(['D47']);
  });

  it('its line and branch percentages equal c8’s own json-summary of the same run', () => {
    const report = reports.get('full')!;
    expect(report.figures!.lines).toEqual(report.toolSummary!.lines);
    expect(report.figures!.branches).toEqual(report.toolSummary!.branches);
    expect(report.figures!.functions).toEqual(report.toolSummary!.functions);
    expect(report.notes.join('\n')).toMatch(new RegExp(`lines ${report.toolSummary!.lines.pct} %`));
  });

  it('ranks gaps by risk: public, complex, large gaps first, with evidence to act on', () => {
    const gaps = reports.get('full')!.gaps;
    for (let i = 1; i < gaps.length; i++) expect(gaps[i - 1]!.risk.score).toBeGreaterThanOrEqual(gaps[i]!.risk.score);
    const shipping = gaps.find((g) => g.name === 'shippingQuote')!;
    expect(shipping.kind).toBe('branches');
    expect(shipping.risk.exports).toEqual(['shippingQuote']);
    const finding = reports.get('full')!.findings.find((f) => f.message.startsWith('shippingQuote'))!;
    expect(finding.evidence).toMatch(/uncovered lines: .*\d.*reproduce: npx c8 --all --reporter=text node --import tsx --test test\/\*\.test\.ts/);
    expect(finding.rule).toBe('coverage-analyzer/untaken-branches');
  });

  it('learns from its own measure: the share of uncovered lines its findings locate', () => {
    const full = reports.get('full')!;
    const functionsOnly = reports.get('uncovered-functions')!;
    expect(full.measure!.value).toBe(1);
    expect(functionsOnly.measure!.value).toBeLessThan(1);
    // On an uncatalogued target satisfaction (verified findings and coverage) is scaled by this measure.
    const { measure, ...unmeasured } = functionsOnly;
    expect(toTaskResult(functionsOnly).satisfaction).toBeCloseTo(satisfactionOf(unmeasured) * measure!.value, 10);
  });

  it('changed-files: nothing on a clean checkout (said in skipped), the changed file’s gaps on an edited one', () => {
    const clean = reports.get('changed-files')!;
    expect(clean.findings).toEqual([]);
    expect(clean.skipped?.[0]?.reason).toMatch(/clean checkout/);
    expect(changed.findings.map((f) => [f.location, f.rule])).toEqual([[{ file: 'src/sign.js', line: 1, endLine: 5 }, 'coverage-analyzer/untaken-branches']]);
    expect(changed.notes.join()).toMatch(/1 related test file/);
    expect(changed.gaps[0]!.risk.changedDaysAgo).toBe(0);
  });

  it("leaves out functions a transform added (vitest's SSR export getters): a named function the source does not name on its line", async () => {
    const dir = await writeProject(scratch, 'transformed', { 'src/a.ts': 'export function used(): number {\n  return 1;\n}\nexport function unused(): number {\n  return 2;\n}\n' });
    const path = join(dir, 'src/a.ts');
    const at = (line: number, from: number, to: number) => ({ start: { line, column: from }, end: { line, column: to } });
    const coverage = {
      [path]: {
        path,
        statementMap: { 0: at(2, 2, 11), 1: at(5, 2, 11) },
        s: { 0: 1, 1: 0 },
        fnMap: { 0: { name: 'used', decl: at(1, 0, 20), loc: at(1, 0, 30), line: 1 }, 1: { name: 'unused', decl: at(4, 0, 20), loc: at(4, 0, 30), line: 4 }, 2: { name: 'get', decl: at(1, 0, 6), loc: at(1, 0, 6), line: 1 }, 3: { name: 'get', decl: at(4, 0, 6), loc: at(4, 0, 6), line: 4 } },
        f: { 0: 1, 1: 0, 2: 1, 3: 0 },
        branchMap: {},
        b: {},
      },
    };
    expect(coverageGaps(coverage, dir).map((g) => `${g.kind} ${g.name} ${g.line}`)).toEqual(['function unused 4']);
  });

  it("calls no source untested when the passing tests execute none of it (lukeed/tinydate's tests load ../dist/tinydate)", async () => {
    const add = 'exports.add = function add(a, b) {\n  return a + b;\n};\n';
    const dir = await writeProject(scratch, 'tests-the-build', {
      'package.json': JSON.stringify({ name: 'b', main: 'dist/add.cjs', scripts: { build: 'node build.cjs', test: 'node --test' } }),
      'src/add.cjs': add,
      'dist/add.cjs': add,
      'test/add.test.cjs': "const test = require('node:test');\nconst assert = require('node:assert/strict');\nconst { add } = require('../dist/add.cjs');\ntest('adds', () => assert.equal(add(1, 2), 3));\n",
    });
    const report = await new CoverageAnalyzerCore().run(await openTarget({ dir }), 'full');
    expect(report.findings).toEqual([]);
    expect(report.skipped?.map((s) => s.reason).join()).toMatch(/1 test\(s\) passed without executing a line of the sources/);
  });

  it('is not applicable without tests or a runner', async () => {
    const bare = await writeProject(scratch, 'bare', { 'src/a.js': 'export const a = 1;\n' });
    expect(new CoverageAnalyzerCore().notApplicable(await openTarget({ dir: bare }))).toMatch(/no test files/);
    await expect(new CoverageAnalyzerCore().run(await openTarget({ dir: bare }), 'full')).rejects.toMatchObject({ code: 'UNSUPPORTED_TARGET' });
  });
});
