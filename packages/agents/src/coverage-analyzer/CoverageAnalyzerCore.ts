import { AgentError } from '../kit/agent/AgentError.js';
import { findStrategy } from '../kit/agent/AgentCore.js';
import type { AgentCore, AgentReport, AgentRunOptions, AgentStrategy, SkippedSurface } from '../kit/agent/AgentCore.js';
import type { Finding } from '../kit/findings/Finding.js';
import { noSuiteReason } from '../kit/suite/detectRunner.js';
import { relatedTestFiles } from '../kit/suite/relatedTestFiles.js';
import { runSuite } from '../kit/suite/runSuite.js';
import type { SuiteRunWithSummary } from '../kit/suite/runSuite.js';
import { summarizeCoverage } from '../kit/suite/suiteCoverage.js';
import type { CoverageSummary } from '../kit/suite/suiteCoverage.js';
import type { RunSuiteOptions } from '../kit/suite/SuiteRun.js';
import type { Target } from '../kit/target/Target.js';
import { changedFiles, lastChanged } from '../kit/target/gitChanges.js';
import { extractTargetExports } from '../kit/typescript/extractTargetExports.js';
import { coverageGaps } from './coverageGaps.js';
import type { CoverageGap } from './coverageGaps.js';
import { lineRanges, RECENT_DAYS, rankGap } from './rankGaps.js';
import type { GapRisk } from './rankGaps.js';

/** What a coverage-analyzer strategy does. */
export interface CoverageAnalyzerConfig {
  /** Gap kinds reported. */
  kinds: ReadonlyArray<CoverageGap['kind']>;
  /** Only files changed against git HEAD, measured with the tests that import them. */
  changedOnly: boolean;
}

/** The coverage-analyzer's strategies. */
export const COVERAGE_ANALYZER_STRATEGIES: readonly AgentStrategy<CoverageAnalyzerConfig>[] = [
  { name: 'changed-files', description: 'files changed against git HEAD, measured with the tests that import them: every gap kind', config: { kinds: ['file', 'function', 'branches'], changedOnly: true } },
  { name: 'uncovered-functions', description: 'whole suite; files no test loads and functions no test calls', config: { kinds: ['file', 'function'], changedOnly: false } },
  { name: 'full', description: 'whole suite; unloaded files, uncalled functions and untaken branches of called functions', config: { kinds: ['file', 'function', 'branches'], changedOnly: false } },
];

/** The rules, each with its precision estimate (`confidence`). */
const RULES: Record<CoverageGap['kind'], { rule: string; confidence: number }> = {
  file: { rule: 'coverage-analyzer/uncovered-file', confidence: 0.95 },
  function: { rule: 'coverage-analyzer/uncovered-function', confidence: 0.9 },
  branches: { rule: 'coverage-analyzer/untaken-branches', confidence: 0.7 },
};

/** A gap as reported: where, why it matters. */
export interface RankedGap extends CoverageGap {
  risk: GapRisk;
}

/** A coverage-analyzer report: the standard one plus the measured figures and the gaps in risk order. */
export interface CoverageAnalyzerReport extends AgentReport {
  /** Istanbul totals over the analysed source files (what c8's or the runner's text report prints). */
  figures?: CoverageSummary;
  /** The coverage tool's own `json-summary` totals of the same run, for comparison. */
  toolSummary?: CoverageSummary;
  gaps: RankedGap[];
  /** The suite run: command, test counts. */
  suite?: { runner: string; command: string; exitCode: number | null; passed: number; failed: number; skipped: number; durationMs: number };
}

/** Options of `CoverageAnalyzerCore`. */
export interface CoverageAnalyzerCoreOptions {
  /** Milliseconds before the suite run is killed (default 300 000). */
  timeoutMs?: number;
  /** Clock for change recency (default `Date.now`). */
  now?: () => number;
  /** The suite runner (default kit `runSuite`); tests inject one. */
  runSuite?: (target: Target, options: RunSuiteOptions) => Promise<SuiteRunWithSummary>;
}

/**
 * Runs the project's own suite under coverage (kit `runSuite`: c8, vitest's or jest's own provider) and
 * reports what no test executes as `coverage-gap` findings, riskiest first (complexity, public
 * API, recent change), with the coverage figures istanbul computes from the same map the tool's
 * own report is written from.
 */
export class CoverageAnalyzerCore implements AgentCore {
  readonly id = 'coverage-analyzer';
  readonly strategies = COVERAGE_ANALYZER_STRATEGIES;
  readonly #options: CoverageAnalyzerCoreOptions;

