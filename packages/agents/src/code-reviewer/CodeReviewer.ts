import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findStrategy } from '../kit/agent/AgentCore.js';
import type { AgentCore, AgentReport, AgentRunOptions, AgentStrategy } from '../kit/agent/AgentCore.js';
import { AgentError } from '../kit/agent/AgentError.js';
import { dedupeFindings } from '../kit/findings/Finding.js';
import type { Finding } from '../kit/findings/Finding.js';
import { findDuplicates } from './findDuplicates.js';
import type { FindDuplicatesOptions } from './findDuplicates.js';
import { findUnawaitedCalls } from './findUnawaitedCalls.js';
import { listSourceFiles } from '../kit/target/listSourceFiles.js';
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

const bug = (confidence: number): RuleMapping => ({ kind: 'logic-bug', severity: 'high', confidence });

/** ESLint core rules that only fire on code that cannot do what it says: always on. */
const LOGIC_RULES: Record<string, RuleMapping> = {
  'no-self-compare': bug(0.9),
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

/** More rules, more noise: suspicions, not proofs. */
const NOISY_RULES: Record<string, RuleMapping> = {
  eqeqeq: bug(0.3),
  'no-param-reassign': bug(0.2),
  'default-case': bug(0.2),
  'no-implicit-coercion': bug(0.2),
  '@typescript-eslint/no-unused-vars': bug(0.3),
  '@typescript-eslint/no-non-null-assertion': bug(0.2),
  '@typescript-eslint/no-unnecessary-condition': bug(0.4),
  '@typescript-eslint/restrict-plus-operands': bug(0.4),
  '@typescript-eslint/switch-exhaustiveness-check': bug(0.4),
};

/** Noisy rules that need type information (skipped when the strategy is not type-aware). */
const NOISY_TYPED = new Set(['@typescript-eslint/no-unnecessary-condition', '@typescript-eslint/restrict-plus-operands', '@typescript-eslint/switch-exhaustiveness-check']);

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
 * unawaited-call heuristic, each finding mapped to a catalogue kind.
 */
export class CodeReviewer implements AgentCore {
  readonly id = 'code-reviewer';
  readonly strategies: readonly AgentStrategy<CodeReviewConfig>[];
  readonly #now: () => number;

  constructor(options: CodeReviewerOptions = {}) {
    this.strategies = options.strategies ?? CODE_REVIEW_STRATEGIES;
    this.#now = options.now ?? Date.now;
  }

  async run(target: Target, strategyName: string, options: AgentRunOptions = {}): Promise<AgentReport> {
    const strategy = findStrategy(this, strategyName);
    const started = this.#now();
    const config = strategy.config;
    const notes: string[] = [];
    const roots = existsSync(join(target.dir, 'src')) ? ['src'] : ['.'];
    const all = await listSourceFiles(target.dir, { extensions: LINTED, roots });
    if (all.length === 0) throw new AgentError('UNSUPPORTED_TARGET', `no TypeScript or JavaScript sources under ${roots.join(', ')} in ${target.dir}`);
    if (config.typeAware && !existsSync(join(target.dir, 'tsconfig.json'))) {
      throw new AgentError('UNSUPPORTED_TARGET', `strategy ${strategy.name} needs type information and ${target.dir} has no tsconfig.json`);
    }
    const files = config.changedOnly ? await changedFiles(target.dir, all, options.signal) : all;
    if (config.changedOnly) notes.push(`${files.length} of ${all.length} files changed against HEAD`);
    options.signal?.throwIfAborted();

    const findings: Finding[] = [];
    if (files.length > 0) {
      findings.push(...(await runEslint(target.dir, files, { rules: ruleTable(config), typeAware: config.typeAware, notes })));
      options.signal?.throwIfAborted();
      const sources = new Map<string, string>();
      for (const file of files) sources.set(file, await readFile(join(target.dir, file), 'utf8'));
      // Both copies are the defect: whichever one is fixed, the other stays behind.
      const regions = new Map<string, Finding>();
      for (const d of findDuplicates(sources, config.duplication)) {
        for (const [here, there] of [
          [d.second, d.first],
          [d.first, d.second],
        ] as const) {
          const key = `${here.file}:${here.line}`;
          if (regions.has(key)) continue;
          regions.set(key, {
            kind: 'duplication',
            severity: 'low',
            location: { file: here.file, line: here.line, endLine: here.endLine },
            message: `${d.tokens} tokens repeated at ${there.file}:${there.line}-${there.endLine}`,
            evidence: `${here.file}:${here.line}-${here.endLine} ≈ ${there.file}:${there.line}-${there.endLine}`,
            confidence: config.duplication.normalize === 'identifiers' ? 0.5 : 0.8,
            rule: 'qe/duplication',
          });
        }
      }
      findings.push(...regions.values());
      if (config.promiseHeuristic) {
        for (const call of findUnawaitedCalls(sources)) {
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
    return {
      agentId: this.id,
      strategy: strategy.name,
      target: target.dir,
      findings: dedupeFindings(findings),
      durationMs: this.#now() - started,
      coverage: files.length / all.length,
      notes,
    };
  }
}

function ruleTable(config: CodeReviewConfig): Record<string, RuleMapping> {
  const table: Record<string, RuleMapping> = { ...LOGIC_RULES, ...INJECTION_RULES, complexity: { ...COMPLEXITY, options: [{ max: config.complexity }] } };
  if (config.typeAware) Object.assign(table, TYPED_RULES);
  if (config.noisyRules) {
    for (const [rule, mapping] of Object.entries(NOISY_RULES)) if (config.typeAware || !NOISY_TYPED.has(rule)) table[rule] = mapping;
  }
  return table;
}

async function changedFiles(dir: string, all: readonly string[], signal: AbortSignal | undefined): Promise<string[]> {
  const git = async (args: string[]): Promise<string[]> => {
    const result = await runProcess('git', args, { cwd: dir, timeoutMs: 20_000, ...(signal === undefined ? {} : { signal }) });
    if (result.exitCode !== 0) {
      throw new AgentError('UNSUPPORTED_TARGET', `changed-files needs a git work tree: git ${args.join(' ')} failed: ${result.stderr.trim().slice(0, 300)}`);
    }
    return result.stdout.split('\n').filter(Boolean);
  };
  const changed = new Set([...(await git(['diff', '--name-only', '--relative', 'HEAD'])), ...(await git(['ls-files', '--others', '--exclude-standard']))]);
  return all.filter((file) => changed.has(file));
}
