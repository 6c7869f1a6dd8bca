import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { findStrategy } from '../kit/agent/AgentCore.js';
import type { AgentCore, AgentReport, AgentRunOptions, AgentStrategy, SkippedSurface } from '../kit/agent/AgentCore.js';
import { apiBaseUrl } from '../kit/openapi/apiBaseUrl.js';
import { maskCredentials } from '../kit/service/maskCredentials.js';
import { extractTargetExports } from '../kit/typescript/extractTargetExports.js';
import { missingDependencies } from '../kit/target/missingDependencies.js';
import { loadOperations } from '../kit/openapi/operations.js';
import type { ApiOperation } from '../kit/openapi/operations.js';
import { AgentError } from '../kit/agent/AgentError.js';
import type { ExportedFunction, TypeShape } from '../kit/typescript/extractExports.js';
import { withService } from '../kit/service/TargetService.js';
import type { TargetServiceOptions } from '../kit/service/TargetService.js';
import { classifySlope, fitGrowth } from '../kit/perf/fitGrowth.js';
import { confirmGrowth, isSuperLinear } from './confirmGrowth.js';
import type { GrowthThresholds } from './confirmGrowth.js';
import { hasArray } from '../kit/openapi/hasArray.js';
import type { GrowthFit, SizePoint } from '../kit/perf/fitGrowth.js';
import type { Finding } from '../kit/findings/Finding.js';
import { RouteTimer } from './RouteTimer.js';
import type { RouteTiming } from './RouteTimer.js';
import type { ServiceCpuClock } from './ServiceCpuClock.js';
import { exportAccessSource } from '../kit/probe/exportAccessSource.js';
import { runProcess } from '../kit/process/runProcess.js';
import { SchemaSampler } from '../kit/openapi/SchemaSampler.js';
import type { Target } from '../kit/target/Target.js';
import { TargetWorkspace } from '../kit/target/TargetWorkspace.js';

/** Knobs of a performance-tester strategy. */
export interface PerformanceTesterConfig {
  /** Input sizes of the function benchmarks. */
  sizes: number[];
  /** tinybench time budget per size, milliseconds. */
  timePerSizeMs: number;
  /** A function stops growing once one call at the next size is predicted to take longer than this. */
  maxCallMs: number;
  /** Run the benchmarks in this process (cheaper) or in a child process (isolated, killable). */
  isolation: 'in-process' | 'child-process';
  /** Also time routes with array payloads at growing sizes against the loopback service. */
  routes: boolean;
}

/** One benchmark point as tinybench measured it. */
export interface BenchPoint {
  n: number;
  /** The robust time the growth is fitted on: fastest CPU time per call (functions), median service CPU (or wall) time net of a same-round baseline request (routes). */
  ms: number;
  meanMs: number;
  /** Relative margin of error of the mean, percent (95 %, tinybench). */
  rme: number;
  /** Margin of error of the mean, milliseconds (tinybench). */
  moe: number;
  /**
   * 95 % margin of error of `ms`, milliseconds: 1.96 × 1.2533 × 1.4826 × MAD / √samples (the
   * median's standard error from the MAD). On a busy machine outliers push the mean's margin past
   * the mean itself; the median's stays meaningful, so baselines are compared on it.
   */
  msMoe: number;
  samples: number;
}

/** Growth of one function or route. */
export interface GrowthResult {
  /** Function name or route. */
  subject: string;
  file?: string;
  points: BenchPoint[];
  fit: GrowthFit;
  /** Confirming runs of functions: the growth of one plain pass (enumerate and copy) over the same inputs. */
  baseline?: GrowthFit;
  /** Routes: time of the baseline request (smallest payload), subtracted from the points. */
  overheadMs?: number;
  /** Routes: the rounds' clock, growth interval and decision (`RouteTimer`). */
  route?: RouteTiming;
  error?: string;
}

/** A slowdown of the median against the stored baseline beyond both medians' margins of error. */
export interface Regression {
  subject: string;
  n: number;
  baselineMs: number;
  currentMs: number;
  ratio: number;
  /** Sum of both medians' margins of error, milliseconds: the slowdown exceeds it. */
  marginMs: number;
}

/** A performance-tester report. */
export interface PerformanceTesterReport extends AgentReport {
  stats: { functions: GrowthResult[]; routes: GrowthResult[]; regressions: Regression[]; baselinesStored: number };
}

/** Where baselines are kept; `SwarmMemoryManager` fits (sync or async `store`/`retrieve`). */
export interface BaselineStore {
  store(key: string, value: unknown): unknown;
  retrieve(key: string): unknown;
}

