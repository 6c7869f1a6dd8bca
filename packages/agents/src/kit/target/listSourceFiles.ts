import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { SkipRules } from './SkipRules.js';

/** Options of `listSourceFiles`. */
export interface ListSourceFilesOptions {
  /** File name endings to keep (default TS/JS sources, no declaration files). */
  extensions?: readonly string[];
  /** Folders or files to look in, relative to the target (default: the whole target). */
  roots?: readonly string[];
  /** Stop after this many files, so a huge folder cannot stall an agent (default 5000). */
  limit?: number;
  /** What to skip (default `SkipRules.load(dir)`: the project's ignores plus the built-in rules); pass the profile's to share one. */
  skip?: SkipRules;
  /** Told about each file or folder skipped and why (the profile lists them for the user). */
  onSkip?: (rel: string, reason: string) => void;
}

const DEFAULT_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];
/** Files whose content is checked for minified/bundled/emitted code (reading other text is not needed). */
const CODE = /\.[cm]?[jt]sx?$/;

/**
 * Lists a target's source files as sorted `/`-separated paths relative to `dir`, honouring the
 * skip rules every agent shares (`SkipRules`: dependencies, build output, coverage, vendored and
 * ignored folders, minified or bundled files). `roots` may name files as well as folders.
 */
export async function listSourceFiles(dir: string, options: ListSourceFilesOptions = {}): Promise<string[]> {
  const { extensions = DEFAULT_EXTENSIONS, roots = ['.'], limit = 5000, onSkip } = options;
  const skip = options.skip ?? SkipRules.load(dir);
  const out = new Set<string>();
  const consider = async (full: string, rel: string): Promise<void> => {
    if (!extensions.some((ext) => rel.endsWith(ext))) return;
    const byName = skip.skipsFileName(rel);
    if (byName !== undefined) {
      onSkip?.(rel, byName);
      return;
    }
    if (CODE.test(rel)) {
      const content = await readFile(full, 'utf8').catch(() => undefined);
      if (content === undefined) return;
      const byContent = skip.skipsContent(content);
      if (byContent !== undefined) {
        onSkip?.(rel, byContent);
        return;
      }
    }
    out.add(rel);
  };
  const walk = async (folder: string): Promise<void> => {
    const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      if (out.size >= limit) return;
      const full = join(folder, entry.name);
      const rel = relative(dir, full).replaceAll('\\', '/');
      if (entry.isDirectory()) {
        const why = skip.skipsDir(rel);
        if (why === undefined) await walk(full);
        else if (why !== 'dependencies' && why !== 'version control' && why !== 'dot-folder') onSkip?.(`${rel}/`, why);
      } else if (entry.isFile()) {
        await consider(full, rel);
      }
    }
  };
  for (const root of roots) {
    const full = join(dir, root);
    const info = await stat(full).catch(() => null);
    if (info?.isDirectory()) await walk(full);
    else if (info?.isFile()) await consider(full, relative(dir, full).replaceAll('\\', '/'));
  }
  return [...out].sort();
}
