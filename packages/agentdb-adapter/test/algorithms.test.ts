import { describe, expect, it } from 'vitest';
import { createRandom, type ArmContext, type LearningTask } from '@qe-fleet/learning-core';
import {
  AGENTDB_ALGORITHMS,
  ActiveLearning,
  ActorCritic,
  AgentDBError,
  CurriculumLearning,
  CurriculumScheduler,
  Exp3,
  FederatedLearning,
  MultiTaskLearning,
  Sarsa,
  createAgentDBAdapter,
  createAgentDBAlgorithm,
  type AgentDBAlgorithm,
} from '@qe-fleet/agentdb-adapter';
import { runHarness } from '../bench/harness.js';

const ARMS = ['a', 'b', 'c'];
const ctx = (type = 0, state = 0): ArmContext => ({ state: type * 1601 + state, type: type * 1601 + 1600 });
const STRATEGIES = ['template-based', 'boundary-value', 'property-based', 'mutation-guided', 'coverage-guided'];

function make(name: (typeof AGENTDB_ALGORITHMS)[number], random = createRandom(1)): AgentDBAlgorithm {
  const store = createAgentDBAdapter({ dbPath: ':memory:' });
  return createAgentDBAlgorithm(name, STRATEGIES, random, { 'federated-learning': { store, federation: 'f', member: 'm' } });
}

describe('every algorithm', () => {
  // EXP3 pays for its worst-case guarantee with slow learning: it gets 30 days, the others 3.
  it.each(AGENTDB_ALGORITHMS)('%s beats uniform random in the stationary world (seed 2)', async (name) => {
    const days = name === 'adversarial-training' ? 30 : 3;
    const result = await runHarness({ scenario: 'stationary', seed: 2, days, make: (_, random) => make(name, random) });
    expect(result.normalizedScore).toBeGreaterThan(0.1);
  });

  it.each(AGENTDB_ALGORITHMS)('%s gives selection probabilities that sum to 1, and restores its rows', (name) => {
    const alg = make(name);
    const random = createRandom(3);
    for (let i = 0; i < 200; i++) {
      const c = ctx(i % 2);
      const arm = alg.select(c, alg.estimates(c), 0.1);
      alg.update(c, arm, arm === 4 ? 0.9 : random() * 0.6, null);
      if (i > 0) alg.link(ctx((i - 1) % 2), 0, 0.5, c);
    }
    const p = alg.probabilities(ctx(0), 0.1);
    expect(p).toHaveLength(5);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    expect(p.every((x) => x >= 0)).toBe(true);
    const copy = make(name);
    for (const code of alg.rowCodes()) copy.restoreRow(code, JSON.parse(JSON.stringify(alg.serializeRow(code))));
    expect(copy.estimates(ctx(0)).map((e) => e.mean.toFixed(5))).toEqual(alg.estimates(ctx(0)).map((e) => e.mean.toFixed(5)));
  });

  it('refuses an unknown algorithm and federated learning without a store', () => {
    expect(() => createAgentDBAlgorithm('nope' as 'sarsa', ARMS, Math.random)).toThrow(AgentDBError);
    expect(() => createAgentDBAlgorithm('federated-learning', ARMS, Math.random)).toThrow(AgentDBError);
    expect(() => new Sarsa(['a'], Math.random)).toThrow(AgentDBError);
  });
});

describe('Sarsa', () => {
  it('bootstraps from the strategy the next task ran, not the best one', () => {
    const sarsa = new Sarsa(ARMS, createRandom(1), { discountFactor: 0.5, learningRate: 1 });
    const s = ctx(0, 1);
    const next = ctx(0, 2);
    sarsa.update(next, 0, 1, null); // deferred: discount > 0 needs the next state
    sarsa.link(next, 0, 1, s); // Q(next, 0) = 0.5 * 1 + 0.5 * Q(s, best=0.5) = 0.75
    expect(sarsa.estimates(next)[0]!.mean).toBeCloseTo(0.75, 6);
    // The task in s runs arm 1; the next one, in `next`, runs arm 2 (not the best, 0): the engine
    // calls update for it before it links the task in s.
    expect(sarsa.update(s, 1, 0, null)).toBe(false);
    sarsa.update(next, 2, 0, null);
    sarsa.link(s, 1, 0, next);
    // target = 0.5 * 0 + 0.5 * Q(next, 2) = 0.5 * 0.5 (unvisited), not 0.5 * 0.75 as Q-learning's max would give.
    expect(sarsa.estimates(s)[1]!.mean).toBeCloseTo(0.25, 6);
  });
});

