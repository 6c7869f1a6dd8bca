import { LearningError } from './LearningError.js';
import { standardNormal } from './random.js';
import { NO_DATA_MEAN, TabularAlgorithm, type SerializedRow } from './TabularAlgorithm.js';
import type { AlgorithmName, ArmContext, ArmEstimate, RandomSource } from './types.js';

/**
 * Pseudo-trials the task-type statistics lend a state: a state's estimate is its own mean shrunk
 * towards its task type's mean as if the type had contributed this many trials. Many sparse
 * states then start from what the type already knows, and a state's own data win after ~20 trials.
 */
const BACKOFF_TRIALS = 20;

/** Variance of a [0, 1] reward nothing is known about (the largest it can be). */
const NO_DATA_VARIANCE = 0.25;

/** Pseudo-observations at `NO_DATA_VARIANCE` that a task type's measured reward variance starts from. */
const VARIANCE_PRIOR_WEIGHT = 2;

/** How old evidence fades. */
export type Forgetting = { kind: 'none' } | { kind: 'discount'; factor: number } | { kind: 'window'; size: number };

/** A type row's sliding window: a ring of (arm, reward), `length` long from `start`. */
interface Window {
  arms: Uint16Array;
  rewards: Float64Array;
  start: number;
  length: number;
}

function* entries(window: Window): Generator<[number, number]> {
  for (let i = 0; i < window.length; i++) {
    const at = (window.start + i) % window.arms.length;
    yield [window.arms[at]!, window.rewards[at]!];
  }
}

/**
 * The bandit family (tasks are independent; no next state is needed): UCB1 or Gaussian Thompson
 * sampling on the bounded reward, with optional forgetting for drifting workloads. A row holds
 * [trials, reward sum] per strategy; each experience updates its state row and its task-type row
 * exactly once (no replay: replaying would count an experience twice in the sufficient statistics).
 *
 * - `ucb1`: mean + sqrt(2 ln N / n).
 * - `thompson-sampling`: draws N(mean, v / (n + 1)) per arm, v the reward variance of that strategy
 *   measured over its task type (sum of squares kept in the type row), shrunk towards 0.25 (the
 *   largest a [0, 1] reward can have) by 2 pseudo-observations: a posterior as wide as the rewards
 *   really scatter, not as wide as they could.
 * - `discounted-thompson`: before each update a row's statistics are multiplied by `banditDiscount`.
 * - `sliding-window-ucb`: the task-type row counts only its last `slidingWindowSize` tasks; state
 *   rows (too many to window each) fade by 1 - 1 / size per update, the same effective memory.
 */
export class BanditLearner extends TabularAlgorithm {
  readonly name: AlgorithmName;
  readonly replays = false;
  readonly usesEpsilon = false;
  readonly #rule: 'ucb' | 'thompson';
  readonly #forgetting: Forgetting;
  #windows = new Map<number, Window>();
  /** Thompson only: per task-type row, the (forgotten alike) sum of squared rewards per arm. */
  #squares = new Map<number, Float64Array>();

  constructor(
    name: AlgorithmName,
    arms: readonly string[],
    random: RandomSource,
    rule: 'ucb' | 'thompson',
    forgetting: Forgetting,
  ) {
    super(arms, random);
    this.name = name;
    this.#rule = rule;
    this.#forgetting = forgetting;
  }

