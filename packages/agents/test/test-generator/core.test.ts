import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INDEPENDENT_RUNS_LEARNING, TestGeneratorCore, docExamples, extractExports, openTarget, planProperties, runAgentTask } from '@qe-fleet/agents';
import type { CatalogueScore, Target, TestGeneratorReport } from '@qe-fleet/agents';
import { ReplayCore, learnOnReplays, shareOfLast } from '../support/learning.js';
import { FIXTURE, expectBestStrategyFindsCatalogue, measureStrategies } from '../support/fixture.js';
import { writeProject } from '../support/writeProject.js';

// The machine is shared: generous limits so load does not turn into a failed run.
const generator = new TestGeneratorCore({ timeoutMs: 180_000, service: { startupTimeoutMs: 60_000 } });
let reports: Map<string, TestGeneratorReport>;
let scores: Map<string, CatalogueScore>;
let target: Target;
let tmp: string;
let before: string;

/** Paths, sizes and modification times of every file under `dir`: proof nothing was written there. */
async function snapshot(dir: string): Promise<string> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const entry of await readdir(d, { withFileTypes: true })) {
      if (entry.name === 'node_modules') continue;
      const full = join(d, entry.name);
      if (entry.isDirectory()) await walk(full);
      else out.push(`${full} ${(await stat(full)).size} ${(await stat(full)).mtimeMs}`);
    }
  };
  await walk(dir);
  return out.sort().join('\n');
}

const project = (name: string, files: Record<string, string>): Promise<string> => writeProject(tmp, name, files);

// Every strategy generates and runs its tests for real once; the tests below share the reports.
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'qe-tg-'));
  before = await snapshot(FIXTURE);
  ({ target, reports, scores } = await measureStrategies(generator));
}, 600_000);
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('test-generator on the sample target', () => {
  it('its best strategy finds the catalogued defects: recall >= 0.8 with precision >= 0.8', () => {
    expectBestStrategyFindsCatalogue(scores);
  });

  it('stronger oracles find more: smoke finds no logic bug, invariants the rounding, bound, slug and cart bugs, routes the API defects', () => {
    const found = (s: string): string[] => [...scores.get(s)!.found].sort();
    expect(found('smoke')).toEqual([]);
    expect(found('invariants')).toEqual(['D01', 'D02', 'D03', 'D04']);
    expect(found('invariants-routes')).toEqual(['D01', 'D02', 'D03', 'D04', 'D25', 'D27', 'D28', 'D29', 'D30']);
    for (const score of scores.values()) expect(score.precision).toBe(1);
  });

  it('reports fast-check shrunk counter-examples as the evidence', () => {
    const findings = reports.get('invariants')!.findings;
    const cart = findings.find((f) => f.message.startsWith('Cart.addItem'));
    expect(cart?.evidence).toMatch(/add-accumulates: counterexample .*\["a",1,\d+(\.\d+)?\],\["a",1,\d+(\.\d+)?\]/);
    expect(findings.find((f) => f.message.startsWith('slugify'))?.evidence).toMatch(/Crème brûlée/);
    expect(findings.find((f) => f.message.startsWith('roundMoney'))?.evidence).toMatch(/round-fixpoint: counterexample \[\d+\.\d+\]/);
  });

  it('writes tests that compile and run, and measures the coverage they reach', () => {
    for (const report of reports.values()) {
      expect(report.stats.compileRate).toBe(1);
      expect(report.stats.propertiesRun).toBe(report.stats.outcomes.length);
      expect(report.stats.testsWritten).toBe(report.stats.propertiesRun + report.stats.routeTests + report.stats.routeTestsSkipped);
      expect(report.coverage).toBeGreaterThan(0.1);
    }
    expect(reports.get('invariants-routes')!.stats.routeTests).toBeGreaterThan(40);
    expect(reports.get('invariants')!.coverage).toBeGreaterThan(reports.get('smoke')!.coverage! - 0.05);
  });

  it('never writes into the target', async () => {
    expect(await snapshot(FIXTURE)).toBe(before);
  });

  it('learning converges on the strategy that measures best (BaseAgent, in-memory store, seeded, replayed runs)', async () => {
    // Each strategy ran for real once (beforeAll); the learner replays those measured reports, with
    // the learning settings TestGeneratorAgent uses.
    const core = new ReplayCore('test-generator', generator.strategies, reports);
    const run = await learnOnReplays(core, FIXTURE, { tasks: 300, seed: 5, timeout: 180_000, learning: INDEPENDENT_RUNS_LEARNING });
    const why = `rewards ${JSON.stringify([...run.rewards])}, choices ${run.choices.join(' ')}`;
    expect(run.contenders, why).toContain(run.recommended);
    expect(run.contenders.reduce((n, c) => n + shareOfLast(run.choices, c, 100), 0), why).toBeGreaterThan(0.8);
  });
});

