import { describe, expect, it } from 'vitest';
import { LearningError, SCENARIO_NAMES, Simulator, getScenario, type LearningTask, type TaskScheduler } from '@qe-fleet/learning-core';

describe('Simulator', () => {
  it('replays a run exactly from its seed, and another seed changes it', async () => {
    const options = { scenario: 'drift', days: 1, tasksPerHour: 4, agentsPerType: 2, seed: 7, trackPerformance: false } as const;
    const first = await new Simulator(options).run();
    const second = await new Simulator(options).run();
    expect(second).toEqual(first);
    const other = await new Simulator({ ...options, seed: 8 }).run();
    expect(other.agents[0]!.strategyChoices).not.toEqual(first.agents[0]!.strategyChoices);
  });

  it('gives the oracle NS = 1 in every scenario, day and drift day', async () => {
    for (const scenario of SCENARIO_NAMES) {
      const result = await new Simulator({ scenario, policy: 'oracle', days: 12, agentsPerType: 1, trackPerformance: false }).run();
      expect(result.normalizedScore, scenario).toBeCloseTo(1, 12);
      expect(result.firstDayNormalizedScore, scenario).toBeCloseTo(1, 12);
      if (result.driftDayNormalizedScore !== null) expect(result.driftDayNormalizedScore).toBeCloseTo(1, 12);
      for (const day of result.agents[0]!.days) expect(day.normalizedScore).toBeCloseTo(1, 12);
    }
  });

  it('gives uniform random NS close to 0 (R_random is the mean arm, not a sampled run)', async () => {
    const result = await new Simulator({ scenario: 'many-types', policy: 'uniform-random', seed: 3, trackPerformance: false }).run();
    expect(result.totalTasks).toBe(3 * 30 * 24 * 10);
    expect(Math.abs(result.normalizedScore)).toBeLessThan(0.03);
  });

  it('switches the best arm at the drift day the scenario states', async () => {
    const drift = getScenario('drift').drifts[0]!;
    const result = await new Simulator({ scenario: 'drift', policy: 'oracle', days: 12, agentsPerType: 1, trackPerformance: false }).run();
    expect(result.scenario.driftDays).toEqual([drift.atDay]);
    const best = (fromDay: number): string | undefined =>
      result.hiddenRewards.find((r) => r.fromDay === fromDay && r.best)?.strategy;
    expect(best(0)).toBe('coverage-guided');
    expect(best(drift.atDay)).toBe('property-based');
    for (const day of result.agents[0]!.days) {
      const expected = day.day <= drift.atDay ? 'coverage-guided' : 'property-based';
      expect(Object.keys(day.strategyChoices), `day ${day.day}`).toEqual([expected]);
    }
  });

  it('gives every policy the same tasks for a seed', async () => {
    const [oracle, random] = await Promise.all(
      (['oracle', 'uniform-random'] as const).map((policy) =>
        new Simulator({ scenario: 'many-types', policy, days: 2, seed: 5, trackPerformance: false }).run(),
      ),
    );
    const oracleRewards = oracle!.agents.map((a) => a.days.map((d) => d.oracleReward));
    expect(random!.agents.map((a) => a.days.map((d) => d.oracleReward))).toEqual(oracleRewards);
  });

  it('learns faster on day 1 when agents pool their patterns', async () => {
    // Same six agents and task streams; only the half-hourly pattern exchange differs.
    const run = (pooled: boolean) =>
      new Simulator({
        scenario: 'stationary',
        days: 1,
        agentsPerType: 6,
        shareEveryHours: 0.5,
        pooled,
        seed: 6,
        trackPerformance: false,
      }).run();
    const [pooled, alone] = await Promise.all([run(true), run(false)]);
    expect(pooled.pooled).toBe(true);
    expect(alone.pooled).toBe(false);
    expect(pooled.firstDayNormalizedScore).toBeGreaterThan(alone.firstDayNormalizedScore);
  });

  it('makes the engine beat uniform random in a short run', async () => {
    const options = { scenario: 'stationary', days: 2, agentsPerType: 1, pooled: false, seed: 2 } as const;
    const engine = await new Simulator(options).run();
    const random = await new Simulator({ ...options, policy: 'uniform-random' }).run();
    expect(engine.normalizedScore).toBeGreaterThan(random.normalizedScore + 0.3);
    expect(engine.agents[0]!.days[1]!.improvementRate).not.toBeNull();
  });

  it('refuses bad options with a LearningError', () => {
    const bad = [
      { scenario: 'nope' },
      { days: 0 },
      { days: 0.001 },
      { tasksPerHour: -1 },
      { agents: [] },
      { agents: ['test-generator', 'test-generator'] },
      { agentsPerType: 1.5 },
      { seed: 0.5 },
      { shareEveryHours: 0 },
      { policy: 'ucb1', algorithm: 'ucb1' },
      { scheduler: { lookahead: 0, order: (_: string, t: readonly LearningTask[]) => [...t], observe() {} } },
    ] as const;
    for (const options of bad) {
      expect(() => new Simulator(options as never), JSON.stringify(options)).toThrow(LearningError);
    }
  });

  it("runs each agent's queue in its scheduler's order; a scheduler that keeps the arrival order changes nothing", async () => {
    const options = { scenario: 'many-types', days: 1, tasksPerHour: 4, agentsPerType: 2, seed: 5, trackPerformance: false } as const;
    const seen: Array<{ agent: string; id: string; type: string; success: boolean }> = [];
    const scheduler = (order: (tasks: readonly LearningTask[]) => LearningTask[]): TaskScheduler => ({
      lookahead: 8,
      order: (_agent, tasks) => order(tasks),
      observe: (agent, task, success) => seen.push({ agent, id: task.id, type: task.type, success }),
    });
    const plain = await new Simulator(options).run();
    expect(await new Simulator({ ...options, scheduler: scheduler((tasks) => [...tasks]) }).run()).toEqual(plain);
    const arrival = seen.splice(0).filter((s) => s.agent === 'test-generator-1');
    expect(arrival.map((s) => s.id).slice(0, 3)).toEqual(['test-generator-1-task-0', 'test-generator-1-task-1', 'test-generator-1-task-2']);
    // Each queue of 8 runs backwards: the same tasks (and load readings), in another order.
    const reversed = await new Simulator({ ...options, scheduler: scheduler((tasks) => [...tasks].reverse()) }).run();
    const run = seen.filter((s) => s.agent === 'test-generator-1');
    expect(run.map((s) => s.id).slice(0, 9)).toEqual([7, 6, 5, 4, 3, 2, 1, 0, 15].map((i) => `test-generator-1-task-${i}`));
    expect(run.map((s) => s.type).sort()).toEqual(arrival.map((s) => s.type).sort());
    expect(reversed.totalTasks).toBe(plain.totalTasks);
    await expect(new Simulator({ ...options, scheduler: scheduler((tasks) => tasks.slice(1)) }).run()).rejects.toThrow(/permutation/);
  });
});
