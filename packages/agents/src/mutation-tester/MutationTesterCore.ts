import { AgentError } from '../kit/agent/AgentError.js';
import { findStrategy } from '../kit/agent/AgentCore.js';
import type { AgentCore, AgentReport, AgentRunOptions, AgentStrategy, SkippedSurface } from '../kit/agent/AgentCore.js';
import type { Finding } from '../kit/findings/Finding.js';
import { runMutants } from '../kit/mutation/runMutants.js';
import type { MutantInfo, MutantsRun, RunMutantsOptions } from '../kit/mutation/runMutants.js';
import type { MutationScore } from '../kit/mutation/mutationScore.js';
import { noSuiteReason } from '../kit/suite/detectRunner.js';
import { relatedTestFiles } from '../kit/suite/relatedTestFiles.js';
import { changedFiles } from '../kit/target/gitChanges.js';
import type { Target } from '../kit/target/Target.js';
import { DEFAULT_WEAK_TEST_RULE, weakTests } from './weakTests.js';
import type { WeakTest, WeakTestRule } from './weakTests.js';

/** What a mutation-tester strategy mutates. */
export interface MutationTesterConfig {
  scope: 'changed' | 'sample' | 'all';
  /** Files mutated by `sample`. */
  sampleSize?: number;
  /** Stryker's incremental mode (results of unchanged mutants reused from `.qe-fleet/stryker-incremental.json`). */
  incremental?: boolean;
}

/** The mutation-tester's strategies. */
export const MUTATION_TESTER_STRATEGIES: readonly AgentStrategy<MutationTesterConfig>[] = [
  { name: 'changed-files', description: 'mutate the source files changed against git HEAD', config: { scope: 'changed' } },
  { name: 'file-sample', description: 'mutate a random sample of 2 tested source files', config: { scope: 'sample', sampleSize: 2 } },
  { name: 'full', description: 'mutate every tested source file', config: { scope: 'all' } },
  { name: 'incremental', description: "every tested source file with Stryker's incremental mode: unchanged code and tests reuse the last verdicts", config: { scope: 'all', incremental: true } },
];

/** A mutation-tester report: the standard one plus Stryker's figures. */
export interface MutationTesterReport extends AgentReport {
  stats?: {
    score: MutationScore;
    testRunner: string;
    perTest: boolean;
    mutatedFiles: string[];
    /** `false` when the time budget stopped Stryker before every planned mutant was tested. */
    complete: boolean;
    /** Mutants Stryker planned (all were tested when `complete`). */
    planned: number;
    survivors: number;
    weakTests: number;
    mutantsPerMinute: number;
    strykerMs: number;
    strykerConfig: Record<string, unknown>;
  };
  weakTests?: WeakTest[];
}

/** Options of `MutationTesterCore`. */
export interface MutationTesterCoreOptions {
  /** Random source for `file-sample` (default `Math.random`). */
  random?: () => number;
  /** Restricts the files any strategy may mutate (relative paths), e.g. to keep a run small. */
  candidates?: string[];
  /** Stryker's test runner processes (default 2). */
  concurrency?: number;
  weakTestRule?: WeakTestRule;
  /** The Stryker wrapper (default kit `runMutants`); tests inject one. */
  runMutants?: (target: Target, options: RunMutantsOptions) => Promise<MutantsRun>;
}

/**
 * Mutation testing of the project's own suite with StrykerJS (kit `runMutants`): tests that
 * execute mutants without detecting them are `weak-assertion` findings at the test; surviving
 * mutants no weak test explains are findings at their own line; the mutation score is measured.
 */
export class MutationTesterCore implements AgentCore {
  readonly id = 'mutation-tester';
  readonly strategies = MUTATION_TESTER_STRATEGIES;
  readonly #options: MutationTesterCoreOptions;

  constructor(options: MutationTesterCoreOptions = {}) {
    this.#options = options;
  }

  notApplicable(target: Target): string | undefined {
    if (target.profile.files.length === 0) return 'no JavaScript or TypeScript sources to mutate';
    return noSuiteReason(target, 'mutants need a suite to be judged by');
  }

