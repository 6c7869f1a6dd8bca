/** A fault and the tests that reveal it (a mutant and the tests that kill it, a failing change and its failing tests). */
export interface Fault {
  id: string;
  /** Test keys (`file > name`) that detect it. */
  detectedBy: ReadonlySet<string>;
}

/** What the prioritiser knows about one test. */
export interface TestFacts {
  key: string;
  /** Covered source lines (`file:line`). */
  covered: ReadonlySet<string>;
  /** Measured duration, ms (history mean or this run). */
  durationMs: number;
  /** Share of earlier runs in which it failed (0 without history). */
  failureRate: number;
}

/**
 * APFD (Rothermel et al.) of an order for the faults it can detect: 1 - (sum of the first
 * detecting position of each fault) / (n m) + 1 / (2 n). Faults no test in the order detects are
 * left out (the order cannot change them). Undefined without any detectable fault.
 */
export function apfd(order: readonly string[], faults: readonly Fault[]): number | undefined {
  const n = order.length;
  const position = new Map(order.map((key, i) => [key, i + 1]));
  const firsts: number[] = [];
  for (const fault of faults) {
    let first = Infinity;
    for (const key of fault.detectedBy) first = Math.min(first, position.get(key) ?? Infinity);
    if (Number.isFinite(first)) firsts.push(first);
  }
  const m = firsts.length;
  if (n === 0 || m === 0) return undefined;
  return 1 - firsts.reduce((s, p) => s + p, 0) / (n * m) + 1 / (2 * n);
}

/** Mean APFD of `runs` seeded shuffles of `order` (the random baseline). */
export function randomApfd(order: readonly string[], faults: readonly Fault[], random: () => number, runs = 50): number | undefined {
  const values: number[] = [];
  for (let r = 0; r < runs; r++) {
    const shuffled = [...order];
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j] as string, shuffled[i] as string];
    }
    const value = apfd(shuffled, faults);
    if (value !== undefined) values.push(value);
  }
  return values.length === 0 ? undefined : values.reduce((s, v) => s + v, 0) / values.length;
}

/**
 * The prioritised order: tests that failed before come first (by failure rate), then "additional"
 * greedy coverage per millisecond (Rothermel's additional strategy weighted by cost: the test that
 * adds the most not-yet-covered lines per ms of its measured time), restarting when nothing new is
 * left to cover; ties keep the original order.
 */
export function prioritise(tests: readonly TestFacts[]): string[] {
  const remaining = [...tests];
  const order: string[] = [];
  const failing = remaining.filter((t) => t.failureRate > 0).sort((a, b) => b.failureRate - a.failureRate || a.durationMs - b.durationMs);
  const covered = new Set<string>();
  for (const t of failing) {
    order.push(t.key);
    for (const line of t.covered) covered.add(line);
    remaining.splice(remaining.indexOf(t), 1);
  }
  while (remaining.length > 0) {
    let best = -1;
    let bestScore = -1;
    for (const [i, t] of remaining.entries()) {
      let added = 0;
      for (const line of t.covered) if (!covered.has(line)) added++;
      const score = added / Math.max(1, t.durationMs);
      if (score > bestScore) {
        best = i;
        bestScore = score;
      }
    }
    const chosen = remaining[best] as TestFacts;
    if (bestScore <= 0 && covered.size > 0) {
      // Everything left adds nothing new: start a new round of coverage.
      covered.clear();
      continue;
    }
    order.push(chosen.key);
    for (const line of chosen.covered) covered.add(line);
    remaining.splice(best, 1);
  }
  return order;
}

/**
 * The smallest set of tests (greedy set cover, cheapest per fault first) that still detects every
 * fault some test detects; faults no test detects are returned apart.
 */
export function minimalDetectingSet(candidates: readonly TestFacts[], faults: readonly Fault[]): { selected: string[]; undetected: string[] } {
  const keys = new Set(candidates.map((t) => t.key));
  const open = new Map(faults.filter((f) => [...f.detectedBy].some((k) => keys.has(k))).map((f) => [f.id, f]));
  const undetected = faults.filter((f) => !open.has(f.id)).map((f) => f.id);
  const selected: string[] = [];
  while (open.size > 0) {
    let best: TestFacts | undefined;
    let bestScore = 0;
    for (const t of candidates) {
      if (selected.includes(t.key)) continue;
      let hits = 0;
      for (const f of open.values()) if (f.detectedBy.has(t.key)) hits++;
      const score = hits / Math.max(1, t.durationMs);
      if (hits > 0 && score > bestScore) {
        best = t;
        bestScore = score;
      }
    }
    if (best === undefined) break;
    selected.push(best.key);
    for (const [id, f] of open) if (f.detectedBy.has(best.key)) open.delete(id);
  }
  return { selected, undetected };
}
