import { findStrategy } from '../kit/agent/AgentCore.js';
import type { AgentCore, AgentReport, AgentRunOptions, AgentStrategy, SkippedSurface } from '../kit/agent/AgentCore.js';
import { AgentError } from '../kit/agent/AgentError.js';
import type { Finding } from '../kit/findings/Finding.js';
import { apiBaseUrl } from '../kit/openapi/apiBaseUrl.js';
import { loadOperations } from '../kit/openapi/operations.js';
import { SchemaSampler } from '../kit/openapi/SchemaSampler.js';
import { maskCredentials } from '../kit/service/maskCredentials.js';
import { withService } from '../kit/service/TargetService.js';
import type { TargetServiceOptions } from '../kit/service/TargetService.js';
import type { Target } from '../kit/target/Target.js';
import { AutocannonLoadGenerator } from './AutocannonLoadGenerator.js';
import type { LoadGenerator, LoadSample } from './AutocannonLoadGenerator.js';
import { failsUnderLoad, findKnee, p99Growth, payloadGrowth, summariseLevels } from './loadVerdicts.js';
import type { LevelSummary, LoadGrowth, PayloadGrowth, PayloadPoint } from './loadVerdicts.js';
import { planFromOperations, planFromPages } from './planLoadRoutes.js';
import type { LoadPlan, LoadRoute } from './planLoadRoutes.js';

/** Knobs of a load-tester strategy. */
export interface LoadTesterConfig {
  /** Concurrency levels of the ramp (connections). */
  levels: number[];
  /** Wall time per level (ms) and the request cap per level. */
  levelMs: number;
  maxRequestsPerLevel: number;
  /** Repeats of the whole ramp (verdicts on p99 growth need ≥ 2: the spread). */
  repeats: number;
  /** Routes ramped at most (reads first). */
  maxRoutes: number;
  /** Judge p99 growth with load (needs repeats ≥ 2). */
  judgeP99: boolean;
  /** Payload sizes (array lengths) for routes whose JSON body holds an array; empty = no payload growth. */
  payloadSizes: number[];
  /** Bound of the whole run (ms): routes not reached are listed in `skipped`. */
  maxWallMs: number;
}

/** One route's load results. */
export interface RouteLoad {
  route: string;
  levels: LevelSummary[];
  knee?: number;
  p99Growth?: LoadGrowth;
  payload?: PayloadGrowth;
}

/** A load-tester report: the kit's report plus per-route figures. */
export interface LoadTesterReport extends AgentReport {
  stats: { routesLoaded: number; routesConsidered: number; requests: number; loadRuns: number; perRoute: RouteLoad[] };
}

/** Constructor options of `LoadTesterCore`. */
export interface LoadTesterCoreOptions {
  /** Applies the load (default autocannon). */
  generator?: LoadGenerator;
  /** Seed of request bodies (default 3). */
  seed?: number;
  service?: Omit<TargetServiceOptions, 'dir'>;
  now?: () => number;
  /** Payload growth stops after a size whose fastest response exceeds this (ms, default 400). */
  payloadStopMs?: number;
}

/** The strategies. */
export const LOAD_TESTER_STRATEGIES: readonly AgentStrategy<LoadTesterConfig>[] = [
  { name: 'smoke', description: 'every accepted route at 1 and 4 connections, 300 ms each: failures under concurrency', config: { levels: [1, 4], levelMs: 300, maxRequestsPerLevel: 2000, repeats: 1, maxRoutes: 20, judgeP99: false, payloadSizes: [], maxWallMs: 30_000 } },
  { name: 'ramp', description: '1, 2, 4, 8, 16 connections × 3 repeats on up to 3 routes: knee, p99 growth, failures', config: { levels: [1, 2, 4, 8, 16], levelMs: 300, maxRequestsPerLevel: 4000, repeats: 3, maxRoutes: 3, judgeP99: true, payloadSizes: [], maxWallMs: 60_000 } },
  { name: 'payload-growth', description: 'routes with array bodies at 1000..16 000 elements (×2), 2 connections, 3 repeats', config: { levels: [], levelMs: 0, maxRequestsPerLevel: 0, repeats: 3, maxRoutes: 6, judgeP99: false, payloadSizes: [1000, 2000, 4000, 8000, 16_000], maxWallMs: 60_000 } },
];

