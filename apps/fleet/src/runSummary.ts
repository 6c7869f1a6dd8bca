import type { AgentOutput, FindingsReport, PilotAgent, Severity, SkippedSurface } from '@qe-fleet/agents/host';
import type { ExecutedTaskResult } from '@qe-fleet/facade';
import type { ImprovementDetail } from './dashboardData.js';
import { fmt, pct, renderTable } from './render.js';

/** One agent's line in the run summary. */
export interface AgentRunSummary {
  agent: string;
  runs: number;
  strategy: string;
  explored: boolean;
  /** Its result is an earlier run's, reused because nothing in the target changed since. */
  reused: boolean;
  /** ok: it ran; failed: it applies but could not run; not-applicable: it does not apply to this target. */
  status: 'ok' | 'failed' | 'not-applicable';
  success: boolean;
  error: string | null;
  /** Why it does not apply (not-applicable only). */
  reason: string | null;
  /** Surfaces its strategy could not examine, with the reason. */
  skipped: SkippedSurface[];
  /** The agent's remarks on its last run (what it examined, sources it could not use, advice). */
  notes: string[];
  findings: number;
  bySeverity: Record<Severity, number>;
  precision: number | null;
  recall: number | null;
  timeMs: number;
  overheadMs: number;
  improvement: number | null;
  /** Runs compared on each side of `improvement` and its 95 % interval (null before two runs). */
  improvementDetail: ImprovementDetail | null;
}

/** What `run` prints with `--json`. */
export interface RunSummary {
  target: string;
  baseUrl: string | null;
  database: string;
  interrupted: boolean;
  /** False with `--no-learn`: nothing was explored or recorded. */
  learned: boolean;
  agents: AgentRunSummary[];
  /** Every finding of the last run of each agent, with fingerprints and baseline marks. */
  findings: FindingsReport;
  /** The exit code the run ends with. */
  exitCode: number;
}

/** How one agent's runs went, from its results (or the error its task threw). */
export function summariseAgent(
  agent: PilotAgent,
  results: Array<ExecutedTaskResult<AgentOutput>>,
  improvement: ImprovementDetail | null,
  thrown: string | undefined,
  reused = false,
): AgentRunSummary {
  const last = results.at(-1);
  const findings = last?.output?.findings ?? [];
  const bySeverity: Record<Severity, number> = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
  for (const f of findings) bySeverity[f.severity] += 1;
  const score = last?.output?.score;
  const success = last?.success ?? false;
  const error = last === undefined ? (thrown ?? 'did not run') : success ? null : (last.errors ?? []).map(String).join('; ') || 'failed';
  return {
    agent: agent.id,
    runs: results.length,
    strategy: last?.strategy ?? '-',
    explored: reused ? false : (last?.explored ?? false),
    reused,
    status: success ? 'ok' : 'failed',
    success,
    error,
    reason: null,
    skipped: last?.output?.report?.skipped ?? [],
    notes: last?.output?.report?.notes ?? [],
    findings: findings.length,
    bySeverity,
    precision: score?.precision ?? null,
    recall: score?.recall ?? null,
    // A reused result cost this run nothing; its original time is not this run's.
    timeMs: reused ? 0 : results.reduce((s, r) => s + r.executionTime, 0) / Math.max(1, results.length),
    overheadMs: reused ? 0 : results.reduce((s, r) => s + r.overheadMs, 0) / Math.max(1, results.length),
    improvement: improvement?.rate ?? null,
    improvementDetail: improvement,
  };
}

/** The summary line of an agent that does not apply to the target: it never ran. */
export function notApplicableAgent(agent: string, reason: string): AgentRunSummary {
  return {
    agent,
    runs: 0,
    strategy: '-',
    explored: false,
    reused: false,
    status: 'not-applicable',
    success: true,
    error: null,
    reason,
    skipped: [],
    notes: [],
    findings: 0,
    bySeverity: { critical: 0, high: 0, medium: 0, low: 0, info: 0 },
    precision: null,
    recall: null,
    timeMs: 0,
    overheadMs: 0,
    improvement: null,
    improvementDetail: null,
  };
}

