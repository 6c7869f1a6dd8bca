import type { RandomSource } from './types.js';

/**
 * The bounded experience buffer (default 1,000), as the numbers replay needs: per experience its
 * sequence number, state row code, arm, reward and next state row code (-1 until known). Numeric
 * arrays keep 1,000 experiences in ~26 KB; the full records live in memory_entries.
 */
export class ReplayBuffer {
  readonly capacity: number;
  readonly #seq: Float64Array;
  readonly #state: Int32Array;
  readonly #arm: Uint16Array;
  readonly #reward: Float64Array;
  readonly #next: Int32Array;
  #size = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.#seq = new Float64Array(capacity).fill(-1);
    this.#state = new Int32Array(capacity);
    this.#arm = new Uint16Array(capacity);
    this.#reward = new Float64Array(capacity);
    this.#next = new Int32Array(capacity).fill(-1);
  }

  get size(): number {
    return this.#size;
  }

  /** Adds experience `seq` (one more than the last); returns the sequence number it evicted, or null. */
  push(seq: number, state: number, arm: number, reward: number): number | null {
    const slot = seq % this.capacity;
    const evicted = this.#seq[slot]! >= 0 ? this.#seq[slot]! : null;
    this.#seq[slot] = seq;
    this.#state[slot] = state;
    this.#arm[slot] = arm;
    this.#reward[slot] = reward;
    this.#next[slot] = -1;
    if (evicted === null) this.#size++;
    return evicted;
  }

  /** Slot of experience `seq`, or -1 when it is not (or no longer) in the buffer. */
  slotOf(seq: number): number {
    const slot = seq % this.capacity;
    return this.#seq[slot] === seq ? slot : -1;
  }

  setNext(slot: number, state: number): void {
    this.#next[slot] = state;
  }

  seqAt(slot: number): number {
    return this.#seq[slot]!;
  }

  stateAt(slot: number): number {
    return this.#state[slot]!;
  }

  armAt(slot: number): number {
    return this.#arm[slot]!;
  }

  rewardAt(slot: number): number {
    return this.#reward[slot]!;
  }

  /** Next state row code, or -1. */
  nextAt(slot: number): number {
    return this.#next[slot]!;
  }

  /** `count` distinct occupied slots drawn uniformly (Floyd's algorithm), fewer if the buffer is smaller. */
  sample(count: number, random: RandomSource): number[] {
    const occupied = this.#size === this.capacity ? null : this.#occupied();
    const n = this.#size;
    const chosen = new Set<number>();
    for (let j = n - Math.min(count, n); j < n; j++) {
      const t = Math.floor(random() * (j + 1));
      chosen.add(chosen.has(t) ? j : t);
    }
    return occupied === null ? [...chosen] : [...chosen].map((i) => occupied[i]!);
  }

  #occupied(): number[] {
    const slots: number[] = [];
    for (let slot = 0; slot < this.capacity; slot++) if (this.#seq[slot]! >= 0) slots.push(slot);
    return slots;
  }

  /** Mean of the last `count` rewards ending at experience `lastSeq` (NaN when empty). */
  recentMean(lastSeq: number, count: number): number {
    let sum = 0;
    let n = 0;
    for (let seq = lastSeq; seq >= 0 && n < count; seq--) {
      const slot = this.slotOf(seq);
      if (slot < 0) break;
      sum += this.#reward[slot]!;
      n++;
    }
    return n === 0 ? Number.NaN : sum / n;
  }

  clear(): void {
    this.#seq.fill(-1);
    this.#next.fill(-1);
    this.#size = 0;
  }
}
