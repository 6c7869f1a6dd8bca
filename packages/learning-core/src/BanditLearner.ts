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
 * - `thompson-sampling`: draws N(mean, 0.25 / (n + 1)) per arm (0.25 bounds a [0, 1] reward's variance).
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

  select(_ctx: ArmContext, estimates: readonly ArmEstimate[]): number {
    if (this.#rule === 'thompson') {
      return this.argmax(estimates.map((e) => e.mean + (0.5 / Math.sqrt(e.trials + 1)) * standardNormal(this.random)));
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

  update(ctx: ArmContext, arm: number, reward: number): boolean {
    this.#add(ctx.state, arm, reward, false);
    this.#add(ctx.type, arm, reward, true);
    return true;
  }

  link(): void {
    // Bandit estimates do not bootstrap from a next state.
  }

  #add(code: number, arm: number, reward: number, typeLevel: boolean): void {
    const row = this.table.ensure(code);
    const forgetting = this.#forgetting;
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

  override serializeRow(code: number): SerializedRow & { window?: Array<[string, number]> } {
    const window = this.#windows.get(code);
    const row = super.serializeRow(code);
    return window === undefined ? row : { ...row, window: [...entries(window)].map(([arm, r]) => [this.arms[arm]!, r]) };
  }

  override restoreRow(code: number, value: unknown): void {
    super.restoreRow(code, value);
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
  }
}
