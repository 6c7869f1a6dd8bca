import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { limitReads } from './limitReads.js';
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
/** Files of a folder whose reading starts before the walk reaches them. */
const READ_AHEAD = 64;
/** A TypeScript or JavaScript file (declarations included); only these are checked for minified/bundled/emitted code. */
export const CODE_FILE = /\.[cm]?[jt]sx?$/;

/**
 * Lists a target's source files as sorted `/`-separated paths relative to `dir`, honouring the
 * skip rules every agent shares (`SkipRules`: dependencies, build output, coverage, vendored and
 * ignored folders, minified or bundled files). `roots` may name files as well as folders.
 */
export async function listSourceFiles(dir: string, options: ListSourceFilesOptions = {}): Promise<string[]> {
  const { extensions = DEFAULT_EXTENSIONS, roots = ['.'], limit = 5000, onSkip } = options;
  const skip = options.skip ?? SkipRules.load(dir);
  const out = new Set<string>();
  // undefined: `rel` is a source file to keep; a string: why it is skipped (told to onSkip); null: not a candidate (other extension, unreadable).
  const verdict = async (full: string, rel: string): Promise<string | null | undefined> => {
    if (!extensions.some((ext) => rel.endsWith(ext))) return null;
    const byName = skip.skipsFileName(rel);
    if (byName !== undefined || !CODE_FILE.test(rel)) return byName;
    const content = await readFile(full, 'utf8').catch(() => undefined);
    return content === undefined ? null : skip.skipsContent(content);
  };
  const keep = (rel: string, why: string | null | undefined): void => {
    if (why === undefined) out.add(rel);
    else if (why !== null) onSkip?.(rel, why);
  };
  const walk = async (folder: string): Promise<void> => {
    if (out.size >= limit) return;
    const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
    entries.sort((a, b) => a.name.localeCompare(b.name));
    const rel = (name: string): string => relative(dir, join(folder, name)).replaceAll('\\', '/');
    // A folder's files are read ahead of the walk, READ_AHEAD at a time (see limitReads), and kept
    // in the walk's order: past the limit, at most READ_AHEAD files were read for nothing.
    const files = entries.filter((e) => e.isFile());
    const verdicts: Array<Promise<string | null | undefined>> = [];
    const verdictOf = (index: number): Promise<string | null | undefined> => {
      for (let i = verdicts.length; i < Math.min(files.length, index + READ_AHEAD); i++) {
        const name = files[i]!.name;
        verdicts.push(limitReads(() => verdict(join(folder, name), rel(name))));
      }
      return verdicts[index]!;
    };
    let fileIndex = 0;
    for (const entry of entries) {
      if (out.size >= limit) return;
      if (entry.isDirectory()) {
        const why = skip.skipsDir(rel(entry.name));
        if (why === undefined) await walk(join(folder, entry.name));
        else if (why !== 'dependencies' && why !== 'version control' && why !== 'dot-folder') onSkip?.(`${rel(entry.name)}/`, why);
      } else if (entry.isFile()) {
        keep(rel(entry.name), await verdictOf(fileIndex++));
      }
    }
  };
  for (const root of roots) {
    const full = join(dir, root);
    const info = await stat(full).catch(() => null);
    const rel = relative(dir, full).replaceAll('\\', '/');
    if (info?.isDirectory()) await walk(full);
    else if (info?.isFile()) keep(rel, await verdict(full, rel));
  }
  return [...out].sort();
}
