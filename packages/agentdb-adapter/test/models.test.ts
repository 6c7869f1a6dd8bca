import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRandom, LearningEngine, TYPE_LEVEL, unregisterAlgorithm } from '@qe-fleet/learning-core';
import { SwarmMemoryManager } from '@qe-fleet/memory';
import {
  AgentDBError,
  createAgentDBAdapter,
  DecisionTransformerAlgorithm,
  FederatedLearning,
  logsFromExperiences,
  MemoryFederatedStore,
  registerAgentDBAlgorithms,
  type DecisionTransformerTrained,
  type EngineLogEntry,
} from '@qe-fleet/agentdb-adapter';

const STRATEGIES = ['a', 'b', 'c'];
let dir: string;
let logged: EngineLogEntry[];
let trained: Awaited<ReturnType<ReturnType<typeof createAgentDBAdapter>['train']>>;

/** 200 decisions of a real engine ('b' best) as off-policy logs; one decision transformer trained on them by train({ logs, saveAs }) and kept in a file. */
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'agentdb-models-'));
  const memory = new SwarmMemoryManager(':memory:');
  memory.initialize();
  let now = 1_000;
  const engine = new LearningEngine('agent', memory, { strategies: STRATEGIES, clock: () => now, random: createRandom(1), resources: () => 0.5 });
  engine.initialize();
  const outcomes = createRandom(2);
  for (let i = 0; i < 200; i++) {
    now += 1_000;
    const task = { id: `t${i}`, type: 'unit', capabilities: ['x'] };
    const s = engine.selectStrategy(engine.extractTaskState(task));
    engine.learnFromExecution(task, { strategy: s.strategy, success: outcomes() < (s.strategy === 'b' ? 0.9 : 0.3), executionTime: 1_000 });
  }
  logged = logsFromExperiences(engine.getState().experiences, STRATEGIES).logged;
  memory.close();
  const db = createAgentDBAdapter({ dbPath: join(dir, 'a.agentdb'), clock: () => 5_000 });
  trained = await db.train({ logs: { logged, strategies: STRATEGIES }, saveAs: 'decision-transformer/agent', epochs: 3 });
  db.close();
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('trained models kept in the AgentDB file', () => {
  it('train({ logs, saveAs }) keeps the engine-feature model with what it was trained on; a reopened file loads it and an engine runs it', () => {
    expect(trained.saved).not.toBeNull();
    const db = createAgentDBAdapter({ dbPath: join(dir, 'a.agentdb') });
    const stored = db.loadModel('decision-transformer/agent')!;
    expect(stored.kind).toBe('decision-transformer');
    expect(stored.version).toBe(1);
    expect(stored.info.strategies).toEqual(STRATEGIES);
    expect(stored.info.features).toBe('engine-context');
    // The held-out tail is never trained on: trainedThrough is the last trained step's time.
    expect(stored.info.trainSteps).toBe(160);
    expect(stored.info.trainedThrough).toBe(logged[159]!.timestamp);
    expect(stored.model).toEqual(JSON.parse(JSON.stringify(trained.model)));
    expect(db.loadModel('nothing')).toBeNull();
    db.saveModel('decision-transformer/agent', 'decision-transformer', trained.model, { strategies: STRATEGIES });
    expect(db.loadModel('decision-transformer/agent')!.version).toBe(2);
    db.close();
    // It plays its argmax, so the probability it reports (the engine's propensity) is that indicator.
    const policy = new DecisionTransformerAlgorithm(stored.model as DecisionTransformerTrained, STRATEGIES);
    const ctx = logged.at(-1)!.context;
    const p = policy.probabilities(ctx);
    expect(p.filter((x) => x === 1)).toHaveLength(1);
    expect(p.indexOf(1)).toBe(policy.select(ctx));
    expect(p.reduce((s, x) => s + x, 0)).toBe(1);
  });

  it('registerAgentDBAlgorithms resolves each engine’s model by its strategies, and a missing one is a typed refusal', () => {
    const memory = new SwarmMemoryManager(':memory:');
    memory.initialize();
    try {
      registerAgentDBAlgorithms({
        decisionTransformer: (arms) => {
          if (arms.join() !== STRATEGIES.join()) throw new AgentDBError('MODEL_NOT_FOUND', `no model for ${arms.join()}`);
          return { model: trained.model };
        },
      });
      const engine = new LearningEngine('dt', memory, { strategies: STRATEGIES, config: { algorithm: 'decision-transformer' } });
      engine.initialize();
      const selection = engine.selectStrategy(engine.extractTaskState({ id: 'x', type: 'unit', capabilities: ['x'] }));
      expect(STRATEGIES).toContain(selection.strategy);
      expect(() => new LearningEngine('other', memory, { strategies: ['p', 'q'], config: { algorithm: 'decision-transformer' } })).toThrow(/no model for p,q/);
    } finally {
      unregisterAlgorithm('decision-transformer');
      memory.close();
    }
  });
});

