import { isDeepStrictEqual } from 'node:util';
import type { ProbeOutcome } from '../kit/probe/CaseProbe.js';
import type { TestAssertion } from '../kit/testfile/TestCase.js';
import type { TypeShape } from '../kit/typescript/extractExports.js';
import type { UnitCase } from './planUnitCases.js';

/** An oracle that a case's outcome violates: a likely defect, with what was expected. */
export interface Violation {
  /** Own rule id (without the agent prefix). */
  rule: 'crash-on-valid-input' | 'nan-result' | 'undefined-result' | 'doc-example' | 'rounding' | 'doc-boundary' | 'add-accumulates' | 'doc-non-negative';
  /** The rule's precision estimate. */
  confidence: number;
  severity: 'high' | 'medium';
  /** What should have happened, for people. */
  expected: string;
  /** The assertion a test exposing the defect makes (fails on the current code). */
  assertion: TestAssertion;
}

/** What the case becomes: a characterisation test, a defect-exposing test, or nothing. */
export type Verdict =
  | { kind: 'characterise'; assertion: TestAssertion }
  | { kind: 'defect'; violation: Violation }
  | { kind: 'discard'; reason: string };

const round = (x: number, k: number): number => Math.round(x * 10 ** k) / 10 ** k;
const expectedOf = (x: number): number[] => Array.from({ length: 7 }, (_, k) => round(x, k));

/**
 * Judges one probed case: oracles first (a violated doc example, a rounding that is not to any
 * number of decimals, a documented bound on the wrong side, a repeat that does not accumulate, a
 * TypeError on valid-by-type input, NaN or undefined where the type promises a number or string,
 * a negative result the doc rules out); otherwise the observed value or error becomes the
 * assertion of a characterisation (regression) test.
 */
