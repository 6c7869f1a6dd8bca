import { AgentError } from './AgentError.js';
import type { AgentErrorCode } from './AgentError.js';
import type { AgentReport } from './AgentCore.js';
import type { CatalogueScore } from '../findings/Catalogue.js';
import { type Finding, isVerified } from '../findings/Finding.js';

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

/**
 * Satisfaction of a thorough run that found nothing: neutral, since "nothing found" is not proof of
 * "clean". A run earns at most this much from what it examined alone.
 */
export const NEUTRAL_SATISFACTION = 0.5;

/**
 * How much of its confidence an unverified finding counts as a true one: a rule's confidence is its
 * own precision estimate, measured elsewhere if at all; until the run reproduces the defect half of
 * it is believed.
 */
export const UNVERIFIED_DISCOUNT = 0.5;

/** The coverage assumed when an agent does not measure what it examined: half, neither thorough nor idle. */
export const UNMEASURED_COVERAGE = 0.5;

/**
 * Expected true findings at which the yield is 1 − 1/e (≈ 0.63): one reproduced defect already
 * makes a run clearly useful, and each further one adds less.
 */
export const YIELD_SCALE = 1;

/**
 * Satisfaction of a report, 0..1. On a catalogued target it is F1 of precision and recall against
 * the catalogue: both missing defects and crying wolf cost.
 *
 * On an uncatalogued target recall is unknowable and the rules' own confidence rewards finding
 * nothing confidently, so the measure is built from what the run proved and what it examined:
 *
 * - each finding is worth `t = 1` when it is verified (it carries a reproduction: a failing request,
 *   a test with its counter-example, a surviving mutant, a page error, an audit advisory), else
 *   `t = confidence × UNVERIFIED_DISCOUNT`;
 * - `E = Σ t` is the expected number of true findings, `P = E / n` the expected precision of the
 *   list, `Y = 1 − exp(−E / YIELD_SCALE)` the yield (saturating: the fifth defect adds less than the
 *   first);
 * - `c` is the coverage the agent measured (`UNMEASURED_COVERAGE` when it measured none), and the
 *   base `b = NEUTRAL_SATISFACTION × c` is what examining earns: a run that examined nothing earns 0,
 *   a thorough clean run 0.5 (neutral, never a confident 1.0);
 * - satisfaction `= b + (1 − b) × Y × P`.
 *
 * So findings never cost the base a run earned by looking, verified findings raise it most, and a
 * noisy list (low P) earns little over it: one confident unverified finding (E ≈ 0.48, ≈ 0.59 at
 * full coverage) scores below three verified ones (≈ 0.98). The user's triage is not read here: the
 * fleet's triage replaces this value with the user's rating as the task's user satisfaction.
 *
 * An agent's own `measure` (0..1) scales either: a run that finds defects with a poor product
 * (invalid "valid" data, an order no better than random) is worth less.
 */
export function satisfactionOf(report: AgentReport): number {
  const scale = report.measure === undefined ? 1 : clamp01(report.measure.value);
  if (report.score !== undefined) return report.score.f1 * scale;
  const coverage = report.coverage === undefined || !Number.isFinite(report.coverage) ? UNMEASURED_COVERAGE : clamp01(report.coverage);
  const base = NEUTRAL_SATISFACTION * coverage;
  const n = report.findings.length;
  if (n === 0) return base * scale;
  const expectedTrue = report.findings.reduce((sum, f) => sum + (isVerified(f) ? 1 : clamp01(f.confidence) * UNVERIFIED_DISCOUNT), 0);
  const precision = expectedTrue / n;
  const yieldOf = 1 - Math.exp(-expectedTrue / YIELD_SCALE);
  return (base + (1 - base) * yieldOf * precision) * scale;
}

function clamp01(value: number): number {
  return Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0;
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