/** Constructor options of `PerformanceTesterCore`. */
export interface PerformanceTesterCoreOptions {
  /** Baselines per function (`agents/performance-tester/baseline/{target}/{fn}`); none: no regression check. */
  baselines?: BaselineStore;
  /**
   * A slowdown counts as a regression only beyond this ratio (default 2) as well as beyond both
   * margins of error: on a busy machine the same code measures up to ~1.7× slower from one run to
   * the next, more than any within-run margin shows.
   */
  regressionRatio?: number;
  /** Overwrite stored baselines with this run (default: store only where none exists). */
  updateBaselines?: boolean;
  /** Kill the child-process benchmark after this long (default 60 000 ms). */
  timeoutMs?: number;
  /** How to start the target's service when the target gives no base URL (kit `TargetService` options). */
  service?: Omit<TargetServiceOptions, 'dir'>;
  /**
   * Route payload sizes (default 1000..16000, ×2): large enough that growth beats the request
   * overhead, and a ×16 span so timing noise moves the fitted slope half as much as a ×4 span.
   */
  routeSizes?: number[];
  /** Rounds of route timing (every size once per round, random order); suspects get as many again (default 5). */
  routeRounds?: number;
  /** The service's CPU clock for a port (default `ServiceCpuClock.find`, Linux /proc); returning undefined times wall clock. */
  serviceCpuClock?: (port: number) => ServiceCpuClock | undefined;
  /** Random source of the route rounds' order and bootstrap (default: seeded from `seed`). */
  random?: () => number;
  /**
   * Minimum slope and R² to report super-linear growth (defaults 1.6 and 0.9). On the sample
   * target, 12 runs of the three function strategies, quiet and with 3 or 6 busy threads on 2
   * cores, fitted its linear functions (hash-based ones included) at 0.85-1.49 and its quadratic
   * ones at 1.74-2.80 (`pnpm --filter @qe-fleet/agents growth-spread` re-runs that): 1.6 sits in
   * the gap.
   */
  minSlope?: number;
  minR2?: number;
  /**
   * Minimum slope for routes (default 1.5): request overhead dilutes the growth of the handler,
   * so a quadratic handler measures 1.5-2.2 through HTTP. Routes must also take 3× the overhead.
   */
  minRouteSlope?: number;
  seed?: number;
  now?: () => number;
}

/** The strategies. */
export const PERFORMANCE_TESTER_STRATEGIES: readonly AgentStrategy<PerformanceTesterConfig>[] = [
  { name: 'quick', description: 'sizes 100..6400 (×4), 20 ms per size, in process', config: { sizes: [100, 400, 1600, 6400], timePerSizeMs: 20, maxCallMs: 40, isolation: 'in-process', routes: false }, usesService: false },
  { name: 'quick-isolated', description: 'sizes 100..6400 (×4), 20 ms per size, child process', config: { sizes: [100, 400, 1600, 6400], timePerSizeMs: 20, maxCallMs: 40, isolation: 'child-process', routes: false }, usesService: false },
  { name: 'thorough', description: 'sizes 100..10k (×√10), 60 ms per size, child process', config: { sizes: [100, 300, 1000, 3000, 10_000], timePerSizeMs: 60, maxCallMs: 150, isolation: 'child-process', routes: false }, usesService: false },
  { name: 'with-routes', description: 'quick-isolated + routes timed at growing payloads', config: { sizes: [100, 400, 1600, 6400], timePerSizeMs: 20, maxCallMs: 40, isolation: 'child-process', routes: true } },
];

/**
 * Route timing stops growing the payload once one request takes longer than this (ms): on the
 * service CPU clock the smaller sizes already show the growth, so a busy machine costs fewer sizes
 * rather than minutes.
 */
const ROUTE_STOP_MS = 800;

/** Baseline memory key of one benchmarked function. */
export function baselineKey(target: string, subject: string): string {
  return `agents/performance-tester/baseline/${target}/${subject}`;
}

/**
 * Performance tester core: benchmarks the target's exported pure functions with tinybench at
 * growing input sizes (inputs generated from the parameter types), fits log(time) against
 * log(size) and reports super-linear growth (slope ≥ 1.6 with R² ≥ 0.9) as perf-quadratic at the
 * nested iteration that causes it; compares each function's medians with its stored baseline
 * (slowdowns beyond both margins of error); and times routes with array payloads at growing sizes against
 * the loopback service.
 */
export class PerformanceTesterCore implements AgentCore {
  readonly id = 'performance-tester';
  readonly usesService = true;
  readonly measuresTime = true;
  readonly strategies = PERFORMANCE_TESTER_STRATEGIES;
  readonly #options: PerformanceTesterCoreOptions;

  constructor(options: PerformanceTesterCoreOptions = {}) {
    this.#options = options;
  }

