import { LearningError } from './LearningError.js';
import { StatsTable } from './StatsTable.js';
import type { AlgorithmId, ArmContext, ArmEstimate, LearningAlgorithm, RandomSource } from './types.js';

/** Mean of an arm nothing is known about (rewards are in [0, 1]). */
export const NO_DATA_MEAN = 0.5;

/** A row as persisted: two numbers per strategy, by strategy name (robust to a reordered set). */
export interface SerializedRow {
  arms: Record<string, [number, number]>;
}

/**
 * What the tabular algorithms share: a `StatsTable` with two numbers per arm, priors from imported
 * patterns, and the row (de)serialisation. Subclasses define what the two numbers mean.
 */
export abstract class TabularAlgorithm implements LearningAlgorithm {
  abstract readonly name: AlgorithmId;
  abstract readonly replays: boolean;
  abstract readonly usesEpsilon: boolean;
  protected readonly table: StatsTable;
  protected readonly arms: readonly string[];
  protected readonly random: RandomSource;
  #priors = new Map<number, { mean: number; weight: number }>();

  constructor(arms: readonly string[], random: RandomSource) {
    this.arms = arms;
    this.random = random;
    this.table = new StatsTable(arms.length * 2);
  }

  abstract select(ctx: ArmContext, estimates: readonly ArmEstimate[], epsilon: number): number;
  abstract estimates(ctx: ArmContext): ArmEstimate[];
  abstract update(ctx: ArmContext, arm: number, reward: number, next: ArmContext | null): boolean;
  abstract link(ctx: ArmContext, arm: number, reward: number, next: ArmContext): void;

  setPrior(type: number, arm: number, mean: number, weight: number): void {
    const key = type * this.arms.length + arm;
    if (weight > 0) this.#priors.set(key, { mean, weight });
    else this.#priors.delete(key);
  }

  /** The prior of an arm of a task type (weight 0 when none). */
  protected prior(type: number, arm: number): { mean: number; weight: number } {
    return this.#priors.get(type * this.arms.length + arm) ?? { mean: 0, weight: 0 };
  }

  /** Index of the largest value; ties go to the first (the order of the strategy set). */
  protected argmax(values: ArrayLike<number>): number {
    let best = 0;
    for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
    return best;
  }

  takeDirty(): number[] {
    return this.table.takeDirty();
  }

  rowCodes(): Iterable<number> {
    return this.table.codes();
  }

  serializeRow(code: number): SerializedRow {
    const row = this.table.find(code);
    const arms: Record<string, [number, number]> = {};
    this.arms.forEach((name, i) => {
      arms[name] = row < 0 ? [0, 0] : [this.table.get(row, 2 * i), this.table.get(row, 2 * i + 1)];
    });
    return { arms };
  }

  restoreRow(code: number, value: unknown): void {
    const arms = (value as Partial<SerializedRow> | null)?.arms;
    if (arms === null || typeof arms !== 'object') {
      throw new LearningError('INVALID_STATE', `model row ${code} has no arms`);
    }
    const row = this.table.ensure(code);
    this.arms.forEach((name, i) => {
      const pair = arms[name];
      if (pair === undefined) return;
      if (!Array.isArray(pair) || !pair.every((x) => typeof x === 'number' && Number.isFinite(x))) {
        throw new LearningError('INVALID_STATE', `model row ${code} has a bad entry for ${name}`);
      }
      this.table.set(row, 2 * i, pair[0]!);
      this.table.set(row, 2 * i + 1, pair[1]!);
    });
  }

  clear(): void {
    this.table.clear();
    this.#priors.clear();
  }
}
