import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestGeneratorCore, extractTargetExports, findExamples, openTarget } from '@qe-fleet/agents';
import type { TestGeneratorReport } from '@qe-fleet/agents';
import { writeProject } from '../support/writeProject.js';

// A case-conversion library of our own (the shape of change-case and p-limit): JSDoc-typed ESM,
// a table-driven node:test suite, a README with `//=>` results, and a JS module typed by a sibling
// .d.ts. Three functions carry a bug only a stated example reveals; the others are correct.
const CASE = `/**
 * Words of a string: runs of letters and digits, split where a lower-case letter meets an upper-case one.
 * @param {string} text
 * @returns {string[]}
 */
export function words(text) {
  return text.replace(/([a-z0-9])([A-Z])/g, '$1 $2').split(/[^A-Za-z0-9]+/).filter(Boolean);
}

/**
 * Snake case (\`foo_bar\`).
 * @param {string} text
 * @returns {string}
 */
export function snakeCase(text) {
  return words(text).map((w) => w.toLowerCase()).join('_');
}

/**
 * Kebab case (\`foo-bar\`).
 * @param {string} text
 * @returns {string}
 */
export function kebabCase(text) {
  return words(text).map((w) => w.toLowerCase()).join('_');
}

/**
 * Title case: each word capitalised, the rest of it in lower case.
 * @example titleCase('hello world') //=> 'Hello World'
 * @example titleCase('HELLO world') // 'Hello World'
 * @param {string} text
 * @returns {string}
 */
export function titleCase(text) {
  return words(text).map((w) => w[0].toUpperCase() + w.slice(1)).join(' ');
}

/**
 * Dot case.
 * @param {string} text
 * @returns {string}
 */
export function dotCase(text) {
  return words(text).map((w) => w.toLowerCase()).join('/');
}
`;
const LIMIT_JS = `export default function limit(options) {
  const { max } = options;
  if (!Number.isInteger(max) || max < 1) throw new TypeError('Expected max to be a positive integer');
  return max;
}
`;
const LIMIT_DTS = 'export default function limit(options: { max: number }): number;\n';
const TESTS = `import { test } from 'node:test';
import assert from 'node:assert/strict';
import { snakeCase, kebabCase, words } from '../src/case.js';
import limit from '../src/limit.js';

const table = [
  ['fooBar', { snake: 'foo_bar', kebab: 'foo-bar' }],
  ['Hello World', { snake: 'hello_world', kebab: 'hello-world' }],
];

for (const [input, expected] of table) {
  test(input, () => {
    assert.equal(snakeCase(input), expected.snake);
    assert.equal(kebabCase(input), expected.kebab);
  });
}

[['a b', ['a', 'b']], ['fooBar', ['foo', 'Bar']]].forEach(([input, list]) => {
  test('words ' + input, () => assert.deepEqual(words(input), list));
});

test('limit', () => {
  assert.throws(() => limit({ max: 0 }));
  assert.equal(limit({ max: 2 }), 2);
});
`;
const README = "# word-case\n\n```js\nimport { dotCase } from 'word-case';\n\ndotCase('fooBar'); //=> 'foo.bar'\nsnakeCase('x y') // 'x_y'\n```\n";

