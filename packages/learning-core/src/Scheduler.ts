/**
 * Where periodic work (the improvement loop) gets its timer from, so tests drive time by hand
 * instead of sleeping.
 */
export interface Scheduler {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

/** Real timers, unref'd so a running loop never keeps the process alive. */
export const timerScheduler: Scheduler = {
  setInterval(fn, ms) {
    const handle = setInterval(fn, ms);
    handle.unref();
    return handle;
  },
  clearInterval(handle) {
    clearInterval(handle as ReturnType<typeof setInterval>);
  },
};

interface ManualTimer {
  fn: () => void;
  /** Period of an interval; null for a timeout. */
  every: number | null;
  due: number;
}

/**
 * A scheduler and clock driven by `advance(ms)`, for deterministic tests: intervals and timeouts
 * fire in time order and `now()` moves with them (so it can serve as the code's clock too).
 */
export class ManualScheduler implements Scheduler {
  #now: number;
  #timers = new Set<ManualTimer>();

  constructor(start = 0) {
    this.#now = start;
  }

  /** The current time in ms. */
  readonly now = (): number => this.#now;

  setInterval(fn: () => void, ms: number): unknown {
    const every = Math.max(1, ms);
    return this.#add({ fn, every, due: this.#now + every });
  }

  clearInterval(handle: unknown): void {
    this.#timers.delete(handle as ManualTimer);
  }

  setTimeout(fn: () => void, ms: number): unknown {
    return this.#add({ fn, every: null, due: this.#now + Math.max(0, ms) });
  }

  clearTimeout(handle: unknown): void {
    this.#timers.delete(handle as ManualTimer);
  }

  /** Number of live timers. */
  get pending(): number {
    return this.#timers.size;
  }

  /** Moves time forward, firing every timer that falls due, in time order. */
  advance(ms: number): void {
    const end = this.#now + ms;
    for (;;) {
      let next: ManualTimer | undefined;
      for (const timer of this.#timers) if (timer.due <= end && (!next || timer.due < next.due)) next = timer;
      if (!next) break;
      this.#now = next.due;
      if (next.every === null) this.#timers.delete(next);
      else next.due += next.every;
      next.fn();
    }
    this.#now = end;
  }

  #add(timer: ManualTimer): ManualTimer {
    this.#timers.add(timer);
    return timer;
  }
}
