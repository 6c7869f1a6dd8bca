import { createRandom } from '@qe-fleet/learning-core';
import { findStrategy } from '../kit/agent/AgentCore.js';
import type { AgentCore, AgentReport, AgentRunOptions, AgentStrategy, SkippedSurface } from '../kit/agent/AgentCore.js';
import { AgentError } from '../kit/agent/AgentError.js';
import { runMutants } from '../kit/mutation/runMutants.js';
import type { MutantsRun, RunMutantsOptions } from '../kit/mutation/runMutants.js';
import { noSuiteReason } from '../kit/suite/detectRunner.js';
import { runSuite, suiteRunnerOf } from '../kit/suite/runSuite.js';
import type { RunSuiteOptions, SuiteRun } from '../kit/suite/SuiteRun.js';
import type { Target } from '../kit/target/Target.js';
import { changedLines, coveredLines } from './changedLines.js';
import type { ChangedLines } from './changedLines.js';
import { changedRanges, mutantFaults, weakByMutants } from './mutantFaults.js';
import type { LocatedFault } from './mutantFaults.js';
import { assertionSubsumers, findRedundant, testKey } from './findRedundant.js';
import { optimiserFindings } from './optimiserFindings.js';
import { apfd, minimalDetectingSet, prioritise, randomApfd } from './prioritise.js';
import type { TestFacts } from './prioritise.js';
import { readTests } from './readTests.js';
import { degrade, namePattern, reproducible } from './suiteHelpers.js';
import type { TestSource } from './readTests.js';
import { FileTestHistory, recordRun } from './TestHistory.js';
import type { TestHistoryData, TestHistoryStore } from './TestHistory.js';

/** Knobs of a test-optimizer strategy. */
export interface TestOptimizerConfig {
  /** Per-test coverage for all tests (`all`), only for the static candidates (`candidates`), or per test file. */
  coverage: 'all' | 'candidates' | 'file';
  redundancy: boolean;
  prioritise: boolean;
  selectChanged: boolean;
  /** StrykerJS mutants as faults (kit/mutation): none, only in the changed lines, or everywhere. */
  mutants: 'none' | 'changed' | 'all';
}

/** The strategies: what is analysed, so how many suite runs. */
export const TEST_OPTIMIZER_STRATEGIES: readonly AgentStrategy<TestOptimizerConfig>[] = [
  { name: 'redundancy', description: 'redundant, order-dependent and weak tests: per-test coverage only for the tests static analysis makes candidates', config: { coverage: 'candidates', redundancy: true, prioritise: false, selectChanged: false, mutants: 'none' } },
  { name: 'prioritise', description: 'an order that finds faults sooner (history first, then additional coverage per ms), with its APFD against the original and random orders', config: { coverage: 'file', redundancy: false, prioritise: true, selectChanged: false, mutants: 'all' } },
  { name: 'select-changed', description: 'the tests a change set (git diff against the base ref) needs, and the smallest set that still detects every fault in the changed code', config: { coverage: 'file', redundancy: false, prioritise: false, selectChanged: true, mutants: 'changed' } },
  { name: 'full', description: 'everything, with per-test coverage of every test and mutants everywhere (weak tests: those that kill no mutant they run)', config: { coverage: 'all', redundancy: true, prioritise: true, selectChanged: true, mutants: 'all' } },
];

/** Faults of catalogued kinds a test can reveal by running the faulty line. */
const FAULT_KINDS = new Set(['logic-bug', 'unawaited-promise', 'prototype-pollution', 'code-injection', 'command-injection', 'xss', 'perf-quadratic']);


/** Options of `TestOptimizerCore`. */
export interface TestOptimizerCoreOptions {
  /** Where test timings and failures persist between runs (default: `.qe-fleet/test-history.json` in the target). */
  history?: TestHistoryStore;
  /** Base of the change set (default `HEAD`: the uncommitted changes). */
  baseRef?: string;
  /** The mutation runner (default kit/mutation's `runMutants`; tests inject one). */
  runMutants?: (target: Target, options: RunMutantsOptions) => Promise<MutantsRun>;
  /** Seeded random source for the random-order baseline. */
  random?: () => number;
  now?: () => Date;
  /** At most this many per-test coverage runs (default 60); tests beyond them are not judged redundant, and have per-file coverage. */
  maxPerTestRuns?: number;
  /** Timeout of each suite run (default 300 000 ms). */
  timeoutMs?: number;
  /** The suite runner (tests inject one). */
  runSuite?: (target: Target, options: RunSuiteOptions) => Promise<SuiteRun>;
}

