import { isDeepStrictEqual } from 'node:util';
import { findStrategy } from '../kit/agent/AgentCore.js';
import type { AgentCore, AgentReport, AgentRunOptions, AgentStrategy, SkippedSurface } from '../kit/agent/AgentCore.js';
import { AgentError } from '../kit/agent/AgentError.js';
import type { Finding } from '../kit/findings/Finding.js';
import { CaseProbe } from '../kit/probe/CaseProbe.js';
import type { ProbeOutcome } from '../kit/probe/CaseProbe.js';
import { coverageKeys, coverageShares } from '../kit/suite/coverageKeys.js';
import { detectRunner } from '../kit/suite/detectRunner.js';
import { runSuite } from '../kit/suite/runSuite.js';
import { runMutants } from '../kit/mutation/runMutants.js';
import { mutateRanges } from './mutateRanges.js';
import type { SuiteRun } from '../kit/suite/SuiteRun.js';
import type { Target } from '../kit/target/Target.js';
import { TargetCopy } from '../kit/target/TargetCopy.js';
import { detectTestStyle } from '../kit/testfile/TestFileStyle.js';
import { extractTargetExports } from '../kit/typescript/extractTargetExports.js';
import { judgeOutcome } from './judgeOutcome.js';
import type { Verdict } from './judgeOutcome.js';
import { planClassCases, planFunctionCases } from './planUnitCases.js';
import type { CaseOrigin, UnitCase } from './planUnitCases.js';
import { GeneratedSuite } from './GeneratedSuite.js';
import type { CandidateTest } from './GeneratedSuite.js';

/** Knobs of a unit-test-generator strategy. */
export interface UnitTestGeneratorConfig {
  origins: CaseOrigin[];
  maxPerSubject: number;
  /** Only functions and methods the project's own suite leaves (partly) unexecuted. */
  uncoveredOnly: boolean;
}

/** The strategies: which cases are generated, for which functions. */
export const UNIT_TEST_GENERATOR_STRATEGIES: readonly AgentStrategy<UnitTestGeneratorConfig>[] = [
  { name: 'doc-examples', description: 'doc-comment examples, documented bounds, add-then-count sequences and one typical call per function', config: { origins: ['doc-example', 'threshold', 'sequence', 'typical'], maxPerSubject: 1, uncoveredOnly: false } },
  { name: 'boundaries', description: 'doc-examples + boundary values per parameter (0, -1, empty, large, NaN), one at a time', config: { origins: ['doc-example', 'threshold', 'sequence', 'typical', 'boundary'], maxPerSubject: 8, uncoveredOnly: false } },
  { name: 'coverage-guided', description: 'boundaries, only for functions and methods the project suite leaves (partly) unexecuted', config: { origins: ['doc-example', 'threshold', 'sequence', 'typical', 'boundary'], maxPerSubject: 8, uncoveredOnly: true } },
];

/** What the unit-test generator measured. */
export interface UnitTestGeneratorStats {
  candidates: number;
  /** Candidates whose probe outcome could be asserted (a value or error) or exposed a defect. */
  assertable: number;
  /** Generated test files that type-check (TypeScript) or parse (JavaScript) / test files. */
  compileRate: number;
  /** Kept tests: compile, pass in the project's runner and add coverage (or expose a defect). */
  kept: number;
  keptShare: number;
  defectTests: number;
  /** Line and branch coverage of the target's sources, project suite alone → with the kept tests. */
  coverage?: { lines: { before: number; after: number }; branches: { before: number; after: number } };
  /** Where the kept tests were written (`writeTestsDir`), target-relative files. */
  written: string[];
  /**
   * StrykerJS mutation score (percent) of the kept passing tests alone on the source lines they
   * execute (Stryker line ranges, `files`), and of the project's own suite alone on the same
   * mutants, when the core's `mutation` option is on; absent otherwise.
   */
  mutation?: { score: number; scoreOnCovered: number; mutants: number; files: string[]; runner: string; durationMs: number; ownSuite?: { score: number; scoreOnCovered: number; mutants: number; durationMs: number } };
  discarded: Record<string, number>;
}

/** A unit-test-generator report. */
export interface UnitTestGeneratorReport extends AgentReport {
  stats: UnitTestGeneratorStats;
  /** The agent's own measure (mean of kept share and share of uncovered lines the kept tests cover). */
  measure: { name: string; value: number };
}

