import { performance } from 'node:perf_hooks';
import { AgentError } from '../kit/agent/AgentError.js';
import { loopbackFetch } from '../kit/service/loopbackFetch.js';
import { decideGrowth, growthInterval, median } from './growthInterval.js';
import type { GrowthDecision, GrowthInterval } from './growthInterval.js';
import { ServiceCpuClock } from './ServiceCpuClock.js';

/** One request as it was sent and timed. */
interface Sample {
  wallMs: number;
  /** Service CPU milliseconds the request cost; undefined without a service clock. */
  cpuMs?: number;
}

/** Constructor options of `RouteTimer`. */
export interface RouteTimerOptions {
  /** Payload sizes (array lengths), ascending. */
  sizes: readonly number[];
  /** Rounds of the first pass (default 5); a suspect route gets as many again to confirm. */
  rounds?: number;
  /** A size whose request takes longer than this in the probe pass ends the sizes (ms, default 1500). */
  stopMs?: number;
  /** Minimum growth exponent of a super-linear verdict (default 1.5). */
  minSlope?: number;
  /** Random source of the round order and the bootstrap (default Math.random). */
  random?: () => number;
  /** The service's CPU clock for a loopback port (default `ServiceCpuClock.find`); undefined: wall time. */
  cpuClock?: (port: number) => ServiceCpuClock | undefined;
  /** Sends one request, resolves when its body is read (default: `loopbackFetch`). */
  send?: (url: string, init: { method: string; body: string; headers: Record<string, string> }) => Promise<number>;
  now?: () => number;
  signal?: AbortSignal;
}

/** One route's measured growth. */
export interface RouteTiming {
  sizes: number[];
  /** Per size: the median over rounds of the request's cost minus the same round's baseline request. */
  medians: number[];
  /** Median cost of the baseline request (the smallest payload), the same clock. */
  baselineMs: number;
  /** Median wall time per size, baseline included (for the evidence). */
  wallMedians: number[];
  interval: GrowthInterval;
  decision: GrowthDecision;
  /** `service-cpu`: the service's CPU time (load does not inflate it); `wall`: request wall time. */
  clock: 'service-cpu' | 'wall';
  /** Whether the confirmation rounds ran (the first pass did not say "not super-linear"). */
  confirmed: boolean;
}

/**
 * Times one route at growing payload sizes so that machine load does not decide the verdict: a
 * probe pass picks the sizes (stopping at the first slow one), then each round sends every size in
 * a fresh random order, each right after a baseline request with the smallest payload, and keeps
 * the difference, so a burst of load hits a size and its baseline alike and every size alike across
 * rounds. Time is the service's own CPU time where Linux shows it (`ServiceCpuClock`), else wall
 * time. The growth exponent comes with a bootstrap interval over the rounds; a route that the first
 * rounds do not clear is timed as many rounds again before the verdict, and a route whose interval
 * still straddles the threshold is "undecided" rather than guessed.
 */
export class RouteTimer {
  readonly #options: RouteTimerOptions;

  constructor(options: RouteTimerOptions) {
    this.#options = options;
  }

  /**
   * Times `url` with the bodies `bodyAt(n)` (`bodyAt(1)` is the baseline). Throws `Error` when the
   * service answers 400 or more, AgentError ABORTED when aborted.
   */
  async time(url: string, method: string, headers: Record<string, string>, bodyAt: (n: number) => string): Promise<RouteTiming> {
    const { rounds = 5, stopMs = 1500, minSlope = 1.5, random = Math.random } = this.#options;
    const port = Number(new URL(url).port || 80);
    const clock = (this.#options.cpuClock ?? ServiceCpuClock.find)(port);
    const baseBody = bodyAt(1);
    const request = async (body: string, n: number): Promise<Sample> => this.#request(url, method, headers, body, n, clock);
    // Probe, smallest first: warms the route up and finds the sizes worth timing.
    await request(baseBody, 1);
    const sizes: number[] = [];
    const bodies = new Map<number, string>();
    for (const n of this.#options.sizes) {
      const body = bodyAt(n);
      bodies.set(n, body);
      sizes.push(n);
      if ((await request(body, n)).wallMs > stopMs) break;
    }
    // Fewer than three sizes cannot show a growth: go below the first one instead.
    while (sizes.length < 3 && (sizes[0] ?? 1) >= 8) {
      const n = Math.floor((sizes[0] ?? 8) / 2);
      bodies.set(n, bodyAt(n));
      sizes.unshift(n);
    }
    const net: number[][] = [];
    const wall: number[][] = [];
    const base: number[] = [];
    const pass = async (count: number): Promise<void> => {
      for (let r = 0; r < count; r++) {
        const order = shuffle(sizes.map((_, i) => i), random);
        const row: number[] = new Array<number>(sizes.length).fill(Number.NaN);
        const wallRow: number[] = new Array<number>(sizes.length).fill(Number.NaN);
        for (const i of order) {
          const n = sizes[i] ?? 1;
          const before = await request(baseBody, 1);
          const at = await request(bodies.get(n) ?? baseBody, n);
          const cost = (s: Sample): number => (clock === undefined ? s.wallMs : (s.cpuMs ?? s.wallMs));
          row[i] = cost(at) - cost(before);
          wallRow[i] = at.wallMs;
          base.push(cost(before));
        }
        net.push(row);
        wall.push(wallRow);
      }
    };
    await pass(rounds);
    let interval = growthInterval(sizes, net, random);
    let decision = decideGrowth(interval, minSlope);
    const confirmed = decision !== 'not super-linear';
    if (confirmed) {
      await pass(rounds);
      interval = growthInterval(sizes, net, random);
      decision = decideGrowth(interval, minSlope);
    }
    return {
      sizes,
      medians: sizes.map((_, i) => median(net.map((row) => row[i] ?? Number.NaN))),
      baselineMs: median(base),
      wallMedians: sizes.map((_, i) => median(wall.map((row) => row[i] ?? Number.NaN))),
      interval,
      decision,
      clock: clock === undefined ? 'wall' : 'service-cpu',
      confirmed,
    };
  }

  async #request(url: string, method: string, headers: Record<string, string>, body: string, n: number, clock: ServiceCpuClock | undefined): Promise<Sample> {
    if (this.#options.signal?.aborted) throw new AgentError('ABORTED', 'route timing was aborted');
    const now = this.#options.now ?? (() => performance.now());
    const send = this.#options.send ?? defaultSend;
    const cpu0 = clock?.read();
    const t0 = now();
    const status = await send(url, { method, body, headers: { ...headers, 'content-type': 'application/json' } });
    const wallMs = now() - t0;
    const cpu1 = clock?.read();
    if (status >= 400) throw new Error(`answered ${status} at n=${n}`);
    return cpu0 === undefined || cpu1 === undefined ? { wallMs } : { wallMs, cpuMs: cpu1 - cpu0 };
  }
}

async function defaultSend(url: string, init: { method: string; body: string; headers: Record<string, string> }): Promise<number> {
  const response = await loopbackFetch(url, { ...init, timeoutMs: 30_000 });
  await response.arrayBuffer();
  return response.status;
}

function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}
