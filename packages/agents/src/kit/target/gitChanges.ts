import type { SkippedSurface } from '../agent/AgentCore.js';
import { runProcess } from '../process/runProcess.js';

/** Files of a change set, or why there is none. */
export interface ChangedFiles {
  /** Members of `all` changed against HEAD or untracked. */
  files: string[];
  skipped?: SkippedSurface;
}

const git = (dir: string, args: string[], signal: AbortSignal | undefined) => runProcess('git', args, { cwd: dir, timeoutMs: 20_000, ...(signal === undefined ? {} : { signal }) });

/**
 * The members of `all` (relative paths) that differ from git HEAD or are untracked: a change set.
 * Outside a work tree, without a commit, or on a clean checkout the list is empty and `skipped`
 * says why (a strategy reports that instead of a silent "nothing to do").
 */
export async function changedFiles(dir: string, all: readonly string[], signal?: AbortSignal): Promise<ChangedFiles> {
  const inside = await git(dir, ['rev-parse', '--is-inside-work-tree'], signal);
  if (inside.exitCode !== 0 || inside.stdout.trim() !== 'true') {
    return { files: [], skipped: { surface: 'changed files', reason: `not a git work tree: ${inside.stderr.trim().slice(0, 200) || 'git rev-parse said no'}` } };
  }
  const diff = await git(dir, ['diff', '--name-only', '--relative', 'HEAD'], signal);
  if (diff.exitCode !== 0) return { files: [], skipped: { surface: 'changed files', reason: `git diff HEAD failed (no commit yet?): ${diff.stderr.trim().slice(0, 200)}` } };
  const untracked = await git(dir, ['ls-files', '--others', '--exclude-standard'], signal);
  const changed = new Set([...diff.stdout.split('\n'), ...untracked.stdout.split('\n')].filter(Boolean));
  const files = all.filter((file) => changed.has(file));
  if (files.length === 0) return { files, skipped: { surface: 'changed files', reason: `clean checkout: none of the ${all.length} source files differs from HEAD` } };
  return { files };
}

/**
 * Days since each file (relative to `dir`) last changed: 0 for uncommitted edits and untracked
 * files, else the age of the newest commit touching it within `windowDays`. Empty outside git.
 */
export async function lastChanged(dir: string, windowDays: number, now: number, signal?: AbortSignal): Promise<Map<string, number>> {
  const ages = new Map<string, number>();
  const log = await git(dir, ['log', `--since=${windowDays}.days`, '--name-only', '--relative', '--format=@%ct'], signal).catch(() => undefined);
  if (log === undefined || log.exitCode !== 0) return ages;
  let time = 0;
  for (const line of log.stdout.split('\n')) {
    if (line.startsWith('@')) time = Number(line.slice(1)) * 1000;
    else if (line.trim() !== '' && !ages.has(line.trim())) ages.set(line.trim(), Math.max(0, (now - time) / 86_400_000));
  }
  const status = await git(dir, ['status', '--porcelain', '--untracked-files=all', '.'], signal).catch(() => undefined);
  const prefix = await git(dir, ['rev-parse', '--show-prefix'], signal).catch(() => undefined);
  const base = prefix?.stdout.trim() ?? '';
  for (const line of status?.stdout.split('\n') ?? []) {
    const path = line.slice(3).trim().split(' -> ').pop() ?? '';
    if (path !== '') ages.set(path.startsWith(base) ? path.slice(base.length) : path, 0);
  }
  return ages;
}
