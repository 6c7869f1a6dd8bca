import type { Finding } from '../kit/findings/Finding.js';
import type { ResponseProblem } from '../kit/openapi/responseProblems.js';
import { SUSPECT } from './planRoundTrips.js';
import type { OracleLevel, PlannedProperty, PropertySubject } from './plannedProperty.js';

/** One route test's outcome, as the generated test printed it. */
export interface RouteOutcome {
  route: string;
  request: string;
  invalid: string | null;
  status: number;
  problem: ResponseProblem | null;
}

/** One property's outcome, as the generated test printed it. */
export interface PropertyOutcome {
  fn: string;
  oracle: string;
  failed: boolean;
  numRuns: number;
  /** fast-check's shrunk counter-example (`fc.stringify`), when it failed. */
  counterexample: string | null;
  shrinks: number;
  error: string | null;
}

const CONFIDENCE: Record<OracleLevel, number> = { smoke: 0.7, invariants: 0.85, metamorphic: 0.75 };

/**
 * One finding per function with failing properties (several oracles failing usually share one
 * cause). A failed round trip goes to the side its test suspected (writer or reader) and names the
 * other one.
 */
export function propertyFindings(outcomes: PropertyOutcome[], planned: PlannedProperty[]): Finding[] {
  const bySubject = new Map<string, { fn: PropertySubject; failures: Array<{ outcome: PropertyOutcome; level: OracleLevel; note?: string }> }>();
  for (const outcome of outcomes) {
    if (!outcome.failed) continue;
    const plan = planned.find((p) => p.fn.name === outcome.fn && p.oracle === outcome.oracle);
    if (!plan) continue;
    let fn = plan.fn;
    let note: string | undefined;
    if (plan.roundTrip !== undefined) {
      const { writer, reader } = plan.roundTrip;
      const writerSuspected = SUSPECT.exec(outcome.error ?? '')?.[1] === 'writer';
      fn = writerSuspected ? writer : reader;
      const other = writerSuspected ? reader : writer;
      note = `the round trip with ${other.name} (${other.file}:${other.line}) fails; ${writerSuspected ? 'the writer' : 'the reader'} is suspected`;
    }
    const key = `${fn.file}\0${fn.name}`;
    const entry = bySubject.get(key) ?? { fn, failures: [] };
    entry.failures.push({ outcome, level: plan.level, ...(note === undefined ? {} : { note }) });
    bySubject.set(key, entry);
  }
  return [...bySubject.values()].map(({ fn, failures }): Finding => {
    const first = failures[0];
    const oracles = failures.map((f) => f.outcome.oracle);
    const notes = failures.flatMap((f) => (f.note === undefined ? [] : [f.note]));
    return {
      kind: 'logic-bug',
      severity: failures.some((f) => f.level !== 'smoke') ? 'high' : 'medium',
      location: { file: fn.file, line: fn.line, endLine: fn.endLine },
      message: `${fn.name} violates ${oracles.join(', ')}${notes.length > 0 ? ` (${notes.join('; ')})` : ''}`,
      evidence: failures.map((f) => `${f.outcome.oracle}: counterexample ${f.outcome.counterexample ?? '?'} (shrunk ${f.outcome.shrinks}x)${f.outcome.error ? ` ${f.outcome.error}` : ''}`).join('\n'),
      confidence: Math.max(...failures.map((f) => CONFIDENCE[f.level])) * (first?.outcome.counterexample ? 1 : 0.8),
      rule: `property:${oracles.join('+')}`,
      // A shrunk counter-example replays the failure; a property that failed without one did not show its input.
      ...(first?.outcome.counterexample ? { verified: `the generated property fails on ${first.outcome.counterexample}` } : {}),
    };
  });
}

/** One finding per kind and route among the failed route tests. */
export function routeFindings(outcomes: RouteOutcome[]): Finding[] {
  const out = new Map<string, Finding>();
  for (const o of outcomes) {
    if (o.problem === null || out.has(`${o.problem.kind} ${o.route}`)) continue;
    out.set(`${o.problem.kind} ${o.route}`, {
      kind: o.problem.kind,
      severity: o.problem.kind === 'api-server-error' ? 'high' : 'medium',
      location: { route: o.route },
      message: `${o.request} ${o.problem.message}${o.invalid ? ` (to an invalid request: ${o.invalid})` : ''}`,
      evidence: `generated request test: ${o.request} → ${o.status}`,
      confidence: o.problem.confidence,
      rule: `route-test:${o.problem.kind}`,
      verified: `the running service answered ${o.request} with ${o.status}`,
    });
  }
  return [...out.values()];
}
