import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { CODE_FILE } from './listSourceFiles.js';

const require = createRequire(import.meta.url);
let ts: typeof import('typescript') | undefined;
/**
 * TypeScript, loaded on the first call: target discovery is on every command's path (the CLI's
 * `--help` and dashboard too), and the compiler costs about 0.5 s to load.
 */
const typescript = (): typeof import('typescript') => (ts ??= require('typescript') as typeof import('typescript'));

const EXTENSIONS = ['', '.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];

/**
 * The files (relative to `dir`, `/`-separated) that the code file `file` imports, re-exports or
 * requires by a relative path, resolved as Node and tsc do (`.js` specifiers of TS sources,
 * extensionless paths, `index` files); a specifier that names no file is left out. Reads imports
 * with the TypeScript pre-processor: an import in a comment or a string is none.
 */
export function localImports(dir: string, file: string): string[] {
  if (!CODE_FILE.test(file)) return [];
  let text: string;
  try {
    text = readFileSync(join(dir, file), 'utf8');
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const { fileName } of typescript().preProcessFile(text, true, true).importedFiles) {
    if (!fileName.startsWith('.')) continue;
    const resolved = resolveLocal(dir, join(dirname(join(dir, file)), fileName));
    if (resolved !== undefined) out.push(resolved);
  }
  return out;
}

/**
 * What `files` load by relative path, transitively: the files `localImports` reaches that `accept`
 * takes (default all), each followed in turn, outside `files` themselves, dependencies
 * (`node_modules`) and anything above `dir`. Sorted.
 */
export function importClosure(dir: string, files: readonly string[], accept: (file: string) => boolean = () => true): string[] {
  const seen = new Set(files);
  const added: string[] = [];
  const queue = [...files];
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    for (const next of localImports(dir, file)) {
      if (seen.has(next)) continue;
      seen.add(next);
      if (next.startsWith('../') || next.split('/').includes('node_modules') || !accept(next)) continue;
      added.push(next);
      queue.push(next);
    }
  }
  return added.sort();
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