/** `+3.2 % (-5.1..+11.4, 3v3)`: the rate, its 95 % interval and the runs compared on each side. */
function improvementText(detail: ImprovementDetail | null): string {
  if (detail === null) return '-';
  const signed = (v: number): string => `${v >= 0 ? '+' : ''}${fmt(v, 1)}`;
  const interval = detail.interval === null ? '' : ` (${signed(detail.interval[0])}..${signed(detail.interval[1])}, ${detail.compared}v${detail.compared})`;
  return `${pct(detail.rate)}${interval}`;
}

/** Notes printed per agent under the table, and characters per note (a note can list every function of a project); `--json` has them all, whole. */
const NOTES_SHOWN = 3;
const NOTE_CHARS = 240;

const RESULT: Record<AgentRunSummary['status'], string> = { ok: 'ok', failed: 'FAILED', 'not-applicable': 'n/a' };

/** The run summary as text: one table row per agent, then failures, not-applicable agents, skipped surfaces and notes. */
export function renderSummary(summary: Omit<RunSummary, 'findings' | 'exitCode'>): string {
  const table = renderTable(
    [
      { header: 'agent', value: (a: AgentRunSummary) => a.agent },
      { header: 'strategy', value: (a) => `${a.strategy}${a.explored ? '*' : ''}` },
      { header: 'result', value: (a) => RESULT[a.status] },
      { header: 'findings', value: (a) => String(a.findings), align: 'right' },
      { header: 'crit/high/med/low', value: (a) => `${a.bySeverity.critical}/${a.bySeverity.high}/${a.bySeverity.medium}/${a.bySeverity.low}` },
      { header: 'precision', value: (a) => fmt(a.precision), align: 'right' },
      { header: 'recall', value: (a) => fmt(a.recall), align: 'right' },
      { header: 'time s', value: (a) => fmt(a.timeMs / 1000, 1), align: 'right' },
      { header: 'learning ms', value: (a) => fmt(a.overheadMs, 3), align: 'right' },
      { header: 'improvement', value: (a) => improvementText(a.improvementDetail) },
    ],
    summary.agents,
  );
  const failures = summary.agents.filter((a) => a.error !== null).map((a) => `  ${a.agent}: ${a.error}`);
  const notApplicable = summary.agents.filter((a) => a.status === 'not-applicable').map((a) => `  ${a.agent}: ${a.reason}`);
  const skipped = summary.agents.flatMap((a) => a.skipped.map((s) => `  ${a.agent}: ${s.surface}: ${s.reason}`));
  const notes = summary.agents.flatMap((a) => [
    ...a.notes.slice(0, NOTES_SHOWN).map((n) => `  ${a.agent}: ${n.length > NOTE_CHARS ? `${n.slice(0, NOTE_CHARS - 1)}… (--json has all of it)` : n}`),
    ...(a.notes.length > NOTES_SHOWN ? [`  ${a.agent}: … ${a.notes.length - NOTES_SHOWN} more (--json)`] : []),
  ]);
  return [
    `target ${summary.target}${summary.baseUrl ? ` (service ${summary.baseUrl})` : ''}`,
    '',
    table,
    '',
    "* explored this run; (reused) = the target is unchanged since that result (--no-cache runs it again); precision/recall against the target's defects.json; improvement = PerformanceTracker's rolling window vs its baseline window (until it has two windows of runs, the second half of its runs vs the first), with the 95 % interval and the runs compared on each side ('-' before two runs)",
    ...(summary.learned ? [] : ['--no-learn: best known strategies, nothing explored or recorded for learning']),
    ...(failures.length > 0 ? ['', 'failures:', ...failures] : []),
    ...(notApplicable.length > 0 ? ['', 'not applicable:', ...notApplicable] : []),
    ...(skipped.length > 0 ? ['', 'skipped:', ...skipped] : []),
    ...(notes.length > 0 ? ['', 'notes:', ...notes] : []),
    ...(summary.interrupted ? ['', 'interrupted: state saved, remaining runs skipped'] : []),
  ].join('\n');
}
