import { mkdtempSync, readFileSync, writeFileSync, openSync, writeSync, closeSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { PerformanceTracker } from '@qe-fleet/learning-core';
import { encodeValue, SwarmMemoryManager } from '@qe-fleet/memory';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DashboardServer } from '../src/DashboardServer.js';
import { VERSION } from '../src/program.js';
import { stripControl } from '../src/render.js';
import { cli } from './cliHarness.js';

const DAY = 86_400_000;
let dir: string;
let db: string;
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'qe-hardening-'));
  db = join(dir, 'fleet.db');
});

function open(path = db): SwarmMemoryManager {
  const memory = new SwarmMemoryManager(path, { cleanupIntervalMs: 0 });
  memory.initialize();
  cleanups.push(() => memory.close());
  return memory;
}

const metrics = (successRate: number) => ({ tasksCompleted: 1, successRate, averageExecutionTime: 1000, errorRate: 1 - successRate, userSatisfaction: successRate, resourceEfficiency: 0.5 });

describe('CLI edges', () => {
  it('--version prints the package version and exits 0', async () => {
    const result = await cli(['--version'], dir);
    expect(result.code).toBe(0);
    expect(result.out.trim()).toBe(VERSION);
    expect(VERSION).toBe((JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version);
  });

  it('strips terminal escape sequences from stored strings printed as text, keeps them escaped in JSON', async () => {
    const memory = open();
    memory.registerAgent({ id: 'evil\u001b]0;pwned\u0007\u001b[2J', type: 'x\u001b[31mred', capabilities: [], status: 'idle', performance: {} });
    memory.close();
    const text = await cli(['agents', '--db', db], dir);
    expect(text.code).toBe(0);
    expect(text.out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(text.out).toContain('evil');
    const json = await cli(['agents', '--db', db, '--json'], dir);
    expect(JSON.parse(json.out)[0].id).toBe('evil\u001b]0;pwned\u0007\u001b[2J');
    expect(stripControl('a\u001b[1;31mb\u001b[0m\tc\n')).toBe('ab\tc\n');
  });

  it('a database with corrupt pages: status is one line naming the problem, exit 2', async () => {
    const memory = open();
    for (let i = 0; i < 400; i++) memory.store(`k/${i}`, { i, pad: 'x'.repeat(400) });
    memory.close();
    // Overwrite pages in the middle of the file (the header and schema stay readable).
    const size = statSync(db).size;
    const fd = openSync(db, 'r+');
    writeSync(fd, Buffer.alloc(4096 * 8, 0xab), 0, 4096 * 8, Math.floor(size / 2 / 4096) * 4096);
    closeSync(fd);
    const result = await cli(['status', '--db', db], dir);
    expect(result.code, result.err).toBe(2);
    expect(result.err.trim().split('\n')).toHaveLength(1);
    expect(result.err).toMatch(/corrupt|not a database/i);
    expect(result.err).not.toContain('    at ');
  });

  it('a busy --port is one line with exit 2', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    cleanups.push(() => new Promise((r) => blocker.close(r)));
    const port = (blocker.address() as { port: number }).port;
    open().close();
    const result = await cli(['dashboard', '--port', String(port), '--db', db], dir);
    expect(result.code).toBe(2);
    expect(result.err).toContain(`--port ${port}: the port is in use`);
    expect(result.err).not.toContain('    at ');
  });
});

describe('memory export and import', () => {
  function seed(): void {
    const memory = open();
    memory.store('notes/alice', 'alice private', { agentId: 'alice' });
    memory.store('shared', { when: new Date(5) });
    memory.storeEvent({ type: 'learning:training', source: 'alice', payload: { r: 1 }, timestamp: Date.now() - 1000 });
    memory.storePattern({ pattern: 'lint:fast', confidence: 0.8, usageCount: 3, agentId: 'alice' });
    memory.storePerformanceMetric({ metric: 'learning.tasks', value: 7, unit: 'tasks', agentId: 'alice', timestamp: Date.now() - 5000 });
    memory.close();
  }
  const file = () => join(dir, 'export.json');
  const writeExport = (entries: unknown[]) =>
    writeFileSync(file(), encodeValue({ format: 'qe-fleet-memory-export', version: 2, exportedAt: Date.now(), entries, events: [], patterns: [], metrics: [] }));
  const entry = (over: Record<string, unknown>) => ({
    key: 'notes/alice', partition: 'default', value: 'mallory was here', metadata: null, createdAt: Date.now() - 10, expiresAt: null,
    owner: 'mallory', accessLevel: 'public', teamId: null, swarmId: null, ...over,
  });

  it('round-trips entries, events, patterns and metrics with their times', async () => {
    seed();
    expect((await cli(['memory', 'export', file(), '--db', db], dir)).code).toBe(0);
    const other = join(dir, 'other.db');
    const imported = await cli(['memory', 'import', file(), '--db', other, '--as-system', 'restore', '--json'], dir);
    expect(imported.code, imported.err).toBe(0);
    expect(JSON.parse(imported.out)).toEqual({ entries: 2, expired: 0, events: 1, patterns: 1, metrics: 1 });
    const a = open();
    const b = open(other);
    const strip = <T extends { id?: string }>(rows: T[]) => rows.map(({ id: _id, ...rest }) => rest);
    expect(b.query('%')).toEqual(a.query('%'));
    expect(strip(b.queryEvents({}))).toEqual(strip(a.queryEvents({})).map((e) => ({ ...e, ttl: expect.any(Number), expiresAt: expect.any(Number) })));
    // The expiry is re-based on the moment of writing: equal to within the time the import took.
    expect(Math.abs((b.queryEvents({})[0]?.expiresAt ?? 0) - (a.queryEvents({})[0]?.expiresAt ?? 0))).toBeLessThan(60_000);
    expect(strip(b.queryPerformanceMetrics())).toEqual(strip(a.queryPerformanceMetrics()));
    const [pa, pb] = [a.getPattern('lint:fast'), b.getPattern('lint:fast')];
    expect(pb).toMatchObject({ confidence: pa?.confidence, usageCount: 3, agentId: 'alice', createdAt: pa?.createdAt });
  });

  it("refuses another agent's entry unless run as a named system caller, naming the entry, exit 2", async () => {
    seed();
    writeExport([entry({})]);
    for (const args of [[], ['--as', 'mallory']]) {
      const result = await cli(['memory', 'import', file(), '--db', db, ...args], dir);
      expect(result.code, result.err).toBe(2);
      expect(result.err).toContain("entry 'default/notes/alice'");
      expect(result.err.trim().split('\n')).toHaveLength(1);
    }
    expect(open().retrieveEntry('notes/alice')).toMatchObject({ value: 'alice private', owner: 'alice', accessLevel: 'private' });
  });

  it('as a named system caller imports other owners, keeping owner and level', async () => {
    seed();
    writeExport([entry({ key: 'notes/bob', owner: 'bob', accessLevel: 'team', teamId: 't1' })]);
    const result = await cli(['memory', 'import', file(), '--db', db, '--as-system', 'admin'], dir);
    expect(result.code, result.err).toBe(0);
    expect(open().retrieveEntry('notes/bob')).toMatchObject({ owner: 'bob', accessLevel: 'team', teamId: 't1' });
  });

  it('refuses learning values of the wrong type and entries without a usable expiresAt, writing nothing', async () => {
    seed();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ key: 'phase2/learning/alice/baseline', partition: 'learning', value: { nonsense: true }, owner: null }, 'phase2/learning/alice/baseline'],
      [{ key: 'x', owner: null, expiresAt: 'tomorrow' }, "entry 'default/x'"],
      [{ key: 'y', owner: null, expiresAt: undefined }, "entry 'default/y'"],
    ];
    for (const [over, name] of cases) {
      writeExport([entry({ key: 'fine', owner: null, value: 1 }), entry(over)]);
      const result = await cli(['memory', 'import', file(), '--db', db], dir);
      expect(result.code, result.err).toBe(2);
      expect(result.err).toContain(name);
      expect(result.err).not.toContain('    at ');
    }
    const memory = open();
    expect(memory.retrieve('fine')).toBeNull();
    expect(memory.retrieve('phase2/learning/alice/baseline', { partition: 'learning' })).toBeNull();
  });
});

