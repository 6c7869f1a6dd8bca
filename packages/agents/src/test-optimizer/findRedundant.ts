import type { TestSource } from './readTests.js';

/** A test another test subsumes: every line it covers and every assertion it makes. */
export interface Redundancy {
  test: TestSource;
  by: TestSource;
  /** Both cover exactly the same lines and make exactly the same assertions. */
  identical: boolean;
  lines: number;
}

/** Test key: file and full name. */
export function testKey(t: { file: string; name: string }): string {
  return `${t.file} > ${t.name}`;
}

/**
 * Tests whose checks (`TestSource.checks`) are a subset of another test's, naming the same imported code (the static pre-filter: only such pairs
 * need per-test coverage), with the tests they could be subsumed by.
 */
export function assertionSubsumers(tests: readonly TestSource[]): Map<TestSource, TestSource[]> {
  const out = new Map<TestSource, TestSource[]>();
  for (const a of tests) {
    if (a.checks.length === 0) continue;
    // Same checks of the same code: a test of another API that happens to run the same lines is not a copy.
    const by = tests.filter((b) => b !== a && a.checks.every((x) => b.checks.includes(x)) && a.subjects.every((x) => b.subjects.includes(x)) && b.subjects.every((x) => a.subjects.includes(x)));
    if (by.length > 0) out.set(a, by);
  }
  return out;
}

/**
 * Redundant tests: A is redundant when some other passing test B covers every line A covers and
 * makes every assertion A makes. When two tests subsume each other both are reported (either can
 * go, not both); for a strict subset only the smaller one.
 */
export function findRedundant(tests: readonly TestSource[], coverage: ReadonlyMap<string, ReadonlySet<string>>, passed: ReadonlySet<string>): Redundancy[] {
  const out: Redundancy[] = [];
  for (const [a, candidates] of assertionSubsumers(tests)) {
    const ca = coverage.get(testKey(a));
    if (ca === undefined || !passed.has(testKey(a))) continue;
    for (const b of candidates) {
      const cb = coverage.get(testKey(b));
      if (cb === undefined || !passed.has(testKey(b))) continue;
      if (![...ca].every((line) => cb.has(line))) continue;
      const identical = ca.size === cb.size && b.checks.every((x) => a.checks.includes(x));
      out.push({ test: a, by: b, identical, lines: ca.size });
      break;
    }
  }
  return out;
}
