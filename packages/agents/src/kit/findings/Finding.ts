/** Severity of a finding or a catalogued defect (CATALOGUE.md). */
export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';

/** The catalogue's `kind` vocabulary, exact strings (CATALOGUE.md). */
export const DEFECT_KINDS = [
  'logic-bug',
  'unawaited-promise',
  'prototype-pollution',
  'xss',
  'code-injection',
  'command-injection',
  'sql-injection',
  'nosql-injection',
  'path-traversal',
  'open-redirect',
  'redos',
  'insecure-deserialization',
  'security-misconfiguration',
  'hardcoded-secret',
  'vulnerable-dependency',
  'api-empty-body',
  'api-field-dropped',
  'api-schema-violation',
  'api-server-error',
  'perf-quadratic',
  'complexity',
  'duplication',
  'a11y-violation',
  'page-error',
  'broken-link',
  'visual-change',
  'flaky-test',
  'order-dependent-test',
  'redundant-test',
  'weak-assertion',
  'coverage-gap',
] as const;

/** One of `DEFECT_KINDS`. */
export type DefectKind = (typeof DEFECT_KINDS)[number];

/** Where a finding or defect is; the shapes of CATALOGUE.md. `file` paths are relative to the target, `/`-separated. */
export type FindingLocation =
  | { file: string; line: number; endLine?: number }
  | { route: string }
  | { page: string; selector?: string }
  | { package: string; version?: string }
  | { test: string; name?: string };

/** What an agent reports about one suspected defect. */
export interface Finding {
  kind: DefectKind;
  severity: Severity;
  location: FindingLocation;
  message: string;
  /** What the tool observed (a rule message, a response snippet, a matched range). */
  evidence: string;
  /** 0..1: how sure the rule is that this is a real defect. */
  confidence: number;
  /** The rule or check that produced it, e.g. `@typescript-eslint/no-floating-promises`. */
  rule?: string;
  /**
   * Other places the same defect is at (SARIF `relatedLocations`): the other copy of a duplicated
   * region. One defect with two places is one finding, not two.
   */
  relatedLocations?: FindingLocation[];
  /**
   * How the defect was reproduced, in words a user can repeat (the failing request, the generated
   * test and its counter-example, the mutant that survived, the error the page threw, the audit
   * advisory matched). Absent when the finding is a rule's inference that nothing ran to confirm:
   * a verified finding counts as a true one in `satisfactionOf`, an unverified one only by its
   * discounted confidence.
   */
  verified?: string;
}

/** True when the finding carries a reproduction (a non-empty `verified`). */
export function isVerified(finding: Finding): boolean {
  return typeof finding.verified === 'string' && finding.verified.trim() !== '';
}

/** True when `value` is one of the catalogue's kinds. */
export function isDefectKind(value: unknown): value is DefectKind {
  return typeof value === 'string' && (DEFECT_KINDS as readonly string[]).includes(value);
}

function locationKey(location: FindingLocation): string {
  if ('file' in location) return `file:${location.file}:${location.line}`;
  if ('route' in location) return `route:${location.route}`;
  if ('page' in location) return `page:${location.page}:${location.selector ?? ''}`;
  if ('package' in location) return `package:${location.package}@${location.version ?? ''}`;
  return `test:${location.test}:${location.name ?? ''}`;
}

/**
 * One finding per kind and place: when several rules report the same kind at the same spot, the
 * most confident finding stays and the others' rules are named in its evidence. Agents that run
 * overlapping checks (a type-aware rule and its syntactic stand-in, a plugin rule and an AST rule)
 * report a defect once.
 */
export function dedupeFindings(findings: readonly Finding[]): Finding[] {
  const byPlace = new Map<string, Finding>();
  for (const finding of findings) {
    const key = `${finding.kind}|${locationKey(finding.location)}`;
    const kept = byPlace.get(key);
    if (kept === undefined) {
      byPlace.set(key, finding);
      continue;
    }
    const [winner, other] = finding.confidence > kept.confidence ? [finding, kept] : [kept, finding];
    // A reproduction proves the defect whichever rule's wording stays.
    const verified = isVerified(winner) ? winner.verified : isVerified(other) ? other.verified : undefined;
    byPlace.set(key, { ...winner, evidence: `${winner.evidence} (also ${other.rule ?? 'another check'})`, ...(verified === undefined ? {} : { verified }) });
  }
  return [...byPlace.values()];
}
