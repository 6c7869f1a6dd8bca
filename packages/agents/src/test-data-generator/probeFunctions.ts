import { isDeepStrictEqual } from 'node:util';
import { join } from 'node:path';
import { AgentError } from '../kit/agent/AgentError.js';
import { runProcess } from '../kit/process/runProcess.js';
import { exportAccessSource } from '../kit/probe/exportAccessSource.js';
import { TargetWorkspace } from '../kit/target/TargetWorkspace.js';
import type { CallRecord, FunctionDataSet } from './functionData.js';

/** The result of one call, as the runner saw it. */
export interface CallResult {
  ok: boolean;
  /** The returned value (JSON; NaN, ±Infinity and undefined as `{ "$qe": "NaN" }` …). */
  value?: unknown;
  error?: { name: string; message: string; crash: boolean };
}

/** One call's outcome and verdict. */
export interface CallOutcome {
  fn: string;
  file: string;
  line: number;
  record: CallRecord;
  /** `fn(args)` as JavaScript, to reproduce. */
  call: string;
  result: CallResult;
  verdict: 'as-expected' | 'crash' | 'nan' | 'doc-example' | 'doc-boundary';
  /** Why the verdict (expected vs actual). */
  detail?: string;
}

/** Options of `probeFunctions`. */
export interface ProbeFunctionsOptions {
  targetDir: string;
  sources: readonly string[];
  packageType: 'module' | 'commonjs';
  timeoutMs: number;
  signal?: AbortSignal;
}

const MARKER = 'QE_DATA ';

/**
 * Calls the exported functions with their records in a child process: the target's sources are
 * copied into a `TargetWorkspace` and compiled (the target folder is never written), a small runner
 * imports each module and calls each function with each argument list, and the results come back
 * as one JSON line. Then each call is judged (`judgeCalls`).
 */
