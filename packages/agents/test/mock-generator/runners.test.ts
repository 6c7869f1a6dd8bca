import { mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoverageAnalyzerCore, MockGeneratorCore, MutationTesterCore, UnitTestGeneratorCore, openTarget, runProcess } from '@qe-fleet/agents';
import type { CoverageAnalyzerReport, MockGeneratorReport, MutationTesterReport, UnitTestGeneratorReport } from '@qe-fleet/agents';
import { writeProject } from '../support/writeProject.js';

// The generated doubles and sample tests of a jest project (CommonJS) and of a mocha + sinon project
// (ESM), run by the real runners, mutation-tester through Stryker's jest and mocha runners, and
// coverage-analyzer beside jest's own coverage report (jest, mocha and sinon are dev dependencies of this package: each
// project's node_modules is a link to ours).
const AGENTS_MODULES = resolve(import.meta.dirname, '../../node_modules');

/** A shop module of one shape in both module systems: an injected store and clock, the clock, randomness, fetch, fs and timers. */
function shop(cjs: boolean): string {
  return [
    // CommonJS: the module object (a double replaces its function) and a function destructured at load (none can).
    cjs ? "const fsp = require('node:fs/promises');\nconst { readFileSync } = require('node:fs');" : "import { readFile } from 'node:fs/promises';",
    '/** @typedef {{ load(id: string): Promise<number | undefined>, save(id: string, qty: number): Promise<void> }} Store */',
    '/** Cart quantities kept in a store. */',
    'class Cart {',
    '  /** @param {Store} store @param {() => number} now */',
    '  constructor(store, now) {',
    '    this.store = store;',
    '    this.now = now;',
    '    this.items = new Map();',
    '  }',
    '  /** @param {string} id @param {number} qty @returns {Promise<number>} */',
    '  async add(id, qty) {',
    '    const before = (await this.store.load(id)) ?? 0;',
    '    await this.store.save(id, before + qty);',
    '    this.items.set(id, before + qty);',
    '    return this.now();',
    '  }',
    '  /** @param {string} id @returns {Promise<void>} */',
    '  async remove(id) {',
    '    this.store.save(id, 0);',
    '    this.items.delete(id);',
    '  }',
    '  /** @returns {number} */',
    '  count() {',
    '    let n = 0;',
    '    for (const q of this.items.values()) n += q;',
    '    return n;',
    '  }',
    '}',
    '/** @param {string} prefix @returns {string} */',
    'function orderId(prefix) {',
    '  return `${prefix}-${Date.now()}-${Math.floor(Math.random() * 1000)}`;',
    '}',
    '/** @param {string} path @returns {Promise<number>} */',
    'async function lineCount(path) {',
    `  const text = await ${cjs ? 'fsp.' : ''}readFile(path, 'utf8');`,
    "  return text === '' ? 0 : text.split('\\n').length;",
    '}',
    '/** @param {number} n @returns {Promise<number>} */',
    'async function later(n) {',
    '  await new Promise((resolve) => setTimeout(resolve, 60_000));',
    '  return n * 2;',
    '}',
    ...(cjs ? ['/** @param {string} path @returns {string} */', 'function firstLine(path) {', "  return readFileSync(path, 'utf8').split('\\n')[0];", '}'] : []),
    cjs ? 'module.exports = { Cart, orderId, lineCount, later, firstLine };' : 'export { Cart, orderId, lineCount, later };',
    '',
  ].join('\n');
}

/** Pure helpers and one that needs the network through the global fetch (no I/O import). */
function util(cjs: boolean): string {
  return [
    '/** @param {string} url @returns {Promise<unknown>} */',
    'async function getJson(url) {',
    '  return (await fetch(url)).json();',
    '}',
    '/** Clamps a percentage. @param {number} value @returns {number} */',
    'function clamp(value) {',
    '  if (value < 0) return 0;',
    '  return value > 100 ? 100 : value;',
    '}',
    cjs ? 'module.exports = { getJson, clamp };' : 'export { getJson, clamp };',
    '',
  ].join('\n');
}

