import { readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from './ts.js';

/** Which of a target's files a tsconfig.json gives type information to. */
export interface TsconfigCoverage {
  /** Files (relative, `/`-separated, from the input) some tsconfig.json of the target includes. */
  covered: string[];
  /** The others, with the reason in `reason`. */
  uncovered: string[];
  /** The tsconfig.json files looked at, relative to the target. */
  tsconfigs: string[];
  /** Why files are uncovered ("no tsconfig.json", "not in the include of tsconfig.json"). */
  reason: string;
}

const SKIPPED = new Set(['node_modules', 'dist', 'build', 'coverage', 'out']);

function findTsconfigs(dir: string, folder = dir, depth = 0, out: string[] = []): string[] {
  // Deep enough for monorepo packages, bounded so a huge tree cannot stall an agent.
  if (depth > 4) return out;
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(folder, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const entry of entries) {
    if (entry.isFile() && entry.name === 'tsconfig.json') out.push(join(folder, entry.name));
    else if (entry.isDirectory() && !entry.name.startsWith('.') && !SKIPPED.has(entry.name)) findTsconfigs(dir, join(folder, entry.name), depth + 1, out);
  }
  return out;
}

/**
 * Splits `files` into those a tsconfig.json of the target includes (where typescript-eslint's
 * project service finds a program, so type-aware rules can run: `.js` files only with `allowJs`)
 * and the rest (tests a tsconfig excludes, JavaScript projects), which get syntactic rules only.
 * A tsconfig whose `extends` cannot be resolved (its package is not installed) still counts with
 * its own `include`/`exclude`: the project service falls back the same way.
 */
export function tsconfigCoverage(dir: string, files: readonly string[]): TsconfigCoverage {
  const root = resolve(dir);
  const tsconfigs = findTsconfigs(root);
  const included = new Set<string>();
  for (const path of tsconfigs) {
    const host: ts.ParseConfigFileHost = { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined };
    const parsed = ts.getParsedCommandLineOfConfigFile(path, {}, host);
    if (parsed === undefined) continue;
    for (const name of parsed.fileNames) included.add(relative(root, resolve(dirname(path), name)).replaceAll('\\', '/'));
  }
  const covered = files.filter((f) => included.has(f));
  const uncovered = files.filter((f) => !included.has(f));
  const reason = tsconfigs.length === 0 ? 'no tsconfig.json in the target' : `not included by ${tsconfigs.map((p) => relative(root, p).replaceAll('\\', '/')).join(', ')}`;
  return { covered, uncovered, tsconfigs: tsconfigs.map((p) => relative(root, p).replaceAll('\\', '/')), reason };
}