export async function probeFunctions(sets: readonly FunctionDataSet[], options: ProbeFunctionsOptions): Promise<CallOutcome[]> {
  const workspace = await TargetWorkspace.create({ targetDir: options.targetDir, sources: options.sources, packageType: options.packageType });
  try {
    workspace.compile([]);
    const calls = sets.flatMap((set) =>
      set.records.map((record) => ({ module: workspace.outPath(join(workspace.dir, 'target', set.fn.file)), fn: set.fn.name, args: record.value })),
    );
    const callsFile = await workspace.write('qe-calls.json', JSON.stringify(calls));
    const runner = await workspace.write('qe-runner.mjs', RUNNER);
    const result = await runProcess(process.execPath, [runner, callsFile], {
      cwd: workspace.dir,
      timeoutMs: options.timeoutMs,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    if (result.aborted) throw new AgentError('ABORTED', 'function calls were aborted');
    if (result.timedOut) throw new AgentError('TOOL_FAILED', `calling the exported functions did not finish within ${options.timeoutMs} ms (a call loops or waits forever)`);
    const line = result.stdout.split('\n').find((l) => l.startsWith(MARKER));
    if (line === undefined) throw new AgentError('TOOL_FAILED', `the call runner printed no results (exit ${result.exitCode}): ${result.stderr.trim().slice(-800)}`);
    const results = JSON.parse(Buffer.from(line.slice(MARKER.length), 'base64url').toString('utf8')) as CallResult[];
    const outcomes: CallOutcome[] = [];
    let i = 0;
    for (const set of sets) {
      const setResults = results.slice(i, i + set.records.length);
      i += set.records.length;
      outcomes.push(...judgeCalls(set, setResults));
    }
    return outcomes;
  } finally {
    await workspace.dispose();
  }
}

/** Verdicts for one function's calls: crashes and NaN on valid data, documented examples and bounds. */
export function judgeCalls(set: FunctionDataSet, results: readonly CallResult[]): CallOutcome[] {
  const outcomes = set.records.map((record, index): CallOutcome => {
    const result = results[index] ?? { ok: false, error: { name: 'Missing', message: 'no result', crash: false } };
    const base = { fn: set.fn.name, file: set.fn.file, line: set.fn.line, record, call: `${set.fn.name}(${(record.value as unknown[]).map(show).join(', ')})`, result };
    if (!result.ok && result.error?.crash) return { ...base, verdict: 'crash', detail: `${result.error.name}: ${result.error.message}` };
    const expect = record.expect;
    if (expect?.oracle === 'doc-example' && !(result.ok && isDeepStrictEqual(result.value, expect.output))) {
      return { ...base, verdict: 'doc-example', detail: `documented ${expect.source}; got ${result.ok ? show(result.value) : `${result.error?.name}: ${result.error?.message}`}` };
    }
    const numericArgs = (record.value as unknown[]).every((a) => typeof a === 'number');
    if (result.ok && numericArgs && set.fn.returns.kind === 'number' && isNaNValue(result.value)) return { ...base, verdict: 'nan', detail: 'NaN from finite numbers' };
    return { ...base, verdict: 'as-expected' };
  });
  // A documented bound must answer like its neighbour inside the range, when the bound is a real step.
  const groups = new Map<string, CallOutcome[]>();
  for (const o of outcomes) if (o.record.expect?.oracle === 'doc-boundary') groups.set(o.record.expect.group, [...(groups.get(o.record.expect.group) ?? []), o]);
  for (const group of groups.values()) {
    const get = (role: string): CallOutcome | undefined => group.find((o) => o.record.expect?.oracle === 'doc-boundary' && o.record.expect.role === role);
    const [bound, inside, outside] = [get('bound'), get('inside'), get('outside')];
    if (!bound || !inside || !outside || !bound.result.ok || !inside.result.ok || !outside.result.ok) continue;
    if (isDeepStrictEqual(inside.result.value, outside.result.value)) continue;
    if (!isDeepStrictEqual(bound.result.value, inside.result.value)) {
      const statement = bound.record.expect?.oracle === 'doc-boundary' ? bound.record.expect.statement : '';
      bound.verdict = 'doc-boundary';
      bound.detail = `documented "${statement}": ${bound.call} = ${show(bound.result.value)} like ${outside.call} = ${show(outside.result.value)}, not like ${inside.call} = ${show(inside.result.value)}`;
    }
  }
  return outcomes;
}

function isNaNValue(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as { $qe?: string }).$qe === 'NaN';
}

function show(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/**
 * The runner: imports each module once, calls, and prints every result as base64url JSON on one
 * line. A TypeError the engine raised (reading a property of undefined...) is a crash; an error the
 * code threw on purpose is a rejection.
 */
const RUNNER = `import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
${exportAccessSource(false)}
const ENGINE = /^Cannot (read|set) propert|^Cannot (destructure|convert|access|create property|assign to read only|mix BigInt)|is not (a function|iterable|a constructor|an object|defined)|^Reduce of empty array|^Converting circular structure|^Invalid time value|called on (null or undefined|incompatible)/;
const calls = JSON.parse(await readFile(process.argv[2], 'utf8'));
const modules = new Map();
const results = [];
const encode = (v) => JSON.parse(JSON.stringify(v === undefined ? { $qe: 'undefined' } : v, (k, x) => (typeof x === 'number' && !Number.isFinite(x) ? { $qe: String(x) } : typeof x === 'bigint' ? { $qe: x + 'n' } : x instanceof Map ? { $qe: 'Map', entries: [...x] } : x instanceof Set ? { $qe: 'Set', values: [...x] } : x)) ?? null);
for (const c of calls) {
  try {
    let m = modules.get(c.module);
    if (!m) { m = await import(pathToFileURL(c.module).href); modules.set(c.module, m); }
    let value = __exportOwner(m, c.fn)[c.fn](...structuredClone(c.args));
    if (value && typeof value.then === 'function') value = await value;
    results.push({ ok: true, value: encode(value) });
  } catch (e) {
    const name = e?.constructor?.name ?? typeof e;
    const message = String(e?.message ?? e).slice(0, 300);
    const crash = (e instanceof TypeError && ENGINE.test(message)) || e instanceof ReferenceError || (e instanceof RangeError && /call stack|Invalid (array|string) length/.test(message));
    results.push({ ok: false, error: { name, message, crash } });
  }
}
process.stdout.write('${MARKER}' + Buffer.from(JSON.stringify(results)).toString('base64url') + '\\n');
process.exit(0);
`;