let tmp: string;
let jestDir: string;
let mochaDir: string;
let jestMocks: MockGeneratorReport;
let sinonMocks: MockGeneratorReport;
let jestUnits: UnitTestGeneratorReport;
let jestMutants: MutationTesterReport;
let mochaMutants: MutationTesterReport;
let jestCoverage: CoverageAnalyzerReport;
let jestOwnSummary: Record<string, { pct: number; covered: number; total: number }>;
const runs = new Map<string, { code: number | null; out: string }>();

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'qe-runners-'));
  jestDir = await writeProject(tmp, 'jest-shop', {
    'package.json': JSON.stringify({ name: 'jest-shop', private: true, scripts: { test: 'jest' }, devDependencies: { jest: '^30.0.0' } }),
    'src/shop.js': shop(true),
    'src/util.js': util(true),
    'test/shop.test.js': "const { clamp } = require('../src/util');\ntest('clamps above', () => {\n  expect(clamp(150)).toBe(100);\n});\n",
  });
  mochaDir = await writeProject(tmp, 'mocha-shop', {
    'package.json': JSON.stringify({ name: 'mocha-shop', private: true, type: 'module', scripts: { test: 'mocha' }, devDependencies: { mocha: '^11.0.0', sinon: '^21.0.0' } }),
    'src/shop.js': shop(false),
    'src/util.js': util(false),
    'test/shop.test.js': "import assert from 'node:assert/strict';\nimport { clamp } from '../src/util.js';\ndescribe('shop', () => {\n  it('clamps above', () => {\n    assert.equal(clamp(150), 100);\n  });\n});\n",
  });
  for (const dir of [jestDir, mochaDir]) await symlink(AGENTS_MODULES, join(dir, 'node_modules'), 'dir');
  // Mutants first, against the project's own one test (the files written next would join its suite).
  jestMutants = await new MutationTesterCore().run(await openTarget({ dir: jestDir }), 'full');
  mochaMutants = await new MutationTesterCore().run(await openTarget({ dir: mochaDir }), 'full');
  jestCoverage = await new CoverageAnalyzerCore().run(await openTarget({ dir: jestDir }), 'full');
  // What a user's own `jest --coverage` prints for the same files (unloaded sources included, as the agent counts them).
  const ownDir = join(tmp, 'jest-own-coverage');
  await runProcess(join(AGENTS_MODULES, '.bin', 'jest'), ['--ci', '--coverage', '--coverageReporters=json-summary', `--coverageDirectory=${ownDir}`, '--collectCoverageFrom=src/**/*.js'], { cwd: jestDir, timeoutMs: 180_000 });
  jestOwnSummary = (JSON.parse(await readFile(join(ownDir, 'coverage-summary.json'), 'utf8')) as { total: typeof jestOwnSummary }).total;
  // Unit tests first: the sample tests written next would otherwise already cover what they add.
  jestUnits = await new UnitTestGeneratorCore({ writeTestsDir: 'qe-unit' }).run(await openTarget({ dir: jestDir }), 'boundaries');
  jestMocks = await new MockGeneratorCore({ writeTestsDir: 'qe-mocks', suiteTimeoutMs: 240_000 }).run(await openTarget({ dir: jestDir }), 'fault-injection');
  sinonMocks = await new MockGeneratorCore({ writeTestsDir: 'qe-mocks', suiteTimeoutMs: 240_000 }).run(await openTarget({ dir: mochaDir }), 'fault-injection');
  // The written files, run by the real runners outside the agents (what a user does next).
  const bin = (name: string): string => join(AGENTS_MODULES, '.bin', name);
  for (const [key, dir, command, args] of [
    ['jest', jestDir, bin('jest'), ['--ci', '--json', 'qe-mocks', 'qe-unit']],
    ['mocha', mochaDir, bin('mocha'), ['--reporter', 'json', 'qe-mocks/*.js']],
  ] as const) {
    const result = await runProcess(command, args, { cwd: dir, timeoutMs: 180_000 });
    runs.set(key, { code: result.exitCode, out: result.stdout });
  }
}, 900_000);

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

/** Titles of failed and passed tests in a jest or mocha JSON report. */
function outcomes(key: string): { passed: string[]; failed: string[] } {
  const out = runs.get(key)!.out;
  const json = JSON.parse(out.slice(out.indexOf('{'))) as { testResults?: Array<{ assertionResults: Array<{ title: string; status: string }> }>; passes?: Array<{ title: string }>; failures?: Array<{ title: string }> };
  if (json.testResults) {
    const all = json.testResults.flatMap((r) => r.assertionResults);
    return { passed: all.filter((a) => a.status === 'passed').map((a) => a.title), failed: all.filter((a) => a.status === 'failed').map((a) => a.title) };
  }
  return { passed: (json.passes ?? []).map((t) => t.title), failed: (json.failures ?? []).map((t) => t.title) };
}

