import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ignore from 'ignore';
import { readJsonc } from './readJsonc.js';

type Ignore = ReturnType<typeof ignore>;

/** Options of `SkipRules.load`. */
export interface SkipRulesOptions {
  /** Extra gitignore-style patterns (config `ignore`), applied like the project's own. */
  patterns?: readonly string[];
  /** Folders (relative) holding build output besides the conventional names and the tsconfig.json `outDir` (always read). */
  buildOutput?: readonly string[];
  /** Read the project's `.gitignore` (default true). */
  gitignore?: boolean;
  /** Read the project's ESLint ignores (`.eslintignore`, `ignores: [...]` in a flat config) (default true). */
  eslintIgnores?: boolean;
  /** Lines longer than this, with long lines on average (> 200), mark a file as minified; ten times this alone does (default 1000). */
  maxLineLength?: number;
  /** A file larger than this is not read as source (default 512 KiB): bundles, generated tables. */
  maxFileBytes?: number;
}

/** Folders that never hold the project's own source: dependencies, build output, coverage, caches. */
const ALWAYS_SKIPPED = new Map<string, string>([
  ['node_modules', 'dependencies'],
  ['bower_components', 'dependencies'],
  ['jspm_packages', 'dependencies'],
  ['dist', 'build output'],
  ['build', 'build output'],
  ['out', 'build output'],
  ['distribution', 'build output'],
  ['coverage', 'coverage report'],
  ['.nyc_output', 'coverage report'],
  ['vendor', 'vendored code'],
  ['vendors', 'vendored code'],
  ['third_party', 'vendored code'],
  ['third-party', 'vendored code'],
  ['.git', 'version control'],
]);