describe('other targets', () => {
  it('tests a tiny project with one exported function and finds nothing wrong', async () => {
    const dir = await project('tiny', { 'src/double.ts': 'export function double(x: number): number {\n  return x * 2;\n}\n' });
    const result = await runAgentTask(generator, { dir }, 'invariants-routes');
    expect(result.success, result.errors.join()).toBe(true);
    expect(result.output.findings).toEqual([]);
    const report = result.output.report as TestGeneratorReport;
    expect(report.stats.propertiesRun).toBeGreaterThanOrEqual(2);
    // No API description: the request tests are a skipped surface, which halves the coverage.
    expect(report.skipped).toEqual([{ surface: 'request tests', reason: expect.stringMatching(/^no API description/) as string }]);
    expect(result.coverage).toBe(0.5);
  });

  it('a CommonJS library (the qs shape): what its entry offers is tested, and internal helpers only when their parameters have types', async () => {
    const dir = await project('cjs-library', {
      'package.json': JSON.stringify({ name: 'cjs-library', main: 'lib/index.js' }),
      'lib/index.js': "'use strict';\nvar parse = require('./parse');\nmodule.exports = { parse: parse };\n",
      'lib/parse.js': "'use strict';\nvar utils = require('./utils');\nmodule.exports = function (str) {\n  return utils.split(typeof str === 'string' ? str : '');\n};\n",
      // Called only with strings: fed anything else, merge throws, which is no defect.
      'lib/utils.js': "'use strict';\nfunction merge(target, source) {\n  return target.concat(source);\n}\n/**\n * @param {string} text\n * @returns {string[]}\n */\nfunction split(text) {\n  return text.split('&');\n}\nmodule.exports = { merge: merge, split: split };\n",
    });
    const report = await generator.run(await openTarget({ dir, catalogue: false }), 'invariants');
    expect([...new Set(report.stats.outcomes.map((o) => o.fn))].sort()).toEqual(['default', 'split']);
    expect(report.findings).toEqual([]);
    expect(report.notes.join('\n')).toMatch(/1 internal function\(s\) \(not reachable from lib\/index\.js\) with untyped parameters left out/);
  });

  it('an untyped options parameter gets an object or nothing, never null or an array (qs parse([], []), micromatch isMatch with null options)', async () => {
    const dir = await project('untyped-options', {
      'package.json': JSON.stringify({ name: 'untyped-options', main: 'index.js' }),
      'index.js': "'use strict';\nmodule.exports = function describe(value, options) {\n  var opts = options === undefined ? {} : options;\n  return String(value) + ':' + Object.keys(opts).filter(function (k) { return opts[k] !== undefined; }).length;\n};\n",
    });
    const report = await generator.run(await openTarget({ dir, catalogue: false }), 'invariants');
    expect(report.stats.outcomes.map((o) => o.fn)).toContain('default');
    expect(report.findings).toEqual([]);
  });

  it('a CommonJS function with properties (the micromatch shape): its properties are called, not reported as "not a function"', async () => {
    const dir = await project('cjs-function-props', {
      'package.json': JSON.stringify({ name: 'cjs-function-props', main: 'index.js' }),
      'index.js': [
        "'use strict';",
        '/**',
        ' * @param {string[]} list',
        ' * @returns {string[]}',
        ' */',
        "const match = (list) => list.filter((s) => s.startsWith('a'));",
        '/**',
        ' * @param {string} str',
        ' * @returns {boolean}',
        ' */',
        "match.isMatch = (str) => str.startsWith('a');",
        'module.exports = match;',
        '',
      ].join('\n'),
    });
    const report = await generator.run(await openTarget({ dir, catalogue: false }), 'invariants');
    expect(report.stats.outcomes.map((o) => o.fn)).toContain('isMatch');
    expect(report.findings).toEqual([]);
  });

  it('a CommonJS application (the nodejs-goof shape): no entry offers its functions, so only typed ones are tested, as methods of their exports object', async () => {
    const dir = await project('cjs-app', {
      'package.json': JSON.stringify({ name: 'cjs-app', scripts: { start: 'node app.js' } }),
      'app.js': "'use strict';\nvar utils = require('./utils');\nconsole.log(utils.uid(8));\n",
      'utils.js': [
        'module.exports = {',
        '  ran_no: function (min, max) {',
        '    return Math.floor(Math.random() * (max - min + 1)) + min;',
        '  },',
        '  /**',
        '   * @param {number} len',
        '   * @returns {string}',
        '   */',
        '  uid: function (len) {',
        "    var str = '';",
        "    for (var i = 0; i < Math.min(len, 50); i++) str += 'ab'.charAt(this.ran_no(0, 1));",
        '    return str;',
        '  },',
        '};',
        '',
      ].join('\n'),
    });
    const report = await generator.run(await openTarget({ dir, catalogue: false }), 'invariants');
    expect([...new Set(report.stats.outcomes.map((o) => o.fn))]).toEqual(['uid']);
    // Node's named-export detection stops at `ran_no: function …`: uid is reached through the exports object, with it as `this`.
    expect(report.findings).toEqual([]);
    expect(report.notes.join('\n')).toMatch(/1 internal function\(s\) \(no package\.json entry offers them\) with untyped parameters left out/);
  });

  it('says why when there is nothing to test (no sources, no API description)', async () => {
    const dir = await project('bare', { 'README.md': '# nothing here\n' });
    const result = await runAgentTask(generator, { dir }, 'invariants-routes');
    expect(result).toMatchObject({ success: false, output: { errorCode: 'UNSUPPORTED_TARGET', findings: [] } });
    expect(result.errors[0]).toMatch(/no JavaScript or TypeScript sources/);
    expect(generator.notApplicable(await openTarget({ dir }))).toMatch(/^no JavaScript or TypeScript sources .* and no API description$/);
  });

  it('a target that crashes on import is a failed run, not a clean one', async () => {
    const dir = await project('boom', { 'src/boom.ts': "throw new Error('cannot load config');\nexport function id(x: string): string {\n  return x;\n}\n" });
    const result = await runAgentTask(generator, { dir }, 'smoke');
    expect(result).toMatchObject({ success: false, output: { errorCode: 'TOOL_FAILED' } });
    expect(result.errors[0]).toMatch(/cannot load config/);
  });

  it('a function that never returns is killed at the timeout: a failed run, not a hang', async () => {
    const dir = await project('spin', { 'src/spin.ts': 'export function spin(n: number): number {\n  while (n === n) {}\n  return n;\n}\n' });
    const quick = new TestGeneratorCore({ timeoutMs: 2000 });
    const result = await runAgentTask(quick, { dir }, 'smoke');
    expect(result).toMatchObject({ success: false, output: { errorCode: 'TOOL_FAILED' } });
    expect(result.errors[0]).toMatch(/did not finish within 2000 ms/);
  });

  it('TARGET_NOT_FOUND and NO_PACKAGE_JSON for bad folders', async () => {
    expect(await runAgentTask(generator, { dir: join(tmp, 'missing') }, 'smoke')).toMatchObject({ success: false, output: { errorCode: 'TARGET_NOT_FOUND' } });
    await mkdir(join(tmp, 'nopkg'));
    expect(await runAgentTask(generator, { dir: join(tmp, 'nopkg') }, 'smoke')).toMatchObject({ success: false, output: { errorCode: 'NO_PACKAGE_JSON' } });
  });
});

