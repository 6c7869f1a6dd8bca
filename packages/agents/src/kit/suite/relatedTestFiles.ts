import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import ts from '../typescript/ts.js';

const EXTENSIONS = ['', '.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];

/**
 * The test files (relative to `dir`) whose relative imports reach one of `sources`, directly or
 * through other modules of the project: the tests that can observe a change to those files. Reads
 * imports with the TypeScript pre-processor (`.js` specifiers of TS sources resolved as tsc does).
 * A test file importing the package by name is not followed; callers fall back to every test.
 */
export function relatedTestFiles(dir: string, testFiles: readonly string[], sources: readonly string[]): string[] {
  const wanted = new Set(sources.map((s) => s.replace(/:\d+(-\d+)?$/, '')));
  const reaches = new Map<string, boolean>();
  const visit = (file: string, seen: Set<string>): boolean => {
    const known = reaches.get(file);
    if (known !== undefined) return known;
    if (wanted.has(file)) return true;
    if (seen.has(file)) return false;
    seen.add(file);
    let hit = false;
    for (const next of localImports(dir, file)) {
      if (visit(next, seen)) {
        hit = true;
        break;
      }
    }
    reaches.set(file, hit);
    return hit;
  };
  return testFiles.filter((t) => visit(t, new Set()));
}

function localImports(dir: string, file: string): string[] {
  let text: string;
  try {
    text = readFileSync(join(dir, file), 'utf8');
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const { fileName } of ts.preProcessFile(text, true, true).importedFiles) {
    if (!fileName.startsWith('.')) continue;
    const resolved = resolveLocal(dir, join(dirname(join(dir, file)), fileName));
    if (resolved !== undefined) out.push(resolved);
  }
  return out;
}

function resolveLocal(dir: string, base: string): string | undefined {
  const candidates = [base.replace(/\.([cm]?)js$/, '.$1ts'), base.replace(/\.jsx$/, '.tsx'), base];
  for (const candidate of candidates) {
    for (const ext of EXTENSIONS) {
      const path = candidate + ext;
      if (existsSync(path) && statSync(path).isFile()) return relative(dir, path).replaceAll('\\', '/');
    }
    for (const index of ['index.ts', 'index.js', 'index.mjs']) {
      const path = join(candidate, index);
      if (existsSync(path)) return relative(dir, path).replaceAll('\\', '/');
    }
  }
  return undefined;
}
