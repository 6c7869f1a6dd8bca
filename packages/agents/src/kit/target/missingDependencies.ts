import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import ts from '../typescript/ts.js';

const BUILTIN = new Set(builtinModules);

/**
 * Packages the target's `files` (relative to `dir`) import or require that Node would not find
 * from the target folder (no `node_modules/<name>` here or above). Agents that load the target's
 * code check this first, so an uninstalled checkout is reported as "run npm install", not as a
 * crash inside generated code. A declared dependency nothing imports does not count. `imports`:
 * the files' imports when the caller has read them already (`fileImports`).
 */
export function missingDependencies(dir: string, files: readonly string[], imports: readonly FileImport[] = fileImports(dir, files)): string[] {
  const missing = new Set<string>();
  for (const { specifier } of imports) {
    if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:') || specifier.startsWith('#')) continue;
    const parts = specifier.split('/');
    const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
    if (BUILTIN.has(name) || missing.has(name)) continue;
    if (!resolvable(dir, name)) missing.add(name);
  }
  return [...missing].sort();
}

const EXTENSIONS = ['', '.js', '.cjs', '.mjs', '.json', '.ts', '.mts', '.cts', '.jsx', '.tsx', '/index.js', '/index.cjs', '/index.mjs', '/index.ts'];

/**
 * Relative `imports` (of files under `dir`) that resolve to nothing inside a top-level folder of
 * `dir` that does not exist (`dist/`, `build/`): the build has not run. A missing file in a folder
 * that is there is the project's own problem, for its suite to report.
 */
export function missingBuildOutput(dir: string, imports: readonly FileImport[]): string[] {
  const out: string[] = [];
  for (const { file, specifier } of imports) {
    if (!specifier.startsWith('.')) continue;
    const path = join(dir, dirname(file), specifier);
    const inside = relative(dir, path);
    const top = inside.split(sep)[0]!;
    if (inside.startsWith('..') || top === inside || existsSync(join(dir, top))) continue;
    if (!EXTENSIONS.some((ext) => existsSync(path + ext))) out.push(`${specifier} (from ${file})`);
  }
  return out;
}

/** One import or require of a file (relative to the target) and what it names. */
export interface FileImport {
  file: string;
  specifier: string;
}

/**
 * What each of `files` (relative to `dir`) imports or requires; unreadable files are skipped. The
 * TypeScript pre-processor reads real imports and requires only: an `import ky from 'ky'` in a doc
 * comment's example (ky's own docs are full of them) is not one.
 */
export function fileImports(dir: string, files: readonly string[]): FileImport[] {
  const out: FileImport[] = [];
  for (const file of files) {
    let text = '';
    try {
      text = readFileSync(join(dir, file), 'utf8');
    } catch {
      continue;
    }
    for (const { fileName: specifier } of ts.preProcessFile(text, true, true).importedFiles) out.push({ file, specifier });
  }
  return out;
}

function resolvable(dir: string, name: string): boolean {
  for (let at = dir; ; at = dirname(at)) {
    if (existsSync(join(at, 'node_modules', name, 'package.json'))) return true;
    if (dirname(at) === at) return false;
  }
}