/** Constructor options of `UnitTestGeneratorCore`. */
export interface UnitTestGeneratorCoreOptions {
  /** Write the kept tests into this folder of the target (relative to it, or absolute). Default: nothing is written to the target. */
  writeTestsDir?: string;
  /** Where temporary copies go (default the OS temp dir). */
  tmpRoot?: string;
  /** Milliseconds for each run of the project's runner (default 180 000). */
  suiteTimeoutMs?: number;
  now?: () => number;
  /** The project's runner (tests inject one). */
  runSuite?: typeof runSuite;
  /** Also measure the mutation score of the kept tests with StrykerJS (minutes; default off). */
  mutation?: boolean;
  /** Stryker's parallel test processes for that measure (default 2). */
  mutationConcurrency?: number;
  /** Milliseconds before each Stryker run of that measure is killed (default 600 000). */
  mutationTimeoutMs?: number;
}

/**
 * Unit-test generator core: example-based unit tests per exported function and class (doc
 * examples, boundary values, documented bounds, add-then-count sequences), observed on the
 * current code by `CaseProbe`, judged by oracles (a violation is a `logic-bug` finding with its
 * input), and filtered like Qodo Cover: a test is kept only if it compiles, passes in the
 * project's own runner and adds line or branch coverage over the project's suite (or exposes a
 * reported defect). Untested functions of tested modules that the kept tests reach are
 * `coverage-gap` findings.
 */
export class UnitTestGeneratorCore implements AgentCore {
  readonly id = 'unit-test-generator';
  readonly strategies = UNIT_TEST_GENERATOR_STRATEGIES;
  readonly #options: UnitTestGeneratorCoreOptions;
  // The project's own suite is run once per opened target: every strategy compares with it.
  readonly #baselines = new WeakMap<Target, Promise<SuiteRun | AgentError>>();
  // `boundaries` plans `doc-examples`' cases and more: a case observed once on a target is not probed again.
  readonly #observed = new WeakMap<Target, Map<string, ProbeOutcome>>();

  constructor(options: UnitTestGeneratorCoreOptions = {}) {
    this.#options = options;
  }

  /** Not applicable without an exported function or class to call. */
  notApplicable(target: Target): string | undefined {
    if (target.profile.files.length === 0) return `no JavaScript or TypeScript sources (looked in ${target.profile.sourceRoots.join(', ')})`;
    const { extracted } = extractTargetExports(target);
    const callable = (extracted?.functions ?? []).filter((f) => !f.io).length + (extracted?.classes ?? []).filter((c) => !c.io && c.factory).length;
    return callable > 0 ? undefined : `no exported function or constructible class outside I/O modules (${extracted?.functions.length ?? 0} functions, ${extracted?.classes.length ?? 0} classes)`;
  }

