import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { CoverageMap } from '../kit/suite/SuiteRun.js';
import { escapeRegExp } from '../kit/suite/escapeRegExp.js';

/** What part of the code no test executed. */
export type GapKind = 'file' | 'function' | 'branches';

/** One uncovered region: a whole file no test loads, a function no test calls, or the untaken branches of a called function. */
export interface CoverageGap {
  kind: GapKind;
  /** Relative to the target. */
  file: string;
  /** The function's name (`(file)` for a whole file, `(module)` for top-level code). */
  name: string;
  /** First line of the region (the function's declaration; 1 for a file). */
  line: number;
  /** Last line of the region. */
  endLine: number;
  /** Source lines in the region no test executed. */
  uncoveredLines: number[];
  /** Untaken branch arms in the region: `line` of each and its type (`if`, `cond-expr`, `binary-expr`, `switch`…). */
  uncoveredBranches: Array<{ line: number; type: string }>;
  /** Branch arms in the region (taken or not): the complexity the gap hides. */
  branchCount: number;
}

interface Range {
  start: { line: number; column?: number | null };
  end: { line: number; column?: number | null };
}

const inside = (range: Range, line: number): boolean => line >= range.start.line && line <= range.end.line;

/**
 * The coverage gaps of an istanbul coverage map (as c8 or a runner's provider writes it): each
 * file whose statements all have zero hits is one `file` gap spanning the file; otherwise each
 * function with zero calls is a `function` gap over its declaration, and each called function
 * with an untaken branch arm is a `branches` gap over the function. Arms outside any function
 * (module level) form one `branches` gap named `(module)`.
 */
export function coverageGaps(coverage: CoverageMap, dir: string): CoverageGap[] {
  const gaps: CoverageGap[] = [];
  for (const [key, data] of Object.entries(coverage)) {
    const file = relative(dir, data.path ?? key).replaceAll('\\', '/');
    const statements = Object.entries(data.statementMap) as Array<[string, Range]>;
    const hits = (id: string): number => data.s[id] ?? 0;
    const uncoveredStatementLines = (range?: Range): number[] => {
      const lines = new Set<number>();
      for (const [id, loc] of statements) {
        if (hits(id) > 0 || (range !== undefined && !inside(range, loc.start.line))) continue;
        for (let l = loc.start.line; l <= loc.end.line; l++) lines.add(l);
      }
      return [...lines].sort((a, b) => a - b);
    };
    const arms: Array<{ line: number; type: string; taken: boolean }> = [];
    for (const [id, branch] of Object.entries(data.branchMap) as Array<[string, { type: string; loc?: Range; locations: Range[]; line?: number }]>) {
      const counts = data.b[id] ?? [];
      branch.locations.forEach((loc, i) => {
        const line = loc.start.line ?? branch.loc?.start.line ?? branch.line ?? 0;
        arms.push({ line, type: branch.type, taken: (counts[i] ?? 0) > 0 });
      });
    }
    const source = readLines(data.path ?? key);
    const everyStatementMissed = statements.length > 0 && statements.every(([id]) => hits(id) === 0);
    if (everyStatementMissed || statements.length === 0) {
      if (statements.length === 0 && arms.length === 0) continue;
      const endLine = Math.max(source?.length ?? 1, ...statements.map(([, loc]) => loc.end.line));
      gaps.push({ kind: 'file', file, name: '(file)', line: 1, endLine, uncoveredLines: uncoveredStatementLines(), uncoveredBranches: arms.map(({ line, type }) => ({ line, type })), branchCount: arms.length });
      continue;
    }
    // A named function whose name the source does not have where it maps (its lines and the three
    // on either side: a transform's source map may place a declaration a few lines off) was added
    // by a transform, as vitest's SSR transform gives every export a `get` accessor on the
    // export's line: no test calls it, and none could.
    const declared = (name: string, from: number, to: number): boolean => {
      const own = name.split(/[.\s]/).pop() ?? name;
      return source === undefined || name.startsWith('(anonymous') || new RegExp(`(?<![\\w$])${escapeRegExp(own)}(?![\\w$])`).test(source.slice(Math.max(from - 4, 0), Math.max(to, from) + 3).join('\n'));
    };
    const functions = (Object.entries(data.fnMap) as Array<[string, { name: string; decl?: Range; loc: Range; line?: number }]>).filter(([, fn]) => fn.loc.start.line > 0 && declared(fn.name, fn.decl?.start.line ?? fn.loc.start.line, fn.loc.end.line));
    const inAnyFunction = (line: number): boolean => functions.some(([, fn]) => inside(fn.loc, line));
    for (const [id, fn] of functions) {
      const region = { start: { line: fn.decl?.start.line ?? fn.loc.start.line }, end: { line: fn.loc.end.line } };
      // Arms of a nested function belong to the nested one.
      const nested = functions.filter(([other, o]) => other !== id && inside(fn.loc, o.loc.start.line) && (o.loc.start.line > fn.loc.start.line || o.loc.end.line < fn.loc.end.line));
      const own = (line: number): boolean => inside(fn.loc, line) && !nested.some(([, o]) => inside(o.loc, line));
      const ownArms = arms.filter((a) => own(a.line));
      const name = fn.name.startsWith('(anonymous') ? `anonymous function at line ${region.start.line}` : fn.name;
      if ((data.f[id] ?? 0) === 0) {
        gaps.push({ kind: 'function', file, name, line: region.start.line, endLine: region.end.line, uncoveredLines: uncoveredStatementLines(fn.loc), uncoveredBranches: ownArms.map(({ line, type }) => ({ line, type })), branchCount: ownArms.length });
        continue;
      }
      const untaken = ownArms.filter((a) => !a.taken);
      if (untaken.length === 0) continue;
      gaps.push({
        kind: 'branches',
        file,
        name,
        line: region.start.line,
        endLine: region.end.line,
        uncoveredLines: uncoveredStatementLines(fn.loc).filter(own),
        uncoveredBranches: untaken.map(({ line, type }) => ({ line, type })),
        branchCount: ownArms.length,
      });
    }
    const moduleArms = arms.filter((a) => !inAnyFunction(a.line));
    const moduleUntaken = moduleArms.filter((a) => !a.taken);
    if (moduleUntaken.length > 0) {
      const lines = moduleUntaken.map((a) => a.line);
      gaps.push({ kind: 'branches', file, name: '(module)', line: Math.min(...lines), endLine: Math.max(...lines), uncoveredLines: [], uncoveredBranches: moduleUntaken.map(({ line, type }) => ({ line, type })), branchCount: moduleArms.length });
    }
  }
  return gaps;
}

/** The file's lines (no empty last one after a final newline), undefined when it cannot be read. */
function readLines(path: string): string[] | undefined {
  try {
    const lines = readFileSync(path, 'utf8').split('\n');
    return lines.at(-1) === '' ? lines.slice(0, -1) : lines;
  } catch {
    return undefined;
  }
}
