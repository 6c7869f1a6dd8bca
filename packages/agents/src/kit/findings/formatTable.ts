import { countBySeverity, type FindingsReport, locationLabel, ruleOf, SEVERITIES } from './ReportedFinding.js';
import { isVerified } from './Finding.js';

/** Options of `formatTable`. */
export interface FormatTableOptions {
  /** Findings shown at most (the most severe first); the rest are counted. Default: all. */
  maxFindings?: number;
  /** Longest evidence shown before it is cut. Default 160 characters. */
  maxEvidence?: number;
}

const clip = (text: string, max: number): string => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

/**
 * The findings as plain text for a terminal, grouped by severity: per finding its place
 * (`file:line`, route, page, package), rule, baseline mark and agent, then the message and the
 * evidence (as the agent masked it). Then the suppressed and fixed findings.
 */
export function formatTable(report: FindingsReport, options: FormatTableOptions = {}): string {
  const max = options.maxFindings ?? Number.POSITIVE_INFINITY;
  const maxEvidence = options.maxEvidence ?? 160;
  const counts = countBySeverity(report.findings);
  const triaged = report.suppressed.filter((f) => f.suppressed !== undefined && 'triage' in f.suppressed).length;
  const marks =
    report.baseline === null
      ? ''
      : ` · ${report.findings.filter((f) => f.baseline === 'new').length} new, ${report.findings.filter((f) => f.baseline === 'existing').length} existing, ${report.fixed.length} fixed (baseline of ${report.baseline.savedAt})`;
  const lines = [
    `findings: ${report.findings.length}${report.findings.length === 0 ? '' : ` (${SEVERITIES.filter((s) => counts[s] > 0).map((s) => `${s} ${counts[s]}`).join(', ')})`}${marks}${report.suppressed.length > 0 ? ` · ${report.suppressed.length} suppressed${triaged > 0 ? ` (${triaged} by triage)` : ''}` : ''}`,
  ];
  let shown = 0;
  for (const severity of SEVERITIES) {
    const group = report.findings.filter((f) => f.severity === severity);
    if (group.length === 0 || shown >= max) continue;
    lines.push('', `${severity.toUpperCase()} (${group.length})`);
    for (const f of group) {
      if (shown >= max) break;
      shown++;
      const mark = f.baseline === undefined ? '' : `  [${f.baseline}]`;
      lines.push(`  ${locationLabel(f.location)}  ${ruleOf(f)}${mark}  (${f.agent})`, `      ${clip(f.message, 200)}`);
      if (f.evidence !== '' && f.evidence !== f.message) lines.push(`      evidence: ${clip(f.evidence, maxEvidence)}`);
      if (isVerified(f)) lines.push(`      verified: ${clip(f.verified!, maxEvidence)}`);
    }
  }
  if (shown < report.findings.length) lines.push('', `… ${report.findings.length - shown} more not shown (--max-findings ${options.maxFindings}; --format json lists every finding)`);
  if (report.suppressed.length > 0) {
    lines.push('', `suppressed (${report.suppressed.length}):`);
    for (const f of report.suppressed) lines.push(`  ${locationLabel(f.location)}  ${ruleOf(f)}  (${f.agent}): ${f.suppressed?.reason ?? ''}`);
  }
  if (report.fixed.length > 0) {
    lines.push('', `fixed since the baseline (${report.fixed.length}):`);
    for (const e of report.fixed) lines.push(`  ${locationLabel(e.location)}  ${e.rule}  (${e.agent})`);
  }
  return lines.join('\n');
}
