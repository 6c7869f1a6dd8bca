import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectTestStyle, findCallExamples, openTarget, renderTestFile, renderValue, typeCheckTests, writeTestFile } from '@qe-fleet/agents';
import type { TestFileSpec, TestFileStyle } from '@qe-fleet/agents';
import { writeProject } from '../support/writeProject.js';

const require = createRequire(import.meta.url);
let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'qe-testfile-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** Cases on `slug(text)`: one true of the module below, one that is not (it must fail when run). */
const cases = (failing: boolean): TestFileSpec['cases'] => [
  { name: 'doc example', assertions: [{ kind: 'deepEqual', actual: "slug('Hello World')", expected: 'hello-world' }] },
  { name: 'rejects a non-string', assertions: [{ kind: 'throws', call: 'slug(42)' }] },
  { name: 'idempotent', setup: ["const once = slug('A  b')"], assertions: [{ kind: 'ok', value: 'slug(once) === once' }] },
  ...(failing ? [{ name: 'exposes a defect', comment: 'counter-example: "x"', assertions: [{ kind: 'deepEqual' as const, actual: "slug('x')", expected: 'y' }] }] : []),
];
const SLUG_BODY = "if (typeof text !== 'string') throw new TypeError('Expected a string');\n  return text.trim().toLowerCase().split(/\\s+/).join('-');";

