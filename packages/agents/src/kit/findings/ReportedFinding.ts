import type { SkippedSurface } from '../agent/AgentCore.js';
import type { Finding, FindingLocation, Severity } from './Finding.js';

/** Severities from the most to the least serious: the order findings are shown in. */
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

/** Where a finding stands against the baseline: absent when the target has no baseline. */
export type BaselineStatus = 'new' | 'existing';

/** A finding as the fleet reports it: which agent found it, its stable fingerprint, and its marks. */
export interface ReportedFinding extends Finding {
  agent: string;
  /** Stable across line moves (see `fingerprintFindings`); the baseline and SARIF key. */
  fingerprint: string;
  /** Present when a baseline was compared. */
  baseline?: BaselineStatus;
  /**
   * Present when it is suppressed: by an inline `qe-fleet-ignore` comment (`line` is the
   * comment's), or by a user's triage verdict `false` / `wontfix` (`triage`; SARIF `external`).
   */
  suppressed?: { reason: string; line: number } | TriageSuppression;
}

/** A verdict a user gave a finding (`qe-fleet triage`): confirmed, a false positive, or not to be fixed. */
export type TriageVerdictValue = 'true' | 'false' | 'wontfix';

/** How a triage verdict suppresses a finding in later runs (only `false` and `wontfix` do). */
export interface TriageSuppression {
  reason: string;
  triage: Exclude<TriageVerdictValue, 'true'>;
}

/** How one agent's run ended, as reports list it. */
export interface AgentOutcome {
  agent: string;
  /** The strategy that ran; null when the agent did not run. */
  strategy: string | null;
  status: 'ok' | 'failed' | 'not-applicable';
  /** Why it failed or does not apply. */
  reason?: string;
  /** Surfaces the strategy could not examine, with the reason. */
  skipped?: SkippedSurface[];
}

/** A finding recorded in a baseline: enough to list it as fixed later. */
export interface BaselineEntry {
  fingerprint: string;
  agent: string;
  rule: string;
  kind: Finding['kind'];
  severity: Severity;
  location: FindingLocation;
  message: string;
}

/** Everything the formatters render: one run of the fleet on one target. */
export interface FindingsReport {
  tool: { name: string; version: string; informationUri?: string };
  /** Absolute path of the target folder. */
  target: string;
  /** ISO time of the run. */
  generatedAt: string;
  agents: AgentOutcome[];
  /** Active findings (not suppressed), most severe first. */
  findings: ReportedFinding[];
  /** Findings an inline comment or a triage verdict (`false`, `wontfix`) suppressed. */
  suppressed: ReportedFinding[];
  /** Baseline findings no agent that ran reports any more; empty without a baseline. */
  fixed: BaselineEntry[];
  /** The baseline compared against, or null. */
  baseline: { path: string; savedAt: string } | null;
}

/** Rank of a severity: 4 for critical down to 0 for info. */
export function severityRank(severity: Severity): number {
  return SEVERITIES.length - 1 - SEVERITIES.indexOf(severity);
}

/** `file:line` (or `file:line-end`), the route, the page (and selector), `package@version` or the test. */
export function locationLabel(location: FindingLocation): string {
  if ('file' in location) return `${location.file}:${location.line}${location.endLine !== undefined && location.endLine !== location.line ? `-${location.endLine}` : ''}`;
  if ('route' in location) return location.route;
  if ('page' in location) return location.selector === undefined ? location.page : `${location.page} ${location.selector}`;
  if ('package' in location) return location.version === undefined ? location.package : `${location.package}@${location.version}`;
  return location.name === undefined ? location.test : `${location.test} › ${location.name}`;
}

/** The rule a finding is reported under: its `rule`, else its kind. */
export function ruleOf(finding: Finding): string {
  return finding.rule ?? finding.kind;
}

/**
 * Most severe first; within a severity, new findings before those the baseline knows (what a
 * reviewer must look at comes first, also when `--max-findings` cuts the list); then by place and
 * rule, so every format lists findings in one order.
 */
export function compareFindings(a: ReportedFinding, b: ReportedFinding): number {
  const known = (f: ReportedFinding): number => (f.baseline === 'existing' ? 1 : 0);
  return (
    severityRank(b.severity) - severityRank(a.severity) ||
    known(a) - known(b) ||
    locationLabel(a.location).localeCompare(locationLabel(b.location), 'en', { numeric: true }) ||
    ruleOf(a).localeCompare(ruleOf(b)) ||
    a.agent.localeCompare(b.agent)
  );
}

/** Counts by severity (every severity present, 0 when none). */
export function countBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
  for (const f of findings) counts[f.severity] += 1;
  return counts;
}
