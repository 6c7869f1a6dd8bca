import { AgentError } from './AgentError.js';
import type { AgentErrorCode } from './AgentError.js';
import type { AgentReport } from './AgentCore.js';
import type { CatalogueScore } from '../findings/Catalogue.js';
import type { Finding } from '../findings/Finding.js';

/** What a caller gets besides the learning signals: the findings, their score, and why a run failed. */
export interface AgentOutput {
  strategy: string;
  findings: Finding[];
  score?: CatalogueScore;
  errorCode?: AgentErrorCode;
  report?: AgentReport;
}

/** The TaskResult (facade contract) an agent hands to the learning layer; `output` is for humans. */
export interface AgentTaskResult {
  success: boolean;
  /** Milliseconds. */
  executionTime: number;
  errors: string[];
  /** 0..1, only where the agent measures coverage. */
  coverage?: number;
  /** 0..1; see `satisfactionOf`. */
  satisfaction: number;
  /** 0..1, higher is cheaper; see `resourceUsageOf`. */
  resourceUsage: number;
  output: AgentOutput;
}

/** Options of `toTaskResult`. */
export interface ToTaskResultOptions {
  /** The run time that counts as "half efficient" (default 30 000 ms). */
  timeBudgetMs?: number;
}

/** Satisfaction when there is no evidence either way (an uncatalogued target where nothing was found). */
export const NEUTRAL_SATISFACTION = 0.5;

/**
 * Satisfaction of a report, 0..1. On a catalogued target it is F1 of precision and recall against
 * the catalogue: both missing defects and crying wolf cost. On an uncatalogued target recall is
 * unknowable, so the proxy is the mean confidence of the findings (each rule's own estimate of its
 * precision), and NEUTRAL_SATISFACTION when there are none: "nothing found" is not proof of "clean".
 * An agent's own `measure` (0..1) scales either: a run that finds defects with a poor product
 * (invalid "valid" data, an order no better than random) is worth less.
 */
export function satisfactionOf(report: AgentReport): number {
  const scale = report.measure === undefined ? 1 : Math.min(1, Math.max(0, report.measure.value));
  if (report.score !== undefined) return report.score.f1 * scale;
  if (report.findings.length === 0) return NEUTRAL_SATISFACTION * scale;
  return (report.findings.reduce((sum, f) => sum + f.confidence, 0) / report.findings.length) * scale;
}

/** Efficiency 0..1 from wall time: budget / (budget + time), so 1 at 0 ms and 0.5 at the budget. */
export function resourceUsageOf(durationMs: number, timeBudgetMs = 30_000): number {
  return timeBudgetMs / (timeBudgetMs + Math.max(0, durationMs));
}

/** Maps a successful report to a TaskResult. */
export function toTaskResult(report: AgentReport, options: ToTaskResultOptions = {}): AgentTaskResult {
  return {
    success: true,
    executionTime: report.durationMs,
    errors: [],
    ...(report.coverage === undefined ? {} : { coverage: report.coverage }),
    satisfaction: satisfactionOf(report),
    resourceUsage: resourceUsageOf(report.durationMs, options.timeBudgetMs),
    output: {
      strategy: report.strategy,
      findings: report.findings,
      ...(report.score === undefined ? {} : { score: report.score }),
      report,
    },
  };
}

/** Maps a failure to a failed TaskResult: never "all clean", always a code and the reason. */
export function failedTaskResult(error: unknown, strategy: string, durationMs: number): AgentTaskResult {
  // An aborted run (the task's timeout) was cut short by the caller, not broken by the tool.
  const aborted = error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError');
  const agentError = AgentError.from(error, aborted ? 'ABORTED' : 'TOOL_FAILED');
  return {
    success: false,
    executionTime: durationMs,
    errors: [`${agentError.code}: ${agentError.message}`],
    satisfaction: 0,
    resourceUsage: 0,
    output: { strategy, findings: [], errorCode: agentError.code },
  };
}
