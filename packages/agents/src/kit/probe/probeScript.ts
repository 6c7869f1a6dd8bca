/**
 * The JavaScript of the probe child process (written next to the generated cases module): it
 * starts V8 precise coverage through the inspector, runs every case in turn with a per-case
 * timeout, and appends one JSON line per case to the outcome file: the value as source code
 * (`literal`, what a regression test asserts), a JSON copy with tagged non-JSON numbers (`raw`,
 * what the oracles read), the error, unhandled rejections seen while it ran, and the V8 function
 * coverage of the target's compiled files taken right after it (taking coverage resets the
 * counters, so each case's coverage is its own).
 */
export const PROBE_SCRIPT = String.raw`
import { appendFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { pathToFileURL } from 'node:url';

const [casesFile, outFile, rootDir, timeoutText] = process.argv.slice(2);
const timeoutMs = Number(timeoutText);
const rootUrl = pathToFileURL(rootDir).href;
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.startPreciseCoverage', { callCount: true, detailed: true });

let unhandled = [];
process.on('unhandledRejection', (reason) => { unhandled.push(describe(reason)); });
process.on('uncaughtException', (error) => { unhandled.push(describe(error)); });

function describe(error) {
  if (error instanceof Error) return { name: error.name, message: String(error.message).slice(0, 500), stack: String(error.stack ?? '').split('\n').slice(1, 6).join('\n') };
  return { name: typeof error, message: String(error).slice(0, 500), stack: '' };
}

function literal(value, depth = 0, seen = new Set()) {
  if (depth > 6) throw new Error('too deep');
  switch (typeof value) {
    case 'number':
      if (Number.isNaN(value)) return 'NaN';
      if (value === Infinity) return 'Infinity';
      if (value === -Infinity) return '-Infinity';
      if (Object.is(value, -0)) return '-0';
      return String(value);
    case 'string': return JSON.stringify(value);
    case 'boolean': return String(value);
    case 'undefined': return 'undefined';
    case 'bigint': return value + 'n';
    case 'object': {
      if (value === null) return 'null';
      if (seen.has(value)) throw new Error('cycle');
      seen.add(value);
      try {
        if (Array.isArray(value)) return '[' + value.map((v) => literal(v, depth + 1, seen)).join(', ') + ']';
        if (value instanceof Date) return 'new Date(' + JSON.stringify(Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString()) + ')';
        if (value instanceof Map) return 'new Map([' + [...value].map(([k, v]) => '[' + literal(k, depth + 1, seen) + ', ' + literal(v, depth + 1, seen) + ']').join(', ') + '])';
        if (value instanceof Set) return 'new Set([' + [...value].map((v) => literal(v, depth + 1, seen)).join(', ') + '])';
        const proto = Object.getPrototypeOf(value);
        if (proto !== Object.prototype && proto !== null) throw new Error('instance of ' + (value.constructor?.name ?? 'a class'));
        return '{ ' + Object.keys(value).map((k) => JSON.stringify(k) + ': ' + literal(value[k], depth + 1, seen)).join(', ') + ' }';
      } finally {
        seen.delete(value);
      }
    }
    default: throw new Error(typeof value);
  }
}

function raw(value) {
  try {
    return JSON.parse(JSON.stringify(value, (_k, v) => {
      if (typeof v === 'number' && !Number.isFinite(v)) return { $number: String(v) };
      if (v === undefined) return { $undefined: true };
      if (typeof v === 'bigint') return { $bigint: String(v) };
      if (v instanceof Map) return { $map: [...v] };
      if (v instanceof Set) return { $set: [...v] };
      if (typeof v === 'function') return { $function: v.name };
      return v;
    }) ?? 'null');
  } catch {
    return { $unserialisable: true };
  }
}

// After a reset V8 reports only the functions that ran; v8-to-istanbul counts a line no range
// covers as executed. So every function (and the script itself) ever seen is added back with a
// zero count: the lines of functions a case did not call read as not covered by it.
const known = new Map();
async function coverage() {
  const { result } = await session.post('Profiler.takePreciseCoverage');
  return result.filter((script) => script.url.startsWith(rootUrl)).map(({ url, functions }) => {
    const seen = known.get(url) ?? new Map();
    known.set(url, seen);
    for (const f of functions) {
      const [first] = f.ranges;
      if (first) seen.set(first.startOffset + ':' + first.endOffset, f.functionName);
    }
    const present = new Set(functions.map((f) => f.ranges[0] ? f.ranges[0].startOffset + ':' + f.ranges[0].endOffset : ''));
    const zeros = [...seen].filter(([key]) => !present.has(key)).map(([key, functionName]) => {
      const [startOffset, endOffset] = key.split(':').map(Number);
      return { functionName, isBlockCoverage: true, ranges: [{ startOffset, endOffset, count: 0 }] };
    });
    return { url, functions: [...zeros, ...functions].sort((a, b) => a.ranges[0].startOffset - b.ranges[0].startOffset || b.ranges[0].endOffset - a.ranges[0].endOffset) };
  });
}

const settle = () => new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
const { cases, modules } = await import(pathToFileURL(casesFile).href);
await coverage();
// Importing every module first lists each of its functions unexecuted: the lines they hold are
// the executable lines a case may add. Top-level code is then nobody's (any kept case imports it).
for (const url of modules) await import(url).catch(() => undefined);
appendFileSync(outFile, JSON.stringify({ id: '$import', coverage: await coverage() }) + '\n');
for (const { id, run } of cases) {
  unhandled = [];
  let outcome;
  let timer;
  const started = performance.now();
  try {
    const result = await Promise.race([
      Promise.resolve().then(run),
      new Promise((_, reject) => { timer = setTimeout(() => reject(Object.assign(new Error('timed out after ' + timeoutMs + ' ms'), { $timeout: true })), timeoutMs); }),
    ]);
    const value = result?.value;
    let code;
    try { code = literal(value); } catch (error) { code = undefined; }
    outcome = { id, status: 'returned', literal: code, raw: raw(value), type: value === null ? 'null' : typeof value, observed: raw(result?.observed) };
  } catch (caught) {
    const wrapped = caught !== null && typeof caught === 'object' && '__qeThrown' in caught;
    const error = wrapped ? caught.__qeThrown : caught;
    outcome = error?.$timeout ? { id, status: 'timeout' } : { id, status: 'threw', error: describe(error), errorIsError: error instanceof Error, ...(wrapped ? { observed: raw(caught.observed) } : { inSetup: true }) };
  } finally {
    clearTimeout(timer);
  }
  await settle();
  outcome.ms = performance.now() - started;
  outcome.unhandled = unhandled;
  outcome.coverage = await coverage();
  appendFileSync(outFile, JSON.stringify(outcome) + '\n');
}
process.exit(0);
`;