  async run(target: Target, strategyName: string, options: AgentRunOptions = {}): Promise<UnitTestGeneratorReport> {
    const now = this.#options.now ?? Date.now;
    const started = now();
    const { config } = findStrategy(this, strategyName);
    const reason = this.notApplicable(target);
    if (reason !== undefined) throw new AgentError('UNSUPPORTED_TARGET', `not applicable: ${reason}`);
    const notes: string[] = [];
    const skipped: SkippedSurface[] = [];
    const { sources, extracted } = extractTargetExports(target);
    const baseline = await this.#baseline(target, options.signal);
    if (baseline instanceof AgentError) {
      skipped.push({ surface: 'project suite', reason: baseline.message });
      notes.push('coverage is compared with nothing: the project suite did not run');
    } else if (baseline.tests.some((t) => t.status === 'failed')) {
      notes.push(`the project suite has ${baseline.tests.filter((t) => t.status === 'failed').length} failing tests`);
    }
    const base = coverageKeys(baseline instanceof AgentError ? undefined : baseline.coverage, target.dir);
    const plan = { origins: new Set(config.origins), maxPerSubject: config.maxPerSubject };
    let cases = [...planFunctionCases(extracted?.functions ?? [], plan), ...planClassCases(extracted?.classes ?? [], plan)];
    if (config.uncoveredOnly) {
      if (baseline instanceof AgentError) skipped.push({ surface: 'coverage guidance', reason: 'no baseline coverage: every function is a candidate' });
      else cases = cases.filter((c) => bodyLines(c).some((key) => base.all.has(key) && !base.covered.has(key)));
    }
    const observed = this.#observed.get(target) ?? new Map<string, ProbeOutcome>();
    this.#observed.set(target, observed);
    const keyOf = (c: UnitCase): string => JSON.stringify([c.file, c.imports, c.setup, c.act, c.awaitAct, c.observe]);
    const unseen = cases.filter((c) => !observed.has(keyOf(c)));
    let fresh: ProbeOutcome[] = [];
    if (unseen.length > 0) {
      const probe = await CaseProbe.create(target, sources, this.#options.tmpRoot === undefined ? {} : { tmpRoot: this.#options.tmpRoot });
      try {
        const runOptions = { timeoutMs: 120_000, ...(options.signal === undefined ? {} : { signal: options.signal }) };
        fresh = await probe.run(unseen, runOptions);
        // Each case once more, in a process of its own: a result that changes (random ids, the
        // clock) is no example to compare with and no value a test can pin.
        const again = await probe.run(unseen, runOptions);
        fresh = fresh.map((o, i) => (o.status === again[i]!.status && isDeepStrictEqual(o.raw, again[i]!.raw) ? o : { ...o, varies: true }));
      } finally {
        await probe.dispose();
      }
      // A case not run because an earlier one hung is not an observation.
      unseen.forEach((c, i) => fresh[i]!.status !== 'not-run' && observed.set(keyOf(c), fresh[i]!));
    }
    const outcomes = cases.map((c) => ({ ...(observed.get(keyOf(c)) ?? fresh[unseen.indexOf(c)]!), id: c.id }));
    // Qodo Cover's filter, first half: defects are kept; other cases only when they reach a line
    // or branch arm neither the project suite nor an earlier kept case reached.
    const covered = new Set(base.covered);
    const discarded: Record<string, number> = {};
    const candidates: CandidateTest[] = [];
    const order: Record<Verdict['kind'], number> = { defect: 0, characterise: 1, discard: 2 };
    const judged = cases.map((c, i) => ({ c, o: outcomes[i]!, v: judgeOutcome(c, outcomes[i]!) })).sort((a, b) => order[a.v.kind] - order[b.v.kind]);
    const seenDefects = new Set<string>();
    let assertable = 0;
    for (const { c, o, v } of judged) {
      if (v.kind === 'discard') {
        discarded[v.reason] = (discarded[v.reason] ?? 0) + 1;
        continue;
      }
      assertable += 1;
      if (v.kind === 'defect') {
        const key = `${c.subject.file}:${c.subject.name}:${v.violation.rule}`;
        if (seenDefects.has(key)) continue;
        seenDefects.add(key);
        candidates.push({ case: c, verdict: v, outcome: o });
        continue;
      }
      const keys = [...o.lines, ...o.branches.map((b) => `b:${b}`)];
      if (!keys.some((k) => !covered.has(k))) {
        discarded['adds no coverage'] = (discarded['adds no coverage'] ?? 0) + 1;
        continue;
      }
      for (const k of keys) covered.add(k);
      candidates.push({ case: c, verdict: v, outcome: o });
    }
    // Second half: compile and run them in the project's own runner, in a copy of the target.
    // A package whose test script is a wrapper: the runner its test files import (kit/suite).
    const style = { ...detectTestStyle(target.dir, target.profile), ...(target.profile.testRunner === undefined && detectRunner(target) ? { runner: detectRunner(target)!.name } : {}) };
    const copy = await TargetCopy.create(target, this.#options.tmpRoot === undefined ? {} : { tmpRoot: this.#options.tmpRoot });
    let suite: GeneratedSuite;
    let mutation: UnitTestGeneratorStats['mutation'];
    try {
      suite = await GeneratedSuite.verify(copy, candidates, style, {
        runSuite: this.#options.runSuite ?? runSuite,
        timeoutMs: this.#options.suiteTimeoutMs ?? 180_000,
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      });
      if (this.#options.mutation === true) mutation = await this.#mutationScore(target, copy, suite, notes, options.signal);
    } finally {
      await copy.dispose();
    }
    notes.push(...suite.notes);
    for (const [why, n] of Object.entries(suite.dropped)) discarded[why] = (discarded[why] ?? 0) + n;
    const kept = suite.kept;
    const findings: Finding[] = kept.filter((k) => k.verdict.kind === 'defect').map((k) => defectFinding(k, style.runner));
    let coverage: UnitTestGeneratorStats['coverage'];
    if (!(baseline instanceof AgentError) && baseline.coverage !== undefined && (suite.coverage !== undefined || kept.length === 0)) {
      const after = new Set([...base.covered, ...coverageKeys(suite.coverage, copy.dir).covered]);
      const before = coverageShares(base.all, base.covered);
      const withKept = coverageShares(base.all, after);
      coverage = { lines: { before: before.lines, after: withKept.lines }, branches: { before: before.branches, after: withKept.branches } };
      findings.push(...gapFindings(kept, base, after));
    } else {
      skipped.push({ surface: 'coverage added', reason: 'no coverage from the project suite or the generated tests' });
    }
    const written = this.#options.writeTestsDir === undefined ? [] : await suite.write(target.dir, this.#options.writeTestsDir);
    const keptShare = cases.length === 0 ? 0 : kept.length / cases.length;
    const gapClosed = coverage === undefined || coverage.lines.before >= 1 ? 0 : (coverage.lines.after - coverage.lines.before) / (1 - coverage.lines.before);
    notes.push(`${cases.length} candidates, ${kept.length} kept (${(keptShare * 100).toFixed(0)} %)${coverage ? `; lines ${pct(coverage.lines.before)} → ${pct(coverage.lines.after)}, branches ${pct(coverage.branches.before)} → ${pct(coverage.branches.after)}` : ''}; ${mutation ? `mutation score of the kept tests ${mutation.score.toFixed(1)} % (${mutation.mutants} mutants on the ${mutation.files.length} line ranges they execute)${mutation.ownSuite ? `, the project's own suite alone ${mutation.ownSuite.score.toFixed(1)} %` : ''}` : 'mutation score of the kept tests not measured'}`);
    return {
      agentId: this.id,
      strategy: strategyName,
      target: target.dir,
      findings,
      durationMs: now() - started,
      coverage: coverage?.lines.after ?? 0,
      notes,
      ...(skipped.length > 0 ? { skipped } : {}),
      stats: {
        candidates: cases.length,
        assertable,
        compileRate: suite.compileRate,
        kept: kept.length,
        keptShare,
        defectTests: kept.filter((k) => k.verdict.kind === 'defect').length,
        ...(coverage === undefined ? {} : { coverage }),
        ...(mutation === undefined ? {} : { mutation }),
        written,
        discarded,
      },
      measure: { name: 'mean of kept share and uncovered lines covered', value: (keptShare + Math.max(0, gapClosed)) / 2 },
    };
  }

  /**
   * StrykerJS (kit/mutation) on the source lines the kept passing tests execute, first with only
   * those tests, then with only the project's own tests. Mutating just those lines (Stryker line
   * ranges) is what bounds the run: a mutant on a line no kept test reaches says nothing about
   * them, and a whole-module run on the sample target did not end within 15 minutes.
   */
  async #mutationScore(target: Target, copy: TargetCopy, suite: GeneratedSuite, notes: string[], signal: AbortSignal | undefined): Promise<UnitTestGeneratorStats['mutation']> {
    const passing = suite.kept.filter((k) => k.verdict.kind === 'characterise');
    if (passing.length === 0) return undefined;
    const testFiles = await suite.write(copy.dir, undefined, true);
    const files = mutateRanges(passing.flatMap((k) => k.outcome.lines));
    if (files.length === 0) return undefined;
    const budget = { concurrency: this.#options.mutationConcurrency ?? 2, timeoutMs: 5_000, runTimeoutMs: this.#options.mutationTimeoutMs ?? 600_000, ...(signal === undefined ? {} : { signal }) };
    try {
      const run = await runMutants(await copy.open(), { files, testFiles, ...budget });
      const measured: NonNullable<UnitTestGeneratorStats['mutation']> = { score: run.score.mutationScore, scoreOnCovered: run.score.mutationScoreBasedOnCoveredCode, mutants: run.score.valid, files, runner: run.testRunner, durationMs: run.durationMs };
      const own = target.profile.testFiles;
      if (own.length > 0) {
        try {
          const base = await runMutants(await copy.open(), { files, testFiles: own, ...budget });
          measured.ownSuite = { score: base.score.mutationScore, scoreOnCovered: base.score.mutationScoreBasedOnCoveredCode, mutants: base.score.valid, durationMs: base.durationMs };
        } catch (error) {
          if (error instanceof AgentError && error.code === 'ABORTED') throw error;
          notes.push(`mutation score of the project's own suite not measured: ${error instanceof Error ? error.message.slice(0, 300) : String(error)}`);
        }
      }
      return measured;
    } catch (error) {
      if (error instanceof AgentError && error.code === 'ABORTED') throw error;
      notes.push(`mutation score not measured: ${error instanceof Error ? error.message.slice(0, 300) : String(error)}`);
      return undefined;
    }
  }

  #baseline(target: Target, signal: AbortSignal | undefined): Promise<SuiteRun | AgentError> {
    let run = this.#baselines.get(target);
    if (run === undefined) {
      run = (this.#options.runSuite ?? runSuite)(target, { coverage: true, timeoutMs: this.#options.suiteTimeoutMs ?? 180_000, ...(signal === undefined ? {} : { signal }) }).catch((error: unknown) => {
        if (error instanceof AgentError && error.code === 'ABORTED') throw error;
        return AgentError.from(error, 'TOOL_FAILED');
      });
      this.#baselines.set(target, run);
    }
    return run;
  }
}

const pct = (x: number): string => `${(x * 100).toFixed(1)} %`;

/** Line keys of a case's function body (its declaration line excluded). */
function bodyLines(c: UnitCase): string[] {
  const keys: string[] = [];
  for (let line = c.subject.line + 1; line <= c.subject.endLine; line += 1) keys.push(`${c.subject.file}:${line}`);
  return keys;
}

function defectFinding(k: CandidateTest, runner: string): Finding {
  const v = k.verdict as Extract<Verdict, { kind: 'defect' }>;
  const c = k.case;
  const observed = k.outcome.status === 'threw' ? `throws ${k.outcome.error?.name}: ${k.outcome.error?.message}` : `returns ${k.outcome.literal ?? String(k.outcome.type)}`;
  return {
    kind: 'logic-bug',
    severity: v.violation.severity,
    location: { file: c.subject.file, line: c.subject.line },
    message: `${c.subject.name}: ${c.setup.length > 0 ? `after ${c.setup.join(' ')} ` : ''}${c.act} ${observed}; expected ${v.violation.expected}`,
    evidence: `input: ${c.act}${c.setup.length > 0 ? ` (setup: ${c.setup.join(' ')})` : ''}; observed: ${observed}; reproduce: the generated ${runner} test "${c.title}" fails on the current code`,
    confidence: v.violation.confidence,
    rule: `unit-test-generator/${v.violation.rule}`,
    verified: `the generated ${runner} test "${c.title}" fails on the current code: ${c.act} ${observed}`,
  };
}

/**
 * A function of a module the project suite loads, none of whose body lines the suite executed,
 * that a kept generated test reaches: the gap the generated tests show (and close).
 */
function gapFindings(kept: readonly CandidateTest[], base: { covered: Set<string>; all: Set<string> }, after: Set<string>): Finding[] {
  const out: Finding[] = [];
  const seen = new Set<string>();
  for (const { case: c, verdict } of kept) {
    if (verdict.kind !== 'characterise' || seen.has(`${c.subject.file}:${c.subject.line}`)) continue;
    const body = bodyLines(c).filter((k) => base.all.has(k));
    const moduleTested = [...base.covered].some((k) => k.startsWith(`${c.subject.file}:`));
    if (body.length === 0 || !moduleTested || body.some((k) => base.covered.has(k)) || !body.some((k) => after.has(k))) continue;
    seen.add(`${c.subject.file}:${c.subject.line}`);
    out.push({
      kind: 'coverage-gap',
      severity: 'low',
      location: { file: c.subject.file, line: c.subject.line, endLine: c.subject.endLine },
      message: `${c.subject.name} is never executed by the project's tests although its module is; the generated test "${c.title}" covers it`,
      evidence: `project suite: 0 of ${body.length} body lines executed; generated: ${c.act}`,
      confidence: 0.9,
      rule: 'unit-test-generator/untested-function',
    });
  }
  return out;
}