  constructor(options: CoverageAnalyzerCoreOptions = {}) {
    this.#options = options;
  }

  notApplicable(target: Target): string | undefined {
    if (target.profile.files.length === 0) return 'no JavaScript or TypeScript sources to measure';
    return noSuiteReason(target, 'there is no suite to measure coverage of');
  }

  async run(target: Target, strategyName: string, options: AgentRunOptions = {}): Promise<CoverageAnalyzerReport> {
    const strategy = findStrategy(this, strategyName);
    const started = Date.now();
    const reason = this.notApplicable(target);
    if (reason !== undefined) throw new AgentError('UNSUPPORTED_TARGET', `not applicable: ${reason}`);
    const notes: string[] = [];
    const skipped: SkippedSurface[] = [];
    const sources = target.profile.files.map((f) => f.path);
    let analysed = sources;
    let testFiles: string[] | undefined;
    if (strategy.config.changedOnly) {
      const changed = await changedFiles(target.dir, sources, options.signal);
      if (changed.skipped !== undefined) skipped.push(changed.skipped);
      analysed = changed.files;
      if (analysed.length === 0) {
        notes.push('no changed source file: nothing measured');
        return { agentId: this.id, strategy: strategy.name, target: target.dir, findings: [], durationMs: Date.now() - started, coverage: 0, notes, skipped, gaps: [], measure: { name: 'uncovered lines located', value: 0 } };
      }
      const related = relatedTestFiles(target.dir, target.profile.testFiles, analysed);
      if (related.length > 0) testFiles = related;
      else notes.push('no test file imports the changed files: the whole suite ran');
    }
    const suiteRun = this.#options.runSuite ?? ((t: Target, o: RunSuiteOptions) => runSuite(t, o));
    const run = await suiteRun(target, {
      coverage: true,
      timeoutMs: this.#options.timeoutMs ?? 300_000,
      ...(testFiles === undefined ? {} : { files: testFiles }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    notes.push(...run.notes);
    if (run.coverage === undefined || Object.keys(run.coverage).length === 0) {
      throw new AgentError('TOOL_FAILED', `the ${run.runner} run produced no coverage of the sources (\`${run.command}\`, exit ${run.exitCode}): ${run.output.slice(-800)}`);
    }
    const passed = run.tests.filter((t) => t.status === 'passed').length;
    const failed = run.tests.filter((t) => t.status === 'failed').length;
    if (failed > 0) notes.push(`${failed} test(s) failed during the run; coverage is what the suite executed anyway`);
    if (run.timedOut) skipped.push({ surface: 'complete suite', reason: `the suite was killed after ${this.#options.timeoutMs ?? 300_000} ms: coverage is partial` });
    const wanted = new Set(analysed);
    const coverage = Object.fromEntries(Object.entries(run.coverage).filter(([key, data]) => wanted.has(relativeTo(target.dir, data.path ?? key))));
    const figures = summarizeCoverage(coverage);
    const toolSummary = run.coverageSummary?.['total'];
    notes.push(`coverage (${run.runner}: ${run.baseCommand}, ${testFiles === undefined ? 'whole suite' : `${testFiles.length} related test file(s)`}): ${describe(figures)}`);
    if (passed > 0 && figures.lines.total > 0 && figures.lines.covered === 0) {
      // Passing tests that execute no line of the sources test something else: the build output
      // (lukeed/tinydate's tests require ../dist/tinydate) or the package as installed. Calling
      // every source file untested would be false; its coverage is not what this run measured.
      skipped.push({ surface: 'coverage of the sources', reason: `${passed} test(s) passed without executing a line of the sources: they load other code (the build output, or the package as installed), whose coverage does not map back to the sources` });
      return { agentId: this.id, strategy: strategy.name, target: target.dir, findings: [], durationMs: Date.now() - started, coverage: 0, notes, skipped, figures, gaps: [], measure: { name: 'uncovered lines located', value: 0 } };
    }
    const ages = await lastChanged(target.dir, RECENT_DAYS, (this.#options.now ?? Date.now)(), options.signal).catch(() => new Map<string, number>());
    const exported = exportsByFile(target);
    const gaps: RankedGap[] = coverageGaps(coverage, target.dir)
      .filter((g) => strategy.config.kinds.includes(g.kind))
      .map((g) => {
        const names = exported.get(g.file) ?? [];
        const own = g.kind === 'file' ? names.map((n) => n.name) : names.filter((n) => n.name === g.name || (n.line >= g.line && n.line <= g.endLine)).map((n) => n.name);
        return { ...g, risk: rankGap(g, own, ages.get(g.file)) };
      })
      .sort((a, b) => b.risk.score - a.risk.score || a.file.localeCompare(b.file) || a.line - b.line);
    const findings = gaps.map((g) => toFinding(g, run));
    const uncovered = coverageGaps(coverage, target.dir).reduce((n, g) => n + g.uncoveredLines.length, 0);
    const located = gaps.reduce((n, g) => n + g.uncoveredLines.length, 0);
    return {
      agentId: this.id,
      strategy: strategy.name,
      target: target.dir,
      findings,
      durationMs: Date.now() - started,
      coverage: analysed.length === 0 ? 0 : Object.keys(coverage).length / analysed.length,
      notes,
      ...(skipped.length === 0 ? {} : { skipped }),
      // The share of the never-executed lines the findings point at: 1 when every uncovered line is in a reported gap.
      measure: { name: 'uncovered lines located', value: uncovered === 0 ? 1 : located / uncovered },
      figures,
      ...(toolSummary === undefined ? {} : { toolSummary }),
      gaps,
      suite: { runner: run.runner, command: run.command, exitCode: run.exitCode, passed, failed, skipped: run.tests.length - passed - failed, durationMs: run.durationMs },
    };
  }
}

function relativeTo(dir: string, path: string): string {
  return (path.startsWith(`${dir}/`) ? path.slice(dir.length + 1) : path).replaceAll('\\', '/');
}

function describe(s: CoverageSummary): string {
  const one = (name: string, m: CoverageSummary['lines']): string => `${name} ${m.pct} % (${m.covered}/${m.total})`;
  return [one('lines', s.lines), one('branches', s.branches), one('functions', s.functions), one('statements', s.statements)].join(', ');
}

function exportsByFile(target: Target): Map<string, Array<{ name: string; line: number }>> {
  const byFile = new Map<string, Array<{ name: string; line: number }>>();
  let extracted;
  try {
    extracted = extractTargetExports(target).extracted;
  } catch {
    return byFile;
  }
  for (const item of [...(extracted?.functions ?? []), ...(extracted?.classes ?? [])]) {
    byFile.set(item.file, [...(byFile.get(item.file) ?? []), { name: item.name, line: item.line }]);
  }
  return byFile;
}

/** The project's command under the coverage tool this run used. */
function reproduceCommand(run: SuiteRunWithSummary): string {
  if (run.runner === 'jest') return `${run.baseCommand} --coverage`;
  if (run.runner === 'vitest' && !run.notes.some((n) => n.includes('coverage under c8'))) return `${run.baseCommand} --coverage`;
  return `npx c8 --all --reporter=text ${run.baseCommand}`;
}

function toFinding(gap: RankedGap, run: SuiteRunWithSummary): Finding {
  const { rule, confidence } = RULES[gap.kind];
  const api = gap.risk.exports.length > 0 ? ` (public API: ${gap.risk.exports.slice(0, 5).join(', ')}${gap.risk.exports.length > 5 ? ', …' : ''})` : '';
  const message =
    gap.kind === 'file'
      ? `${gap.file}: no test loads this file (${gap.uncoveredLines.length} lines)${api}`
      : gap.kind === 'function'
        ? `${gap.name} is never called by the test suite${api}`
        : `${gap.name}: ${gap.uncoveredBranches.length} of ${gap.branchCount} branch arms never taken by the tests (lines ${lineRanges(gap.uncoveredBranches.map((b) => b.line))})${api}`;
  const facts = [
    `uncovered lines: ${lineRanges(gap.uncoveredLines) || 'none'}`,
    `risk ${gap.risk.score}: ${gap.risk.complexity} branch arms${gap.risk.exports.length > 0 ? ', exported' : ''}${gap.risk.changedDaysAgo === undefined ? '' : `, changed ${gap.risk.changedDaysAgo < 1 ? 'in the work tree' : `${Math.round(gap.risk.changedDaysAgo)} days ago`}`}`,
    `reproduce: ${reproduceCommand(run)}`,
  ];
  return {
    kind: 'coverage-gap',
    severity: gap.risk.severity,
    location: { file: gap.file, line: gap.line, endLine: gap.endLine },
    message,
    evidence: facts.join('; '),
    confidence,
    rule,
  };
}
