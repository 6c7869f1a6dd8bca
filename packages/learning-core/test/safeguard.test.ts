import type { SwarmMemoryManager } from '@qe-fleet/memory';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createRandom,
  ImprovementLoop,
  LearningEngine,
  LearningError,
  ManualScheduler,
  PerformanceSafeguard,
  PerformanceTracker,
  StateVersioning,
  type PerformanceMetricValues,
} from '@qe-fleet/learning-core';
import { openEngine, openMemory } from './support/stack.js';

const T0 = Date.UTC(2026, 0, 1, 8);

const good: PerformanceMetricValues = {
  tasksCompleted: 1,
  successRate: 1,
  errorRate: 0,
  averageExecutionTime: 6000,
  userSatisfaction: 0.8,
  resourceEfficiency: 0.6,
};
/** About 10 % below `good` in composite score. */
const worse: PerformanceMetricValues = { ...good, successRate: 0.8, errorRate: 0.2 };
/** About 2 % below `good`: inside the tolerated band. */
const slightlyWorse: PerformanceMetricValues = { ...good, userSatisfaction: 0.72 };

describe('StateVersioning and PerformanceSafeguard', () => {
  let now: number;
  let memory: SwarmMemoryManager;
  let engine: LearningEngine;
  let taskSeq = 0;
  const clock = () => now;

  const teach = (taskType: string, strategy: string, n: number) => {
    for (let i = 0; i < n; i++) {
      engine.learnFromExecution({ id: `t-${taskSeq++}`, type: taskType }, { strategy, success: true, executionTime: 1000 });
    }
  };
  const patternKeys = () => engine.getPatterns().map((p) => `${p.pattern}:${p.trials}`).sort();

  beforeEach(() => {
    now = T0;
    memory = openMemory(clock);
    engine = openEngine(memory, clock, ['a', 'b'], 3);
  });
  afterEach(() => memory.close());

  describe('StateVersioning', () => {
    it('gives versions saved in the same millisecond distinct ids in time order, also after a restart', () => {
      const versioning = new StateVersioning('agent-1', memory, engine, { clock });
      const v1 = versioning.saveVersionedState();
      const v2 = versioning.saveVersionedState();
      expect(versioning.listVersions()).toEqual([v1, v2]);
      const restarted = new StateVersioning('agent-1', memory, engine, { clock });
      const v3 = restarted.saveVersionedState();
      expect(new Set([v1, v2, v3]).size).toBe(3);
      expect([v1, v2, v3]).toEqual([v1, v2, v3].sort());
      expect(restarted.listVersions()).toEqual([v1, v2, v3]);
      expect(new StateVersioning('agent-1', memory, engine, { clock }).listVersions()).toEqual([v1, v2, v3]);
      expect(v1).toMatch(/^v\d{13}-\d{4}$/);
    });

    it('keeps only the newest N versions', () => {
      const versioning = new StateVersioning('agent-1', memory, engine, { clock, keep: 3 });
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        now += 1000;
        ids.push(versioning.saveVersionedState());
      }
      expect(versioning.listVersions()).toEqual(ids.slice(2));
      expect(memory.query('phase2/learning/agent-1/versions/%', { partition: 'learning' })).toHaveLength(3);
    });

    it('rolls back the engine and the stored current state to a version', () => {
      const versioning = new StateVersioning('agent-1', memory, engine, { clock });
      teach('unit', 'a', 5);
      const before = patternKeys();
      const version = versioning.saveVersionedState();
      teach('unit', 'b', 7);
      teach('api', 'a', 3);
      expect(patternKeys()).not.toEqual(before);
      versioning.rollbackToVersion(version);
      expect(patternKeys()).toEqual(before);
      const stored = memory.retrieve('phase2/learning/agent-1/state', { partition: 'learning' }) as { patterns: unknown[] };
      expect(stored.patterns).toHaveLength(1);
      // The rollback is durable: a fresh engine on the same store sees the old state.
      const fresh = openEngine(memory, clock, ['a', 'b'], 4);
      expect(fresh.getPatterns().map((p) => `${p.pattern}:${p.trials}`)).toEqual(before);
    });

    it('skips a healthy version whose save was rolled back with its caller transaction', () => {
      const versioning = new StateVersioning('agent-1', memory, engine, { clock });
      teach('unit', 'a', 2);
      const kept = versioning.saveVersionedState(undefined, { healthy: true });
      const before = patternKeys();
      teach('unit', 'b', 2);
      expect(() =>
        memory.transaction(() => {
          versioning.saveVersionedState(undefined, { healthy: true });
          throw new Error('the task failed');
        }),
      ).toThrow('the task failed');
      expect(versioning.rollbackToLatestHealthy()).toBe(kept);
      expect(patternKeys()).toEqual(before);
      expect(versioning.listVersions()).toEqual([kept]);
    });

    it('refuses an unknown version with VERSION_NOT_FOUND and changes nothing', () => {
      const versioning = new StateVersioning('agent-1', memory, engine, { clock });
      teach('unit', 'a', 2);
      const before = engine.getState();
      expect(() => versioning.rollbackToVersion('v0000000000000-0000')).toThrowError(
        expect.objectContaining({ name: 'LearningError', code: 'VERSION_NOT_FOUND' }),
      );
      expect(engine.getState()).toEqual(before);
      expect(memory.retrieve('phase2/learning/agent-1/state', { partition: 'learning' })).toBeNull();
      expect(() => new StateVersioning('agent-1', memory, engine, { keep: 0 })).toThrow(LearningError);
    });
  });

  describe('PerformanceSafeguard', () => {
    const W = 4;
    let tracker: PerformanceTracker;
    let versioning: StateVersioning;
    let scheduler: ManualScheduler;
    let loop: ImprovementLoop;
    let safeguard: PerformanceSafeguard;
    const alerts: string[] = [];

    const window = (metrics: PerformanceMetricValues) => {
      for (let i = 0; i < W; i++) {
        now += 60_000;
        tracker.recordSnapshot({ metrics });
      }
    };

    beforeEach(() => {
      tracker = new PerformanceTracker('agent-1', memory, { clock, windowSize: W });
      tracker.initialize();
      versioning = new StateVersioning('agent-1', memory, engine, { clock });
      scheduler = new ManualScheduler();
      loop = new ImprovementLoop('agent-1', memory, engine, tracker, { clock, scheduler, random: createRandom(5) });
      loop.initialize();
      loop.start(3_600_000);
      alerts.length = 0;
      safeguard = new PerformanceSafeguard('agent-1', memory, engine, tracker, versioning, {
        clock,
        loop,
        alert: (message) => alerts.push(message),
      });
      safeguard.start();
    });

    it('does not trip on stable or slightly worse performance, and saves a healthy version at most hourly', () => {
      for (let i = 0; i < 5; i++) window(good);
      for (let i = 0; i < 5; i++) window(slightlyWorse);
      expect(safeguard.getRollback()).toBeNull();
      expect(engine.isEnabled()).toBe(true);
      // ten passed checks four minutes apart: one version
      expect(versioning.listVersionInfo()).toEqual([expect.objectContaining({ healthy: true })]);
      now += 3_600_000;
      window(good);
      expect(versioning.listVersionInfo().map((v) => v.healthy)).toEqual([true, true]);
      expect(versioning.latestHealthyVersionInfo()).toEqual(versioning.listVersionInfo()[1]);
      expect(versioning.latestHealthyVersionInfo()!.savedAt).toBe(now);
    });

    it('resets the count when a check passes between failed ones', () => {
      window(good);
      window(worse);
      window(worse);
      expect(safeguard.getConsecutiveDegradations()).toBe(2);
      window(good);
      expect(safeguard.getConsecutiveDegradations()).toBe(0);
      window(worse);
      window(worse);
      expect(safeguard.getRollback()).toBeNull();
    });

    it('on three failed checks disables learning, restores the last good version, stops the loop and emits learning:rollback', () => {
      teach('unit', 'a', 3);
      window(good);
      window(good);
      const lastGood = versioning.latestHealthyVersion();
      const goodPatterns = patternKeys();
      // Learning during the degradation that the rollback must undo.
      teach('unit', 'b', 6);
      window(worse);
      window(worse);
      expect(safeguard.getRollback()).toBeNull();
      window(worse);
      const report = safeguard.getRollback()!;
      expect(report.restoredVersion).toBe(lastGood);
      expect(report.degradation).toBeLessThan(-5);
      expect(engine.isEnabled()).toBe(false);
      expect(patternKeys()).toEqual(goodPatterns);
      expect(loop.isActive()).toBe(false);
      expect(scheduler.pending).toBe(0);
      const events = memory.queryEvents('learning:rollback');
      expect(events).toHaveLength(1);
      expect(events[0]!.payload).toMatchObject({ agentId: 'agent-1', restoredVersion: lastGood });
      expect(alerts).toHaveLength(1);
      // Disarmed until reset: more bad windows do nothing.
      window(worse);
      window(worse);
      window(worse);
      expect(memory.queryEvents('learning:rollback')).toHaveLength(1);
      safeguard.reset();
      expect(safeguard.getRollback()).toBeNull();
    });

    it('keeps the seed signature checkPerformance(current, baseline)', () => {
      const agg = (metrics: PerformanceMetricValues) => ({ agentId: 'agent-1', period: { start: new Date(), end: new Date() }, metrics, trends: [] });
      expect(safeguard.checkPerformance(agg(worse), agg(good))).toBe(false);
      expect(safeguard.checkPerformance(agg(worse), agg(good))).toBe(false);
      expect(safeguard.checkPerformance(agg(worse), agg(good))).toBe(true);
      // No healthy version existed: learning is still disabled, nothing restored.
      expect(safeguard.getRollback()!.restoredVersion).toBeNull();
      expect(engine.isEnabled()).toBe(false);
    });

    it('refuses bad options with INVALID_CONFIG', () => {
      for (const options of [{ threshold: 5 }, { consecutiveChecks: 0 }, { healthyVersionIntervalMs: -1 }]) {
        expect(() => new PerformanceSafeguard('agent-1', memory, engine, tracker, versioning, options)).toThrowError(
          expect.objectContaining({ code: 'INVALID_CONFIG' }),
        );
      }
    });
  });
});
