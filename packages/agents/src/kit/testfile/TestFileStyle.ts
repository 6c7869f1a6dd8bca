import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import type { ModuleSystem, SourceLanguage, TargetProfile, TestRunnerInfo } from '../target/TargetProfile.js';

/** How the target's own tests are written: what a generated test file must look like to fit in. */
export interface TestFileStyle {
  runner: TestRunnerInfo['name'];
  /** Module system of the test file (`import` or `require`). */
  module: ModuleSystem;
  language: SourceLanguage;
  /** File suffix after the base name: `.test.ts`, `.spec.js`, `.js` (plain files in a test folder), `.test.mjs`. */
  suffix: string;
  /** Where the tests live (relative, `/`-separated, `.` = the root); `colocated` = beside the module. */
  dir: string;
  colocated: boolean;
  /** How relative imports of the module end: `.js` (NodeNext / ESM), the source extension, or nothing. */
  importExtension: 'js' | 'source' | 'none';
  quote: '"' | "'";
  semicolons: boolean;
}

const TEST_FOLDER = /^(test|tests|__tests__|spec|specs)$/;
const RELATIVE_IMPORT = /(?:from\s+|require\(\s*|import\(\s*)(["'])(\.{1,2}\/[^"']+)\1/g;

/**
 * The style of the target's test files, read from `profile.testFiles` (those named `*.test.*`,
 * `*.spec.*` or in `__tests__` when there are any: the runner they import, the most common suffix,
 * folder and import form of up to 20 of them), else `profile.testRunner`; a target without tests
 * gets `node:test` files named `*.test.<ext>` in `test/` in its own language and module system.
 */
export function detectTestStyle(dir: string, profile: TargetProfile): TestFileStyle {
  const code = profile.testFiles.filter((f) => /\.[cm]?[jt]sx?$/.test(f) && !/\.test-d\.|\.d\.[cm]?ts$/.test(f));
  // Files named as tests, when there are any: vitest and jest run only those by default, and a plain
  // file in a test folder may be a helper, a fixture or a type test that no runner runs.
  const named = code.filter((f) => suffixOf(f) !== posix.extname(f) || /(^|\/)__tests__\//.test(f));
  const tests = named.length > 0 ? named : code;
  const language: SourceLanguage = tests.length > 0 ? (mostCommon(tests.map((f) => (/\.[cm]?tsx?$/.test(f) ? 'typescript' : 'javascript'))) as SourceLanguage) : profile.languages.includes('typescript') ? 'typescript' : 'javascript';
  const ofLanguage = tests.filter((f) => /\.[cm]?tsx?$/.test(f) === (language === 'typescript'));
  const texts = ofLanguage.slice(0, 20).map((f) => readText(join(dir, f)));
  const suffixes = ofLanguage.map(suffixOf);
  const suffix = suffixes.length > 0 ? mostCommon(suffixes) : `.test.${language === 'typescript' ? 'ts' : 'js'}`;
  // In a test tree at any depth (`test/api/x.test.ts`) is not beside the code.
  const colocatedCount = ofLanguage.filter((f) => !posix.dirname(f).split('/').some((segment) => TEST_FOLDER.test(segment)) && suffixOf(f) !== posix.extname(f)).length;
  const colocated = ofLanguage.length > 0 && colocatedCount * 2 > ofLanguage.length;
  const folders = ofLanguage.map((f) => posix.dirname(f));
  const dirOf = ofLanguage.length > 0 ? mostCommon(folders) : 'test';
  const module = moduleOf(suffix, texts, profile.packageModule);
  const imports = texts.flatMap((t) => [...t.matchAll(RELATIVE_IMPORT)].map((m) => m[2] ?? ''));
  const withJs = imports.filter((p) => /\.[cm]?js$/.test(p)).length;
  const withTs = imports.filter((p) => /\.[cm]?tsx?$/.test(p)).length;
  const bare = imports.filter((p) => !/\.[cm]?[jt]sx?$|\.json$/.test(p)).length;
  const importExtension = imports.length === 0 ? (module === 'esm' ? 'js' : 'none') : withTs > Math.max(withJs, bare) ? 'source' : withJs >= bare ? 'js' : 'none';
  const doubles = texts.reduce((n, t) => n + (t.match(/(?:from|require\()\s*"/g)?.length ?? 0), 0);
  const singles = texts.reduce((n, t) => n + (t.match(/(?:from|require\()\s*'/g)?.length ?? 0), 0);
  const statementEnds = texts.reduce((n, t) => n + (t.match(/\)\s*;\s*$/gm)?.length ?? 0), 0);
  const bareEnds = texts.reduce((n, t) => n + (t.match(/\)\s*$/gm)?.length ?? 0), 0);
  return {
    runner: runnerOf(texts) ?? profile.testRunner?.name ?? 'node-test',
    module,
    language,
    suffix,
    dir: dirOf,
    colocated,
    importExtension,
    quote: doubles > singles ? '"' : "'",
    semicolons: texts.length === 0 || statementEnds >= bareEnds / 2,
  };
}

/** `.test.ts`, `.spec.js`, or the bare extension for `test/foo.js`. */
function suffixOf(file: string): string {
  const match = /(?:[._-](?:test|spec))?\.[cm]?[jt]sx?$/.exec(posix.basename(file));
  return match?.[0].replace(/^[_-]/, '.') ?? posix.extname(file);
}

/** The runner the test files import (a monorepo package's scripts may not name it: change-case imports vitest). */
function runnerOf(texts: string[]): TestFileStyle['runner'] | undefined {
  const imported: Array<[TestFileStyle['runner'], RegExp]> = [
    ['vitest', /(?:from|require\()\s*["']vitest["']/],
    ['jest', /(?:from|require\()\s*["']@jest\/globals["']/],
    ['ava', /(?:from|require\()\s*["']ava["']/],
    ['tap', /(?:from|require\()\s*["']tap["']/],
    ['tape', /(?:from|require\()\s*["']tape["']/],
    ['uvu', /(?:from|require\()\s*["']uvu["']/],
    ['node-test', /(?:from|require\()\s*["']node:test["']/],
  ];
  const counts = imported.map(([name, re]) => [name, texts.filter((t) => re.test(t)).length] as const).filter(([, n]) => n > 0);
  counts.sort((a, b) => b[1] - a[1]);
  return counts[0]?.[0];
}

function moduleOf(suffix: string, texts: string[], fallback: ModuleSystem): ModuleSystem {
  if (/\.m[jt]s$/.test(suffix)) return 'esm';
  if (/\.c[jt]s$/.test(suffix)) return 'commonjs';
  const esm = texts.filter((t) => /^\s*import\s[^(]/m.test(t) || /^\s*export\s/m.test(t)).length;
  const cjs = texts.filter((t) => /\brequire\(\s*["']/.test(t) && !/^\s*import\s[^(]/m.test(t)).length;
  if (esm === 0 && cjs === 0) return fallback;
  return esm >= cjs ? 'esm' : 'commonjs';
}

function readText(path: string): string {
  try {
    return existsSync(path) ? readFileSync(path, 'utf8').slice(0, 20_000) : '';
  } catch {
    return '';
  }
}

function mostCommon<T>(values: readonly T[]): T {
  const counts = new Map<T, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best = values[0] as T;
  for (const [v, n] of counts) if (n > (counts.get(best) ?? 0)) best = v;
  return best;
}

/** Folder a new test for `module` goes in: beside it when the project colocates tests, else the test folder. */
export function testFolderFor(style: TestFileStyle, module: string): string {
  return style.colocated ? dirname(module).replaceAll('\\', '/') : style.dir;
}
