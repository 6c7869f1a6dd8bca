import { type ABTest, PerformanceTracker } from '@qe-fleet/learning-core';
import { LEARNING_METRICS } from '@qe-fleet/facade';
import type { PatternRecord, StoredEvent, SwarmMemoryManager } from '@qe-fleet/memory';
import { listABTests, listAgents } from './inspectCommands.js';

/** One agent on the dashboard, every figure read from the store. */
export interface DashboardAgent {
  id: string;
  type: string;
  status: string;
  improvementRate: number | null;
  targetAchieved: boolean;
  snapshots: number;
  /** Improvement per calendar day (PerformanceTracker trend). */
  timeline: Array<{ day: string; improvementRate: number }>;
  /** Latest persisted learning-overhead figures (ms), null before the first flush. */
  overhead: { avg: number; p50: number; p95: number; p99: number; peak: number; tasks: number } | null;
  /** Bytes of the serialised learning state and heap added at initialisation. */
  memory: { stateBytes: number | null; initHeapBytes: number | null };
}

/** What the dashboard page and `/api/dashboard` show (seed 11.2, from the store). */
export interface DashboardData {
  generatedAt: number;
  fleet: {
    totalAgents: number;
    averageImprovement: number | null;
    targetAchieved: number;
    patterns: number;
    databaseBytes: number;
  };
  agents: DashboardAgent[];
  patterns: PatternRecord[];
  abtests: ABTest[];
  events: StoredEvent[];
}

/**
 * The tracker's improvement (%), or null while the rolling window still overlaps the baseline
 * window: until then there is nothing to compare.
 */
export function measuredImprovement(tracker: PerformanceTracker, improvement = tracker.calculateImprovement()): number | null {
  return tracker.getSnapshotCount() > tracker.windowSize ? improvement.improvementRate : null;
}

function latest(memory: SwarmMemoryManager, agentId: string, metric: string): number | null {
  return memory.queryPerformanceMetrics({ agentId, metric, limit: 1 })[0]?.value ?? null;
}

/** Reads the dashboard from the store: nothing here is estimated or hard-coded. */
export async function collectDashboardData(memory: SwarmMemoryManager, now = Date.now()): Promise<DashboardData> {
  const agents: DashboardAgent[] = [];
  for (const record of listAgents(memory)) {
    const tracker = new PerformanceTracker(record.id, memory);
    await tracker.initialize();
    const improvement = tracker.calculateImprovement();
    const trend = tracker.getImprovementTrend(30);
    const [avg, p50, p95, p99, peak] = Object.values(LEARNING_METRICS.overhead).map((metric) => latest(memory, record.id, metric));
    const tasks = latest(memory, record.id, LEARNING_METRICS.tasks);
    agents.push({
      id: record.id,
      type: record.type,
      status: record.status,
      improvementRate: measuredImprovement(tracker, improvement),
      targetAchieved: improvement.targetAchieved,
      snapshots: tracker.getSnapshotCount(),
      timeline: trend.timeline.map((p) => ({ day: p.date.toISOString().slice(0, 10), improvementRate: p.improvementRate })),
      overhead:
        avg == null || p50 == null || p95 == null || p99 == null || peak == null
          ? null
          : { avg, p50, p95, p99, peak, tasks: tasks ?? 0 },
      memory: {
        stateBytes: latest(memory, record.id, LEARNING_METRICS.stateBytes),
        initHeapBytes: latest(memory, record.id, LEARNING_METRICS.initHeapBytes),
      },
    });
  }
  const measured = agents.filter((a) => a.improvementRate !== null);
  const stats = memory.stats();
  return {
    generatedAt: now,
    fleet: {
      totalAgents: agents.length,
      averageImprovement: measured.length === 0 ? null : measured.reduce((s, a) => s + (a.improvementRate ?? 0), 0) / measured.length,
      targetAchieved: agents.filter((a) => a.targetAchieved).length,
      patterns: stats.totalPatterns,
      databaseBytes: stats.databaseBytes,
    },
    agents,
    patterns: memory.queryPatternsByConfidence(0).slice(0, 50),
    abtests: listABTests(memory),
    events: memory.queryEvents({ limit: 50 }),
  };
}
