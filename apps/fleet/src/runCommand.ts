import { createRequire } from 'node:module';
import { type Command, Option } from 'commander';
import {
  type AgentFindings,
  type AgentOutput,
  AGENT_IDS,
  buildFindingsReport,
  createBaseline,
  createPilotAgents,
  FINDINGS_FORMATS,
  findStrategy,
  hashTargetInputs,
  loadBaseline,
  openTarget,
  saveBaseline,
  TargetService,
  type TargetSpec,
} from '@qe-fleet/agents/host';
import { type ExecutedTaskResult, initializeLearningFleet, type LearningFleet } from '@qe-fleet/facade';
import { createRandom } from '@qe-fleet/learning-core';
import type { PilotAgent } from '@qe-fleet/agents/host';
import { measuredImprovementDetail } from './dashboardData.js';
import { runExitCode } from './exitCode.js';
import { saveFindingsRun } from './findingsStore.js';
import { TriageStore } from './TriageStore.js';
import { FleetError } from './FleetError.js';
import { prepareChosenAlgorithms } from './algorithmChoice.js';
import { openMemory } from './openMemory.js';
import { type CommandContext, type CommandRegistrar, VERSION } from './program.js';
import { ProgressReporter } from './ProgressReporter.js';
import { ResultCache } from './ResultCache.js';
import { runScheduled } from './runScheduled.js';
import { findingsOwnStdout, renderRunOutput } from './renderFindings.js';
import { checkStrategies, parseStrategyFlag, resolveRunSettings, type RunOptions, type RunSettings } from './runOptions.js';
import { type AgentRunSummary, notApplicableAgent, renderSummary, type RunSummary, summariseAgent } from './runSummary.js';

export { SAMPLE_TARGET } from './runOptions.js';
export type { AgentRunSummary, RunSummary } from './runSummary.js';

/** What runFleet does besides running: `baseline save` writes the baseline from the run's findings. */
interface RunMode {
  saveBaseline: boolean;
}

/**
 * What decides a run besides the target's files: the agents' and the fleet's versions, how the
 * service is started, which header names are sent (never their values: a hash of a secret would
 * still be a copy of it) and the content of an advisories export.
 */
async function cacheKeyParts(settings: RunSettings, algorithms: ReadonlyMap<string, string>): Promise<string[]> {
  const agentsVersion = (createRequire(import.meta.url)('@qe-fleet/agents/package.json') as { version: string }).version;
  const { start, healthPath, headers, apiKey, advisories } = settings.service;
  return [
    `agents ${agentsVersion}`,
    `fleet ${VERSION}`,
    `start ${start ?? ''}`,
    `health ${healthPath ?? ''}`,
    `headers ${Object.keys(headers ?? {}).sort().join(',')}`,
    `api key ${apiKey === undefined ? 'no' : 'yes'}`,
    `advisories ${advisories === undefined ? '' : await hashTargetInputs(advisories)}`,
    // A switch made with `learning evaluate --use` must run the agent again, not replay the old choice's result.
    `algorithms ${[...algorithms].map(([id, algorithm]) => `${id}=${algorithm}`).sort().join(',')}`,
  ];
}

/**
 * Whether `agent` will talk to the target's service: its forced strategy's own answer when that
 * strategy has one (a static strategy of a scanner with a live one), else the core's.
 */
function needsService(agent: PilotAgent, forced: string | undefined): boolean {
  const own = forced === undefined ? undefined : findStrategy(agent.core, forced).usesService;
  return own ?? agent.core.usesService === true;
}

