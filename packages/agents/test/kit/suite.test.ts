import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { AgentError, detectRunner, noSuiteReason, openTarget, parseJestJson, parseMochaJson, parseTap, parseTape, parseUvu, planSuiteCommand, relatedTestFiles, runSuite, summarizeCoverage } from '@qe-fleet/agents';
import type { SuiteRunWithSummary } from '@qe-fleet/agents';
import { FIXTURE } from '../support/fixture.js';
import { writeProject } from '../support/writeProject.js';

const VITEST_MINI = fileURLToPath(new URL('./fixtures/vitest-mini', import.meta.url));
const ctx = { dir: '/p', testFiles: ['test/a.test.js', 'test/b.test.js'] };

describe('planSuiteCommand', () => {
  it('takes the runner part of a compound script, drops wrappers and adds its reporter', () => {
    const plan = planSuiteCommand({ name: 'ava', command: 'npx ava', script: 'test' }, 'xo && c8 --reporter=lcov ava --verbose && tsd', {}, '/w', '');
    expect(plan.command).toBe('ava --tap');
    expect(plan.baseCommand).toBe('ava');
    expect(plan.resultFile).toBeUndefined();
  });

  it('makes vitest a one-shot run, keeps env assignments and replaces file operands', () => {
    const plan = planSuiteCommand({ name: 'vitest', command: 'npx vitest run', script: 'test' }, 'NODE_ENV=test vitest --reporter=dot src/a.test.ts', { files: ['src/b.test.ts'], testNamePattern: 'adds', seed: 3 }, '/w', '');
    expect(plan.command).toBe("NODE_ENV=test vitest run --reporter=json --outputFile=/w/results.json -t adds --sequence.shuffle --sequence.seed=3 src/b.test.ts");
    expect(plan.env).toEqual({ NODE_ENV: 'test' });
  });

  it("reads the variables a cross-env script sets for the runner (kelektiv/node-cron: cross-env TZ='Europe/Paris' jest)", () => {
    const plan = planSuiteCommand({ name: 'jest', command: 'npx jest', script: 'test' }, "cross-env TZ='Europe/Paris' LANG=C jest --coverage", {}, '/w', '');
    expect(plan.env).toEqual({ TZ: 'Europe/Paris', LANG: 'C' });
    expect(plan.baseCommand).toBe("cross-env TZ='Europe/Paris' LANG=C jest");
  });

  it('keeps the value of a jest flag that takes one when file operands are replaced (vercel/ms: jest --env node)', () => {
    const env = planSuiteCommand({ name: 'jest', command: 'npx jest', script: 'test' }, 'jest --env node', { files: ['src/a.test.ts'] }, '/w', '');
    expect(env.command).toMatch(/ --env node src\/a\.test\.ts$/);
  });

  it('puts node:test flags after --test and keeps loaders before it', () => {
    const plan = planSuiteCommand({ name: 'node-test', command: 'node --test', script: 'test' }, 'node --import tsx --test test/*.test.ts', { seed: 1 }, '/w', '/w/r.mjs');
    expect(plan.command).toBe('node --import tsx --test --test-reporter=/w/r.mjs --test-reporter-destination=/w/results.jsonl test/*.test.ts');
    expect(plan.notes.join()).toMatch(/cannot shuffle/);
  });

  it("runs jest through a toolkit's test command, which passes our flags on (kentcdodds/match-sorter: kcd-scripts test)", async () => {
    const root = await mkdtemp(join(tmpdir(), 'qe-kcd-'));
    onTestFinished(() => rm(root, { recursive: true, force: true }));
    const dir = await writeProject(root, 'kcd', { 'package.json': JSON.stringify({ name: 'kcd', scripts: { lint: 'kcd-scripts lint', test: 'kcd-scripts test' } }), 'src/index.ts': 'export const a = 1;\n', 'src/__tests__/index.ts': "test('a', () => {});\n" });
    const runner = detectRunner(await openTarget({ dir }));
    expect(runner).toMatchObject({ name: 'jest', script: 'test' });
    const plan = planSuiteCommand(runner!, 'kcd-scripts test', { files: ['src/__tests__/index.ts'] }, '/w', '');
    expect(plan.command).toBe('kcd-scripts test --json --outputFile=/w/results.json --ci src/__tests__/index.ts');
    expect(plan.wrapper).toBe('kcd-scripts');
    expect(planSuiteCommand(runner!, 'jest --coverage', {}, '/w', '').wrapper).toBeUndefined();
  });

  it('keeps a quoted mocha glob quoted and replaces its reporter', () => {
    const plan = planSuiteCommand({ name: 'mocha', command: 'npx mocha', script: 'test' }, "mocha -r ts-node/register -R spec 'test/**/*.spec.ts'", {}, '/w', '');
    expect(plan.command).toBe("mocha --reporter json --reporter-option output=/w/results.json -r ts-node/register 'test/**/*.spec.ts'");
  });
});

