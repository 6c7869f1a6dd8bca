import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { RouteTimer, ServiceCpuClock, decideGrowth, growthInterval } from '@qe-fleet/agents';
import type { ProcFs } from '@qe-fleet/agents';
import { createRandom } from '@qe-fleet/learning-core';


const SIZES = [1000, 2000, 4000, 8000, 16_000];

/**
 * A fake service: each request costs `cost(n)` ms of CPU; wall time is that cost stretched by a
 * load factor that changes from request to request (1 to 8x, as on a busy 2-core machine), plus a
 * fixed overhead. The timer sees the CPU clock, the clock advances by the cost.
 */
function fakeService(cost: (n: number) => number, seed: number, cpu = true) {
  let cpuMs = 0;
  let wallMs = 0;
  const load = createRandom(seed);
  const sizeOf = (body: string): number => (JSON.parse(body) as { items: unknown[] }).items.length;
  const timer = (random: () => number) =>
    new RouteTimer({
      sizes: SIZES,
      random,
      now: () => wallMs,
      cpuClock: cpu ? () => ({ read: () => cpuMs }) as unknown as ServiceCpuClock : () => undefined,
      send: async (_url, init) => {
        const c = cost(sizeOf(init.body));
        cpuMs += c;
        wallMs += 1 + c * (1 + 7 * load() ** 2);
        return 200;
      },
    });
  return timer;
}

const body = (n: number): string => JSON.stringify({ items: Array.from({ length: n }, (_, i) => i) });
const time = (cost: (n: number) => number, seed: number, cpu = true) => fakeService(cost, seed, cpu)(createRandom(seed + 100)).time('http://127.0.0.1:1/x', 'POST', {}, body);

describe('RouteTimer', () => {
  it('calls a quadratic handler with linear body parsing super-linear on the service CPU clock, whatever the load does to wall time', async () => {
    const timing = await time((n) => 0.3 + 1e-4 * n + 5e-7 * n * n, 1);
    expect(timing.clock).toBe('service-cpu');
    expect(timing.decision).toBe('super-linear');
    expect(timing.interval.slope).toBeGreaterThan(1.6);
    expect(timing.interval.low).toBeLessThanOrEqual(timing.interval.slope);
    expect(timing.interval.high).toBeGreaterThanOrEqual(timing.interval.slope);
    // Suspects are timed again: 10 rounds in all.
    expect(timing.confirmed).toBe(true);
    expect(timing.interval.rounds).toBe(10);
    expect(timing.sizes).toEqual(SIZES);
  });

  it('calls a linear handler not super-linear after one pass of rounds', async () => {
    const timing = await time((n) => 0.3 + 2e-3 * n, 2);
    expect(timing.decision).toBe('not super-linear');
    expect(timing.confirmed).toBe(false);
    expect(timing.interval.rounds).toBe(5);
    expect(timing.interval.slope).toBeGreaterThan(0.9);
    expect(timing.interval.slope).toBeLessThan(1.1);
  });

  it('on wall time under changing load, a linear handler is never reported super-linear', async () => {
    for (const seed of [3, 4, 5, 6]) {
      const timing = await time((n) => 0.3 + 2e-3 * n, seed, false);
      expect(timing.clock).toBe('wall');
      expect(timing.decision).not.toBe('super-linear');
    }
  });

  it('stops the sizes at the first slow request and goes below the first size to keep three', async () => {
    const timing = await time((n) => 2e-5 * n * n, 7);
    // 1000 items cost 20 ms, 2000 cost 80 ms; with an 8x load factor 4000 may pass 1500 ms of wall time.
    expect(timing.sizes.length).toBeGreaterThanOrEqual(3);
    expect(timing.sizes[0]).toBeLessThanOrEqual(1000);
  });

  it('throws on an error status, naming the size', async () => {
    const timer = new RouteTimer({ sizes: SIZES, cpuClock: () => undefined, send: async (_u, init) => (init.body.length > 100 ? 500 : 200) });
    await expect(timer.time('http://127.0.0.1:1/x', 'POST', {}, body)).rejects.toThrow(/answered 500 at n=1000/);
  });
});

describe('growthInterval and decideGrowth', () => {
  it('one disturbed round widens the interval but does not move the median slope', () => {
    const sizes = [1, 2, 4, 8];
    const clean = sizes.map((n) => n * n);
    const rounds = [clean, clean, clean, clean, sizes.map((n, i) => (i === 3 ? 50 * n * n : n * n))];
    const interval = growthInterval(sizes, rounds, createRandom(1));
    expect(interval.slope).toBeCloseTo(2, 5);
    expect(interval.high).toBeGreaterThan(2);
    expect(decideGrowth(interval, 1.5)).toBe('super-linear');
  });

  it('is undecided when the rounds disagree', () => {
    const sizes = [1, 2, 4, 8];
    const rounds = [sizes.map((n) => n), sizes.map((n) => n * n * n), sizes.map((n) => n), sizes.map((n) => n * n * n)];
    expect(decideGrowth(growthInterval(sizes, rounds, createRandom(2)), 1.5)).toBe('undecided');
    expect(decideGrowth({ slope: 1, low: 0.9, high: 1.1, r2: 1, rounds: 5 }, 1.5)).toBe('not super-linear');
  });
});

describe('ServiceCpuClock', () => {
  it('finds the process listening on a port and reads its CPU time, which grows with work', async () => {
    const server = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const clock = ServiceCpuClock.find((server.address() as AddressInfo).port);
      if (process.platform !== 'linux') return expect(clock).toBeUndefined();
      expect(clock?.pids[0]).toBe(process.pid);
      const before = clock!.read();
      const until = process.cpuUsage().user + 30_000;
      while (process.cpuUsage().user < until) Math.sqrt(Math.random());
      expect(clock!.read() - before).toBeGreaterThanOrEqual(20);
    } finally {
      server.close();
    }
  });

  it('sums the listener and its children, every thread; undefined when no process owns the port', () => {
    const files: Record<string, string> = {
      '/proc/net/tcp': 'sl local rem st\n 0: 0100007F:1F90 00000000:0000 0A 0 0 0 0 0 777\n',
      '/proc/10/stat': '10 (node) S 1 10',
      '/proc/11/stat': '11 (node worker) S 10 10',
      '/proc/12/stat': '12 (other) S 1 12',
      '/proc/10/task/10/schedstat': '3000000 0 1',
      '/proc/10/task/13/schedstat': '1000000 0 1',
      '/proc/11/task/11/schedstat': '2000000 0 1',
      '/proc/12/task/12/schedstat': '9000000 0 1',
    };
    const proc: ProcFs = {
      readdir: (path) => {
        const map: Record<string, string[]> = { '/proc': ['10', '11', '12', 'self'], '/proc/10/fd': ['3'], '/proc/11/fd': [], '/proc/12/fd': ['4'], '/proc/10/task': ['10', '13'], '/proc/11/task': ['11'], '/proc/12/task': ['12'] };
        if (map[path] === undefined) throw new Error('ENOENT');
        return map[path];
      },
      readFile: (path) => {
        if (files[path] === undefined) throw new Error('ENOENT');
        return files[path];
      },
      readlink: (path) => (path === '/proc/10/fd/3' ? 'socket:[777]' : 'socket:[1]'),
    };
    const clock = ServiceCpuClock.find(0x1f90, proc);
    expect(clock?.pids).toEqual([10, 11]);
    expect(clock?.read()).toBe(6);
    expect(ServiceCpuClock.find(8081, proc)).toBeUndefined();
  });
});
