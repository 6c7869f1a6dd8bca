import type { Clock, Logger, SwarmMemoryManager } from '@qe-fleet/memory';
import { compositeScore, resolveRewardWeights } from './compositeScore.js';
import { checkAgentId, checkFinite, checkOptions, checkSnapshotInput } from './inputChecks.js';
import { LearningError } from './LearningError.js';
import { TimeOrderedIds } from './TimeOrderedIds.js';
import type {
  ImprovementData,
  MetricTrend,
  PerformanceMetrics,
  PerformanceMetricValues,
  RewardWeights,
} from './types.js';

/** What `recordSnapshot` takes (seed: `Omit<PerformanceMetrics, 'agentId' | 'period'>`; trends optional). */
export interface SnapshotInput {
  metrics: PerformanceMetricValues;
  trends?: MetricTrend[];
}

/** A stored snapshot. */
export interface PerformanceSnapshot {
  /** Time-ordered id: `{ms}-{seq}`; the key suffix under `snapshots/`. */
  id: string;
  timestamp: number;
  metrics: PerformanceMetricValues;
  /** `compositeScore(metrics)`. */
  score: number;
  trends?: MetricTrend[];
}

/** What `getImprovementTrend` returns (seed 3.2). */
export interface ImprovementTrend {
  timeline: Array<{ date: Date; improvementRate: number }>;
  currentRate: number;
  projected30Day: number;
}

/** What `generateReport` returns (seed 3.2). */
export interface PerformanceReport {
  summary: string;
  improvement: ImprovementData;
  trends: MetricTrend[];
  recommendations: string[];
}

/** Constructor options of `PerformanceTracker`. */
export interface PerformanceTrackerOptions {
  clock?: Clock;
  /**
   * Snapshots in the baseline window and in the rolling window. The default was chosen with
   * `bench/safeguard.ts` (per-task snapshots; see the README for the measured false-alarm rate).
   */
  windowSize?: number;
  logger?: Logger;
  /** Weights of the composite score; give the agent's `LearningConfig.rewardWeights` so the tracker shows what the engine learns. Default seed 10.1's. */
  rewardWeights?: Partial<RewardWeights>;
}

/** Called when a window of `windowSize` snapshots completes; the argument compares it with the baseline. */
export type WindowListener = (improvement: ImprovementData) => void;

/** Default window (snapshots); see `PerformanceTrackerOptions.windowSize`. */
export const DEFAULT_WINDOW_SIZE = 200;
/** Improvement (percent) that counts as the target (seed: 20 % in 30 days). */
export const IMPROVEMENT_TARGET = 20;
/** Seconds a snapshot is kept (seed 2.2: 90 days). */
export const SNAPSHOT_TTL = 90 * 24 * 3600;

const DAY_MS = 24 * 3600 * 1000;
const METRICS = [
  'tasksCompleted',
  'successRate',
  'averageExecutionTime',
  'errorRate',
  'userSatisfaction',
  'resourceEfficiency',
] as const satisfies ReadonlyArray<keyof PerformanceMetricValues>;
/** Metrics where a smaller value is better. */
const LOWER_IS_BETTER = new Set<keyof PerformanceMetricValues>(['averageExecutionTime', 'errorRate']);
/** Relative change (percent) below which a metric counts as stable (the safeguard's 5 %). */
const STABLE_BAND = 5;

/** Sums of a set of snapshots, enough for their means. */
class Aggregate {
  count = 0;
  score = 0;
  readonly sums: PerformanceMetricValues = {
    tasksCompleted: 0,
    successRate: 0,
    averageExecutionTime: 0,
    errorRate: 0,
    userSatisfaction: 0,
    resourceEfficiency: 0,
  };
  /** Sum of squared composite scores (for the interval of an improvement). */
  squares = 0;
  start = Number.POSITIVE_INFINITY;
  end = Number.NEGATIVE_INFINITY;

