import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SwarmMemoryManager } from '@qe-fleet/memory';
import type { Registry } from 'prom-client';
import { renderLineChart } from './chart.js';
import { collectDashboardData, type DashboardData } from './dashboardData.js';
import { DASHBOARD_PAGE } from './dashboardPage.js';
import { findingsPanelResponse } from './findingsPanel.js';
import { createFleetRegistry } from './prometheus.js';

/** Options of `DashboardServer`. */
export interface DashboardServerOptions {
  memory: SwarmMemoryManager;
  /** 0 picks a free port. */
  port?: number;
  /** How often the live event stream polls the store (ms). Default 1000. */
  pollMs?: number;
  /** Most live-stream (server-sent events) clients at once; more get 503. Default 16. */
  maxStreams?: number;
  /**
   * Longest a cached `/api/dashboard` result is served while the store is unchanged (ms): rows
   * can expire without a commit. Default 10 000.
   */
  cacheMaxAgeMs?: number;
  /** The clock of the cache and of the stream's "not in the future" bound. Default Date.now. */
  clock?: () => number;
}

const IMPROVEMENT_TARGET = 20;

/**
 * The seed 11.2 dashboard over HTTP, bound to 127.0.0.1 only: the page, its JSON, an SVG chart of
 * improvement per day, a live event stream (server-sent events) and `/metrics` for Prometheus.
 * Every response is computed from the store when asked.
 */
export class DashboardServer {
  readonly #memory: SwarmMemoryManager;
  readonly #port: number;
  readonly #pollMs: number;
  readonly #registry: Registry;
  readonly #streams = new Set<ServerResponse>();
  readonly #maxStreams: number;
  readonly #cacheMaxAgeMs: number;
  readonly #clock: () => number;
  /** The last dashboard read, its store version and time; concurrent requests share one read. */
  #cache: { version: string; at: number; data: Promise<DashboardData> } | null = null;
  /** `Host` header values that name this server (set once the port is known). */
  #hosts = new Set<string>();
  #server: Server | null = null;
  #poller: NodeJS.Timeout | null = null;
  /** The last event streamed (or the newest at start): new events are those after it. */
  #cursor: { timestamp: number; id: string } | undefined;

  constructor(options: DashboardServerOptions) {
    this.#memory = options.memory;
    this.#port = options.port ?? 0;
    this.#pollMs = options.pollMs ?? 1000;
    this.#maxStreams = options.maxStreams ?? 16;
    this.#cacheMaxAgeMs = options.cacheMaxAgeMs ?? 10_000;
    this.#clock = options.clock ?? Date.now;
    this.#registry = createFleetRegistry(() => this.data());
  }

  /**
   * The dashboard as JSON, read from the store once per change: while nothing was committed (by
   * any process) and the read is younger than `cacheMaxAgeMs`, every request gets the same result.
   * 200 concurrent requests once took 6 s, each reading every agent's history.
   */
  data(): Promise<DashboardData> {
    const version = this.#memory.dataVersion();
    const now = this.#clock();
    const cache = this.#cache;
    if (cache && cache.version === version && now - cache.at < this.#cacheMaxAgeMs) return cache.data;
    const data = collectDashboardData(this.#memory, now);
    this.#cache = { version, at: now, data };
    // A failed read is not cached.
    data.catch(() => {
      if (this.#cache?.data === data) this.#cache = null;
    });
    return data;
  }

  /** Starts listening; resolves to the base URL. */
  async start(): Promise<string> {
    const server = createServer((req, res) => {
      this.#handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`internal error: ${error instanceof Error ? error.message : String(error)}`);
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#port, '127.0.0.1', () => resolve());
    });
    this.#server = server;
    const port = (server.address() as AddressInfo).port;
    this.#hosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
    const newest = this.#memory.queryEvents({ limit: 1, until: this.#clock() })[0];
    this.#cursor = newest && { timestamp: newest.timestamp, id: newest.id };
    this.#poller = setInterval(() => this.#pushNewEvents(), this.#pollMs);
    this.#poller.unref();
    return `http://127.0.0.1:${port}`;
  }

  /** Closes the event streams and the server. */
  async stop(): Promise<void> {
    if (this.#poller) clearInterval(this.#poller);
    this.#poller = null;
    for (const res of this.#streams) res.end();
    this.#streams.clear();
    const server = this.#server;
    this.#server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // DNS rebinding: a page on evil.example whose name now resolves to 127.0.0.1 reaches this
    // server with its own name in Host. Only requests addressed to this server are answered.
    if (!this.#hosts.has((req.headers.host ?? '').toLowerCase())) {
      res.writeHead(421, { 'content-type': 'text/plain' }).end('misdirected request: Host must be this server (127.0.0.1 or localhost with its port)');
      return;
    }
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (req.method !== 'GET') {
      res.writeHead(405, { allow: 'GET' }).end();
      return;
    }
    const findings = findingsPanelResponse(this.#memory, path);
    if (findings !== undefined) {
      res.writeHead(200, { 'content-type': findings.type }).end(findings.body);
      return;
    }
    switch (path) {
      case '/':
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(DASHBOARD_PAGE);
        return;
      case '/api/dashboard':
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(await this.data()));
        return;
      case '/chart/improvement.svg': {
        const data = await this.data();
        const svg = renderLineChart({
          title: 'Improvement over baseline per day',
          xLabel: 'day',
          yLabel: 'improvement %',
          series: data.agents
            .filter((a) => a.timeline.length > 0)
            .map((a) => ({ name: a.id, points: a.timeline.map((p, i) => ({ x: i + 1, y: p.improvementRate })) })),
          references: [{ y: IMPROVEMENT_TARGET, label: `seed target ${IMPROVEMENT_TARGET} %` }],
        });
        res.writeHead(200, { 'content-type': 'image/svg+xml' }).end(svg);
        return;
      }
      case '/api/events/stream':
        if (this.#streams.size >= this.#maxStreams) {
          res.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '10' }).end(`too many live streams (at most ${this.#maxStreams})`);
          return;
        }
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
        res.write(': connected\n\n');
        this.#streams.add(res);
        req.on('close', () => this.#streams.delete(res));
        return;
      case '/metrics':
        res.writeHead(200, { 'content-type': this.#registry.contentType }).end(await this.#registry.metrics());
        return;
      case '/favicon.ico':
        res.writeHead(204).end();
        return;
      default:
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  }

  #pushNewEvents(): void {
    if (this.#streams.size === 0) return;
    // A (timestamp, id) cursor: events stored later within the same millisecond are not skipped.
    // Only events up to now: one stamped in the future would move the cursor past every event
    // stored until then; it is streamed when its time comes.
    const events = this.#memory.queryEvents({ ...(this.#cursor && { after: this.#cursor }), until: this.#clock(), order: 'asc', limit: 200 });
    for (const event of events) {
      this.#cursor = { timestamp: event.timestamp, id: event.id };
      const frame = `event: stored\ndata: ${JSON.stringify(event)}\n\n`;
      for (const res of this.#streams) res.write(frame);
    }
  }
}