describe('mock-generator and unit-test-generator in jest (CommonJS)', () => {
  it('writes jest doubles (jest.fn, spyOn, fake timers) whose sample tests pass under jest, and the one exposing the unawaited save fails', async () => {
    expect(jestMocks.stats.library).toBe('jest');
    expect(jestMocks.stats.compiled).toBe(jestMocks.stats.sampleTests);
    expect(jestMocks.stats.passed + jestMocks.stats.defectTests).toBe(jestMocks.stats.sampleTests);
    expect(jestMocks.measure.value).toBe(1);
    // The store's save in remove() is not awaited (the rejection reaches nobody); add() reads the store, so a
    // double that forgets what was saved says nothing about accumulation (no add-accumulates finding).
    const line = shop(true).split('\n').findIndex((l) => l.includes('this.store.save(id, 0)')) + 1;
    expect(jestMocks.findings.map((f) => `${f.rule} ${JSON.stringify(f.location)}`)).toEqual([`mock-generator/unhandled-collaborator-rejection {"file":"src/shop.js","line":${line}}`]);
    const text = await readFile(join(jestDir, 'qe-mocks', 'shop.qe-mocks.test.js'), 'utf8');
    expect(text).toContain("jest.spyOn(__fs_promises, 'readFile')");
    expect(jestMocks.skipped).toEqual([{ surface: 'injection point', reason: 'firstLine: calls node:fs.readFileSync (destructured from require() at load), which no double stands for' }]);
    expect(text).toContain("require('../src/shop')");
    expect(text).toContain('jest.fn(async () => undefined)');
    expect(text).toContain("jest.spyOn(Math, 'random')");
    expect(text).toMatch(/jest\.useFakeTimers\(/);
    expect(await readFile(join(jestDir, 'qe-mocks', 'util.qe-mocks.test.js'), 'utf8')).toMatch(/jest\.spyOn\(globalThis, 'fetch'\)/);
    const { passed, failed } = outcomes('jest');
    expect(failed.filter((t) => !t.startsWith('exposes '))).toEqual([]);
    expect(passed.length).toBeGreaterThanOrEqual(jestMocks.stats.passed);
    expect(failed.filter((t) => t.startsWith('exposes unhandled rejection')).length).toBe(jestMocks.stats.defectTests);
  });

  it('keeps unit tests that pass under jest and calls no function that needs the network', () => {
    expect(jestUnits.stats.compileRate).toBe(1);
    expect(jestUnits.stats.kept).toBeGreaterThan(0);
    // getJson('') is fetch refusing an empty URL (Node's own TypeError), not a crash of getJson: a characterisation
    // test that closes the gap the project's tests leave.
    expect(jestUnits.findings.filter((f) => /getJson/.test(f.message)).map((f) => f.rule)).toEqual(['unit-test-generator/untested-function']);
    const { failed } = outcomes('jest');
    expect(failed.filter((t) => !t.startsWith('exposes '))).toEqual([]);
  });
});

describe('mock-generator in mocha with sinon (ESM)', () => {
  it('writes sinon fakes and stubs whose sample tests pass under mocha', async () => {
    expect(sinonMocks.stats.library).toBe('sinon');
    expect(sinonMocks.stats.compiled).toBe(sinonMocks.stats.sampleTests);
    expect(sinonMocks.stats.passed + sinonMocks.stats.defectTests).toBe(sinonMocks.stats.sampleTests);
    expect(sinonMocks.findings.map((f) => f.rule).sort()).toEqual(jestMocks.findings.map((f) => f.rule).sort());
    const text = await readFile(join(mochaDir, 'qe-mocks', 'shop.qe-mocks.test.js'), 'utf8');
    expect(text).toContain("import sinon from 'sinon';");
    expect(text).toContain('sinon.fake.resolves(undefined)');
    expect(text).toContain('sinon.useFakeTimers(');
    expect(text).toContain('sinon.restore();');
    expect(text).toContain("sinon.stub(__fs_promises, 'readFile')");
    const { passed, failed } = outcomes('mocha');
    expect(failed.filter((t) => !t.startsWith('exposes '))).toEqual([]);
    expect(passed.length).toBe(sinonMocks.stats.passed);
  });
});

describe("mutation-tester through Stryker's jest and mocha runners", () => {
  it('mutates the tested file with per-test coverage; the survivors clamp(150) leaves at both bounds are reported at their lines, naming the test', () => {
    for (const [report, runner, cjs] of [[jestMutants, 'jest', true], [mochaMutants, 'mocha', false]] as const) {
      expect(report.stats, `${runner}: ${report.notes.join('; ')}`).toBeDefined();
      expect(report.stats!.testRunner).toBe(runner);
      expect(report.stats!.perTest).toBe(true);
      expect(report.stats!.mutatedFiles).toEqual(['src/util.js']);
      expect(report.stats!.score.killed).toBeGreaterThan(0);
      const lineOf = (text: string): number => util(cjs).split('\n').findIndex((l) => l.includes(text)) + 1;
      expect(report.findings.map((f) => `${f.kind} ${JSON.stringify(f.location)}`)).toEqual([
        `weak-assertion {"file":"src/util.js","line":${lineOf('if (value < 0)')}}`,
        `weak-assertion {"file":"src/util.js","line":${lineOf('value > 100')}}`,
      ]);
      expect(report.findings.every((f) => f.message.includes('clamps above'))).toBe(true);
    }
  });
});

describe("coverage-analyzer in a jest project", () => {
  it("reports the figures the project's own jest --coverage prints (its provider, not a forced one)", () => {
    for (const metric of ['lines', 'branches', 'functions', 'statements'] as const) {
      expect(jestCoverage.figures?.[metric], metric).toMatchObject({ covered: jestOwnSummary[metric]!.covered, total: jestOwnSummary[metric]!.total });
    }
    expect(jestCoverage.notes.join(' ')).toMatch(/jest/);
  });
});
