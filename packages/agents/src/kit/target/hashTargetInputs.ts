import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Folders whose content is not an input: installed packages, git's database, our own output. */
const NOT_INPUTS = new Set(['node_modules', '.git', '.qe-fleet']);
/** Inside node_modules, the files that change whenever the installed set changes (npm, pnpm). */
const INSTALL_STATE = ['node_modules/.package-lock.json', 'node_modules/.modules.yaml'];

async function listFiles(dir: string, prefix: string, out: string[]): Promise<void> {
  const entries = await readdir(join(dir, prefix), { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    const path = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) {
      if (!NOT_INPUTS.has(entry.name)) await listFiles(dir, path, out);
    } else if (entry.isFile()) out.push(path);
  }
}

/**
 * A sha-256 over every file of the target an agent could read (path and content; sources, tests,
 * pages, API descriptions, lockfiles, ignored files too), plus the installed-package state and
 * `extra` (what else decides a run: versions, options); `dir` may also be one file. Deliberately
 * wider than any one agent's reads: a result reused on an equal hash can never be stale, at the
 * price of re-running agents after an edit they did not need to see.
 */
export async function hashTargetInputs(dir: string, extra: readonly string[] = []): Promise<string> {
  const files: string[] = [];
  // A single file (an advisories export) is its own only input.
  if ((await stat(dir).catch(() => undefined))?.isFile()) files.push('');
  else await listFiles(dir, '', files);
  files.sort();
  const hash = createHash('sha256');
  for (const value of extra) hash.update(`extra\0${value}\0`);
  for (const file of [...files, ...INSTALL_STATE]) {
    const content = await readFile(join(dir, file)).catch(() => undefined);
    if (content === undefined) continue;
    hash.update(`${file}\0${content.length}\0`);
    hash.update(content);
  }
  return hash.digest('hex');
}