  add(snapshot: PerformanceSnapshot, sign = 1): void {
    const m = snapshot.metrics;
    const sums = this.sums;
    this.count += sign;
    this.score += sign * snapshot.score;
    this.squares += sign * snapshot.score * snapshot.score;
    // Spelled out: this runs on every task, and a loop over the metric names costs several times more.
    sums.tasksCompleted += sign * m.tasksCompleted;
    sums.successRate += sign * m.successRate;
    sums.averageExecutionTime += sign * m.averageExecutionTime;
    sums.errorRate += sign * m.errorRate;
    sums.userSatisfaction += sign * m.userSatisfaction;
    sums.resourceEfficiency += sign * m.resourceEfficiency;
    this.start = Math.min(this.start, snapshot.timestamp);
    this.end = Math.max(this.end, snapshot.timestamp);
  }

  meanScore(): number {
    return this.count > 0 ? this.score / this.count : 0;
  }

  means(): PerformanceMetricValues {
    const n = Math.max(this.count, 1);
    const out = { ...this.sums };
    for (const metric of METRICS) out[metric] /= n;
    return out;
  }
}

/**
 * Per-agent performance tracking (seed 3.2). Each snapshot is one `memory.store` (so it joins the
 * caller's transaction); the baseline, the rolling window and per-day sums live in memory and are
 * rebuilt from the stored snapshots by `initialize()`. Every `windowSize` snapshots the window's
 * aggregates go to `performance_metrics` (for dashboards) and to the `improvement` key, and the
 * window listeners (the safeguard) are called.
 */
export class PerformanceTracker {
  readonly #agentId: string;
  readonly #memory: SwarmMemoryManager;
  readonly #clock: Clock;
  readonly #windowSize: number;
  readonly #logger: Logger | undefined;
  readonly #weights: RewardWeights;
  readonly #ids: TimeOrderedIds;
  readonly #prefix: string;
  /** The first `windowSize` snapshots; frozen once full. */
  #baseline = new Aggregate();
  /** Full, or restored from storage (possibly saved under another window size): no longer grows. */
  #baselineDone = false;
  /** Composite scores of the baseline's snapshots, in order (for the adaptive comparison). */
  #early: number[] = [];
  /** The last `windowSize` snapshots, oldest first. */
  #window: PerformanceSnapshot[] = [];
  /** Per UTC day (ms since epoch / DAY_MS). */
  #days = new Map<number, Aggregate>();
  #count = 0;
  #sinceWindow = 0;
  readonly #listeners = new Set<WindowListener>();

  constructor(agentId: string, memory: SwarmMemoryManager, options: PerformanceTrackerOptions = {}) {
    checkAgentId(agentId);
    checkOptions(options, 'options', ['clock']);
    if (options.windowSize !== undefined) checkFinite(options.windowSize, 'windowSize', 'INVALID_CONFIG');
    const windowSize = options.windowSize ?? DEFAULT_WINDOW_SIZE;
    if (!Number.isInteger(windowSize) || windowSize < 1) {
      throw new LearningError('INVALID_CONFIG', `windowSize must be a positive integer, got ${windowSize}`);
    }
    this.#agentId = agentId;
    this.#memory = memory;
    this.#clock = options.clock ?? Date.now;
    this.#windowSize = windowSize;
    this.#logger = options.logger;
    this.#weights = resolveRewardWeights(options.rewardWeights);
    this.#ids = new TimeOrderedIds(this.#clock);
    this.#prefix = `phase2/learning/${agentId}/`;
  }

  /** Snapshots per window. */
  get windowSize(): number {
    return this.#windowSize;
  }

