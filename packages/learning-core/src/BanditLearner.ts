import { ChangeTest } from './ChangeTest.js';
import { FeatureBackoff, type StateRow } from './FeatureBackoff.js';
import { LearningError } from './LearningError.js';
import { standardNormal } from './random.js';
import { gaussianArgmaxProbabilities } from './statistics.js';
import { NO_DATA_MEAN, TabularAlgorithm, type SerializedRow } from './TabularAlgorithm.js';
import { featureBuckets, TYPE_LEVEL, TYPE_STRIDE } from './taskState.js';
import type { AlgorithmName, ArmContext, ArmEstimate, RandomSource } from './types.js';

/** Pseudo-trials a task type lends each of its states under a sliding window (see `estimates`). */
const WINDOW_BACKOFF_TRIALS = 20;

/**
 * Trials of imported evidence an arm may take when its own are fewer: a cold-start agent learns
 * from its peers, and past this the imports never outweigh the agent's own (discounted, so
 * recent) evidence about that arm.
 */
const IMPORT_FLOOR_TRIALS = 20;

/** Imported and own means further apart than this many standard errors: the import is dropped (stale or another world). */
const IMPORT_DISAGREEMENT_Z = 3;

/** Own trials before an arm's own mean can overrule the imported one. */
const IMPORT_CHECK_TRIALS = 5;

/** Variance of a [0, 1] reward nothing is known about (the largest it can be). */
const NO_DATA_VARIANCE = 0.25;

/** Pseudo-observations at `NO_DATA_VARIANCE` that a task type's measured reward variance starts from. */
const VARIANCE_PRIOR_WEIGHT = 2;

/**
 * Own trials over which an arm's variance target moves from the no-data bound to its siblings'
 * shared variance (the exploration floor of an untried or rarely tried arm).
 */
const SHARED_VARIANCE_TRIALS = 3;

/**
 * Thompson draws of an arm the agent has tried `OWN_TRIALS_FOR_NARROW_DRAWS` times or more are this
 * many posterior standard deviations wide. Full-width posterior sampling over-explores at the
 * horizons agents live in (Chapelle & Li 2011 saw the same): on the random worlds (bench/worlds.ts,
 * tuning worlds 1-40, two runs each) engine-alone NS went 0.736 -> 0.769 (median) and its share of
 * worlds at or above textbook Thompson 77.5 -> 95 %; 0.5 scored higher on average but lost 0.17 in
 * a drifting two-strategy world, where a narrow posterior is slow to go back to an arm it left.
 */
const POSTERIOR_SCALE = 0.7;

/**
 * Own trials before an arm's draws narrow. A pool shares its evidence, so an arm the first
 * unlucky trials made look poor is narrowed by everybody's imports while nobody tries it again:
 * with every arm narrowed, a pool of four locked onto a trap for a week (world 10200, NS 0.31
 * against 0.90 at full width). An arm the agent has hardly tried itself keeps the full width.
 */
const OWN_TRIALS_FOR_NARROW_DRAWS = 10;

/** How old evidence fades. */
export type Forgetting = { kind: 'none' } | { kind: 'discount'; factor: number } | { kind: 'window'; size: number };

/** A type row's sliding window: a ring of (arm, reward), `length` long from `start`. */
interface Window {
  arms: Uint16Array;
  rewards: Float64Array;
  start: number;
  length: number;
}

/** A statistics row as stored: its window (sliding-window-ucb), squares (Thompson) and change-test sums (discounted) beside the arms. */
type BanditRow = SerializedRow & { window?: Array<[string, number]>; squares?: Record<string, number>; misses?: Record<string, [number, number, number]> };

/** The feature buckets of a task's state. */
const stateBuckets = (ctx: ArmContext): number[] => featureBuckets(ctx.state - (ctx.type - TYPE_LEVEL));

