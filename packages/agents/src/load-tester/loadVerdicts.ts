import { fitGrowth } from '../kit/perf/fitGrowth.js';
import type { GrowthFit } from '../kit/perf/fitGrowth.js';
import type { LoadSample } from './AutocannonLoadGenerator.js';

/** Median and range of one figure over the repeats of a level. */
export interface Spread {
  median: number;
  min: number;
  max: number;
}

/** One load level (concurrency) summarised over its repeats. */
export interface LevelSummary {
  connections: number;
  repeats: number;
  requests: number;
  /** Responses per second. */
  throughput: Spread;
  p50: Spread;
  p99: Spread;
  /** Connection errors + timeouts + 5xx over all repeats. */
  failures: number;
}

/** How p99 grew with load between two levels. */
export interface LoadGrowth {
  from: number;
  to: number;
  /** log(p99 ratio) / log(concurrency ratio) on the medians: 1 = grows as fast as the load. */
  exponent: number;
  /** The same on the least favourable pairing of repeats (fastest at `to`, slowest at `from`). */
  lowerBound: number;
  superLinear: boolean;
}

/** Thresholds of the super-linear p99 verdict. */
export interface LoadGrowthThresholds {
  /** Median exponent at least this (default 1.5). */
  minExponent?: number;
  /** The least favourable exponent must still exceed this (default 1: faster than the load), so the effect exceeds the spread. */
  minLowerBound?: number;
  /** p99 at the top level at least this many ms (default 5): sub-millisecond jitter is not a verdict. */
  minP99Ms?: number;
}

/** Median, minimum and maximum of the values (0s for none). */
export function spread(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length === 0 ? 0 : sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  return { median, min: sorted[0] ?? 0, max: sorted.at(-1) ?? 0 };
}

/** The samples of one route grouped by concurrency, sorted by it. */
export function summariseLevels(samples: readonly LoadSample[]): LevelSummary[] {
  const byLevel = new Map<number, LoadSample[]>();
  for (const s of samples) byLevel.set(s.connections, [...(byLevel.get(s.connections) ?? []), s]);
  return [...byLevel.entries()]
    .sort(([a], [b]) => a - b)
    .map(([connections, runs]) => ({
      connections,
      repeats: runs.length,
      requests: runs.reduce((sum, r) => sum + r.requests, 0),
      throughput: spread(runs.map((r) => r.throughput)),
      p50: spread(runs.map((r) => r.p50)),
      p99: spread(runs.map((r) => r.p99)),
      failures: runs.reduce((sum, r) => sum + r.errors + r.timeouts + r.status5xx, 0),
    }));
}

/**
 * The knee: the concurrency with the highest Kleinrock power, throughput / mean latency. The mean
 * latency of a closed-loop run is connections / throughput (Little's law), exact where
 * autocannon's millisecond percentiles round a fast route to 0, so power = throughput² /
 * connections. Below the knee added load mostly adds throughput; above it latency grows faster
 * than throughput. Undefined without a level that completed requests.
 */
export function findKnee(levels: readonly LevelSummary[]): number | undefined {
  let best: { connections: number; power: number } | undefined;
  for (const level of levels) {
    if (level.requests === 0 || level.throughput.median <= 0) continue;
    const power = (level.throughput.median * level.throughput.median) / level.connections;
    if (best === undefined || power > best.power) best = { connections: level.connections, power };
  }
  return best?.connections;
}

/**
 * p99 growth from the knee (else the lowest level) to the highest level. Super-linear when the
 * median exponent reaches `minExponent`, the least favourable pairing of repeats still grows
 * faster than the load (`minLowerBound`) and the top p99 is large enough to matter.
 */
export function p99Growth(levels: readonly LevelSummary[], knee: number | undefined, thresholds: LoadGrowthThresholds = {}): LoadGrowth | undefined {
  const top = levels.at(-1);
  const from = levels.find((l) => l.connections === knee && l !== top) ?? levels[0];
  if (!top || !from || top.connections <= from.connections || from.p99.median <= 0 || from.p99.max <= 0) return undefined;
  const logLoad = Math.log(top.connections / from.connections);
  const exponent = Math.log(Math.max(top.p99.median, 1e-3) / from.p99.median) / logLoad;
  const lowerBound = Math.log(Math.max(top.p99.min, 1e-3) / from.p99.max) / logLoad;
  const superLinear = exponent >= (thresholds.minExponent ?? 1.5) && lowerBound > (thresholds.minLowerBound ?? 1) && top.p99.median >= (thresholds.minP99Ms ?? 5);
  return { from: from.connections, to: top.connections, exponent, lowerBound, superLinear };
}

