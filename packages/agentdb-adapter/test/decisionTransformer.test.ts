import { describe, expect, it } from 'vitest';
import type { ArmEstimate, RandomSource } from '@qe-fleet/learning-core';
import { AgentDBError, DecisionTransformer, decisionTransformerCore, trainDecisionTransformer } from '@qe-fleet/agentdb-adapter';
import { runHarness, type HarnessAlgorithm } from '../bench/harness.js';

const uniform = (random: RandomSource): HarnessAlgorithm => ({
  usesEpsilon: false,
  estimates: (): ArmEstimate[] => [],
  select: () => Math.floor(random() * 5),
  probabilities: () => [0.2, 0.2, 0.2, 0.2, 0.2],
  update: () => true,
  link() {},
});

describe('decision transformer', () => {
  it('backpropagates the exact gradient (central differences agree to 1e-5)', () => {
    const core = decisionTransformerCore();
    const cfg = { features: 3, actions: 4, dModel: 6, dHidden: 5, context: 4, returnHorizon: 1, epochs: 1, batchSize: 2, learningRate: 0.01, seed: 3, heldOut: 0.2 };
    const p = core.init(cfg);
    const steps = [0, 1, 2, 3].map((i) => ({ features: [i / 3, 1 - i / 3, 0.5], action: (i * 3) % 4, reward: i / 4 }));
    const u = core.inputs(cfg, steps, [0.2, 0.5, 0.7, 0.1], 1);
    const targets = [1, -1, 2, 3];
    const zero = (): Record<string, Float64Array> => Object.fromEntries(Object.entries(p).map(([k, v]) => [k, new Float64Array(v.length)]));
    const g = zero();
    core.backward(cfg, p, g, core.forward(cfg, p, u), targets);
    const loss = (): number => core.backward(cfg, p, zero(), core.forward(cfg, p, u), targets);
    let worst = 0;
    for (const k of Object.keys(p)) {
      for (let i = 0; i < p[k]!.length; i += 2) {
        const old = p[k]![i]!;
        p[k]![i] = old + 1e-5;
        const up = loss();
        p[k]![i] = old - 1e-5;
        const down = loss();
        p[k]![i] = old;
        const numeric = (up - down) / 2e-5;
        worst = Math.max(worst, Math.abs(numeric - g[k]![i]!) / Math.max(1e-6, Math.abs(numeric) + Math.abs(g[k]![i]!)));
      }
    }
    expect(worst).toBeLessThan(1e-5);
  });

  it('trains in a worker on logged trajectories, reports loss and held-out accuracy, and plays better than random when asked for a high return', async () => {
    const logs = await runHarness({ scenario: 'stationary', seed: 11, days: 2, log: true, make: (_, r) => uniform(r) });
    const featuresOf = (): number[] => [1];
    const trajectory = logs.log.map((d) => ({ features: featuresOf(), action: d.arm, reward: d.reward }));
    const trained = await trainDecisionTransformer([trajectory], { epochs: 4, context: 4 });
    expect(trained.trainSteps + trained.heldOutSteps).toBe(480);
    expect(trained.lossByEpoch).toHaveLength(4);
    expect(trained.lossByEpoch.at(-1)!).toBeLessThan(trained.lossByEpoch[0]!);
    expect(trained.heldOutAccuracy).toBeGreaterThanOrEqual(0);
    expect(trained.heldOutAccuracy).toBeLessThanOrEqual(1);
    const high = await runHarness({ scenario: 'stationary', seed: 2, days: 2, make: () => new DecisionTransformer(trained, { featuresOf, targetReturn: trained.returnQuantiles.max }) });
    const low = await runHarness({ scenario: 'stationary', seed: 2, days: 2, make: () => new DecisionTransformer(trained, { featuresOf, targetReturn: 0.3 }) });
    expect(high.normalizedScore).toBeGreaterThan(0.1);
    expect(high.normalizedScore).toBeGreaterThan(low.normalizedScore);
  });

  it('refuses malformed trajectories', async () => {
    await expect(trainDecisionTransformer([])).rejects.toBeInstanceOf(AgentDBError);
    await expect(trainDecisionTransformer([[{ features: [1], action: 0, reward: 2 }]])).rejects.toBeInstanceOf(AgentDBError);
    await expect(
      trainDecisionTransformer([[{ features: [1], action: 0, reward: 0.5 }, { features: [1, 2], action: 1, reward: 0.5 }]]),
    ).rejects.toBeInstanceOf(AgentDBError);
  });
});

describe('AgentDBAdapter.train', () => {
  it('trains the transformer on the stored experiences (seed train({ epochs, batchSize }))', async () => {
    const { createAgentDBAdapter } = await import('@qe-fleet/agentdb-adapter');
    const db = createAgentDBAdapter({ dbPath: ':memory:', clock: () => 5 });
    const state = (type: string) => ({ taskType: type, taskComplexity: 0.3, requiredCapabilities: [], contextFeatures: {}, previousAttempts: 0, availableResources: 0.8 });
    await expect(db.train()).rejects.toMatchObject({ code: 'INVALID_EXPERIENCES' });
    for (let i = 0; i < 60; i++) {
      db.insertExperience({ state: state(i % 2 === 0 ? 'unit' : 'api'), strategy: i % 3 === 0 ? 'fast' : 'slow', reward: i % 3 === 0 ? 0.9 : 0.4 });
    }
    const result = await db.train({ epochs: 3, batchSize: 8 });
    expect(result.strategies).toEqual(['fast', 'slow']);
    expect(result.model.lossByEpoch).toHaveLength(3);
    expect(result.loss).toBe(result.model.lossByEpoch[2]);
    expect(result.model.config.features).toBe(85);
    expect(result.model.trainSteps + result.model.heldOutSteps).toBe(60);
    db.close();
  });
});