  /**
   * Not applicable when the target has neither an exported pure function taking a sized input
   * (JS or TS) nor an API description with a service to time.
   */
  notApplicable(target: Target): string | undefined {
    if (target.profile.api !== undefined && (target.baseUrl !== undefined || target.profile.service !== undefined)) return undefined;
    if (target.profile.files.length === 0) return `no JavaScript or TypeScript sources (looked in ${target.profile.sourceRoots.join(', ')}) and no API description with a service`;
    const { sources, extracted } = extractTargetExports(target);
    if (sizedFunctions(extracted?.functions ?? []).length > 0) return undefined;
    return `no exported pure function takes a sized input (array, string, object) to time (${extracted?.functions.length ?? 0} exported functions in ${sources.length} files) and no API description with a service`;
  }

  async run(target: Target, strategyName: string, options: AgentRunOptions = {}): Promise<PerformanceTesterReport> {
    const now = this.#options.now ?? Date.now;
    const started = now();
    const strategy = findStrategy(this, strategyName);
    const config = strategy.config;
    const skipped: SkippedSurface[] = [];
    const { sources, extracted } = extractTargetExports(target);
    const functions = sizedFunctions(extracted?.functions ?? []);
    if (functions.length === 0) skipped.push({ surface: 'functions', reason: `no exported pure function takes a sized input (array, string, object) (${extracted?.functions.length ?? 0} exported functions in ${sources.length} files)` });
    let routes: { operations: ApiOperation[]; basePath: string } | undefined;
    if (config.routes) {
      const api = target.profile.api;
      if (api === undefined) skipped.push({ surface: 'routes', reason: 'no API description (no JSON or YAML file with a top-level openapi or swagger key)' });
      else if (target.baseUrl === undefined && target.profile.service === undefined) skipped.push({ surface: 'routes', reason: 'no service to start and no URL' });
      else {
        routes = await loadOperations(target.dir, { file: api.file }).catch((error: unknown) => {
          const agentError = AgentError.from(error);
          if (agentError.code !== 'UNSUPPORTED_TARGET' && agentError.code !== 'TOOL_FAILED') throw agentError;
          skipped.push({ surface: 'routes', reason: agentError.message });
          return undefined;
        });
      }
    }
    if (functions.length === 0 && routes === undefined) {
      // The kit's rule: a target the agent cannot work on at all is not applicable (UNSUPPORTED_TARGET);
      // a strategy that finds nothing of its own to do on an applicable target succeeds with what it
      // skipped and coverage 0, as changed-files does on a clean checkout (the fleet must not exit 4
      // because the learner tried a function-only strategy on a service).
      const why = this.notApplicable(target);
      if (why !== undefined) throw new AgentError('UNSUPPORTED_TARGET', `not applicable: ${why}`);
      return { agentId: this.id, strategy: strategy.name, target: target.dir, findings: [], durationMs: now() - started, coverage: 0, notes: [`${strategy.name} has nothing to time here: ${skipped.map((s) => `${s.surface}: ${s.reason}`).join('; ')}`], skipped, stats: { functions: [], routes: [], regressions: [], baselinesStored: 0 } };
    }
    const missing = functions.length === 0 ? [] : missingDependencies(target.dir, sources);
    if (missing.length > 0) throw new AgentError('UNSUPPORTED_TARGET', `the target's dependencies are not installed (missing ${missing.join(', ')}): run npm install in ${target.dir} first`);
    const notes: string[] = [];
    const untimed = untimedNote(extracted?.functions ?? []);
    if (untimed !== undefined) notes.push(untimed);
    const functionResults = functions.length === 0 ? [] : await this.#benchFunctions(target, sources, functions, config, options.signal);
    let routeResults: GrowthResult[] = [];
    if (routes !== undefined) {
      try {
        routeResults = await this.#benchRoutes(target, routes.operations, routes.basePath, options.signal);
      } catch (error) {
        // A service that does not start costs the routes, not the function benchmarks.
        const agentError = AgentError.from(error);
        if (agentError.code !== 'SERVICE_START_FAILED' || functions.length === 0) throw agentError;
        skipped.push({ surface: 'routes', reason: agentError.message.split('\n')[0] ?? agentError.message });
      }
    }
    const timedRoutes = routeResults.filter((r) => r.points.length > 0).length;
    if (routes !== undefined && routeResults.length === 0 && !skipped.some((s) => s.surface === 'routes')) notes.push('no operation takes a JSON body holding an array without path parameters: no route timed');
    else if (routes !== undefined) {
      const timed = new Set(routeResults.map((r) => r.subject));
      const untimedRoutes = routes.operations.filter((op) => !timed.has(op.route)).map((op) => `${op.route} (${op.params.some((p) => p.in === 'path') ? 'has path parameters' : 'no JSON body holding an array'})`);
      if (untimedRoutes.length > 0) notes.push(`routes not timed: ${untimedRoutes.slice(0, 12).join(', ')}${untimedRoutes.length > 12 ? ` and ${untimedRoutes.length - 12} more` : ''}`);
    }
    const findings: Finding[] = [];
    // A growth verdict must outlast the noise: every function that fits as super-linear is timed a
    // second time, and reported only when that run says so too (on a loaded machine one disturbed
    // size can make a linear function look quadratic).
    const suspects = functionResults.filter((r) => this.#superLinear(r.fit)).map((r) => functions.find((f) => f.name === r.subject && f.file === r.file)).filter((f): f is ExportedFunction => f !== undefined);
    // The second run adds one size 4x beyond the largest (quadratic code stays quadratic there, a
    // one-off GC pause does not recur) and keeps the smallest (a cubic-looking function may fit only
    // three sizes in the budget), and times one plain pass over the same inputs beside the
    // function, so the engine's own growth at these sizes is not blamed on it.
    const wider = { ...config, sizes: [...config.sizes, (config.sizes.at(-1) ?? 1000) * 4], maxCallMs: config.maxCallMs * 4 };
    const confirmations = suspects.length === 0 ? [] : await this.#benchFunctions(target, sources, suspects, wider, options.signal, true);
    for (const result of functionResults) {
      if (result.error !== undefined) notes.push(`${result.subject}: ${result.error}`);
      const fn = functions.find((f) => f.name === result.subject && f.file === result.file);
      if (fn === undefined || !this.#superLinear(result.fit)) continue;
      const again = confirmations.find((r) => r.subject === result.subject && r.file === result.file);
      const verdict = confirmGrowth(result.fit, again, this.#thresholds());
      if (verdict.report) findings.push(functionFinding(fn, again !== undefined && again.fit.slope < result.fit.slope ? again : result));
      else notes.push(`${result.subject}: ${verdict.why}`);
    }
    for (const result of routeResults) {
      if (result.error !== undefined) notes.push(`${result.subject}: not timed: ${result.error}`);
      const timing = result.route;
      if (timing === undefined) continue;
      const largest = result.points.at(-1);
      // Growth that costs a few milliseconds at the largest payload, or that the baseline request
      // still dominates, is not worth a report.
      const significant = largest !== undefined && largest.ms >= 5 && largest.ms >= 2 * (result.overheadMs ?? 0);
      const range = `n^${timing.interval.slope.toFixed(2)} (90 % interval ${timing.interval.low.toFixed(2)}..${timing.interval.high.toFixed(2)} over ${timing.interval.rounds} rounds, ${timing.clock === 'service-cpu' ? 'service CPU time' : 'wall time'})`;
      if (timing.decision === 'super-linear' && significant) findings.push(routeFinding(result, timing));
      else if (timing.decision === 'undecided') notes.push(`${result.subject}: not timed: the noise is too high to decide its growth, ${range}`);
      else if (timing.decision === 'super-linear') notes.push(`${result.subject}: grows as ${range} but costs only ${largest?.ms.toPrecision(3) ?? '?'} ms at n=${largest?.n ?? '?'} beside ${result.overheadMs?.toPrecision(3) ?? '?'} ms per request: not reported`);
    }
    const { regressions, stored } = await this.#compareBaselines(target.name, functionResults);
    for (const r of regressions) notes.push(`regression: ${r.subject} at n=${r.n} ${r.baselineMs.toFixed(4)} → ${r.currentMs.toFixed(4)} ms (×${r.ratio.toFixed(2)}, beyond ±${r.marginMs.toFixed(4)} ms)`);
    const measured = functionResults.filter((r) => r.points.length >= 2).length;
    // Coverage: share of the strategy's surfaces (functions, and routes for with-routes) that ran,
    // each weighted by the share of its subjects actually timed.
    const functionShare = functions.length === 0 ? 0 : measured / functions.length;
    const routeShare = routes === undefined || skipped.some((s) => s.surface === 'routes') ? 0 : routeResults.length === 0 ? 1 : timedRoutes / routeResults.length;
    return {
      agentId: this.id,
      strategy: strategy.name,
      target: target.dir,
      findings: findings.map((f) => ({ ...f, evidence: maskCredentials(f.evidence, target.headers) })),
      durationMs: now() - started,
      coverage: config.routes ? (functionShare + routeShare) / 2 : functionShare,
      notes: notes.map((n) => maskCredentials(n, target.headers)),
      ...(skipped.length === 0 ? {} : { skipped }),
      stats: { functions: functionResults, routes: routeResults, regressions, baselinesStored: stored },
    };
  }

  #thresholds(minSlope = this.#options.minSlope ?? 1.6): GrowthThresholds {
    return { minSlope, minR2: this.#options.minR2 ?? 0.9 };
  }

  #superLinear(fit: GrowthFit, minSlope?: number): boolean {
    return isSuperLinear(fit, this.#thresholds(minSlope));
  }

  /** `baseline`: also time one plain pass over each size's inputs (the confirming run). */
  async #benchFunctions(target: Target, sources: string[], functions: ExportedFunction[], config: PerformanceTesterConfig, signal: AbortSignal | undefined, baseline = false): Promise<GrowthResult[]> {
    const workspace = await TargetWorkspace.create({ targetDir: target.dir, sources, link: ['tinybench'], packageType: target.profile.packageModule === 'esm' ? 'module' : 'commonjs' });
    try {
      workspace.compile([]);
      const runner = await workspace.write('bench/runner.mjs', runnerSource(functions, this.#options.seed ?? 1));
      const settings = { sizes: config.sizes, timePerSizeMs: config.timePerSizeMs, maxCallMs: config.maxCallMs, baseline };
      let raw: RawResult[];
      if (config.isolation === 'in-process') {
        const mod = (await import(pathToFileURL(runner).href).catch((error: unknown) => {
          // The target's own code failed to load (a missing file, a top-level throw): say so, do not crash.
          throw new AgentError('TOOL_FAILED', `cannot load the target's code for benchmarking: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
        })) as { run(settings: unknown): Promise<RawResult[]> };
        raw = await mod.run(settings);
      } else {
        // --single-threaded: V8 compiles and collects garbage on the benchmark's own thread, so the
        // process's CPU time is the benchmark's (background compiler threads otherwise add to
        // whichever size they happen to run beside).
        const result = await runProcess(process.execPath, ['--single-threaded', runner, JSON.stringify(settings)], { cwd: workspace.dir, timeoutMs: this.#options.timeoutMs ?? 60_000, ...(signal ? { signal } : {}) });
        if (result.aborted) throw new AgentError('ABORTED', 'benchmarks were aborted');
        if (result.timedOut) throw new AgentError('TOOL_FAILED', `benchmarks did not finish within ${this.#options.timeoutMs ?? 60_000} ms`);
        const line = result.stdout.split('\n').find((l) => l.startsWith('QE_PERF '));
        if (line === undefined) throw new AgentError('TOOL_FAILED', `benchmark process printed no results (exit ${result.exitCode}): ${result.stderr.trim().slice(-1500)}`);
        raw = JSON.parse(line.slice('QE_PERF '.length)) as RawResult[];
      }
      return raw.map((r) => ({
        subject: r.fn,
        file: r.file,
        points: r.points,
        fit: fitGrowth(r.points),
        ...(r.basePoints === undefined ? {} : { baseline: fitGrowth(r.basePoints.filter((b) => r.points.some((p) => p.n === b.n))) }),
        ...(r.error === null ? {} : { error: r.error }),
      }));
    } finally {
      await workspace.dispose();
    }
  }

  /** Times operations whose JSON body holds arrays at growing array lengths (`RouteTimer`). */
  async #benchRoutes(target: Target, all: ApiOperation[], basePath: string, signal: AbortSignal | undefined): Promise<GrowthResult[]> {
    const operations = all.filter((op) => op.body?.schema && hasArray(op.body.schema) && !op.params.some((p) => p.in === 'path'));
    if (operations.length === 0) return [];
    const sampler = new SchemaSampler({ seed: this.#options.seed ?? 1 });
    const order = new SchemaSampler({ seed: (this.#options.seed ?? 1) + 1 });
    const timer = new RouteTimer({
      sizes: this.#options.routeSizes ?? [1000, 2000, 4000, 8000, 16_000],
      rounds: this.#options.routeRounds ?? 5,
      stopMs: ROUTE_STOP_MS,
      minSlope: this.#options.minRouteSlope ?? 1.5,
      random: this.#options.random ?? (() => order.next()),
      ...(this.#options.serviceCpuClock === undefined ? {} : { cpuClock: this.#options.serviceCpuClock }),
      ...(signal ? { signal } : {}),
    });
    return withService(target, async (serviceUrl) => {
      const baseUrl = apiBaseUrl(serviceUrl, basePath);
      const results: GrowthResult[] = [];
      for (const op of operations) {
        try {
          const timing = await timer.time(`${baseUrl}${op.path}`, op.method, { ...target.headers }, (n) => JSON.stringify(sampler.valid(op.body?.schema, { arrayLength: n })));
          const points = timing.sizes.map((n, i) => ({ n, ms: Math.max(timing.medians[i] ?? 0, 0.001), meanMs: timing.wallMedians[i] ?? 0, rme: 0, moe: 0, msMoe: 0, samples: timing.interval.rounds }));
          results.push({ subject: op.route, points, fit: { ...fitGrowth(points), slope: timing.interval.slope }, overheadMs: timing.baselineMs, route: timing });
        } catch (error) {
          if (error instanceof AgentError) throw error;
          results.push({ subject: op.route, points: [], fit: fitGrowth([]), error: error instanceof Error ? error.message : String(error) });
        }
      }
      return results;
    }, this.#options.service);
  }

  async #compareBaselines(targetName: string, results: GrowthResult[]): Promise<{ regressions: Regression[]; stored: number }> {
    const store = this.#options.baselines;
    const regressions: Regression[] = [];
    let stored = 0;
    if (!store) return { regressions, stored };
    for (const result of results) {
      if (result.points.length === 0) continue;
      const key = baselineKey(targetName, result.subject);
      const baseline = (await store.retrieve(key)) as { points?: BenchPoint[] } | null | undefined;
      for (const point of result.points) {
        const before = baseline?.points?.find((p) => p.n === point.n);
        if (!before) continue;
        const marginMs = point.msMoe + before.msMoe;
        if (point.ms - before.ms > marginMs && point.ms > before.ms * (this.#options.regressionRatio ?? 2)) {
          regressions.push({ subject: result.subject, n: point.n, baselineMs: before.ms, currentMs: point.ms, ratio: point.ms / before.ms, marginMs });
        }
      }
      if (!baseline || this.#options.updateBaselines) {
        await store.store(key, { points: result.points, fit: result.fit });
        stored++;
      }
    }
    return { regressions, stored };
  }
}

interface RawResult {
  fn: string;
  file: string;
  points: BenchPoint[];
  /** The plain pass over the same inputs, per size (confirming runs). */
  basePoints?: SizePoint[];
  error: string | null;
}

/** The exported pure functions with a required sized parameter: the ones whose time can grow with n. */
function sizedFunctions(functions: ExportedFunction[]): ExportedFunction[] {
  return functions.filter((f) => untimedReason(f) === undefined);
}

/** Why an exported function is not benchmarked; undefined when it is. */
function untimedReason(f: ExportedFunction): string | undefined {
  if (!f.pure) return f.async ? 'async or does I/O (its module imports I/O, or it returns nothing)' : 'not pure: its module does I/O, it returns nothing, or a parameter cannot be generated';
  if (!f.params.some((p) => !p.optional && isSized(p.type))) return f.params.length === 0 ? 'takes no input to grow' : `no required parameter is an array, string or object (${f.params.map((p) => `${p.name}: ${p.type.kind}`).join(', ')})`;
  return undefined;
}

/** One note naming every exported function that was not timed, and why (grouped by reason). */
function untimedNote(functions: readonly ExportedFunction[]): string | undefined {
  const byReason = new Map<string, string[]>();
  for (const f of functions) {
    const why = untimedReason(f);
    if (why !== undefined) byReason.set(why, [...(byReason.get(why) ?? []), `${f.name} (${f.file}:${f.line})`]);
  }
  if (byReason.size === 0) return undefined;
  const list = (names: string[]): string => (names.length > 8 ? `${names.slice(0, 8).join(', ')} and ${names.length - 8} more` : names.join(', '));
  return `not timed: ${[...byReason].map(([why, names]) => `${list(names)}: ${why}`).join('; ')}`;
}

function functionFinding(fn: ExportedFunction, result: GrowthResult): Finding {
  const first = result.points[0];
  const last = result.points.at(-1);
  return {
    kind: 'perf-quadratic',
    severity: 'medium',
    location: { file: fn.file, line: fn.hotspotLine ?? fn.line },
    message: `${fn.name} grows as ${result.fit.growth} (time ∝ n^${result.fit.slope.toFixed(2)}, R² ${result.fit.r2.toFixed(3)})${fn.hotspotLine ? `; nested iteration at line ${fn.hotspotLine}` : ''}`,
    evidence: result.points.map((p) => `n=${p.n}: median ${p.ms.toPrecision(3)} ms (mean ±${p.rme.toFixed(1)}%)`).join(', ') + (first && last ? ` (×${(last.ms / first.ms).toFixed(0)} for ×${last.n / first.n} input)` : ''),
    confidence: Math.min(0.95, 0.6 + 0.35 * result.fit.r2),
    rule: 'growth:log-log-slope',
  };
}

function routeFinding(result: GrowthResult, timing: RouteTiming): Finding {
  const { interval } = timing;
  const clock = timing.clock === 'service-cpu' ? 'service CPU time' : 'wall time';
  const first = result.points[0];
  const last = result.points.at(-1);
  return {
    kind: 'perf-quadratic',
    severity: 'high',
    location: { route: result.subject },
    message: `${result.subject} response time grows as ${classifySlope(interval.slope)} with the payload (${clock} ∝ n^${interval.slope.toFixed(2)}, 90 % interval ${interval.low.toFixed(2)}..${interval.high.toFixed(2)})`,
    evidence: `${result.subject} with a JSON body whose arrays hold n items, ${interval.rounds} rounds in random order, each size right after a baseline request (n=1, ${timing.baselineMs.toPrecision(3)} ms) and net of it; median ${clock}: ${result.points.map((p, i) => `n=${p.n}: ${p.ms.toPrecision(3)} ms (wall ${timing.wallMedians[i]?.toPrecision(3) ?? '?'} ms)`).join(', ')}${first && last ? ` (×${(last.ms / first.ms).toFixed(0)} for ×${last.n / first.n} items)` : ''}`,
    confidence: Math.min(0.95, 0.6 + 0.35 * interval.r2),
    rule: 'growth:route-payload',
  };
}

/** JavaScript expression of a value of `shape` for element index `i` (distinct per index). */
function elementCode(shape: TypeShape, i: string, depth = 0): string {
  if (depth > 4) return 'null';
  switch (shape.kind) {
    case 'number':
    case 'typeParam':
    case 'json':
      return i;
    case 'string':
      return `'k' + ${i}`;
    case 'boolean':
      return `${i} % 2 === 0`;
    case 'literal':
      return JSON.stringify(shape.value);
    case 'date':
      return `new Date(${i})`;
    case 'union':
      return elementCode(shape.options.find((o) => o.kind !== 'null' && o.kind !== 'undefined') ?? shape.options[0] ?? { kind: 'json' }, i, depth + 1);
    case 'array':
    case 'tuple':
      return `[${i}]`;
    case 'object':
      return `({ ${shape.properties.filter((p) => !p.optional).map((p) => `${JSON.stringify(p.name)}: ${elementCode(p.type, i, depth + 1)}`).join(', ')} })`;
    case 'record':
      return '({})';
    case 'function':
      return callbackCode(shape.returns);
    default:
      return 'undefined';
  }
}

function callbackCode(returns: TypeShape): string {
  switch (returns.kind) {
    case 'number':
      return "((x) => (typeof x === 'number' ? x : 1))";
    case 'string':
      return '((x) => String(x))';
    case 'boolean':
      return '((x) => Boolean(x))';
    default:
      return '((x) => x)';
  }
}

function isSized(shape: TypeShape): boolean {
  return ['array', 'string', 'record', 'json'].includes(shape.kind) || (shape.kind === 'object' && shape.properties.some((p) => !p.optional && isSized(p.type)));
}

/** JavaScript expression of an argument of size `n` (sized shapes grow with n; numbers grow only when nothing else does). */
function argumentCode(shape: TypeShape, scaleNumbers: boolean): string {
  switch (shape.kind) {
    case 'array':
      return `shuffle(Array.from({ length: n }, (_, i) => ${elementCode(shape.element, 'i')}))`;
    case 'json':
      return 'shuffle(Array.from({ length: n }, (_, i) => i))';
    case 'string':
      return "'lorem ipsum dolor sit amet '.repeat(Math.ceil(n / 27)).slice(0, n)";
    case 'record':
      return `Object.fromEntries(Array.from({ length: n }, (_, i) => ['k' + i, ${elementCode(shape.value, 'i')}]))`;
    case 'object':
      return `({ ${shape.properties.filter((p) => !p.optional).map((p) => `${JSON.stringify(p.name)}: ${isSized(p.type) ? argumentCode(p.type, false) : elementCode(p.type, '10')}`).join(', ')} })`;
    case 'number':
      return scaleNumbers ? 'n' : '10';
    default:
      return elementCode(shape, '10');
  }
}

/**
 * The benchmark runner (an ES module, importable in process or run as a child): tinybench per
 * function and size, stopping a function early when the next size would blow its time budget.
 */
function runnerSource(functions: ExportedFunction[], seed: number): string {
  const files = [...new Set(functions.map((f) => f.file))];
  const imports = files.map((file, i) => `import * as m${i} from ${JSON.stringify(`../out/target/${file.replace(/\.(m?)ts$/, '.$1js')}`)};`);
  const specs = functions.map((fn) => {
    const params = fn.params.filter((p) => !p.optional);
    const scaleNumbers = !params.some((p) => isSized(p.type));
    const args = params.map((p, i) => `const a${i} = ${argumentCode(p.type, scaleNumbers)};`).join(' ');
    const call = `__exportOwner(m${files.indexOf(fn.file)}, ${JSON.stringify(fn.name)})[${JSON.stringify(fn.name)}](${params.map((_, i) => `a${i}`).join(', ')})`;
    return `  { fn: ${JSON.stringify(fn.name)}, file: ${JSON.stringify(fn.file)}, make: (n) => { ${args} return Object.assign(() => ${call}, { args: [${params.map((_, i) => `a${i}`).join(', ')}] }); } },`;
  });
  return `// Generated by @qe-fleet/agents performance-tester.
import { Bench } from 'tinybench';
import { pathToFileURL } from 'node:url';
${imports.join('\n')}

${exportAccessSource(false)}

let state = ${seed >>> 0 || 1};
function random() {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
function shuffle(a) {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

const SPECS = [
${specs.join('\n')}
];

// One plain pass over a value (what any function reading all of its input and building its result
// costs at least): arrays, maps, sets and objects enumerated and copied one level down, strings read.
function pass(v, depth = 0) {
  if (typeof v === 'string') {
    let h = 0;
    for (let i = 0; i < v.length; i++) h = (h + v.charCodeAt(i)) | 0;
    return h;
  }
  if (Array.isArray(v)) {
    const out = [];
    for (const x of v) out.push(depth < 1 ? pass(x, depth + 1) : x);
    return out;
  }
  if (v instanceof Map) {
    const out = new Map();
    for (const [k, x] of v) out.set(k, x);
    return out;
  }
  if (v instanceof Set) {
    const out = new Set();
    for (const x of v) out.add(x);
    return out;
  }
  if (v !== null && typeof v === 'object') {
    const out = {};
    for (const k in v) if (Object.hasOwn(v, k)) out[k] = depth < 1 ? pass(v[k], depth + 1) : v[k];
    return out;
  }
  return v;
}

// CPU time of this process in milliseconds: unlike wall time it does not grow while the process
// waits for a CPU, so a busy machine does not stretch the large sizes more than the small ones.
function cpuNow() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

async function median(fn, name, timePerSizeMs, warm) {
  // The CPU clock ticks in microseconds: calls are batched until a batch takes 0.2 ms, and each
  // sample is the batch's CPU time per call.
  let k = 1;
  for (;;) {
    const t0 = cpuNow();
    for (let i = 0; i < k; i++) fn();
    if (cpuNow() - t0 >= 0.2 || k >= 1 << 16) break;
    k *= 4;
  }
  // Warm every size up for 3 ms of CPU: a new input size can send V8 back to a slower tier for a
  // while (an insertion sort measured 5x its optimised time at one size), and on a busy machine the
  // wall-time budget alone leaves it a fraction of that.
  for (const w0 = cpuNow(); cpuNow() - w0 < 3; ) for (let i = 0; i < k; i++) fn();
  // The time budget stays in wall time (overriddenIterationCost), so a busy machine costs fewer
  // samples rather than a longer run.
  const batch = () => {
    const w0 = performance.now();
    const t0 = cpuNow();
    for (let i = 0; i < k; i++) fn();
    const spent = cpuNow() - t0;
    return { overriddenDuration: spent / k, overriddenIterationCost: performance.now() - w0 };
  };
  const bench = new Bench({ time: timePerSizeMs, iterations: 3, warmupIterations: warm ? 20 : 2, warmupTime: warm ? timePerSizeMs : 0, throws: true });
  bench.add(name, batch);
  await bench.run();
  const result = bench.tasks[0].result;
  if (result.state !== 'completed') throw new Error('benchmark ' + result.state);
  return result.latency;
}

export async function run({ sizes, timePerSizeMs, maxCallMs, baseline }) {
  const results = [];
  for (const spec of SPECS) {
    const points = [];
    const basePoints = [];
    let error = null;
    for (const [k, n] of sizes.entries()) {
      const last = points.at(-1);
      const prev = points.at(-2);
      // Predict one call at n from the growth seen so far (quadratic before there is any).
      const slope = last && prev ? Math.min(2.5, Math.max(1, Math.log(last.ms / prev.ms) / Math.log(last.n / prev.n))) : 2;
      // Three sizes are the least a growth fit needs: only a measured slow call stops before that.
      if (last && (points.length >= 3 ? last.ms * (n / last.n) ** slope : last.ms) > maxCallMs) break;
      try {
        const call = spec.make(n);
        const result = call();
        // The first size also warms the JIT up, so small sizes are not measured cold.
        const l = await median(call, spec.fn, timePerSizeMs, k === 0);
        // The floor: read every argument and build a copy of the result once (the result as this
        // function returned it, so an object of n keys costs what the engine makes it cost).
        if (baseline) basePoints.push({ n, ms: (await median(() => [pass(call.args), pass(result)], 'pass', timePerSizeMs, k === 0)).min });
        // The fastest CPU sample: CPU-time noise (a JIT tier-up, a GC, caches another process
        // evicted) only ever adds time, so the minimum is the least disturbed call.
        points.push({ n, ms: l.min, meanMs: l.mean, rme: l.rme, moe: l.moe, msMoe: (1.96 * 1.2533 * 1.4826 * l.mad) / Math.sqrt(l.samplesCount), samples: l.samplesCount });
      } catch (e) {
        error = 'n=' + n + ': ' + (e instanceof Error ? e.constructor.name + ': ' + e.message : String(e));
        break;
      }
    }
    results.push({ fn: spec.fn, file: spec.file, points, ...(baseline ? { basePoints } : {}), error });
  }
  return results;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log('QE_PERF ' + JSON.stringify(await run(JSON.parse(process.argv[2]))));
}
`;
}