  /** The composite score's weights this tracker scores with. */
  get rewardWeights(): RewardWeights {
    return { ...this.#weights };
  }

  /** Rebuilds the baseline, the rolling window and the daily sums from storage. */
  initialize(): void {
    this.#baseline = new Aggregate();
    this.#baselineDone = false;
    this.#early = [];
    this.#window = [];
    this.#days = new Map();
    this.#count = 0;
    this.#sinceWindow = 0;
    const stored = this.#memory.retrieve(this.#key('baseline'), { partition: 'learning' });
    const prefix = this.#key('snapshots/');
    const snapshots = this.#storedSnapshots()
      .map((entry) => ({ id: entry.key.slice(prefix.length), value: entry.value }))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    for (const { id, value } of snapshots) this.#absorb(this.#toSnapshot(id, value));
    if (stored !== null) {
      const restored = restoreBaseline(stored);
      if (restored === undefined) {
        // The baseline is derived data: the snapshots just absorbed rebuilt it, so a hand-edited
        // or foreign entry costs a warning, not the agent.
        this.#logger?.warn(`stored baseline ${this.#key('baseline')} of ${this.#agentId} is unreadable; rebuilt from its snapshots`);
      } else {
        this.#baseline = restored;
        this.#baselineDone = true;
      }
    }
    const last = snapshots.at(-1);
    if (last) this.#ids.resume(last.id);
    this.#sinceWindow = this.#count % this.#windowSize;
  }

  /**
   * Stores one snapshot (one `memory.store`, so inside a caller's transaction it commits with the
   * task) and updates the aggregates. Throws `LearningError('INVALID_RESULT')` on a non-finite or
   * negative metric, storing nothing.
   */
  recordSnapshot(input: SnapshotInput): PerformanceSnapshot {
    checkSnapshotInput(input);
    const metrics = validateMetrics(input.metrics);
    const snapshot: PerformanceSnapshot = {
      id: this.#ids.next(),
      timestamp: this.#clock(),
      metrics,
      score: compositeScore(metrics, this.#weights),
    };
    const value: StoredSnapshot = { timestamp: snapshot.timestamp, metrics };
    if (input.trends && input.trends.length > 0) {
      snapshot.trends = input.trends;
      value.trends = input.trends;
    }
    this.#memory.store(this.#key(`snapshots/${snapshot.id}`), value, { partition: 'learning', ttl: SNAPSHOT_TTL });
    const baselineJustCompleted = this.#absorb(snapshot);
    if (baselineJustCompleted) {
      this.#memory.store(this.#key('baseline'), this.#baselineRecord(), { partition: 'learning', ttl: 0 });
    }
    if (++this.#sinceWindow >= this.#windowSize) {
      this.#sinceWindow = 0;
      this.#closeWindow();
    }
    return snapshot;
  }

  /** Subscribes to completed windows; returns the unsubscribe function. */
  onWindow(listener: WindowListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Rolling window (the last `windowSize` snapshots) against the baseline (the first
   * `windowSize`), as a percent change of the mean composite score, with a 95 % interval. While
   * there are fewer than two windows of snapshots the window adapts: the first half of the
   * snapshots against the second half (`compared` says how many on each side), so an agent with a
   * few runs already sees whether it improved; with fewer than two snapshots the rate is 0.
   */
  calculateImprovement(): ImprovementData {
    const half = Math.floor(this.#count / 2);
    let base: { mean: number; variance: number; n: number };
    let current: { mean: number; variance: number; n: number };
    if (this.#count < 2 * this.#windowSize && this.#early.length >= half) {
      base = moments(this.#early.slice(0, half));
      current = moments(this.#window.slice(this.#window.length - half).map((s) => s.score));
    } else {
      const b = this.#baseline;
      const mean = b.meanScore();
      base = { mean, variance: b.count > 1 ? Math.max(0, (b.squares - b.count * mean * mean) / (b.count - 1)) : 0, n: b.count };
      current = moments(this.#window.map((s) => s.score));
    }
    const baselineScore = base.mean;
    const currentScore = current.mean;
    const rate = (x: number): number => (baselineScore > 0 ? (x / baselineScore) * 100 : 0);
    const improvementRate = rate(currentScore - baselineScore);
    const se = base.n > 0 && current.n > 0 ? Math.sqrt(base.variance / base.n + current.variance / current.n) : 0;
    const start = this.#baseline.count > 0 ? this.#baseline.start : this.#clock();
    return {
      agentId: this.#agentId,
      baselineScore,
      currentScore,
      improvementRate,
      daysElapsed: Math.max(0, (this.#clock() - start) / DAY_MS),
      targetAchieved: improvementRate >= IMPROVEMENT_TARGET,
      compared: Math.min(base.n, current.n),
      interval: [rate(currentScore - baselineScore - 1.96 * se), rate(currentScore - baselineScore + 1.96 * se)],
    };
  }

  /**
   * Improvement per calendar day (UTC) over the last `days` days (days without snapshots are left
   * out), the current rolling-window rate, and a least-squares line through the daily rates
   * evaluated 30 days after the baseline started (the current rate when fewer than two days).
   */
  getImprovementTrend(days = 30): ImprovementTrend {
    checkFinite(days, 'days', 'INVALID_CONFIG');
    if (!(days >= 1) || !Number.isFinite(days)) throw new LearningError('INVALID_CONFIG', `days must be >= 1, got ${days}`);
    const currentRate = this.calculateImprovement().improvementRate;
    const baselineScore = this.#baseline.meanScore();
    if (this.#baseline.count === 0 || baselineScore <= 0) return { timeline: [], currentRate, projected30Day: currentRate };
    const fromDay = Math.floor(this.#clock() / DAY_MS) - Math.floor(days) + 1;
    const startDay = Math.floor(this.#baseline.start / DAY_MS);
    const points = [...this.#days.entries()]
      .filter(([day, agg]) => day >= fromDay && agg.count > 0)
      .sort(([a], [b]) => a - b)
      .map(([day, agg]) => ({ day, rate: ((agg.meanScore() - baselineScore) / baselineScore) * 100 }));
    const timeline = points.map(({ day, rate }) => ({ date: new Date(day * DAY_MS), improvementRate: rate }));
    const fit = leastSquares(points.map(({ day, rate }) => [day - startDay, rate] as const));
    return { timeline, currentRate, projected30Day: fit ? fit.intercept + fit.slope * 30 : currentRate };
  }

  /** Summary, improvement, per-metric trends (window vs baseline) and rule-based recommendations. */
  generateReport(): PerformanceReport {
    const improvement = this.calculateImprovement();
    const trend = this.getImprovementTrend();
    const trends = this.#metricTrends();
    const recommendations = recommend(this.#baselineDone, this.#windowSize, improvement, trend, trends);
    const summary =
      this.#count === 0
        ? `Agent ${this.#agentId}: no snapshots yet.`
        : `Agent ${this.#agentId}: composite score ${improvement.currentScore.toFixed(3)} over the last ` +
          `${Math.min(this.#count, this.#windowSize)} snapshots vs baseline ${improvement.baselineScore.toFixed(3)} ` +
          `(${signed(improvement.improvementRate)} %, target ${IMPROVEMENT_TARGET} % ` +
          `${improvement.targetAchieved ? 'achieved' : 'not yet achieved'}) after ${improvement.daysElapsed.toFixed(1)} days; ` +
          `${this.#count} snapshots, projected at day 30: ${signed(trend.projected30Day)} %.`;
    return { summary, improvement, trends, recommendations };
  }

  /** Deletes the stored snapshots older than `days` days (one transaction); returns how many. */
  pruneOldSnapshots(days: number): number {
    checkFinite(days, 'days', 'INVALID_CONFIG');
    if (!(days >= 0)) throw new LearningError('INVALID_CONFIG', `days must be >= 0, got ${days}`);
    const cutoff = this.#clock() - days * DAY_MS;
    const old = this.#storedSnapshots().filter((entry) => entry.value.timestamp < cutoff);
    this.#memory.transaction(() => {
      for (const entry of old) this.#memory.delete(entry.key, { partition: 'learning' });
    });
    for (const entry of old) {
      const value = entry.value;
      const day = Math.floor(value.timestamp / DAY_MS);
      const agg = this.#days.get(day);
      agg?.add(this.#toSnapshot('', value), -1);
      if (agg && agg.count <= 0) this.#days.delete(day);
    }
    this.#count -= old.length;
    return old.length;
  }

  /** Snapshots recorded or loaded and not pruned. */
  getSnapshotCount(): number {
    return this.#count;
  }

  /** The mean of the first `windowSize` snapshots, once that many exist. */
  getBaseline(): PerformanceMetrics | undefined {
    return this.#baselineDone ? this.#baselineRecord() : undefined;
  }

  /** Mean metrics and composite score of the rolling window. */
  getCurrentWindow(): { metrics: PerformanceMetricValues; score: number; size: number } {
    const agg = new Aggregate();
    for (const snapshot of this.#window) agg.add(snapshot);
    return { metrics: agg.means(), score: agg.meanScore(), size: agg.count };
  }

  #key(suffix: string): string {
    return this.#prefix + suffix;
  }

  #storedSnapshots(): Array<{ key: string; value: StoredSnapshot }> {
    const prefix = this.#key('snapshots/');
    // `_` in an agent id is a LIKE wildcard: keep only our own keys.
    return this.#memory
      .query<StoredSnapshot>(`${prefix}%`, { partition: 'learning' })
      .filter((entry) => entry.key.startsWith(prefix));
  }

  #toSnapshot(id: string, value: StoredSnapshot): PerformanceSnapshot {
    const snapshot: PerformanceSnapshot = {
      id,
      timestamp: value.timestamp,
      metrics: value.metrics,
      score: compositeScore(value.metrics, this.#weights),
    };
    if (value.trends) snapshot.trends = value.trends;
    return snapshot;
  }

  /** Adds a snapshot to the in-memory aggregates; true when it completed the baseline window. */
  #absorb(snapshot: PerformanceSnapshot): boolean {
    this.#count++;
    this.#window.push(snapshot);
    if (this.#window.length > this.#windowSize) this.#window.shift();
    const day = Math.floor(snapshot.timestamp / DAY_MS);
    let agg = this.#days.get(day);
    if (!agg) this.#days.set(day, (agg = new Aggregate()));
    agg.add(snapshot);
    if (this.#baselineDone) return false;
    this.#early.push(snapshot.score);
    this.#baseline.add(snapshot);
    this.#baselineDone = this.#baseline.count >= this.#windowSize;
    return this.#baselineDone;
  }

  #baselineRecord(): PerformanceMetrics & { score: number; count: number; scoreSquares: number } {
    return {
      agentId: this.#agentId,
      period: { start: new Date(this.#baseline.start), end: new Date(this.#baseline.end) },
      metrics: this.#baseline.means(),
      trends: [],
      score: this.#baseline.meanScore(),
      count: this.#baseline.count,
      scoreSquares: this.#baseline.squares,
    };
  }

  #closeWindow(): void {
    const improvement = this.calculateImprovement();
    const window = this.getCurrentWindow();
    // The store takes integer ms; a virtual clock may read fractions.
    const timestamp = Math.floor(this.#clock());
    const rows = [
      { metric: 'learning.composite_score', value: window.score, unit: 'score' },
      { metric: 'learning.improvement_rate', value: improvement.improvementRate, unit: 'percent' },
      { metric: 'learning.success_rate', value: window.metrics.successRate, unit: 'ratio' },
      { metric: 'learning.error_rate', value: window.metrics.errorRate, unit: 'ratio' },
      { metric: 'learning.execution_time', value: window.metrics.averageExecutionTime, unit: 'ms' },
      { metric: 'learning.user_satisfaction', value: window.metrics.userSatisfaction, unit: 'ratio' },
      { metric: 'learning.resource_efficiency', value: window.metrics.resourceEfficiency, unit: 'ratio' },
    ];
    this.#memory.storePerformanceMetrics(rows.map((row) => ({ ...row, agentId: this.#agentId, timestamp })));
    this.#memory.store(this.#key('improvement'), improvement, { partition: 'learning', ttl: 0 });
    for (const listener of this.#listeners) {
      try {
        listener(improvement);
      } catch (error) {
        // A failing listener must not undo the snapshot the caller's task just produced.
        this.#logger?.error(`performance window listener failed for ${this.#agentId}`, error);
      }
    }
  }

  #metricTrends(): MetricTrend[] {
    if (this.#baseline.count === 0) return [];
    const base = this.#baseline.means();
    const current = this.getCurrentWindow().metrics;
    return METRICS.map((metric) => {
      const from = base[metric];
      const changeRate = from !== 0 ? ((current[metric] - from) / Math.abs(from)) * 100 : current[metric] === 0 ? 0 : 100;
      const better = LOWER_IS_BETTER.has(metric) ? -changeRate : changeRate;
      const direction = Math.abs(changeRate) < STABLE_BAND ? 'stable' : better > 0 ? 'improving' : 'declining';
      return { metric, direction, changeRate };
    });
  }
}

interface StoredSnapshot {
  timestamp: number;
  metrics: PerformanceMetricValues;
  trends?: MetricTrend[];
}

interface StoredBaseline {
  period: { start: string | number | Date; end: string | number | Date };
  metrics: PerformanceMetricValues;
  score: number;
  count: number;
  /** Absent in baselines stored before the improvement interval existed. */
  scoreSquares?: number;
}

const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/** The stored baseline as an aggregate, or undefined when the entry is not one we wrote. */
function restoreBaseline(value: unknown): Aggregate | undefined {
  const stored = value as Partial<StoredBaseline> | null;
  if (typeof stored !== 'object' || stored === null) return undefined;
  const { count, score, scoreSquares, metrics, period } = stored;
  if (!Number.isInteger(count) || count! < 1 || !finite(score) || (scoreSquares !== undefined && !finite(scoreSquares))) return undefined;
  if (typeof metrics !== 'object' || metrics === null || !METRICS.every((m) => finite(metrics[m]))) return undefined;
  if (typeof period !== 'object' || period === null) return undefined;
  const [start, end] = [new Date(period.start as string).getTime(), new Date(period.end as string).getTime()];
  if (!finite(start) || !finite(end)) return undefined;
  const agg = new Aggregate();
  agg.count = count!;
  agg.score = score * count!;
  agg.squares = scoreSquares ?? score * score * count!;
  for (const metric of METRICS) agg.sums[metric] = metrics[metric] * count!;
  agg.start = start;
  agg.end = end;
  return agg;
}

function validateMetrics(metrics: PerformanceMetricValues | undefined): PerformanceMetricValues {
  if (!metrics || typeof metrics !== 'object') throw new LearningError('INVALID_RESULT', 'snapshot needs metrics');
  const out = {} as PerformanceMetricValues;
  for (const metric of METRICS) {
    const value = metrics[metric];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new LearningError('INVALID_RESULT', `metric ${metric} must be a finite number >= 0, got ${String(value)}`);
    }
    out[metric] = value;
  }
  return out;
}

/** Ordinary least squares y = intercept + slope·x; null with fewer than two distinct x. */
function leastSquares(points: ReadonlyArray<readonly [number, number]>): { intercept: number; slope: number } | null {
  const n = points.length;
  if (n < 2) return null;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (const [x, y] of points) {
    sxx += (x - mx) * (x - mx);
    sxy += (x - mx) * (y - my);
  }
  if (sxx === 0) return null;
  const slope = sxy / sxx;
  return { intercept: my - slope * mx, slope };
}

function signed(value: number): string {
  return `${value >= 0 ? '+' : ''}${value.toFixed(1)}`;
}

const ADVICE: Partial<Record<keyof PerformanceMetricValues, string>> = {
  errorRate: 'error rate rose: review the failure patterns and the strategies they occur with',
  successRate: 'success rate fell: lower exploration or roll back to the last good version',
  averageExecutionTime: 'execution time grew: prefer faster strategies or tighten timeouts',
  userSatisfaction: 'user satisfaction fell: review recent feedback comments',
  resourceEfficiency: 'resource efficiency fell: check resource-heavy strategies',
};

function recommend(
  hasBaseline: boolean,
  windowSize: number,
  improvement: ImprovementData,
  trend: ImprovementTrend,
  trends: MetricTrend[],
): string[] {
  if (!hasBaseline) return [`Record at least ${windowSize} snapshots to establish a baseline.`];
  const out: string[] = [];
  for (const t of trends) {
    const advice = ADVICE[t.metric];
    if (advice && t.direction === 'declining') out.push(`${capitalise(advice)} (${signed(t.changeRate)} % vs baseline).`);
  }
  if (improvement.targetAchieved) {
    out.push('Target achieved: keep the current strategies and consider a more conservative learning configuration.');
  } else if (trend.projected30Day < IMPROVEMENT_TARGET) {
    out.push(
      `Projected 30-day improvement ${signed(trend.projected30Day)} % is below the ${IMPROVEMENT_TARGET} % target: ` +
        'run A/B tests between close strategies or raise exploration.',
    );
  }
  return out;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Mean, sample variance and count of some composite scores. */
function moments(scores: readonly number[]): { mean: number; variance: number; n: number } {
  const n = scores.length;
  if (n === 0) return { mean: 0, variance: 0, n: 0 };
  const mean = scores.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? scores.reduce((a, x) => a + (x - mean) * (x - mean), 0) / (n - 1) : 0;
  return { mean, variance, n };
}
