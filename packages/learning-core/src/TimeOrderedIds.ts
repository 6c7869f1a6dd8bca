import type { Clock } from '@qe-fleet/memory';

/** Width of the millisecond part: `Date.now()` has 13 digits until the year 2286. */
const TIME_DIGITS = 13;
const SEQ_DIGITS = 4;
const ID_PATTERN = new RegExp(`^(\\d{${TIME_DIGITS}})-(\\d{${SEQ_DIGITS}})$`);

/**
 * Ids of the form `{ms}-{seq}` (fixed width) that never repeat and sort in time order as
 * strings, even for many ids in one millisecond or a clock that steps back. `resume(lastId)`
 * continues after an id loaded from storage, so a restart in the same millisecond cannot collide.
 */
export class TimeOrderedIds {
  readonly #clock: Clock;
  #lastMs = -1;
  #seq = 0;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** The next id. */
  next(): string {
    const now = Math.max(Math.floor(this.#clock()), 0);
    if (now > this.#lastMs) {
      this.#lastMs = now;
      this.#seq = 0;
    } else if (++this.#seq >= 10 ** SEQ_DIGITS) {
      // Sequence space of the millisecond used up: borrow the next millisecond.
      this.#lastMs++;
      this.#seq = 0;
    }
    return `${String(this.#lastMs).padStart(TIME_DIGITS, '0')}-${String(this.#seq).padStart(SEQ_DIGITS, '0')}`;
  }

  /** Continues after `id` (one produced by this scheme); other strings are ignored. */
  resume(id: string): void {
    const parsed = TimeOrderedIds.parse(id);
    if (!parsed) return;
    if (parsed.ms > this.#lastMs || (parsed.ms === this.#lastMs && parsed.seq > this.#seq)) {
      this.#lastMs = parsed.ms;
      this.#seq = parsed.seq;
    }
  }

  /** The millisecond and sequence of an id, or null when it is not one of ours. */
  static parse(id: string): { ms: number; seq: number } | null {
    const match = ID_PATTERN.exec(id);
    return match ? { ms: Number(match[1]), seq: Number(match[2]) } : null;
  }
}
