import { normalCdf, type ArmContext } from '@qe-fleet/learning-core';
import { AgentDBError } from './AgentDBError.js';

/** One logged decision of the policy that was running (the logging policy). */
export interface LoggedExperience {
  context: ArmContext;
  /** Strategy index chosen. */
  arm: number;
  /** Observed reward, 0..1. */
  reward: number;
  /** Probability with which the logging policy chose `arm` at that moment, in (0, 1]. */
  propensity: number;
}

/** The policy being evaluated: its selection probabilities in a context (held fixed during evaluation). */
export interface EvaluatedPolicy {
  probabilities(ctx: ArmContext, epsilon: number): number[];
}

/** One estimate of a policy's value with its normal confidence interval. */
export interface ValueEstimate {
  value: number;
  standardError: number;
  lower: number;
  upper: number;
}

/** What `evaluatePolicy` returns. */
export interface PolicyEvaluation {
  experiences: number;
  /** Mean logged reward: the logging policy's own value, for comparison. */
  loggedValue: number;
  /** Inverse propensity scoring (Horvitz-Thompson): unbiased, high variance. */
  ips: ValueEstimate;
  /** Self-normalised IPS: slightly biased, usually far less variable. */
  snips: ValueEstimate;
  /** Doubly robust (Dudík, Langford & Li 2011) with a cross-fitted reward model. */
  doublyRobust: ValueEstimate;
  /** Kish effective sample size of the importance weights (small = the logs barely cover the policy). */
  effectiveSampleSize: number;
  maxWeight: number;
  /**
   * Doubly robust estimate of (policy's value − logged policy's value) on the same experiences:
   * the mean of DR_i − r_i, whose interval is narrower than two separate intervals (the same
   * tasks' noise cancels). Its lower bound above 0 says the policy beats the logged one.
   */
  versusLogged: ValueEstimate;
}

/** Options of `evaluatePolicy`. */
export interface EvaluatePolicyOptions {
  /** Epsilon passed to `probabilities` (epsilon-greedy policies). Default 0. */
  epsilon?: number;
  /** Two-sided confidence level of the intervals. Default 0.95. */
  confidence?: number;
  /** Cell of the doubly robust reward model. Default the task type (`ctx.type`). */
  rewardModelKey?: (ctx: ArmContext) => number;
  /**
   * The policy's probabilities per experience (same order), instead of asking `policy` once per
   * state: for a policy that learns as it goes (`evaluateAlgorithm` replays the logs through it).
   */
  targetProbabilities?: ReadonlyArray<readonly number[]>;
}

