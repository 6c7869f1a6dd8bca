import { readdirSync } from 'node:fs';
import type { Dirent } from 'node:fs';
import { join } from 'node:path';

/** Folders that never hold the project's own sources. */
const SKIPPED = new Set(['node_modules', 'dist', 'build', 'coverage', 'out']);

/**
 * True when `dir` holds at least one file ending in one of `extensions` (declaration files aside),
 * outside dependencies, build output and dot-folders. Synchronous and stops at the first hit, so
 * an agent's `notApplicable` can answer before any work starts.
 */
export function hasSourceFiles(dir: string, extensions: readonly string[], maxEntries = 20_000): boolean {
  let budget = maxEntries;
  const walk = (folder: string): boolean => {
    let entries: Dirent[];
    try {
      entries = readdirSync(folder, { withFileTypes: true });
    } catch {
      return false;
    }
    for (const entry of entries) {
      if (--budget < 0) return false;
      if (entry.isFile() && extensions.some((ext) => entry.name.endsWith(ext)) && !/\.d\.[cm]?ts$/.test(entry.name)) return true;
    }
    for (const entry of entries) {
      if (entry.isDirectory() && !entry.name.startsWith('.') && !SKIPPED.has(entry.name) && walk(join(folder, entry.name))) return true;
    }
    return false;
  };
  return walk(dir);
}
