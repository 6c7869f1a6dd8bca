import { findStrategy } from '../kit/agent/AgentCore.js';
import type { AgentCore, AgentReport, AgentRunOptions, AgentStrategy, SkippedSurface } from '../kit/agent/AgentCore.js';
import { AgentError } from '../kit/agent/AgentError.js';
import { dedupeFindings } from '../kit/findings/Finding.js';
import type { Finding } from '../kit/findings/Finding.js';
import { findDuplicates } from './findDuplicates.js';
import type { FindDuplicatesOptions } from './findDuplicates.js';
import { findUnawaitedCalls } from './findUnawaitedCalls.js';
import { listOwnCode } from '../kit/target/listOwnCode.js';
import { hasSourceFiles } from '../kit/target/hasSourceFiles.js';
import { readSources } from '../kit/target/readSources.js';
import { tsconfigCoverage } from '../kit/typescript/tsconfigCoverage.js';
import { runEslint } from '../kit/eslint/runEslint.js';
import type { RuleMapping } from '../kit/eslint/runEslint.js';
import { runProcess } from '../kit/process/runProcess.js';
import type { Target } from '../kit/target/Target.js';

/** What a code-reviewer strategy turns on. */
export interface CodeReviewConfig {
  /** Run typescript-eslint with `parserOptions.projectService` (needs a tsconfig.json; slower). */
  typeAware: boolean;
  /** ESLint `complexity` threshold (max allowed cyclomatic complexity). */
  complexity: number;
  duplication: FindDuplicatesOptions;
  /** Report the syntactic unawaited-call heuristic (used where type-aware rules are off). */
  promiseHeuristic: boolean;
  /** Add the noisy rules (style and suspicion rules reported as low-confidence logic bugs). */
  noisyRules: boolean;
  /** Review only files changed against git HEAD (plus untracked ones). */
  changedOnly: boolean;
}

/**
 * A logic-bug rule's severity follows what it proves: `high` only for rules whose every hit is code
 * that cannot do what it says (confidence >= 0.8), `medium` for likely bugs with known idiomatic
 * exceptions (fallthrough, assignment in a condition).
 */
const bug = (confidence: number): RuleMapping => ({ kind: 'logic-bug', severity: confidence >= 0.8 ? 'high' : 'medium', confidence });
/** A suspicion, not a proof (style and "might be wrong" rules): never more than `low`. */
const suspicion = (confidence: number): RuleMapping => ({ kind: 'logic-bug', severity: 'low', confidence });

/** ESLint core rules that only fire on code that cannot do what it says: always on. */
const LOGIC_RULES: Record<string, RuleMapping> = {
  // `x !== x` on a variable is the NaN test (lukeed/dequal's equality checks); `a.id === a.id` is
  // the typo for `a.id === b.id`, and `x < x` is never right.
  'no-self-compare': { ...bug(0.9), idiom: { pattern: /^([\w$]+)\s*!==?\s*\1$/, mapping: suspicion(0.3), hint: 'x !== x is true only for NaN; Number.isNaN(x) says so' } },
  'no-dupe-else-if': bug(0.9),
  'no-duplicate-case': bug(0.9),
  'no-dupe-keys': bug(0.9),
  'use-isnan': bug(0.9),
  'valid-typeof': bug(0.9),
  'no-compare-neg-zero': bug(0.9),
  'no-cond-assign': bug(0.7),
  'no-unsafe-finally': bug(0.8),
  'no-self-assign': bug(0.8),
  'no-unreachable': bug(0.7),
  'no-fallthrough': bug(0.6),
  'no-unsafe-negation': bug(0.9),
  'no-loss-of-precision': bug(0.8),
  'no-constant-binary-expression': bug(0.9),
  'for-direction': bug(0.9),
  'getter-return': bug(0.8),
  'no-setter-return': bug(0.8),
  'no-unsafe-optional-chaining': bug(0.8),
  'array-callback-return': bug(0.6),
  'no-unmodified-loop-condition': bug(0.6),
};

