import { describe, expect, it } from 'vitest';
import { buildFindingsReport, dedupeFindings, formatFindings, formatJunit, formatMarkdown, formatSarif, formatTable, isVerified, satisfactionOf } from '@qe-fleet/agents';
import type { AgentReport, Finding } from '@qe-fleet/agents';

const finding = (extra: Partial<Finding> = {}): Finding => ({
  kind: 'api-server-error',
  severity: 'high',
  location: { route: 'POST /pets' },
  message: 'answered 500',
  evidence: 'POST /pets {"name":""} → 500',
  confidence: 0.95,
  rule: 'integration-tester/response-problem',
  ...extra,
});
const verified = (i: number): Finding => finding({ location: { route: `GET /r${i}` }, verified: `curl -X GET http://127.0.0.1/r${i} answered 500` });
const report = (findings: Finding[], extra: Partial<AgentReport> = {}): AgentReport => ({ agentId: 'fake', strategy: 's', target: '/t', findings, durationMs: 1_000, notes: [], ...extra });

describe('satisfactionOf on an uncatalogued target', () => {
  it('one confident unverified finding scores below three verified ones (mean confidence ranked them the other way)', () => {
    const one = satisfactionOf(report([finding({ confidence: 1 })], { coverage: 1 }));
    const three = satisfactionOf(report([verified(1), verified(2), finding({ location: { route: 'GET /r3' }, confidence: 0.6, verified: 'a failing generated test: f(-1) threw' })], { coverage: 1 }));
    expect(three).toBeGreaterThan(one + 0.3);
    expect(three).toBeGreaterThan(0.95);
    expect(one).toBeLessThan(0.65);
  });

  it('a run that examined nothing does not score like a thorough clean one, and neither is a confident 1.0', () => {
    const idle = satisfactionOf(report([], { coverage: 0 }));
    const thorough = satisfactionOf(report([], { coverage: 1 }));
    expect(idle).toBe(0);
    expect(thorough).toBe(0.5);
    expect(satisfactionOf(report([], { coverage: 0.2 }))).toBeCloseTo(0.1, 10);
    // Unmeasured coverage is half: dropping the coverage figure never pays.
    expect(satisfactionOf(report([]))).toBe(0.25);
  });

  it('verification, not the confidence a rule claims, moves the score; findings never cost the examined base', () => {
    const guess = satisfactionOf(report([finding({ confidence: 0.9 })], { coverage: 0.8 }));
    const proof = satisfactionOf(report([finding({ confidence: 0.5, verified: 'the page threw TypeError on load' })], { coverage: 0.8 }));
    expect(proof).toBeGreaterThan(guess);
    expect(guess).toBeGreaterThanOrEqual(satisfactionOf(report([], { coverage: 0.8 })));
    // A noisy list earns little over the base: ten 0.3-confidence guesses stay well below one proof.
    const noise = satisfactionOf(report(Array.from({ length: 10 }, (_, i) => finding({ location: { route: `GET /n${i}` }, confidence: 0.3 })), { coverage: 0.8 }));
    expect(noise).toBeLessThan(proof - 0.2);
    // Exact formula: b = 0.5·c, E = Σ t, satisfaction = b + (1 − b)(1 − e^−E)(E / n).
    const b = 0.5 * 0.8;
    expect(proof).toBeCloseTo(b + (1 - b) * (1 - Math.exp(-1)), 10);
  });

  it('a blank reproduction is not one, the measure still scales, and the catalogue still wins', () => {
    expect(isVerified(finding({ verified: '  ' }))).toBe(false);
    expect(satisfactionOf(report([finding({ verified: '' })], { coverage: 1 }))).toBe(satisfactionOf(report([finding()], { coverage: 1 })));
    const full = satisfactionOf(report([verified(1)], { coverage: 1 }));
    expect(satisfactionOf(report([verified(1)], { coverage: 1, measure: { name: 'APFD', value: 0.5 } }))).toBeCloseTo(full * 0.5, 10);
    const score = { agentId: 'fake', precision: 0.5, recall: 1 / 3, f1: 0.4, findings: 2, matchedFindings: 1, falsePositives: [], found: ['d1'], missed: [] };
    expect(satisfactionOf(report([verified(1)], { coverage: 1, score }))).toBeCloseTo(0.4, 10);
  });
});

describe('the reproduction in every output format', () => {
  const proof = 'POST http://127.0.0.1:3000/pets {"name":""} answered 500';
  const built = buildFindingsReport({ target: '/tmp/p', agents: [{ agent: 'integration-tester', strategy: 's', status: 'ok', findings: [finding({ verified: proof }), finding({ location: { route: 'GET /x' } })] }] });

  it('dedupe keeps the reproduction whichever rule wins', () => {
    const [kept] = dedupeFindings([finding({ confidence: 0.6, verified: proof, rule: 'a' }), finding({ confidence: 0.9, rule: 'b' })]);
    expect(kept).toMatchObject({ rule: 'b', verified: proof });
    expect(dedupeFindings([finding({ rule: 'a' }), finding({ rule: 'b', confidence: 0.5 })])[0]).not.toHaveProperty('verified');
  });

  it('SARIF puts it in the result properties, JSON as is, and the table, JUnit and Markdown show it', () => {
    const results = formatSarif(built).runs[0]!.results ?? [];
    expect(results.map((r) => r.properties?.['verified']).sort()).toEqual([proof, undefined]);
    const json = JSON.parse(formatFindings(built, 'json')) as { findings: Array<{ verified?: string }> };
    expect(json.findings.map((f) => f.verified).sort()).toEqual([proof, undefined]);
    expect(formatTable(built)).toContain(`verified: ${proof}`);
    expect(formatTable(built).match(/verified:/g)).toHaveLength(1);
    expect(formatJunit(built)).toContain(`verified: POST http://127.0.0.1:3000/pets {&quot;name&quot;:&quot;&quot;} answered 500`);
    expect(formatMarkdown(built)).toContain(`(verified: ${proof})`);
  });
});
