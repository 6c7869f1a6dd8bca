/** A proportion's 95 % (by default) interval. */
export interface Interval {
  low: number;
  high: number;
}

/** Wilson score interval of k successes in n trials (z = 1.96: 95 %); [0, 1] for n = 0. */
export function wilsonInterval(k: number, n: number, z = 1.96): Interval {
  if (n === 0) return { low: 0, high: 1 };
  const p = k / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/**
 * After n runs that all passed, the one-sided (1 − alpha) upper bound on the failure rate:
 * 1 − alpha^(1/n) (the exact Clopper–Pearson bound for 0 failures; ≈ 3/n at 95 %).
 */
export function allPassUpperBound(n: number, alpha = 0.05): number {
  return n <= 0 ? 1 : 1 - alpha ** (1 / n);
}

/** Runs needed so that all passing bounds the failure rate below `rate` with confidence 1 − alpha. */
export function rerunsForBound(rate: number, alpha = 0.05): number {
  return Math.ceil(Math.log(alpha) / Math.log(1 - rate));
}

/**
 * One-sided Fisher exact test on the 2×2 table (failures/passes in condition A vs condition B):
 * the probability, with the margins fixed, of A holding at least `failA` of the failures by
 * chance. Small = failures concentrate in condition A (e.g. "alone") beyond chance.
 */
export function fisherOneSided(failA: number, passA: number, failB: number, passB: number): number {
  const nA = failA + passA;
  const fails = failA + failB;
  const n = nA + failB + passB;
  const logC = (a: number, b: number): number => logFactorial(a) - logFactorial(b) - logFactorial(a - b);
  let p = 0;
  for (let x = failA; x <= Math.min(nA, fails); x++) p += Math.exp(logC(nA, x) + logC(n - nA, fails - x) - logC(n, fails));
  return Math.min(1, p);
}

function logFactorial(n: number): number {
  let s = 0;
  for (let i = 2; i <= n; i++) s += Math.log(i);
  return s;
}
