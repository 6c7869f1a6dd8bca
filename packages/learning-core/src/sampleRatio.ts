/**
 * Sample-ratio-mismatch check: a chi-square goodness-of-fit test of the counts an A/B test saw per
 * arm against the shares its design promised. A mismatch means traffic or results went missing
 * unevenly, so any difference between the arms may come from that and not from the strategies.
 */

/** Result of a goodness-of-fit test. */
export interface ChiSquareResult {
  chiSquare: number;
  degreesOfFreedom: number;
  pValue: number;
}

/**
 * Chi-square goodness of fit of `observed` counts against `expectedShares` (any positive weights;
 * normalised here). Arms whose share is 0 are left out. With no counts the p-value is 1.
 */
export function chiSquareGoodnessOfFit(
  observed: readonly number[],
  expectedShares: readonly number[],
): ChiSquareResult {
  const total = observed.reduce((s, n) => s + n, 0);
  const shareSum = expectedShares.reduce((s, w) => s + w, 0);
  let chiSquare = 0;
  let cells = 0;
  for (let i = 0; i < observed.length; i++) {
    const share = (expectedShares[i] ?? 0) / shareSum;
    if (!(share > 0)) continue;
    const expected = total * share;
    const diff = (observed[i] ?? 0) - expected;
    chiSquare += expected > 0 ? (diff * diff) / expected : 0;
    cells++;
  }
  const degreesOfFreedom = Math.max(cells - 1, 1);
  return { chiSquare, degreesOfFreedom, pValue: total > 0 ? chiSquareSurvival(chiSquare, degreesOfFreedom) : 1 };
}

/** P(X ≥ x) for X ~ chi-square with `df` degrees of freedom. */
export function chiSquareSurvival(x: number, df: number): number {
  if (!(x > 0)) return 1;
  return regularizedGammaQ(df / 2, x / 2);
}

/** Upper regularised incomplete gamma Q(a, x) (series below a + 1, continued fraction above). */
function regularizedGammaQ(a: number, x: number): number {
  const logPrefix = a * Math.log(x) - x - logGamma(a);
  if (x < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 500 && Math.abs(term) > Math.abs(sum) * 1e-15; n++) {
      term *= x / (a + n);
      sum += term;
    }
    return Math.max(0, 1 - sum * Math.exp(logPrefix));
  }
  // Lentz's method for the continued fraction of Q.
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 500; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return Math.min(1, Math.exp(logPrefix) * h);
}

const LANCZOS = [
  676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(z) for z > 0 (Lanczos, g = 7). */
function logGamma(z: number): number {
  if (z < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * z)) - logGamma(1 - z);
  const zz = z - 1;
  let x = 0.99999999999980993;
  for (let i = 0; i < LANCZOS.length; i++) x += LANCZOS[i]! / (zz + i + 1);
  const t = zz + LANCZOS.length - 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (zz + 0.5) * Math.log(t) - t + Math.log(x);
}
