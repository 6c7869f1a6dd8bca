import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { findStrategy } from '../kit/agent/AgentCore.js';
import type { AgentCore, AgentReport, AgentRunOptions, AgentStrategy, SkippedSurface } from '../kit/agent/AgentCore.js';
import { apiBaseUrl, credentialsMismatch, pathMismatch } from '../kit/openapi/apiBaseUrl.js';
import { maskCredentials } from '../kit/service/maskCredentials.js';
import { extractTargetExports } from '../kit/typescript/extractTargetExports.js';
import { offeredExports } from '../kit/typescript/offeredExports.js';
import type { ExportedFunction } from '../kit/typescript/extractExports.js';
import { missingDependencies } from '../kit/target/missingDependencies.js';
import { AgentError } from '../kit/agent/AgentError.js';
import { loadOperations } from '../kit/openapi/operations.js';
import { withService } from '../kit/service/TargetService.js';
import type { TargetServiceOptions } from '../kit/service/TargetService.js';
import { harnessSource, nodeShimSource } from './harnessSource.js';
import { planClassProperties } from './planClassProperties.js';
import { planProperties } from './planProperties.js';
import type { OracleLevel, PlannedProperty } from './plannedProperty.js';
import { findExamples } from './findExamples.js';
import { planExampleTests } from './exampleTests.js';
import { keepTests } from './keepTests.js';
import { propertyFindings, routeFindings, type PropertyOutcome, type RouteOutcome } from './generatedOutcomes.js';
import { importFrom, writeTests } from './writeTests.js';
import { planRouteTests, responseProblemsFiles, routeHarnessSource, routeTestSource } from './planRouteTests.js';
import type { RouteCase } from './planRouteTests.js';
import { runProcess } from '../kit/process/runProcess.js';
import type { Target } from '../kit/target/Target.js';
import { TargetWorkspace } from '../kit/target/TargetWorkspace.js';

/** Knobs of a test-generator strategy. */
export interface TestGeneratorConfig {
  oracles: OracleLevel;
  /** fast-check runs per property. */
  numRuns: number;
  /** Also write request tests per OpenAPI operation and run them against the loopback service. */
  routes: boolean;
}

/** What the test generator measured beyond its findings. */
export interface TestGeneratorStats {
  testsWritten: number;
  testFiles: number;
  /** Test files that type-check / test files. */
  compileRate: number;
  propertiesRun: number;
  propertiesFailed: number;
  routeTests: number;
  /** Request tests that had nothing to send (a read-back of resources when none was created). */
  routeTestsSkipped: number;
  routeTestsFailed: number;
  /** Line coverage of the target's source files by the generated tests, 0..1 (c8). */
  lineCoverage: number | undefined;
  outcomes: PropertyOutcome[];
  routeOutcomes: RouteOutcome[];
  /** What `writeTestsDir` kept: files (relative to the target), passing and failing tests. */
  kept?: { files: string[]; passing: number; failing: number };
}

/** A test-generator report: the kit's report plus the generator's own figures. */
export interface TestGeneratorReport extends AgentReport {
  stats: TestGeneratorStats;
}

/** Constructor options of `TestGeneratorCore`. */
export interface TestGeneratorCoreOptions {
  /** Milliseconds the generated suite may run (default 120 000). */
  timeoutMs?: number;
  /** How to start the target's service when the target gives no base URL (kit `TargetService` options). */
  service?: Omit<TargetServiceOptions, 'dir'>;
  /** Seed of every property (default 42): runs are reproducible. */
  seed?: number;
  /** Where temporary workspaces go (default the OS temp dir). */
  tmpRoot?: string;
  /** Keep the workspace for inspection instead of deleting it. */
  keepWorkspace?: boolean;
  /**
   * Keep the generated tests (`--write-tests DIR`): the examples the code agrees with and a failing
   * test per defect found, written into this folder (absolute, or relative to the target) in the
   * target's own runner and style. Unset: nothing is written to the target.
   */
  writeTestsDir?: string;
  now?: () => number;
}

/** The strategies: oracle strength times property runs. */
export const TEST_GENERATOR_STRATEGIES: readonly AgentStrategy<TestGeneratorConfig>[] = [
  { name: 'smoke', description: 'pure functions, no-crash properties only, 50 runs each', config: { oracles: 'smoke', numRuns: 50, routes: false }, usesService: false },
  { name: 'invariants', description: 'pure functions, no-crash + doc/type/name invariants, 100 runs', config: { oracles: 'invariants', numRuns: 100, routes: false }, usesService: false },
  { name: 'invariants-routes', description: 'invariants + request tests per OpenAPI operation', config: { oracles: 'invariants', numRuns: 100, routes: true } },
  { name: 'metamorphic-routes', description: 'invariants + metamorphic relations (300 runs) + request tests', config: { oracles: 'metamorphic', numRuns: 300, routes: true } },
];