describe('tape (ljharb/qs: nyc tape \'test/**/*.js\')', () => {
  let projects: string;
  beforeAll(async () => {
    projects = await mkdtemp(join(tmpdir(), 'qe-tape-test-'));
  });
  afterAll(() => rm(projects, { recursive: true, force: true }));

  it('is found from the script, runs its files without our flags, and says it cannot select tests by name', async () => {
    const dir = await writeProject(projects, 'tape', { 'package.json': JSON.stringify({ name: 'q', scripts: { 'tests-only': "nyc tape 'test/**/*.js'", test: 'npm run tests-only' } }), 'lib/a.js': 'module.exports = 1;\n', 'test/a.js': "var test = require('tape');\n" });
    const runner = detectRunner(await openTarget({ dir }));
    expect(runner).toMatchObject({ name: 'tape', script: 'tests-only' });
    const plan = planSuiteCommand(runner!, "nyc tape 'test/**/*.js'", { files: ['test/a.js'], testNamePattern: 'parses' }, '/w', '');
    expect(plan.command).toBe('tape test/a.js');
    expect(plan.resultFile).toBeUndefined();
    expect(plan.notes.join()).toMatch(/tape cannot select tests by name/);
  });

  it("reads tape's TAP: a `# name` comment opens a test, its assertions decide it, the failure's `at:` names its file", () => {
    // Recorded from tape 5.10 on two files (paths shortened to /p).
    const out = [
      'TAP version 13',
      '# first',
      'ok 1 should be strictly equal',
      'ok 2 objects',
      '# second fails',
      'not ok 3 should be strictly equal',
      '  ---',
      '    operator: equal',
      '    expected: 2',
      '    actual:   1',
      '    at: Test.<anonymous> (/p/test/b.test.js:3:39)',
      '    stack: |-',
      '      Error: should be strictly equal',
      '          at Test.assert [as _assert] (/p/node_modules/tape/lib/test.js:548:48)',
      '  ...',
      '# SKIP skipped one',
      '# parent',
      '# child',
      'ok 4 should be truthy',
      '# todo later',
      'not ok 5 not done # TODO',
      '',
      '1..5',
      '# tests 5',
      '# pass  4',
      '# fail  1',
    ].join('\n');
    expect(parseTape(out, ctx).map((t) => [t.file, t.name, t.status, t.failureMessage])).toEqual([
      ['', 'first', 'passed', undefined],
      ['test/b.test.js', 'second fails', 'failed', 'should be strictly equal\noperator: equal\nexpected: 2\nactual:   1\nat: Test.<anonymous> (/p/test/b.test.js:3:39)'],
      ['', 'skipped one', 'skipped', undefined],
      ['', 'parent', 'passed', undefined],
      ['', 'child', 'passed', undefined],
      ['', 'todo later', 'passed', undefined],
    ]);
    expect(parseTape(out, { dir: '/p', testFiles: ['test/b.test.js'] })[0]!.file).toBe('test/b.test.js');
  });
});

