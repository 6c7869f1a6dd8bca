import { createRequire } from 'node:module';
import tseslint from 'typescript-eslint';
import { TextCache } from '../typescript/TextCache.js';
import type { TextCacheOptions } from '../typescript/TextCache.js';

/** What typescript-eslint's `parseForESLint` returns (the part ESLint reads). */
export interface EslintParseResult {
  ast: { sourceType?: string };
  scopeManager: unknown;
  services: Record<string, unknown>;
  visitorKeys: unknown;
}

/** Parser options as ESLint hands them over (its own plus the config's `parserOptions`). */
type ParserOptions = Record<string, unknown> & { ecmaFeatures?: Record<string, unknown>; sourceType?: unknown };

/** Options of `SharedParser`. */
export interface SharedParserOptions extends TextCacheOptions {
  /** Parses a file for ESLint (default typescript-eslint's parser). */
  parseForESLint?: (code: string, options: ParserOptions) => EslintParseResult;
  /** Scope analysis of a syntax tree (default typescript-eslint's scope manager). */
  analyze?: (ast: EslintParseResult['ast'], options: Record<string, unknown>) => unknown;
}

const requireFromParser = createRequire(createRequire(createRequire(import.meta.url).resolve('typescript-eslint')).resolve('@typescript-eslint/parser'));
const analyzeScopes = (requireFromParser('@typescript-eslint/scope-manager') as { analyze: NonNullable<SharedParserOptions['analyze']> }).analyze;

/**
 * typescript-eslint's parser for ESLint, each file's syntax tree shared by the ESLint passes of one
 * process (the code reviewer's and the security scanner's rules lint the same files): the first
 * pass parses, the others reuse its tree. Scope analysis runs afresh for every pass, because ESLint
 * and rules write into the scopes (the config's globals, `no-unused-vars` marking variables used):
 * a reused scope manager would carry one pass's marks into the next. The tree itself is only read
 * (ESLint's `parent` links are the same each time). Type-aware parses (`project`,
 * `projectService`, `programs`) belong to a TypeScript program and are never shared.
 */
export class SharedParser {
  readonly meta = { name: 'qe-fleet/shared-typescript-eslint-parser' };
  readonly #trees: TextCache<Omit<EslintParseResult, 'scopeManager'>>;
  readonly #parse: NonNullable<SharedParserOptions['parseForESLint']>;
  readonly #analyze: NonNullable<SharedParserOptions['analyze']>;

  constructor(options: SharedParserOptions = {}) {
    this.#trees = new TextCache(options);
    this.#parse = options.parseForESLint ?? (tseslint.parser.parseForESLint as unknown as NonNullable<SharedParserOptions['parseForESLint']>);
    this.#analyze = options.analyze ?? analyzeScopes;
  }

  /**
   * ESLint's entry point: `code` as ESLint passes it, `options` with its `filePath`. An own
   * property bound to this instance, not a method: ESLint merges the config objects that set
   * `languageOptions` by copying own properties, the parser's too.
   */
  readonly parseForESLint = (code: string, options: ParserOptions = {}): EslintParseResult => {
    if (options['project'] || options['projectService'] || options['programs']) return this.#parse(code, options);
    let fresh: EslintParseResult | undefined;
    const tree = this.#trees.get(code, JSON.stringify(options), () => {
      fresh = this.#parse(code, options);
      return { ast: fresh.ast, services: fresh.services, visitorKeys: fresh.visitorKeys };
    });
    if (fresh !== undefined) return fresh;
    return { ...tree, scopeManager: this.#analyze(tree.ast, analyzeOptions(options)) };
  };
}

/**
 * The options typescript-eslint's parser gives its scope analysis when no program is involved
 * (its `parseForESLint`): a source type other than `module` or `script` counts as `script`.
 */
function analyzeOptions(options: ParserOptions): Record<string, unknown> {
  return {
    globalReturn: options.ecmaFeatures?.['globalReturn'],
    jsxFragmentName: options['jsxFragmentName'],
    jsxPragma: options['jsxPragma'],
    lib: options['lib'],
    sourceType: options.sourceType === 'module' || options.sourceType === 'script' ? options.sourceType : 'script',
  };
}

/** The process's parser, the default of `runEslint`. */
export const SHARED_PARSER = new SharedParser();