describe('MemoryFederatedStore and federated members', () => {
  it('keeps one row per member in the memory database, counts rounds, and a member uses the others’ statistics from construction and after a clear', () => {
    const memory = new SwarmMemoryManager(join(dir, 'fleet.db'));
    memory.initialize();
    const store = new MemoryFederatedStore(memory, { clock: () => 42 });
    const rows = { [String(TYPE_LEVEL)]: [100, 95, 92, 100, 10, 5, 100, 10, 5] };
    store.publishModel('qe-fleet/x', 'host-1/x', { strategies: STRATEGIES, rows });
    store.publishModel('qe-fleet/x', 'host-1/x', { strategies: STRATEGIES, rows });
    // Another federation whose name starts alike stays apart.
    store.publishModel('qe-fleet/x2', 'host-9/x', { strategies: STRATEGIES, rows: {} });
    expect(store.readModels('qe-fleet/x')).toEqual([{ member: 'host-1/x', model: { strategies: STRATEGIES, rows }, round: 2, updatedAt: 42 }]);
    expect(() => store.publishModel('', 'm', {})).toThrow(AgentDBError);
    const member = new FederatedLearning(STRATEGIES, createRandom(1), { store, federation: 'qe-fleet/x', member: 'host-2/x', roundEvery: 1 });
    const ctx = { state: 7, type: TYPE_LEVEL };
    // The others' 'a' (mean 0.95 over 100) is in the estimate before any round, and still after the engine clears this member.
    const lead = (): number => member.estimates(ctx)[0]!.mean - Math.max(member.estimates(ctx)[1]!.mean, member.estimates(ctx)[2]!.mean);
    expect(lead()).toBeGreaterThan(0.5);
    member.clear();
    expect(lead()).toBeGreaterThan(0.5);
    member.update(ctx, 1, 0.5);
    expect(store.readModels('qe-fleet/x').map((m) => m.member)).toEqual(['host-1/x', 'host-2/x']);
    memory.close();
  });

  it('leaves out statistics no rewards in [0, 1] can produce', () => {
    const memory = new SwarmMemoryManager(':memory:');
    memory.initialize();
    const store = new MemoryFederatedStore(memory);
    // Arm 'a': squares > sum (impossible for rewards <= 1); arms 'b', 'c' valid and poor.
    store.publishModel('f', 'bad', { strategies: STRATEGIES, rows: { [String(TYPE_LEVEL)]: [1000, 990, 995, 1000, 100, 20, 1000, 100, 20] } });
    const member = new FederatedLearning(STRATEGIES, createRandom(1), { store, federation: 'f', member: 'me' });
    const e = member.estimates({ state: 7, type: TYPE_LEVEL });
    expect(e[0]!.trials).toBe(0);
    expect(e[1]!.trials).toBeGreaterThan(0);
    memory.close();
  });
});