describe('detectTestStyle + renderTestFile: the project\'s own runner and style', () => {
  it('CommonJS lib/ with node:test files in test/, double quotes, no semicolons: written, run, passing and failing as the cases say', async () => {
    const dir = await writeProject(tmp, 'cjs-node-test', {
      'package.json': JSON.stringify({ name: 'cjs-node-test', scripts: { test: 'node --test test/' } }),
      'lib/slug.js': `function slug(text) {\n  ${SLUG_BODY}\n}\nmodule.exports = { slug }\n`,
      'test/slug.test.js': 'const { test } = require("node:test")\nconst assert = require("node:assert")\nconst { slug } = require("../lib/slug")\ntest("x", () => {\n  assert.equal(slug("A"), "a")\n})\n',
    });
    const { profile } = await openTarget({ dir });
    const style = detectTestStyle(dir, profile);
    expect(style).toEqual({ runner: 'node-test', module: 'commonjs', language: 'javascript', suffix: '.test.js', dir: 'test', colocated: false, importExtension: 'none', quote: '"', semicolons: false });
    const passing = await writeTestFile(dir, { module: 'lib/slug.js', imports: { named: ['slug'] }, cases: cases(false), header: 'generated' }, style);
    expect(passing.path).toBe('test/slug.generated.test.js');
    expect(passing.content).toContain('const { slug } = require("../lib/slug")\n');
    expect(passing.content).not.toMatch(/;\n/);
    expect(spawnSync(process.execPath, ['--test', passing.absolutePath], { cwd: dir }).status).toBe(0);
    const failing = await writeTestFile(dir, { module: 'lib/slug.js', imports: { named: ['slug'] }, cases: cases(true), baseName: 'slug.failing' }, style, join(dir, 'qe-tests'));
    expect(failing.path).toBe('qe-tests/slug.failing.test.js');
    expect(failing.content).toContain('// counter-example: "x"');
    const run = spawnSync(process.execPath, ['--test', '--test-reporter=tap', failing.absolutePath], { cwd: dir, encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/# pass 3\n# fail 1/);
  });

  it('ESM with a root test.js for ava (the p-limit shape): a *.test.js file at the root, ava assertions, valid syntax', async () => {
    const dir = await writeProject(tmp, 'esm-ava', {
      'package.json': JSON.stringify({ name: 'esm-ava', type: 'module', scripts: { test: 'xo && ava' }, devDependencies: { ava: '^6' } }),
      'index.js': `export default function slug(text) {\n  ${SLUG_BODY}\n}\n`,
      'test.js': "import test from 'ava';\nimport slug from './index.js';\n\ntest('x', t => {\n\tt.is(slug('A'), 'a');\n});\n",
    });
    const { profile } = await openTarget({ dir });
    const style = detectTestStyle(dir, profile);
    expect(style).toMatchObject({ runner: 'ava', module: 'esm', language: 'javascript', suffix: '.js', dir: '.', importExtension: 'js', quote: "'", semicolons: true });
    const file = await writeTestFile(dir, { module: 'index.js', imports: { default: 'slug' }, cases: cases(true) }, style);
    expect(file.path).toBe('index.generated.test.js');
    expect(file.content).toContain("import test from 'ava';\nimport slug from './index.js';");
    expect(file.content).toContain("test('index: rejects a non-string', (t) => {\n  t.throws(() => slug(42), { any: true });");
    expect(file.content).toContain("t.deepEqual(slug('x'), 'y');");
    expect(spawnSync(process.execPath, ['--check', file.absolutePath]).status).toBe(0);
  });

  it('TypeScript with colocated vitest *.spec.ts importing ./x.js (the change-case shape): runs under vitest, the failing case fails', async () => {
    const dir = await writeProject(tmp, 'ts-vitest', {
      'package.json': JSON.stringify({ name: 'ts-vitest', type: 'module', scripts: { test: 'vitest' } }),
      'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'nodenext', strict: true }, include: ['src'] }),
      'src/index.ts': `export function slug(text: unknown): string {\n  ${SLUG_BODY}\n}\n`,
      'src/index.spec.ts': 'import { describe, it, expect } from "vitest";\nimport { slug } from "./index.js";\n\ndescribe("slug", () => {\n  it("works", () => {\n    expect(slug("A")).toEqual("a");\n  });\n});\n',
    });
    const { profile } = await openTarget({ dir });
    const style = detectTestStyle(dir, profile);
    expect(style).toMatchObject({ runner: 'vitest', module: 'esm', language: 'typescript', suffix: '.spec.ts', colocated: true, importExtension: 'js', quote: '"' });
    const file = await writeTestFile(dir, { module: 'src/index.ts', imports: { named: ['slug'] }, cases: cases(true) }, style);
    expect(file.path).toBe('src/index.generated.spec.ts');
    expect(file.content).toContain('import { describe, expect, test } from "vitest";\nimport { slug } from "./index.js";');
    const vitest = join(dirname(require.resolve('vitest/package.json')), 'vitest.mjs');
    const run = spawnSync(process.execPath, [vitest, 'run', '--root', dir, '--reporter=json', '--outputFile', join(dir, 'out.json')], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    expect(run.status).toBe(1);
    const results = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as { testResults: Array<{ name: string; assertionResults: Array<{ title: string; status: string }> }> };
    const generated = results.testResults.find((r) => r.name.endsWith('index.generated.spec.ts'));
    expect(Object.fromEntries((generated?.assertionResults ?? []).map((a) => [a.title, a.status]))).toEqual({ 'doc example': 'passed', 'rejects a non-string': 'passed', idempotent: 'passed', 'exposes a defect': 'failed' });
  }, 90_000);

  it('vitest *.test.ts files beside more plain type-test files in test/ (the superstruct shape): new tests are named and placed as the ones vitest runs', async () => {
    const typeTest = "import { slug } from '../../src/index.js';\nconst s: string = slug('a');\n";
    const dir = await writeProject(tmp, 'ts-vitest-typings', {
      'package.json': JSON.stringify({ name: 'ts-vitest-typings', type: 'module', scripts: { test: 'vitest run' } }),
      'src/index.ts': `export function slug(text: unknown): string {\n  ${SLUG_BODY}\n}\n`,
      'test/api/slug.test.ts': "import { expect, test } from 'vitest';\nimport { slug } from '../../src/index.js';\n\ntest('x', () => {\n  expect(slug('A')).toBe('a');\n});\n",
      'test/api/more.test.ts': "import { expect, test } from 'vitest';\nimport { slug } from '../../src/index.js';\n\ntest('y', () => {\n  expect(slug('B')).toBe('b');\n});\n",
      ...Object.fromEntries(['any', 'array', 'assign', 'bigint'].map((name) => [`test/typings/${name}.ts`, typeTest])),
    });
    const { profile } = await openTarget({ dir });
    const style = detectTestStyle(dir, profile);
    expect(style).toMatchObject({ runner: 'vitest', suffix: '.test.ts', dir: 'test/api', colocated: false });
    expect((await writeTestFile(dir, { module: 'src/index.ts', imports: { named: ['slug'] }, cases: cases(false) }, style)).path).toBe('test/api/index.generated.test.ts');
  });

  it.each(['vitest', 'jest', 'mocha', 'ava', 'tap', 'tape', 'uvu', 'node-test'] as const)('%s: ESM and CommonJS renderings are valid JavaScript with async cases', async (runner) => {
    for (const module of ['esm', 'commonjs'] as const) {
      const style: TestFileStyle = { runner, module, language: 'javascript', suffix: module === 'esm' ? '.test.mjs' : '.test.cjs', dir: 'test', colocated: false, importExtension: 'js', quote: "'", semicolons: true };
      const spec: TestFileSpec = { module: 'src/a.js', imports: { default: 'a', named: ['b'] }, cases: [{ name: 'rejects', async: true, assertions: [{ kind: 'throws', call: 'a(null)' }, { kind: 'deepEqual', actual: 'await b()', expectedCode: '[1]' }] }] };
      const { path, content } = renderTestFile(spec, style);
      expect(path).toBe(`test/a.generated${style.suffix}`);
      // vitest transforms every test file as ESM, so its rendering always imports.
      const file = join(tmp, `${runner}${runner === 'vitest' ? '.test.mjs' : style.suffix}`);
      await writeFile(file, content);
      expect(() => execFileSync(process.execPath, ['--check', file], { stdio: 'pipe' })).not.toThrow();
      expect(content).toContain(module === 'esm' || runner === 'vitest' ? "import a, { b } from '../src/a.js';" : "const a = require('../src/a.js');");
    }
  });
});

describe('renderValue', () => {
  it('writes what JSON cannot: undefined, NaN, -0, Infinity, bigint, dates, maps, sets, odd keys and strings', () => {
    expect(renderValue({ a: [undefined, NaN, -0, -Infinity, 10n], 'b-c': new Date(0), m: new Map([[1, new Set(['x'])]]), s: "it's\u2028" })).toBe(
      "{ a: [undefined, NaN, -0, -Infinity, 10n], 'b-c': new Date('1970-01-01T00:00:00.000Z'), m: new Map([[1, new Set(['x'])]]), s: 'it\\'s\\u2028' }",
    );
    expect(renderValue('say "hi"', '"')).toBe('"say \\"hi\\""');
    expect(() => renderValue(() => 1)).toThrow(/function/);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => renderValue(cyclic)).toThrow(/cyclic/);
    expect(() => renderValue(new (class Point {})())).toThrow(/Point/);
  });
});

describe('typeCheckTests', () => {
  it("checks a test against the runner's globals from the project's own @types (TypeScript 6 includes none by default)", async () => {
    // A stand-in for @types/mocha, and another @types package that stays out (as it does when the sources are read).
    const dir = await writeProject(tmp, 'types', {
      'node_modules/@types/mocha/index.d.ts': 'declare function describe(name: string, body: () => void): void;\ndeclare function check(value: number): void;\n',
      'node_modules/@types/mocha/package.json': JSON.stringify({ name: '@types/mocha', version: '1.0.0', types: 'index.d.ts' }),
      'node_modules/@types/other/index.d.ts': 'declare function other(value: number): void;\n',
      'node_modules/@types/other/package.json': JSON.stringify({ name: '@types/other', version: '1.0.0', types: 'index.d.ts' }),
    });
    const file = join(dir, 'test', 'a.qe.test.ts');
    const check = typeCheckTests(new Map([[file, "describe('a', () => check('not a number'));\nother('not a number');\n"]]), 'typescript', dir);
    // Without the project's @types, `describe` is an unknown global set aside and the wrong argument goes unseen.
    expect(check.environment).toEqual(["Cannot find name 'other'."]);
    expect(check.errors.get(file)).toEqual([{ line: 0, message: expect.stringContaining("'string' is not assignable to parameter of type 'number'") }]);
  });
});

describe('findCallExamples', () => {
  it("copies the project's own calls whose arguments stand alone, and marks those that need their test's scope", async () => {
    const dir = await writeProject(tmp, 'calls', {
      'test/job.test.ts': [
        "import { Job } from '../src/job';",
        "const zone = 'Europe/Paris';",
        "new Job('* * * * *', () => {}, { zone: 'UTC', retries: [1, 2] });",
        'new Job(`0 0 * * *`, function tick(n) { return tick.name + n + Math.max(1, 2); }, zone);',
        "new Job('x' as string, (n: number) => n, this);",
        "Job.from({ cron: '* * * * *' });",
        'new Job(...args);',
        '',
      ].join('\n'),
      'test/other.test.ts': "new Other('a');\n",
    });
    const found = findCallExamples(dir, ['test/job.test.ts', 'test/other.test.ts', 'test/missing.test.ts'], ['new Job', 'Job.from']);
    expect(found.get('new Job')).toEqual([
      { args: ["'* * * * *'", '() => {}', "{ zone: 'UTC', retries: [1, 2] }"], where: 'test/job.test.ts:3' },
      { args: ['`0 0 * * *`', 'function tick(n) { return tick.name + n + Math.max(1, 2); }', undefined], where: 'test/job.test.ts:4' },
      { args: [undefined, undefined, undefined], where: 'test/job.test.ts:5' },
    ]);
    expect(found.get('Job.from')).toEqual([{ args: ["{ cron: '* * * * *' }"], where: 'test/job.test.ts:6' }]);
  });
});
