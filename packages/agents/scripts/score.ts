/**
 * Prints precision, recall, F1, time, the agent's own measure and the learning reward of every strategy of the agents
 * listed here, measured on fixtures/sample-target against its defects.json (one real run each).
 * Run: `pnpm --filter @qe-fleet/agents score` (optionally a target folder as the argument; the
 * environment variable QE_AGENTS=id,id limits it to those agents, QE_STRATEGIES=name,name to those strategies
 * (to leave out a run of many minutes, e.g. mutation-tester's `full`); QE_HEADERS='{"x-api-key":"…"}' sends
 * headers to the target's service, QE_API_KEY_ENV names the variable holding an API key (sent in the header the
 * document's apiKey scheme names) and QE_BEARER_ENV the variable holding its bearer token, e.g.
 * `LENDING_API_TOKEN=test-token QE_BEARER_ENV=LENDING_API_TOKEN pnpm … score <abs path>/fixtures/sample-target-2`).
 */
import { fileURLToPath } from 'node:url';
import { calculateReward, rewardWeightsFor } from '@qe-fleet/learning-core';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccessibilityCheckerCore, ApiTesterCore, CodeReviewer, CoverageAnalyzerCore, E2eTesterCore, FlakyTestDetectorCore, IntegrationTesterCore, LoadTesterCore, MemoryTestHistory, MockGeneratorCore, MutationTesterCore, PerformanceTesterCore, SecurityScanner, TestDataGeneratorCore, TestGeneratorCore, TestOptimizerCore, UnitTestGeneratorCore, VisualRegressionCore, runAgentTask } from '@qe-fleet/agents';
import type { AgentCore } from '@qe-fleet/agents';

/**
 * Each run's time budget and the reward's reference time: the task timeout `qe-fleet run` gives
 * (10 minutes). A shorter one stops mutation-tester's Stryker early and scores a partial run.
 */
const TIMEOUT_MS = 10 * 60_000;
const dir = process.argv[2] ?? fileURLToPath(new URL('../../../fixtures/sample-target', import.meta.url));
const service = { startupTimeoutMs: 60_000 };
const only = process.env['QE_AGENTS']?.split(',');
const onlyStrategies = process.env['QE_STRATEGIES']?.split(',');
// Screenshots and diff images of the browser agents go here, never into the target.
const scratch = mkdtempSync(join(tmpdir(), 'qe-score-'));
// Credentials of the target's service, as a user configures them (try-projects reads the same variables).
const headers = process.env['QE_HEADERS'] === undefined ? undefined : (JSON.parse(process.env['QE_HEADERS']) as Record<string, string>);
const bearerTokenEnv = process.env['QE_BEARER_ENV'];
const apiKeyEnv = process.env['QE_API_KEY_ENV'];
const spec = { dir, ...(headers === undefined ? {} : { headers }), ...(bearerTokenEnv === undefined ? {} : { bearerTokenEnv }), ...(apiKeyEnv === undefined ? {} : { apiKeyEnv }) };
const cores: AgentCore[] = [
  new TestGeneratorCore({ service, timeoutMs: 180_000 }),
  new CodeReviewer(),
  new ApiTesterCore({ service }),
  new PerformanceTesterCore({ service, timeoutMs: 180_000 }),
  new SecurityScanner({ service }),
  new E2eTesterCore({ service, artifactsDir: join(scratch, 'e2e') }),
  // No stored baseline (a temp folder): the target's reference stylesheets give the baseline rendering.
  new VisualRegressionCore({ service, baselineDir: join(scratch, 'visual-baseline'), outputDir: join(scratch, 'visual') }),
  new AccessibilityCheckerCore({ service }),
  new UnitTestGeneratorCore(),
  new MockGeneratorCore(),
  new CoverageAnalyzerCore(),
  // file-sample draws 2 tested files at random; QE_SEED fixes the draw (a seeded LCG), so runs can be compared.
  new MutationTesterCore({ random: seededRandom(Number(process.env['QE_SEED'] ?? 7)) }),
  new TestDataGeneratorCore({ service }),
  // History in memory: scoring must not write into the fixture.
  new TestOptimizerCore({ history: new MemoryTestHistory(), timeoutMs: 180_000 }),
  new IntegrationTesterCore({ service }),
  new LoadTesterCore({ service }),
  new FlakyTestDetectorCore(),
].filter((core) => only === undefined || only.includes(core.id));

function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const pct = (x: number | undefined): string => (x === undefined ? '-' : x.toFixed(2));
const rows: string[][] = [['agent', 'strategy', 'ms', 'findings', 'precision', 'recall', 'F1', 'coverage', 'measure', 'reward', 'missed / error']];
for (const core of cores) {
  for (const { name } of core.strategies) {
    if (onlyStrategies !== undefined && !onlyStrategies.includes(name)) continue;
    const result = await runAgentTask(core, spec, name, { timeBudgetMs: TIMEOUT_MS });
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
      output.report?.measure === undefined ? '-' : `${output.report.measure.value.toFixed(2)} ${output.report.measure.name}`,
      reward.toFixed(3),
      result.success ? (score?.missed.map((d) => d.id).join(' ') ?? 'uncatalogued') : result.errors.join('; ').slice(0, 80),
    ]);
  }
}
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd());