/** APFD of three orders against one set of faults. */
export interface ApfdFigures {
  faultSource: string;
  faults: number;
  prioritised?: number;
  original?: number;
  random?: number;
}

/** What a selection for a change set keeps and saves. */
export interface SelectionFigures {
  base: string;
  changedLines: number;
  selected: string[];
  /** The smallest subset still detecting every fault in the changed code (when faults are known). */
  minimal?: string[];
  testShare: number;
  timeSaved: number;
  faultsInChange: number;
  /** Share of the faults in the changed code that the selection (minimal when known) still detects. */
  faultsCaught?: number;
}

/** The test-optimizer's report: findings plus the order and selection it measured. */
export interface TestOptimizerReport extends AgentReport {
  tests: number;
  suiteRuns: number;
  order?: string[];
  apfd?: ApfdFigures[];
  selection?: SelectionFigures;
}

/**
 * Optimises a project's own suite from per-test coverage (kit/suite under V8 coverage) and the
 * history of earlier runs: redundant tests, tests that fail alone (order-dependent), tests whose
 * assertions compare nothing, a prioritised order measured by APFD, and the selection a change
 * set needs.
 */
export class TestOptimizerCore implements AgentCore {
  readonly id = 'test-optimizer';
  readonly strategies = TEST_OPTIMIZER_STRATEGIES;
  readonly #options: TestOptimizerCoreOptions;

  constructor(options: TestOptimizerCoreOptions = {}) {
    this.#options = options;
  }

  notApplicable(target: Target): string | undefined {
    return noSuiteReason(target, 'there is no suite to optimise');
  }