let tmp: string;
let dir: string;
let report: TestGeneratorReport;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'qe-tg-oracles-'));
  dir = await writeProject(tmp, 'word-case', {
    'package.json': JSON.stringify({ name: 'word-case', type: 'module', exports: './src/case.js', scripts: { test: 'node --test test/' } }),
    'src/case.js': CASE,
    'src/limit.js': LIMIT_JS,
    'src/limit.d.ts': LIMIT_DTS,
    'test/case.test.js': TESTS,
    'README.md': README,
  });
  const generator = new TestGeneratorCore({ timeoutMs: 180_000, writeTestsDir: 'kept' });
  report = await generator.run(await openTarget({ dir, catalogue: false }), 'invariants');
}, 240_000);
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('examples the project states become oracles', () => {
  it('reads them from table-driven tests (for…of, forEach), throws assertions, @example tags and README //=> results', async () => {
    const target = await openTarget({ dir, catalogue: false });
    const { sources, extracted } = extractTargetExports(target);
    const examples = findExamples({ dir, sources, packageJson: target.packageJson, functions: extracted?.functions ?? [] }, target.profile.testFiles);
    const stated = examples.map((e) => `${e.source} ${e.kind} ${e.code.replace('fn_under_test', e.fn.name)} ${JSON.stringify(e.expected)}`);
    expect(stated).toEqual(
      expect.arrayContaining([
        'test equal snakeCase("fooBar") "foo_bar"',
        'test equal kebabCase("Hello World") "hello-world"',
        'test equal words("fooBar") ["foo","Bar"]',
        // A default export is named `default` (where it is called `limit` in the test).
        'test throws default({ "max": 0 }) undefined',
        'test equal default({ "max": 2 }) 2',
        "jsdoc equal titleCase('HELLO world') \"Hello World\"",
        "readme equal dotCase('fooBar') \"foo.bar\"",
        "readme equal snakeCase('x y') \"x_y\"",
      ]),
    );
  });

  it('takes no example from tests that set up the environment or globals first (the commander useColor shape), nor from README results under a stated platform (camelcase)', async () => {
    const envDir = await writeProject(tmp, 'env-examples', {
      'package.json': JSON.stringify({ name: 'env-examples', type: 'module', exports: './src/color.js', scripts: { test: 'node --test test/' } }),
      'src/color.js': "/** @returns {boolean | undefined} */\nexport function useColor() {\n  return process.env.NO_COLOR ? false : undefined;\n}\n/** @param {number} x\n @returns {number} */\nexport function twice(x) {\n  return 2 * x;\n}\n",
      'test/color.test.js': [
        "import { describe, test, beforeEach } from 'node:test';",
        "import assert from 'node:assert/strict';",
        "import { twice, useColor } from '../src/color.js';",
        "test('twice', () => { assert.equal(twice(2), 4); });",
        "describe('useColor', () => {",
        '  beforeEach(() => { delete process.env.NO_COLOR; });',
        "  test('default', () => { assert.equal(useColor(), undefined); });",
        '});',
        "test('NO_COLOR', () => {",
        "  process.env.NO_COLOR = '1';",
        '  assert.equal(useColor(), false);',
        '});',
        // micromatch's shape: the process's own properties redefined for one test.
        "test('old node', () => {",
        "  Reflect.defineProperty(process, 'version', { value: 'v6.0.0' });",
        '  assert.equal(twice(3), 7);',
        '});',
        // A set-up inside one test's body does not reach the tests after it.
        "test('twice again', () => { assert.equal(twice(5), 10); });",
        '',
      ].join('\n'),
      // sindresorhus/camelcase's shape: results under a comment that states what the platform is.
      'README.md': "```js\nimport { twice } from 'env-examples';\n\ntwice(1); //=> 2\n\n// On a platform with `tr-TR`.\n\ntwice(2); //=> 5\n```\n",
    });
    const target = await openTarget({ dir: envDir, catalogue: false });
    const { sources, extracted } = extractTargetExports(target);
    const examples = findExamples({ dir: envDir, sources, packageJson: target.packageJson, functions: extracted?.functions ?? [] }, target.profile.testFiles);
    expect(examples.map((e) => `${e.code.replace('fn_under_test', e.fn.name)} ${JSON.stringify(e.expected)}`)).toEqual(['twice(2) 4', 'twice(5) 10', 'twice(1) 2']);
  });

  it('finds the three planted bugs with the stated example as evidence, and nothing in the correct functions', () => {
    const byFn = Object.fromEntries(report.findings.map((f) => [f.message.split(' ')[0], f]));
    expect(Object.keys(byFn).sort()).toEqual(['dotCase', 'kebabCase', 'titleCase']);
    expect(byFn['kebabCase']?.evidence).toContain('kebabCase("fooBar") (test/case.test.js:');
    expect(byFn['kebabCase']?.evidence).toContain('stated to return "foo-bar", returned "foo_bar"');
    expect(byFn['titleCase']?.evidence).toMatch(/titleCase\('HELLO world'\) \(src\/case\.js:\d+\).*returned "HELLO World"/);
    expect(byFn['dotCase']?.evidence).toMatch(/dotCase\('fooBar'\) \(README\.md:\d+\).*returned "foo\/bar"/);
    expect(byFn['dotCase']?.location).toMatchObject({ file: 'src/case.js' });
  });

  it('types a JS module from its sibling .d.ts: no null is fed to the typed options (the p-limit false positive)', () => {
    const outcomes = report.stats.outcomes.filter((o) => o.fn === 'default');
    expect(outcomes.map((o) => o.oracle).sort()).toEqual(['example:test', 'no-crash', 'not-nan']);
    expect(outcomes.every((o) => !o.failed)).toBe(true);
  });

  it('--write-tests: kept in the project style (node:test, ESM); they pass on the current code except one failing test per defect', () => {
    expect(report.stats.kept).toMatchObject({ files: ['kept/case.qe-generated.test.js', 'kept/limit.qe-generated.test.js'], failing: 3 });
    const kept = readFileSync(join(dir, 'kept/case.qe-generated.test.js'), 'utf8');
    expect(kept).toContain("import { describe, test } from 'node:test';\nimport assert from 'node:assert/strict';");
    expect(kept).toContain("from '../src/case.js';");
    expect(kept).toMatch(/\/\/ Fails on the current code: README\.md:\d+ states this result/);
    for (const finding of report.findings) expect(finding.evidence).toMatch(/kept as a failing test in kept\/case\.qe-generated\.test\.js/);
    const run = spawnSync(process.execPath, ['--test', '--test-reporter=tap', 'kept/'], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    expect(run.stdout).toContain(`# pass ${report.stats.kept!.passing}\n# fail 3`);
  });
});
