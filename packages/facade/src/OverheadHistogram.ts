import { FacadeError } from './FacadeError.js';
import type { OverheadSummary } from './types.js';

/** Layout of an `OverheadHistogram`. */
export interface OverheadHistogramOptions {
  /** Smallest distinguished value (ms). Default 0.0001 (0.1 µs). */
  lowestMs?: number;
  /** Largest distinguished value (ms); larger ones land in the top bucket. Default 3 600 000. */
  highestMs?: number;
  /** Relative width of a bucket. Default 0.02 (quantiles within 2 %). */
  precision?: number;
}

/**
 * Latency histogram with logarithmic buckets (HDR-like): constant memory however many values,
 * quantiles within `precision`, exact count, sum, min and max. Histograms with the same layout
 * merge, which is how fleet-wide quantiles are computed (quantiles themselves don't average).
 */
export class OverheadHistogram {
  readonly #lowest: number;
  readonly #logGrowth: number;
  readonly #counts: Float64Array;
  #count = 0;
  #sum = 0;
  #min = Number.POSITIVE_INFINITY;
  #max = 0;

  constructor(options: OverheadHistogramOptions = {}) {
    if (options === null || typeof options !== 'object') throw new FacadeError('INVALID_OPTIONS', 'OverheadHistogram options must be an object');
    const lowest = options.lowestMs ?? 0.0001;
    const highest = options.highestMs ?? 3_600_000;
    const precision = options.precision ?? 0.02;
    const numbers = typeof lowest === 'number' && typeof highest === 'number' && typeof precision === 'number';
    if (!numbers || !(lowest > 0) || !(highest > lowest) || !Number.isFinite(highest) || !(precision > 0 && precision < 1)) {
      throw new FacadeError('INVALID_OPTIONS', 'OverheadHistogram needs numbers 0 < lowestMs < highestMs < Infinity and 0 < precision < 1');
    }
    this.#lowest = lowest;
    this.#logGrowth = Math.log1p(precision);
    this.#counts = new Float64Array(Math.ceil(Math.log(highest / lowest) / this.#logGrowth) + 1);
  }

  /** Records one duration in ms (non-finite or negative values count as 0). */
  record(ms: number): void {
    const value = typeof ms === 'number' && Number.isFinite(ms) && ms > 0 ? ms : 0;
    this.#counts[this.#bucketOf(value)]! += 1;
    this.#count += 1;
    this.#sum += value;
    if (value < this.#min) this.#min = value;
    if (value > this.#max) this.#max = value;
  }

  /** Number of recorded values. */
  get count(): number {
    return this.#count;
  }

  /** Value at percentile `p` (0..100), within `precision`; 0 when empty. */
  percentile(p: number): number {
    if (this.#count === 0) return 0;
    const rank = Math.max(1, Math.ceil((Math.min(100, Math.max(0, p)) / 100) * this.#count));
    let seen = 0;
    for (let i = 0; i < this.#counts.length; i++) {
      seen += this.#counts[i]!;
      if (seen >= rank) {
        // The geometric middle of the bucket, kept inside what was actually observed.
        const middle = this.#lowest * Math.exp((i + 0.5) * this.#logGrowth);
        return Math.min(this.#max, Math.max(this.#min, middle));
      }
    }
    return this.#max;
  }

  /** Count, mean, p50/p95/p99 and peak. */
  summary(): OverheadSummary {
    return {
      count: this.#count,
      avg: this.#count === 0 ? 0 : this.#sum / this.#count,
      p50: this.percentile(50),
      p95: this.percentile(95),
      p99: this.percentile(99),
      peak: this.#max,
    };
  }

  /** Adds another histogram of the same layout into this one. */
  merge(other: OverheadHistogram): this {
    if (!(other instanceof OverheadHistogram)) throw new FacadeError('INVALID_OPTIONS', 'OverheadHistogram.merge needs an OverheadHistogram');
    if (other.#counts.length !== this.#counts.length || other.#lowest !== this.#lowest || other.#logGrowth !== this.#logGrowth) {
      throw new FacadeError('INVALID_OPTIONS', 'OverheadHistogram.merge needs histograms with the same layout');
    }
    for (let i = 0; i < this.#counts.length; i++) this.#counts[i]! += other.#counts[i]!;
    this.#count += other.#count;
    this.#sum += other.#sum;
    this.#min = Math.min(this.#min, other.#min);
    this.#max = Math.max(this.#max, other.#max);
    return this;
  }

  /** Bytes held by the buckets (constant for a layout). */
  get bucketBytes(): number {
    return this.#counts.byteLength;
  }

  #bucketOf(value: number): number {
    if (value <= this.#lowest) return 0;
    const index = Math.floor(Math.log(value / this.#lowest) / this.#logGrowth);
    return Math.min(index, this.#counts.length - 1);
  }
}
