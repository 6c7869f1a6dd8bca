import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnitTestGeneratorCore, judgeOutcome, mutateRanges, openTarget, planFunctionCases, readDocExamples, scoreFindings } from '@qe-fleet/agents';
import type { CatalogueScore, ExportedFunction, ProbeOutcome, Target, UnitCase, UnitTestGeneratorReport } from '@qe-fleet/agents';
import { FIXTURE, expectBestStrategyFindsCatalogue } from '../support/fixture.js';
import { writeProject } from '../support/writeProject.js';

// The machine is shared: generous limits. One core (so the project suite runs once per target),
// two strategies on the sample target and one on a CommonJS project of our own.
const core = new UnitTestGeneratorCore({ suiteTimeoutMs: 240_000 });
const reports = new Map<string, UnitTestGeneratorReport>();
const scores = new Map<string, CatalogueScore>();
let tmp: string;
let cjs: UnitTestGeneratorReport;
let cjsWritten: string;

beforeAll(async () => {
  const target = await openTarget({ dir: FIXTURE });
  // One strategy (the others differ in which cases they plan: see 'planner and oracles' and `pnpm score`).
  for (const name of ['boundaries']) {
    const report = await core.run(target, name);
    reports.set(name, report);
    scores.set(name, scoreFindings(report.findings, target.catalogue!, core.id));
  }
  tmp = await mkdtemp(join(tmpdir(), 'qe-utg-'));
  // A CommonJS JavaScript module tested with node:test through require: another style than the fixture's.
  const dir = await writeProject(tmp, 'cjs-lib', {
    'package.json': JSON.stringify({ name: 'cjs-lib', type: 'commonjs', scripts: { test: 'node --test test/' } }),
    'lib/stats.js': [
      '/**',
      ' * Mean of the numbers.',
      ' * @example',
      ' * mean([1, 2, 3]) // => 2',
      ' * @param {number[]} values',
      ' * @returns {number}',
      ' */',
      'function mean(values) {',
      '  let sum = 0;',
      '  for (const v of values) sum += v;',
      '  return sum / values.length;',
      '}',
      '/** @param {number} n @returns {string} */',
      'function label(n) {',
      "  if (n > 100) return 'many';",
      "  return n === 1 ? 'one' : 'few';",
      '}',
      '/**',
      ' * A fresh id, different on every call.',
      ' * @example',
      " * newId() // => 'k3j9'",
      ' * @returns {string}',
      ' */',
      'function newId() {',
      '  return Math.random().toString(36).slice(2, 6);',
      '}',
      'module.exports = { mean, label, newId };',
      '',
    ].join('\n'),
    'test/stats.test.js': "const test = require('node:test');\nconst assert = require('node:assert/strict');\nconst { mean } = require('../lib/stats.js');\ntest('mean', () => assert.equal(mean([2, 4]), 3));\n",
  });
  cjs = await new UnitTestGeneratorCore({ writeTestsDir: 'test/generated', suiteTimeoutMs: 240_000 }).run(await openTarget({ dir }), 'boundaries');
  cjsWritten = join(dir, 'test', 'generated');
}, 900_000);

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('unit-test-generator on the sample target', () => {
  it('finds the catalogued logic bugs and coverage gaps with the best strategy', () => {
    expectBestStrategyFindsCatalogue(scores);
    const found = [...scores.get('boundaries')!.found].sort();
    expect(found).toEqual(expect.arrayContaining(['D01', 'D02', 'D03', 'D04', 'D45', 'D46']));
  });

  it('keeps only tests that compile, pass or expose a defect, and raise coverage (Qodo Cover filter)', () => {
    for (const report of reports.values()) {
      const { stats } = report;
      expect(stats.compileRate).toBe(1);
      expect(stats.kept).toBeGreaterThan(0);
      expect(stats.kept).toBeLessThan(stats.candidates);
      expect(stats.keptShare).toBeCloseTo(stats.kept / stats.candidates, 6);
      expect(stats.defectTests).toBeGreaterThanOrEqual(1);
      expect(stats.coverage!.lines.after).toBeGreaterThan(stats.coverage!.lines.before);
      expect(stats.coverage!.branches.after).toBeGreaterThanOrEqual(stats.coverage!.branches.before);
      expect(report.measure.value).toBeGreaterThan(0);
      expect(report.measure.value).toBeLessThanOrEqual(1);
    }
    expect(reports.get('boundaries')!.stats.discarded['adds no coverage']).toBeGreaterThan(0);
  });

  it('gives each finding its input and a test to reproduce it', () => {
    const rounding = reports.get('boundaries')!.findings.find((f) => f.rule === 'unit-test-generator/rounding');
    expect(rounding?.evidence).toMatch(/roundMoney\(/);
    expect(rounding?.evidence).toMatch(/reproduce: the generated node-test test/);
  });
});

describe('unit-test-generator on a CommonJS project with node:test', () => {
  it('writes kept tests in the project style (require, node:test) and they measure coverage', async () => {
    expect(cjs.stats.kept).toBeGreaterThan(0);
    expect(cjs.stats.coverage!.lines.after).toBeGreaterThan(cjs.stats.coverage!.lines.before);
    const files = await readdir(cjsWritten);
    expect(files).toEqual(['stats.qe-unit.test.js']);
    const text = await readFile(join(cjsWritten, files[0]!), 'utf8');
    expect(text).toMatch(/require\('node:test'\)/);
    expect(text).toMatch(/require\('\.\.\/\.\.\/lib\/stats\.js'\)/);
    // label(…) had no test: its branches are what the kept tests add.
    expect(text).toMatch(/label\(/);
  });

  it('reports NaN for a finite input where the type promises a number (mean of [])', () => {
    expect(cjs.findings.map((f) => f.rule)).toContain('unit-test-generator/nan-result');
  });

  it("takes a doc example of a function whose result changes from run to run (nanoid's ids) for an illustration, not a defect", () => {
    expect(cjs.findings.filter((f) => f.message.includes('newId'))).toEqual([]);
  });
});

describe('planner and oracles', () => {
  const fn = (over: Partial<ExportedFunction>): ExportedFunction => ({
    name: 'f', file: 'src/f.ts', line: 3, endLine: 5, params: [{ name: 'x', type: { kind: 'number' }, optional: false }], returns: { kind: 'number' },
    async: false, doc: '', thresholds: [], pure: true, io: false, ...over,
  });
  const outcome = (over: Partial<ProbeOutcome>): ProbeOutcome => ({ id: 'c', status: 'returned', unhandled: [], ms: 1, lines: [], branches: [], ...over });

  it('bounds the mutation run to Stryker line ranges of the lines the kept tests execute', () => {
    expect(mutateRanges(['src/b.ts:9', 'src/a.ts:3', 'src/a.ts:4', 'src/a.ts:6', 'src/a.ts:20', 'src/b.ts:9', 'x'])).toEqual(['src/a.ts:3-6', 'src/a.ts:20-20', 'src/b.ts:9-9']);
  });

  it('reads doc examples in words and as code', () => {
    expect(readDocExamples('Turns "Crème" into a slug ("Crème" becomes "creme").', 'slug', 1)).toEqual([{ args: [expect.objectContaining({ code: '"Crème"' })], expected: '"creme"' }]);
    expect(readDocExamples('add(1, 2) // => 3\nadd(2, 2) === 4', 'add', 2).map((e) => e.expected)).toEqual(['3', '4']);
    expect(readDocExamples('add(1, 2) // => {', 'add', 2)).toEqual([]);
  });

  it('plans fewer cases from doc comments than with boundary values', () => {
    const doc = 'Adds. add(1) // => 2';
    const fns = [fn({ name: 'add', doc })];
    const docOnly = planFunctionCases(fns, { origins: new Set(['doc-example', 'typical']), maxPerSubject: 1 });
    const withBoundaries = planFunctionCases(fns, { origins: new Set(['doc-example', 'typical', 'boundary']), maxPerSubject: 8 });
    expect(docOnly.map((c) => c.origin)).toEqual(['doc-example', 'typical']);
    expect(withBoundaries.length).toBeGreaterThan(docOnly.length);
  });

  it('plans boundaries one parameter at a time and skips I/O modules', () => {
    const cases = planFunctionCases([fn({}), fn({ name: 'g', io: true })], { origins: new Set(['typical', 'boundary']), maxPerSubject: 20 });
    expect(cases.every((c) => c.subject.name === 'f')).toBe(true);
    expect(cases.map((c) => c.act)).toEqual(expect.arrayContaining(['f(0)', 'f(-1)', 'f(NaN)']));
  });

  it('judges: characterisation, deliberate errors, crashes, NaN, rounding', () => {
    const [c] = planFunctionCases([fn({ name: 'roundCents' })], { origins: new Set(['typical']), maxPerSubject: 1 }) as [UnitCase];
    expect(judgeOutcome(c, outcome({ raw: 2.5, literal: '2.5' }))).toEqual({ kind: 'characterise', assertion: { kind: 'deepEqual', actual: 'roundCents(2.5)', expectedCode: '2.5' } });
    const truncating = { ...c, act: 'roundCents(0.29)', args: [{ code: '0.29', role: 'boundary' as const, finite: true, nonNegative: true }] };
    expect(judgeOutcome(truncating, outcome({ raw: 0.28, literal: '0.28' }))).toMatchObject({ kind: 'defect', violation: { rule: 'rounding' } });
    expect(judgeOutcome(truncating, outcome({ raw: 0.29, literal: '0.29' })).kind).toBe('characterise');
    const typeError = { name: 'TypeError', message: "Cannot read properties of undefined (reading 'x')", stack: '    at f (/w/target/src/f.ts:4:3)' };
    expect(judgeOutcome(c, outcome({ status: 'threw', error: typeError, deliberate: false }))).toMatchObject({ kind: 'defect', violation: { rule: 'crash-on-valid-input' } });
    expect(judgeOutcome(c, outcome({ status: 'threw', error: typeError, deliberate: true }))).toEqual({ kind: 'characterise', assertion: { kind: 'throws', call: 'roundCents(2.5)' } });
    // Node refusing an argument (its own frame first) is not a crash; a fetch that cannot connect is not pinned at all.
    const refused = { name: 'TypeError', message: 'Failed to parse URL from ', stack: 'TypeError: Failed to parse URL from \n    at node:internal/deps/undici/undici:13502:13\n    at async f (/w/target/src/f.ts:4:3)' };
    expect(judgeOutcome(c, outcome({ status: 'threw', error: refused, deliberate: false }))).toEqual({ kind: 'characterise', assertion: { kind: 'throws', call: 'roundCents(2.5)' } });
    expect(judgeOutcome(c, outcome({ status: 'threw', error: { ...refused, message: 'fetch failed' }, deliberate: false }))).toEqual({ kind: 'discard', reason: 'needs the network (fetch failed)' });
    expect(judgeOutcome(c, outcome({ raw: { $number: 'NaN' }, literal: 'NaN' }))).toMatchObject({ kind: 'defect', violation: { rule: 'nan-result' } });
    expect(judgeOutcome(c, outcome({ status: 'timeout' }))).toEqual({ kind: 'discard', reason: 'timed out' });
    expect(judgeOutcome(c, outcome({ raw: 2.5, literal: '2.5', varies: true })).kind).toBe('discard');
  });

  it('an untyped parameter has no valid input: its TypeError is characterised, not a crash (commander: styleUsage(str) splits a string)', () => {
    const typeError = { name: 'TypeError', message: 'str.split is not a function', stack: '    at styleUsage (/w/target/lib/help.js:553:7)' };
    const untyped = fn({ name: 'styleUsage', params: [{ name: 'str', type: { kind: 'json', untyped: true }, optional: false }], returns: { kind: 'json', untyped: true } });
    const [c] = planFunctionCases([untyped], { origins: new Set(['typical']), maxPerSubject: 1 }) as [UnitCase];
    expect(judgeOutcome(c, outcome({ status: 'threw', error: typeError, deliberate: false }))).toEqual({ kind: 'characterise', assertion: { kind: 'throws', call: c.act } });
    // A declared `object` (or any type) still makes its sample valid input.
    const [typed] = planFunctionCases([fn({ name: 'keys', params: [{ name: 'o', type: { kind: 'json' }, optional: false }] })], { origins: new Set(['typical']), maxPerSubject: 1 }) as [UnitCase];
    expect(judgeOutcome(typed, outcome({ status: 'threw', error: typeError, deliberate: false }))).toMatchObject({ kind: 'defect', violation: { rule: 'crash-on-valid-input' } });
  });
});