  async run(target: Target, strategyName: string, options: AgentRunOptions = {}): Promise<MutationTesterReport> {
    const strategy = findStrategy(this, strategyName);
    const started = Date.now();
    const reason = this.notApplicable(target);
    if (reason !== undefined) throw new AgentError('UNSUPPORTED_TARGET', `not applicable: ${reason}`);
    const notes: string[] = [];
    const skipped: SkippedSurface[] = [];
    const sources = target.profile.files.map((f) => f.path).filter((f) => this.#options.candidates === undefined || this.#options.candidates.includes(f));
    // Mutating a file no test reaches only yields "no coverage": that is the coverage-analyzer's finding.
    const tested = sources.filter((f) => relatedTestFiles(target.dir, target.profile.testFiles, [f]).length > 0);
    const candidates = tested.length > 0 ? tested : sources;
    if (tested.length > 0 && tested.length < sources.length) notes.push(`${sources.length - tested.length} source file(s) no test imports were not mutated`);
    let files: string[];
    if (strategy.config.scope === 'changed') {
      const changed = await changedFiles(target.dir, candidates, options.signal);
      if (changed.skipped !== undefined) skipped.push(changed.skipped);
      files = changed.files;
    } else if (strategy.config.scope === 'sample') {
      files = sample(candidates, strategy.config.sampleSize ?? 2, this.#options.random ?? Math.random);
    } else files = candidates;
    if (files.length === 0) {
      notes.push('nothing to mutate');
      return { agentId: this.id, strategy: strategy.name, target: target.dir, findings: [], durationMs: Date.now() - started, coverage: 0, notes, skipped, measure: { name: 'mutation score per minute', value: 0 } };
    }
    // Stryker is stopped with a tenth of the caller's budget left, for the report and what the caller does with it.
    const stopAfterMs = options.timeBudgetMs === undefined ? undefined : Math.max(1, Math.round(options.timeBudgetMs * 0.9 - (Date.now() - started)));
    const run = await (this.#options.runMutants ?? runMutants)(target, {
      files,
      ...(stopAfterMs === undefined ? {} : { stop: AbortSignal.timeout(stopAfterMs) }),
      ...(strategy.config.incremental === true ? { incremental: true } : {}),
      ...(this.#options.concurrency === undefined ? {} : { concurrency: this.#options.concurrency }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    notes.push(...run.notes);
    const { weak, unattributed } = weakTests(run.mutants, run.tests, this.#options.weakTestRule ?? DEFAULT_WEAK_TEST_RULE);
    const reproduce = `npx stryker run (mutate ${files.join(', ')}; testRunner ${String(run.strykerConfig['testRunner'])})`;
    const findings = [...weak.map((w) => weakFinding(w, reproduce)), ...survivorFindings(unattributed, run, reproduce)];
    const score = run.score;
    const minutes = Math.max(run.durationMs, 1) / 60_000;
    const survivors = run.mutants.filter((m) => m.status === 'Survived').length;
    notes.push(
      `mutation score ${format(score.mutationScore)} % (${score.killed} killed, ${score.timeout} timed out, ${score.survived} survived, ${score.noCoverage} without coverage, ${score.errors} errors) over ${files.length} file(s) in ${Math.round(run.durationMs / 1000)} s; ${weak.length} weak test(s)`,
    );
    const planned = Object.values(run.planned).reduce((a, b) => a + b, 0);
    if (!run.complete) {
      const perFile = Object.entries(run.planned).map(([file, n]) => `${file} ${run.mutants.filter((m) => m.file === file).length}/${n}`);
      notes.push(`time budget reached: Stryker was stopped after ${run.mutants.length} of ${planned} mutants (${perFile.join(', ')}); the score is over the mutants tested`);
      skipped.push({ surface: 'mutants', reason: `${planned - run.mutants.length} of ${planned} mutants were not tested within the time budget (${Math.round((stopAfterMs ?? 0) / 1000)} s)` });
    }
    if (!run.perTest && survivors > 0) notes.push(`${run.testRunner} gives no per-test coverage: survivors are reported at their own line`);
    if (score.valid === 0) skipped.push({ surface: 'mutants', reason: 'Stryker made no valid mutant in the chosen files' });
    const fraction = Number.isNaN(score.mutationScore) ? 0 : score.mutationScore / 100;
    return {
      agentId: this.id,
      strategy: strategy.name,
      target: target.dir,
      findings,
      durationMs: Date.now() - started,
      coverage: candidates.length === 0 ? 0 : (files.length / candidates.length) * (planned === 0 ? 1 : run.mutants.length / planned),
      notes,
      ...(skipped.length === 0 ? {} : { skipped }),
      measure: { name: 'mutation score per minute', value: Math.min(1, fraction / Math.max(1, minutes)) },
      stats: {
        score,
        testRunner: run.testRunner,
        perTest: run.perTest,
        mutatedFiles: files,
        complete: run.complete,
        planned,
        survivors,
        weakTests: weak.length,
        mutantsPerMinute: score.valid / minutes,
        strykerMs: run.durationMs,
        strykerConfig: run.strykerConfig,
      },
      weakTests: weak,
    };
  }
}

function format(n: number): string {
  return Number.isNaN(n) ? 'n/a' : n.toFixed(2);
}

function sample<T>(items: readonly T[], size: number, random: () => number): T[] {
  const pool = [...items];
  for (let i = pool.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, size);
}

function describeMutant(m: MutantInfo): string {
  return `${m.file}:${m.line} ${m.mutator} → ${m.replacement.replace(/\s+/g, ' ').slice(0, 80)}`;
}

function weakFinding(w: WeakTest, reproduce: string): Finding {
  return {
    kind: 'weak-assertion',
    severity: 'medium',
    location: { test: w.test.file, name: w.test.name },
    message: `"${w.test.name}" executes ${w.covered} mutants and detects ${w.killed} (${Math.round(w.killRatio * 100)} %): its assertions do not pin the result down; ${w.survivors.length} survive no test`,
    evidence: [`surviving: ${w.survivors.slice(0, 5).map(describeMutant).join('; ')}${w.survivors.length > 5 ? '; …' : ''}`, `reproduce: ${reproduce}`].join('; '),
    confidence: 0.8,
    rule: 'mutation-tester/weak-test',
    verified: `StrykerJS ran the mutants and the test passed with them: ${reproduce}`,
  };
}

function survivorFindings(survivors: readonly MutantInfo[], run: MutantsRun, reproduce: string): Finding[] {
  const names = new Map(run.tests.map((t) => [t.id, t.name]));
  const byLine = new Map<string, MutantInfo[]>();
  for (const m of survivors) byLine.set(`${m.file}:${m.line}`, [...(byLine.get(`${m.file}:${m.line}`) ?? []), m]);
  return [...byLine.values()].map((group) => {
    const first = group[0]!;
    const covering = [...new Set(group.flatMap((m) => m.coveredBy ?? []))].map((id) => names.get(id) ?? id);
    const who = !run.perTest ? 'the suite passes with it' : covering.length === 0 ? 'no test names it' : `executed by ${covering.slice(0, 3).map((n) => `"${n}"`).join(', ')}${covering.length > 3 ? ', …' : ''}, which all pass`;
    return {
      kind: 'weak-assertion',
      severity: 'low',
      location: { file: first.file, line: first.line },
      message: `${group.length} mutant(s) survive on line ${first.line}: ${group.map((m) => `${m.mutator} → ${m.replacement.replace(/\s+/g, ' ').slice(0, 40)}`).join('; ')} (${who})`,
      evidence: `mutants ${group.map((m) => m.id).join(', ')}; reproduce: ${reproduce}`,
      confidence: 0.5,
      rule: 'mutation-tester/surviving-mutant',
      verified: `StrykerJS ran the mutants and the suite passed with them: ${reproduce}`,
    } satisfies Finding;
  });
}