export function judgeOutcome(c: UnitCase, o: ProbeOutcome): Verdict {
  if (o.status === 'timeout') return { kind: 'discard', reason: 'timed out' };
  if (o.status === 'not-run') return { kind: 'discard', reason: 'not run (an earlier case hung)' };
  if (o.varies === true) return { kind: 'discard', reason: 'another result when run again (random or time-dependent)' };
  const act = c.awaitAct ? `await ${c.act}` : c.act;
  const validInputs = c.args.every((a) => a.finite);
  if (o.status === 'threw') {
    const e = o.error;
    // The global fetch failing to connect (undici's TypeError "fetch failed") is the network's answer,
    // not the code's: neither a crash nor something a regression test can pin.
    if (e?.name === 'TypeError' && e.message === 'fetch failed') return { kind: 'discard', reason: 'needs the network (fetch failed)' };
    // An engine crash is thrown at the target's own line; a TypeError raised first inside Node's own
    // modules (`fetch('')`, `new URL('x')`, `Buffer.from(1)`) is the platform refusing an argument on purpose.
    const firstFrame = e?.stack.split('\n').find((l) => /^\s+at /.test(l)) ?? '';
    const platform = /\(node:|at node:/.test(firstFrame);
    const native = e !== undefined && (e.name === 'TypeError' || e.name === 'ReferenceError') && !o.deliberate && !platform && !/eval at|<anonymous>/.test(e.stack.split('\n')[0] ?? '');
    if (native && validInputs && c.oracle?.kind !== 'doc-example') {
      return defect('crash-on-valid-input', 0.7, 'high', `no ${e.name} on input valid by its type (got "${e.message}")`, { kind: 'ok', value: `(${act}, true)` });
    }
    if (c.oracle?.kind === 'doc-example') {
      return defect('doc-example', 0.9, 'high', `${c.oracle.expected} (the doc comment's example), got ${e?.name}: ${e?.message}`, { kind: 'deepEqual', actual: act, expectedCode: c.oracle.expected });
    }
    return { kind: 'characterise', assertion: { kind: 'throws', call: c.act } };
  }
  const value = o.raw;
  if (c.oracle?.kind === 'doc-example') {
    if (!isDeepStrictEqual(value, o.observed)) return defect('doc-example', 0.9, 'high', `${c.oracle.expected} (the doc comment's example), got ${o.literal ?? String(value)}`, { kind: 'deepEqual', actual: act, expectedCode: c.oracle.expected });
  }
  if (c.oracle?.kind === 'doc-boundary' && Array.isArray(value) && value.length === 3) {
    const [below, at, above] = value as unknown[];
    const wrong = c.oracle.side === 'upper' ? isDeepStrictEqual(at, below) && !isDeepStrictEqual(at, above) : isDeepStrictEqual(at, above) && !isDeepStrictEqual(at, below);
    if (wrong) {
      const partner = c.oracle.side === 'upper' ? 'value + 1' : 'value - 1';
      return defect('doc-boundary', 0.8, 'medium', `at ${c.oracle.constant} = ${c.oracle.value} the same result as at ${partner} (the doc puts ${c.oracle.constant} itself on the ${c.oracle.side === 'upper' ? 'upper' : 'lower'} side), got ${o.literal}`, {
        kind: 'ok',
        value: `((r) => JSON.stringify(r[1]) === JSON.stringify(r[${c.oracle.side === 'upper' ? 2 : 0}]))(${c.act})`,
      });
    }
  }
  if (c.oracle?.kind === 'accumulates' && typeof value === 'number' && value !== c.oracle.added) {
    return defect('add-accumulates', 0.75, 'high', `adding the same key twice (2 then 3) raises the count by ${c.oracle.added}, got ${value}`, { kind: 'deepEqual', actual: act, expectedCode: String(c.oracle.added) });
  }
  const numeric = c.args.map((a) => Number(a.code));
  if (/round/i.test(c.subject.name) && typeof value === 'number' && isNumberShape(c.subject.returns) && c.args.length >= 1 && Number.isFinite(numeric[0]) && !Number.isInteger(numeric[0])) {
    const x = numeric[0]!;
    const digits = c.args.length > 1 && Number.isInteger(numeric[1]) ? [round(x, numeric[1]!)] : expectedOf(x);
    if (!digits.some((d) => Math.abs(d - value) < 1e-9)) {
      return defect('rounding', 0.85, 'high', `${x} rounded to some number of decimals (one of ${[...new Set(digits)].join(', ')}), got ${value}`, { kind: 'ok', value: `[${[...new Set(digits)].join(', ')}].includes(${act})` });
    }
  }
  const nan = isTagged(value, '$number', 'NaN');
  if (nan && isNumberShape(c.subject.returns) && validInputs) {
    return defect('nan-result', 0.8, 'medium', `a number for finite inputs, got NaN`, { kind: 'ok', value: `!Number.isNaN(${act})` });
  }
  if (isTagged(value, '$undefined', true) && promisesValue(c.subject.returns) && validInputs) {
    return defect('undefined-result', 0.7, 'medium', `a ${c.subject.returns.kind} as its type says, got undefined`, { kind: 'ok', value: `(${act}) !== undefined` });
  }
  if (typeof value === 'number' && value < 0 && /never negative|non-?negative|not negative|at least 0\b/i.test(c.subject.doc) && c.args.every((a) => a.finite && a.nonNegative)) {
    return defect('doc-non-negative', 0.85, 'high', `a result that is never negative (the doc comment says so), got ${value}`, { kind: 'ok', value: `${act} >= 0` });
  }
  if (o.literal === undefined) return { kind: 'discard', reason: `the value (${o.type}) cannot be written as a literal` };
  return { kind: 'characterise', assertion: { kind: 'deepEqual', actual: act, expectedCode: o.literal } };
}

function defect(rule: Violation['rule'], confidence: number, severity: Violation['severity'], expected: string, assertion: TestAssertion): Verdict {
  return { kind: 'defect', violation: { rule, confidence, severity, expected, assertion } };
}

function isTagged(value: unknown, tag: string, expected: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as Record<string, unknown>)[tag] === expected;
}

function isNumberShape(shape: TypeShape): boolean {
  return shape.kind === 'number';
}

/** A return type that cannot be undefined (a number, string or boolean). */
function promisesValue(shape: TypeShape): boolean {
  return shape.kind === 'number' || shape.kind === 'string' || shape.kind === 'boolean';
}