describe('uvu (lukeed/klona: uvu -r esm test -i suites)', () => {
  let projects: string;
  beforeAll(async () => {
    projects = await mkdtemp(join(tmpdir(), 'qe-uvu-test-'));
  });
  afterAll(() => rm(projects, { recursive: true, force: true }));

  it('is found in the test script; files become the folder . and an anchored pattern, without the ignore patterns that would drop them', async () => {
    const dir = await writeProject(projects, 'uvu', { 'package.json': JSON.stringify({ name: 'k', scripts: { test: 'uvu -r esm test -i suites' } }), 'src/index.js': 'export const a = 1;\n', 'test/index.js': "import { test } from 'uvu';\n" });
    const runner = detectRunner(await openTarget({ dir }));
    expect(runner).toMatchObject({ name: 'uvu', script: 'test' });
    const plan = planSuiteCommand(runner!, 'uvu -r esm test -i suites', { files: ['test/suites/a.qe-unit.js', 'test/b.js'], testNamePattern: 'clones' }, '/w', '');
    expect(plan.command).toBe("uvu --no-color -r esm . '^(?:test/suites/a\\.qe-unit\\.js|test/b\\.js)$'");
    expect(plan.resultFile).toBeUndefined();
    expect(plan.notes.join()).toMatch(/uvu cannot select tests by name/);
    expect(planSuiteCommand(runner!, 'uvu -r esm test -i suites', {}, '/w', '').command).toBe('uvu --no-color -r esm test -i suites');
  });

  it("reads uvu's report: marks per suite (console output between them), failures by title in order, passing titles from the file", async () => {
    const dir = await writeProject(projects, 'uvu-report', {
      'test/a.test.js': [
        "import { test, suite } from 'uvu';",
        "test('adds', () => {});",
        "test('fails here', () => {});",
        "test.skip('skipped one', () => {});",
        "test('third', () => {});",
        'test.run();',
        "const Math2 = suite('Math2');",
        "Math2('mul', () => {});",
        "Math2('div \"q\"', () => {});",
        'Math2.run();',
      ].join('\n'),
      // Its tests are registered by a helper: no titles to read.
      'test/b.test.js': "import { register } from './helper.js';\nregister();\n",
    });
    // Recorded from uvu 0.5.6 (`uvu test --no-color`), stacks shortened.
    const out = [
      'a.test.js',
      '• ✘ noise',
      '•   (2 / 3)',
      '',
      '   FAIL  "fails here"',
      '    Expected values to be deeply equal:  (equal)',
      '',
      '        ++··"a":·2',
      '    at assert (file:///p/node_modules/uvu/assert/index.mjs:33:8)',
      '',
      '',
      ' Math2  • ✘   (1 / 2)',
      '',
      '   FAIL  Math2  "div "q""',
      '    boom',
      '',
      '    at Object.handler (file:///p/test/a.test.js:10:32)',
      '',
      '',
      'b.test.js',
      '• •   (2 / 2)',
      '',
      '  Total:     7',
      '  Passed:    5',
      '  Skipped:   1',
      '  Duration:  12.70ms',
    ].join('\n');
    expect(parseUvu(out, { dir, testFiles: ['test/a.test.js', 'test/b.test.js'] }).map((t) => [t.file, t.name, t.status, t.failureMessage])).toEqual([
      ['test/a.test.js', 'adds', 'passed', undefined],
      ['test/a.test.js', 'fails here', 'failed', 'Expected values to be deeply equal:  (equal)\n++··"a":·2'],
      ['test/a.test.js', 'third', 'passed', undefined],
      ['test/a.test.js', 'Math2 > mul', 'passed', undefined],
      ['test/a.test.js', 'Math2 > div "q"', 'failed', 'boom'],
      ['test/b.test.js', '#1', 'passed', undefined],
      ['test/b.test.js', '#2', 'passed', undefined],
    ]);
  });
});

describe('result parsers', () => {
  it('reads jest/vitest JSON, including a file that did not load', () => {
    const tests = parseJestJson(
      JSON.stringify({
        testResults: [
          { name: '/p/test/a.test.js', status: 'failed', assertionResults: [{ ancestorTitles: ['math'], title: 'adds', status: 'failed', duration: 3, failureMessages: ['\u001b[31mexpected 1\u001b[39m'] }, { ancestorTitles: [], title: 'todo', status: 'pending' }] },
          { name: '/p/test/b.test.js', status: 'failed', message: 'SyntaxError', assertionResults: [] },
        ],
      }),
      ctx,
    );
    expect(tests).toEqual([
      { file: 'test/a.test.js', name: 'math > adds', title: 'adds', status: 'failed', durationMs: 3, failureMessage: 'expected 1' },
      { file: 'test/a.test.js', name: 'todo', title: 'todo', status: 'skipped' },
      { file: 'test/b.test.js', name: '(file)', title: '(file)', status: 'failed', failureMessage: 'SyntaxError' },
    ]);
  });

  it('reads mocha JSON after log output', () => {
    const text = `a log line\n${JSON.stringify({ stats: {}, passes: [{ title: 'works', fullTitle: 'api works', file: '/p/test/a.test.js', duration: 2 }], failures: [{ title: 'fails', fullTitle: 'fails', file: '/p/test/b.test.js', err: { message: 'boom' } }], pending: [] }, null, 2)}`;
    expect(parseMochaJson(text, ctx).map((t) => [t.file, t.name, t.status, t.failureMessage])).toEqual([
      ['test/a.test.js', 'api > works', 'passed', undefined],
      ['test/b.test.js', 'fails', 'failed', 'boom'],
    ]);
  });

  it('reads nested TAP (node-tap) and ava titles', () => {
    const tap = ['TAP version 14', '# Subtest: test/a.test.js', '    ok 1 - inner works # time=1.5ms', '    not ok 2 - inner breaks', '      ---', '      message: nope', '      ...', '    1..2', 'not ok 1 - test/a.test.js', 'ok 2 - b › skipped one # SKIP', '1..2'].join('\n');
    expect(parseTap(tap, ctx).map((t) => [t.file, t.name, t.status, t.durationMs, t.failureMessage])).toEqual([
      ['test/a.test.js', 'inner works', 'passed', 1.5, undefined],
      ['test/a.test.js', 'inner breaks', 'failed', undefined, 'message: nope'],
      ['test/b.test.js', 'skipped one', 'skipped', undefined, undefined],
    ]);
  });
});

