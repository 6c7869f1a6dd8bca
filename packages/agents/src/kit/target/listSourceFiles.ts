import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';

/** Folders no agent looks into (besides dot-folders): dependencies, build output. */
const SKIPPED = new Set(['node_modules', 'dist', 'build', 'coverage', '.git', '.turbo', '.next', 'out']);

/** Options of `listSourceFiles`. */
export interface ListSourceFilesOptions {
  /** File name endings to keep (default TS/JS sources, no declaration files). */
  extensions?: readonly string[];
  /** Top-level folders to look in, relative to the target (default: the whole target). */
  roots?: readonly string[];
  /** Stop after this many files, so a huge folder cannot stall an agent (default 5000). */
  limit?: number;
}

const DEFAULT_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];

/** Lists a target's source files as sorted `/`-separated paths relative to `dir`. */
export async function listSourceFiles(dir: string, options: ListSourceFilesOptions = {}): Promise<string[]> {
  const { extensions = DEFAULT_EXTENSIONS, roots = ['.'], limit = 5000 } = options;
  const out: string[] = [];
  const walk = async (folder: string): Promise<void> => {
    const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (out.length >= limit) return;
      const full = join(folder, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED.has(entry.name) && !entry.name.startsWith('.')) await walk(full);
      } else if (entry.isFile() && extensions.some((ext) => entry.name.endsWith(ext)) && !/\.d\.[cm]?ts$/.test(entry.name)) {
        out.push(relative(dir, full).replaceAll('\\', '/'));
      }
    }
  };
  for (const root of roots) await walk(join(dir, root));
  return [...new Set(out)].sort();
}
