import type { ArmContext, RandomSource } from '@qe-fleet/learning-core';
import { AgentDBError } from '../AgentDBError.js';
import type { FederatedStore } from '../types.js';
import { GaussianArms, type ArmStats } from './GaussianArms.js';

/** Parameters of `FederatedLearning`. */
export interface FederatedLearningOptions {
  /** Where members exchange statistics (an `AgentDBAdapter`, or any `FederatedStore`). */
  store: FederatedStore;
  /** Name of the federation (members of one federation pool with each other). */
  federation: string;
  /** This member's name, unique in the federation. */
  member: string;
  /** Local updates between two rounds. Default 50. */
  roundEvery?: number;
  /**
   * The federation-wide key of a row code. Default `String(code)`: members must then number
   * states alike (the engine numbers task types in arrival order, so an engine integration must
   * pass its state key, e.g. learning-core's `formatStateKey`).
   */
  keyOf?: (code: number) => string;
}

/** The (n, Σr, Σr²) at `at` when n rewards in [0, 1] can produce it, else null. */
function statistic(numbers: readonly unknown[], at: number): [number, number, number] | null {
  const [n, sum, squares] = [numbers[at], numbers[at + 1], numbers[at + 2]];
  if (typeof n !== 'number' || typeof sum !== 'number' || typeof squares !== 'number') return null;
  if (!Number.isFinite(n) || !Number.isFinite(sum) || !Number.isFinite(squares) || n < 0 || sum < 0 || sum > n) return null;
  // Members keep their statistics in float32 rows (learning-core's StatsTable): allow their rounding, not more.
  const slack = 1e-3 * Math.max(1, n);
  const possible = n === 0 ? sum === 0 && squares === 0 : squares <= sum + slack && squares * n >= sum * sum - slack * n;
  return possible ? [n, sum, squares] : null;
}

/** What a member publishes: per row key, [n, sum, squares] per arm in strategy order. */
interface PublishedModel {
  strategies: string[];
  rows: Record<string, number[]>;
}

/**
 * Federated learning by averaging model statistics (FedAvg, McMahan et al. 2017, on sufficient
 * statistics): each member learns locally (the Gaussian Thompson learner of `GaussianArms`) and,
 * every `roundEvery` updates, publishes its own per-row, per-arm (count, sum, sum of squares) to
 * the store and reads the other members'. Its estimates use its own statistics plus the others':
 * the count-weighted average of the members' means, which is what FedAvg of these statistics
 * computes. Raw experiences never leave the member; what is shared is per-row aggregates (which
 * still reveal how often and how well each strategy ran).
 */
export class FederatedLearning extends GaussianArms {
  readonly name = 'federated-learning';
  readonly #store: FederatedStore;
  readonly #federation: string;
  readonly #member: string;
  readonly #roundEvery: number;
  readonly #keyOf: (code: number) => string;
  /** Keys are the codes themselves (the default), so a row only others have seen can be used. */
  readonly #codesAreKeys: boolean;
  readonly #codeOf = new Map<string, number>();
  #remote = new Map<number, Float64Array>();
  #sinceRound = 0;
  #rounds = 0;

  constructor(arms: readonly string[], random: RandomSource, options: FederatedLearningOptions) {
    super(arms, random);
    if (options === undefined || typeof options.store?.publishModel !== 'function') {
      throw new AgentDBError('INVALID_OPTIONS', 'federated-learning needs a store');
    }
    if (!options.federation || !options.member) throw new AgentDBError('INVALID_OPTIONS', 'federated-learning needs a federation and a member');
    this.#store = options.store;
    this.#federation = options.federation;
    this.#member = options.member;
    this.#roundEvery = options.roundEvery ?? 50;
    this.#keyOf = options.keyOf ?? ((code) => String(code));
    this.#codesAreKeys = options.keyOf === undefined;
    // A member that starts (a new process, the next `qe-fleet run`) uses what the others published
    // from its first decision, not only after its first round.
    this.#pull();
  }

  /** Rounds completed. */
  get rounds(): number {
    return this.#rounds;
  }

  protected override armStats(code: number, arm: number): ArmStats {
    const own = super.armStats(code, arm);
    const remote = this.#remote.get(code);
    if (remote === undefined) return own;
    return { n: own.n + remote[arm * 3]!, sum: own.sum + remote[arm * 3 + 1]!, squares: own.squares + remote[arm * 3 + 2]! };
  }

  override update(ctx: ArmContext, arm: number, reward: number): boolean {
    super.update(ctx, arm, reward);
    this.#codeOf.set(this.#keyOf(ctx.state), ctx.state);
    this.#codeOf.set(this.#keyOf(ctx.type), ctx.type);
    if (++this.#sinceRound >= this.#roundEvery) this.round();
    return true;
  }

  /** Publishes this member's statistics and pulls everyone else's (also called every `roundEvery` updates; the pull also on construction). */
  round(): void {
    this.#sinceRound = 0;
    this.#rounds++;
    const rows: Record<string, number[]> = {};
    for (const code of this.table.codes()) {
      const key = this.#keyOf(code);
      this.#codeOf.set(key, code);
      rows[key] = this.arms.flatMap((_, i) => [this.stat(code, i, 0), this.stat(code, i, 1), this.stat(code, i, 2)]);
    }
    const published: PublishedModel = { strategies: [...this.arms], rows };
    this.#store.publishModel(this.#federation, this.#member, published);
    this.#pull();
  }

  /** Replaces the others' statistics with what they last published. */
  #pull(): void {
    const remote = new Map<number, Float64Array>();
    for (const { member, model } of this.#store.readModels(this.#federation)) {
      if (member === this.#member) continue;
      const m = model as Partial<PublishedModel> | null;
      if (m === null || !Array.isArray(m.strategies) || m.rows === null || typeof m.rows !== 'object') continue;
      const order = this.arms.map((name) => m.strategies!.indexOf(name));
      for (const [key, numbers] of Object.entries(m.rows)) {
        const code = this.#codeOf.get(key) ?? (this.#codesAreKeys ? Number(key) : undefined);
        if (code === undefined || !Number.isFinite(code) || !Array.isArray(numbers)) continue;
        let sums = remote.get(code);
        if (sums === undefined) remote.set(code, (sums = new Float64Array(this.arms.length * 3)));
        order.forEach((j, i) => {
          if (j < 0) return;
          // Rewards lie in [0, 1]: a triple no set of them can produce (a corrupt or hostile row) is left out.
          const triple = statistic(numbers, j * 3);
          if (triple === null) return;
          const [n, sum, squares] = triple;
          sums![i * 3]! += n;
          sums![i * 3 + 1]! += sum;
          sums![i * 3 + 2]! += squares;
        });
      }
    }
    this.#remote = remote;
  }

  /** Forgets this member's own statistics (the engine clears before it loads or rebuilds them); the others' are pulled again, not lost. */
  override clear(): void {
    super.clear();
    this.#sinceRound = 0;
    this.#pull();
  }
}