  async run(target: Target, strategyName: string, options: AgentRunOptions = {}): Promise<TestOptimizerReport> {
    const strategy = findStrategy(this, strategyName);
    const config = strategy.config;
    const started = Date.now();
    const notes: string[] = [];
    const skipped: SkippedSurface[] = [];
    const signal = options.signal;
    let suiteRuns = 0;
    const suite = async (o: RunSuiteOptions): Promise<SuiteRun> => {
      suiteRuns++;
      return (this.#options.runSuite ?? runSuite)(target, { timeoutMs: this.#options.timeoutMs ?? 300_000, ...o, ...(signal === undefined ? {} : { signal }) });
    };

    const runner = suiteRunnerOf(target);
    const sources = await readTests(target.dir, target.profile.testFiles);
    const baseline = await suite({});
    // Table-driven suites repeat names: the second "x" becomes "x #2", so every test has its own key.
    const seen = new Map<string, number>();
    const results = baseline.tests
      .filter((t) => t.status !== 'skipped')
      .map((t) => {
        const n = (seen.get(testKey(t)) ?? 0) + 1;
        seen.set(testKey(t), n);
        return n === 1 ? t : { ...t, name: `${t.name} #${n}` };
      });
    if (results.length === 0) throw new AgentError('TOOL_FAILED', `the suite reported no test that ran (${baseline.command})`);
    const original = results.map(testKey);
    const passed = new Set(results.filter((t) => t.status === 'passed').map(testKey));
    const bySource = new Map(sources.map((s) => [testKey(s), s]));
    notes.push(`${results.length} tests ran (${results.filter((t) => t.status === 'passed').length} passed) with \`${baseline.command}\` in ${baseline.durationMs} ms; ${sources.length} test cases read from ${target.profile.testFiles.length} files`);

    const store = this.#options.history ?? new FileTestHistory();
    const history = await store.load(target.dir);
    const facts = new Map<string, TestFacts>(
      results.map((t) => {
        const key = testKey(t);
        const h = history[key];
        return [key, { key, covered: new Set<string>(), durationMs: h && h.runs > 0 ? h.totalMs / h.runs : (t.durationMs ?? 0), failureRate: h && h.runs > 0 ? h.failures / h.runs : 0 }];
      }),
    );
    if (Object.keys(history).length > 0) notes.push(`history of ${Object.keys(history).length} tests from earlier runs`);

    // Coverage per test where asked, for at most `maxPerTestRuns` tests; per file for ordering and selection.
    // Only coverage measured per test may call a test redundant: under per-file coverage every test of a file "covers" the same lines.
    const perTestCoverage = new Map<string, Set<string>>();
    const candidates = config.coverage === 'candidates' ? candidateTests(sources) : results.map((t) => bySource.get(testKey(t)) ?? { file: t.file, name: t.name, title: t.title });
    const limit = this.#options.maxPerTestRuns ?? 60;
    const measured = config.coverage === 'file' ? [] : candidates.slice(0, limit);
    if (measured.length < candidates.length && config.coverage !== 'file') {
      notes.push(`per-test coverage for ${measured.length} of ${candidates.length} candidate tests (at most ${limit} runs): the other ${candidates.length - measured.length} are not judged redundant or not`);
    }
    const notAlone: string[] = [];
    for (const t of measured) {
      const run = await degrade(suite({ files: [t.file], testNamePattern: namePattern(t.title, runner), coverage: true }), `coverage of "${t.name}"`, notes);
      if (run?.coverage === undefined) continue;
      // Other tests ran beside it (a runner that cannot select one test, such as tape, or a filter
      // matching more titles): that coverage is not the test's own.
      if (run.tests.filter((r) => r.status !== 'skipped').length > 1) notAlone.push(t.name);
      else perTestCoverage.set(testKey(t), coveredLines(run.coverage, target.dir));
    }
    if (notAlone.length > 0) notes.push(`no per-test coverage for ${notAlone.length} tests: the runner ran other tests beside each (e.g. "${notAlone[0]}"), so they are not judged redundant or not`);
    // What each test covers for ordering and selection: its own lines where measured, else its file's.
    const coverage = new Map(perTestCoverage);
    if (measured.length < candidates.length || config.prioritise || config.selectChanged) {
      const files = [...new Set(results.map((t) => t.file))];
      for (const file of files) {
        if (results.filter((t) => t.file === file).every((t) => coverage.has(testKey(t)))) continue;
        const run = await degrade(suite({ files: [file], coverage: true }), `coverage of ${file}`, notes);
        if (run?.coverage === undefined) continue;
        const lines = coveredLines(run.coverage, target.dir);
        for (const t of results.filter((r) => r.file === file)) if (!coverage.has(testKey(t))) coverage.set(testKey(t), lines);
      }
    }
    for (const [key, lines] of coverage) {
      const f = facts.get(key);
      if (f !== undefined) f.covered = lines;
    }

    // The change set first: the mutants of `select-changed` are only those in the changed lines.
    const changed = config.selectChanged ? await this.#changed(target, signal, skipped) : undefined;
    // Stryker gets at most 60 % of the budget left at this point (with a tenth of the whole kept for the report):
    // the order-dependence runs and the report come after it.
    const stopAfterMs = options.timeBudgetMs === undefined ? undefined : Math.max(1, Math.round(0.6 * (options.timeBudgetMs * 0.9 - (Date.now() - started))));
    const mutants = await this.#mutants(target, config, changed, facts, { signal, stopAfterMs }, notes, skipped);
    const faultSets = this.#faults(target, original, facts, history, mutants, notes);

    const findingsInput: Parameters<typeof optimiserFindings>[0] = { redundant: [], orderDependent: [], weak: [], command: baseline.command };
    if (config.redundancy) {
      findingsInput.redundant = findRedundant(sources, perTestCoverage, passed);
      findingsInput.orderDependent = await this.#orderDependent(sources, passed, suite, runner, notes);
      // Mutants decide where they ran: a test that kills none of the mutants it runs is weak whatever it asserts.
      const byMutants = mutants?.perTest ? weakByMutants(mutants, original) : undefined;
      findingsInput.weak = sources
        .filter((s) => passed.has(testKey(s)))
        .flatMap((s) => {
          const m = byMutants?.get(testKey(s));
          if (m !== undefined && m.covered >= 2 && m.killed === 0) return [{ test: s, mutants: m }];
          // A truthy-only test that still kills most mutants it runs does check something (crashes, types).
          if (s.truthyOnly && (m === undefined || m.killed / Math.max(1, m.covered) < 0.5)) return [{ test: s, ...(m === undefined ? {} : { mutants: m }) }];
          return [];
        });
    }
    const report: TestOptimizerReport = {
      agentId: this.id,
      strategy: strategy.name,
      target: target.dir,
      findings: [],
      durationMs: 0,
      notes,
      tests: results.length,
      suiteRuns: 0,
    };
    const measures: number[] = [];
    // Analysed for redundancy: measured per test, or no candidate at all (a candidate left with per-file coverage was not judged).
    if (config.redundancy) measures.push(results.length === 0 ? 0 : results.filter((t) => perTestCoverage.has(testKey(t)) || !candidates.some((c) => testKey(c) === testKey(t))).length / results.length);
    if (config.prioritise) {
      const order = prioritise([...facts.values()]);
      report.order = order;
      // Seeded, so the random baseline is reproducible.
      const random = this.#options.random ?? createRandom(1);
      report.apfd = faultSets.map((set) => ({
        faultSource: set.name,
        faults: set.faults.length,
        ...optional('prioritised', apfd(order, set.faults)),
        ...optional('original', apfd(original, set.faults)),
        ...optional('random', randomApfd(original, set.faults, random)),
      }));
      const main = report.apfd.find((a) => a.prioritised !== undefined);
      if (main?.prioritised !== undefined) measures.push(main.prioritised);
      else skipped.push({ surface: 'APFD', reason: 'no fault any test detects: no mutants, no catalogued defect a test reaches, no failure in the history' });
    }
    if (config.selectChanged) {
      const selection = changed === undefined ? undefined : this.#select(changed, facts, faultSets[0]?.faults ?? []);
      if (selection !== undefined) {
        report.selection = selection;
        measures.push((selection.faultsCaught ?? 1) * (0.5 + 0.5 * selection.timeSaved));
      }
    }
    report.findings = optimiserFindings(findingsInput);
    await store.save(target.dir, recordRun(history, results.map((t) => ({ key: testKey(t), status: t.status, ...(t.durationMs === undefined ? {} : { durationMs: t.durationMs }) })), (this.#options.now ?? (() => new Date()))()));
    report.suiteRuns = suiteRuns;
    report.durationMs = Date.now() - started;
    if (skipped.length > 0) report.skipped = skipped;
    if (measures.length > 0) report.measure = { name: measureName(config), value: measures.reduce((s, v) => s + v, 0) / measures.length };
    report.coverage = results.filter((t) => coverage.has(testKey(t))).length / results.length;
    return report;
  }

  /** Changed source lines against the base ref, or undefined (with the reason in `skipped`). */
  async #changed(target: Target, signal: AbortSignal | undefined, skipped: SkippedSurface[]): Promise<{ base: string; lines: ChangedLines } | undefined> {
    const base = this.#options.baseRef ?? 'HEAD';
    if (!target.profile.gitWorkTree) {
      skipped.push({ surface: 'change-set selection', reason: 'the target is not in a git work tree' });
      return undefined;
    }
    try {
      const all = await changedLines(target.dir, base, signal);
      const sources = new Set(target.profile.files.map((f) => f.path));
      const lines: ChangedLines = new Map([...all].filter(([file]) => sources.has(file)));
      if (lines.size === 0) {
        skipped.push({ surface: 'change-set selection', reason: `no source line changed against ${base}` });
        return undefined;
      }
      return { base, lines };
    } catch (error) {
      skipped.push({ surface: 'change-set selection', reason: AgentError.from(error).message });
      return undefined;
    }
  }

  /** StrykerJS mutants (kit/mutation) where the strategy asks for them; a failure is a skipped surface. */
  async #mutants(target: Target, config: TestOptimizerConfig, changed: { lines: ChangedLines } | undefined, facts: Map<string, TestFacts>, limits: { signal: AbortSignal | undefined; stopAfterMs: number | undefined }, notes: string[], skipped: SkippedSurface[]): Promise<MutantsRun | undefined> {
    if (config.mutants === 'none' || (config.mutants === 'changed' && changed === undefined)) return undefined;
    // Only code some test runs can be a fault a test detects: files no test loads are left out.
    const loaded = [...new Set([...facts.values()].flatMap((f) => [...f.covered].map((line) => line.slice(0, line.lastIndexOf(':')))))].filter((f) => target.profile.files.some((s) => s.path === f));
    const files = config.mutants === 'changed' && changed !== undefined ? changedRanges(changed.lines, new Set(target.profile.files.map((f) => f.path))) : loaded.length > 0 ? loaded : undefined;
    try {
      const { signal, stopAfterMs } = limits;
      const run = await (this.#options.runMutants ?? runMutants)(target, {
        ...(files === undefined ? {} : { files }),
        ...(signal === undefined ? {} : { signal }),
        ...(stopAfterMs === undefined ? {} : { stop: AbortSignal.timeout(stopAfterMs) }),
      });
      notes.push(`${run.mutants.length} mutants (${run.testRunner}${run.perTest ? ', per-test' : ', no per-test data'}) in ${run.durationMs} ms; mutation score ${JSON.stringify(run.score)}`);
      if (!run.complete) {
        const planned = Object.values(run.planned).reduce((a, b) => a + b, 0);
        skipped.push({ surface: 'mutants', reason: `${planned - run.mutants.length} of ${planned} mutants were not tested within the time budget (${Math.round((stopAfterMs ?? 0) / 1000)} s for Stryker): the mutant faults are those of the ${run.mutants.length} tested` });
      }
      if (!run.perTest) skipped.push({ surface: 'mutants per test', reason: `${run.testRunner} reports one verdict per mutant, not which test killed it` });
      return run;
    } catch (error) {
      const e = AgentError.from(error);
      if (e.code === 'ABORTED') throw e;
      // Stryker's message ends with a stack; its first lines say what failed.
      skipped.push({ surface: 'mutants', reason: e.message.replace(/\x1B\[[0-9;]*m/g, '').split('\n').filter((l) => !/^\s+at /.test(l)).join(' ').replace(/\s+/g, ' ').slice(0, 400) });
      return undefined;
    }
  }

  /** Fault sets, most telling first: mutants, catalogued defects the tests reach, failures in the history. */
  #faults(target: Target, tests: string[], facts: Map<string, TestFacts>, history: TestHistoryData, mutants: MutantsRun | undefined, notes: string[]): Array<{ name: string; faults: LocatedFault[] }> {
    const sets: Array<{ name: string; faults: LocatedFault[] }> = [];
    if (mutants?.perTest) {
      const m = mutantFaults(mutants, tests);
      if (m.faults.length > 0) sets.push({ name: 'killed mutants (StrykerJS)', faults: m.faults });
      if (m.unmapped > 0) notes.push(`${m.unmapped} killed mutants name tests the suite run did not report`);
    }
    const catalogued = (target.catalogue?.defects ?? []).flatMap((d) => {
      if (!FAULT_KINDS.has(d.kind) || !('file' in d.location)) return [];
      const { file, line } = d.location;
      const end = d.location.endLine ?? line;
      const lines = Array.from({ length: end - line + 1 }, (_, i) => line + i);
      const detectedBy = new Set([...facts.values()].filter((f) => lines.some((l) => f.covered.has(`${file}:${l}`))).map((f) => f.key));
      return [{ id: d.id, detectedBy, file, lines }];
    });
    if (catalogued.length > 0) sets.push({ name: 'catalogued defects (a test detects one when it runs its line)', faults: catalogued });
    const failed = Object.entries(history).filter(([key, h]) => h.failures > 0 && facts.has(key));
    if (failed.length > 0) sets.push({ name: 'failures in the history', faults: failed.map(([key]) => ({ id: `history:${key}`, detectedBy: new Set([key]) })) });
    notes.push(`faults for APFD and selection: ${sets.map((s) => `${s.faults.length} ${s.name}`).join('; ') || 'none'}`);
    return sets;
  }

  async #orderDependent(sources: TestSource[], passed: Set<string>, suite: (o: RunSuiteOptions) => Promise<SuiteRun>, runner: string | undefined, notes: string[]): Promise<Array<{ test: TestSource; runs: number; message: string; command: string }>> {
    const out: Array<{ test: TestSource; runs: number; message: string; command: string }> = [];
    // A test can depend on order when it uses the file's shared state after an earlier test did.
    const candidates = sources.filter((t) => passed.has(testKey(t)) && t.shared.some((name) => sources.some((u) => u.file === t.file && u.index < t.index && u.shared.includes(name))));
    for (const t of candidates) {
      let failures = 0;
      let last: SuiteRun | undefined;
      // Alone, three times: a flaky test does not fail three runs in a row.
      for (let attempt = 0; attempt < 3; attempt++) {
        last = await degrade(suite({ files: [t.file], testNamePattern: namePattern(t.title, runner) }), `"${t.name}" alone`, notes);
        if (last === undefined) break;
        const result = last.tests.find((r) => r.name === t.name || r.title === t.title);
        if (result?.status !== 'failed') break;
        failures++;
      }
      if (failures === 3 && last !== undefined) {
        const result = last.tests.find((r) => r.name === t.name || r.title === t.title);
        out.push({ test: t, runs: 3, message: (result?.failureMessage ?? '').split('\n').filter((l) => l.trim() !== '').slice(0, 3).join(' '), command: reproducible(last.command) });
      }
    }
    return out;
  }

