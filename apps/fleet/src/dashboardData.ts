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
  /** Runs compared on each side of `improvementRate` and its 95 % interval (null before two runs). */
  improvementDetail: ImprovementDetail | null;
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
  /**
   * Stored values that could not be read, each naming what it is (`agent x: ...`, `A/B test entry
   * key: ...`): the rest of the dashboard is shown without them, never an error page.
   */
  warnings: string[];
}

/**
 * The tracker's improvement (%), or null before two runs: with fewer than two windows of runs the
 * tracker compares the first half of the runs with the second (`measuredImprovementDetail` gives
 * how many on each side and the 95 % interval, which a few runs make wide).
 */
export function measuredImprovement(tracker: PerformanceTracker, improvement = tracker.calculateImprovement()): number | null {
  return (improvement.compared ?? 0) > 0 ? improvement.improvementRate : null;
}

/** An improvement with its evidence: runs compared on each side and the 95 % interval (null before two runs). */
export interface ImprovementDetail {
  rate: number;
  compared: number;
  interval: [number, number] | null;
}

/** The tracker's improvement with its evidence, or null before two runs. */
export function measuredImprovementDetail(tracker: PerformanceTracker, improvement = tracker.calculateImprovement()): ImprovementDetail | null {
  const rate = measuredImprovement(tracker, improvement);
  return rate === null ? null : { rate, compared: improvement.compared ?? 0, interval: improvement.interval ?? null };
}

/** The newest stored value of one agent's metric (newest first: ascending order read the oldest). */
export function latest(memory: SwarmMemoryManager, agentId: string, metric: string): number | null {
  return memory.queryPerformanceMetrics({ agentId, metric, order: 'desc', limit: 1 })[0]?.value ?? null;
}

/** Whether `ms` is a time `Date` can print; an older store may hold events from before times were checked. */
function printable(ms: number): boolean {
  return Number.isFinite(ms) && !Number.isNaN(new Date(ms).getTime());
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Reads the dashboard from the store: nothing here is estimated or hard-coded. */
export async function collectDashboardData(memory: SwarmMemoryManager, now = Date.now()): Promise<DashboardData> {
  const agents: DashboardAgent[] = [];
  const warnings: string[] = [];
  for (const record of listAgents(memory)) {
    try {
      agents.push(await collectAgent(memory, record));
    } catch (error) {
      // One agent's unreadable learning state (say an imported baseline of the wrong shape) must
      // not take the page down: the agent is listed without figures, the warning names it.
      warnings.push(`agent ${record.id}: its stored learning data cannot be read (${message(error)})`);
      agents.push({ id: record.id, type: record.type, status: record.status, improvementRate: null, improvementDetail: null, targetAchieved: false, snapshots: 0, timeline: [], overhead: null, memory: { stateBytes: null, initHeapBytes: null } });
    }
  }
  const measured = agents.filter((a) => a.improvementRate !== null);
  const stats = memory.stats();
  const events = memory.queryEvents({ limit: 50 }).filter((e) => {
    if (printable(e.timestamp)) return true;
    warnings.push(`event ${e.id} (${e.type}): timestamp ${e.timestamp} is not a date, left out`);
    return false;
  });
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
    abtests: listABTests(memory, (w) => warnings.push(w)),
    events,
    warnings,
  };
}

/** One agent's figures, from its tracker and stored metrics; throws when its stored data cannot be read. */
async function collectAgent(memory: SwarmMemoryManager, record: { id: string; type: string; status: string }): Promise<DashboardAgent> {
  const tracker = new PerformanceTracker(record.id, memory);
  await tracker.initialize();
  const improvement = tracker.calculateImprovement();
  const trend = tracker.getImprovementTrend(30);
  const [avg, p50, p95, p99, peak] = Object.values(LEARNING_METRICS.overhead).map((metric) => latest(memory, record.id, metric));
  const tasks = latest(memory, record.id, LEARNING_METRICS.tasks);
  return {
    id: record.id,
    type: record.type,
    status: record.status,
    improvementRate: measuredImprovement(tracker, improvement),
    improvementDetail: measuredImprovementDetail(tracker, improvement),
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
  };
}
