import type { SwarmMemoryManager } from '@qe-fleet/memory';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  compositeScore,
  LearningError,
  PerformanceTracker,
  type PerformanceMetricValues,
} from '@qe-fleet/learning-core';
import { openMemory } from './support/stack.js';

const DAY = 24 * 3600 * 1000;
const T0 = Date.UTC(2026, 0, 1, 8);

function metrics(overrides: Partial<PerformanceMetricValues> = {}): PerformanceMetricValues {
  return {
    tasksCompleted: 1,
    successRate: 0.5,
    averageExecutionTime: 30_000,
    errorRate: 0.5,
    userSatisfaction: 0.5,
    resourceEfficiency: 0.5,
    ...overrides,
  };
}

describe('PerformanceTracker', () => {
  let now: number;
  let memory: SwarmMemoryManager;
  const clock = () => now;

  beforeEach(() => {
    now = T0;
    memory = openMemory(clock);
  });
  afterEach(() => memory.close());

  const tracker = (windowSize = 4, agentId = 'agent-1') => {
    const t = new PerformanceTracker(agentId, memory, { clock, windowSize });
    t.initialize();
    return t;
  };
  const storedSnapshots = () => memory.query('phase2/learning/agent-1/snapshots/%', { partition: 'learning' });

  it('keeps two snapshots taken in the same millisecond, with keys in time order', () => {
    const t = tracker();
    t.recordSnapshot({ metrics: metrics({ successRate: 0.1 }) });
    t.recordSnapshot({ metrics: metrics({ successRate: 0.2 }) });
    now += 1;
    t.recordSnapshot({ metrics: metrics({ successRate: 0.3 }) });
    const rows = storedSnapshots();
    expect(rows).toHaveLength(3);
    expect(rows.map((r) => (r.value as { metrics: PerformanceMetricValues }).metrics.successRate)).toEqual([0.1, 0.2, 0.3]);
    expect(new Set(rows.map((r) => r.key)).size).toBe(3);
    expect(t.getSnapshotCount()).toBe(3);
  });

  it('takes the baseline as the mean of the first window and compares the rolling window with it', () => {
    const t = tracker(4);
    const low = [0.2, 0.4, 0.6, 0.8].map((s) => metrics({ successRate: s }));
    for (const m of low.slice(0, 3)) t.recordSnapshot({ metrics: m });
    expect(t.getBaseline()).toBeUndefined();
    t.recordSnapshot({ metrics: low[3]! });
    const baseline = t.getBaseline()!;
    expect(baseline.metrics.successRate).toBeCloseTo(0.5, 12);
    const baseScore = compositeScore(metrics({ successRate: 0.5 }));
    const high = metrics({ successRate: 1, errorRate: 0, userSatisfaction: 1 });
    for (let i = 0; i < 4; i++) t.recordSnapshot({ metrics: high });
    // Two windows of snapshots: the baseline window against the rolling one, which is all high now.
    const imp = t.calculateImprovement();
    expect(imp.compared).toBe(4);
    expect(imp.baselineScore).toBeCloseTo(baseScore, 12);
    expect(imp.currentScore).toBeCloseTo(compositeScore(high), 12);
    expect(imp.improvementRate).toBeCloseTo(((compositeScore(high) - baseScore) / baseScore) * 100, 9);
    expect(imp.targetAchieved).toBe(imp.improvementRate >= 20);
    expect(imp.improvementRate).toBeGreaterThan(20);
    // The rolling window moves on; the baseline stays.
    t.recordSnapshot({ metrics: low[0]! });
    const window = (3 * compositeScore(high) + compositeScore(low[0]!)) / 4;
    expect(t.calculateImprovement().currentScore).toBeCloseTo(window, 12);
    expect(t.calculateImprovement().baselineScore).toBeCloseTo(baseScore, 12);
  });

  it('adapts the window while there are fewer than two: first half against second half, with an interval', () => {
    const t = tracker(200);
    expect(t.calculateImprovement()).toMatchObject({ improvementRate: 0, compared: 0 });
    const scores = [0.2, 0.4, 0.6, 0.8, 0.9, 1].map((s) => metrics({ successRate: s, errorRate: 1 - s }));
    t.recordSnapshot({ metrics: scores[0]! });
    expect(t.calculateImprovement()).toMatchObject({ improvementRate: 0, compared: 0 });
    for (const m of scores.slice(1)) t.recordSnapshot({ metrics: m });
    // Six runs: the first three against the last three, not 0 % until 200 snapshots.
    const imp = t.calculateImprovement();
    const mean = (ms: typeof scores): number => ms.reduce((a, m) => a + compositeScore(m), 0) / ms.length;
    expect(imp.compared).toBe(3);
    expect(imp.baselineScore).toBeCloseTo(mean(scores.slice(0, 3)), 12);
    expect(imp.currentScore).toBeCloseTo(mean(scores.slice(3)), 12);
    expect(imp.improvementRate).toBeGreaterThan(20);
    const [lo, hi] = imp.interval!;
    expect(lo).toBeLessThan(imp.improvementRate);
    expect(hi).toBeGreaterThan(imp.improvementRate);
    expect(lo).toBeGreaterThan(0);
    // The same scores in a flat order: the interval straddles 0.
    const flat = tracker(200, 'agent-2');
    for (const i of [0, 5, 1, 4, 2, 3]) flat.recordSnapshot({ metrics: scores[i]! });
    const [flo, fhi] = flat.calculateImprovement().interval!;
    expect(flo).toBeLessThan(0);
    expect(fhi).toBeGreaterThan(0);
  });

  it('restores baseline, window, count and id order after a restart', () => {
    const t = tracker(4);
    for (let i = 0; i < 7; i++) t.recordSnapshot({ metrics: metrics({ successRate: i / 10 }) });
    const before = t.calculateImprovement();
    const again = tracker(4);
    expect(again.getSnapshotCount()).toBe(7);
    expect(again.getBaseline()).toEqual(t.getBaseline());
    expect(again.calculateImprovement()).toEqual(before);
    // Same millisecond after the restart: still a new row, sorted after the old ones.
    again.recordSnapshot({ metrics: metrics({ successRate: 0.9 }) });
    const rows = storedSnapshots();
    expect(rows).toHaveLength(8);
    expect((rows.at(-1)!.value as { metrics: PerformanceMetricValues }).metrics.successRate).toBe(0.9);
  });

  it('keeps a stored baseline when restarted with another window size', () => {
    const t = tracker(4);
    for (let i = 0; i < 4; i++) t.recordSnapshot({ metrics: metrics({ successRate: 0.2 }) });
    const baseline = t.getBaseline();
    const wider = tracker(8);
    for (let i = 0; i < 8; i++) wider.recordSnapshot({ metrics: metrics({ successRate: 0.9 }) });
    expect(wider.getBaseline()).toEqual(baseline);
    expect(wider.calculateImprovement().currentScore).toBeCloseTo(compositeScore(metrics({ successRate: 0.9 })), 12);
  });

  it('writes window aggregates to performance_metrics once per window', () => {
    const t = tracker(4);
    for (let i = 0; i < 9; i++) t.recordSnapshot({ metrics: metrics() });
    const rows = memory.queryPerformanceMetrics({ agentId: 'agent-1', metric: 'learning.composite_score' });
    expect(rows).toHaveLength(2);
    expect(rows[0]!.value).toBeCloseTo(compositeScore(metrics()), 12);
    expect(memory.queryPerformanceMetrics({ agentId: 'agent-1' })).toHaveLength(14);
    expect(memory.retrieve('phase2/learning/agent-1/improvement', { partition: 'learning' })).toMatchObject({ improvementRate: 0 });
  });

  it('gives a daily timeline and a least-squares projection to day 30', () => {
    const t = tracker(4);
    // Day 0: baseline at success 0.5; every later day adds 0.02 success rate (linear score).
    for (let day = 0; day < 10; day++) {
      now = T0 + day * DAY;
      for (let i = 0; i < 4; i++) t.recordSnapshot({ metrics: metrics({ successRate: 0.5 + 0.02 * day }) });
    }
    const trend = t.getImprovementTrend(30);
    expect(trend.timeline).toHaveLength(10);
    expect(trend.timeline[0]!.date.getTime()).toBe(Date.UTC(2026, 0, 1));
    const base = compositeScore(metrics());
    const perDay = ((0.02 * 0.3) / base) * 100;
    expect(trend.timeline[3]!.improvementRate).toBeCloseTo(3 * perDay, 9);
    expect(trend.projected30Day).toBeCloseTo(30 * perDay, 6);
    expect(trend.currentRate).toBeCloseTo(9 * perDay, 9);
    expect(t.getImprovementTrend(3).timeline).toHaveLength(3);
  });

  it('reports declining metrics with rule-based recommendations', () => {
    const t = tracker(4);
    expect(t.generateReport().recommendations[0]).toMatch(/baseline/);
    for (let i = 0; i < 4; i++) t.recordSnapshot({ metrics: metrics({ errorRate: 0.1 }) });
    for (let i = 0; i < 4; i++) t.recordSnapshot({ metrics: metrics({ errorRate: 0.4 }) });
    const report = t.generateReport();
    expect(report.trends.find((x) => x.metric === 'errorRate')).toMatchObject({ direction: 'declining', changeRate: expect.closeTo(300, 9) });
    expect(report.trends.find((x) => x.metric === 'successRate')!.direction).toBe('stable');
    expect(report.recommendations.some((r) => r.startsWith('Error rate rose'))).toBe(true);
    expect(report.summary).toContain('agent-1');
    expect(report.improvement.improvementRate).toBeLessThan(0);
  });

  it('prunes snapshots older than N days and returns how many it deleted', () => {
    const t = tracker(4);
    for (let day = 0; day < 5; day++) {
      now = T0 + day * DAY;
      t.recordSnapshot({ metrics: metrics() });
      t.recordSnapshot({ metrics: metrics() });
    }
    const baseline = t.getBaseline();
    expect(t.pruneOldSnapshots(2)).toBe(4);
    expect(storedSnapshots()).toHaveLength(6);
    expect(t.getSnapshotCount()).toBe(6);
    expect(t.getBaseline()).toEqual(baseline);
    expect(t.getImprovementTrend(30).timeline).toHaveLength(3);
    expect(tracker(4).getBaseline()).toEqual(baseline);
  });

  it('rejects bad metrics with a LearningError and stores nothing', () => {
    const t = tracker();
    expect(() => t.recordSnapshot({ metrics: metrics({ successRate: Number.NaN }) })).toThrow(LearningError);
    expect(() => t.recordSnapshot({ metrics: metrics({ averageExecutionTime: -1 }) })).toThrowError(
      expect.objectContaining({ code: 'INVALID_RESULT' }),
    );
    expect(storedSnapshots()).toHaveLength(0);
    expect(t.getSnapshotCount()).toBe(0);
    expect(() => new PerformanceTracker('a', memory, { windowSize: 0 })).toThrowError(expect.objectContaining({ code: 'INVALID_CONFIG' }));
  });

  it('stores a snapshot inside the caller transaction, so a failed task leaves no snapshot', () => {
    const t = tracker();
    expect(() =>
      memory.transaction(() => {
        t.recordSnapshot({ metrics: metrics() });
        throw new Error('task failed after the snapshot');
      }),
    ).toThrow('task failed');
    expect(storedSnapshots()).toHaveLength(0);
  });
});