describe('oracles from types, names and docs', () => {
  it('reads examples stated in doc comments', () => {
    expect(docExamples('("Crème brûlée" becomes "creme-brulee"), slugify("A B") === "a-b", 3 -> 4')).toEqual([
      ['Crème brûlée', 'creme-brulee'],
      [3, 4],
      ['A B', 'a-b'],
    ]);
  });

  it("reads CommonJS module.exports: a function is the module's default, an object exports the functions this file defines", async () => {
    const dir = await project('commonjs-exports', {
      'lib/parse.js': "'use strict';\nvar utils = require('./utils');\n/** Splits a query. */\nmodule.exports = function (str, opts) {\n  return utils.split(str, opts);\n};\n",
      'lib/utils.js': "'use strict';\nvar split = function split(str) {\n  return String(str).split('&');\n};\nfunction join(parts) {\n  return parts.join('&');\n}\nmodule.exports = { join: join, split: split, limit: 20 };\n",
      'lib/index.js': "'use strict';\nvar parse = require('./parse');\nmodule.exports = { parse: parse, utils: require('./utils') };\n",
    });
    const { functions } = extractExports(dir, ['lib/index.js', 'lib/parse.js', 'lib/utils.js'].map((f) => join(dir, f)));
    expect(functions.map((f) => `${f.file}:${f.name}(${f.params.map((p) => p.name).join(',')}) line ${f.line}`).sort()).toEqual([
      'lib/parse.js:default(str,opts) line 4',
      'lib/utils.js:join(parts) line 5',
      'lib/utils.js:split(str) line 2',
    ]);
    expect(functions.find((f) => f.name === 'default')?.doc).toContain('Splits a query.');
  });

  it('chooses oracles by signature and name', async () => {
    const dir = await project('names', {
      'src/names.ts': [
        'export interface Line { price: number; quantity: number }',
        'export function cartTotal(lines: Line[]): number { return lines.reduce((s, l) => s + l.price * l.quantity, 0); }',
        'export function normalizeTag(tag: string): string { return tag.trim().toLowerCase(); }',
        'export function mergeOptions(a: Record<string, number>, b: Record<string, number>): Record<string, number> { return { ...a, ...b }; }',
        'export async function load(id: string): Promise<string> { return id; }',
        'export const MIN_QTY = 5;',
        '/** Free shipping from MIN_QTY units on. */',
        'export function freeShipping(quantity: number): boolean { return quantity >= MIN_QTY; }',
      ].join('\n'),
    });
    const { functions } = extractExports(dir, [join(dir, 'src/names.ts')]);
    expect(functions.find((f) => f.name === 'load')?.pure).toBe(false);
    const oracles = planProperties(functions, 'metamorphic').map((p) => `${p.fn.name}:${p.oracle}`);
    expect(oracles).toEqual(
      expect.arrayContaining(['cartTotal:sum-of-lines', 'cartTotal:additive', 'cartTotal:non-negative', 'normalizeTag:idempotent', 'mergeOptions:keeps-keys', 'freeShipping:doc-boundary']),
    );
    expect(oracles.filter((o) => o.startsWith('load:'))).toEqual([]);
    expect(planProperties(functions, 'smoke').every((p) => p.oracle === 'no-crash')).toBe(true);
  });
});