const require = createRequire(import.meta.url);
const RESULT_LINE = /QE_(RESULT|ROUTE|SKIP) ([A-Za-z0-9_-]+)\s*$/;

/**
 * Test generator core: reads the target's exported functions with the type checker, writes
 * fast-check property tests for the pure ones into a temporary workspace (never into the target),
 * type-checks and compiles them with the target's sources, runs them under c8 in a child process
 * with a timeout, and reports the properties that fail as logic bugs with fast-check's shrunk
 * counter-example, plus tests written, compile rate and the line coverage they reach.
 */
export class TestGeneratorCore implements AgentCore {
  readonly id = 'test-generator';
  readonly usesService = true;
  readonly strategies = TEST_GENERATOR_STRATEGIES;
  readonly #options: TestGeneratorCoreOptions;

  constructor(options: TestGeneratorCoreOptions = {}) {
    this.#options = options;
  }

  /**
   * Not applicable when the target has neither a function or class the generator can write
   * properties for (JS or TS, from the profile's sources) nor an API description.
   */
  notApplicable(target: Target): string | undefined {
    if (target.profile.api !== undefined) return undefined;
    if (target.profile.files.length === 0) return `no JavaScript or TypeScript sources (looked in ${target.profile.sourceRoots.join(', ')}) and no API description`;
    const { sources, extracted } = extractTargetExports(target);
    const { functions, exported } = testedFunctions(target);
    const planned = planProperties(functions, 'smoke').length + planClassProperties(extracted?.classes ?? [], 'smoke').length;
    if (planned > 0) return undefined;
    const left = exported - functions.length;
    return `no exported pure function or class with generable parameters (${exported} exported functions in ${sources.length} files${left > 0 ? `, ${left} untyped internal helper(s) left out` : ''}) and no API description`;
  }

