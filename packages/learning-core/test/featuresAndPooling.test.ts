import { describe, expect, it } from 'vitest';
import {
  FEATURE_GROUPS,
  FeatureBackoff,
  featureBuckets,
  featureCode,
  LearningError,
  createRandom,
  standardNormal,
  type LearningEngine,
  type SharedStatistics,
  type StateRow,
} from '@qe-fleet/learning-core';
import { openEngine, openMemory } from './engineHelpers.js';

/** One state row of one arm: `n` rewards of mean `mean` (noise sd 0.2) in the state with these buckets. */
function observed(random: () => number, buckets: number[], n: number, mean: number): StateRow {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += mean + 0.2 * standardNormal(random);
  return { buckets, trials: [n], sums: [sum] };
}

/** State rows of one arm: for each combination of complexity bucket and load bucket, n rewards. */
function rows(n: number, mean: (complexity: number, load: number) => number, seed = 1): StateRow[] {
  const random = createRandom(seed);
  const out: StateRow[] = [];
  for (let c = 0; c < 5; c++) {
    for (let r = 0; r < 4; r++) out.push(observed(random, [c, 1, 0, 2, r], n, mean(c, r)));
  }
  return out;
}

function fit(data: StateRow[]): FeatureBackoff {
  const trials = data.reduce((s, r) => s + r.trials[0]!, 0);
  const mean = data.reduce((s, r) => s + r.sums[0]!, 0) / trials;
  return FeatureBackoff.fit([{ mean, variance: 0.04, trials }], data);
}

describe('FeatureBackoff: a feature splits the evidence only when it matters', () => {
  it('pools every state when no feature matters (a noisy load reading splits nothing)', () => {
    const model = fit(rows(30, () => 0.6));
    for (let c = 0; c < 5; c++) {
      for (let r = 0; r < 4; r++) {
        const { mean, variance } = model.estimate(0, [c, 1, 0, 2, r]);
        expect(Math.abs(mean - 0.6)).toBeLessThan(0.03);
        // as sure as the whole type's 600 trials, not as one state's 30
        expect(variance).toBeLessThan(0.04 / 200);
      }
    }
  });

  it('follows a feature that matters, and only that one', () => {
    const model = fit(rows(30, (c) => (c >= 2 ? 0.8 : 0.4)));
    for (let r = 0; r < 4; r++) {
      expect(model.estimate(0, [0, 1, 0, 2, r]).mean).toBeCloseTo(0.4, 1);
      expect(model.estimate(0, [4, 1, 0, 2, r]).mean).toBeCloseTo(0.8, 1);
    }
    // a time-limit group never seen (limits over a minute) is uncertain (it may differ), not as sure as the type
    const random = createRandom(2);
    const timed = [0, 1, 2].map((t) => observed(random, [1, 1, 0, t, 2], 30, t === 0 ? 0.4 : 0.8));
    expect(fit(timed).estimate(0, [1, 1, 0, 4, 2]).variance).toBeGreaterThan(0.01);
  });

  it('fits a feature on its halves: a rarely seen bucket follows its half, and complexity 0.45 and 0.55 fall apart', () => {
    // retried tasks (attempt buckets 1-3) do better than first attempts; the third retry is rare
    const random = createRandom(5);
    const data = [0, 1, 2, 3].map((a) => observed(random, [1, 1, a, 0, 2], a === 3 ? 2 : 40, a === 0 ? 0.4 : 0.8));
    const model = fit(data);
    expect(model.estimate(0, [1, 1, 0, 0, 2]).mean).toBeCloseTo(0.4, 1);
    // bucket by bucket, its 2 trials would be shrunk most of the way to the type's mean (0.7)
    expect(model.estimate(0, [1, 1, 3, 0, 2]).mean).toBeGreaterThan(0.77);
    const bucket = (complexity: number) => featureBuckets(featureCode({ taskType: 't', taskComplexity: complexity, requiredCapabilities: [], contextFeatures: {}, previousAttempts: 0, availableResources: 1 }))[0]!;
    expect(FEATURE_GROUPS[0]![bucket(0.45)]).not.toBe(FEATURE_GROUPS[0]![bucket(0.55)]);
  });

  it('learns a strategy that does well when a task is complex or retried, not twice as well when it is both', () => {
    // not additive: 0.4 on simple first attempts, 0.8 as soon as either feature is high
    const random = createRandom(4);
    const truth = (complex: boolean, retried: boolean) => (complex || retried ? 0.8 : 0.4);
    const data: StateRow[] = [];
    for (const complex of [false, true]) {
      for (const retried of [false, true]) {
        for (let r = 0; r < 4; r++) data.push(observed(random, [complex ? 3 : 1, 1, retried ? 1 : 0, 2, r], 50, truth(complex, retried)));
      }
    }
    const model = fit(data);
    // an additive model is 0.1 off in every cell (0.5, 0.7, 0.7, 0.9)
    for (const complex of [false, true]) {
      for (const retried of [false, true]) expect(Math.abs(model.estimate(0, [complex ? 3 : 1, 1, retried ? 1 : 0, 2, 0]).mean - truth(complex, retried))).toBeLessThan(0.04);
    }
  });

  it('does not count one piece of information twice when two features carry it', () => {
    // capability bucket = complexity bucket's half: the same split seen through two features
    const random = createRandom(3);
    const data: StateRow[] = [];
    for (const high of [false, true]) {
      for (let r = 0; r < 4; r++) data.push(observed(random, [high ? 4 : 0, high ? 3 : 1, 0, 2, r], 50, high ? 0.8 : 0.4));
    }
    const model = fit(data);
    expect(model.estimate(0, [4, 3, 0, 2, 0]).mean).toBeCloseTo(0.8, 1);
    expect(model.estimate(0, [0, 1, 0, 2, 0]).mean).toBeCloseTo(0.4, 1);
  });
});

