import { setTimeout as sleepFor } from 'node:timers/promises';
import { findStrategy } from '../kit/agent/AgentCore.js';
import type { AgentCore, AgentReport, AgentRunOptions, AgentStrategy, SkippedSurface } from '../kit/agent/AgentCore.js';
import { AgentError } from '../kit/agent/AgentError.js';
import type { Finding } from '../kit/findings/Finding.js';
import { noSuiteReason } from '../kit/suite/detectRunner.js';
import { runSuite } from '../kit/suite/runSuite.js';
import type { RunSuiteOptions, SuiteRun } from '../kit/suite/SuiteRun.js';
import type { Target } from '../kit/target/Target.js';
import { judgeTest, settled } from './judgeTest.js';
import type { TestObservation, TestVerdict } from './judgeTest.js';
import { rerunsForBound } from './rerunStatistics.js';
import { escapeRegExp } from '../kit/suite/escapeRegExp.js';

/** Knobs of a flaky-test-detector strategy. */
export interface FlakyTestDetectorConfig {
  /** Runs of the whole suite (shuffled with a fresh seed each when `shuffle` and the runner can). */
  suiteRuns: number;
  shuffle: boolean;
  /** Which tests are rerun alone: those that failed in a suite run, or every test not first in its file. */
  candidates: 'failed' | 'not-first';
  /** Alone/file reruns per candidate at most (early stop once the verdict is settled). */
  maxReruns: number;
  /** Bound of the whole run (ms): candidates not reached are listed in `skipped`. */
  maxWallMs: number;
}

/** A flaky-test-detector report: the kit's report plus the verdicts and what they cost. */
export interface FlakyTestDetectorReport extends AgentReport {
  stats: {
    runner: string;
    tests: number;
    suiteRuns: number;
    /** Runs of one test or one file spent after the suite runs. */
    reruns: number;
    verdicts: Array<{ file: string; name: string } & TestVerdict>;
    /** Reruns spent per flaky/order-dependent verdict (the learning signal's own measure); 0 without such verdicts. */
    rerunsPerVerdict: number;
    /** After the suite runs, tests that never failed have a failure rate below this (95 %, 1 − 0.05^(1/n)). */
    stableUpperBound: number;
  };
}

/** Runs the suite (tests inject a fake). */
export type SuiteRunner = (target: Target, options: RunSuiteOptions) => Promise<SuiteRun>;

/** Constructor options of `FlakyTestDetectorCore`. */
export interface FlakyTestDetectorCoreOptions {
  runSuite?: SuiteRunner;
  /** Random source for shuffle seeds and the spread between reruns (default Math.random). */
  random?: () => number;
  /** Waits between reruns (default timers/promises setTimeout). */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /**
   * Reruns start 0..spreadMs apart (default 700): a test that fails only when the wall clock
   * crosses a second (or another period) inside it then meets that moment at random phases.
   */
  spreadMs?: number;
  /** Only these test files (relative to the target). */
  testFiles?: string[];
  /** Per suite-run timeout (ms, default 300 000). */
  timeoutMs?: number;
  alpha?: number;
}

/** The strategies. */
export const FLAKY_TEST_DETECTOR_STRATEGIES: readonly AgentStrategy<FlakyTestDetectorConfig>[] = [
  { name: 'rerun-failures', description: '2 suite runs; each test that failed is rerun alone (spread in time) until it has both outcomes or 8 reruns', config: { suiteRuns: 2, shuffle: false, candidates: 'failed', maxReruns: 8, maxWallMs: 120_000 } },
  { name: 'isolation', description: '1 suite run; every test not first in its file runs alone; a differing outcome is rerun alone and with its file until Fisher decides (≤ 6)', config: { suiteRuns: 1, shuffle: false, candidates: 'not-first', maxReruns: 6, maxWallMs: 180_000 } },
  { name: 'shuffle', description: `${rerunsForBound(0.25)} suite runs in shuffled orders (a 25 % flake rate is missed with < 5 %); tests with both outcomes are rerun alone`, config: { suiteRuns: rerunsForBound(0.25), shuffle: true, candidates: 'failed', maxReruns: 6, maxWallMs: 240_000 } },
];

/**
 * Flaky test detector core: reruns the project's own tests in its own runner (kit `runSuite`),
 * whole, shuffled where the runner can (vitest, jest), and one test alone (its file and a name
 * filter), reruns spread in time. A test that passes and fails on the same code is flaky; one
 * whose failures concentrate alone or with its file (one-sided Fisher exact test) is
 * order-dependent. Reruns stop early once a verdict is settled. Reports the failure rate with
 * its 95 % Wilson interval and the first failure message.
 */
