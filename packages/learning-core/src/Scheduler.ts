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
  every: number;
  due: number;
}

/** A scheduler driven by `advance(ms)`, for deterministic tests. */
export class ManualScheduler implements Scheduler {
  #now = 0;
  #timers = new Set<ManualTimer>();

  setInterval(fn: () => void, ms: number): unknown {
    const timer = { fn, every: Math.max(1, ms), due: this.#now + Math.max(1, ms) };
    this.#timers.add(timer);
    return timer;
  }

  clearInterval(handle: unknown): void {
    this.#timers.delete(handle as ManualTimer);
  }

  /** Number of live intervals. */
  get pending(): number {
    return this.#timers.size;
  }

  /** Moves time forward, firing every interval that falls due, in time order. */
  advance(ms: number): void {
    const end = this.#now + ms;
    for (;;) {
      let next: ManualTimer | undefined;
      for (const timer of this.#timers) if (timer.due <= end && (!next || timer.due < next.due)) next = timer;
      if (!next) break;
      this.#now = next.due;
      next.due += next.every;
      next.fn();
    }
    this.#now = end;
  }
}
