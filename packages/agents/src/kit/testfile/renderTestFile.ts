import { posix } from 'node:path';
import type { TestAssertion, TestCase, TestFileSpec, TestImports } from './TestCase.js';
import type { TestFileStyle } from './TestFileStyle.js';
import { testFolderFor } from './TestFileStyle.js';
import { quoteString, renderValue } from './renderValue.js';

/** A rendered test file: where it goes (relative to the target root, `/`-separated) and its text. */
export interface RenderedTestFile {
  path: string;
  content: string;
}

/** What a runner needs written: its imports, suite and test wrappers, and the three assertions. */
interface RunnerSyntax {
  imports(esm: boolean, q: (s: string) => string): string[];
  /** Whether tests are grouped in `describe(suite, …)`; ava and tap get the suite name as a prefix. */
  suites: boolean;
  open(name: string, async: boolean): string;
  close: string;
  deepEqual(actual: string, expected: string): string;
  throws(call: string, async: boolean): string;
  ok(value: string): string;
  /** The file's last statement (uvu runs the tests it collected only when told). */
  footer?: string;
}

const NODE_ASSERT = {
  deepEqual: (a: string, e: string) => `assert.deepStrictEqual(${a}, ${e})`,
  throws: (c: string, async: boolean) => (async ? `await assert.rejects(async () => ${c})` : `assert.throws(() => ${c})`),
  ok: (v: string) => `assert.ok(${v})`,
};
const EXPECT = {
  deepEqual: (a: string, e: string) => `expect(${a}).toStrictEqual(${e})`,
  throws: (c: string, async: boolean) => (async ? `await expect((async () => ${c})()).rejects.toThrow()` : `expect(() => ${c}).toThrow()`),
  ok: (v: string) => `expect(${v}).toBeTruthy()`,
};
const importOrRequire = (esm: boolean, names: string, from: string): string => (esm ? `import ${names} from ${from}` : `const ${names.replace(/^\* as /, '')} = require(${from})`);

const SYNTAX: Record<TestFileStyle['runner'], RunnerSyntax> = {
  vitest: { imports: (_esm, q) => [`import { describe, expect, test } from ${q('vitest')}`], suites: true, open: (n, a) => `test(${n}, ${a ? 'async ' : ''}() => {`, close: '})', ...EXPECT },
  jest: { imports: () => [], suites: true, open: (n, a) => `test(${n}, ${a ? 'async ' : ''}() => {`, close: '})', ...EXPECT },
  mocha: { imports: (esm, q) => [importOrRequire(esm, 'assert', q('node:assert/strict'))], suites: true, open: (n, a) => `it(${n}, ${a ? 'async ' : ''}() => {`, close: '})', ...NODE_ASSERT },
  'node-test': {
    imports: (esm, q) => [importOrRequire(esm, '{ describe, test }', q('node:test')), importOrRequire(esm, 'assert', q('node:assert/strict'))],
    suites: true,
    open: (n, a) => `test(${n}, ${a ? 'async ' : ''}() => {`,
    close: '})',
    ...NODE_ASSERT,
  },
  ava: {
    imports: (esm, q) => [importOrRequire(esm, 'test', q('ava'))],
    suites: false,
    open: (n, a) => `test(${n}, ${a ? 'async ' : ''}(t) => {`,
    close: '})',
    deepEqual: (a, e) => `t.deepEqual(${a}, ${e})`,
    throws: (c, async) => (async ? `await t.throwsAsync(async () => ${c}, { any: true })` : `t.throws(() => ${c}, { any: true })`),
    ok: (v) => `t.truthy(${v})`,
  },
  tap: {
    imports: (esm, q) => [importOrRequire(esm, 't', q('tap'))],
    suites: false,
    open: (n) => `t.test(${n}, async (t) => {`,
    close: '})',
    deepEqual: (a, e) => `t.strictSame(${a}, ${e})`,
    throws: (c, async) => (async ? `await t.rejects(async () => ${c})` : `t.throws(() => ${c})`),
    ok: (v) => `t.ok(${v})`,
  },
  // tape 5 ends a test when its async callback settles; it has no `rejects`.
  tape: {
    imports: (esm, q) => [importOrRequire(esm, 'test', q('tape'))],
    suites: false,
    open: (n) => `test(${n}, async (t) => {`,
    close: '})',
    deepEqual: (a, e) => `t.deepEqual(${a}, ${e})`,
    throws: (c, async) => (async ? `await (async () => ${c})().then(() => t.fail('expected a rejection'), () => t.pass('rejected'))` : `t.throws(() => ${c})`),
    ok: (v) => `t.ok(${v})`,
  },
  // uvu/assert has no `rejects`: a settled promise fails the test through `unreachable`.
  uvu: {
    imports: (esm, q) => [importOrRequire(esm, '{ test }', q('uvu')), importOrRequire(esm, '* as assert', q('uvu/assert'))],
    suites: false,
    open: (n, a) => `test(${n}, ${a ? 'async ' : ''}() => {`,
    close: '})',
    deepEqual: (a, e) => `assert.equal(${a}, ${e})`,
    throws: (c, async) => (async ? `await (async () => ${c})().then(() => assert.unreachable('expected a rejection'), () => {})` : `assert.throws(() => ${c})`),
    ok: (v) => `assert.ok(${v})`,
    footer: 'test.run()',
  },
};

