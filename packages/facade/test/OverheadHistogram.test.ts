import { describe, expect, it } from 'vitest';
import { OverheadHistogram } from '@qe-fleet/facade';
import { createRandom } from '@qe-fleet/learning-core';

function exactPercentile(sorted: number[], p: number): number {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

describe('OverheadHistogram', () => {
  it('is all zeros when empty', () => {
    expect(new OverheadHistogram().summary()).toEqual({ count: 0, avg: 0, p50: 0, p95: 0, p99: 0, peak: 0 });
  });

  it('matches exact quantiles within its precision on a skewed sample, with exact mean and peak', () => {
    const random = createRandom(7);
    const histogram = new OverheadHistogram();
    // Log-uniform over 1 µs .. 100 ms: the spread real overheads have.
    const values = Array.from({ length: 20_000 }, () => 10 ** (-3 + 5 * random()));
    for (const v of values) histogram.record(v);
    const sorted = [...values].sort((a, b) => a - b);
    const summary = histogram.summary();
    for (const [p, got] of [[50, summary.p50], [95, summary.p95], [99, summary.p99]] as const) {
      const exact = exactPercentile(sorted, p);
      expect(Math.abs(got - exact) / exact).toBeLessThan(0.02);
    }
    expect(summary.count).toBe(values.length);
    expect(summary.avg).toBeCloseTo(values.reduce((a, b) => a + b, 0) / values.length, 9);
    expect(summary.peak).toBe(sorted.at(-1));
  });

  it('keeps constant memory however many values it records', () => {
    const histogram = new OverheadHistogram();
    const before = histogram.bucketBytes;
    for (let i = 0; i < 100_000; i++) histogram.record(i % 977);
    expect(histogram.bucketBytes).toBe(before);
    expect(before).toBeLessThan(16 * 1024);
  });

  it('merges into fleet-wide quantiles that equal one histogram fed everything', () => {
    const a = new OverheadHistogram();
    const b = new OverheadHistogram();
    const all = new OverheadHistogram();
    for (let i = 1; i <= 1000; i++) {
      (i % 3 === 0 ? a : b).record(i / 100);
      all.record(i / 100);
    }
    const merged = new OverheadHistogram().merge(a).merge(b).summary();
    const { avg, ...rest } = all.summary();
    expect(merged).toMatchObject(rest);
    expect(merged.avg).toBeCloseTo(avg, 9);
    expect(() => a.merge(new OverheadHistogram({ precision: 0.1 }))).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS' }));
  });

  it('counts non-finite or negative durations as 0 and refuses a bad layout', () => {
    const histogram = new OverheadHistogram();
    histogram.record(Number.NaN);
    histogram.record(-5);
    expect(histogram.summary()).toMatchObject({ count: 2, avg: 0, peak: 0, p99: 0 });
    expect(() => new OverheadHistogram({ lowestMs: 0 })).toThrow(expect.objectContaining({ name: 'FacadeError', code: 'INVALID_OPTIONS' }));
    expect(() => new OverheadHistogram({ precision: 1 })).toThrow(expect.objectContaining({ name: 'FacadeError', code: 'INVALID_OPTIONS' }));
    expect(() => new OverheadHistogram({ highestMs: Infinity })).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS' }));
  });
});
