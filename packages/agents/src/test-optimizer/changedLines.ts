import { AgentError } from '../kit/agent/AgentError.js';
import { runProcess } from '../kit/process/runProcess.js';
import type { CoverageMap } from '../kit/suite/SuiteRun.js';
import { relative, sep } from 'node:path';

/** Changed lines per file (relative, `/`-separated), as `git diff -U0` reports the new side. */
export type ChangedLines = Map<string, Set<number>>;

/**
 * The lines changed in the work tree against `base` (a commit, branch or `HEAD`): `git diff -U0
 * <base>` hunks, new-side line numbers; a deleted range counts as its neighbouring line. Outside a
 * git work tree: AgentError UNSUPPORTED_TARGET.
 */
export async function changedLines(dir: string, base: string, signal?: AbortSignal): Promise<ChangedLines> {
  const result = await runProcess('git', ['diff', '-U0', '--no-color', '--no-ext-diff', base, '--', '.'], { cwd: dir, timeoutMs: 60_000, ...(signal === undefined ? {} : { signal }) });
  if (result.exitCode !== 0) throw new AgentError('UNSUPPORTED_TARGET', `git diff ${base} failed in ${dir}: ${result.stderr.trim().slice(0, 300)}`);
  // git prints paths relative to the repository root; the target may be a sub-folder of it.
  const top = await runProcess('git', ['rev-parse', '--show-prefix'], { cwd: dir, timeoutMs: 30_000 });
  const prefix = top.stdout.trim();
  return parseDiff(result.stdout, prefix);
}

/** Parses `git diff -U0` output into changed new-side lines per file, dropping `prefix` (the target's folder in the repository). */
export function parseDiff(diff: string, prefix = ''): ChangedLines {
  const out: ChangedLines = new Map();
  let file: string | undefined;
  for (const line of diff.split('\n')) {
    if (line.startsWith('+++ ')) {
      const path = line.slice(4).replace(/^b\//, '');
      file = path === '/dev/null' ? undefined : path.startsWith(prefix) ? path.slice(prefix.length) : undefined;
      continue;
    }
    const hunk = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/.exec(line);
    if (hunk && file !== undefined) {
      const start = Number(hunk[1]);
      const count = hunk[2] === undefined ? 1 : Number(hunk[2]);
      const lines = out.get(file) ?? new Set<number>();
      if (count === 0) lines.add(Math.max(1, start));
      for (let i = 0; i < count; i++) lines.add(start + i);
      out.set(file, lines);
    }
  }
  return out;
}

/** Source lines (`file:line`, relative to `dir`) a coverage map shows executed. */
export function coveredLines(coverage: CoverageMap | undefined, dir: string): Set<string> {
  const out = new Set<string>();
  for (const [path, data] of Object.entries(coverage ?? {})) {
    const file = relative(dir, path).split(sep).join('/');
    for (const [id, hits] of Object.entries(data.s)) {
      if (hits <= 0) continue;
      const loc = data.statementMap[id];
      if (loc === undefined) continue;
      // c8 reports one statement per source line; a start line is the line.
      out.add(`${file}:${loc.start.line}`);
    }
  }
  return out;
}
