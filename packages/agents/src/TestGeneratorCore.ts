import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import type { AgentCore, AgentReport, AgentRunOptions, AgentStrategy } from './AgentCore.js';
import { AgentError } from './AgentError.js';
import { extractExports } from './extractExports.js';
import type { ExportedFunction } from './extractExports.js';
import type { Finding } from './Finding.js';
import { listSourceFiles } from './listSourceFiles.js';
import { harnessSource, nodeShimSource, planProperties } from './planProperties.js';
import type { OracleLevel, PlannedProperty } from './planProperties.js';
import { runProcess } from './runProcess.js';
import type { Target } from './Target.js';
import { TargetWorkspace } from './TargetWorkspace.js';

/** Knobs of a test-generator strategy. */
export interface TestGeneratorConfig {
  oracles: OracleLevel;
  /** fast-check runs per property. */
  numRuns: number;
}

/** One property's outcome, as the generated test printed it. */
export interface PropertyOutcome {
  fn: string;
  oracle: string;
  failed: boolean;
  numRuns: number;
  /** fast-check's shrunk counter-example (`fc.stringify`), when it failed. */
  counterexample: string | null;
  shrinks: number;
  error: string | null;
}

/** What the test generator measured beyond its findings. */
export interface TestGeneratorStats {
  testsWritten: number;
  testFiles: number;
  /** Test files that type-check / test files. */
  compileRate: number;
  propertiesRun: number;
  propertiesFailed: number;
  /** Line coverage of the target's source files by the generated tests, 0..1 (c8). */
  lineCoverage: number | undefined;
  outcomes: PropertyOutcome[];
}

/** A test-generator report: the kit's report plus the generator's own figures. */
export interface TestGeneratorReport extends AgentReport {
  stats: TestGeneratorStats;
}

/** Constructor options of `TestGeneratorCore`. */
export interface TestGeneratorCoreOptions {
  /** Milliseconds the generated suite may run (default 60 000). */
  timeoutMs?: number;
  /** Seed of every property (default 42): runs are reproducible. */
  seed?: number;
  /** Where temporary workspaces go (default the OS temp dir). */
  tmpRoot?: string;
  /** Keep the workspace for inspection instead of deleting it. */
  keepWorkspace?: boolean;
  now?: () => number;
}

/** The strategies: oracle strength times property runs. */
export const TEST_GENERATOR_STRATEGIES: readonly AgentStrategy<TestGeneratorConfig>[] = [
  { name: 'smoke', description: 'no-crash properties only, 50 runs each', config: { oracles: 'smoke', numRuns: 50 } },
  { name: 'invariants', description: 'no-crash + type/name invariants, 100 runs', config: { oracles: 'invariants', numRuns: 100 } },
  { name: 'metamorphic', description: 'invariants + metamorphic relations, 100 runs', config: { oracles: 'metamorphic', numRuns: 100 } },
  { name: 'metamorphic-thorough', description: 'invariants + metamorphic relations, 500 runs', config: { oracles: 'metamorphic', numRuns: 500 } },
];

const require = createRequire(import.meta.url);
const CONFIDENCE: Record<OracleLevel, number> = { smoke: 0.7, invariants: 0.85, metamorphic: 0.75 };
const RESULT_LINE = /QE_RESULT ([A-Za-z0-9_-]+)\s*$/;

/**
 * Test generator core: reads the target's exported functions with the type checker, writes
 * fast-check property tests for the pure ones into a temporary workspace (never into the target),
 * type-checks and compiles them with the target's sources, runs them under c8 in a child process
 * with a timeout, and reports the properties that fail as logic bugs with fast-check's shrunk
 * counter-example, plus tests written, compile rate and the line coverage they reach.
 */
export class TestGeneratorCore implements AgentCore {
  readonly id = 'test-generator';
  readonly strategies = TEST_GENERATOR_STRATEGIES;
  readonly #options: TestGeneratorCoreOptions;