const MINIFIED_NAME = /[.-]min\.[cm]?js$|[.-]bundle\.[cm]?js$|\.(umd|iife)\.[cm]?js$/;
/** Well-known libraries projects copy into `public/` or `static/` as they are (dvna's bundled jQuery and showdown were 9 of its 11 false positives). */
const BUNDLED_LIBRARY = /(^|\/)(public|static|assets|www)\/(.*\/)?(jquery|showdown|bootstrap|angular|react(-dom)?|vue|lodash|underscore|moment|d3|chart|highlight|marked|popper|backbone|handlebars|mustache|require|socket\.io)[\w.-]*\.js$/i;
/** A header saying a tool wrote the file: nobody edits it by hand, so nobody can act on a finding in it. */
const GENERATED_HEADER = /^\s*(\/\/|\/\*+|\*)\s*(@generated|auto-?generated|do not edit)/im;
const SOURCE_MAP_COMMENT = /^\/\/[#@] sourceMappingURL=/m;
const DECLARATION = /\.d\.[cm]?ts$/;

/**
 * What an agent must not read as the project's own source, and why: dependencies, build output,
 * coverage, vendored folders, dot-folders, minified or bundled files (`*.min.js`, very long lines,
 * a `sourceMappingURL` comment: emitted code), declaration files, the project's `.gitignore` (with
 * the `ignore` package, the matcher ESLint uses) and its ESLint ignores where they are plain
 * string lists. One instance serves a whole walk; every agent's file list comes through it, so
 * findings never point into a bundle the maintainers did not write.
 */
export class SkipRules {
  readonly #matcher: Ignore;
  readonly #buildOutput: Set<string>;
  readonly #maxLineLength: number;
  readonly #maxFileBytes: number;
  /** Where the patterns came from, for notes (`.gitignore`, `eslint.config.js`, `config`). */
  readonly sources: readonly string[];

  private constructor(matcher: Ignore, buildOutput: Set<string>, sources: string[], maxLineLength: number, maxFileBytes: number) {
    this.#matcher = matcher;
    this.#buildOutput = buildOutput;
    this.sources = sources;
    this.#maxLineLength = maxLineLength;
    this.#maxFileBytes = maxFileBytes;
  }

  /** Reads the project's ignore files under `dir` (missing or unreadable ones are simply absent). */
  static load(dir: string, options: SkipRulesOptions = {}): SkipRules {
    const { patterns = [], buildOutput = [], gitignore = true, eslintIgnores = true, maxLineLength = 1000, maxFileBytes = 512 * 1024 } = options;
    const matcher = ignore();
    const sources: string[] = [];
    const add = (source: string, lines: readonly string[]): void => {
      const kept = lines.map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
      if (kept.length === 0) return;
      matcher.add(kept);
      sources.push(source);
    };
    if (gitignore) add('.gitignore', readLines(join(dir, '.gitignore')));
    if (eslintIgnores) {
      add('.eslintignore', readLines(join(dir, '.eslintignore')));
      for (const name of ['eslint.config.js', 'eslint.config.mjs', 'eslint.config.cjs', 'eslint.config.ts']) {
        add(name, flatConfigIgnores(readText(join(dir, name))));
      }
    }
    add('config', patterns);
    const outDir = (readJsonc(join(dir, 'tsconfig.json'))['compilerOptions'] as { outDir?: unknown } | undefined)?.outDir;
    const build = new Set([...buildOutput, ...(typeof outDir === 'string' ? [outDir] : [])].map((p) => p.replace(/^\.\//, '').replace(/\/+$/, '')).filter((p) => p !== '' && p !== '.'));
    return new SkipRules(matcher, build, sources, maxLineLength, maxFileBytes);
  }

  /** Why the folder `rel` (relative, `/`-separated) is not walked, or undefined when it is. */
  skipsDir(rel: string): string | undefined {
    const name = rel.split('/').pop() ?? rel;
    const fixed = ALWAYS_SKIPPED.get(name);
    if (fixed !== undefined) return fixed;
    if (name.startsWith('.')) return 'dot-folder';
    if (this.#buildOutput.has(rel)) return 'build output (tsconfig outDir)';
    if (this.#ignored(`${rel}/`)) return 'ignored by the project';
    return undefined;
  }

  /** Why the file `rel` is not source by its name or ignore patterns, or undefined (content not read). */
  skipsFileName(rel: string): string | undefined {
    if (DECLARATION.test(rel)) return 'declaration file';
    if (MINIFIED_NAME.test(rel)) return 'minified or bundled';
    if (BUNDLED_LIBRARY.test(rel)) return 'bundled third-party library';
    if (this.#ignored(rel)) return 'ignored by the project';
    return undefined;
  }

  /** Why a file with this content is not source (bundled or emitted), or undefined. */
  skipsContent(content: string): string | undefined {
    if (content.length > this.#maxFileBytes) return `larger than ${Math.round(this.#maxFileBytes / 1024)} KiB (bundled or generated)`;
    if (SOURCE_MAP_COMMENT.test(content.slice(-2000))) return 'emitted code (sourceMappingURL)';
    if (GENERATED_HEADER.test(content.slice(0, 2000))) return 'generated file';
    // Minified code has long lines throughout; a hand-written file may hold one long string or
    // type, so one long line alone only counts when it is extreme.
    // A long comment line is prose (a doc paragraph), not minified code.
    const lines = content.split('\n').filter((l) => !/^\s*(\/\/|\/\*|\*)/.test(l));
    const longest = lines.reduce((max, l) => Math.max(max, l.length), 0);
    const nonEmpty = lines.filter((l) => l.trim() !== '');
    const average = nonEmpty.reduce((sum, l) => sum + l.length, 0) / Math.max(1, nonEmpty.length);
    if (longest > 10 * this.#maxLineLength || (longest > this.#maxLineLength && average > 200)) return `lines up to ${longest} characters (minified or bundled)`;
    if (/\b(webpackBootstrap|__webpack_require__|define\.amd)\b/.test(content.slice(0, 4000))) return 'bundled (module loader preamble)';
    return undefined;
  }

  #ignored(rel: string): boolean {
    try {
      return this.#matcher.ignores(rel);
    } catch {
      // `ignore` throws on paths it considers invalid (absolute, `..`): such a path is not ours to skip.
      return false;
    }
  }
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function readLines(path: string): string[] {
  return readText(path).split(/\r?\n/);
}

/**
 * The string literals of `ignores: [...]` arrays in a flat ESLint config, read as text: loading the
 * config would execute the project's code and need its plugins installed. Anything not a plain
 * string list (spreads, variables) is left out; that is the "where simple to read" limit.
 */
function flatConfigIgnores(text: string): string[] {
  const out: string[] = [];
  for (const match of text.matchAll(/\bignores\s*:\s*\[([^\]]*)\]/g)) {
    for (const literal of (match[1] ?? '').matchAll(/(['"`])((?:(?!\1)[^\\\n]|\\.)*)\1/g)) {
      const pattern = literal[2] ?? '';
      if (pattern !== '' && !pattern.includes('${')) out.push(pattern);
    }
  }
  return out;
}
