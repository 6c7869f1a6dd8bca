import type { Scheduler } from '@qe-fleet/facade';

interface Timer {
  fn: () => void;
  due: number;
  every: number | null;
}

/**
 * A scheduler and clock driven by `advance(ms)`: timeouts and intervals fire in time order and
 * `now()` moves with them, so tests never sleep. `now` doubles as the agents' and store's clock.
 */
export class ManualTimers implements Scheduler {
  #now: number;
  #timers = new Set<Timer>();

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.#now = start;
  }

  readonly now = (): number => this.#now;

  setTimeout(fn: () => void, ms: number): unknown {
    const timer = { fn, due: this.#now + Math.max(0, ms), every: null };
    this.#timers.add(timer);
    return timer;
  }

  clearTimeout(handle: unknown): void {
    this.#timers.delete(handle as Timer);
  }

  setInterval(fn: () => void, ms: number): unknown {
    const every = Math.max(1, ms);
    const timer = { fn, due: this.#now + every, every };
    this.#timers.add(timer);
    return timer;
  }

  clearInterval(handle: unknown): void {
    this.#timers.delete(handle as Timer);
  }

  /** Live timers. */
  get pending(): number {
    return this.#timers.size;
  }

  /** Moves time forward by `ms`, firing what falls due in order. */
  advance(ms: number): void {
    const end = this.#now + ms;
    for (;;) {
      let next: Timer | undefined;
      for (const timer of this.#timers) if (timer.due <= end && (next === undefined || timer.due < next.due)) next = timer;
      if (next === undefined) break;
      this.#now = next.due;
      if (next.every === null) this.#timers.delete(next);
      else next.due += next.every;
      next.fn();
    }
    this.#now = end;
  }
}
