import { StatsTable, type ArmContext, type ArmEstimate, type RandomSource } from '@qe-fleet/learning-core';
import { AgentDBError } from '../AgentDBError.js';
import type { AgentDBAlgorithm, AgentDBAlgorithmName } from './types.js';

/** A row as persisted: the numbers of each arm by strategy name (robust to a reordered set). */
export interface SerializedArmsRow {
  arms: Record<string, number[]>;
}

/**
 * What the algorithms of this package share: statistics in learning-core's `StatsTable` rows
 * (`width` numbers per arm), imported priors per task type and arm, and row (de)serialisation.
 * Subclasses say what the numbers mean. Defaults: no replay, no epsilon, no bootstrapping (`link`
 * does nothing): the tasks of a QE agent are mostly independent.
 */
export abstract class RowAlgorithm implements AgentDBAlgorithm {
  abstract readonly name: AgentDBAlgorithmName;
  readonly replays: boolean = false;
  readonly usesEpsilon: boolean = false;
  protected readonly table: StatsTable;
  protected readonly arms: readonly string[];
  protected readonly random: RandomSource;
  protected readonly width: number;
  #priors = new Map<number, { mean: number; weight: number }>();

  constructor(arms: readonly string[], random: RandomSource, width: number) {
    if (!Array.isArray(arms) || arms.length < 2 || new Set(arms).size !== arms.length) {
      throw new AgentDBError('INVALID_OPTIONS', 'an algorithm needs at least two distinct strategies');
    }
    this.arms = arms;
    this.random = random;
    this.width = width;
    this.table = new StatsTable(arms.length * width);
  }

  abstract select(ctx: ArmContext, estimates: readonly ArmEstimate[], epsilon: number): number;
  abstract estimates(ctx: ArmContext): ArmEstimate[];
  abstract update(ctx: ArmContext, arm: number, reward: number, next: ArmContext | null): boolean;
  abstract probabilities(ctx: ArmContext, epsilon: number): number[];

  link(_ctx: ArmContext, _arm: number, _reward: number, _next: ArmContext): void {
    // No bootstrapping by default.
  }

  setPrior(type: number, arm: number, mean: number, weight: number): void {
    const key = type * this.arms.length + arm;
    if (weight > 0) this.#priors.set(key, { mean, weight });
    else this.#priors.delete(key);
  }

  /** The prior of an arm of a task type (weight 0 when none). */
  protected prior(type: number, arm: number): { mean: number; weight: number } {
    return this.#priors.get(type * this.arms.length + arm) ?? { mean: 0, weight: 0 };
  }

  /** Statistic `col` of `arm` in the row of `code` (0 when the row does not exist). */
  protected stat(code: number, arm: number, col: number): number {
    const row = this.table.find(code);
    return row < 0 ? 0 : this.table.get(row, arm * this.width + col);
  }

  protected setStat(code: number, arm: number, col: number, value: number): void {
    this.table.set(this.table.ensure(code), arm * this.width + col, value);
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

  serializeRow(code: number): SerializedArmsRow {
    const arms: Record<string, number[]> = {};
    this.arms.forEach((name, i) => {
      arms[name] = Array.from({ length: this.width }, (_, c) => this.stat(code, i, c));
    });
    return { arms };
  }

  restoreRow(code: number, value: unknown): void {
    const arms = (value as Partial<SerializedArmsRow> | null)?.arms;
    if (arms === null || typeof arms !== 'object') throw new AgentDBError('INVALID_EXPERIENCES', `model row ${code} has no arms`);
    for (const name of this.arms) {
      const numbers = arms[name];
      if (numbers === undefined) continue;
      if (!Array.isArray(numbers) || numbers.length !== this.width || !numbers.every((x) => typeof x === 'number' && Number.isFinite(x))) {
        throw new AgentDBError('INVALID_EXPERIENCES', `model row ${code} has a bad entry for ${name}`);
      }
    }
    // Checked first, written after: a bad row leaves the table as it was.
    this.arms.forEach((name, i) => {
      const numbers = arms[name];
      if (numbers !== undefined) numbers.forEach((x, c) => this.setStat(code, i, c, x));
    });
  }

  clear(): void {
    this.table.clear();
    this.#priors.clear();
  }
}