/**
 * Renders `spec` as a test file in the target's style: its runner's API (vitest, jest, mocha,
 * `node:test`, ava, tap, tape, uvu), ESM or CommonJS, its suffix and folder, its quotes and semicolons, and a
 * relative import of the module under test from that folder. `dir` overrides the folder
 * (relative to the target root), e.g. the user's `--write-tests DIR`.
 */
export function renderTestFile(spec: TestFileSpec, style: TestFileStyle, dir?: string): RenderedTestFile {
  const folder = normalizeFolder(dir ?? testFolderFor(style, spec.module));
  const path = posix.join(folder, `${spec.baseName ?? `${moduleBase(spec.module)}.generated`}${suffixIn(style, folder)}`);
  const syntax = SYNTAX[style.runner];
  const esm = style.module === 'esm' || style.runner === 'vitest';
  const q = (s: string): string => quoteString(s, style.quote);
  const end = style.semicolons ? ';' : '';
  const lines: string[] = [];
  if (spec.header) lines.push(`// ${spec.header}`);
  lines.push(...syntax.imports(esm, q).map((l) => l + end));
  lines.push(...importLines(spec.imports, q(importPath(path, spec.module, style)), esm).map((l) => l + end));
  lines.push(...(spec.preamble ?? []), '');
  const suite = spec.suite ?? moduleBase(spec.module);
  const indent = syntax.suites ? '  ' : '';
  if (syntax.suites) lines.push(`describe(${q(suite)}, () => {`);
  spec.cases.forEach((c, i) => {
    if (i > 0) lines.push('');
    lines.push(...renderCase(c, syntax, syntax.suites ? c.name : `${suite}: ${c.name}`, style, end).map((l) => indent + l));
  });
  if (syntax.suites) lines.push(`})${end}`);
  if (syntax.footer !== undefined) lines.push('', `${syntax.footer}${end}`);
  lines.push('');
  return { path, content: lines.join('\n') };
}

function renderCase(c: TestCase, syntax: RunnerSyntax, name: string, style: TestFileStyle, end: string): string[] {
  const out: string[] = [];
  if (c.comment) out.push(...c.comment.split('\n').map((l) => `// ${l}`));
  const async = c.async === true || style.runner === 'tap' || style.runner === 'tape';
  out.push(syntax.open(quoteString(name, style.quote), async));
  const teardown = c.teardown ?? [];
  const pad = teardown.length > 0 ? '    ' : '  ';
  if (teardown.length > 0) out.push('  try {');
  for (const s of c.setup ?? []) out.push(`${pad}${s}`);
  for (const a of c.assertions) out.push(`${pad}${renderAssertion(a, syntax, style, c.async === true)}${end}`);
  if (teardown.length > 0) out.push('  } finally {', ...teardown.map((s) => `    ${s}`), '  }');
  out.push(`${syntax.close}${end}`);
  return out;
}

function renderAssertion(a: TestAssertion, syntax: RunnerSyntax, style: TestFileStyle, async: boolean): string {
  switch (a.kind) {
    case 'deepEqual':
      return syntax.deepEqual(a.actual, a.expectedCode ?? renderValue(a.expected, style.quote));
    case 'throws':
      return syntax.throws(a.call, async);
    case 'ok':
      return syntax.ok(a.value);
  }
}

function importLines(imports: TestImports, from: string, esm: boolean): string[] {
  const lines: string[] = [];
  const named = imports.named && imports.named.length > 0 ? `{ ${imports.named.join(', ')} }` : undefined;
  if (esm) {
    const clause = [imports.default, named].filter((x) => x !== undefined).join(', ');
    if (clause) lines.push(`import ${clause} from ${from}`);
    if (imports.namespace) lines.push(`import * as ${imports.namespace} from ${from}`);
  } else {
    for (const name of [imports.default, imports.namespace, named]) if (name !== undefined) lines.push(`const ${name} = require(${from})`);
  }
  return lines;
}

/** A plain `foo.js` only counts as a test inside a test folder; elsewhere it becomes `foo.test.js`. */
function suffixIn(style: TestFileStyle, folder: string): string {
  if (/^[._](test|spec)\./.test(style.suffix)) return style.suffix;
  const inTestFolder = folder.split('/').some((part) => /^(test|tests|__tests__|spec|specs)$/.test(part));
  return inTestFolder ? style.suffix : `.test${style.suffix}`;
}

/** Relative import of `module` from the test file at `path`, with the extension the project's tests use. */
export function importPath(path: string, module: string, style: Pick<TestFileStyle, 'importExtension'>): string {
  let rel = posix.relative(posix.dirname(path), module);
  if (!rel.startsWith('.')) rel = `./${rel}`;
  if (style.importExtension === 'none') return rel.replace(/\.[cm]?[jt]sx?$/, '');
  if (style.importExtension === 'js') return rel.replace(/\.tsx?$/, '.js').replace(/\.mts$/, '.mjs').replace(/\.cts$/, '.cjs').replace(/\.jsx$/, '.js');
  return rel;
}

function moduleBase(module: string): string {
  const base = posix.basename(module).replace(/\.[cm]?[jt]sx?$/, '');
  const parent = posix.basename(posix.dirname(module));
  return base === 'index' && parent !== '.' && parent !== '' && !/^(src|lib|source)$/.test(parent) ? parent : base;
}

function normalizeFolder(dir: string): string {
  const n = posix.normalize(dir.replaceAll('\\', '/')).replace(/\/+$/, '');
  return n === '' ? '.' : n;
}
