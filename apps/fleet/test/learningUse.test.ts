import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPilotAgents } from '@qe-fleet/agents';
import { AGENTDB_ALGORITHMS, MemoryFederatedStore } from '@qe-fleet/agentdb-adapter';
import { LearningEngine, TYPE_LEVEL, createRandom, unregisterAlgorithm, type TaskExperience } from '@qe-fleet/learning-core';
import { SwarmMemoryManager } from '@qe-fleet/memory';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareChosenAlgorithms, recordAlgorithmChoice } from '../src/algorithmChoice.js';
import { cli } from './cliHarness.js';

const AGENT = 'code-reviewer';
let dir: string;
let db: string;
let project: string;
let strategies: string[];

interface Step {
  code: number;
  out: string;
  err: string;
}
const steps: Record<string, Step> = {};
const after: Record<string, { algorithm?: string; last?: TaskExperience; experiences: number; federation: Array<{ member: string; round: number; model: unknown }> }> = {};

/** What the database says after a step: the engine's recorded algorithm, its newest experience, the federation rows. */
function inspect(): (typeof after)[string] {
  const memory = new SwarmMemoryManager(db);
  memory.initialize();
  try {
    const meta = memory.retrieve(`phase2/learning/${AGENT}/meta`, { partition: 'learning' }) as { algorithm?: string } | null;
    const prefix = `phase2/learning/${AGENT}/experiences/`;
    const experiences = memory
      .query(`${prefix}%`, { partition: 'learning' })
      .map((e) => e.value as TaskExperience & { seq: number })
      .sort((a, b) => a.seq - b.seq);
    const federation = new MemoryFederatedStore(memory).readModels(`qe-fleet/${AGENT}`);
    return { ...(meta?.algorithm === undefined ? {} : { algorithm: meta.algorithm }), ...(experiences.length === 0 ? {} : { last: experiences.at(-1)! }), experiences: experiences.length, federation };
  } finally {
    memory.close();
  }
}

const run = (): Promise<Step> => cli(['run', '--target', project, '--db', db, '--json', '--no-cache', '--agents', AGENT], dir);
const evaluateUse = (algorithm: string): Promise<Step> => cli(['--db', db, 'learning', 'evaluate', '--agent', AGENT, '--algorithm', algorithm, '--use', algorithm, '--force'], dir);

