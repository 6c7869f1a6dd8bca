import type { MutantInfo, MutationTest } from '../kit/mutation/runMutants.js';

/** A test that executes mutants and detects few of them: its assertions do not pin the behaviour down. */
export interface WeakTest {
  test: MutationTest;
  /** Valid mutants (killed, timed out or survived) the test executes. */
  covered: number;
  /** Of those, the ones this test failed on. */
  killed: number;
  /** killed / covered. */
  killRatio: number;
  /** Survivors it executes (and, like every test, did not detect). */
  survivors: MutantInfo[];
}

/** Thresholds of the weak-test rule. */
export interface WeakTestRule {
  /** A test killing less than this share of the mutants it executes is weak (default 0.5). */
  maxKillRatio: number;
  /** Mutants a test must execute before its ratio means anything (default 3). */
  minCovered: number;
}

export const DEFAULT_WEAK_TEST_RULE: WeakTestRule = { maxKillRatio: 0.5, minCovered: 3 };

/**
 * Tests whose own kill ratio (mutants they fail on / valid mutants they execute, from Stryker's
 * per-test `coveredBy` and `killedBy` with bail off) is below `maxKillRatio` and that execute at
 * least one survivor; each survivor is attributed to the weakest test executing it. Survivors no
 * weak test executes are returned as `unattributed` (reported at the mutant's own line).
 */
export function weakTests(mutants: readonly MutantInfo[], tests: readonly MutationTest[], rule: WeakTestRule = DEFAULT_WEAK_TEST_RULE): { weak: WeakTest[]; unattributed: MutantInfo[] } {
  const byId = new Map(tests.map((t) => [t.id, t]));
  const stats = new Map<string, { covered: number; killed: number }>();
  for (const m of mutants) {
    if (m.status !== 'Killed' && m.status !== 'Survived' && m.status !== 'Timeout') continue;
    for (const id of m.coveredBy ?? []) {
      const s = stats.get(id) ?? { covered: 0, killed: 0 };
      s.covered++;
      if (m.status === 'Timeout' || (m.killedBy ?? []).includes(id)) s.killed++;
      stats.set(id, s);
    }
  }
  const ratio = (id: string): number => {
    const s = stats.get(id);
    return s === undefined || s.covered === 0 ? 1 : s.killed / s.covered;
  };
  const isWeak = (id: string): boolean => (stats.get(id)?.covered ?? 0) >= rule.minCovered && ratio(id) < rule.maxKillRatio && byId.has(id);
  const weak = new Map<string, WeakTest>();
  const unattributed: MutantInfo[] = [];
  for (const m of mutants.filter((x) => x.status === 'Survived')) {
    const candidates = (m.coveredBy ?? []).filter(isWeak).sort((a, b) => ratio(a) - ratio(b) || a.localeCompare(b));
    const id = candidates[0];
    if (id === undefined) {
      unattributed.push(m);
      continue;
    }
    const s = stats.get(id)!;
    const entry = weak.get(id) ?? { test: byId.get(id)!, covered: s.covered, killed: s.killed, killRatio: ratio(id), survivors: [] };
    entry.survivors.push(m);
    weak.set(id, entry);
  }
  return { weak: [...weak.values()].sort((a, b) => a.killRatio - b.killRatio || b.survivors.length - a.survivors.length), unattributed };
}