export class FlakyTestDetectorCore implements AgentCore {
  readonly id = 'flaky-test-detector';
  readonly measuresTime = true;
  readonly strategies = FLAKY_TEST_DETECTOR_STRATEGIES;
  readonly #options: FlakyTestDetectorCoreOptions;

  constructor(options: FlakyTestDetectorCoreOptions = {}) {
    this.#options = options;
  }

  /** Not applicable without test files. */
  notApplicable(target: Target): string | undefined {
    return noSuiteReason(target, 'there is nothing to rerun');
  }

  async run(target: Target, strategyName: string, options: AgentRunOptions = {}): Promise<FlakyTestDetectorReport> {
    const now = this.#options.now ?? Date.now;
    const started = now();
    const strategy = findStrategy(this, strategyName);
    const why = this.notApplicable(target);
    if (why !== undefined) throw new AgentError('UNSUPPORTED_TARGET', `not applicable: ${why}`);
    const config = strategy.config;
    const random = this.#options.random ?? Math.random;
    const sleep = this.#options.sleep ?? ((ms: number) => sleepFor(ms));
    const runner = this.#options.runSuite ?? ((t: Target, o: RunSuiteOptions) => runSuite(t, o));
    const base: RunSuiteOptions = { timeoutMs: this.#options.timeoutMs ?? 300_000, ...(options.signal ? { signal: options.signal } : {}) };
    const notes: string[] = [];
    const skipped: SkippedSurface[] = [];
    const observations = new Map<string, TestObservation[]>();
    const order: Array<{ file: string; name: string; title: string; index: number }> = [];
    const record = (run: SuiteRun, condition: TestObservation['condition'], only?: string, seed?: number): void => {
      for (const t of run.tests) {
        if (t.status === 'skipped' || (only !== undefined && `${t.file}\0${t.name}` !== only)) continue;
        const key = `${t.file}\0${t.name}`;
        if (!observations.has(key)) {
          observations.set(key, []);
          order.push({ file: t.file, name: t.name, title: t.title, index: order.filter((o) => o.file === t.file).length });
        }
        observations.get(key)?.push({ condition, passed: t.status === 'passed', ...(t.failureMessage ? { failureMessage: t.failureMessage } : {}), ...(seed === undefined ? {} : { seed }) });
      }
    };
    let runnerName = '';
    let command = '';
    let suiteRuns = 0;
    for (let i = 0; i < config.suiteRuns; i++) {
      if (i > 0 && now() - started > config.maxWallMs) {
        skipped.push({ surface: `suite runs ${i + 1}-${config.suiteRuns}`, reason: `time bound of ${config.maxWallMs} ms reached` });
        break;
      }
      const seed = config.shuffle ? Math.floor(random() * 2 ** 31) : undefined;
      const run = await runner(target, { ...base, ...(this.#options.testFiles ? { files: this.#options.testFiles } : {}), ...(seed === undefined ? {} : { seed }) });
      suiteRuns++;
      runnerName = run.runner;
      command ||= run.command;
      if (run.tests.length === 0) throw new AgentError('TOOL_FAILED', `${run.runner} reported no tests (exit ${String(run.exitCode)}): ${run.output.slice(-500)}`);
      const unshuffled = run.notes.find((n) => /cannot shuffle/.test(n));
      if (unshuffled !== undefined && i === 0) skipped.push({ surface: 'shuffled order', reason: `${run.runner} cannot shuffle its tests: the suite runs repeat its own order` });
      record(run, 'suite', undefined, unshuffled === undefined ? seed : undefined);
      if (i < config.suiteRuns - 1) await sleep(random() * (this.#options.spreadMs ?? 700));
    }
    const candidates = order.filter((t) => {
      const obs = observations.get(`${t.file}\0${t.name}`) ?? [];
      return config.candidates === 'failed' ? obs.some((o) => !o.passed) : t.index > 0;
    });
    let reruns = 0;
    let spentOnVerdicts = 0;
    for (const [i, test] of candidates.entries()) {
      if (now() - started > config.maxWallMs) {
        skipped.push({ surface: `${candidates.length - i} of ${candidates.length} candidate tests`, reason: `time bound of ${config.maxWallMs} ms reached` });
        break;
      }
      const key = `${test.file}\0${test.name}`;
      const obs = observations.get(key) ?? [];
      const pattern = runnerName === 'ava' ? test.title : escapeRegExp(test.title);
      let spent = 0;
      for (let r = 0; r < config.maxReruns && !settled(judgeTest(obs, this.#options.alpha), obs); r++) {
        // Isolation: once alone differs from with-the-file, alternate the two so Fisher can decide.
        const aloneRuns = obs.filter((o) => o.condition === 'alone').length;
        const withFile = config.candidates === 'not-first' && aloneRuns > 0 && aloneRuns >= obs.filter((o) => o.condition === 'suite').length;
        if (r > 0 || suiteRuns > 0) await sleep(random() * (this.#options.spreadMs ?? 700));
        // A runner that names no file for a test (tape, with several test files) reruns them all.
        const run = await runner(target, { ...base, ...(test.file === '' ? {} : { files: [test.file] }), ...(withFile ? {} : { testNamePattern: pattern }) });
        reruns++;
        spent++;
        record(run, withFile ? 'suite' : 'alone', key);
        const verdict = judgeTest(obs, this.#options.alpha);
        if (settled(verdict, obs)) break;
        // Isolation: one alone run that agrees with the suite runs clears a test; only a difference is pursued.
        if (config.candidates === 'not-first' && r === 0 && verdict.verdict !== 'flaky') break;
      }
      const verdict = judgeTest(obs, this.#options.alpha);
      if (verdict.verdict === 'flaky' || verdict.verdict === 'order-dependent') spentOnVerdicts += spent;
    }
    const verdicts = order.map((t) => ({ file: t.file, name: t.name, ...judgeTest(observations.get(`${t.file}\0${t.name}`) ?? [], this.#options.alpha) }));
    // The runner's own command without our reporter's temporary files: what a user can rerun.
    const rerun = command.split(' ').filter((w) => !w.includes('qe-suite-')).join(' ');
    const findings = verdicts.flatMap((v) => toFinding(v, rerun));
    const judged = verdicts.filter((v) => v.verdict !== 'stable' || v.runs >= Math.max(1, suiteRuns)).length;
    const found = verdicts.filter((v) => v.verdict === 'flaky' || v.verdict === 'order-dependent').length;
    notes.push(`${suiteRuns} suite runs and ${reruns} reruns of single tests or files; tests that passed every suite run fail less than ${(100 * (1 - 0.05 ** (1 / Math.max(1, suiteRuns)))).toFixed(0)} % of runs (95 % upper bound)`);
    return {
      agentId: this.id,
      strategy: strategy.name,
      target: target.dir,
      findings,
      durationMs: now() - started,
      coverage: verdicts.length === 0 ? 0 : (judged / verdicts.length) * (skipped.some((s) => s.surface.includes('candidate')) ? 0.5 : 1),
      notes,
      ...(skipped.length === 0 ? {} : { skipped }),
      stats: { runner: runnerName, tests: verdicts.length, suiteRuns, reruns, verdicts, rerunsPerVerdict: found === 0 ? 0 : spentOnVerdicts / found, stableUpperBound: 1 - 0.05 ** (1 / Math.max(1, suiteRuns)) },
    };
  }
}

function toFinding(v: { file: string; name: string } & TestVerdict, command: string): Finding[] {
  const rate = `failed ${v.failures} of ${v.runs} runs (${(100 * v.failureRate).toFixed(0)} %, 95 % Wilson interval ${(100 * v.interval.low).toFixed(0)}-${(100 * v.interval.high).toFixed(0)} %)`;
  const first = v.firstFailure === undefined ? '' : `; first failure: ${v.firstFailure.split('\n').filter((l) => l.trim() !== '').slice(0, 3).join(' ').slice(0, 300)}`;
  if (v.verdict === 'flaky') {
    return [{ kind: 'flaky-test', severity: 'medium', location: { test: v.file, name: v.name }, message: `"${v.name}" both passed and failed on the same code: ${rate}`, evidence: `rerun: ${command}${first}`, confidence: 0.9, rule: 'flaky-test-detector/both-outcomes', verified: `seen passing and failing on the same code: ${rate}` }];
  }
  if (v.verdict === 'order-dependent') {
    const when = v.failsWhen === 'alone' ? 'fails when run alone and passes after the tests before it in its file' : 'fails with the tests before it in its file and passes alone';
    return [{ kind: 'order-dependent-test', severity: 'medium', location: { test: v.file, name: v.name }, message: `"${v.name}" ${when} (one-sided Fisher exact p = ${(v.fisherP ?? 1).toFixed(3)}): ${rate}`, evidence: `run it alone: ${command} with the test name filter "${v.name}" on ${v.file}, then with its whole file${first}`, confidence: 0.85, rule: 'flaky-test-detector/order-dependent', verified: `seen both outcomes, split by the order it ran in: ${rate}` }];
  }
  return [];
}
