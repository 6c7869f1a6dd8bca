/**
 * Standard errors by which a strategy's recent rewards must miss what the model expected of them
 * before a change is declared. Rewards are skewed (a strategy that nearly always succeeds scores
 * far below its mean on a rare failure), so at 3 two close failures of a steady strategy already
 * cut its evidence: on a low-noise random world (30025) that cost 0.05 NS, recovered at 4.
 */
const CHANGE_Z = 4;

/** Weight of each earlier miss in a strategy's recent mean miss, per reward of that strategy: about its last 19 count. */
const MEMORY = 0.9;

/** Effective rewards the recent mean miss needs before it is tested. */
const MIN_REWARDS = 5;

/**
 * A change test per (task type, strategy) for a bandit that forgets by discounting: the strategy's
 * recent misses (reward − what the model expected in the reward's state), exponentially weighted,
 * against their standard error. A discount alone re-learns a changed strategy only as fast as it
 * forgets (thousands of tasks at 0.9995); the test lets the strategy's older evidence go as soon as
 * its recent rewards show the change. The running sums are kept with the task type's statistics
 * row (`sums` / `restore`), so a restart continues the same test.
 */
export class ChangeTest {
  readonly #arms: number;
  /** Task-type code → per arm [sum of weighted misses, sum of weights, sum of squared weights]. */
  #misses = new Map<number, Float64Array>();

  constructor(arms: number) {
    this.#arms = arms;
  }

  /**
   * Adds a reward's miss; returns the effective number of recent rewards when they show a change
   * (the evidence the arm's older statistics should be cut to), and then starts that arm afresh.
   * `variance` is the arm's reward variance, `trials` what its estimate was worth.
   */
  observe(type: number, arm: number, miss: number, variance: number, trials: number): number | undefined {
    let misses = this.#misses.get(type);
    if (misses === undefined) this.#misses.set(type, (misses = new Float64Array(3 * this.#arms)));
    const at = 3 * arm;
    misses[at] = MEMORY * misses[at]! + miss;
    misses[at + 1] = MEMORY * misses[at + 1]! + 1;
    misses[at + 2] = MEMORY * MEMORY * misses[at + 2]! + 1;
    const weight = misses[at + 1]!;
    const effective = (weight * weight) / misses[at + 2]!;
    if (effective < MIN_REWARDS) return undefined;
    if (Math.abs(misses[at]! / weight) <= CHANGE_Z * Math.sqrt(variance / effective + variance / (trials + 1))) return undefined;
    misses.fill(0, at, at + 3);
    return effective;
  }

  /** A type's running sums (three per arm), for its statistics row; undefined before its first reward. */
  sums(type: number): Float64Array | undefined {
    return this.#misses.get(type);
  }

  /** Puts back what `sums` gave. */
  restore(type: number, sums: Float64Array): void {
    this.#misses.set(type, sums);
  }

  clear(): void {
    this.#misses.clear();
  }
}
