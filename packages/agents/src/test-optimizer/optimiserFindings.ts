import type { DefectKind, Finding, Severity } from '../kit/findings/Finding.js';
import { testKey } from './findRedundant.js';
import type { Redundancy } from './findRedundant.js';
import type { WeakByMutants } from './mutantFaults.js';
import type { TestSource } from './readTests.js';

const ID = 'test-optimizer';

/** Each own rule: the kind it reports, its severity and its precision estimate. */
export const TEST_OPTIMIZER_RULES: Record<string, { kind: DefectKind; severity: Severity; confidence: number; proves: string }> = {
  'redundant-test': { kind: 'redundant-test', severity: 'low', confidence: 0.85, proves: 'another passing test covers every line this one covers (per-test V8 coverage) and makes every assertion it makes' },
  'fails-alone': { kind: 'order-dependent-test', severity: 'medium', confidence: 0.85, proves: 'the test passes in the suite and fails three times in a row when run alone, and it uses state of its file that an earlier test uses' },
  'kills-no-mutant': { kind: 'weak-assertion', severity: 'medium', confidence: 0.8, proves: 'the test runs mutants of the code (StrykerJS, per-test coverage) and none of them makes it fail' },
  'truthy-only': { kind: 'weak-assertion', severity: 'medium', confidence: 0.75, proves: 'every assertion of the test only checks that a value exists or is truthy: no value is compared' },
};

/** What the analyses found, to become findings. */
export interface OptimiserResults {
  redundant: Redundancy[];
  orderDependent: Array<{ test: TestSource; runs: number; message: string; command: string }>;
  weak: Array<{ test: TestSource; mutants?: WeakByMutants }>;
  /** The suite's command, for evidence. */
  command: string;
}

/** Findings at `{ test, name }` locations with the evidence to act on. */
export function optimiserFindings(results: OptimiserResults): Finding[] {
  const out: Finding[] = [];
  const make = (rule: string, t: TestSource, message: string, evidence: string, verified?: string): Finding => {
    const r = TEST_OPTIMIZER_RULES[rule] as (typeof TEST_OPTIMIZER_RULES)[string];
    return { kind: r.kind, severity: r.severity, confidence: r.confidence, rule: `${ID}/${rule}`, location: { test: t.file, name: t.name }, message, evidence, ...(verified === undefined ? {} : { verified }) };
  };
  for (const r of results.redundant) {
    out.push(
      make(
        'redundant-test',
        r.test,
        `"${r.test.name}" (${r.test.file}:${r.test.line}) is subsumed by "${r.by.name}" (${r.by.file}:${r.by.line})${r.identical ? ': same lines, same assertions (keep one)' : ''}`,
        `covers ${r.lines} lines, all covered by ${testKey(r.by)}; assertions ${r.test.assertions.join('; ')} all in it`,
      ),
    );
  }
  for (const o of results.orderDependent) {
    out.push(make('fails-alone', o.test, `"${o.test.name}" (${o.test.file}:${o.test.line}) passes in the suite but fails alone (${o.runs} of ${o.runs} runs): it depends on ${o.test.shared.join(', ')} left by earlier tests`, `${o.command} → ${o.message || 'failed'}`, `run alone ${o.runs} times, it failed each time: ${o.command}`));
  }
  for (const { test: t, mutants } of results.weak) {
    if (mutants !== undefined && mutants.killed === 0) {
      out.push(make('kills-no-mutant', t, `"${t.name}" (${t.file}:${t.line}) runs ${mutants.covered} mutants and kills none of them`, `surviving: ${mutants.survivors.join('; ')}; assertions: ${t.assertions.join('; ') || 'none'}`, `StrykerJS ran ${mutants.covered} mutants through the test and it passed with each`));
    } else {
      const killed = mutants === undefined ? '' : `; kills ${mutants.killed} of the ${mutants.covered} mutants it runs (surviving: ${mutants.survivors.join('; ')})`;
      out.push(make('truthy-only', t, `"${t.name}" (${t.file}:${t.line}) asserts only that a value is truthy or defined${mutants === undefined ? '' : `, and kills ${mutants.killed} of ${mutants.covered} mutants`}`, `assertions: ${t.assertions.join('; ')}${killed}`));
    }
  }
  return out;
}