  select(ctx: ArmContext, estimates: readonly ArmEstimate[], _epsilon: number): number {
    if (this.#rule === 'thompson') {
      return this.argmax(
        estimates.map((e, i) => e.mean + Math.sqrt(this.#variance(ctx.type, i) / (e.trials + 1)) * standardNormal(this.random)),
      );
    }
    const untried = estimates.flatMap((e, i) => (e.trials > 0 ? [] : [i]));
    if (untried.length > 0) return untried[Math.floor(this.random() * untried.length)]!;
    const total = estimates.reduce((sum, e) => sum + e.trials, 0);
    return this.argmax(estimates.map((e) => e.mean + Math.sqrt((2 * Math.log(Math.max(total, 1))) / e.trials)));
  }

  /** The state's own statistics shrunk towards its task type's (plus imported priors). */
  estimates(ctx: ArmContext): ArmEstimate[] {
    const state = this.table.find(ctx.state);
    const type = this.table.find(ctx.type);
    return this.arms.map((_, i) => {
      const prior = this.prior(ctx.type, i);
      const typeTrials = (type < 0 ? 0 : this.table.get(type, 2 * i)) + prior.weight;
      const typeSum = (type < 0 ? 0 : this.table.get(type, 2 * i + 1)) + prior.weight * prior.mean;
      const typeMean = typeTrials > 0 ? typeSum / typeTrials : NO_DATA_MEAN;
      const lent = Math.min(BACKOFF_TRIALS, typeTrials);
      const trials = (state < 0 ? 0 : this.table.get(state, 2 * i)) + lent;
      const sum = (state < 0 ? 0 : this.table.get(state, 2 * i + 1)) + lent * typeMean;
      return { mean: trials > 0 ? sum / trials : NO_DATA_MEAN, trials };
    });
  }

  update(ctx: ArmContext, arm: number, reward: number, _next: ArmContext | null): boolean {
    this.#add(ctx.state, arm, reward, false);
    this.#add(ctx.type, arm, reward, true);
    return true;
  }

  link(): void {
    // Bandit estimates do not bootstrap from a next state.
  }

  /** Measured reward variance of an arm over its task type, shrunk towards the no-data bound. */
  #variance(type: number, arm: number): number {
    const row = this.table.find(type);
    const squares = this.#squares.get(type);
    if (row < 0 || squares === undefined) return NO_DATA_VARIANCE;
    const n = this.table.get(row, 2 * arm);
    const sum = this.table.get(row, 2 * arm + 1);
    const deviations = n > 0 ? Math.max(0, squares[arm]! - (sum * sum) / n) : 0;
    return (deviations + VARIANCE_PRIOR_WEIGHT * NO_DATA_VARIANCE) / (Math.max(0, n - 1) + VARIANCE_PRIOR_WEIGHT);
  }

  #add(code: number, arm: number, reward: number, typeLevel: boolean): void {
    const row = this.table.ensure(code);
    const forgetting = this.#forgetting;
    if (typeLevel && this.#rule === 'thompson') {
      let squares = this.#squares.get(code);
      if (squares === undefined) this.#squares.set(code, (squares = new Float64Array(this.arms.length)));
      if (forgetting.kind === 'discount') for (let i = 0; i < squares.length; i++) squares[i] = squares[i]! * forgetting.factor;
      squares[arm] = squares[arm]! + reward * reward;
    }
    if (forgetting.kind === 'window' && typeLevel) {
      const window = this.#window(code, forgetting.size);
      const at = (window.start + window.length) % forgetting.size;
      window.arms[at] = arm;
      window.rewards[at] = reward;
      if (window.length < forgetting.size) window.length++;
      else window.start = (window.start + 1) % forgetting.size;
      this.#sumWindow(row, window);
      return;
    }
    if (forgetting.kind === 'discount') this.table.scale(row, forgetting.factor);
    if (forgetting.kind === 'window') this.table.scale(row, 1 - 1 / forgetting.size);
    this.table.set(row, 2 * arm, this.table.get(row, 2 * arm) + 1);
    this.table.set(row, 2 * arm + 1, this.table.get(row, 2 * arm + 1) + reward);
  }

  #window(code: number, size: number): Window {
    let window = this.#windows.get(code);
    if (window === undefined) {
      window = { arms: new Uint16Array(size), rewards: new Float64Array(size), start: 0, length: 0 };
      this.#windows.set(code, window);
    }
    return window;
  }

  /** Window sums are recomputed, not maintained, so a restored window gives identical numbers. */
  #sumWindow(row: number, window: Window): void {
    for (let i = 0; i < this.arms.length * 2; i++) this.table.set(row, i, 0);
    for (const [arm, reward] of entries(window)) {
      this.table.set(row, 2 * arm, this.table.get(row, 2 * arm) + 1);
      this.table.set(row, 2 * arm + 1, this.table.get(row, 2 * arm + 1) + reward);
    }
  }

  override serializeRow(code: number): SerializedRow & { window?: Array<[string, number]>; squares?: Record<string, number> } {
    const window = this.#windows.get(code);
    const squares = this.#squares.get(code);
    const row: SerializedRow & { window?: Array<[string, number]>; squares?: Record<string, number> } = super.serializeRow(code);
    if (window !== undefined) row.window = [...entries(window)].map(([arm, r]) => [this.arms[arm]!, r]);
    if (squares !== undefined) row.squares = Object.fromEntries(this.arms.map((name, i) => [name, squares[i]!]));
    return row;
  }

  override restoreRow(code: number, value: unknown): void {
    super.restoreRow(code, value);
    const squares = (value as { squares?: unknown }).squares;
    if (squares !== undefined) {
      if (squares === null || typeof squares !== 'object' || this.#rule !== 'thompson') {
        throw new LearningError('INVALID_STATE', `model row ${code} has bad squares`);
      }
      const restored = new Float64Array(this.arms.length);
      this.arms.forEach((name, i) => {
        const x = (squares as Record<string, unknown>)[name] ?? 0;
        if (typeof x !== 'number' || !Number.isFinite(x) || x < 0) throw new LearningError('INVALID_STATE', `model row ${code} has bad squares`);
        restored[i] = x;
      });
      this.#squares.set(code, restored);
    }
    const window = (value as { window?: unknown }).window;
    if (window === undefined) return;
    if (!Array.isArray(window) || this.#forgetting.kind !== 'window') {
      throw new LearningError('INVALID_STATE', `model row ${code} has a bad window`);
    }
    const size = this.#forgetting.size;
    const restored = this.#window(code, size);
    restored.start = 0;
    restored.length = 0;
    for (const entry of (window as unknown[]).slice(-size)) {
      const [name, reward] = Array.isArray(entry) ? entry : [];
      const arm = this.arms.indexOf(name as string);
      if (typeof reward !== 'number' || !Number.isFinite(reward)) {
        throw new LearningError('INVALID_STATE', `model row ${code} has a bad window entry`);
      }
      if (arm < 0) continue;
      restored.arms[restored.length] = arm;
      restored.rewards[restored.length++] = reward;
    }
    this.#sumWindow(this.table.ensure(code), restored);
  }

  override clear(): void {
    super.clear();
    this.#windows.clear();
    this.#squares.clear();
  }
}
