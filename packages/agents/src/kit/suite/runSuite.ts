import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { existsSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { AgentError } from '../agent/AgentError.js';
import { runProcess } from '../process/runProcess.js';
import type { ProcessResult, RunProcessOptions } from '../process/runProcess.js';
import { resolveTsxLoader, withTsx } from '../service/TargetService.js';
import { assertTestsLoad } from '../target/assertTestsLoad.js';
import type { Target } from '../target/Target.js';
import { binFolders, detectRunner, hasBin } from './detectRunner.js';
import { NODE_TEST_REPORTER } from './nodeTestReporter.js';
import { planSuiteCommand } from './planSuiteCommand.js';
import type { RunnerName } from './planSuiteCommand.js';
import { c8Args, readCoverageReport } from './suiteCoverage.js';
import type { CoverageSummary } from './suiteCoverage.js';
import { shellWords } from './shellWords.js';
import type { RunSuiteOptions, SuiteRun } from './SuiteRun.js';

/** A `runProcess` stand-in (tests inject one). */
export type ProcessRunner = (command: string, args: readonly string[], options: RunProcessOptions) => Promise<ProcessResult>;

/** Dependencies of `runSuite`, injectable. */
export interface RunSuiteDeps {
  run?: ProcessRunner;
}

/** `SuiteRun` plus the coverage reporter's own summary (c8's or the runner's `json-summary`). */
export interface SuiteRunWithSummary extends SuiteRun {
  /** The coverage tool's own `coverage-summary.json` (keyed by absolute file and `total`). */
  coverageSummary?: Record<string, CoverageSummary>;
}

const OUTPUT_TAIL = 8000;

/**
 * Runs the target's own test suite in its own runner (`target.profile.testRunner`, else the
 * runner its test files import) with that runner's machine-readable reporter, and returns one
 * result per test case; with `coverage`, coverage of the target's sources as istanbul JSON (jest:
 * its own, with the project's provider, babel unless configured, so the figures are the ones its
 * own `--coverage` prints; vitest: its installed provider; every other runner under c8, which
 * follows child processes).
 * A failing suite is a result. No runner: UNSUPPORTED_TARGET; runner or imported packages not
 * installed, or build output the tests import not built: UNSUPPORTED_TARGET naming them; no
 * results at all: one more run, then TOOL_FAILED with the output; aborted: ABORTED. A timeout kills the runner's process group and returns what was reported.
 */
export async function runSuite(target: Target, options: RunSuiteOptions = {}, deps: RunSuiteDeps = {}): Promise<SuiteRunWithSummary> {
  const runner = detectRunner(target);
  if (runner === undefined) {
    throw new AgentError('UNSUPPORTED_TARGET', `no test runner found in ${target.dir}: no test script naming vitest, jest, mocha, ava, tap, tape, uvu or node --test, no such dependency, and no test file importing one`);
  }
  const testFiles = options.files ?? target.profile.testFiles;
  assertTestsLoad(target, testFiles);
  const scripts = (target.packageJson['scripts'] ?? {}) as Record<string, unknown>;
  const scriptText = runner.script !== undefined && typeof scripts[runner.script] === 'string' ? (scripts[runner.script] as string) : undefined;
  const work = await mkdtemp(join(tmpdir(), 'qe-suite-'));
  try {
    const reporterModule = join(work, 'node-test-reporter.mjs');
    if (runner.name === 'node-test') await writeFile(reporterModule, NODE_TEST_REPORTER);
    const plan = planSuiteCommand(runner, scriptText, options, work, reporterModule);
    const binary = shellWords(plan.command).find((w) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w.value) && !/^(cross-env|dotenv|env)$/.test(w.value))?.value ?? '';
    if (binary !== 'node' && !binary.includes('/') && !hasBin(target.dir, binary)) {
      throw new AgentError('UNSUPPORTED_TARGET', `the test runner ${binary} is not installed in ${target.dir} (run npm install)`);
    }
    const command = withTsx(plan.command, resolveTsxLoader(target.dir));
    const sources = target.profile.files.map((f) => f.path);
    const reportDir = join(work, 'coverage');
    let shell = command;
    let program = 'sh';
    let args = ['-c', shell];
    if (options.coverage === true) {
      const vitestProvider = runner.name === 'vitest' ? ['@vitest/coverage-v8', '@vitest/coverage-istanbul'].find((p) => hasPackage(target.dir, p)) : undefined;
      if (runner.name === 'jest') {
        shell = `${command} ${jestCoverageFlags(reportDir, sources)}`;
        args = ['-c', shell];
      } else if (vitestProvider !== undefined) {
        // Vitest evaluates modules through its own runner, which c8 cannot map back to the sources; its provider can.
        shell = `${command} ${vitestCoverageFlags(vitestProvider.endsWith('v8') ? 'v8' : 'istanbul', reportDir, sources)}`;
        args = ['-c', shell];
      } else {
        if (runner.name === 'vitest') plan.notes.push('@vitest/coverage-v8 is not installed in the target: coverage under c8, which does not see modules vitest transforms');
        program = process.execPath;
        args = [...c8Args(target.dir, sources, reportDir), 'sh', '-c', shell];
      }
    }
    const notes = [...plan.notes];
    const attempt = async (): Promise<{ result: ProcessResult; output: string; tests: SuiteRun['tests'] }> => {
      const result = await (deps.run ?? runProcess)(program, args, {
        cwd: target.dir,
        timeoutMs: options.timeoutMs ?? 300_000,
        env: runnerEnv(target.dir, options.env),
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      });
      if (result.aborted) throw new AgentError('ABORTED', `the ${runner.name} run was aborted`);
      const output = `${result.stdout}\n${result.stderr}`.trim().slice(-OUTPUT_TAIL);
      const text = plan.resultFile === undefined ? result.stdout : await readFile(plan.resultFile, 'utf8').catch(() => '');
      try {
        return { result, output, tests: text.trim() === '' ? [] : plan.parse(text, { dir: target.dir, testFiles: target.profile.testFiles }) };
      } catch (error) {
        if (!result.timedOut) throw new AgentError('TOOL_FAILED', `cannot read ${runner.name}'s results (${error instanceof Error ? error.message : String(error)}); output: ${output.slice(-1500)}`);
        notes.push('the results of the interrupted run could not be read');
        return { result, output, tests: [] };
      }
    };
    const failedToStart = (a: { result: ProcessResult; tests: SuiteRun['tests'] }): boolean => a.tests.length === 0 && !a.result.timedOut && a.result.exitCode !== 0;
    let { result, output, tests } = await attempt();
    if (failedToStart({ result, tests })) {
      // A run that fails before reporting a test can be a clash with a run of the same project
      // beside it (the agents run at once; the `esm` loader of `-r esm` shares a cache in
      // node_modules/.cache and fails on a half-written entry): it gets one more try.
      notes.push(`the first run reported no test results (exit ${result.exitCode}: ${output.split('\n').find((l) => /Error/.test(l))?.trim().slice(0, 200) ?? output.slice(-200)}); it ran once more`);
      ({ result, output, tests } = await attempt());
    }
    if (failedToStart({ result, tests })) {
      throw new AgentError('TOOL_FAILED', `${runner.name} reported no test results (exit ${result.exitCode}) running \`${plan.command}\`: ${output.slice(-1500)}`);
    }
    if (result.timedOut) notes.push(`the run was killed after ${options.timeoutMs ?? 300_000} ms`);
    const run: SuiteRunWithSummary = {
      runner: runner.name,
      command: plan.command,
      baseCommand: plan.baseCommand,
      exitCode: result.exitCode,
      durationMs: result.durationMs,
      timedOut: result.timedOut,
      tests,
      output,
      notes,
    };
    if (options.coverage === true) {
      const report = await readCoverageReport(reportDir, target.dir, sources).catch((error: unknown) => {
        notes.push(`no coverage report: ${error instanceof Error ? error.message : String(error)}`);
        return undefined;
      });
      if (report !== undefined) {
        run.coverage = report.coverage;
        if (report.summary !== undefined) run.coverageSummary = report.summary;
      }
    }
    return run;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** The runner each target would use (discovery, then its test files' imports); for notApplicable checks. */
export function suiteRunnerOf(target: Target): RunnerName | undefined {
  return detectRunner(target)?.name;
}

function jestCoverageFlags(reportDir: string, sources: readonly string[]): string {
  const quote = (s: string): string => `'${s.replaceAll("'", `'\\''`)}'`;
  return [
    '--coverage',
    '--coverageReporters=json',
    '--coverageReporters=json-summary',
    `--coverageDirectory=${quote(reportDir)}`,
    ...sources.map((s) => `--collectCoverageFrom=${quote(s)}`),
  ].join(' ');
}

function vitestCoverageFlags(provider: 'v8' | 'istanbul', reportDir: string, sources: readonly string[]): string {
  const quote = (s: string): string => `'${s.replaceAll("'", `'\\''`)}'`;
  return [
    '--coverage.enabled=true',
    // A failing test is a result: its run's coverage is still wanted.
    '--coverage.reportOnFailure=true',
    `--coverage.provider=${provider}`,
    '--coverage.reporter=json',
    '--coverage.reporter=json-summary',
    `--coverage.reportsDirectory=${quote(reportDir)}`,
    ...sources.map((s) => `--coverage.include=${quote(s)}`),
  ].join(' ');
}

/** Whether `name` resolves from `dir` (a `node_modules/<name>/package.json` here or above). */
function hasPackage(dir: string, name: string): boolean {
  for (let at = dir; ; at = dirname(at)) {
    if (existsSync(join(at, 'node_modules', name, 'package.json'))) return true;
    if (dirname(at) === at) return false;
  }
}

/** The runner's environment: the target's (and its workspace's) `node_modules/.bin` first, no colours, no watch mode, no inherited runner state. */
function runnerEnv(dir: string, extra: Record<string, string> | undefined): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {};
  // A runner started from inside another (our own vitest tests) must not think it is a worker of it.
  for (const key of Object.keys(process.env)) if (/^(__)?VITEST|^JEST_WORKER_ID$|^NODE_V8_COVERAGE$|^TAP_/.test(key)) env[key] = undefined;
  return {
    ...env,
    PATH: [...binFolders(dir), process.env['PATH'] ?? ''].join(delimiter),
    CI: 'true',
    FORCE_COLOR: '0',
    NO_COLOR: '1',
    NODE_ENV: 'test',
    ...extra,
  };
}
