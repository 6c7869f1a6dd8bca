import { readFileSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import type { TestCaseResult } from './SuiteRun.js';

/** Where the results came from, to turn absolute paths into target-relative ones. */
export interface ParseContext {
  /** The target folder (absolute). */
  dir: string;
  /** Test files of the target (relative): TAP titles are matched against them. */
  testFiles: readonly string[];
}

const SEPARATOR = ' > ';
const MAX_MESSAGE = 2000;

function rel(ctx: ParseContext, file: string | undefined): string {
  if (file === undefined || file === '') return '';
  const path = file.startsWith('file://') ? new URL(file).pathname : file;
  return (isAbsolute(path) ? relative(ctx.dir, path) : path).replaceAll('\\', '/').replace(/^\.\//, '');
}

function trimMessage(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  // Runners colour their diffs; a message read by a person or matched by a tool needs none.
  // eslint-disable-next-line no-control-regex
  const plain = text.replace(/\u001b\[[0-9;]*m/g, '').trim();
  return plain === '' ? undefined : plain.slice(0, MAX_MESSAGE);
}

function result(file: string, parts: readonly string[], status: TestCaseResult['status'], durationMs?: number, message?: string): TestCaseResult {
  const title = parts.at(-1) ?? '';
  const failureMessage = status === 'failed' ? trimMessage(message) : undefined;
  return {
    file,
    name: parts.filter((p) => p !== '').join(SEPARATOR),
    title,
    status,
    ...(durationMs === undefined || !Number.isFinite(durationMs) ? {} : { durationMs }),
    ...(failureMessage === undefined ? {} : { failureMessage }),
  };
}

interface JestJson {
  testResults?: Array<{
    name?: string;
    testFilePath?: string;
    message?: string;
    status?: string;
    assertionResults?: Array<{ ancestorTitles?: string[]; title?: string; status?: string; duration?: number | null; failureMessages?: string[] }>;
  }>;
}

/** Jest's `--json` and vitest's `--reporter=json` (the same shape). A file that did not load is one failed entry titled `(file)`. */
export function parseJestJson(text: string, ctx: ParseContext): TestCaseResult[] {
  const json = JSON.parse(text) as JestJson;
  const out: TestCaseResult[] = [];
  for (const file of json.testResults ?? []) {
    const path = rel(ctx, file.name ?? file.testFilePath);
    const cases = file.assertionResults ?? [];
    for (const c of cases) {
      const status = c.status === 'passed' ? 'passed' : c.status === 'failed' ? 'failed' : 'skipped';
      out.push(result(path, [...(c.ancestorTitles ?? []), c.title ?? ''], status, c.duration ?? undefined, c.failureMessages?.join('\n')));
    }
    if (file.status === 'failed' && !cases.some((c) => c.status === 'failed')) out.push(result(path, ['(file)'], 'failed', undefined, file.message || 'the test file failed'));
  }
  return out;
}

interface MochaTest {
  title?: string;
  fullTitle?: string;
  file?: string;
  duration?: number;
  err?: { message?: string; stack?: string };
}

/** Mocha's `json` reporter: passes, failures and pending, each with `fullTitle` (suites joined by spaces). */
export function parseMochaJson(text: string, ctx: ParseContext): TestCaseResult[] {
  // Mocha's reporter writes to stdout; a test that logs puts text before the JSON document.
  const start = text.indexOf('{\n  "stats"');
  const json = JSON.parse(start > 0 ? text.slice(start) : text) as { passes?: MochaTest[]; failures?: MochaTest[]; pending?: MochaTest[] };
  const parts = (t: MochaTest): string[] => {
    const title = t.title ?? '';
    const full = t.fullTitle ?? title;
    const suites = full.endsWith(title) ? full.slice(0, full.length - title.length).trim() : '';
    return suites === '' ? [title] : [suites, title];
  };
  return [
    ...(json.passes ?? []).map((t) => result(rel(ctx, t.file), parts(t), 'passed', t.duration)),
    ...(json.failures ?? []).map((t) => result(rel(ctx, t.file), parts(t), 'failed', t.duration, t.err?.stack ?? t.err?.message)),
    ...(json.pending ?? []).map((t) => result(rel(ctx, t.file), parts(t), 'skipped')),
  ];
}

interface NodeTestEvent {
  type: 'test:pass' | 'test:fail' | 'test:start';
  name: string;
  nesting: number;
  file?: string;
  suite?: boolean;
  skip?: boolean;
  durationMs?: number;
  error?: string;
}

/**
 * The JSON lines our node:test reporter (`NODE_TEST_REPORTER`) wrote. Suites are dropped (their
 * tests are listed); the file-level wrapper node:test adds per file is kept only when it failed
 * without any of its tests failing (a file that did not load), as `(file)`.
 */
export function parseNodeTestEvents(text: string, ctx: ParseContext): TestCaseResult[] {
  const out: TestCaseResult[] = [];
  // Ancestors per file: node:test runs files in parallel child processes and interleaves their events.
  const stacks = new Map<string, string[]>();
  const failedFiles = new Set<string>();
  const wrappers: Array<{ file: string; event: NodeTestEvent }> = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    const event = JSON.parse(line) as NodeTestEvent;
    const file = rel(ctx, event.file);
    const stack = stacks.get(file) ?? [];
    stacks.set(file, stack);
    if (event.type === 'test:start') {
      stack.length = event.nesting;
      stack.push(event.name);
      continue;
    }
    if (event.file !== undefined && (event.name === event.file || rel(ctx, event.name) === file) && event.nesting === 0) {
      wrappers.push({ file, event });
      continue;
    }
    if (event.suite === true) continue;
    const ancestors = stack.slice(0, event.nesting);
    const status = event.skip === true ? 'skipped' : event.type === 'test:pass' ? 'passed' : 'failed';
    if (status === 'failed') failedFiles.add(file);
    out.push(result(file, [...ancestors, event.name], status, event.durationMs, event.error));
  }
  for (const { file, event } of wrappers) {
    if (event.type === 'test:fail' && !failedFiles.has(file)) out.push(result(file, ['(file)'], 'failed', event.durationMs, event.error));
  }
  return out;
}

/**
 * TAP 13/14 as ava (`--tap`) and node-tap print it: indented subtests are nested results; a result
 * with children is a suite (node-tap's file level), not a test. Ava's `file › title` names are
 * split into the file (matched against the target's test files) and the title.
 */
export function parseTap(text: string, ctx: ParseContext): TestCaseResult[] {
  const out: TestCaseResult[] = [];
  const lines = text.split('\n');
  // Per indentation level: the `# Subtest:` names open above it, and whether results were seen inside.
  const subtests: string[] = [];
  const hadChildren: boolean[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const subtest = /^(\s*)# Subtest: (.*)$/.exec(line);
    if (subtest !== null) {
      const level = subtest[1]!.length / 4;
      subtests.length = level;
      subtests[level] = subtest[2]!.trim();
      hadChildren[level + 1] = false;
      continue;
    }
    const match = /^(\s*)(not ok|ok)\b\s*\d*\s*(?:-\s*)?(.*?)(?:\s+#\s*(SKIP|TODO)\b.*?)?(?:\s+#\s*time=([\d.]+)m?s)?\s*$/i.exec(line);
    if (match === null) continue;
    const level = match[1]!.length / 4;
    const children = hadChildren[level + 1] === true;
    hadChildren[level + 1] = false;
    hadChildren[level] = true;
    if (children) continue;
    let message: string | undefined;
    if (match[2] === 'not ok') {
      const diagnostics: string[] = [];
      for (let j = i + 1; j < lines.length && /^\s+(---|\.\.\.|\S)/.test(lines[j]!) && !/^\s*(not ok|ok)\b/.test(lines[j]!); j++) {
        if (/^\s*\.\.\.\s*$/.test(lines[j]!)) break;
        diagnostics.push(lines[j]!.trim());
      }
      message = diagnostics.filter((d) => d !== '---').join('\n');
    }
    const status = match[4] !== undefined ? 'skipped' : match[2] === 'ok' ? 'passed' : 'failed';
    const parents = subtests.slice(0, level).filter((s): s is string => s !== undefined);
    const { file, parts } = splitTapTitle(ctx, parents, match[3]!.trim());
    out.push(result(file, parts, status, match[5] === undefined ? undefined : Number(match[5]), message));
  }
  return out;
}

/**
 * tape's TAP: a `# name` comment opens each test (tape prints nested tests the same way, flat) and
 * the `ok`/`not ok` lines under it are its assertions, numbered across the run; a test fails when
 * one of them does (a `# TODO` one excepted), `# SKIP name` is a skipped test, and the `# tests`,
 * `# pass`, `# fail` lines are the summary. tape names no file: a test's file is the one its failure
 * points at (`at:`), else the run's only test file.
 */
export function parseTape(text: string, ctx: ParseContext): TestCaseResult[] {
  const tests: Array<{ name: string; status: TestCaseResult['status']; file?: string; message?: string }> = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const header = /^# (.*)$/.exec(line);
    if (header !== null) {
      if (/^(tests|pass|fail|todo|skip)\s+\d+$|^ok$/.test(header[1]!)) continue;
      const skipped = /^SKIP /.exec(header[1]!);
      tests.push({ name: header[1]!.slice(skipped === null ? 0 : skipped[0].length).trim(), status: skipped === null ? 'passed' : 'skipped' });
      continue;
    }
    const assertion = /^not ok\b.*?(#\s*TODO\b)?\s*$/i.exec(line);
    const test = tests.at(-1);
    if (assertion === null || assertion[1] !== undefined || test === undefined) continue;
    // The YAML block under it, up to its stack trace (the assertion library's frames).
    const diagnostics: string[] = [];
    for (let j = i + 1; j < lines.length && /^\s+\S/.test(lines[j]!) && !/^\s*(\.\.\.|stack:)/.test(lines[j]!); j++) diagnostics.push(lines[j]!.trim());
    const at = diagnostics.map((d) => /^at: .*?\(?((?:file:\/\/)?[^\s()]+?):\d+:\d+\)?$/.exec(d)?.[1]).find((f) => f !== undefined);
    const file = at === undefined ? undefined : rel(ctx, at);
    if (test.status !== 'failed') {
      test.status = 'failed';
      test.message = [line.replace(/^not ok\s*\d*\s*/, ''), ...diagnostics.filter((d) => d !== '---')].join('\n');
    }
    if (test.file === undefined && file !== undefined && ctx.testFiles.includes(file)) test.file = file;
  }
  const only = ctx.testFiles.length === 1 ? ctx.testFiles[0]! : '';
  return tests.map((t) => result(t.file ?? only, [t.name], t.status, undefined, t.message));
}

/**
 * uvu's report (its only reporter): per test file a line with its path (relative to the folder uvu
 * was given), then per suite its name, a `•` for each passing test and a `✘` for each failing one
 * (console output of the tests may fall in between) and `(passed / total)`, then a block per
 * failure, in order: `FAIL  suite  "title"`, the message and the stack. uvu names only failing
 * tests: the passing ones take their titles from the file, in source order, when the file
 * registers as many tests in that suite as ran, else their position (`#2`).
 */
export function parseUvu(text: string, ctx: ParseContext): TestCaseResult[] {
  const out: TestCaseResult[] = [];
  const lines = text.replace(/\x1b\[[0-9;]*m/g, '').split('\n');
  let file = '';
  let suite: { name: string; marks: string[]; failures: Array<{ title: string; message: string }> } | undefined;
  let open = false;
  const declared = new Map<string, Map<string, string[]>>();
  const flush = (): void => {
    if (suite === undefined) return;
    if (!declared.has(file)) declared.set(file, declaredUvuTests(ctx, file));
    const titles = declared.get(file)!.get(suite.name);
    const failures = [...suite.failures];
    suite.marks.forEach((mark, i) => {
      const failure = mark === '✘' ? failures.shift() : undefined;
      const title = failure?.title ?? (titles?.length === suite!.marks.length ? titles[i]! : `#${i + 1}`);
      out.push(result(file, [suite!.name, title], failure === undefined ? 'passed' : 'failed', undefined, failure?.message));
    });
    suite = undefined;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const header = line.trim() === '' ? undefined : ctx.testFiles.find((f) => f === line.trim() || f.endsWith(`/${line.trim()}`));
    if (header !== undefined) {
      flush();
      file = header;
      continue;
    }
    const failed = /^\s+FAIL\s+(?:(.+?)\s{2})?"(.*)"\s*$/.exec(line);
    if (failed !== null && suite !== undefined && !open) {
      const message: string[] = [];
      for (let j = i + 1; j < lines.length && !/^\s+at\s/.test(lines[j]!) && !/^\s+FAIL\s/.test(lines[j]!); j++) if (lines[j]!.trim() !== '') message.push(lines[j]!.trim());
      suite.failures.push({ title: failed[2]!, message: message.join('\n') });
      continue;
    }
    if (/^\s+Total:\s+\d+/.test(line)) break;
    if (!open) {
      // A new suite's first line: its name (none for the default suite) before the first mark.
      const start = /^ (\S.*?) {2}(?=[•✘]|\s*\(\d+ \/ \d+\))/.exec(line);
      if (start === null && !/[•✘]|\(\d+ \/ \d+\)\s*$/.test(line)) continue;
      flush();
      suite = { name: start?.[1] ?? '', marks: [], failures: [] };
      open = true;
    }
    const body = line.replace(/\(\d+ \/ \d+\)\s*$/, '');
    for (const m of body.matchAll(/(?<=^|\s)([•✘])(?=\s|$)/g)) suite!.marks.push(m[1]!);
    if (body !== line) open = false;
  }
  flush();
  return out;
}

/** Titles of the tests a uvu file registers, per suite name (`''` for the default `test`), in source order. */
function declaredUvuTests(ctx: ParseContext, file: string): Map<string, string[]> {
  const byName = new Map<string, string[]>();
  let source: string;
  try {
    source = readFileSync(join(ctx.dir, file), 'utf8');
  } catch {
    return byName;
  }
  const suites = new Map<string, string>([['test', '']]);
  for (const m of source.matchAll(/\b(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=\s*suite\(\s*(['"`])((?:\\.|(?!\2).)*)\2/g)) suites.set(m[1]!, m[3]!);
  for (const m of source.matchAll(/(?<![\w$.])([A-Za-z_$][\w$]*)\s*\(\s*(['"`])((?:\\.|(?!\2).)*)\2/g)) {
    const name = suites.get(m[1]!);
    if (name === undefined) continue;
    byName.set(name, [...(byName.get(name) ?? []), m[3]!.replace(/\\(.)/g, '$1')]);
  }
  return byName;
}

function splitTapTitle(ctx: ParseContext, parents: string[], title: string): { file: string; parts: string[] } {
  const byPath = (candidate: string): string | undefined => {
    const clean = candidate.replaceAll('\\', '/').replace(/^\.\//, '');
    // ava prints a file as its path without extension, relative to the project or to its test folder.
    const forms = (f: string): string[] => {
      const bare = f.replace(/\.[cm]?[jt]sx?$/, '');
      return [f, bare, bare.replace(/[._-](test|spec)$/, '')];
    };
    return ctx.testFiles.find((f) => forms(f).some((form) => form === clean || form.endsWith(`/${clean}`)));
  };
  if (parents.length > 0) {
    const file = byPath(rel(ctx, parents[0]!));
    if (file !== undefined) return { file, parts: [...parents.slice(1), title] };
  }
  const pieces = title.split(' › ');
  if (pieces.length > 1) {
    const file = byPath(pieces[0]!);
    if (file !== undefined) return { file, parts: [...parents, ...pieces.slice(1)] };
  }
  return { file: ctx.testFiles.length === 1 ? ctx.testFiles[0]! : '', parts: [...parents, ...pieces] };
}
