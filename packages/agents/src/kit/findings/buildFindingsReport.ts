import { join } from 'node:path';
import { applySuppressions } from './applySuppressions.js';
import { type BaselineFile, BASELINE_PATH, compareWithBaseline } from './Baseline.js';
import type { Finding } from './Finding.js';
import { fingerprintFindings, type SourceReader, sourceReader } from './fingerprintFindings.js';
import { type AgentOutcome, compareFindings, type FindingsReport, type ReportedFinding, type TriageSuppression } from './ReportedFinding.js';

/** One agent's run as the report builder takes it: its outcome and, when it ran, its findings. */
export interface AgentFindings extends AgentOutcome {
  findings: readonly Finding[];
}

/** Options of `buildFindingsReport`. */
export interface BuildFindingsReportOptions {
  /** Absolute target folder. */
  target: string;
  agents: readonly AgentFindings[];
  /** The target's baseline, when it has one. */
  baseline?: BaselineFile;
  tool?: FindingsReport['tool'];
  now?: Date;
  /** Default: reads files under `target`. */
  read?: SourceReader;
  /**
   * Users' triage suppressions by fingerprint (`qe-fleet triage` verdicts `false` and `wontfix`):
   * those findings are reported as suppressed, like an inline comment's.
   */
  triaged?: ReadonlyMap<string, TriageSuppression>;
}

const DEFAULT_TOOL: FindingsReport['tool'] = { name: 'qe-fleet', version: '0.1.0' };

/**
 * The one path from agents' findings to a report: fingerprint (stable across line moves), apply
 * inline `qe-fleet-ignore` suppressions and users' triage verdicts, mark new/existing against the baseline and list the
 * fixed ones, sort most severe first. Every formatter renders its result.
 */
export function buildFindingsReport(options: BuildFindingsReportOptions): FindingsReport {
  const read = options.read ?? sourceReader(options.target);
  const raw = options.agents.flatMap((a) => a.findings.map((f) => ({ ...f, agent: a.agent })));
  const fingerprinted: ReportedFinding[] = fingerprintFindings(raw, read);
  const inline = applySuppressions(fingerprinted, read);
  // An inline comment wins: it travels with the code, a verdict with this user's database.
  const triaged = options.triaged;
  const kept = triaged === undefined ? inline.kept : inline.kept.filter((f) => !triaged.has(f.fingerprint));
  const suppressed = triaged === undefined ? inline.suppressed : [...inline.suppressed, ...inline.kept.filter((f) => triaged.has(f.fingerprint)).map((f) => ({ ...f, suppressed: triaged.get(f.fingerprint)! }))];
  let findings: ReportedFinding[] = kept;
  let marked: ReportedFinding[] = suppressed;
  let fixed: FindingsReport['fixed'] = [];
  if (options.baseline !== undefined) {
    const ranAgents = options.agents.filter((a) => a.status === 'ok').map((a) => a.agent);
    const compared = compareWithBaseline([...kept, ...suppressed], options.baseline, { ranAgents });
    findings = compared.findings.slice(0, kept.length);
    marked = compared.findings.slice(kept.length);
    fixed = compared.fixed;
  }
  return {
    tool: options.tool ?? DEFAULT_TOOL,
    target: options.target,
    generatedAt: (options.now ?? new Date()).toISOString(),
    agents: options.agents.map(({ findings: _findings, ...outcome }) => outcome),
    findings: findings.sort(compareFindings),
    suppressed: marked.sort(compareFindings),
    fixed,
    baseline: options.baseline === undefined ? null : { path: join(options.target, BASELINE_PATH), savedAt: options.baseline.savedAt },
  };
}