/** z with Φ(z) = p, by bisection on learning-core's normalCdf (accurate to its 1e-7). */
export function normalQuantile(p: number): number {
  let lo = -10;
  let hi = 10;
  for (let i = 0; i < 80; i++) {
    const mid = (lo + hi) / 2;
    if (normalCdf(mid) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

function meanAndError(terms: readonly number[]): { value: number; standardError: number } {
  const n = terms.length;
  const value = terms.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? terms.reduce((a, b) => a + (b - value) ** 2, 0) / (n - 1) : 0;
  return { value, standardError: Math.sqrt(variance / n) };
}

/**
 * Off-policy evaluation: estimates the mean reward `policy` would get on the contexts of
 * `experiences`, from decisions another policy made and logged with their propensities.
 *
 * - IPS: mean of w_i r_i, w_i = π(a_i|x_i) / μ_i.
 * - SNIPS: Σ w_i r_i / Σ w_i, standard error by the delta method.
 * - Doubly robust: mean of Σ_a π(a|x_i) q̂(x_i, a) + w_i (r_i - q̂(x_i, a_i)), with q̂ the mean
 *   reward per (reward-model cell, arm) fitted on the OTHER half of the logs (2-fold cross-fitting,
 *   by position parity), falling back to the arm's mean, then the overall mean. Unbiased when
 *   either the propensities or q̂ are right; lower variance than IPS when q̂ is decent.
 *
 * Intervals are normal: value ± z · standard error. They assume the logged propensities are the
 * probabilities the logging policy really used, and that `policy` does not change during the
 * evaluation (its probabilities are computed once per state). Bad input throws
 * `AgentDBError('INVALID_EXPERIENCES')`.
 */
export function evaluatePolicy(
  policy: EvaluatedPolicy,
  experiences: readonly LoggedExperience[],
  options: EvaluatePolicyOptions = {},
): PolicyEvaluation {
  const bad = (why: string): never => {
    throw new AgentDBError('INVALID_EXPERIENCES', why);
  };
  if (policy === null || typeof policy?.probabilities !== 'function') bad('policy must have probabilities(ctx, epsilon)');
  if (!Array.isArray(experiences) || experiences.length < 2) bad('evaluatePolicy needs at least two experiences');
  const epsilon = options.epsilon ?? 0;
  const confidence = options.confidence ?? 0.95;
  if (!(confidence > 0 && confidence < 1)) bad('confidence must be in (0, 1)');
  const keyOf = options.rewardModelKey ?? ((ctx: ArmContext) => ctx.type);
  const cache = new Map<number, number[]>();
  const given = options.targetProbabilities;
  if (given !== undefined && (!Array.isArray(given) || given.length !== experiences.length)) bad('targetProbabilities must have one entry per experience');
  const targets = experiences.map((e, i) => {
    if (e === null || typeof e !== 'object' || e.context === null || typeof e.context !== 'object') bad(`experience ${i} has no context`);
    if (!(e.propensity > 0 && e.propensity <= 1)) bad(`experience ${i}: propensity must be in (0, 1]`);
    if (!(e.reward >= 0 && e.reward <= 1)) bad(`experience ${i}: reward must be in [0, 1]`);
    let p = given?.[i] as number[] | undefined;
    if (p === undefined) p = cache.get(e.context.state);
    if (p === undefined) cache.set(e.context.state, (p = policy.probabilities(e.context, epsilon)));
    if (!Number.isInteger(e.arm) || e.arm < 0 || e.arm >= p.length) bad(`experience ${i}: arm ${e.arm} is not a strategy index`);
    return p;
  });
  const arms = targets[0]!.length;
  const n = experiences.length;
  const weights = experiences.map((e, i) => targets[i]![e.arm]! / e.propensity);
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const interval = ({ value, standardError }: { value: number; standardError: number }): ValueEstimate => ({
    value,
    standardError,
    lower: value - z * standardError,
    upper: value + z * standardError,
  });

  const ips = meanAndError(experiences.map((e, i) => weights[i]! * e.reward));
  const weightSum = weights.reduce((a, b) => a + b, 0);
  const snipsValue = weightSum > 0 ? experiences.reduce((s, e, i) => s + weights[i]! * e.reward, 0) / weightSum : 0;
  const snipsError =
    weightSum > 0 ? Math.sqrt(experiences.reduce((s, e, i) => s + (weights[i]! * (e.reward - snipsValue)) ** 2, 0)) / weightSum : 0;

  // Cross-fitted reward model: fold f's q̂ is fitted on the other fold.
  const fit = (fold: number) => {
    const cells = new Map<string, { n: number; sum: number }>();
    const byArm = Array.from({ length: arms }, () => ({ n: 0, sum: 0 }));
    let total = 0;
    let count = 0;
    experiences.forEach((e, i) => {
      if (i % 2 === fold) return;
      const key = `${keyOf(e.context)}|${e.arm}`;
      const cell = cells.get(key) ?? { n: 0, sum: 0 };
      cell.n++;
      cell.sum += e.reward;
      cells.set(key, cell);
      byArm[e.arm]!.n++;
      byArm[e.arm]!.sum += e.reward;
      total += e.reward;
      count++;
    });
    const overall = count > 0 ? total / count : 0.5;
    return (ctx: ArmContext, arm: number): number => {
      const cell = cells.get(`${keyOf(ctx)}|${arm}`);
      if (cell !== undefined) return cell.sum / cell.n;
      const a = byArm[arm]!;
      return a.n > 0 ? a.sum / a.n : overall;
    };
  };
  const models = [fit(0), fit(1)];
  const drTerms = experiences.map((e, i) => {
      const q = models[i % 2]!;
      const p = targets[i]!;
      let direct = 0;
      for (let a = 0; a < arms; a++) if (p[a]! > 0) direct += p[a]! * q(e.context, a);
      return direct + weights[i]! * (e.reward - q(e.context, e.arm));
    });
  const dr = meanAndError(drTerms);
  const squares = weights.reduce((a, w) => a + w * w, 0);
  return {
    experiences: n,
    loggedValue: experiences.reduce((s, e) => s + e.reward, 0) / n,
    ips: interval(ips),
    snips: interval({ value: snipsValue, standardError: snipsError }),
    doublyRobust: interval(dr),
    effectiveSampleSize: squares > 0 ? (weightSum * weightSum) / squares : 0,
    maxWeight: Math.max(...weights),
    versusLogged: interval(meanAndError(drTerms.map((t, i) => t - experiences[i]!.reward))),
  };
}