/** Code run from strings is a review finding too, whatever the security scanner adds. */
const INJECTION_RULES: Record<string, RuleMapping> = {
  'no-eval': { kind: 'code-injection', severity: 'critical', confidence: 0.8 },
  'no-new-func': { kind: 'code-injection', severity: 'critical', confidence: 0.8 },
  'no-implied-eval': { kind: 'code-injection', severity: 'high', confidence: 0.6 },
};

/** Type-aware typescript-eslint rules and what they show. */
const TYPED_RULES: Record<string, RuleMapping> = {
  '@typescript-eslint/no-floating-promises': { kind: 'unawaited-promise', severity: 'medium', confidence: 0.9 },
  '@typescript-eslint/no-misused-promises': { kind: 'unawaited-promise', severity: 'medium', confidence: 0.7 },
  '@typescript-eslint/await-thenable': bug(0.7),
};

/** More rules, more noise: suspicions, not proofs (syntactic ones). */
const NOISY_RULES: Record<string, RuleMapping> = {
  eqeqeq: suspicion(0.3),
  'no-param-reassign': suspicion(0.2),
  'default-case': suspicion(0.2),
  'no-implicit-coercion': suspicion(0.2),
  '@typescript-eslint/no-unused-vars': suspicion(0.3),
  '@typescript-eslint/no-non-null-assertion': suspicion(0.2),
};

/** Noisy rules that need type information (only where a tsconfig covers the file). */
const NOISY_TYPED_RULES: Record<string, RuleMapping> = {
  '@typescript-eslint/no-unnecessary-condition': suspicion(0.4),
  '@typescript-eslint/restrict-plus-operands': suspicion(0.4),
  '@typescript-eslint/switch-exhaustiveness-check': suspicion(0.4),
};

const COMPLEXITY: RuleMapping = { kind: 'complexity', severity: 'low', confidence: 0.8 };

const DUPLICATION: FindDuplicatesOptions = { minTokens: 50, minLines: 5, normalize: 'literals' };

/** The code-reviewer's strategies, cheapest first. */
export const CODE_REVIEW_STRATEGIES: readonly AgentStrategy<CodeReviewConfig>[] = [
  {
    name: 'changed-files',
    description: 'Syntactic rules on files changed against git HEAD only: cheapest, blind to old code.',
    config: { typeAware: false, complexity: 10, duplication: DUPLICATION, promiseHeuristic: true, noisyRules: false, changedOnly: true },
  },
  {
    name: 'recommended',
    description: 'Syntactic ESLint rules, complexity, duplication and a name-based unawaited-call heuristic on every file.',
    config: { typeAware: false, complexity: 10, duplication: DUPLICATION, promiseHeuristic: true, noisyRules: false, changedOnly: false },
  },
  {
    name: 'type-aware',
    description: 'Adds typescript-eslint with type information (no-floating-promises): slower, precise on promises.',
    config: { typeAware: true, complexity: 10, duplication: DUPLICATION, promiseHeuristic: false, noisyRules: false, changedOnly: false },
  },
  {
    name: 'strict',
    description: 'Type-aware plus suspicion rules, a lower complexity bar and identifier-blind duplication: most findings, most noise.',
    config: {
      typeAware: true,
      complexity: 6,
      duplication: { minTokens: 35, minLines: 4, normalize: 'identifiers' },
      promiseHeuristic: true,
      noisyRules: true,
      changedOnly: false,
    },
  },
];

const LINTED = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];
/** Test files: their tables of cases repeat by design, so duplication does not look at them. */
const TEST_FILE = /(^|\/)(test|tests|__tests__|spec|__fixtures__|fixtures?)\/|(^|\/)(test|tests)\.[cm]?[jt]sx?$|\.(test|spec|test-d|bench)\.[cm]?[jt]sx?$/;

/** Options of `CodeReviewer`. */
export interface CodeReviewerOptions {
  /** Strategies to offer (default `CODE_REVIEW_STRATEGIES`). */
  strategies?: readonly AgentStrategy<CodeReviewConfig>[];
  /** Clock for `durationMs`. */
  now?: () => number;
}

