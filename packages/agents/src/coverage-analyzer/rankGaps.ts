import type { Severity } from '../kit/findings/Finding.js';
import type { CoverageGap } from './coverageGaps.js';

/** Why a gap matters: the facts its risk is computed from. */
export interface GapRisk {
  /** Branch arms in the region (a function with none is straight-line code). */
  complexity: number;
  /** Exported names the region holds (the function itself, or a whole file's exports). */
  exports: string[];
  /** Days since the file last changed in git (0 = uncommitted edits); undefined outside git or older than the window. */
  changedDaysAgo?: number;
  /** Lines no test executed in the region. */
  uncoveredLines: number;
  /** The score gaps are ordered by (higher = look first). */
  score: number;
  severity: Severity;
}

/** Days within which a change counts as recent. */
export const RECENT_DAYS = 90;

/**
 * Risk of a coverage gap: how much untested behaviour it hides (uncovered lines, and branch arms as
 * complexity, both on a log scale so one huge file does not drown every function), doubled for the
 * public API (callers outside the project depend on it), and up to 1.5× for a recent change (new
 * code is where defects are: the weight falls linearly to 1 over `RECENT_DAYS`). Severity: `high`
 * from a score of 8, `medium` from 4, else `low`.
 */
export function rankGap(gap: CoverageGap, exports: string[], changedDaysAgo: number | undefined): GapRisk {
  const complexity = gap.branchCount;
  const size = Math.log2(2 + gap.uncoveredLines.length) + Math.log2(1 + (gap.kind === 'branches' ? gap.uncoveredBranches.length : complexity));
  const api = exports.length > 0 ? 2 : 1;
  const recency = changedDaysAgo === undefined ? 1 : 1 + 0.5 * Math.max(0, 1 - changedDaysAgo / RECENT_DAYS);
  const score = Math.round(size * api * recency * 100) / 100;
  const severity: Severity = score >= 8 ? 'high' : score >= 4 ? 'medium' : 'low';
  return { complexity, exports, ...(changedDaysAgo === undefined ? {} : { changedDaysAgo }), uncoveredLines: gap.uncoveredLines.length, score, severity };
}

/** `[3, 4, 5, 9]` → `3-5, 9`. */
export function lineRanges(lines: readonly number[]): string {
  const sorted = [...new Set(lines)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const start = sorted[i]!;
    while (i + 1 < sorted.length && sorted[i + 1] === sorted[i]! + 1) i++;
    parts.push(start === sorted[i] ? `${start}` : `${start}-${sorted[i]}`);
  }
  return parts.join(', ');
}