  constructor(options: TestGeneratorCoreOptions = {}) {
    this.#options = options;
  }

  async run(target: Target, strategyName: string, options: AgentRunOptions = {}): Promise<TestGeneratorReport> {
    const now = this.#options.now ?? Date.now;
    const started = now();
    const strategy = this.strategies.find((s) => s.name === strategyName);
    if (!strategy) throw new AgentError('UNKNOWN_STRATEGY', `test-generator has no strategy "${strategyName}"`);
    const sources = (await listSourceFiles(target.dir, { roots: ['src'], extensions: ['.ts', '.mts'] })).filter((f) => !/\.(test|spec)\.m?ts$/.test(f));
    if (sources.length === 0) throw new AgentError('UNSUPPORTED_TARGET', `${target.dir} has no TypeScript sources under src/ to read signatures from`);
    const extracted = extractExports(target.dir, sources.map((f) => join(target.dir, f)));
    const planned = planProperties(extracted.functions, strategy.config.oracles);
    if (planned.length === 0) {
      throw new AgentError('UNSUPPORTED_TARGET', `no exported pure function with generable parameters in ${target.dir}/src (found ${extracted.functions.length} exported functions)`);
    }
    const workspace = await TargetWorkspace.create({ targetDir: target.dir, sources, link: ['fast-check'], ...(this.#options.tmpRoot ? { tmpRoot: this.#options.tmpRoot } : {}) });
    try {
      const testFiles = await writeTests(workspace, planned);
      const support = [await workspace.write('tests/qe-harness.ts', harnessSource()), await workspace.write('tests/node-shim.d.ts', nodeShimSource())];
      const errors = workspace.compile([...support, ...testFiles], testFiles);
      const runnable = testFiles.filter((f) => errors.get(f)?.length === 0).map((f) => workspace.outPath(f));
      const diagnostics = [...errors].flatMap(([file, list]) => list.slice(0, 2).map((e) => `${relative(workspace.dir, file)}: ${e}`));
      if (runnable.length === 0) {
        throw new AgentError('TOOL_FAILED', `none of the ${testFiles.length} generated test files type-checks: ${diagnostics.slice(0, 3).join('; ')}`);
      }
      const run = await this.#runTests(workspace.dir, runnable, strategy.config.numRuns, options.signal);
      const outcomes = run.outcomes;
      return {
        agentId: this.id,
        strategy: strategy.name,
        target: target.dir,
        findings: toFindings(outcomes, planned),
        durationMs: now() - started,
        ...(run.lineCoverage === undefined ? {} : { coverage: run.lineCoverage }),
        notes: [...diagnostics.slice(0, 5), ...run.notes],
        stats: {
          testsWritten: planned.length,
          testFiles: testFiles.length,
          compileRate: runnable.length / testFiles.length,
          propertiesRun: outcomes.length,
          propertiesFailed: outcomes.filter((o) => o.failed).length,
          lineCoverage: run.lineCoverage,
          outcomes,
        },
      };
    } finally {
      if (!this.#options.keepWorkspace) await workspace.dispose();
    }
  }

  async #runTests(workspace: string, testFiles: string[], numRuns: number, signal: AbortSignal | undefined): Promise<RunOutcome> {
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
    const result = await runProcess(process.execPath, args, {
      cwd: workspace,
      timeoutMs: this.#options.timeoutMs ?? 60_000,
      env: { QE_NUM_RUNS: String(numRuns), QE_SEED: String(this.#options.seed ?? 42), NODE_V8_COVERAGE: undefined },
      ...(signal === undefined ? {} : { signal }),
    });
    if (result.aborted) throw new AgentError('ABORTED', 'test generation was aborted');
    if (result.timedOut) throw new AgentError('TOOL_FAILED', `generated tests did not finish within ${this.#options.timeoutMs ?? 60_000} ms`);
    const outcomes: PropertyOutcome[] = [];
    for (const line of `${result.stdout}\n${result.stderr}`.split('\n')) {
      const match = RESULT_LINE.exec(line);
      if (match?.[1] !== undefined) outcomes.push(JSON.parse(Buffer.from(match[1], 'base64url').toString('utf8')) as PropertyOutcome);
    }
    if (outcomes.length === 0) {
      throw new AgentError('TOOL_FAILED', `generated tests produced no results (exit ${result.exitCode}): ${`${result.stderr}\n${result.stdout}`.trim().slice(-1500)}`);
    }
    const notes: string[] = [];
    const lineCoverage = await readCoverage(reportDir).catch((error: unknown) => {
      notes.push(`coverage unavailable: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    });
    return { outcomes, lineCoverage, notes };
  }
}

interface RunOutcome {
  outcomes: PropertyOutcome[];
  lineCoverage: number | undefined;
  notes: string[];
}

/** Writes one test file per target module; returns their absolute paths. */
async function writeTests(workspace: TargetWorkspace, planned: PlannedProperty[]): Promise<string[]> {
  const byFile = new Map<string, PlannedProperty[]>();
  for (const p of planned) byFile.set(p.fn.file, [...(byFile.get(p.fn.file) ?? []), p]);
  const files: string[] = [];
  for (const [file, props] of byFile) {
    const name = `tests/${file.replace(/^src\//, '').replace(/\.m?ts$/, '').replaceAll('/', '__')}.test.ts`;
    const importPath = `${'../'.repeat(name.split('/').length - 1)}target/${file}`.replace(/\.(m?)ts$/, '.$1js');
    files.push(await workspace.write(name, testFileSource(importPath, props)));
  }
  return files;
}

function testFileSource(importPath: string, props: PlannedProperty[]): string {
  const tests = props.map((p) => `test(${JSON.stringify(`${p.fn.name}: ${p.oracle}`)}, () => {\n  ${p.code}\n});`);
  return [
    '// Generated by @qe-fleet/agents test-generator: property tests derived from exported signatures.',
    "import { test } from 'node:test';",
    "import { assert, call, check, fc, guard, hasNegative, near, SKIP } from './qe-harness.js';",
    `import * as m from ${JSON.stringify(importPath)};`,
    'void [assert, call, guard, hasNegative, near, SKIP];',
    '',
    ...tests,
    '',
  ].join('\n');
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

/** One finding per function with failing properties (several oracles failing usually share one cause). */
function toFindings(outcomes: PropertyOutcome[], planned: PlannedProperty[]): Finding[] {
  const byFn = new Map<ExportedFunction, Array<{ outcome: PropertyOutcome; level: OracleLevel }>>();
  for (const outcome of outcomes) {
    if (!outcome.failed) continue;
    const plan = planned.find((p) => p.fn.name === outcome.fn && p.oracle === outcome.oracle);
    if (!plan) continue;
    byFn.set(plan.fn, [...(byFn.get(plan.fn) ?? []), { outcome, level: plan.level }]);
  }
  return [...byFn].map(([fn, failures]): Finding => {
    const first = failures[0];
    const oracles = failures.map((f) => f.outcome.oracle);
    return {
      kind: 'logic-bug',
      severity: failures.some((f) => f.level !== 'smoke') ? 'high' : 'medium',
      location: { file: fn.file, line: fn.line, endLine: fn.endLine },
      message: `${fn.name} violates ${oracles.join(', ')}`,
      evidence: failures.map((f) => `${f.outcome.oracle}: counterexample ${f.outcome.counterexample ?? '?'} (shrunk ${f.outcome.shrinks}x)${f.outcome.error ? ` ${f.outcome.error}` : ''}`).join('\n'),
      confidence: Math.max(...failures.map((f) => CONFIDENCE[f.level])) * (first?.outcome.counterexample ? 1 : 0.8),
      rule: `property:${oracles.join('+')}`,
    };
  });
}
