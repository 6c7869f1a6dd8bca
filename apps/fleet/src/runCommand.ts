import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Option } from 'commander';
import { type AgentOutput, AGENT_IDS, createPilotAgents, TargetService, type Severity } from '@qe-fleet/agents';
import { type ExecutedTaskResult, initializeLearningFleet, type LearningFleet } from '@qe-fleet/facade';
import { createRandom } from '@qe-fleet/learning-core';
import type { PilotAgent } from '@qe-fleet/agents';
import { measuredImprovement } from './dashboardData.js';
import { FleetError } from './FleetError.js';
import { openMemory } from './openMemory.js';
import type { CommandContext, CommandRegistrar } from './program.js';
import { ProgressReporter } from './ProgressReporter.js';
import { fmt, pct, renderTable } from './render.js';

/** The sample target bundled with the repo: the default target of `run`. */
export const SAMPLE_TARGET = fileURLToPath(new URL('../../../fixtures/sample-target', import.meta.url));

const SEVERITY_RANK: Record<Severity, number> = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };

/** One agent's line in the run summary. */
export interface AgentRunSummary {
  agent: string;
  runs: number;
  strategy: string;
  explored: boolean;
  success: boolean;
  error: string | null;
  findings: number;
  bySeverity: Record<Severity, number>;
  precision: number | null;
  recall: number | null;
  timeMs: number;
  overheadMs: number;
  improvement: number | null;
}

/** What `run` prints with `--json`. */
export interface RunSummary {
  target: string;
  baseUrl: string | null;
  database: string;
  interrupted: boolean;
  agents: AgentRunSummary[];
}

function parseAgents(list: string[] | undefined): readonly string[] {
  if (list === undefined) return AGENT_IDS;
  if (list.length === 0) throw new FleetError('USAGE', `--agents: expected a comma-separated list of agent ids (available: ${AGENT_IDS.join(', ')})`);
  const known: readonly string[] = AGENT_IDS;
  const unknown = list.filter((id) => !known.includes(id));
  if (unknown.length > 0) {
    throw new FleetError('USAGE', `unknown agent${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (available: ${AGENT_IDS.join(', ')})`);
  }
  return list;
}

function summarise(agent: PilotAgent, results: Array<ExecutedTaskResult<AgentOutput>>, improvement: number | null): AgentRunSummary {
  const last = results.at(-1);
  const findings = last?.output?.findings ?? [];
  const bySeverity: Record<Severity, number> = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
  for (const f of findings) bySeverity[f.severity] += 1;
  const score = last?.output?.score;
  return {
    agent: agent.id,
    runs: results.length,
    strategy: last?.strategy ?? '-',
    explored: last?.explored ?? false,
    success: last?.success ?? false,
    error: last && !last.success ? (last.errors ?? []).map(String).join('; ') || 'failed' : null,
    findings: findings.length,
    bySeverity,
    precision: score?.precision ?? null,
    recall: score?.recall ?? null,
    timeMs: results.reduce((s, r) => s + r.executionTime, 0) / Math.max(1, results.length),
    overheadMs: results.reduce((s, r) => s + r.overheadMs, 0) / Math.max(1, results.length),
    improvement,
  };
}

function renderSummary(summary: RunSummary): string {
  const table = renderTable(
    [
      { header: 'agent', value: (a: AgentRunSummary) => a.agent },
      { header: 'strategy', value: (a) => `${a.strategy}${a.explored ? '*' : ''}` },
      { header: 'result', value: (a) => (a.success ? 'ok' : 'FAILED') },
      { header: 'findings', value: (a) => String(a.findings), align: 'right' },
      { header: 'crit/high/med/low', value: (a) => `${a.bySeverity.critical}/${a.bySeverity.high}/${a.bySeverity.medium}/${a.bySeverity.low}` },
      { header: 'precision', value: (a) => fmt(a.precision), align: 'right' },
      { header: 'recall', value: (a) => fmt(a.recall), align: 'right' },
      { header: 'time s', value: (a) => fmt(a.timeMs / 1000, 1), align: 'right' },
      { header: 'learning ms', value: (a) => fmt(a.overheadMs, 3), align: 'right' },
      { header: 'improvement', value: (a) => pct(a.improvement) },
    ],
    summary.agents,
  );
  const failures = summary.agents.filter((a) => a.error !== null).map((a) => `  ${a.agent}: ${a.error}`);
  return [
    `target ${summary.target}${summary.baseUrl ? ` (service ${summary.baseUrl})` : ''}`,
    '',
    table,
    '',
    "* explored this run; precision/recall against the target's defects.json; improvement = PerformanceTracker's rolling window vs its baseline window ('-' until the agent has more runs than one window)",
    ...(failures.length > 0 ? ['', 'failures:', ...failures] : []),
    ...(summary.interrupted ? ['', 'interrupted: state saved, remaining runs skipped'] : []),
  ].join('\n');
}

