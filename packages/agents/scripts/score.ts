/**
 * Prints precision, recall, F1, time and the learning reward of every strategy of the pilot agents
 * listed here, measured on fixtures/sample-target against its defects.json (one real run each).
 * Run: `pnpm --filter @qe-fleet/agents score` (optionally a target folder as the argument; the
 * environment variable QE_AGENTS=id,id limits it to those agents).
 */
import { fileURLToPath } from 'node:url';
import { calculateReward, rewardWeightsFor } from '@qe-fleet/learning-core';
import { ApiTesterCore, CodeReviewer, PerformanceTesterCore, SecurityScanner, TestGeneratorCore, runAgentTask } from '@qe-fleet/agents';
import type { AgentCore } from '@qe-fleet/agents';

/** Reference time of the reward (the task timeout the fleet gives these agents). */
const TIMEOUT_MS = 60_000;
const dir = process.argv[2] ?? fileURLToPath(new URL('../../../fixtures/sample-target', import.meta.url));
const service = { startupTimeoutMs: 60_000 };
const only = process.env['QE_AGENTS']?.split(',');
const cores: AgentCore[] = [
  new TestGeneratorCore({ service, timeoutMs: 180_000 }),
  new CodeReviewer(),
  new ApiTesterCore({ service }),
  new PerformanceTesterCore({ service, timeoutMs: 180_000 }),
  new SecurityScanner({ service }),
].filter((core) => only === undefined || only.includes(core.id));

const pct = (x: number | undefined): string => (x === undefined ? '-' : x.toFixed(2));
const rows: string[][] = [['agent', 'strategy', 'ms', 'findings', 'precision', 'recall', 'F1', 'coverage', 'reward', 'missed / error']];
for (const core of cores) {
  for (const { name } of core.strategies) {
    const result = await runAgentTask(core, { dir }, name, { timeBudgetMs: TIMEOUT_MS });
    const { output, ...signals } = result;
    const reward = calculateReward({ ...signals, strategy: name }, undefined, { weights: rewardWeightsFor(core.id) });
    const score = output.score;
    rows.push([
      core.id,
      name,
      result.executionTime.toFixed(0),
      String(output.findings.length),
      pct(score?.precision),
      pct(score?.recall),
      pct(score?.f1),
      pct(result.coverage),
      reward.toFixed(3),
      result.success ? (score?.missed.map((d) => d.id).join(' ') ?? 'uncatalogued') : result.errors.join('; ').slice(0, 80),
    ]);
  }
}
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd());