describe('ActorCritic', () => {
  it('moves probability towards an arm that beats the critic’s baseline', () => {
    const ac = new ActorCritic(ARMS, createRandom(1));
    const c = ctx();
    const before = ac.probabilities(c);
    expect(before.every((p) => Math.abs(p - 1 / 3) < 1e-12)).toBe(true);
    for (let i = 0; i < 300; i++) {
      const arm = ac.select(c);
      ac.update(c, arm, arm === 2 ? 0.9 : 0.5, null);
    }
    expect(ac.probabilities(c)[2]).toBeGreaterThan(0.9);
  });
});

describe('Exp3', () => {
  it('keeps every arm at probability >= gamma / K and importance-weights its update', () => {
    const exp3 = new Exp3(ARMS, createRandom(1), { gamma: 0.3 });
    const c = ctx();
    for (let i = 0; i < 500; i++) {
      const arm = exp3.select(c);
      exp3.update(c, arm, arm === 0 ? 1 : 0);
    }
    const p = exp3.probabilities(c);
    expect(p[0]).toBeGreaterThan(0.7);
    expect(Math.min(...p)).toBeGreaterThanOrEqual(0.1 - 1e-9);
  });

  it('updates ln w by gamma * (r / p) / K with the probability it drew from', () => {
    const exp3 = new Exp3(ARMS, createRandom(1), { gamma: 0.3 });
    const c = ctx();
    exp3.select(c);
    exp3.update(c, 1, 1);
    // p = 1/3 at the draw, so ln w_1 = 0.3 * 3 / 3 = 0.3 and the others stay at 0.
    const w = Math.exp(0.3);
    expect(exp3.probabilities(c)[1]).toBeCloseTo(0.7 * (w / (w + 2)) + 0.1, 6);
    expect(exp3.probabilities(c)[0]).toBeCloseTo(0.7 * (1 / (w + 2)) + 0.1, 6);
  });
});

describe('ActiveLearning', () => {
  it('explores the arm whose next observation is most informative, then stops exploring', () => {
    const al = new ActiveLearning(ARMS, createRandom(1), { horizon: 100 });
    const c = ctx();
    for (let i = 0; i < 20; i++) {
      al.update(c, 0, 0.8);
      al.update(c, 1, 0.3);
    }
    al.update(c, 2, 0.6);
    const kg = al.knowledgeGradients(c, al.estimates(c));
    // Arm 2 (one observation, mean close enough to matter) is worth more to learn than arm 1 (clearly worse).
    expect(kg[2]).toBeGreaterThan(kg[1]!);
    expect(al.probabilities(c).reduce((a, b) => a + b, 0)).toBe(1);
    for (let i = 0; i < 200; i++) al.update(c, 0, 0.8);
    expect(al.select(c, al.estimates(c))).toBe(0);
  });
});

describe('CurriculumLearning', () => {
  it('defers a hard experience until the pace admits it, and loses none', () => {
    const cl = new CurriculumLearning(ARMS, createRandom(1), { paceTasks: 40 });
    const c = ctx();
    for (let i = 0; i < 10; i++) cl.update(c, 0, 0.8 + (i % 2) * 0.02);
    cl.update(c, 0, 0); // an outlier far from the mean
    expect(cl.deferred).toBe(1);
    for (let i = 0; i < 40; i++) cl.update(c, 1, 0.5);
    expect(cl.deferred).toBe(0);
    expect(cl.estimates(c)[0]!.trials).toBeCloseTo(11 + Math.min(20, 11), 6);
  });
});

