/** Where progress goes: a terminal gets live bars, anything else plain lines. */
export interface ProgressOutput {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

interface Bar {
  done: number;
  total: number;
  note: string;
}

const WIDTH = 24;

/**
 * Per-agent progress. On a TTY it redraws one bar per agent in place; otherwise it prints one plain
 * line per step, so CI logs and pipes stay readable.
 */
export class ProgressReporter {
  readonly #out: ProgressOutput;
  readonly #bars = new Map<string, Bar>();
  #lines = 0;

  constructor(out: ProgressOutput) {
    this.#out = out;
  }

  /** Registers an agent with the number of steps it will take. */
  start(agent: string, total: number): void {
    this.#bars.set(agent, { done: 0, total, note: 'starting' });
    if (this.#out.isTTY) this.#redraw();
    else this.#out.write(`[${agent}] start (${total} run${total === 1 ? '' : 's'})\n`);
  }

  /** Records one finished step with a short note. */
  step(agent: string, note: string): void {
    const bar = this.#bars.get(agent);
    if (!bar) return;
    bar.done += 1;
    bar.note = note;
    if (this.#out.isTTY) this.#redraw();
    else this.#out.write(`[${agent}] ${bar.done}/${bar.total} ${note}\n`);
  }

  /** Leaves the bars on screen and moves below them. */
  finish(): void {
    if (this.#out.isTTY && this.#lines > 0) this.#out.write('\n');
    this.#lines = 0;
  }

  #redraw(): void {
    const lines = [...this.#bars].map(([agent, b]) => {
      const filled = b.total === 0 ? WIDTH : Math.round((b.done / b.total) * WIDTH);
      return `${agent.padEnd(20)} [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${b.done}/${b.total} ${b.note}`;
    });
    // Back to the first line drawn last time, then rewrite every line in place.
    const up = this.#lines > 1 ? `\x1b[${this.#lines - 1}A` : '';
    this.#out.write(`${up}${lines.map((l) => `\r\x1b[2K${l}`).join('\n')}`);
    this.#lines = lines.length;
  }
}
