import { relative, sep } from 'node:path';
import type { CoverageMap } from './SuiteRun.js';

/** Covered and coverable lines and branch arms of an istanbul map, as `file:line` keys (branches `b:file:line`). */
export interface CoverageKeys {
  covered: Set<string>;
  /** Every line and branch arm the map knows (covered or not). */
  all: Set<string>;
}

/**
 * Lines (`rel:line`) and branch arms (`b:rel:line` of the arm's start) of an istanbul coverage map
 * (V8 coverage through v8-to-istanbul: one statement per line), paths relative to `dir`. Two maps
 * of the same sources compare key by key, whatever ran them (a runner, a probe).
 */
export function coverageKeys(map: CoverageMap | undefined, dir: string): CoverageKeys {
  const covered = new Set<string>();
  const all = new Set<string>();
  for (const [path, data] of Object.entries(map ?? {})) {
    const rel = relative(dir, path).split(sep).join('/');
    for (const [key, count] of Object.entries(data.s)) {
      const line = data.statementMap[key]?.start.line;
      if (line === undefined) continue;
      all.add(`${rel}:${line}`);
      if (count > 0) covered.add(`${rel}:${line}`);
    }
    for (const [key, counts] of Object.entries(data.b)) {
      counts.forEach((count, arm) => {
        const line = data.branchMap[key]?.locations[arm]?.start.line;
        if (line === undefined) return;
        all.add(`b:${rel}:${line}`);
        if (count > 0) covered.add(`b:${rel}:${line}`);
      });
    }
  }
  return { covered, all };
}

/** Share of the lines and branch arms of `all` that `covered` holds (1 when there are none). */
export function coverageShares(all: ReadonlySet<string>, covered: ReadonlySet<string>): { lines: number; branches: number } {
  let lines = 0;
  let branches = 0;
  let coveredLines = 0;
  let coveredBranches = 0;
  for (const key of all) {
    const isBranch = key.startsWith('b:');
    if (isBranch) branches += 1;
    else lines += 1;
    if (covered.has(key)) {
      if (isBranch) coveredBranches += 1;
      else coveredLines += 1;
    }
  }
  return { lines: lines === 0 ? 1 : coveredLines / lines, branches: branches === 0 ? 1 : coveredBranches / branches };
}
