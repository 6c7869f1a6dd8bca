import { createRequire } from 'node:module';
import { ESLint } from 'eslint';
import type { Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { AgentError } from '../agent/AgentError.js';
import type { DefectKind, Finding, Severity } from '../findings/Finding.js';

const requireFromTsEslint = createRequire(createRequire(import.meta.url).resolve('typescript-eslint'));
/**
 * typescript-eslint keeps its TypeScript programs in module-level caches. A long-lived agent must
 * drop them before each type-aware run: otherwise it could lint a stale program of a target that
 * changed, and a strategy's measured cost would depend on which strategy ran before it.
 */
const clearTypeAwareCaches = (requireFromTsEslint('@typescript-eslint/parser') as { clearCaches: () => void }).clearCaches;

/** What a rule's message means in catalogue terms, and how far it is trusted. */
export interface RuleMapping {
  kind: DefectKind;
  severity: Severity;
  confidence: number;
  /** Rule options (the part after the severity in a flat config entry). */
  options?: unknown[];
}

/** Options of `runEslint`. */
export interface RunEslintOptions {
  /** Rules to run; only these are reported, each mapped to a finding kind. */
  rules: Readonly<Record<string, RuleMapping>>;
  /** Plugins besides `@typescript-eslint` (always present, it brings the parser). */
  plugins?: Record<string, ESLint.Plugin>;
  /** Use `parserOptions.projectService` (type-aware rules; needs the target's tsconfig.json). */
  typeAware: boolean;
  /** Parse problems are appended here. */
  notes: string[];
}

/**
 * ESLint through its Node API on a target with a flat config built here (the target's own ESLint
 * config is ignored: agents compare strategies, not the target's taste), typescript-eslint as the
 * parser for TS and JS. Messages of the given rules become findings; a run that could not parse
 * half the files or more is TOOL_FAILED, never an empty "clean" result.
 */
export async function runEslint(dir: string, files: readonly string[], options: RunEslintOptions): Promise<Finding[]> {
  const rules: Linter.RulesRecord = {};
  for (const [rule, mapping] of Object.entries(options.rules)) rules[rule] = ['warn', ...(mapping.options ?? [])];
  const overrideConfig: Linter.Config[] = [
    {
      // A universal `**/*` pattern does not make ESLint lint a file; the extensions must be named.
      files: ['**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}'],
      plugins: { '@typescript-eslint': tseslint.plugin as ESLint.Plugin, ...options.plugins },
      languageOptions: {
        parser: tseslint.parser as Linter.Parser,
        sourceType: 'module',
        parserOptions: options.typeAware ? { projectService: true, tsconfigRootDir: dir } : {},
      },
      linterOptions: { reportUnusedDisableDirectives: 'off', noInlineConfig: true },
      rules,
    },
  ];
  let results: ESLint.LintResult[];
  if (options.typeAware) clearTypeAwareCaches();
  try {
    const eslint = new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig, errorOnUnmatchedPattern: false, warnIgnored: false });
    results = await eslint.lintFiles([...files]);
  } catch (error) {
    throw new AgentError('TOOL_FAILED', `ESLint failed on ${dir}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const findings: Finding[] = [];
  let fatal = 0;
  for (const result of results) {
    const file = result.filePath.slice(dir.length + 1).replaceAll('\\', '/');
    for (const message of result.messages) {
      if (message.fatal === true || message.ruleId === null) {
        fatal++;
        options.notes.push(`${file}: ${message.message}`);
        continue;
      }
      const mapping = options.rules[message.ruleId];
      if (mapping === undefined) continue;
      findings.push({
        kind: mapping.kind,
        severity: mapping.severity,
        location: { file, line: message.line, ...(message.endLine === undefined ? {} : { endLine: message.endLine }) },
        message: message.message,
        evidence: `${message.ruleId} at ${file}:${message.line}:${message.column}`,
        confidence: mapping.confidence,
        rule: message.ruleId,
      });
    }
  }
  if (fatal > 0 && fatal * 2 >= files.length) {
    throw new AgentError('TOOL_FAILED', `ESLint could not parse ${fatal} of ${files.length} files: ${options.notes.slice(-3).join('; ')}`);
  }
  return findings;
}