const PAYLOAD_CONNECTIONS = 2;
const PAYLOAD_REQUESTS = 6;

/**
 * Load tester core: starts the target's service (or uses its loopback URL), turns the API
 * description's operations (else `/` and its links) into requests the service accepts, and loads
 * them with autocannon at ramped concurrency, repeated: throughput and latency percentiles with
 * their spread, the knee (highest throughput / latency), failures under concurrency, p99 growing
 * faster than the load, and latency growing super-linearly with the payload.
 */
export class LoadTesterCore implements AgentCore {
  readonly id = 'load-tester';
  readonly usesService = true;
  readonly measuresTime = true;
  readonly strategies = LOAD_TESTER_STRATEGIES;
  readonly #options: LoadTesterCoreOptions;

  constructor(options: LoadTesterCoreOptions = {}) {
    this.#options = options;
  }

  /** Not applicable without a service to start and no URL. */
  notApplicable(target: Target): string | undefined {
    const given = this.#options.service?.command !== undefined || this.#options.service?.args !== undefined;
    if (target.baseUrl === undefined && target.profile.service === undefined && !given) return 'no service to start (no start command, start script or conventional entry) and no URL';
    return undefined;
  }

  async run(target: Target, strategyName: string, options: AgentRunOptions = {}): Promise<LoadTesterReport> {
    const now = this.#options.now ?? Date.now;
    const started = now();
    const strategy = findStrategy(this, strategyName);
    const why = this.notApplicable(target);
    if (why !== undefined) throw new AgentError('UNSUPPORTED_TARGET', `not applicable: ${why}`);
    const config = strategy.config;
    const notes: string[] = [];
    const skipped: SkippedSurface[] = [];
    const api = target.profile.api === undefined ? undefined : await loadOperations(target.dir, { file: target.profile.api.file });
    const headers = target.headers ?? {};
    const sampler = new SchemaSampler({ seed: this.#options.seed ?? 3 });
    const generator = this.#options.generator ?? new AutocannonLoadGenerator();
    const perRoute: RouteLoad[] = [];
    const samples: LoadSample[] = [];
    let plan: LoadPlan = { routes: [], skipped: [], considered: 0 };
    await withService(
      target,
      async (serviceUrl) => {
        const base = apiBaseUrl(serviceUrl, api?.basePath ?? '');
        plan = api === undefined ? await planFromPages(base, headers, 10, options.signal) : await planFromOperations(base, api.operations, sampler, headers, options.signal);
        if (api === undefined) notes.push('no API description: loading / and the pages it links to');
        const chosen = config.payloadSizes.length > 0 ? plan.routes.filter((r) => r.payloadAt !== undefined) : plan.routes;
        if (config.payloadSizes.length > 0 && chosen.length === 0) skipped.push({ surface: 'payload growth', reason: 'no accepted route takes a JSON body holding an array' });
        for (const [i, route] of chosen.entries()) {
          if (i >= config.maxRoutes || now() - started > config.maxWallMs) {
            skipped.push({ surface: route.route, reason: i >= config.maxRoutes ? `beyond the strategy's ${config.maxRoutes} routes` : `time bound of ${config.maxWallMs} ms reached` });
            continue;
          }
          const result: RouteLoad = { route: route.route, levels: [] };
          if (config.levels.length > 0) {
            const mine = await this.#ramp(generator, route, config, headers, options.signal);
            samples.push(...mine);
            result.levels = summariseLevels(mine);
            const knee = findKnee(result.levels);
            if (knee !== undefined) result.knee = knee;
            const growth = config.judgeP99 && config.repeats >= 2 ? p99Growth(result.levels, knee) : undefined;
            if (growth !== undefined) result.p99Growth = growth;
          }
          if (config.payloadSizes.length > 0 && route.payloadAt !== undefined) {
            const measured = await this.#payload(generator, route, config, headers, notes, options.signal);
            samples.push(...measured.samples);
            if (measured.growth !== undefined) result.payload = measured.growth;
          }
          perRoute.push(result);
        }
      },
      this.#options.service,
    );
    const findings = perRoute.flatMap((r) => routeFindings(r, plan.routes.find((p) => p.route === r.route), config));
    const considered = config.payloadSizes.length > 0 ? plan.routes.filter((r) => r.payloadAt !== undefined).length : plan.considered;
    return {
      agentId: this.id,
      strategy: strategy.name,
      target: target.dir,
      findings: findings.map((f) => ({ ...f, message: maskCredentials(f.message, headers), evidence: maskCredentials(f.evidence, headers) })),
      durationMs: now() - started,
      coverage: considered === 0 ? 0 : Math.min(1, perRoute.length / considered),
      notes: notes.map((n) => maskCredentials(n, headers)),
      ...(plan.skipped.length + skipped.length === 0 ? {} : { skipped: [...plan.skipped, ...skipped] }),
      stats: { routesLoaded: perRoute.length, routesConsidered: considered, requests: samples.reduce((s, x) => s + x.requests, 0), loadRuns: samples.length, perRoute },
    };
  }

  /** Repeats outermost, so a burst of other load on the machine hits one repeat of every level rather than every repeat of one level. */
  async #ramp(generator: LoadGenerator, route: LoadRoute, config: LoadTesterConfig, headers: Record<string, string>, signal?: AbortSignal): Promise<LoadSample[]> {
    const out: LoadSample[] = [];
    for (let r = 0; r < config.repeats; r++) {
      for (const connections of config.levels) {
        out.push(await generator.run({ url: route.url, method: route.method, headers: withType(headers, route.contentType), ...(route.body === undefined ? {} : { body: route.body }), connections, durationMs: config.levelMs, maxRequests: config.maxRequestsPerLevel }, signal));
      }
    }
    return out;
  }

  async #payload(generator: LoadGenerator, route: LoadRoute, config: LoadTesterConfig, headers: Record<string, string>, notes: string[], signal?: AbortSignal): Promise<{ samples: LoadSample[]; growth?: PayloadGrowth }> {
    const payloadAt = route.payloadAt;
    if (payloadAt === undefined) return { samples: [] };
    const at = (body: string): Promise<LoadSample> =>
      generator.run({ url: route.url, method: route.method, headers: withType(headers, 'application/json'), body, connections: PAYLOAD_CONNECTIONS, durationMs: 30_000, maxRequests: PAYLOAD_REQUESTS, timeoutMs: 30_000 }, signal);
    const samples: LoadSample[] = [];
    const minimal = payloadAt(1);
    await at(minimal); // warm-up: cold code paths would inflate the overhead
    const overheads: number[] = [];
    const points: PayloadPoint[] = [];
    let sizes = [...config.payloadSizes];
    const bodies = new Map(sizes.map((n) => [n, payloadAt(n)]));
    for (let repeat = 0; repeat < config.repeats; repeat++) {
      const base = await at(minimal);
      samples.push(base);
      overheads.push(base.min);
      for (const n of sizes) {
        const sample = await at(bodies.get(n) ?? payloadAt(n));
        samples.push(sample);
        if (sample.status2xx === 0 || sample.status4xx + sample.status5xx + sample.errors > 0) {
          notes.push(`${route.route}: payload growth stops at ${n} elements (${sample.status4xx} 4xx, ${sample.status5xx} 5xx, ${sample.errors} errors)`);
          sizes = sizes.filter((s) => s < n);
          break;
        }
        points.push({ n, repeat, ms: sample.min });
        if (repeat === 0 && sample.min > (this.#options.payloadStopMs ?? 150)) {
          sizes = sizes.filter((s) => s <= n);
          break;
        }
      }
    }
    const kept = points.filter((p) => sizes.includes(p.n));
    return { samples, growth: payloadGrowth(kept, Math.min(...overheads)) };
  }
}

function withType(headers: Record<string, string>, contentType: string | undefined): Record<string, string> {
  return contentType === undefined ? headers : { ...headers, 'content-type': contentType };
}

/** The findings of one route; the evidence says how to reproduce with the autocannon CLI. */
function routeFindings(result: RouteLoad, route: LoadRoute | undefined, config: LoadTesterConfig): Finding[] {
  const findings: Finding[] = [];
  const target = route?.url ?? result.route;
  const method = route?.method ?? 'GET';
  const bodyFlag = route?.body === undefined ? '' : ` -H content-type=application/json -b '<body>'`;
  const failing = failsUnderLoad(result.levels);
  if (failing !== undefined) {
    findings.push({
      kind: 'api-server-error',
      severity: 'high',
      location: { route: result.route },
      message: `${result.route} fails under concurrency: ${failing.failures} failed responses (5xx, errors, timeouts) at ${failing.connections} connections, none at ${result.levels[0]?.connections ?? 1}`,
      evidence: `${levelTable(result.levels)}; reproduce: npx autocannon -c ${failing.connections} -d ${Math.max(1, Math.round(config.levelMs / 1000))} -m ${method}${bodyFlag} ${target}`,
      confidence: 0.8,
      rule: 'load-tester/fails-under-load',
      // Failed responses were observed, not inferred; the latency fits below are statistics, not reproductions.
      verified: `observed ${failing.failures} failed responses at ${failing.connections} connections and none at ${result.levels[0]?.connections ?? 1}`,
    });
  }
  if (result.p99Growth?.superLinear) {
    const g = result.p99Growth;
    findings.push({
      kind: 'perf-quadratic',
      severity: 'medium',
      location: { route: result.route },
      message: `${result.route} p99 grows faster than the load: p99 ∝ connections^${g.exponent.toFixed(2)} from ${g.from} to ${g.to} connections (at least ^${g.lowerBound.toFixed(2)} over the repeats)`,
      evidence: `${levelTable(result.levels)}; reproduce: npx autocannon -c ${g.to} -m ${method}${bodyFlag} ${target}`,
      confidence: 0.6,
      rule: 'load-tester/p99-superlinear',
    });
  }
  if (result.payload?.superLinear) {
    const p = result.payload;
    findings.push({
      kind: 'perf-quadratic',
      severity: 'high',
      location: { route: result.route },
      message: `${result.route} latency grows as ${p.fit.growth} with the payload (time ∝ n^${p.fit.slope.toFixed(2)}, R² ${p.fit.r2.toFixed(3)}; per repeat ${p.repeatSlopes.map((s) => s.toFixed(2)).join(', ')})`,
      evidence: `fastest response at ${PAYLOAD_CONNECTIONS} connections over ${config.repeats} repeats: ${p.best.map((m) => `n=${m.n}: ${m.ms.toFixed(0)} ms`).join(', ')} (minimal body ${p.overheadMs.toFixed(0)} ms; fitted ${p.fitted.join(', ')}); reproduce: npx autocannon -c ${PAYLOAD_CONNECTIONS} -a ${PAYLOAD_REQUESTS} -m ${method} -H content-type=application/json -b "$(cat body-n.json)" ${target}`,
      confidence: 0.85,
      rule: 'load-tester/payload-growth',
    });
  }
  return findings;
}

function levelTable(levels: readonly LevelSummary[]): string {
  return levels.map((l) => `c=${l.connections}: ${l.throughput.median.toFixed(0)} req/s, p50 ${l.p50.median.toFixed(1)} ms, p99 ${l.p99.median.toFixed(1)} ms [${l.p99.min.toFixed(1)}-${l.p99.max.toFixed(1)}], failures ${l.failures}`).join('; ');
}