async function runFleet(ctx: CommandContext, opts: RunOptions): Promise<number> {
  const target = resolve(ctx.io.cwd, opts.target ?? ctx.config.target ?? SAMPLE_TARGET);
  if (!existsSync(target)) throw new FleetError('TARGET', `target folder not found: ${target}`);
  const agentIds = parseAgents(opts.agents ?? ctx.config.agents);
  const repeat = opts.repeat ?? ctx.config.repeat ?? 1;
  const failOn = opts.failOn ?? ctx.config.failOn ?? 'none';
  const url = opts.url ?? ctx.config.url;
  const memory = openMemory(ctx.options.db);
  let fleet: LearningFleet<PilotAgent> | undefined;
  let service: TargetService | undefined;
  const progress = new ProgressReporter(ctx.options.json ? { write: () => true } : ctx.io.stdout);
  try {
    const seed = ctx.config.seed;
    fleet = await initializeLearningFleet(
      createPilotAgents({ ids: agentIds, memory, logger: ctx.logger, ...(seed === undefined ? {} : { random: createRandom(seed) }) }),
      memory,
    );
    let baseUrl = url ?? null;
    if (baseUrl === null && TargetService.planFor(target) !== undefined) {
      // One service for the whole run, shared by every agent that needs it: started as the
      // target's users start it (start script or conventional entry), ready when its port accepts.
      service = new TargetService({ dir: target });
      try {
        baseUrl = await service.start();
      } catch (error) {
        ctx.logger.warn({ err: error }, 'target service did not start; service agents will report it');
        service = undefined;
      }
    }
    const results = new Map<string, Array<ExecutedTaskResult<AgentOutput>>>();
    for (const agent of fleet.agents) progress.start(agent.id, repeat);
    let interrupted = false;
    outer: for (let run = 0; run < repeat; run++) {
      for (const agent of fleet.agents) {
        if (ctx.io.signal.aborted) {
          interrupted = true;
          break outer;
        }
        const result = await agent
          .executeTask({
            id: `${agent.id}-${Date.now()}-${run}`,
            type: 'qe-run',
            capabilities: [agent.type],
            input: { dir: target, ...(baseUrl === null ? {} : { baseUrl }) },
            timeout: 10 * 60_000,
          })
          .catch((error: unknown) => {
            ctx.logger.error({ err: error, agent: agent.id }, 'task failed');
            return null;
          });
        if (result) {
          results.set(agent.id, [...(results.get(agent.id) ?? []), result]);
          const note = result.success ? `${result.strategy}: ${result.output?.findings.length ?? 0} findings` : `${result.strategy}: failed`;
          progress.step(agent.id, note);
        } else progress.step(agent.id, 'error');
      }
    }
    progress.finish();
    const agents: AgentRunSummary[] = [];
    for (const agent of fleet.agents) {
      agents.push(summarise(agent, results.get(agent.id) ?? [], measuredImprovement(agent.performanceTracker)));
    }
    const summary: RunSummary = { target, baseUrl, database: ctx.options.db, interrupted, agents };
    ctx.print(renderSummary(summary), summary);
    if (interrupted) return 130;
    if (failOn !== 'none') {
      const threshold = SEVERITY_RANK[failOn];
      const hit = fleet.agents.some((a) => (results.get(a.id)?.at(-1)?.output?.findings ?? []).some((f) => SEVERITY_RANK[f.severity] >= threshold));
      if (hit) return 1;
    }
    return 0;
  } finally {
    await service?.stop();
    await fleet?.shutdown();
    memory.close();
  }
}

interface RunOptions {
  target?: string;
  url?: string;
  agents?: string[];
  repeat?: number;
  failOn?: Severity | 'none';
}

const positiveInt = (flag: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new FleetError('USAGE', `${flag}: expected a positive whole number, got '${value}'`);
  return n;
};

/** `qe-fleet run`: the fleet on a target, learning persisted between runs. */
export const registerRunCommand: CommandRegistrar = (program, context, setExit) => {
  program
    .command('run')
    .description('run the agents on a target (default: the bundled sample) and print a table per agent')
    .option('--target <dir>', 'folder of the project to check (default: the bundled sample target)')
    .option('--url <url>', 'base URL of an already running service of the target (loopback only)')
    .option('--agents <list>', `comma-separated agent ids (default: all: ${AGENT_IDS.join(',')})`, (v: string) =>
      v.split(',').map((s) => s.trim()).filter(Boolean),
    )
    .option('--repeat <n>', 'run each agent n times (learning between runs)', positiveInt('--repeat'))
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding at or above this severity is found').choices(['critical', 'high', 'medium', 'low', 'info', 'none']))
    .action(async (opts: RunOptions) => {
      setExit(await runFleet(context(), opts));
    });
};
