import type { DefectKind, Finding, Severity } from '../kit/findings/Finding.js';
import type { CallOutcome } from './probeFunctions.js';
import type { RequestOutcome } from './probeApi.js';

const ID = 'test-data-generator';

/** Each own rule: the kind it reports, its severity and its precision estimate. */
export const TEST_DATA_RULES: Record<string, { kind: DefectKind; severity: Severity; confidence: number; proves: string }> = {
  'server-error': { kind: 'api-server-error', severity: 'high', confidence: 0.9, proves: 'a generated request (valid or invalid) answered 5xx' },
  'valid-rejected': { kind: 'api-schema-violation', severity: 'medium', confidence: 0.7, proves: 'a request ajv confirmed valid against the documented schema answered 4xx' },
  'invalid-accepted': { kind: 'api-schema-violation', severity: 'medium', confidence: 0.6, proves: 'a request breaking exactly one documented constraint answered 2xx' },
  crash: { kind: 'logic-bug', severity: 'high', confidence: 0.75, proves: 'a type-valid argument list made the function fail inside the engine (TypeError on undefined, ReferenceError, stack overflow)' },
  'doc-example': { kind: 'logic-bug', severity: 'medium', confidence: 0.9, proves: 'the function returns something else than its doc comment states for that input' },
  'doc-boundary': { kind: 'logic-bug', severity: 'medium', confidence: 0.85, proves: 'at a documented bound the function behaves like the other side of the bound' },
  nan: { kind: 'logic-bug', severity: 'medium', confidence: 0.6, proves: 'a numeric function returned NaN for finite numbers' },
};

/**
 * One finding per route and rule, and per function and rule, with the first offending record as
 * evidence (the request or the call to reproduce it) and how many records showed it.
 */
export function dataFindings(requests: readonly RequestOutcome[], calls: readonly CallOutcome[]): Finding[] {
  const out: Finding[] = [];
  const byRoute = new Map<string, RequestOutcome[]>();
  for (const r of requests) {
    if (r.verdict === 'as-expected' || r.verdict === 'inconclusive') continue;
    const key = `${r.route}\u0000${r.verdict}`;
    byRoute.set(key, [...(byRoute.get(key) ?? []), r]);
  }
  for (const group of byRoute.values()) {
    const first = group[0] as RequestOutcome;
    const rule = TEST_DATA_RULES[first.verdict] ?? TEST_DATA_RULES['server-error'];
    const sent = requests.filter((r) => r.route === first.route && (first.verdict === 'invalid-accepted' ? r.record.kind === 'invalid' : first.verdict === 'valid-rejected' ? r.record.kind !== 'invalid' : true)).length;
    const what = first.verdict === 'server-error' ? `answers ${[...new Set(group.map((g) => g.status))].join('/')} to` : first.verdict === 'valid-rejected' ? 'rejects' : 'accepts';
    const records = first.verdict === 'invalid-accepted' ? 'invalid records' : first.verdict === 'valid-rejected' ? 'schema-valid records' : 'generated records';
    const claims = [...new Set(group.map((g) => g.record.claim?.reason ?? g.record.note))].slice(0, 6);
    out.push({
      kind: rule?.kind ?? 'api-server-error',
      severity: rule?.severity ?? 'high',
      confidence: rule?.confidence ?? 0.9,
      rule: `${ID}/${first.verdict}`,
      location: { route: first.route },
      verified: `the running service answered ${first.request} with ${first.status}`,
      message: `${first.route} ${what} ${group.length} of ${sent} ${records} (${claims.join('; ')})`,
      evidence: `${first.request}${first.body === undefined ? '' : ` body ${truncate(first.body, 400)}`} → ${first.status} ${truncate(first.response, 200)}${first.record.claim ? ` [breaks only: ${first.record.claim.keyword} at ${first.record.claim.path || '/'} (${first.record.claim.reason})]` : ` [${first.record.kind}: ${first.record.note}]`}`,
    });
  }
  const byFn = new Map<string, CallOutcome[]>();
  for (const c of calls) {
    if (c.verdict === 'as-expected') continue;
    const key = `${c.file}#${c.fn}\u0000${c.verdict}`;
    byFn.set(key, [...(byFn.get(key) ?? []), c]);
  }
  for (const group of byFn.values()) {
    const first = group[0] as CallOutcome;
    const rule = TEST_DATA_RULES[first.verdict];
    if (rule === undefined) continue;
    const total = calls.filter((c) => c.file === first.file && c.fn === first.fn).length;
    out.push({
      kind: rule.kind,
      severity: rule.severity,
      confidence: rule.confidence,
      rule: `${ID}/${first.verdict}`,
      location: { file: first.file, line: first.line },
      verified: `called ${first.call}${first.detail ? `: ${first.detail}` : ''}`,
      message: `${first.fn} (${first.file}:${first.line}): ${first.detail ?? first.verdict} (${group.length} of ${total} generated calls)`,
      evidence: `${first.call} [${first.record.note}]${first.detail ? ` → ${first.detail}` : ''}`,
    });
  }
  return out;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}