describe('dashboard server', () => {
  async function serve(memory: SwarmMemoryManager, options: { maxStreams?: number } = {}): Promise<string> {
    const server = new DashboardServer({ memory, pollMs: 50, ...options });
    const url = await server.start();
    cleanups.push(() => server.stop());
    return url;
  }

  it('shows the newest of several stored runs, not the oldest (overhead, /metrics)', async () => {
    const memory = open();
    memory.registerAgent({ id: 'a1', type: 'code-reviewer', capabilities: [], status: 'idle', performance: {} });
    const t0 = Date.now() - 10_000;
    for (const [i, p99] of [[0, 1.5], [1, 2.5], [2, 0.25]] as const) {
      memory.storePerformanceMetrics(
        ['avg', 'p50', 'p95', 'p99', 'peak'].map((s) => ({ metric: `learning.overhead.${s}`, value: s === 'p99' ? p99 : 0.1, unit: 'ms', agentId: 'a1', timestamp: t0 + i * 1000 })),
      );
    }
    const url = await serve(memory);
    const data = (await (await fetch(`${url}/api/dashboard`)).json()) as { agents: Array<{ overhead: { p99: number } }> };
    expect(data.agents[0]?.overhead.p99).toBe(0.25);
    expect(await (await fetch(`${url}/metrics`)).text()).toContain('qe_fleet_learning_overhead_ms{agent="a1",stat="p99"} 0.25');
  });

  it('draws an improvement line per agent with several days of runs', async () => {
    const memory = open();
    let now = Date.now() - 3 * DAY;
    for (const id of ['a1', 'a2']) {
      memory.registerAgent({ id, type: 'code-reviewer', capabilities: [], status: 'idle', performance: {} });
      now = Date.now() - 3 * DAY;
      const tracker = new PerformanceTracker(id, memory, { clock: () => now, windowSize: 4 });
      tracker.initialize();
      for (let day = 0; day < 3; day++, now += DAY) for (let i = 0; i < 4; i++) tracker.recordSnapshot({ metrics: metrics(0.4 + 0.2 * day) });
    }
    const url = await serve(memory);
    const svg = await (await fetch(`${url}/chart/improvement.svg`)).text();
    expect(svg.match(/<path d="M[^"]+ L[^"]+"/g)).toHaveLength(2);
  });

  it('answers only requests addressed to itself (DNS rebinding) and caps live streams', async () => {
    const memory = open();
    const url = await serve(memory, { maxStreams: 2 });
    const port = new URL(url).port;
    const { request } = await import('node:http');
    const status = (host: string, path = '/api/dashboard') =>
      new Promise<number>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
    expect(await status('evil.example')).toBe(421);
    expect(await status(`evil.example:${port}`)).toBe(421);
    expect(await status(`localhost:${port}`)).toBe(200);
    expect(await status(`127.0.0.1:${port}`)).toBe(200);
    const controllers = [new AbortController(), new AbortController()];
    cleanups.push(() => controllers.forEach((c) => c.abort()));
    for (const c of controllers) expect((await fetch(`${url}/api/events/stream`, { signal: c.signal })).status).toBe(200);
    expect((await fetch(`${url}/api/events/stream`)).status).toBe(503);
  });

  it('reads the store once per change, however many requests come', async () => {
    const memory = open();
    const server = new DashboardServer({ memory });
    const [a, b] = [server.data(), server.data()];
    expect(a).toBe(b);
    memory.store('k', 1);
    expect(server.data()).not.toBe(a);
  });

  it('a bad stored value is a named warning, not an error page', async () => {
    const memory = open();
    memory.registerAgent({ id: 'a1', type: 'code-reviewer', capabilities: [], status: 'idle', performance: {} });
    memory.registerAgent({ id: 'a2', type: 'code-reviewer', capabilities: [], status: 'idle', performance: {} });
    memory.store('phase2/learning/a1/baseline', { nonsense: true }, { partition: 'learning' });
    memory.store('phase2/learning/a1/abtests/t1', { nonsense: true }, { partition: 'learning' });
    memory.close();
    // An event from before timestamps were checked, written the way an old version could.
    const raw = new Database(db);
    raw.prepare("INSERT INTO events (id, type, payload, timestamp, source, ttl, expires_at) VALUES ('x', 'old', '1', 1e20, 's', 0, NULL)").run();
    raw.close();
    const url = await serve(open());
    const response = await fetch(`${url}/api/dashboard`);
    expect(response.status).toBe(200);
    const data = (await response.json()) as { agents: Array<{ id: string }>; warnings: string[] };
    expect(data.agents.map((a) => a.id)).toEqual(['a1', 'a2']);
    // The bad baseline is not among them: a1's tracker rebuilds it from its snapshots.
    expect(data.warnings).toEqual([
      expect.stringContaining('event x'),
      expect.stringContaining('phase2/learning/a1/abtests/t1'),
    ]);
    expect((await fetch(`${url}/metrics`)).status).toBe(200);
    expect((await fetch(`${url}/chart/improvement.svg`)).status).toBe(200);
    const events = await cli(['events', '--db', db], dir);
    expect(events.code, events.err).toBe(0);
    const report = await cli(['report', '--db', db], dir);
    expect(report.code, report.err).toBe(0);
    expect(report.out).toContain('a1');
  });

  it('streams events stored after one stamped in the future', async () => {
    const memory = open();
    const url = await serve(memory);
    const controller = new AbortController();
    cleanups.push(() => controller.abort());
    const stream = await fetch(`${url}/api/events/stream`, { signal: controller.signal });
    const reader = stream.body!.pipeThrough(new TextDecoderStream()).getReader();
    memory.storeEvent({ type: 'future', source: 's', payload: 1, timestamp: Date.now() + 3_600_000 });
    memory.storeEvent({ type: 'now-1', source: 's', payload: 1 });
    await new Promise((r) => setTimeout(r, 200));
    memory.storeEvent({ type: 'now-2', source: 's', payload: 1 });
    let text = '';
    while (!text.includes('now-2')) {
      const next = await reader.read();
      if (next.done) break;
      text += next.value;
    }
    expect(text).toContain('now-1');
    expect(text).toContain('now-2');
    expect(text).not.toContain('"future"');
  });
});