  /** The tests the changed lines need (coverage), and the smallest subset still detecting every fault in them. */
  #select(changed: { base: string; lines: ChangedLines }, facts: Map<string, TestFacts>, faults: readonly LocatedFault[]): SelectionFigures {
    const lines = [...changed.lines].flatMap(([file, set]) => [...set].map((l) => `${file}:${l}`));
    const changedSet = new Set(lines);
    const all = [...facts.values()];
    const selected = all.filter((f) => lines.some((l) => f.covered.has(l)));
    const inChange = faults.filter((f) => f.file !== undefined && (f.lines ?? []).some((l) => changedSet.has(`${f.file}:${l}`)));
    const total = all.reduce((s, f) => s + f.durationMs, 0);
    let kept = selected;
    let minimal: string[] | undefined;
    let caught: number | undefined;
    // Faults the whole suite detects are the ones a selection must keep detecting.
    const detectable = inChange.filter((f) => [...f.detectedBy].some((k) => facts.has(k)));
    if (detectable.length > 0) {
      const cover = minimalDetectingSet(selected, detectable);
      minimal = cover.selected;
      kept = selected.filter((f) => minimal?.includes(f.key));
      caught = (detectable.length - cover.undetected.length) / detectable.length;
    }
    const keptTime = kept.reduce((s, f) => s + f.durationMs, 0);
    return {
      base: changed.base,
      changedLines: lines.length,
      selected: selected.map((f) => f.key),
      ...(minimal === undefined ? {} : { minimal }),
      testShare: kept.length / Math.max(1, all.length),
      timeSaved: total === 0 ? 0 : 1 - keptTime / total,
      faultsInChange: detectable.length,
      ...(caught === undefined ? {} : { faultsCaught: caught }),
    };
  }
}

/** Tests worth a per-test coverage run: those whose assertions another test repeats, and those tests. */
function candidateTests(sources: readonly TestSource[]): TestSource[] {
  const out = new Set<TestSource>();
  for (const [a, by] of assertionSubsumers(sources)) {
    out.add(a);
    for (const b of by) out.add(b);
  }
  return [...out];
}

function optional<K extends string>(key: K, value: number | undefined): Partial<Record<K, number>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, number>);
}

function measureName(config: TestOptimizerConfig): string {
  if (config.redundancy && config.prioritise) return 'mean of analysed share, APFD and selection value';
  if (config.prioritise) return 'APFD of the prioritised order';
  if (config.selectChanged) return 'faults still caught x (0.5 + 0.5 x time saved)';
  return 'share of tests analysed';
}

