/**
 * Every registered agent × every strategy on the project folders given as arguments, the way a new
 * user meets them: prints, per run, whether the agent applied, ran, degraded (skipped surfaces) or
 * failed (with its AgentError code), with findings, coverage and time; exits 1 when any run crashed
 * or failed with TOOL_FAILED (our own wrappers broke). Catalogued targets also get precision/recall.
 * Run: `pnpm --filter @qe-fleet/agents try-projects <dir> [<dir> …]`; QE_AGENTS=id,id limits the
 * agents, QE_STRATEGIES=name,name the strategies, QE_URL gives a running service's loopback URL,
 * QE_HEADERS='{"x-api-key":"…"}' headers for it, QE_BEARER_ENV the variable holding a bearer token and
 * QE_API_KEY_ENV the variable holding an API key (sent where the document's apiKey scheme says),
 * QE_TIME_BUDGET_S each run's time budget (default 600, the task timeout `qe-fleet run` gives).
 * Each run also shows how many findings carry a reproduction, the satisfaction the agent reports to
 * learning (F1 on a catalogued target, else built from verified findings and coverage) and the
 * reward the engine learns from the run (the composite score with the agent's weights).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AGENT_IDS, createPilotAgents, isVerified, openTarget, runAgentTask } from '@qe-fleet/agents';
import { calculateReward, rewardWeightsFor } from '@qe-fleet/learning-core';

const dirs = process.argv.slice(2);
if (dirs.length === 0) {
  console.error('usage: try-projects <project folder> [<project folder> …]');
  process.exit(2);
}
const ids = process.env['QE_AGENTS']?.split(',') ?? AGENT_IDS;
const onlyStrategies = process.env['QE_STRATEGIES']?.split(',');
const baseUrl = process.env['QE_URL'];
const headers = process.env['QE_HEADERS'] === undefined ? undefined : (JSON.parse(process.env['QE_HEADERS']) as Record<string, string>);
const bearerTokenEnv = process.env['QE_BEARER_ENV'];
const apiKeyEnv = process.env['QE_API_KEY_ENV'];
const timeBudgetMs = Number(process.env['QE_TIME_BUDGET_S'] ?? 600) * 1000;
const scratch = mkdtempSync(join(tmpdir(), 'qe-try-'));
const agents = await createPilotAgents({ ids, memory: join(scratch, 'try.db') });
// Initialised as the fleet initialises them: some cores keep state through their agent (performance baselines).
for (const agent of agents) await agent.initialize();

const rows: string[][] = [['project', 'agent', 'strategy', 'outcome', 'findings', 'verified', 'coverage', 'P/R', 'measure', 'satisfaction', 'reward', 's', 'skipped / error']];
/** A row that only says what happened: the figures' columns left empty, the reason in the last. */
const outcomeRow = (project: string, agent: string, strategy: string, outcome: string, reason: string): string[] => [
  project,
  agent,
  strategy,
  outcome,
  ...new Array<string>(rows[0]!.length - 5).fill(''),
  reason,
];
let broken = 0;
for (const dir of dirs.map((d) => resolve(d))) {
  const project = dir.split('/').slice(-2).join('/');
  const spec = { dir, ...(baseUrl === undefined ? {} : { baseUrl }), ...(headers === undefined ? {} : { headers }), ...(bearerTokenEnv === undefined ? {} : { bearerTokenEnv }), ...(apiKeyEnv === undefined ? {} : { apiKeyEnv }) };
  const target = await openTarget(spec).catch((error: unknown) => error as Error);
  for (const { core } of agents) {
    const reason = target instanceof Error ? undefined : core.notApplicable?.(target);
    if (reason !== undefined) {
      rows.push(outcomeRow(project, core.id, '*', 'not applicable', reason));
      continue;
    }
    for (const { name } of core.strategies.filter((s) => onlyStrategies === undefined || onlyStrategies.includes(s.name))) {
      const result = await runAgentTask(core, spec, name, { timeBudgetMs }).catch((error: unknown) => error as Error);
      if (result instanceof Error) {
        broken += 1;
        rows.push(outcomeRow(project, core.id, name, 'CRASH', result.message.slice(0, 120)));
        continue;
      }
      const { output } = result;
      if (output.errorCode === 'TOOL_FAILED') broken += 1;
      const skipped = output.report?.skipped?.map((s) => `${s.surface}: ${s.reason}`).join('; ') ?? '';
      rows.push([
        project,
        core.id,
        name,
        result.success ? (skipped === '' ? 'ran' : 'degraded') : `FAILED ${output.errorCode ?? ''}`,
        String(output.findings.length),
        String(output.findings.filter(isVerified).length),
        result.coverage === undefined ? '-' : result.coverage.toFixed(2),
        output.score === undefined ? '-' : `${output.score.precision.toFixed(2)}/${output.score.recall.toFixed(2)}`,
        output.report?.measure === undefined ? '-' : `${output.report.measure.value.toFixed(2)} ${output.report.measure.name}`,
        result.satisfaction === undefined ? '-' : result.satisfaction.toFixed(2),
        calculateReward({ ...result, strategy: name }, undefined, { weights: rewardWeightsFor(core.id) }).toFixed(3),
        (result.executionTime / 1000).toFixed(1),
        (result.success ? skipped : result.errors.join('; ')).slice(0, 160),
      ]);
    }
  }
}
for (const agent of agents) await agent.shutdown();
rmSync(scratch, { recursive: true, force: true });
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd());
console.log(`\n${broken} crashed or TOOL_FAILED`);
process.exit(broken > 0 ? 1 : 0);