/**
 * 240 logged decisions of the default engine for the code-reviewer (its own strategies, all alike,
 * so the default stays unsure), then, on one small project: federated-learning chosen with --use
 * --force while another fleet's member published that 'changed-files' is far best; then the
 * decision transformer refused before it is trained, trained, chosen and run. The engine's meta
 * names its algorithm only at a checkpoint (every 256 tasks), so the witnesses are what each
 * algorithm leaves: the federation row the run published, the strategy it followed, and the
 * transformer's deterministic propensity.
 */
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'qe-use-'));
  db = join(dir, 'fleet.db');
  project = join(dir, 'app');
  mkdirSync(join(project, 'src'), { recursive: true });
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', type: 'module' }));
  writeFileSync(join(project, 'src', 'index.js'), 'export function add(a, b) {\n  return a + b;\n}\n');
  const memory = new SwarmMemoryManager(db);
  memory.initialize();
  memory.registerAgent({ id: AGENT, type: AGENT, capabilities: [AGENT], status: 'active', performance: {} });
  strategies = (await createPilotAgents({ ids: [AGENT], memory }))[0]!.core.strategies.map((s) => s.name);
  let now = 1_700_000_000_000;
  const engine = new LearningEngine(AGENT, memory, { strategies, clock: () => now, random: createRandom(3), resources: () => 0.5 });
  engine.initialize();
  const outcomes = createRandom(4);
  for (let i = 0; i < 240; i++) {
    now += 60_000;
    const task = { id: `t${i}`, type: 'qe-run', capabilities: [AGENT] };
    const s = engine.selectStrategy(engine.extractTaskState(task));
    // Every strategy alike: the default engine stays unsure (its logged propensities stay well below 1).
    const rate = 0.6;
    engine.learnFromExecution(task, { strategy: s.strategy, success: outcomes() < rate, executionTime: 2000 + 4000 * outcomes() });
  }
  // Another fleet's member of the federation: per row key, [n, sum, squares] per strategy in its order.
  const others = strategies.flatMap((s) => (s === 'changed-files' ? [5000, 4950, 4925] : [5000, 250, 63]));
  new MemoryFederatedStore(memory).publishModel(`qe-fleet/${AGENT}`, 'other-host/code-reviewer', { strategies, rows: { [String(TYPE_LEVEL)]: others } });
  memory.close();
  after.seeded = inspect();

  steps.useFederated = await evaluateUse('federated-learning');
  steps.runFederated = await run();
  after.runFederated = inspect();

  steps.useUntrained = await cli(['--db', db, 'learning', 'evaluate', '--agent', AGENT, '--use', 'decision-transformer'], dir);
  steps.train = await cli(['--db', db, '--json', 'learning', 'train', '--agent', AGENT, '--epochs', '3'], dir);
  steps.useTransformer = await evaluateUse('decision-transformer');
  steps.runTransformer = await run();
  after.runTransformer = inspect();
}, 240_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('learning evaluate --use, then qe-fleet run, runs the chosen algorithm', () => {
  it('federated-learning: the run follows the federation’s statistics and publishes its own', () => {
    expect(after.seeded!.algorithm).toBe('discounted-thompson');
    expect(steps.useFederated!.err).toBe('');
    expect(steps.useFederated!.out).toMatch(/now runs federated-learning/);
    expect(steps.runFederated!.err).toBe('');
    const summary = JSON.parse(steps.runFederated!.out) as { agents: Array<{ agent: string; strategy: string }> };
    // Only the federation says 'changed-files' (the agent's own 240 decisions favour no strategy).
    expect(summary.agents.find((a) => a.agent === AGENT)!.strategy).toBe('changed-files');
    const state = after.runFederated!;
    expect(state.experiences).toBe(241);
    expect(state.last!.action).toBe('changed-files');
    expect(state.last!.propensity).toBeGreaterThan(0.9);
    const own = state.federation.find((m) => m.member === `${hostname()}/${AGENT}`);
    expect(own?.round).toBeGreaterThanOrEqual(1);
    const rows = (own!.model as { rows: Record<string, number[]> }).rows;
    const changed = strategies.indexOf('changed-files');
    // This member's own statistics (its single run), never the other member's.
    expect(rows[String(TYPE_LEVEL)]![changed * 3]).toBeGreaterThanOrEqual(1);
    expect(rows[String(TYPE_LEVEL)]![changed * 3]).toBeLessThan(5000);
  });

  it('decision-transformer: refused until trained (naming the command), then kept, chosen and run deterministically', () => {
    expect(steps.useUntrained!.code).toBe(2);
    expect(steps.useUntrained!.err).toMatch(/no decision-transformer model is trained for code-reviewer.*qe-fleet learning train --agent code-reviewer/);
    expect(steps.train!.err).toBe('');
    const trained = JSON.parse(steps.train!.out) as { trainSteps: number; heldOutSteps: number; lossByEpoch: number[]; heldOutAccuracy: number; model: { version: number } };
    expect(trained.trainSteps + trained.heldOutSteps).toBe(241);
    expect(trained.lossByEpoch).toHaveLength(3);
    expect(trained.model.version).toBe(1);
    expect(steps.useTransformer!.err).toBe('');
    expect(steps.useTransformer!.out).toMatch(/kept model v1, estimated on the \d+ decisions it was not trained on/);
    expect(steps.useTransformer!.out).toMatch(/now runs decision-transformer/);
    expect(steps.runTransformer!.err).toBe('');
    const state = after.runTransformer!;
    expect(state.experiences).toBe(242);
    // It plays its argmax: the logged propensity is exactly 1; the default engine's, on these logs, a Thompson probability well below.
    expect(state.last!.propensity).toBe(1);
    expect(after.seeded!.last!.propensity).toBeLessThan(0.9);
  });

  it('a fresh `qe-fleet run` process runs any of the nine chosen with --use, though their names are known only once agentdb-adapter is loaded', async () => {
    // As in a new process: the commands above registered agentdb-adapter's algorithms in this one.
    for (const name of AGENTDB_ALGORITHMS) unregisterAlgorithm(name);
    const memory = new SwarmMemoryManager(db);
    memory.initialize();
    try {
      recordAlgorithmChoice(memory, AGENT, { algorithm: 'active-learning' });
      expect(await prepareChosenAlgorithms(memory, [AGENT], db)).toEqual(new Map([[AGENT, 'active-learning']]));
      expect(await prepareChosenAlgorithms(memory, ['security-scanner'], db)).toEqual(new Map());
    } finally {
      memory.close();
    }
  });
});