/**
 * The code-reviewer core: ESLint (Node API, flat config, typescript-eslint) for logic-bug,
 * complexity and floating-promise rules, plus a token-window duplication finder and a syntactic
 * unawaited-call heuristic, each finding mapped to a catalogue kind. Strategies degrade: type-aware
 * rules run where a tsconfig covers the file and the syntactic rules elsewhere; what could not run
 * is listed in the report's `skipped` and lowers `coverage`.
 */
export class CodeReviewer implements AgentCore {
  readonly id = 'code-reviewer';
  readonly strategies: readonly AgentStrategy<CodeReviewConfig>[];
  readonly #now: () => number;

  constructor(options: CodeReviewerOptions = {}) {
    this.strategies = options.strategies ?? CODE_REVIEW_STRATEGIES;
    this.#now = options.now ?? Date.now;
  }

  /** Not applicable to a folder without any TypeScript or JavaScript source. */
  notApplicable(target: Target): string | undefined {
    return hasSourceFiles(target.dir, LINTED) ? undefined : `no TypeScript or JavaScript sources in ${target.dir}`;
  }

  async run(target: Target, strategyName: string, options: AgentRunOptions = {}): Promise<AgentReport> {
    const strategy = findStrategy(this, strategyName);
    const notApplicable = this.notApplicable(target);
    if (notApplicable !== undefined) throw new AgentError('UNSUPPORTED_TARGET', `not applicable: ${notApplicable}`);
    const started = this.#now();
    const config = strategy.config;
    const notes: string[] = [];
    const skipped: SkippedSurface[] = [];
    // The project's own sources as target discovery found them (tsconfig, package.json entries,
    // conventional folders, the scripts a web app serves; tests, vendored, minified, bundled and
    // generated files left out).
    const { profile } = target;
    const { files: all, leftOut } = await listOwnCode(target, LINTED);
    if (leftOut.length > 0) notes.push(`not reviewed, not the project's own code: ${leftOut.slice(0, 5).join(', ')}${leftOut.length > 5 ? ` and ${leftOut.length - 5} more` : ''}`);
    if (all.length === 0) {
      // Sources exist (notApplicable said so) but none is the project's own (only tests, vendored or
      // bundled files): nothing to review is a report that says so, coverage 0, not a failed run.
      const reason = `no TypeScript or JavaScript sources of the project's own under ${profile.sourceRoots.join(', ')} (tests, vendored, minified and generated files are not reviewed)`;
      return { agentId: this.id, strategy: strategy.name, target: target.dir, findings: [], durationMs: this.#now() - started, coverage: 0, notes, skipped: [{ surface: 'code', reason }] };
    }
    const sources = await readSources(target.dir, all);

    let files = all;
    if (config.changedOnly) {
      const changed = await changedFiles(target.dir, all, options.signal);
      files = changed.files;
      if (changed.skipped === undefined) notes.push(`${files.length} of ${all.length} files changed against HEAD`);
      else skipped.push(changed.skipped);
    }
    options.signal?.throwIfAborted();

    // Type-aware rules need a program: only files a tsconfig.json includes have one.
    let typedFiles: string[] = [];
    if (config.typeAware && files.length > 0) {
      const coverage = tsconfigCoverage(target.dir, files);
      typedFiles = coverage.covered;
      if (coverage.uncovered.length > 0) {
        skipped.push({
          surface: 'type-aware rules',
          reason: `${coverage.uncovered.length} of ${files.length} files have no type information (${coverage.reason}, e.g. ${coverage.uncovered.slice(0, 3).join(', ')}): syntactic rules only there`,
        });
      }
    }
    const untyped = new Set(files.filter((f) => !typedFiles.includes(f)));

    const findings: Finding[] = [];
    if (files.length > 0) {
      const typed = config.typeAware ? { typed: { rules: typedRuleTable(config), files: typedFiles } } : {};
      findings.push(...(await runEslint(target.dir, files, { rules: ruleTable(config), ...typed, notes, sources })));
      options.signal?.throwIfAborted();
      const reviewed = new Map(files.map((f) => [f, sources.get(f)!]));
      const duplicationSources = new Map([...reviewed].filter(([f]) => !TEST_FILE.test(f)));
      // One pair, one finding: at the later copy, with the first as its related location (SARIF
      // relatedLocations), since both copies are the defect and fixing one leaves the other behind.
      for (const d of findDuplicates(duplicationSources, config.duplication)) {
        const [here, there] = [d.second, d.first];
        findings.push({
          kind: 'duplication',
          severity: 'low',
          location: { file: here.file, line: here.line, endLine: here.endLine },
          relatedLocations: [{ file: there.file, line: there.line, endLine: there.endLine }],
          message: `${d.tokens} tokens repeated at ${there.file}:${there.line}-${there.endLine}`,
          evidence: `${here.file}:${here.line}-${here.endLine} ≈ ${there.file}:${there.line}-${there.endLine}`,
          confidence: config.duplication.normalize === 'identifiers' ? 0.5 : 0.8,
          rule: 'qe/duplication',
        });
      }
      // Where no-floating-promises could not run, the name heuristic stands in for it.
      const heuristicFiles = config.promiseHeuristic ? new Set(files) : untyped;
      if (config.promiseHeuristic || config.typeAware) {
        for (const call of findUnawaitedCalls(sources)) {
          if (!heuristicFiles.has(call.file)) continue;
          findings.push({
            kind: 'unawaited-promise',
            severity: 'medium',
            location: { file: call.file, line: call.line },
            message: `result of async ${call.callee}() is neither awaited nor handled`,
            evidence: call.text,
            confidence: 0.6,
            rule: 'qe/unawaited-async-call',
          });
        }
      }
    }
    // Coverage = files reviewed / own source files; a type-aware strategy counts its two rule sets
    // separately, so files without type information lower it.
    const coverage = config.typeAware ? (files.length + typedFiles.length) / (2 * all.length) : files.length / all.length;
    return {
      agentId: this.id,
      strategy: strategy.name,
      target: target.dir,
      findings: dedupeFindings(findings),
      durationMs: this.#now() - started,
      coverage,
      notes,
      ...(skipped.length === 0 ? {} : { skipped }),
    };
  }
}

function ruleTable(config: CodeReviewConfig): Record<string, RuleMapping> {
  const table: Record<string, RuleMapping> = { ...LOGIC_RULES, ...INJECTION_RULES, complexity: { ...COMPLEXITY, options: [{ max: config.complexity }] } };
  if (config.noisyRules) Object.assign(table, NOISY_RULES);
  return table;
}

function typedRuleTable(config: CodeReviewConfig): Record<string, RuleMapping> {
  return config.noisyRules ? { ...TYPED_RULES, ...NOISY_TYPED_RULES } : { ...TYPED_RULES };
}

/**
 * Files changed against HEAD plus untracked ones. Outside a git work tree, or on a clean
 * checkout, nothing is reviewed and the report says so in `skipped` (never a silent "clean").
 */
async function changedFiles(dir: string, all: readonly string[], signal: AbortSignal | undefined): Promise<{ files: string[]; skipped?: SkippedSurface }> {
  const git = (args: string[]) => runProcess('git', args, { cwd: dir, timeoutMs: 20_000, ...(signal === undefined ? {} : { signal }) });
  const inside = await git(['rev-parse', '--is-inside-work-tree']);
  if (inside.exitCode !== 0 || inside.stdout.trim() !== 'true') {
    return { files: [], skipped: { surface: 'changed files', reason: `not a git work tree, so no change to review: ${inside.stderr.trim().slice(0, 200) || 'git rev-parse said no'}` } };
  }
  const diff = await git(['diff', '--name-only', '--relative', 'HEAD']);
  if (diff.exitCode !== 0) return { files: [], skipped: { surface: 'changed files', reason: `git diff HEAD failed (no commit yet?): ${diff.stderr.trim().slice(0, 200)}` } };
  const untracked = await git(['ls-files', '--others', '--exclude-standard']);
  const changed = new Set([...diff.stdout.split('\n'), ...untracked.stdout.split('\n')].filter(Boolean));
  const files = all.filter((file) => changed.has(file));
  if (files.length === 0) return { files, skipped: { surface: 'changed files', reason: `clean checkout: none of the ${all.length} source files differs from HEAD, nothing reviewed` } };
  return { files };
}