/** An arm's estimate from its type's fitted model: the mean and the trials its variance is worth. */
function modelEstimate(fit: { model: FeatureBackoff; variances: Float64Array }, buckets: readonly number[], arm: number): ArmEstimate {
  const { mean, variance } = fit.model.estimate(arm, buckets);
  return { mean, trials: Math.max(0, fit.variances[arm]! / variance - 1) };
}

const isFiniteNumber = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

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
 * An arm's estimate in a state is its task type's mean plus the effects of the state's features
 * that the evidence shows matter (`FeatureBackoff`), so features that do not matter split nothing.
 *
 * - `ucb1`: mean + sqrt(2 ln N / n).
 * - `thompson-sampling`: draws N(mean, v / (n + 1)) per arm, v the reward variance of that strategy
 *   measured over its task type (sum of squares kept in the type row), shrunk by 2
 *   pseudo-observations towards the variance its sibling strategies share (itself shrunk towards
 *   0.25, the largest a [0, 1] reward can have), blended from 0.25 over the arm's first 3 own
 *   trials so an untried arm keeps the prior's width: a posterior as wide as the rewards really
 *   scatter, not as wide as they could.
 * - `discounted-thompson`: before each update of a task type, its row and all its state rows are
 *   multiplied by `banditDiscount` (evidence ages by the type's tasks, in every state alike); and a
 *   change test per type and strategy (`ChangeTest`): when the strategy's recent rewards miss what
 *   the model expected of them by more than 4 standard errors, its older evidence in the type is
 *   cut to what those recent rewards are worth.
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
  /** Discounted only: whether a strategy's recent rewards show it changed. */
  readonly #changes: ChangeTest;
  /** Task-type code → codes of its state rows. */
  #states = new Map<number, Set<number>>();
  /** Task-type code → changes so far (a fitted model is valid while this has not moved). */
  #versions = new Map<number, number>();
  #fits = new Map<number, { version: number; model: FeatureBackoff; variances: Float64Array }>();
  /** Task-type code → evidence imported from peers (row code → [trials, sum] per arm; squares per arm). */
  #imported = new Map<number, { rows: ReadonlyMap<number, Float64Array>; squares: Float64Array }>();

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
    this.#changes = new ChangeTest(arms.length);
  }

  select(ctx: ArmContext, estimates: readonly ArmEstimate[], _epsilon: number): number {
    if (this.#rule === 'thompson') {
      return this.argmax(estimates.map((e, i) => e.mean + this.#drawWidth(ctx.type, i, e) * standardNormal(this.random)));
    }
    const untried = estimates.flatMap((e, i) => (e.trials > 0 ? [] : [i]));
    if (untried.length > 0) return untried[Math.floor(this.random() * untried.length)]!;
    const total = estimates.reduce((sum, e) => sum + e.trials, 0);
    return this.argmax(estimates.map((e) => e.mean + Math.sqrt((2 * Math.log(Math.max(total, 1))) / e.trials)));
  }

  /**
   * The probability of each arm under `select`: Gaussian Thompson's in closed form
   * (`gaussianArgmaxProbabilities` over the same means and posterior widths `select` draws from);
   * UCB's is deterministic (uniform over the untried arms while some are).
   */
  probabilities(ctx: ArmContext, _epsilon: number, only?: readonly number[]): number[] {
    const estimates = this.estimates(ctx);
    if (this.#rule === 'thompson') {
      return gaussianArgmaxProbabilities(
        estimates.map((e) => e.mean),
        estimates.map((e, i) => this.#drawWidth(ctx.type, i, e)),
        only,
      );
    }
    const untried = estimates.flatMap((e, i) => (e.trials > 0 ? [] : [i]));
    if (untried.length > 0) return estimates.map((_, i) => (untried.includes(i) ? 1 / untried.length : 0));
    const total = estimates.reduce((sum, e) => sum + e.trials, 0);
    const best = this.argmax(estimates.map((e) => e.mean + Math.sqrt((2 * Math.log(Math.max(total, 1))) / e.trials)));
    return estimates.map((_, i) => (i === best ? 1 : 0));
  }

  /**
   * The task type's mean (with imported priors) plus the shrunk effects of the state's features;
   * `trials` is the evidence that estimate is worth (its variance as a number of trials).
   */
  estimates(ctx: ArmContext): ArmEstimate[] {
    // A windowed type row no longer sums its (fading) state rows, so the feature model would
    // compare unlike numbers: sliding-window-ucb keeps the state's own mean backed off to the type's.
    if (this.#forgetting.kind === 'window') return this.#windowEstimates(ctx);
    const fit = this.#model(ctx.type);
    const buckets = stateBuckets(ctx);
    return this.arms.map((_, i) => modelEstimate(fit, buckets, i));
  }

  setImported(type: number, rows: ReadonlyMap<number, Float64Array>, squares: Float64Array): void {
    if (rows.size === 0) this.#imported.delete(type);
    else this.#imported.set(type, { rows, squares });
    this.#changed(type);
  }

  /**
   * Standard deviation of an arm's Thompson draw: its posterior's, times `POSTERIOR_SCALE` once
   * the agent has tried the arm `OWN_TRIALS_FOR_NARROW_DRAWS` times itself.
   */
  #drawWidth(type: number, arm: number, estimate: ArmEstimate): number {
    const row = this.table.find(type);
    const own = row < 0 ? 0 : this.table.get(row, 2 * arm);
    const scale = own >= OWN_TRIALS_FOR_NARROW_DRAWS ? POSTERIOR_SCALE : 1;
    return scale * Math.sqrt(this.#armVariance(type, arm) / (estimate.trials + 1));
  }

  /** The reward variance an arm's estimate was fitted with (own and weighted imported evidence). */
  #armVariance(type: number, arm: number): number {
    if (this.#forgetting.kind === 'window') return this.#variance(type, arm);
    return this.#model(type).variances[arm]!;
  }

  /** The state's own statistics shrunk towards its task type's as if the type lent 20 trials. */
  #windowEstimates(ctx: ArmContext): ArmEstimate[] {
    const state = this.table.find(ctx.state);
    const type = this.table.find(ctx.type);
    return this.arms.map((_, i) => {
      const prior = this.prior(ctx.type, i);
      const typeTrials = (type < 0 ? 0 : this.table.get(type, 2 * i)) + prior.weight;
      const typeSum = (type < 0 ? 0 : this.table.get(type, 2 * i + 1)) + prior.weight * prior.mean;
      const typeMean = typeTrials > 0 ? typeSum / typeTrials : NO_DATA_MEAN;
      const lent = Math.min(WINDOW_BACKOFF_TRIALS, typeTrials);
      const trials = (state < 0 ? 0 : this.table.get(state, 2 * i)) + lent;
      const sum = (state < 0 ? 0 : this.table.get(state, 2 * i + 1)) + lent * typeMean;
      return { mean: trials > 0 ? sum / trials : NO_DATA_MEAN, trials };
    });
  }

  update(ctx: ArmContext, arm: number, reward: number, _next: ArmContext | null): boolean {
    if (this.#forgetting.kind === 'discount') {
      this.#testForChange(ctx, arm, reward);
      // Evidence ages with the type's tasks in every state alike, so the state rows keep summing to the type row.
      for (const code of this.#states.get(ctx.type) ?? []) this.table.scale(this.table.find(code), this.#forgetting.factor);
    }
    this.#add(ctx.state, arm, reward, false);
    this.#add(ctx.type, arm, reward, true);
    this.#changed(ctx.type);
    return true;
  }

  /**
   * Feeds the reward's miss (reward − the arm's estimate in its state) to the change test; on a
   * change, scales the arm's evidence in every row of the type (and its squares) down to what the
   * recent rewards are worth.
   */
  #testForChange(ctx: ArmContext, arm: number, reward: number): void {
    const fit = this.#model(ctx.type);
    const estimate = modelEstimate(fit, stateBuckets(ctx), arm);
    const recent = this.#changes.observe(ctx.type, arm, reward - estimate.mean, fit.variances[arm]!, estimate.trials);
    if (recent === undefined) return;
    const typeRow = this.table.find(ctx.type);
    const trials = typeRow < 0 ? 0 : this.table.get(typeRow, 2 * arm);
    if (trials <= recent) return;
    const factor = recent / trials;
    for (const code of [ctx.type, ...(this.#states.get(ctx.type) ?? [])]) {
      const row = this.table.find(code);
      if (row < 0) continue;
      this.table.set(row, 2 * arm, this.table.get(row, 2 * arm) * factor);
      this.table.set(row, 2 * arm + 1, this.table.get(row, 2 * arm + 1) * factor);
    }
    const squares = this.#squares.get(ctx.type);
    if (squares !== undefined) squares[arm] = squares[arm]! * factor;
  }

  override setPrior(type: number, arm: number, mean: number, weight: number): void {
    super.setPrior(type, arm, mean, weight);
    this.#changed(type);
  }

  #changed(type: number): void {
    this.#versions.set(type, (this.#versions.get(type) ?? 0) + 1);
  }

  /**
   * The fitted feature model of a task type (refitted when the type changed since the last fit),
   * over the agent's own evidence plus its peers' scaled by `#importWeights`.
   */
  #model(type: number): { model: FeatureBackoff; variances: Float64Array } {
    const version = this.#versions.get(type) ?? 0;
    const cached = this.#fits.get(type);
    if (cached !== undefined && cached.version === version) return cached;
    const typeRow = this.table.find(type);
    const imported = this.#imported.get(type);
    const importedType = imported?.rows.get(type);
    const scale = this.#importWeights(type, typeRow, importedType);
    const variances = new Float64Array(this.arms.length);
    const levels = this.arms.map((_, i) => {
      const prior = this.prior(type, i);
      const importedTrials = importedType === undefined ? 0 : scale[i]! * importedType[2 * i]!;
      const importedSum = importedType === undefined ? 0 : scale[i]! * importedType[2 * i + 1]!;
      const trials = (typeRow < 0 ? 0 : this.table.get(typeRow, 2 * i)) + prior.weight + importedTrials;
      const sum = (typeRow < 0 ? 0 : this.table.get(typeRow, 2 * i + 1)) + prior.weight * prior.mean + importedSum;
      variances[i] = this.#variance(type, i, importedType === undefined ? undefined : { row: importedType, squares: imported!.squares, scale: scale[i]! });
      return { mean: trials > 0 ? sum / trials : NO_DATA_MEAN, variance: variances[i]!, trials };
    });
    const rows = new Map<number, StateRow>();
    const rowOf = (code: number): StateRow => {
      let row = rows.get(code);
      if (row === undefined) {
        row = { buckets: featureBuckets(code % TYPE_STRIDE), trials: new Float64Array(this.arms.length), sums: new Float64Array(this.arms.length) };
        rows.set(code, row);
      }
      return row;
    };
    for (const code of this.#states.get(type) ?? []) {
      const row = this.table.find(code);
      const into = rowOf(code);
      for (let i = 0; i < this.arms.length; i++) {
        (into.trials as Float64Array)[i] = this.table.get(row, 2 * i);
        (into.sums as Float64Array)[i] = this.table.get(row, 2 * i + 1);
      }
    }
    for (const [code, values] of imported?.rows ?? []) {
      if (code === type) continue;
      const into = rowOf(code);
      for (let i = 0; i < this.arms.length; i++) {
        const trials = into.trials as Float64Array;
        const sums = into.sums as Float64Array;
        trials[i] = trials[i]! + scale[i]! * values[2 * i]!;
        sums[i] = sums[i]! + scale[i]! * values[2 * i + 1]!;
      }
    }
    const fit = { version, model: FeatureBackoff.fit(levels, [...rows.values()]), variances };
    this.#fits.set(type, fit);
    return fit;
  }

  /**
   * Per arm, the weight imported evidence gets: all of it up to max(20, own trials) trials, so it
   * never outweighs the agent's own recent evidence once there is some; none when the agent's
   * own mean (5 trials or more) contradicts it by more than 3 standard errors (stale after a
   * drift, or a peer working on something else).
   */
  #importWeights(type: number, typeRow: number, importedType: Float64Array | undefined): Float64Array {
    const scale = new Float64Array(this.arms.length);
    if (importedType === undefined) return scale;
    for (let i = 0; i < this.arms.length; i++) {
      const theirs = importedType[2 * i]!;
      if (!(theirs > 0)) continue;
      const own = typeRow < 0 ? 0 : this.table.get(typeRow, 2 * i);
      scale[i] = Math.min(1, Math.max(IMPORT_FLOOR_TRIALS, own) / theirs);
      if (own >= IMPORT_CHECK_TRIALS) {
        const variance = this.#variance(type, i);
        const gap = this.table.get(typeRow, 2 * i + 1) / own - importedType[2 * i + 1]! / theirs;
        if (Math.abs(gap) > IMPORT_DISAGREEMENT_Z * Math.sqrt(variance / own + variance / theirs)) scale[i] = 0;
      }
    }
    return scale;
  }

  #track(code: number): void {
    const feature = code % TYPE_STRIDE;
    if (feature === TYPE_LEVEL) return;
    const type = code - feature + TYPE_LEVEL;
    let states = this.#states.get(type);
    if (states === undefined) this.#states.set(type, (states = new Set()));
    states.add(code);
  }

  link(): void {
    // Bandit estimates do not bootstrap from a next state.
  }

  /**
   * Measured reward variance of an arm over its task type, shrunk (2 pseudo-observations) towards
   * a target that moves from the no-data bound to the variance its sibling strategies measure
   * together on that type as the arm gets its own first `SHARED_VARIANCE_TRIALS` trials:
   * strategies of one task type share much of their noise, so an arm tried twice is not treated
   * as if it could scatter over the whole [0, 1] range, but an untried arm keeps the prior's width
   * (siblings with near-constant rewards say nothing about an arm nobody tried, and borrowing
   * their narrow variance would leave it unexplored forever). With `imported`, the peers' squared
   * deviations count too, at the weight their evidence gets.
   */
  #variance(type: number, arm: number, imported?: { row: Float64Array; squares: Float64Array; scale: number }): number {
    const row = this.table.find(type);
    const own = this.#deviations(row, type, arm);
    let { deviations, dof } = own;
    if (imported !== undefined && imported.scale > 0 && this.#rule === 'thompson') {
      const n = imported.row[2 * arm]!;
      const sum = imported.row[2 * arm + 1]!;
      if (n > 0 && imported.squares[arm]! > 0) {
        deviations += imported.scale * Math.max(0, imported.squares[arm]! - (sum * sum) / n);
        dof += imported.scale * Math.max(0, n - 1);
      }
    }
    if (row < 0 && dof === 0) return NO_DATA_VARIANCE;
    let target = NO_DATA_VARIANCE;
    const share = Math.min(1, own.trials / SHARED_VARIANCE_TRIALS);
    if (share > 0) {
      let siblings = 0;
      let siblingDof = 0;
      for (let i = 0; i < this.arms.length; i++) {
        const d = i === arm ? own : this.#deviations(row, type, i);
        siblings += d.deviations;
        siblingDof += d.dof;
      }
      const shared = (siblings + VARIANCE_PRIOR_WEIGHT * NO_DATA_VARIANCE) / (siblingDof + VARIANCE_PRIOR_WEIGHT);
      target = share * shared + (1 - share) * NO_DATA_VARIANCE;
    }
    return (deviations + VARIANCE_PRIOR_WEIGHT * target) / (dof + VARIANCE_PRIOR_WEIGHT);
  }

  /** An arm's own trials, sum of squared deviations and their degrees of freedom over its task type. */
  #deviations(row: number, type: number, arm: number): { trials: number; deviations: number; dof: number } {
    const squares = this.#squares.get(type);
    if (row < 0 || squares === undefined) return { trials: 0, deviations: 0, dof: 0 };
    const n = this.table.get(row, 2 * arm);
    const sum = this.table.get(row, 2 * arm + 1);
    return { trials: n, deviations: n > 0 ? Math.max(0, squares[arm]! - (sum * sum) / n) : 0, dof: Math.max(0, n - 1) };
  }

  #add(code: number, arm: number, reward: number, typeLevel: boolean): void {
    const row = this.table.ensure(code);
    this.#track(code);
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
    // State rows were discounted with their whole type in `update`.
    if (forgetting.kind === 'discount' && typeLevel) this.table.scale(row, forgetting.factor);
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

  override serializeRow(code: number): BanditRow {
    const window = this.#windows.get(code);
    const squares = this.#squares.get(code);
    const misses = this.#changes.sums(code);
    const row: BanditRow = super.serializeRow(code);
    if (window !== undefined) row.window = [...entries(window)].map(([arm, r]) => [this.arms[arm]!, r]);
    if (squares !== undefined) row.squares = Object.fromEntries(this.arms.map((name, i) => [name, squares[i]!]));
    if (misses !== undefined) row.misses = Object.fromEntries(this.arms.map((name, i) => [name, [misses[3 * i]!, misses[3 * i + 1]!, misses[3 * i + 2]!]]));
    return row;
  }

  override restoreRow(code: number, value: unknown): void {
    super.restoreRow(code, value);
    this.#track(code);
    this.#changed(code - (code % TYPE_STRIDE) + TYPE_LEVEL);
    const { squares, misses, window } = value as { squares?: unknown; misses?: unknown; window?: unknown };
    if (squares !== undefined) {
      const read = (x: unknown): number[] | undefined => (isFiniteNumber(x) && x >= 0 ? [x] : undefined);
      this.#squares.set(code, this.#perArm(code, squares, 1, this.#rule === 'thompson', read, 'squares'));
    }
    if (misses !== undefined) {
      // [weighted sum of misses, sum of weights, sum of squared weights]: only the first may be negative
      const read = (x: unknown): number[] | undefined => (Array.isArray(x) && x.length === 3 && x.every(isFiniteNumber) && x[1]! >= 0 && x[2]! >= 0 ? x : undefined);
      this.#changes.restore(code, this.#perArm(code, misses, 3, this.#forgetting.kind === 'discount', read, 'change-test sums'));
    }
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
      if (!isFiniteNumber(reward)) {
        throw new LearningError('INVALID_STATE', `model row ${code} has a bad window entry`);
      }
      if (arm < 0) continue;
      restored.arms[restored.length] = arm;
      restored.rewards[restored.length++] = reward;
    }
    this.#sumWindow(this.table.ensure(code), restored);
  }

  /**
   * A stored per-arm record of a row (`squares`, `misses`) as `width` numbers per arm, an arm it
   * does not name being zeros; INVALID_STATE unless this bandit keeps such a record (`kept`) and
   * `read` accepts every entry.
   */
  #perArm(code: number, record: unknown, width: number, kept: boolean, read: (entry: unknown) => number[] | undefined, what: string): Float64Array {
    const bad = (): LearningError => new LearningError('INVALID_STATE', `model row ${code} has bad ${what}`);
    if (record === null || typeof record !== 'object' || !kept) throw bad();
    const restored = new Float64Array(width * this.arms.length);
    this.arms.forEach((name, i) => {
      const entry = (record as Record<string, unknown>)[name];
      if (entry === undefined) return;
      const values = read(entry);
      if (values === undefined) throw bad();
      restored.set(values, width * i);
    });
    return restored;
  }

  override clear(): void {
    super.clear();
    this.#windows.clear();
    this.#squares.clear();
    this.#changes.clear();
    this.#states.clear();
    this.#fits.clear();
    this.#imported.clear();
    // Versions keep counting, so no fit made before the clear can match a version after it.
    for (const type of this.#versions.keys()) this.#changed(type);
  }
}
