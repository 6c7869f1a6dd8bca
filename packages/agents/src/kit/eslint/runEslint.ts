import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import type { Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { AgentError } from '../agent/AgentError.js';
import { limitReads } from '../target/limitReads.js';
import { SHARED_PARSER } from './SharedParser.js';
import type { SharedParser } from './SharedParser.js';
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
  /**
   * An idiom the rule cannot tell from the mistake it looks for (`x !== x`, the NaN test, under
   * `no-self-compare`): a hit whose source text matches `pattern` gets `mapping`, and `hint` is
   * added to its message.
   */
  idiom?: { pattern: RegExp; mapping: Omit<RuleMapping, 'idiom' | 'options'>; hint: string };
}

/** Options of `runEslint`. */
export interface RunEslintOptions {
  /** Rules to run on every file; only these (and `typed.rules`) are reported, each mapped to a finding kind. */
  rules: Readonly<Record<string, RuleMapping>>;
  /**
   * Type-aware rules and the files they run on (those a tsconfig.json covers, see
   * `tsconfigCoverage`): typescript-eslint's `projectService` parses these; other files get `rules`
   * only, so a JS file or an excluded test never becomes a parse failure.
   */
  typed?: { rules: Readonly<Record<string, RuleMapping>>; files: readonly string[] };
  /** Plugins besides `@typescript-eslint` (present when a rule of it is asked for). */
  plugins?: Record<string, ESLint.Plugin>;
  /** Parse problems and ignored directives are appended here. */
  notes: string[];
  /** The parser (default `SHARED_PARSER`: typescript-eslint's, each file's tree shared by the process's ESLint passes). */
  parser?: SharedParser;
  /** The files' texts where the caller has read them already (their module system is sniffed from the text); others are read here. */
  sources?: ReadonlyMap<string, string>;
}