describe('runSuite on real runners', () => {
  let sample: SuiteRunWithSummary;
  let vitest: SuiteRunWithSummary;
  let scratch: string;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'qe-suite-test-'));
    [sample, vitest] = await Promise.all([
      openTarget({ dir: FIXTURE }).then((t) => runSuite(t, { coverage: true, timeoutMs: 120_000 })),
      openTarget({ dir: VITEST_MINI, catalogue: false }).then((t) => runSuite(t, { coverage: true, timeoutMs: 120_000 })),
    ]);
  }, 240_000);

  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('runs the sample target with node --test through tsx and reports every test by file and name', () => {
    expect(sample.runner).toBe('node-test');
    expect(sample.baseCommand).toBe('node --import tsx --test test/*.test.ts');
    expect(sample.tests.length).toBe(27);
    expect(sample.tests).toContainEqual(expect.objectContaining({ file: 'test/slugify.test.ts', name: 'slugify handles punctuation', status: 'passed' }));
    expect(new Set(sample.tests.map((t) => t.file)).size).toBe(6);
  });

  it('measures V8 coverage of every source file, unloaded ones at 0, as c8 reports it', () => {
    const files = Object.values(sample.coverage ?? {}).map((d) => d.path);
    expect(files.length).toBe(12);
    const admin = Object.values(sample.coverage!).find((d) => d.path.endsWith('src/admin.ts'))!;
    expect(Object.values(admin.s).every((n) => n === 0)).toBe(true);
    const slugify = Object.values(sample.coverage!).find((d) => d.path.endsWith('src/slugify.ts'))!;
    expect(Object.values(slugify.s).some((n) => n > 0)).toBe(true);
    const ours = summarizeCoverage(sample.coverage!);
    expect(ours.lines).toEqual(sample.coverageSummary!['total']!.lines);
    expect(ours.branches).toEqual(sample.coverageSummary!['total']!.branches);
  });

  it('runs a vitest project with its JSON reporter and its own V8 provider; a failing test is a result', () => {
    expect(vitest.runner).toBe('vitest');
    expect(vitest.exitCode).not.toBe(0);
    expect(vitest.tests.map((t) => [t.name, t.status])).toEqual([
      ['clamp > keeps a value inside the range', 'passed'],
      ['clamp > raises a value below the range', 'passed'],
      ['clamp > says 11 is 10 (fails on purpose: a failing suite is a result)', 'failed'],
      ['clamp > is skipped', 'skipped'],
    ]);
    expect(vitest.tests[2]!.failureMessage).toMatch(/expected 10 to be 11/);
    const range = Object.values(vitest.coverage ?? {})[0]!;
    expect(range.path).toMatch(/src\/range\.ts$/);
    // `clamp` runs in three tests, `within` in none.
    expect(Object.values(range.f).sort()).toEqual([0, 3]);
  });

  it('refuses a target without a runner, and one whose test imports are not installed', async () => {
    const bare = await writeProject(scratch, 'bare', { 'src/a.js': 'export const a = 1;\n' });
    await expect(runSuite(await openTarget({ dir: bare }))).rejects.toMatchObject({ code: 'UNSUPPORTED_TARGET', message: expect.stringMatching(/no test runner/) });
    const uninstalled = await writeProject(scratch, 'uninstalled', { 'src/a.js': 'export const a = 1;\n', 'test/a.test.js': "import test from 'ava-not-installed-here';\nimport { test as t } from 'node:test';\n" });
    const error = await runSuite(await openTarget({ dir: uninstalled })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AgentError);
    expect((error as AgentError).message).toMatch(/ava-not-installed-here.*npm install/);
  });

  it("refuses tests that load build output not built yet (lukeed/tinydate requires ../dist/tinydate, its pretest builds it), not a missing file elsewhere", async () => {
    const files = { 'package.json': JSON.stringify({ name: 'd', scripts: { build: 'bundt', pretest: 'npm run build', test: 'node --test test/' } }), 'src/index.js': 'module.exports = 1;\n' };
    const unbuilt = await writeProject(scratch, 'unbuilt', { ...files, 'test/index.js': "const test = require('node:test');\nconst d = require('../dist/tinydate');\ntest('d', () => {});\n" });
    await expect(runSuite(await openTarget({ dir: unbuilt }))).rejects.toMatchObject({ code: 'UNSUPPORTED_TARGET', message: expect.stringMatching(/build output that is not there: \.\.\/dist\/tinydate \(from test\/index\.js\) \(run `npm run build`/) });
    // The agents that run the suite say so as their reason for not applying.
    expect(noSuiteReason(await openTarget({ dir: unbuilt }), 'there is no suite')).toMatch(/^the tests load build output that is not there/);
    const typo = await writeProject(scratch, 'typo', { ...files, 'test/index.js': "const test = require('node:test');\nconst d = require('../src/indx');\ntest('d', () => {});\n" });
    expect((await runSuite(await openTarget({ dir: typo }), { timeoutMs: 60_000 })).tests.some((t) => t.status === 'failed')).toBe(true);
  });

  it("runs once more when the first run fails before reporting a test (the esm loader's shared cache, raced by agents running at once: lukeed/dequal)", async () => {
    const dir = await writeProject(scratch, 'retried', { 'package.json': JSON.stringify({ name: 'r', scripts: { test: 'uvu -r esm test' } }), 'src/a.js': 'export const a = 1;\n', 'test/a.test.js': "import { test } from 'uvu';\ntest('a', () => {});\ntest.run();\n", 'node_modules/.bin/uvu': '', 'node_modules/uvu/package.json': '{"name":"uvu"}', 'node_modules/esm/package.json': '{"name":"esm"}' });
    const outputs = [
      { stdout: '', stderr: "/p/test/a.test.js:1\nimport { test } from 'uvu';\n\nSyntaxError: Cannot use import statement outside a module", exitCode: 1 },
      { stdout: 'a.test.js\n•   (1 / 1)\n\n  Total:     1\n  Passed:    1\n', stderr: '', exitCode: 0 },
    ];
    let calls = 0;
    const run = await runSuite(await openTarget({ dir }), {}, { run: async () => ({ signal: null, timedOut: false, aborted: false, durationMs: 5, ...outputs[calls++]! }) });
    expect(calls).toBe(2);
    expect(run.tests.map((t) => [t.file, t.name, t.status])).toEqual([['test/a.test.js', 'a', 'passed']]);
    expect(run.notes.join()).toMatch(/the first run reported no test results \(exit 1: SyntaxError: Cannot use import statement outside a module\); it ran once more/);
    // Twice without results is the suite's failure, with its output.
    calls = 0;
    const failing = async () => {
      calls++;
      return { signal: null, timedOut: false, aborted: false, durationMs: 5, ...outputs[0]! };
    };
    await expect(runSuite(await openTarget({ dir }), {}, { run: failing })).rejects.toMatchObject({ code: 'TOOL_FAILED' });
    expect(calls).toBe(2);
  });

  it('kills a hanging suite at the timeout and returns what was reported', async () => {
    const hanging = await writeProject(scratch, 'hanging', {
      'src/a.js': 'export const a = 1;\n',
      'test/a.test.js': "import { test } from 'node:test';\ntest('quick', () => {});\ntest('hangs', () => new Promise(() => setInterval(() => {}, 1000)));\n",
    });
    const target = await openTarget({ dir: hanging });
    const run = await runSuite(target, { timeoutMs: 4000, files: ['test/a.test.js'] });
    expect(run.timedOut).toBe(true);
    expect(run.notes.join()).toMatch(/killed after 4000 ms/);
  }, 30_000);

  it('finds the tests that import a source file, through other modules', () => {
    expect(relatedTestFiles(FIXTURE, ['test/cart.test.ts', 'test/slugify.test.ts', 'test/shipping.test.ts'], ['src/slugify.ts'])).toEqual(['test/slugify.test.ts']);
    expect(relatedTestFiles(FIXTURE, ['test/cart.test.ts', 'test/slugify.test.ts'], ['src/pricing.ts'])).toEqual(['test/cart.test.ts']);
  });
});