/** The first level above the lowest that failed requests while the lowest level failed none (at least `minFailures`). */
export function failsUnderLoad(levels: readonly LevelSummary[], minFailures = 2): LevelSummary | undefined {
  const [lowest, ...rest] = levels;
  if (!lowest || lowest.failures > 0) return undefined;
  return rest.find((l) => l.failures >= minFailures);
}

/** Latency at one payload size in one repeat. */
export interface PayloadPoint {
  n: number;
  repeat: number;
  /** Fastest response of the run (ms): other load on the machine only ever adds time. */
  ms: number;
}

/** The payload-growth verdict of a route. */
export interface PayloadGrowth {
  /** Fit of the fastest (over repeats) latency minus the overhead against the size, on the sizes that dominate the overhead. */
  fit: GrowthFit;
  /** Slope of each repeat fitted alone on the same sizes: their range is the spread of the slope. */
  repeatSlopes: number[];
  overheadMs: number;
  /** Fastest latency at each size over the repeats (ms, overhead included). */
  best: Array<{ n: number; ms: number }>;
  /** Sizes fitted: those taking at least twice the overhead. */
  fitted: number[];
  superLinear: boolean;
}

/** Thresholds of the payload-growth verdict. */
export interface PayloadGrowthThresholds {
  /** Slope at least this (default 1.5: request overhead dilutes a quadratic handler's 2). */
  minSlope?: number;
  minR2?: number;
  /** Largest size at least this many ms above the overhead (default 5). */
  minLargestMs?: number;
}

/**
 * Growth of latency with the payload. Each size keeps its fastest response (noise only adds
 * time); sizes under twice the overhead (`overheadMs`, a minimal body's fastest response) are
 * left out, since there the subtraction is mostly noise; the overhead is subtracted and kit
 * `fitGrowth` (Theil–Sen slope) fits the rest, and each repeat alone on the same sizes.
 * Super-linear when the slope and fit agree, the largest size costs enough, and the effect
 * exceeds the spread: the median repeat slope is above linear (1) by more than half the
 * range of the repeat slopes.
 */
export function payloadGrowth(points: readonly PayloadPoint[], overheadMs: number, thresholds: PayloadGrowthThresholds = {}): PayloadGrowth {
  const net = (ms: number): number => Math.max(ms - overheadMs, 0.001);
  const sizes = [...new Set(points.map((p) => p.n))].sort((a, b) => a - b);
  const best = sizes.map((n) => ({ n, ms: Math.min(...points.filter((p) => p.n === n).map((p) => p.ms)) }));
  const fitted = best.filter((b) => b.ms >= 2 * overheadMs && b.ms > 0).map((b) => b.n);
  const fit = fitGrowth(best.filter((b) => fitted.includes(b.n)).map((b) => ({ n: b.n, ms: net(b.ms) })));
  const repeats = [...new Set(points.map((p) => p.repeat))];
  const repeatSlopes = repeats
    .map((r) => points.filter((p) => p.repeat === r && fitted.includes(p.n)).map((p) => ({ n: p.n, ms: net(p.ms) })))
    .filter((ps) => ps.length >= 3)
    .map((ps) => fitGrowth(ps).slope);
  const range = spread(repeatSlopes);
  const largest = best.at(-1)?.ms ?? 0;
  const superLinear =
    fit.points >= 3 &&
    fit.slope >= (thresholds.minSlope ?? 1.5) &&
    fit.r2 >= (thresholds.minR2 ?? 0.9) &&
    repeatSlopes.length >= 2 &&
    range.median - 1 > (range.max - range.min) / 2 &&
    net(largest) >= (thresholds.minLargestMs ?? 5);
  return { fit, repeatSlopes, overheadMs, best, fitted, superLinear };
}
