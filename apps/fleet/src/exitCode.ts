import { type FindingsReport, type Severity, severityRank } from '@qe-fleet/agents/host';
import { EXIT_CODES } from './FleetError.js';

/** What decides a run's exit code. */
export interface ExitCodeInput {
  interrupted: boolean;
  report: FindingsReport;
  failOn: Severity | 'none';
  /** `--allow-failed`: an agent that failed to run does not give exit 4. */
  allowFailed: boolean;
}

/**
 * The exit code a CI can trust: 130 interrupted; 4 when an agent that applies to the target failed
 * to run (its findings are missing, so "clean" cannot be claimed), unless allowed; 1 when a finding
 * at or above `failOn` is new (with a baseline, known findings do not count; suppressed ones never
 * do); else 0. Not-applicable agents do not count.
 */
export function runExitCode(input: ExitCodeInput): number {
  if (input.interrupted) return EXIT_CODES.INTERRUPTED;
  if (!input.allowFailed && input.report.agents.some((a) => a.status === 'failed')) return EXIT_CODES.AGENT_FAILED;
  if (input.failOn !== 'none') {
    const threshold = severityRank(input.failOn);
    const counted = input.report.findings.filter((f) => f.baseline !== 'existing');
    if (counted.some((f) => severityRank(f.severity) >= threshold)) return EXIT_CODES.FINDINGS;
  }
  return EXIT_CODES.OK;
}
