import type { SourceReader } from './fingerprintFindings.js';
import type { ReportedFinding } from './ReportedFinding.js';

/** The comment that suppresses one finding: `// qe-fleet-ignore <rule> <reason>` (also in block, `#` and HTML comments). */
const IGNORE = /(?:\/\/|\/\*|#|<!--)\s*qe-fleet-ignore\s+([^\s*]+)[ \t]*(.*?)\s*(?:\*\/|-->)?\s*$/;

/** Findings split by inline suppression comments. */
export interface SuppressionResult<F> {
  kept: F[];
  suppressed: F[];
}

/**
 * Applies inline suppressions: a `qe-fleet-ignore <rule> <reason>` comment on a finding's line or
 * the line before suppresses one finding whose rule (or kind) is `<rule>`. One comment silences
 * one finding, so a second defect of the same rule on the same spot is still reported; the
 * suppressed finding keeps `{ reason, line }` so reports can list it.
 */
export function applySuppressions<F extends ReportedFinding>(findings: readonly F[], read: SourceReader): SuppressionResult<F> {
  const used = new Set<string>();
  const kept: F[] = [];
  const suppressed: F[] = [];
  const lineOf = (f: F): number => ('file' in f.location ? f.location.line : 0);
  const sorted = [...findings].sort((a, b) => lineOf(a) - lineOf(b));
  for (const finding of sorted) {
    const location = finding.location;
    const source = 'file' in location ? read(location.file) : undefined;
    let hit: { reason: string; line: number } | undefined;
    if ('file' in location && source !== undefined) {
      const lines = source.split(/\r?\n/);
      // Its own line first: a trailing comment names the statement it ends.
      for (const line of [location.line, location.line - 1]) {
        const match = IGNORE.exec(lines[line - 1] ?? '');
        const key = `${location.file}:${line}`;
        if (match === null || used.has(key)) continue;
        if (match[1] !== finding.rule && match[1] !== finding.kind) continue;
        used.add(key);
        hit = { reason: match[2] === undefined || match[2] === '' ? 'no reason given' : match[2], line };
        break;
      }
    }
    if (hit === undefined) kept.push(finding);
    else suppressed.push({ ...finding, suppressed: hit });
  }
  const position = new Map(findings.map((f, i) => [f, i]));
  const byInput = (a: F, b: F): number => (position.get(a) ?? 0) - (position.get(b) ?? 0);
  return { kept: kept.sort(byInput), suppressed };
}