/** Module system of one file, from its extension, then its syntax, then package.json `type`. */
export function sourceTypeOf(file: string, text: string, packageType: unknown): 'module' | 'commonjs' {
  if (/\.c[jt]s$/.test(file)) return 'commonjs';
  if (/\.(m[jt]s|tsx?)$/.test(file)) return 'module';
  if (/^[ \t]*(import[\s{*'"]|export[\s{*])/m.test(text)) return 'module';
  if (/\brequire\s*\(|\bmodule\.exports\b|^[ \t]*exports\.\w+\s*=/m.test(text)) return 'commonjs';
  return packageType === 'module' ? 'module' : 'commonjs';
}

const LINTED = '**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}';

/** A relative path as a flat-config `files` pattern matching exactly that file. */
function escapeGlob(file: string): string {
  return file.replace(/[*?[\]{}()!+@\\]/g, '\\$&');
}

/**
 * ESLint through its Node API on a target with a flat config built here (the target's own ESLint
 * config is ignored: agents compare strategies, not the target's taste), typescript-eslint as the
 * parser for TS and JS (JSX included), each file with its own module system (`.cjs`/`require` →
 * CommonJS). Maintainers' `eslint-disable` comments are honoured: a suppressed line was reviewed by
 * someone who knows the code. Only fatal messages (real parse errors) count as parse failures; a
 * run that could not parse half the files or more is TOOL_FAILED, never an empty "clean" result.
 */
export async function runEslint(dir: string, files: readonly string[], options: RunEslintOptions): Promise<Finding[]> {
  const toRules = (table: Readonly<Record<string, RuleMapping>>): Linter.RulesRecord => {
    const rules: Linter.RulesRecord = {};
    for (const [rule, mapping] of Object.entries(table)) rules[rule] = ['warn', ...(mapping.options ?? [])];
    return rules;
  };
  let packageType: unknown;
  try {
    packageType = (JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { type?: unknown }).type;
  } catch {
    packageType = undefined;
  }
  const sourceTypes = await Promise.all(files.map((file) => limitReads(async () => sourceTypeOf(file, options.sources?.get(file) ?? (await readFile(join(dir, file), 'utf8').catch(() => '')), packageType))));
  const commonjs = new Set(files.filter((_, i) => sourceTypes[i] === 'commonjs'));
  const typedFiles = new Set(options.typed?.files ?? []);
  const usesTsEslint = [...Object.keys(options.rules), ...Object.keys(options.typed?.rules ?? {})].some((rule) => rule.startsWith('@typescript-eslint/'));
  const overrideConfig: Linter.Config[] = [
    {
      // A universal `**/*` pattern does not make ESLint lint a file; the extensions must be named.
      files: [LINTED],
      // Only when one of its rules runs: registered, each of its rules that a maintainer's
      // `eslint-disable` comment names gets loaded just to be looked up, and a directive for a
      // rule that does not run disables nothing either way.
      plugins: { ...(usesTsEslint ? { '@typescript-eslint': tseslint.plugin as ESLint.Plugin } : {}), ...options.plugins },
      languageOptions: { parser: (options.parser ?? SHARED_PARSER) as unknown as Linter.Parser, sourceType: 'module', parserOptions: { ecmaFeatures: { jsx: true } } },
      // Unused directives are the maintainers' business, not a defect and never a parse failure.
      linterOptions: { reportUnusedDisableDirectives: 'off', reportUnusedInlineConfigs: 'off' },
      rules: toRules(options.rules),
    },
  ];
  if (commonjs.size > 0) overrideConfig.push({ files: [...commonjs].map(escapeGlob), languageOptions: { sourceType: 'commonjs' } });
  if (options.typed !== undefined && typedFiles.size > 0) {
    overrideConfig.push({
      files: [...typedFiles].map(escapeGlob),
      languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: dir } },
      rules: toRules(options.typed.rules),
    });
    clearTypeAwareCaches();
  }
  let results: ESLint.LintResult[];
  try {
    const eslint = new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig, errorOnUnmatchedPattern: false, warnIgnored: false });
    results = await eslint.lintFiles([...files]);
  } catch (error) {
    throw new AgentError('TOOL_FAILED', `ESLint failed on ${dir}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const mappings: Readonly<Record<string, RuleMapping>> = { ...options.rules, ...options.typed?.rules };
  const findings: Finding[] = [];
  const unparsed: string[] = [];
  for (const result of results) {
    const file = result.filePath.slice(dir.length + 1).replaceAll('\\', '/');
    for (const message of result.messages) {
      if (message.fatal === true) {
        unparsed.push(file);
        options.notes.push(`${file}: ${message.message}`);
        continue;
      }
      // Rule-less, non-fatal: a directive or inline config ESLint could not apply (a plugin's rule we do not load).
      if (message.ruleId === null) continue;
      const ruleMapping = mappings[message.ruleId];
      if (ruleMapping === undefined) continue;
      const idiom = ruleMapping.idiom !== undefined && ruleMapping.idiom.pattern.test(hitText(options.sources?.get(file) ?? result.source ?? '', message)) ? ruleMapping.idiom : undefined;
      const mapping = idiom?.mapping ?? ruleMapping;
      findings.push({
        kind: mapping.kind,
        severity: mapping.severity,
        location: { file, line: message.line, ...(message.endLine === undefined ? {} : { endLine: message.endLine }) },
        message: idiom === undefined ? message.message : `${message.message} (${idiom.hint})`,
        evidence: `${message.ruleId} at ${file}:${message.line}:${message.column}`,
        confidence: mapping.confidence,
        rule: message.ruleId,
      });
    }
  }
  if (unparsed.length > 0 && unparsed.length * 2 >= files.length) {
    throw new AgentError('TOOL_FAILED', `ESLint could not parse ${unparsed.length} of ${files.length} files: ${options.notes.slice(-3).join('; ')}`);
  }
  return findings;
}

/** The source text an ESLint message spans (its 1-based lines and columns), trimmed. */
function hitText(text: string, message: Linter.LintMessage): string {
  const lines = text.split('\n').slice(message.line - 1, (message.endLine ?? message.line));
  if (lines.length === 0) return '';
  const last = lines.length - 1;
  if (message.endColumn !== undefined) lines[last] = lines[last]!.slice(0, message.endColumn - 1);
  lines[0] = lines[0]!.slice(message.column - 1);
  return lines.join('\n').trim();
}