describe('FederatedLearning', () => {
  it('pools model statistics through the store, never raw experiences', () => {
    const store = createAgentDBAdapter({ dbPath: ':memory:' });
    const a = new FederatedLearning(ARMS, createRandom(1), { store, federation: 'f', member: 'a', roundEvery: 10 });
    const b = new FederatedLearning(ARMS, createRandom(2), { store, federation: 'f', member: 'b', roundEvery: 10 });
    const c = ctx();
    for (let i = 0; i < 10; i++) a.update(c, 2, 0.9);
    expect(a.rounds).toBe(1);
    expect(b.estimates(c)[2]!.trials).toBe(0);
    b.round();
    expect(b.estimates(c)[2]!.mean).toBeCloseTo(0.9, 5);
    expect(b.estimates(c)[2]!.trials).toBeGreaterThan(10);
    const published = JSON.stringify(store.readModels('f'));
    expect(published).not.toContain('reward');
    expect(store.readModels('f').map((m) => m.member)).toEqual(['a', 'b']);
    store.close();
  });
});

describe('MultiTaskLearning', () => {
  it('starts a new task type from what the other types learned', () => {
    const mt = new MultiTaskLearning(ARMS, createRandom(1));
    for (let type = 0; type < 3; type++) {
      for (let i = 0; i < 30; i++) {
        mt.update(ctx(type), 0, 0.5 + 0.01 * type);
        mt.update(ctx(type), 1, 0.9 - 0.01 * type);
        mt.update(ctx(type), 2, 0.3);
      }
    }
    const fresh = mt.estimates(ctx(7)).map((e) => e.mean);
    expect(fresh[1]).toBeGreaterThan(fresh[0]!);
    expect(fresh[0]).toBeGreaterThan(fresh[2]!);
    expect(fresh[1]).toBeCloseTo(0.89, 1);
  });
});

describe('CurriculumScheduler', () => {
  const task = (id: string, type: string): LearningTask => ({ id, type });

  it('gives a new agent its queue easiest measured type first, then arrival order once it is no longer new', () => {
    const scheduler = new CurriculumScheduler({ lookahead: 4, newAgentTasks: 3 });
    expect(scheduler.difficulty('never-run')).toBe(0.5);
    // The fleet's record: `lint` always succeeds, `fuzz` always fails, `unit` half the time.
    for (let i = 0; i < 8; i++) {
      scheduler.observe('veteran', task(`l${i}`, 'lint'), true);
      scheduler.observe('veteran', task(`f${i}`, 'fuzz'), false);
      scheduler.observe('veteran', task(`u${i}`, 'unit'), i % 2 === 0);
    }
    expect(scheduler.difficulty('lint')).toBeCloseTo(0.1, 12);
    expect(scheduler.difficulty('fuzz')).toBeCloseTo(0.9, 12);
    const queue = [task('a', 'fuzz'), task('b', 'unit'), task('c', 'lint'), task('d', 'fuzz'), task('e', 'new-type'), task('f', 'lint')];
    expect(scheduler.order('newcomer', queue).map((t) => t.id)).toEqual(['c', 'f', 'b', 'e', 'a', 'd']);
    // The veteran has run 24 tasks: its queue keeps the arrival order.
    expect(scheduler.order('veteran', queue).map((t) => t.id)).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    for (const t of queue.slice(0, 3)) scheduler.observe('newcomer', t, true);
    expect(scheduler.order('newcomer', queue).map((t) => t.id)).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
  });

  it('refuses a window or a novice period that is not a whole number', () => {
    expect(() => new CurriculumScheduler({ lookahead: 0 })).toThrow(AgentDBError);
    expect(() => new CurriculumScheduler({ newAgentTasks: 1.5 })).toThrow(/newAgentTasks/);
  });
});