/** Why an agent does not apply to the target, or undefined; a core that cannot tell applies. */
async function notApplicableReasons(agents: readonly PilotAgent[], spec: TargetSpec): Promise<Map<string, string>> {
  const reasons = new Map<string, string>();
  if (!agents.some((a) => a.core.notApplicable !== undefined)) return reasons;
  const opened = await openTarget(spec).catch((error: unknown) => {
    // A target agents cannot open (no package.json, a broken catalogue) is the user's to fix.
    throw new FleetError('TARGET', `target ${spec.dir}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  });
  for (const agent of agents) {
    const reason = agent.core.notApplicable?.(opened);
    if (reason !== undefined) reasons.set(agent.id, reason);
  }
  return reasons;
}

async function runFleet(ctx: CommandContext, opts: RunOptions, mode: RunMode = { saveBaseline: false }): Promise<number> {
  // Everything a user can get wrong is refused here, before the database opens or an agent runs.
  const settings = resolveRunSettings(ctx, opts);
  const { target, url, agentIds, repeat } = settings;
  const baseline = mode.saveBaseline ? undefined : await loadBaseline(target).catch((error: unknown) => {
    throw new FleetError('USAGE', error instanceof Error ? error.message : String(error), { cause: error });
  });
  // A run that learns nothing writes a few rows (results, findings): no WAL checkpoint thread, a
  // second Node environment starting beside the agents for writes that closing the database copies back anyway.
  const memory = openMemory(ctx.options.db, { checkpointThread: settings.learn });
  let fleet: LearningFleet<PilotAgent> | undefined;
  let service: TargetService | undefined;
  let unregisterForceExit: (() => void) | undefined;
  const quiet = ctx.options.json || findingsOwnStdout(settings);
  const progress = new ProgressReporter(quiet ? { write: () => true } : ctx.io.stdout);
  try {
    const seed = ctx.config.seed;
    const random = seed === undefined ? undefined : createRandom(seed);
    // Users' verdicts (`qe-fleet triage`): suppress dismissed findings, and rate the results that report judged ones.
    const triage = new TriageStore(memory);
    const feedback = triage.feedbackFor(target);
    // An algorithm chosen with `qe-fleet learning evaluate --use` (agentdb-adapter's algorithms registered by name).
    const chosen = await prepareChosenAlgorithms(memory, agentIds, ctx.options.db);
    // One at a time, in the order asked: agents built from a seeded random source stay reproducible.
    const agents: PilotAgent[] = [];
    for (const id of agentIds) {
      const algorithm = chosen.get(id);
      agents.push(
        ...(await createPilotAgents({
          ids: [id],
          memory,
          logger: ctx.logger,
          feedback,
          ...(random === undefined ? {} : { random }),
          ...(algorithm === undefined ? {} : { learning: { algorithm } }),
          ...(settings.writeTestsDir === undefined ? {} : { writeTestsDir: settings.writeTestsDir }),
        })),
      );
    }
    checkStrategies(agents, settings.strategies);
    fleet = await initializeLearningFleet(
      agents,
      memory,
    );
    const spec: TargetSpec = { dir: target, ...(url === undefined ? {} : { baseUrl: url }), ...settings.service };
    const notApplicable = await notApplicableReasons(fleet.agents, spec);
    const running = fleet.agents.filter((a) => !notApplicable.has(a.id));
    const results = new Map<string, Array<ExecutedTaskResult<AgentOutput>>>();
    const cache = settings.cache ? new ResultCache(memory) : undefined;
    const inputsHash = cache === undefined ? undefined : await hashTargetInputs(target, await cacheKeyParts(settings, chosen));
    const reused = new Set<string>();
    for (const agent of running) {
      const hit = inputsHash === undefined ? undefined : cache?.get(agent.id, target, inputsHash, settings.strategies[agent.id]);
      if (hit === undefined) continue;
      results.set(agent.id, [hit]);
      reused.add(agent.id);
    }
    const fresh = running.filter((a) => !reused.has(a.id));
    if (url === undefined && fresh.some((a) => needsService(a, settings.strategies[a.id])) && TargetService.planFor(target, settings.service.start) !== undefined) {
      // One service for the whole run, shared by every agent that needs it: started as the
      // target's users start it (--start, the start script or a conventional entry), ready when its port accepts.
      const { start, healthPath } = settings.service;
      service = new TargetService({ dir: target, ...(start === undefined ? {} : { start }), ...(healthPath === undefined ? {} : { healthPath }) });
      try {
        spec.baseUrl = await service.start();
        // A second Ctrl-C exits without running this function's finally: the service must not outlive us.
        const started = service;
        unregisterForceExit = ctx.io.onForceExit?.(() => started.killNow());
      } catch (error) {
        ctx.logger.warn({ err: error }, 'target service did not start; service agents will report it');
        service = undefined;
      }
    }
    const thrown = new Map<string, string>();
    for (const agent of running) progress.start(agent.id, reused.has(agent.id) ? 1 : repeat);
    for (const id of reused) {
      const hit = results.get(id)![0]!;
      progress.step(id, `${hit.strategy}: ${hit.output?.findings.length ?? 0} findings (reused: target unchanged)`);
    }
    let interrupted = false;
    const runAgent = async (agent: PilotAgent): Promise<void> => {
      for (let run = 0; run < repeat; run++) {
        if (ctx.io.signal.aborted) {
          interrupted = true;
          return;
        }
        const strategy = settings.strategies[agent.id];
        const result = await agent
          .executeTask({
            id: `${agent.id}-${Date.now()}-${run}`,
            type: 'qe-run',
            capabilities: [agent.type],
            input: spec,
            timeout: 10 * 60_000,
            ...(strategy === undefined ? {} : { strategy }),
            ...(settings.learn ? {} : { learn: false }),
          })
          .catch((error: unknown) => {
            ctx.logger.error({ err: error, agent: agent.id }, 'task failed');
            thrown.set(agent.id, error instanceof Error ? error.message : String(error));
            return null;
          });
        if (result) {
          results.set(agent.id, [...(results.get(agent.id) ?? []), result]);
          if (inputsHash !== undefined) cache?.set(agent.id, target, inputsHash, result);
          const note = result.success ? `${result.strategy}: ${result.output?.findings.length ?? 0} findings` : `${result.strategy}: failed`;
          progress.step(agent.id, note);
        } else progress.step(agent.id, 'error');
      }
    };
    await runScheduled(fresh, settings.concurrency, runAgent);
    progress.finish();
    const agentSummaries: AgentRunSummary[] = fleet.agents.map((agent) => {
      const reason = notApplicable.get(agent.id);
      if (reason !== undefined) return notApplicableAgent(agent.id, reason);
      return summariseAgent(agent, results.get(agent.id) ?? [], measuredImprovementDetail(agent.performanceTracker), thrown.get(agent.id), reused.has(agent.id));
    });
    const report = buildFindingsReport({
      target,
      agents: agentSummaries.map((a): AgentFindings => ({
        agent: a.agent,
        strategy: a.status === 'not-applicable' ? null : a.strategy,
        status: a.status,
        ...(a.error === null && a.reason === null ? {} : { reason: a.error ?? a.reason ?? '' }),
        ...(a.skipped.length === 0 ? {} : { skipped: a.skipped }),
        findings: results.get(a.agent)?.at(-1)?.output?.findings ?? [],
      })),
      ...(baseline === undefined ? {} : { baseline }),
      triaged: triage.suppressionsFor(target),
    });
    saveFindingsRun(memory, report);
    const exitCode = runExitCode({ interrupted, report, failOn: mode.saveBaseline ? 'none' : settings.failOn, allowFailed: settings.allowFailed });
    const extra: string[] = [];
    if (mode.saveBaseline) {
      if (exitCode !== 0) {
        extra.push('', 'baseline NOT saved: an agent failed or the run was interrupted, so its findings are missing (fix it, or pass --allow-failed)');
      } else {
        const path = await saveBaseline(target, createBaseline(report.findings));
        extra.push('', `baseline saved: ${report.findings.length} findings → ${path}`);
      }
    }
    const base = { target, baseUrl: spec.baseUrl ?? null, database: ctx.options.db, interrupted, learned: settings.learn, agents: agentSummaries };
    const summary: RunSummary = { ...base, findings: report, exitCode };
    renderRunOutput(ctx, settings, renderSummary(base), summary, extra);
    return exitCode;
  } finally {
    await service?.stop();
    unregisterForceExit?.();
    await fleet?.shutdown();
    memory.close();
  }
}

const positiveInt = (flag: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new FleetError('USAGE', `${flag}: expected a positive whole number, got '${value}'`);
  return n;
};

/** The options `run` and `baseline save` share. */
function addRunOptions(command: Command): Command {
  return command
    .option('--target <dir>', 'folder of the project to check (default: the bundled sample target)')
    .option('--url <url>', 'base URL of an already running service of the target (loopback only)')
    .option('--start <command>', "shell command that starts the target's service")
    .option('--advisories <file>', "OSV or GitHub-advisory export (file or folder) for the security scanner when the package manager's audit does not answer")
    .option('--agents <list>', `comma-separated agent ids (default: all: ${AGENT_IDS.join(',')})`, (v: string) =>
      v.split(',').map((s) => s.trim()).filter(Boolean),
    )
    .option('--strategy <list>', 'force strategies: agent=name[,agent=name]', parseStrategyFlag)
    .option('--no-learn', "run each agent's best known strategy without exploring or recording anything for learning")
    .option('--repeat <n>', 'run each agent n times (learning between runs)', positiveInt('--repeat'))
    .option('--concurrency <n>', 'agents run at the same time (default: the CPU count; agents that measure time run alone)', positiveInt('--concurrency'))
    .option('--no-cache', 'run every agent even when the target is unchanged since its last result')
    .option('--allow-failed', 'an agent that failed to run does not make the exit code 4')
    .addOption(new Option('--format <format>', 'findings format (default: table)').choices([...FINDINGS_FORMATS]))
    .option('--output <file>', 'write the findings in --format to this file')
    .option('--max-findings <n>', 'findings shown at most in the table (the most severe first)', positiveInt('--max-findings'))
    .option('--write-tests <dir>', "test-generator: keep the generated tests in <dir>, in the target's runner and style (failing ones expose the findings)");
}

/** `qe-fleet run` and `qe-fleet baseline save`: the fleet on a target, learning persisted between runs. */
export const registerRunCommand: CommandRegistrar = (program, context, setExit) => {
  addRunOptions(
    program
      .command('run')
      .description('run the agents on a target (default: the bundled sample), print a table per agent and the findings; exit 0 clean, 1 new findings at --fail-on, 2 bad usage, 3 internal error, 4 an agent failed'),
  )
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a new finding at or above this severity is found').choices(['critical', 'high', 'medium', 'low', 'info', 'none']))
    .action(async (opts: RunOptions) => {
      setExit(await runFleet(context(), opts));
    });
  const baseline = program.command('baseline').description("the target's findings baseline (.qe-fleet/baseline.json): later runs mark findings new / existing / fixed");
  addRunOptions(baseline.command('save').description("run the agents and record the target's current findings as its baseline")).action(async (opts: RunOptions) => {
    setExit(await runFleet(context(), opts, { saveBaseline: true }));
  });
};

export type { RunOptions, RunSettings };