/** `n` tasks of `strategy` with reward-relevant outcome `success` (drawn with probability `p`). */
function feed(engine: LearningEngine, strategy: string, n: number, p: number, seed: number, start = 0): void {
  const random = createRandom(seed);
  for (let i = start; i < start + n; i++) {
    const success = random() < p;
    engine.learnFromExecution({ id: `${strategy}-${i}`, type: 'unit-test' }, { strategy, success, executionTime: 1000, errors: success ? [] : ['e'] });
  }
}

const probe = (engine: LearningEngine) => engine.recommendStrategy(engine.extractTaskState({ id: 'probe', type: 'unit-test' }));

describe('pooling sufficient statistics', () => {
  it("exports the agent's own evidence per state and strategy, with the type's sums of squares", () => {
    const engine = openEngine(openMemory());
    feed(engine, 'best', 20, 0.8, 1);
    const stats = engine.exportStatistics();
    expect(stats).toMatchObject({ version: 1, source: 'agent-1' });
    const typeRow = stats.rows['unit-test|*']!['best']!;
    expect(typeRow).toHaveLength(3);
    expect(typeRow[0]).toBeGreaterThan(19);
    expect(typeRow[0]).toBeLessThanOrEqual(20);
    const stateRows = Object.entries(stats.rows).filter(([key]) => !key.endsWith('|*'));
    expect(stateRows.reduce((s, [, arms]) => s + arms['best']![0], 0)).toBeCloseTo(typeRow[0], 3);
    expect(stats.rows['unit-test|*']!['slow']).toBeUndefined();
  });

  it('lets a cold-start agent start from its peers, and re-importing replaces instead of adding', () => {
    const memory = openMemory();
    const peer = openEngine(memory, {}, { agentId: 'peer' });
    feed(peer, 'slow', 60, 0.2, 1);
    feed(peer, 'medium', 60, 0.5, 2);
    feed(peer, 'best', 60, 0.9, 3);
    const fresh = openEngine(memory, {}, { agentId: 'fresh' });
    expect(probe(fresh).confidence).toBe(0);
    expect(fresh.importStatistics(peer.exportStatistics())).toBe(true);
    const first = probe(fresh);
    expect(first.strategy).toBe('best');
    expect(first.confidence).toBeGreaterThan(0.9);
    expect(fresh.importStatistics(peer.exportStatistics())).toBe(true);
    expect(probe(fresh)).toEqual(first);
    // never its own statistics
    expect(peer.importStatistics(peer.exportStatistics())).toBe(false);
  });

  it("never lets imported evidence outweigh the agent's own, and drops what its own data contradict", () => {
    const memory = openMemory();
    const peer = openEngine(memory, {}, { agentId: 'peer' });
    feed(peer, 'best', 400, 0.95, 1);
    feed(peer, 'medium', 400, 0.5, 2);
    const agent = openEngine(memory, {}, { agentId: 'agent-1' });
    feed(agent, 'medium', 40, 0.5, 3);
    feed(agent, 'best', 40, 0.1, 4);
    agent.importStatistics(peer.exportStatistics());
    const rec = probe(agent);
    // 'best' is bad for this agent (a drift it saw, or another project): its own evidence wins
    expect(rec.strategy).toBe('medium');
    const trials = (name: string): number => Number(new RegExp(`${name}(?: expects)? [0-9.]+ over ([0-9.]+)`).exec(rec.reasoning)?.[1] ?? Number.NaN);
    // medium agrees with the peer: imported trials count, but at most as many as its own 40
    expect(trials('medium')).toBeGreaterThan(40);
    expect(trials('medium')).toBeLessThanOrEqual(81);
  });

  it('keeps imports across a restart and refuses malformed statistics with INVALID_STATISTICS', () => {
    const memory = openMemory();
    const peer = openEngine(memory, {}, { agentId: 'peer' });
    feed(peer, 'best', 30, 0.9, 1);
    const agent = openEngine(memory, {}, { agentId: 'agent-1' });
    agent.importStatistics(peer.exportStatistics());
    const before = probe(agent);
    const again = openEngine(memory, {}, { agentId: 'agent-1' });
    expect(probe(again)).toEqual(before);
    const good = peer.exportStatistics();
    const bad: unknown[] = [
      { ...good, version: 2 },
      { ...good, source: '' },
      { ...good, source: '../x' },
      { ...good, rows: { 'no-key': {} } },
      { ...good, rows: { 'unit-test|*': { best: [1, 2] } } },
      { ...good, rows: { 'unit-test|*': { best: [-1, 0] } } },
    ];
    for (const stats of bad) {
      try {
        agent.importStatistics(stats as SharedStatistics);
        throw new Error(`accepted ${JSON.stringify(stats)}`);
      } catch (error) {
        expect(error).toBeInstanceOf(LearningError);
        expect((error as LearningError).code).toBe('INVALID_STATISTICS');
      }
    }
  });
});
