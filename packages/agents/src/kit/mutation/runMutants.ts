import { mkdir, mkdtemp, readFile, readdir, rm, rmdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { existsSync, readFileSync } from 'node:fs';
import { basename, delimiter, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { AgentError } from '../agent/AgentError.js';
import { killProcessGroup } from '../process/killProcessGroup.js';
import { runProcess } from '../process/runProcess.js';
import { resolveTsxLoader, withTsx } from '../service/TargetService.js';
import { assertTestsLoad } from '../target/assertTestsLoad.js';
import type { Target } from '../target/Target.js';
import { binFolders, detectRunner } from '../suite/detectRunner.js';
import { NODE_TEST_REPORTER } from '../suite/nodeTestReporter.js';
import { planSuiteCommand } from '../suite/planSuiteCommand.js';
import { relatedTestFiles } from '../suite/relatedTestFiles.js';
import { shellWords } from '../suite/shellWords.js';
import { NODE_TEST_HOOK, NODE_TEST_LOADER, NODE_TEST_PLUGIN, NODE_TEST_WRAPPER } from './nodeTestPlugin.js';
import { mutationScore } from './mutationScore.js';
import { PROGRESS_REPORTER, PROGRESS_REPORTER_NAME, projectPath, readProgress } from './progressReporter.js';
import type { StrykerMutant } from './progressReporter.js';
import type { MutantStatus, MutationScore } from './mutationScore.js';

const require = createRequire(import.meta.url);

/** Stryker's options as JSON (`@stryker-mutator/api`'s `PartialStrykerOptions`, which this package does not depend on). */
type StrykerOptions = Record<string, unknown>;

/** One mutant Stryker made and what the suite did to it. */
export interface MutantInfo {
  id: string;
  /** Relative to the target. */
  file: string;
  line: number;
  endLine: number;
  column: number;
  mutator: string;
  replacement: string;
  status: MutantStatus;
  /** Test ids (`<test file> > <full title>` for node:test; the runner's ids otherwise) that execute it (per-test coverage). */
  coveredBy?: string[];
  /** Test ids that failed with it active (all of them: bail is off). */
  killedBy?: string[];
  /** `true` when it mutates code that runs at module load (Stryker runs every test for it). */
  static?: boolean;
}

/** Options of `runMutants`. */
export interface RunMutantsOptions {
  /** Source files (relative) or Stryker ranges (`src/a.ts:10-20`) to mutate; default every source file. */
  files?: string[];
  /** Test files (relative) to run; default those whose imports reach the mutated files (node:test and command runners), else all. */
  testFiles?: string[];
  /** Stryker's incremental mode with its file at `<target>/.qe-fleet/stryker-incremental.json`. */
  incremental?: boolean;
  /** Parallel test runner processes (default 2). */
  concurrency?: number;
  signal?: AbortSignal;
  /** Stryker's log level (default `error`). */
  logLevel?: 'off' | 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
  /** Folder for the node:test runner's modules (kept after the run, so the config can be rerun with `npx stryker run`); default a temporary one. */
  pluginDir?: string;
  /** Milliseconds before the whole Stryker run is killed (default 30 minutes). */
  runTimeoutMs?: number;
  /**
   * When it aborts, Stryker is stopped and the mutants tested so far are returned (`complete:
   * false`): a time budget that still yields a result, where `signal` and `runTimeoutMs` fail the run.
   */
  stop?: AbortSignal;
  /** Milliseconds added to a mutant's expected test time before it counts as a timeout (Stryker's `timeoutMS`, default 10 000). */
  timeoutMs?: number;
}

/** A test Stryker ran: the id `coveredBy`/`killedBy` use, its file (relative) and full name. */
export interface MutationTest {
  id: string;
  /** Relative to the target; `''` when the runner does not say. */
  file: string;
  name: string;
}

/** What one Stryker run produced. */
export interface MutantsRun {
  mutants: MutantInfo[];
  /** The tests of the run (from Stryker's JSON report). */
  tests: MutationTest[];
  /** Stryker's mutation score over `mutants` (see `mutationScore`). */
  score: MutationScore;
  /** `vitest`, `jest`, `mocha`, `qe-node-test` (our node:test runner) or `command`. */
  testRunner: string;
  /** Whether `coveredBy`/`killedBy` name individual tests. */
  perTest: boolean;
  durationMs: number;
  /** `false` when `stop` ended the run before every planned mutant was tested. */
  complete: boolean;
  /** The mutants Stryker planned to test per file (relative): those of `mutants` when complete. */
  planned: Record<string, number>;
  /** The Stryker options used (paths relative to the target), to repeat the run with `npx stryker run`. */
  strykerConfig: Record<string, unknown>;
  notes: string[];
}

/** The incremental file `runMutants({ incremental: true })` keeps, relative to the target. */
export const INCREMENTAL_FILE = '.qe-fleet/stryker-incremental.json';

/**
 * Mutation testing of the target with StrykerJS 9 on the project's own suite: Stryker's vitest,
 * jest or mocha runner when the project uses one (per-test coverage), our node:test runner for
 * `node --test` projects (per-test coverage too), else Stryker's command runner with the project's
 * test command (ava, tap, tape, uvu: one verdict per mutant, no per-test data). The sandbox lives in
 * `<target>/.stryker-tmp-<run>` and is removed afterwards, also after a failure.
 */
export async function runMutants(target: Target, options: RunMutantsOptions = {}): Promise<MutantsRun> {
  const runner = detectRunner(target);
  if (runner === undefined) throw new AgentError('UNSUPPORTED_TARGET', `no test runner found in ${target.dir}: mutation testing needs the project's own tests`);
  assertTestsLoad(target, target.profile.testFiles);
  const mutate = options.files ?? target.profile.files.map((f) => f.path);
  if (mutate.length === 0) throw new AgentError('UNSUPPORTED_TARGET', `no source files to mutate in ${target.dir}`);
  const notes: string[] = [];
  const work = await mkdtemp(join(tmpdir(), 'qe-mutation-'));
  // Stryker's sandbox in the target: Stryker removes it when it ends, but not when it crashes or
  // is killed (timeout, abort), so it is removed here on every path too.
  const sandbox = `.stryker-tmp-${basename(work)}`;
  const started = Date.now();
  let liveDir: string | undefined;
  try {
    const related = relatedTestFiles(target.dir, target.profile.testFiles, mutate);
    const testFiles = options.testFiles ?? (related.length > 0 ? related : undefined);
    // Tests whose imports reach none of the mutated files test the build output (lukeed/tinydate
    // requires ../dist/tinydate): the mutants reach them only through the project's own build.
    const scripts = (target.packageJson['scripts'] ?? {}) as Record<string, unknown>;
    const buildCommand = related.length === 0 && typeof scripts['build'] === 'string' ? 'npm run build' : undefined;
    if (buildCommand !== undefined) notes.push(`no test imports the mutated files (the tests load the build output): Stryker runs \`${buildCommand}\` in its sandbox before it tests the mutants`);
    const { options: runnerOptions, name, perTest, portable, env, liveDir: live } = await runnerConfig(target, runner, options.pluginDir ?? work, notes, testFiles);
    liveDir = live;
    const progressPlugin = join(work, 'qe-progress-reporter.mjs');
    await writeFile(progressPlugin, PROGRESS_REPORTER);
    const config: StrykerOptions = {
      mutate,
      ...runnerOptions,
      plugins: [...(runnerOptions['plugins'] as string[]), progressPlugin],
      // Stryker's own JSON report: the test names behind the ids in coveredBy/killedBy. The
      // progress reporter's file is what remains when `stop` ends the run before the report.
      reporters: ['json', PROGRESS_REPORTER_NAME],
      jsonReporter: { fileName: join(work, 'mutation-report.json') },
      // One level deep like Stryker's default (its tsconfig `extends` rewriting assumes that depth),
      // and one per run: Stryker deletes the whole folder, also after a failure ('always').
      tempDirName: sandbox,
      cleanTempDir: 'always',
      concurrency: options.concurrency ?? 2,
      logLevel: options.logLevel ?? 'error',
      fileLogLevel: 'off',
      timeoutMS: options.timeoutMs ?? 10_000,
      disableTypeChecks: true,
      // Every killing test, not the first: `killedBy` is how a weak test is told from a strong one.
      disableBail: true,
      ...(buildCommand === undefined ? {} : { buildCommand }),
      ...(options.incremental === true ? { incremental: true, incrementalFile: INCREMENTAL_FILE } : {}),
    };
    if (options.incremental === true) await mkdir(join(target.dir, '.qe-fleet'), { recursive: true });
    const finished = await strykerInChild(target.dir, config, work, env ?? {}, options);
    const { tests, results, planned, byMutant } = finished !== undefined ? await finishedRun(finished, join(work, 'mutation-report.json'), target.dir) : await stoppedRun(join(work, 'qe-progress.jsonl'), target.dir);
    const mutants: MutantInfo[] = results.map((m) => ({
      id: m.id,
      file: projectPath(m.fileName, target.dir),
      line: m.location.start.line,
      endLine: m.location.end.line,
      column: m.location.start.column,
      mutator: m.mutatorName,
      replacement: m.replacement ?? '',
      status: m.status,
      // The test ids `tests` uses.
      ...(byMutant.get(m.id) ?? {}),
      ...(m.static === undefined ? {} : { static: m.static }),
    }));
    const { jsonReporter: _report, ...shown } = config;
    void _report;
    const strykerConfig = { ...shown, reporters: ['json'], plugins: runnerOptions['plugins'], ...portable };
    return { mutants, tests, score: mutationScore(mutants), testRunner: name, perTest, durationMs: Date.now() - started, complete: finished !== undefined, planned, strykerConfig, notes };
  } finally {
    if (liveDir !== undefined) await killLeftTestProcesses(liveDir);
    await rm(work, { recursive: true, force: true });
    await rm(join(target.dir, sandbox), { recursive: true, force: true, maxRetries: 3 });
    // Leave no empty folders behind in the target (rmdir refuses a folder another run is still using).
    await rmdir(join(target.dir, '.qe-fleet')).catch(() => undefined);
  }
}

/**
 * Kills the test processes our node:test runner started and that are still running: each has a
 * process group of its own (so that a timeout kills its file's subprocesses), which the kill of
 * Stryker's group does not reach when a stop or abort ends the run. On Linux a pid is killed only
 * if its command line still names the runner's hook (a recycled pid is left alone).
 */
async function killLeftTestProcesses(liveDir: string): Promise<void> {
  const pids = await readdir(liveDir).catch(() => [] as string[]);
  for (const pid of pids.map(Number).filter((n) => Number.isInteger(n) && n > 1)) {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' && existsSync('/proc/self') ? null : undefined));
    if (cmdline === null || (cmdline !== undefined && !cmdline.includes('qe-node-test-hook'))) continue;
    killProcessGroup(pid, 'SIGKILL');
  }
}

const STRYKER_MAIN = `// Written by @qe-fleet/agents (kit/mutation): one Stryker run in its own process (Stryker works in process.cwd()).
import { readFileSync, writeFileSync } from 'node:fs';
const [core, configFile, outFile] = process.argv.slice(2);
const { Stryker } = await import(core);
const results = await new Stryker(JSON.parse(readFileSync(configFile, 'utf8'))).runMutationTest();
writeFileSync(outFile, JSON.stringify(results.map(({ id, fileName, location, mutatorName, replacement, status, coveredBy, killedBy, static: isStatic }) => ({ id, fileName, location, mutatorName, replacement, status, coveredBy, killedBy, static: isStatic }))));
`;

/**
 * Runs Stryker with `config` in a child process working in `dir`, with the variables the project's
 * test script sets (killed as a group on abort, on `stop` or after `timeoutMs`); `undefined` when
 * `stop` ended it.
 */
async function strykerInChild(dir: string, config: StrykerOptions, work: string, scriptEnv: Record<string, string>, options: RunMutantsOptions): Promise<StrykerMutant[] | undefined> {
  const main = join(work, 'stryker-main.mjs');
  const configFile = join(work, 'stryker-config.json');
  const outFile = join(work, 'stryker-results.json');
  await writeFile(main, STRYKER_MAIN);
  await writeFile(configFile, JSON.stringify(config));
  const core = pathToFileURL(require.resolve('@stryker-mutator/core')).href;
  const signals = [options.signal, options.stop].filter((s) => s !== undefined);
  const ended = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
  const result = await runProcess(process.execPath, [main, core, configFile, outFile], {
    cwd: dir,
    timeoutMs: options.runTimeoutMs ?? 1_800_000,
    // The command runner's `sh -c` finds the project's runner binary (vitest, ava) as `npm test` would.
    env: { ...scriptEnv, PATH: [...binFolders(dir), process.env['PATH'] ?? ''].join(delimiter), NODE_V8_COVERAGE: undefined, ...Object.fromEntries(Object.keys(process.env).filter((k) => /^(__)?VITEST/.test(k)).map((k) => [k, undefined])) },
    ...(ended === undefined ? {} : { signal: ended }),
  });
  if (result.aborted && options.signal?.aborted === true) throw new AgentError('ABORTED', 'mutation testing was aborted');
  if (result.aborted) return undefined;
  if (result.timedOut) throw new AgentError('TOOL_FAILED', `Stryker did not finish within ${options.runTimeoutMs ?? 1_800_000} ms`);
  const text = await readFile(outFile, 'utf8').catch(() => undefined);
  if (text === undefined || result.exitCode !== 0) {
    throw new AgentError('TOOL_FAILED', `Stryker failed on ${dir} (exit ${result.exitCode}): ${`${result.stderr}\n${result.stdout}`.trim().slice(-2000)}`);
  }
  return JSON.parse(text) as StrykerMutant[];
}

/** The tests that execute a mutant and those that detect it. */
type TestIds = Pick<MutantInfo, 'coveredBy' | 'killedBy'>;

function testIds(m: TestIds): TestIds {
  return { ...(m.coveredBy === undefined ? {} : { coveredBy: m.coveredBy }), ...(m.killedBy === undefined ? {} : { killedBy: m.killedBy }) };
}

/** A run's results: its tests, Stryker's mutants, the mutants planned per file, and each mutant's test ids in the tests' namespace. */
interface RunResults {
  tests: MutationTest[];
  results: StrykerMutant[];
  planned: Record<string, number>;
  byMutant: Map<string, TestIds>;
}

/** A run Stryker finished: every planned mutant was tested, and its report names the tests. */
async function finishedRun(results: StrykerMutant[], reportFile: string, dir: string): Promise<RunResults> {
  const planned: Record<string, number> = {};
  for (const m of results) {
    const file = projectPath(m.fileName, dir);
    planned[file] = (planned[file] ?? 0) + 1;
  }
  return { ...(await readReport(reportFile, dir)), results, planned };
}

/** What a run `stop` ended left in the progress file: the mutants tested so far, named by the runner's test ids. */
async function stoppedRun(progressFile: string, dir: string): Promise<RunResults> {
  const progress = await readProgress(progressFile, dir);
  if (progress.planned === undefined) throw new AgentError('TOOL_FAILED', `Stryker was stopped before its initial test run of the suite finished: no mutant was tested`);
  return { tests: progress.tests, results: progress.mutants, planned: progress.planned, byMutant: new Map(progress.mutants.map((m) => [m.id, testIds(m)])) };
}

/**
 * The tests of Stryker's JSON report (mutation-testing-report-schema `testFiles`) and each
 * mutant's `coveredBy`/`killedBy` in the report's own test ids (the report renumbers tests).
 */
async function readReport(reportFile: string, dir: string): Promise<{ tests: MutationTest[]; byMutant: Map<string, TestIds> }> {
  const byMutant = new Map<string, TestIds>();
  const text = await readFile(reportFile, 'utf8').catch(() => undefined);
  if (text === undefined) return { tests: [], byMutant };
  const report = JSON.parse(text) as {
    testFiles?: Record<string, { tests?: Array<{ id: string; name: string }> }>;
    files?: Record<string, { mutants?: Array<{ id: string; coveredBy?: string[]; killedBy?: string[] }> }>;
  };
  const tests: MutationTest[] = [];
  for (const [file, entry] of Object.entries(report.testFiles ?? {})) {
    const rel = file === '' ? '' : projectPath(file, dir);
    for (const test of entry.tests ?? []) tests.push({ id: test.id, file: rel, name: test.name });
  }
  for (const entry of Object.values(report.files ?? {})) {
    for (const m of entry.mutants ?? []) byMutant.set(m.id, testIds(m));
  }
  return { tests, byMutant };
}

interface RunnerConfig {
  options: StrykerOptions;
  name: string;
  perTest: boolean;
  /** Overrides for the config shown to users (plugin paths that outlive the run). */
  portable: Record<string, unknown>;
  /** Variables for Stryker's process (those the project's test script sets before its runner). */
  env?: Record<string, string>;
  /** Where the node:test runner lists the test processes it started and that have not closed (named by pid). */
  liveDir?: string;
}

async function runnerConfig(target: Target, runner: NonNullable<ReturnType<typeof detectRunner>>, work: string, notes: string[], only: string[] | undefined): Promise<RunnerConfig> {
  // `work` holds the node:test runner's modules; the command plan only needs a scratch path.
  // Resolved as an import: under `require` conditions jest-runner's entry is its jest environment, not the plugin.
  const plugin = (name: string): string => fileURLToPath(import.meta.resolve(`@stryker-mutator/${name}`));
  // Stryker's runners drive the project's own runner through its API, which older majors lack.
  const minimum: Partial<Record<string, number>> = { vitest: 2, jest: 27, mocha: 8 };
  const major = Number(packageVersion(target.dir, runner.name)?.split('.')[0] ?? Number.NaN);
  const tooOld = minimum[runner.name] !== undefined && Number.isFinite(major) && major < minimum[runner.name]!;
  if (tooOld) notes.push(`Stryker's ${runner.name} runner needs ${runner.name} ${minimum[runner.name]} or later (the project has ${major}.x): the command runner is used instead`);
  // The project's own command, as its script runs it (the command runner plans its own, for `only`).
  const plan = planSuiteCommand(runner, scriptOf(target, runner.script), {}, work, '');
  // Stryker's runner reads the runner's own config, not the one a toolkit gives it (kcd-scripts' babel transform for TypeScript).
  if (plan.wrapper !== undefined) notes.push(`${runner.name} runs through \`${plan.wrapper} test\` with its config, which Stryker's ${runner.name} runner does not read: the command runner is used instead`);
  switch (tooOld || plan.wrapper !== undefined ? 'other' : runner.name) {
    case 'vitest':
    case 'jest':
    case 'mocha': {
      const name = runner.name;
      // Stryker drives the runner through its API, not the project's script: the variables the script sets (`TZ=…`) go to its process.
      const { env } = plan;
      if (Object.keys(env).length > 0) notes.push(`${name}: set as the project's test script sets them: ${Object.entries(env).map(([k, v]) => `${k}=${v}`).join(' ')}`);
      return { options: { testRunner: name, plugins: [plugin(`${name}-runner`)], coverageAnalysis: 'perTest' }, name, perTest: true, env, portable: { plugins: [`@stryker-mutator/${name}-runner`] } };
    }
    case 'node-test': {
      const words = shellWords(withTsx(plan.command, resolveTsxLoader(target.dir))).map((w) => w.value);
      const test = words.indexOf('--test');
      // The node options before `--test` (loaders such as tsx) carry over; the project's file operands become the test files.
      const nodeArgs = words.slice(1, test === -1 ? 1 : test).filter((w) => !w.startsWith('--test-reporter'));
      const testFiles = only ?? target.profile.testFiles.filter((f) => /\.(test|spec)\.[cm]?[jt]sx?$|(^|\/)test\//.test(f));
      const folder = join(work, 'node-test-runner');
      await mkdir(folder, { recursive: true });
      await writeFile(join(folder, 'qe-node-test-plugin.mjs'), NODE_TEST_PLUGIN);
      await writeFile(join(folder, 'qe-node-test-hook.mjs'), NODE_TEST_HOOK);
      await writeFile(join(folder, 'qe-node-test-loader.mjs'), NODE_TEST_LOADER);
      await writeFile(join(folder, 'qe-node-test-wrapper.mjs'), NODE_TEST_WRAPPER);
      await writeFile(join(folder, 'qe-node-test-reporter.mjs'), NODE_TEST_REPORTER);
      const liveDir = join(folder, 'live');
      await mkdir(liveDir, { recursive: true });
      const runnerConfigFile = {
        nodeArgs,
        testFiles,
        liveDir,
        hook: pathToFileURL(join(folder, 'qe-node-test-hook.mjs')).href,
        reporter: join(folder, 'qe-node-test-reporter.mjs'),
        env: { NO_COLOR: '1', FORCE_COLOR: '0' },
        dryRunTimeoutMs: 300_000,
      };
      await writeFile(join(folder, 'qe-node-test.json'), JSON.stringify(runnerConfigFile));
      notes.push(`node:test through the fleet's Stryker runner (per-test coverage): node ${nodeArgs.join(' ')} --test ${testFiles.join(' ')}`);
      return { options: { testRunner: 'qe-node-test', plugins: [join(folder, 'qe-node-test-plugin.mjs')], coverageAnalysis: 'perTest' }, name: 'qe-node-test', perTest: true, portable: {}, liveDir };
    }
    default: {
      const own = only === undefined ? plan : planSuiteCommand(runner, scriptOf(target, runner.script), { files: only }, work, '');
      // The command runner only reads the exit code: the project's own command, without our reporter flags.
      const command = withTsx(plainCommand(own.command), resolveTsxLoader(target.dir));
      notes.push(`${tooOld || plan.wrapper !== undefined ? '' : `${runner.name} has no Stryker runner: `}Stryker's command runner runs \`${command}\` once per mutant (no per-test coverage)`);
      // CI as in `runSuite`: a toolkit's test command watches files otherwise (`kcd-scripts test` adds jest's --watch).
      return { options: { testRunner: 'command', commandRunner: { command }, coverageAnalysis: 'off', plugins: [] }, name: 'command', perTest: false, env: { CI: 'true' }, portable: {} };
    }
  }
}

/** The version of `name` that resolves from `dir`, if any. */
function packageVersion(dir: string, name: string): string | undefined {
  for (let at = dir; ; at = dirname(at)) {
    const manifest = join(at, 'node_modules', name, 'package.json');
    if (existsSync(manifest)) return (JSON.parse(readFileSync(manifest, 'utf8')) as { version?: string }).version;
    if (dirname(at) === at) return undefined;
  }
}

function scriptOf(target: Target, script: string | undefined): string | undefined {
  const scripts = (target.packageJson['scripts'] ?? {}) as Record<string, unknown>;
  return script !== undefined && typeof scripts[script] === 'string' ? (scripts[script] as string) : undefined;
}

/** A planned suite command without the machine-readable reporter flags `planSuiteCommand` added. */
function plainCommand(command: string): string {
  return shellWords(command)
    .filter((w) => !/^--(tap|reporter=tap|reporter=json|json|ci)$/.test(w.value) && !w.value.startsWith('--outputFile='))
    .map((w) => w.raw)
    .join(' ');
}