  async run(target: Target, strategyName: string, options: AgentRunOptions = {}): Promise<TestGeneratorReport> {
    const now = this.#options.now ?? Date.now;
    const started = now();
    const strategy = findStrategy(this, strategyName);
    const { config } = strategy;
    const notes: string[] = [];
    const skipped: SkippedSurface[] = [];
    const { sources, extracted } = extractTargetExports(target);
    const { functions, exported, entries } = testedFunctions(target);
    const internal = entries === undefined ? 'no package.json entry offers them' : `not reachable from ${entries.join(', ')}`;
    if (functions.length < exported) notes.push(`${exported - functions.length} internal function(s) (${internal}) with untyped parameters left out: nothing says which values their callers pass`);
    const properties = [...planProperties(functions, config.oracles), ...planClassProperties(extracted?.classes ?? [], config.oracles)];
    const commonjs = new Set(target.profile.files.filter((f) => f.module === 'commonjs').map((f) => f.path));
    const examples = config.oracles === 'smoke' ? undefined : planExampleTests(findExamples({ dir: target.dir, sources, packageJson: target.packageJson, functions }, target.profile.testFiles), (f) => importFrom('tests/examples.test.ts', f), commonjs);
    const planned: PlannedProperty[] = [...properties, ...(examples?.plans ?? [])];
    const routePlan = config.routes ? await this.#planRoutes(target, notes, skipped) : { cases: [], basePath: '' };
    const routeCases = routePlan.cases;
    if (planned.length === 0) {
      const why = sources.length === 0 ? `no JavaScript or TypeScript sources (looked in ${target.profile.sourceRoots.join(', ')})` : `no exported pure function or class with generable parameters (of ${functions.length} exported functions)`;
      if (routeCases.length === 0) throw new AgentError('UNSUPPORTED_TARGET', `nothing to generate tests for in ${target.dir}: ${why}${config.routes ? '' : ' (this strategy writes no request tests)'}`);
      skipped.push({ surface: 'property tests', reason: why });
    }
    const missing = planned.length === 0 ? [] : missingDependencies(target.dir, sources);
    if (missing.length > 0) throw new AgentError('UNSUPPORTED_TARGET', `the target's dependencies are not installed (missing ${missing.join(', ')}): run npm install in ${target.dir} first`);
    const workspace = await TargetWorkspace.create({
      targetDir: target.dir,
      sources,
      link: ['fast-check', 'ajv', 'ajv-formats'],
      packageType: target.profile.packageModule === 'esm' ? 'module' : 'commonjs',
      ...(this.#options.tmpRoot ? { tmpRoot: this.#options.tmpRoot } : {}),
    });
    try {
      const testFiles = await writeTests(workspace, properties, sources);
      if (examples !== undefined && examples.plans.length > 0) testFiles.push(await workspace.write('tests/examples.test.ts', examples.source));
      const support = [await workspace.write('tests/qe-harness.ts', harnessSource()), await workspace.write('tests/node-shim.d.ts', nodeShimSource())];
      if (routeCases.length > 0) {
        testFiles.push(await workspace.write('tests/routes.test.ts', routeTestSource(routeCases)));
        support.push(await workspace.write('tests/qe-routes.ts', routeHarnessSource()));
        for (const file of await responseProblemsFiles()) {
          const path = await workspace.write(`tests/${file.name}`, file.content);
          if (file.name.endsWith('.ts') && !file.name.endsWith('.d.ts')) support.push(path);
          else if (file.name.endsWith('.js')) await workspace.write(`out/tests/${file.name}`, file.content);
        }
      }
      const errors = workspace.compile([...support, ...testFiles], testFiles);
      const typeClean = testFiles.filter((f) => errors.get(f)?.length === 0);
      const diagnostics = [...errors].flatMap(([file, list]) => list.slice(0, 2).map((e) => `${relative(workspace.dir, file)}: ${e}`));
      notes.push(...diagnostics.slice(0, 5));
      // JavaScript sources have inferred types only: a type error in a test against them says
      // little, so their tests run anyway (the emit happened); TypeScript's must type-check.
      const javascript = target.profile.languages.includes('javascript');
      const runnable = (javascript ? testFiles : typeClean).map((f) => workspace.outPath(f));
      if (runnable.length === 0) {
        throw new AgentError('TOOL_FAILED', `none of the ${testFiles.length} generated test files type-checks: ${diagnostics.slice(0, 3).join('; ')}`);
      }
      const runTests = (baseUrl?: string): Promise<RunOutcome> => this.#runTests(workspace.dir, runnable, config.numRuns, baseUrl, target.headers, options.signal);
      const routesRunnable = runnable.some((f) => f.endsWith('routes.test.js'));
      let run: RunOutcome;
      if (!routesRunnable) run = await runTests();
      else {
        try {
          run = await withService(target, (serviceUrl) => runTests(apiBaseUrl(serviceUrl, routePlan.basePath)), this.#options.service);
        } catch (error) {
          // The service not starting costs the request tests, not the property tests.
          const agentError = AgentError.from(error);
          if (agentError.code !== 'SERVICE_START_FAILED' || planned.length === 0) throw agentError;
          skipped.push({ surface: 'request tests', reason: agentError.message.split('\n')[0] ?? agentError.message });
          run = await this.#runTests(workspace.dir, runnable.filter((f) => !f.endsWith('routes.test.js')), config.numRuns, undefined, undefined, options.signal);
        }
      }
      notes.push(...run.notes);
      if (routesRunnable && run.routeOutcomes.length === 0) {
        // A route test file that fails to load reports nothing: say so rather than claim clean routes.
        skipped.push({ surface: 'request tests', reason: `none of the ${routeCases.length} request tests reported a result (the generated routes.test.js failed before sending a request)` });
      }
      const mismatch = pathMismatch(run.routeOutcomes.filter((o) => o.invalid === null).map((o) => o.status), `the service under ${routePlan.basePath || '/'}`);
      if (mismatch !== undefined) {
        notes.push(mismatch);
        skipped.push({ surface: 'request tests answering 404', reason: mismatch });
        run = { ...run, routeOutcomes: run.routeOutcomes.filter((o) => o.status !== 404) };
      }
      const refused = credentialsMismatch(run.routeOutcomes.map((o) => o.status), target.headers !== undefined && Object.keys(target.headers).length > 0);
      if (refused !== undefined) {
        // Requests the service refused prove nothing about the routes behind the check.
        notes.push(refused);
        skipped.push({ surface: 'request tests refused (401/403)', reason: refused });
        run = { ...run, routeOutcomes: run.routeOutcomes.filter((o) => o.status !== 401 && o.status !== 403) };
      }
      const silent = planned.length - run.outcomes.length;
      if (silent > 0) notes.push(`${silent} of ${planned.length} property tests reported no result (they failed before fast-check ran)`);
      // Skipped surfaces lower coverage: line coverage times the share of surfaces that ran.
      const surfaces = config.routes ? 2 : 1;
      const ran = surfaces - skipped.filter((s) => s.surface === 'property tests' || s.surface === 'request tests').length;
      let findings = propertyFindings(run.outcomes, planned);
      let kept: TestGeneratorStats['kept'];
      if (this.#options.writeTestsDir !== undefined) {
        const result = await keepTests(target, this.#options.writeTestsDir, planned, run.outcomes);
        kept = { files: result.files, passing: result.passing, failing: result.failing };
        notes.push(`kept ${result.passing + result.failing} tests in ${result.files.length} files (${result.files.join(', ') || 'none'}): ${result.passing} pass on the current code, ${result.failing} fail (each exposes a reported defect)`);
        findings = findings.map((f) => {
          const where = [...result.failingIn].filter(([key]) => f.message.startsWith(`${key.slice(0, key.lastIndexOf(' '))} violates`) && f.message.includes(key.slice(key.lastIndexOf(' ') + 1))).map(([, file]) => file);
          return where.length === 0 ? f : { ...f, evidence: `${f.evidence}\nkept as a failing test in ${[...new Set(where)].join(', ')}` };
        });
      }
      return {
        agentId: this.id,
        strategy: strategy.name,
        target: target.dir,
        findings: [...findings, ...routeFindings(run.routeOutcomes)].map((f) => ({ ...f, message: maskCredentials(f.message, target.headers), evidence: maskCredentials(f.evidence, target.headers) })),
        durationMs: now() - started,
        ...(run.lineCoverage === undefined ? {} : { coverage: (run.lineCoverage * ran) / surfaces }),
        notes: notes.map((n) => maskCredentials(n, target.headers)),
        ...(skipped.length === 0 ? {} : { skipped }),
        stats: {
          testsWritten: planned.length + routeCases.length,
          testFiles: testFiles.length,
          compileRate: runnable.length / testFiles.length,
          propertiesRun: run.outcomes.length,
          propertiesFailed: run.outcomes.filter((o) => o.failed).length,
          routeTests: run.routeOutcomes.length,
          routeTestsSkipped: run.routeSkipped,
          routeTestsFailed: run.routeOutcomes.filter((o) => o.problem !== null).length,
          lineCoverage: run.lineCoverage,
          outcomes: run.outcomes,
          routeOutcomes: run.routeOutcomes,
          ...(kept === undefined ? {} : { kept }),
        },
      };
    } finally {
      if (!this.#options.keepWorkspace) await workspace.dispose();
    }
  }

  /** Route test cases from the target's API description; none (listed as skipped) when it has none or no service. */
  async #planRoutes(target: Target, notes: string[], skipped: SkippedSurface[]): Promise<{ cases: RouteCase[]; basePath: string }> {
    const api = target.profile.api;
    if (api === undefined) {
      skipped.push({ surface: 'request tests', reason: 'no API description (no JSON or YAML file with a top-level openapi or swagger key)' });
      return { cases: [], basePath: '' };
    }
    if (target.baseUrl === undefined && target.profile.service === undefined) {
      skipped.push({ surface: 'request tests', reason: 'no service to start (no start command, start script or conventional entry) and no URL' });
      return { cases: [], basePath: '' };
    }
    try {
      const { operations, basePath } = await loadOperations(target.dir, { file: api.file });
      // The generated request tests send JSON; a multipart or form body sent as JSON would only
      // prove our own mistake (415), so those operations are left out, and said so.
      const json = operations.filter((op) => op.body === undefined || /json/i.test(op.body.mediaType));
      const other = operations.filter((op) => !json.includes(op));
      if (other.length > 0) notes.push(`no request tests for ${other.map((op) => `${op.route} (${op.body?.mediaType})`).join(', ')}: generated request tests send JSON bodies only`);
      return { cases: planRouteTests(json, { seed: this.#options.seed ?? 42, randomCases: 2, invalidCases: 4 }), basePath };
    } catch (error) {
      const agentError = AgentError.from(error);
      if (agentError.code !== 'UNSUPPORTED_TARGET' && agentError.code !== 'TOOL_FAILED') throw agentError;
      notes.push(`no request tests written: ${agentError.message}`);
      skipped.push({ surface: 'request tests', reason: agentError.message });
      return { cases: [], basePath: '' };
    }
  }

  async #runTests(workspace: string, testFiles: string[], numRuns: number, baseUrl: string | undefined, headers: Record<string, string> | undefined, signal: AbortSignal | undefined): Promise<RunOutcome> {
    const c8 = join(dirname(require.resolve('c8/package.json')), 'bin', 'c8.js');
    const reportDir = join(workspace, 'coverage');
    const args = [
      c8,
      '--reporter=json-summary',
      `--report-dir=${reportDir}`,
      `--temp-directory=${join(workspace, 'coverage-tmp')}`,
      '--all',
      `--src=${join(workspace, 'out', 'target')}`,
      `--include=out/target/**`,
      process.execPath,
      '--test',
      '--test-reporter=tap',
      ...testFiles,
    ];
    const timeoutMs = this.#options.timeoutMs ?? 120_000;
    const result = await runProcess(process.execPath, args, {
      cwd: workspace,
      timeoutMs,
      env: { QE_NUM_RUNS: String(numRuns), QE_SEED: String(this.#options.seed ?? 42), QE_BASE_URL: baseUrl, QE_HEADERS: JSON.stringify(headers ?? {}), NODE_V8_COVERAGE: undefined },
      ...(signal === undefined ? {} : { signal }),
    });
    if (result.aborted) throw new AgentError('ABORTED', 'test generation was aborted');
    if (result.timedOut) throw new AgentError('TOOL_FAILED', `generated tests did not finish within ${timeoutMs} ms`);
    const outcomes: PropertyOutcome[] = [];
    const routeOutcomes: RouteOutcome[] = [];
    let routeSkipped = 0;
    for (const line of `${result.stdout}\n${result.stderr}`.split('\n')) {
      const match = RESULT_LINE.exec(line);
      if (match?.[2] === undefined) continue;
      const parsed: unknown = JSON.parse(Buffer.from(match[2], 'base64url').toString('utf8'));
      if (match[1] === 'RESULT') outcomes.push(parsed as PropertyOutcome);
      else if (match[1] === 'SKIP') routeSkipped++;
      else routeOutcomes.push(parsed as RouteOutcome);
    }
    if (outcomes.length === 0 && routeOutcomes.length === 0) {
      throw new AgentError('TOOL_FAILED', `generated tests produced no results (exit ${result.exitCode}): ${`${result.stderr}\n${result.stdout}`.trim().slice(-1500)}`);
    }
    const notes: string[] = [];
    const lineCoverage = await readCoverage(reportDir).catch((error: unknown) => {
      notes.push(`coverage unavailable: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    });
    return { outcomes, routeOutcomes, routeSkipped, lineCoverage, notes };
  }
}

interface RunOutcome {
  outcomes: PropertyOutcome[];
  routeOutcomes: RouteOutcome[];
  /** Read-back request tests with nothing created to read. */
  routeSkipped: number;
  lineCoverage: number | undefined;
  notes: string[];
}

/** Line coverage over every target file c8 saw (json-summary totals). */
async function readCoverage(reportDir: string): Promise<number> {
  const summary = JSON.parse(await readFile(join(reportDir, 'coverage-summary.json'), 'utf8')) as Record<string, { lines: { total: number; covered: number } }>;
  let total = 0;
  let covered = 0;
  for (const [file, entry] of Object.entries(summary)) {
    if (file === 'total') continue;
    total += entry.lines.total;
    covered += entry.lines.covered;
  }
  if (total === 0) throw new Error('c8 found no target lines');
  return covered / total;
}

/**
 * The exported functions properties are written for: what the package offers, and internal helpers
 * (every function of an application) whose parameters all have types (from TypeScript, JSDoc or a
 * declaration). An untyped internal helper fed arbitrary values crashes without a defect (qs's
 * `utils.merge("", " ")`): only its callers say which values it gets.
 */
function testedFunctions(target: Target): { functions: ExportedFunction[]; exported: number; entries?: string[] } {
  const { functions: offered, exported, entries } = offeredExports(target);
  // Without package.json entries (an application) no function is offered to users: all are internal.
  const isOffered = new Set(entries === undefined ? [] : offered);
  const typed = (f: ExportedFunction): boolean => f.params.every((p) => !(p.type.kind === 'json' && p.type.untyped === true));
  return { functions: exported.filter((f) => isOffered.has(f) || typed(f)), exported: exported.length, ...(entries === undefined ? {} : { entries }) };
}

