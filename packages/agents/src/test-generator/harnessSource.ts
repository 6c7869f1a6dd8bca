// The runtime half of the generated property tests: helpers and ambient declarations.
import { exportAccessSource } from '../kit/probe/exportAccessSource.js';

/**
 * The helpers every generated test file imports (`check`, `guard`, `call`...), as TypeScript.
 * `check` runs the property with a fixed seed and prints one `QE_RESULT` line (base64url JSON) the agent reads,
 * then fails the test with the shrunk counter-example, so the file is also a plain runnable test.
 */
export function harnessSource(): string {
  return `import assert from 'node:assert/strict';
import fc from 'fast-check';

export const SKIP = Symbol('skip');
const NUM_RUNS = Number(process.env.QE_NUM_RUNS ?? 100);
const SEED = Number(process.env.QE_SEED ?? 42);

/**
 * A crash (a bug) as opposed to a deliberate rejection of the input. A TypeError counts as a
 * crash when the engine raised it (reading a property of undefined, calling a non-function…);
 * one the code threw itself (throw new TypeError('Expected a number'), common in JavaScript
 * libraries that validate untyped arguments) is a rejection.
 */
const ENGINE_TYPE_ERROR = /^Cannot (read|set) propert|^Cannot (destructure|convert|access|create property|assign to read only|mix BigInt)|is not (a function|iterable|a constructor|an object|defined)|^Reduce of empty array|^Converting circular structure|^Do not know how to serialize a BigInt|^Invalid time value|called on (null or undefined|incompatible)|^Right-hand side of 'instanceof'|^Class constructor .* cannot be invoked/;
function isCrash(e: unknown): boolean {
  // An error raised inside code the function compiled from its input (eval, new Function) is the
  // input's own error (an expression naming an unknown variable), not a crash of the function.
  if (e instanceof Error && /^\\s*at .*\\(eval at /m.test((e.stack ?? '').split('\\n').find((l) => /^\\s*at /.test(l)) ?? '')) return false;
  return (e instanceof TypeError && ENGINE_TYPE_ERROR.test(e.message)) || e instanceof ReferenceError || (e instanceof RangeError && /call stack|Invalid (array|string) length/.test(e.message));
}

/** Runs f; a deliberate rejection (not a crash) becomes SKIP. */
export function guard<T>(f: () => T): T | typeof SKIP {
  try {
    return f();
  } catch (e) {
    if (isCrash(e)) throw e;
    return SKIP;
  }
}

/** Async guard: a deliberate rejection (not a crash) becomes SKIP. */
export async function guardAsync<T>(f: () => Promise<T>): Promise<T | typeof SKIP> {
  try {
    return await f();
  } catch (e) {
    if (isCrash(e)) throw e;
    return SKIP;
  }
}

${exportAccessSource(true)}

/**
 * A module's exports as its code sees them (\`__exportOwner\`), merged into one object whose
 * methods run with it as \`this\`: it holds what a CommonJS \`default\` holds as well.
 */
export function members<T extends object>(ns: T): T {
  const d = (ns as { default?: unknown }).default;
  const names = new Set([...(d !== null && (typeof d === 'object' || typeof d === 'function') ? Object.keys(d) : []), ...Object.keys(ns)]);
  return Object.fromEntries([...names].map((name) => [name, __exportOwner(ns, name)[name]])) as T;
}

/** Runs f for its effect only (no-crash oracle). */
export function call(f: () => unknown): void {
  guard(f);
}

/** No lone surrogate (String#isWellFormed, which older libs do not declare). */
export function wellFormed(s: unknown): boolean {
  return typeof s !== 'string' || !/[\\uD800-\\uDBFF](?![\\uDC00-\\uDFFF])|(?<![\\uD800-\\uDBFF])[\\uDC00-\\uDFFF]/.test(s);
}

export function near(a: unknown, b: number): boolean {
  return typeof a === 'number' && Math.abs(a - b) <= 1e-6 + 1e-9 * Math.abs(b);
}

export function hasNegative(v: unknown): boolean {
  if (typeof v === 'number') return v < 0;
  if (Array.isArray(v)) return v.some(hasNegative);
  if (v && typeof v === 'object') return Object.values(v).some(hasNegative);
  return false;
}

export function check<Ts extends unknown[]>(fn: string, oracle: string, arbs: { [K in keyof Ts]: fc.Arbitrary<Ts[K]> }, predicate: (...args: Ts) => boolean | void): void {
  report(fn, oracle, fc.check(fc.property(...(arbs as unknown as [fc.Arbitrary<unknown>]), predicate as unknown as (a: unknown) => boolean), { numRuns: NUM_RUNS, seed: SEED }));
}

export async function checkAsync<Ts extends unknown[]>(fn: string, oracle: string, arbs: { [K in keyof Ts]: fc.Arbitrary<Ts[K]> }, predicate: (...args: Ts) => Promise<boolean | void>): Promise<void> {
  report(fn, oracle, await fc.check(fc.asyncProperty(...(arbs as unknown as [fc.Arbitrary<unknown>]), predicate as unknown as (a: unknown) => Promise<boolean>), { numRuns: NUM_RUNS, seed: SEED }));
}

function report(fn: string, oracle: string, details: fc.RunDetails<unknown>): void {
  const error = details.errorInstance instanceof Error ? details.errorInstance.constructor.name + ': ' + details.errorInstance.message.split('\\n')[0] : details.errorInstance == null ? null : String(details.errorInstance);
  const result = { fn, oracle, failed: details.failed, numRuns: details.numRuns, counterexample: details.counterexample ? fc.stringify(details.counterexample) : null, shrinks: details.numShrinks, error };
  // base64url: test reporters escape comment text, this survives any of them.
  console.log('QE_RESULT ' + Buffer.from(JSON.stringify(result)).toString('base64url'));
  if (details.failed) assert.fail(fn + ' violates ' + oracle + ' for ' + result.counterexample + (error ? ' (' + error + ')' : ''));
}

/** Structural equality as the project's own assertions mean it (toEqual / deepEqual): undefined properties ignored. */
function looseEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  if (a instanceof Map || a instanceof Set || b instanceof Map || b instanceof Set) return looseEqual([...(a as Iterable<unknown>)], [...(b as Iterable<unknown>)]);
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => looseEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

function show(v: unknown): string {
  try {
    return fc.stringify(v);
  } catch {
    return String(v);
  }
}

/** One stated example: its code, where it is stated, and the value (or the throw) stated. */
export interface StatedExample {
  where: string;
  text: string;
  kind: 'equal' | 'throws';
  expected?: unknown;
  run: () => unknown;
}

/**
 * Runs every stated example and reports the first one the code disagrees with (a different value,
 * a throw where a value was stated, no throw where one was). Promise results are not judged.
 */
export async function checkExamples(fn: string, oracle: string, cases: StatedExample[]): Promise<void> {
  let ran = 0;
  let failure: { counterexample: string; error: string } | undefined;
  for (const c of cases) {
    let actual: unknown;
    let threw: unknown;
    let didThrow = false;
    try {
      actual = c.run();
    } catch (e) {
      threw = e;
      didThrow = true;
    }
    if (!didThrow && actual !== null && typeof actual === 'object' && typeof (actual as { then?: unknown }).then === 'function') continue;
    ran++;
    if (c.kind === 'throws') {
      if (!didThrow) failure = { counterexample: c.text + ' (' + c.where + ')', error: 'stated to throw, returned ' + show(actual) };
    } else if (didThrow) {
      failure = { counterexample: c.text + ' (' + c.where + ')', error: 'stated to return ' + show(c.expected) + ', threw ' + (threw instanceof Error ? threw.constructor.name + ': ' + threw.message.split('\\n')[0] : String(threw)) };
    } else if (!looseEqual(actual, c.expected)) {
      failure = { counterexample: c.text + ' (' + c.where + ')', error: 'stated to return ' + show(c.expected) + ', returned ' + show(actual) };
    }
    if (failure) break;
  }
  const result = { fn, oracle, failed: failure !== undefined, numRuns: ran, counterexample: failure?.counterexample ?? null, shrinks: 0, error: failure?.error ?? null };
  console.log('QE_RESULT ' + Buffer.from(JSON.stringify(result)).toString('base64url'));
  if (failure) assert.fail(fn + ' disagrees with ' + failure.counterexample + ': ' + failure.error);
}

function sameValue(a: unknown, b: unknown): boolean {
  try {
    assert.deepStrictEqual(a, b);
    return true;
  } catch {
    return false;
  }
}

/** What a failed round trip knows about its two sides. */
export interface RoundTripPair {
  write: (x: any) => unknown;
  read: (x: any) => unknown;
  writer: string;
  reader: string;
  writerExamples: Array<[unknown, unknown]>;
  readerExamples: Array<[unknown, unknown]>;
}

/**
 * read(write(x)) must give x. When it does not, the failure says which side the evidence points
 * at: a writer that breaks its own doc examples or writes two inputs alike (lossy), else a reader
 * that breaks its own examples or misreads a documented output of the writer, else the reader.
 */
export function roundTrip(pair: RoundTripPair, input: unknown): boolean {
  const encoded = guard(() => pair.write(input));
  if (encoded === SKIP) return true;
  let decoded: unknown;
  let threw: unknown;
  try {
    decoded = pair.read(encoded);
  } catch (e) {
    threw = e;
  }
  if (threw === undefined && sameValue(decoded, input)) return true;
  const got = threw === undefined ? show(decoded) : 'a throw (' + (threw instanceof Error ? threw.message.split('\\n')[0] : String(threw)) + ')';
  const trip = pair.reader + ' of ' + pair.writer + ' of ' + show(input) + ' (' + show(encoded) + ') gives ' + got;
  const fails = (f: (x: any) => unknown, x: unknown, y: unknown): boolean => {
    try {
      return !sameValue(f(x), y);
    } catch {
      return true;
    }
  };
  const blame = (side: 'writer' | 'reader', why: string): never => assert.fail(side + ' suspected (' + why + '): ' + trip);
  const badWrite = pair.writerExamples.find(([x, y]) => fails(pair.write, x, y));
  if (badWrite) blame('writer', pair.writer + ' breaks its doc example ' + show(badWrite[0]) + ' → ' + show(badWrite[1]));
  if (threw === undefined && !sameValue(decoded, input) && !fails(pair.write, decoded, encoded)) {
    blame('writer', pair.writer + ' writes ' + show(input) + ' and ' + show(decoded) + ' alike, so no reader can tell them apart');
  }
  const badRead = pair.readerExamples.find(([x, y]) => fails(pair.read, x, y));
  if (badRead) blame('reader', pair.reader + ' breaks its doc example ' + show(badRead[0]) + ' → ' + show(badRead[1]));
  const misread = pair.writerExamples.find(([x, y]) => fails(pair.read, y, x));
  if (misread) blame('reader', pair.reader + ' misreads ' + show(misread[1]) + ', which ' + pair.writer + ' documents for ' + show(misread[0]));
  return blame('reader', 'no doc example decides; writing back what ' + pair.reader + ' read does not give the text it read: it misreads it, or ' + pair.writer + ' writes an ambiguous form');
}

export { assert, fc };
`;
}

/**
 * Ambient declarations of the few Node APIs the generated tests use, so they type-check without
 * `@types/node` being installed anywhere near the target.
 */
export function nodeShimSource(): string {
  return `declare module 'node:test' {
  export function test(name: string, fn: () => void | Promise<void>): void;
}
declare module 'node:assert/strict' {
  const assert: { deepStrictEqual(actual: unknown, expected: unknown): void; fail(message: string): never };
  export default assert;
}
declare const process: { env: Record<string, string | undefined> };
declare const console: { log(...args: unknown[]): void };
declare const Buffer: { from(text: string): { toString(encoding: 'base64url'): string } };
declare const AbortSignal: { timeout(ms: number): unknown };
declare function fetch(
  url: string,
  init?: { method?: string; redirect?: string; signal?: unknown; body?: string; headers?: Record<string, string> },
): Promise<{ status: number; text(): Promise<string>; headers: { get(name: string): string | null } }>;
`;
}
