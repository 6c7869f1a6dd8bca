import {
  LearningEngine,
  extractTaskState,
  featureCode,
  formatStateKey,
  type ExecutionResult,
  type LearningEngineOptions,
  type LearningFeedback,
  type LearningOutcome,
  type LearningTask,
  type StrategyRecommendation,
  type StrategySelection,
  type TaskState,
} from '@qe-fleet/learning-core';
import type { SwarmMemoryManager } from '@qe-fleet/memory';
import type { AgentDBAdapter } from './AgentDBAdapter.js';
import { AgentDBError } from './AgentDBError.js';
import { embedTaskState } from './embedding.js';

/** Options of `AdvancedLearningEngine`: the engine's, plus the store and when to trust neighbours. */
export interface AdvancedLearningEngineOptions extends LearningEngineOptions {
  agentDB: AgentDBAdapter;
  /** Neighbours retrieved per decision (the most similar, newest first among equals). Default 200. */
  k?: number;
  /** Similarity a neighbour needs to count as evidence. Default 0.9. */
  evidenceSimilarity?: number;
  /** Experiences each of the two best strategies needs among the evidence. Default 10. */
  minSupport?: number;
  /** P(best beats runner-up) the neighbours must reach. Default 0.95. */
  minConfidence?: number;
}

/** How often the neighbours decided. */
export interface NeighbourUsage {
  byNeighbours: number;
  byEngine: number;
}

/**
 * The seed's `AdvancedLearningEngine` (9.1): a `LearningEngine` that asks the AgentDB store first
 * and falls back to itself. The neighbours decide only when they are similar and numerous enough:
 * a synthesised recommendation whose best and runner-up strategies both have `minSupport`
 * experiences at similarity >= `evidenceSimilarity` among the `k` nearest, and P(best beats
 * runner-up) >= `minConfidence`. Every learned execution is also stored in the AgentDB (the
 * engine's own learning and persistence are unchanged). Neighbour decisions do not explore.
 */
export class AdvancedLearningEngine extends LearningEngine {
  readonly #db: AgentDBAdapter;
  readonly #k: number;
  readonly #similarity: number;
  readonly #support: number;
  readonly #confidence: number;
  readonly #states = new Map<string, TaskState>();
  #usage: NeighbourUsage = { byNeighbours: 0, byEngine: 0 };

  constructor(agentId: string, memory: SwarmMemoryManager, options: AdvancedLearningEngineOptions) {
    if (options?.agentDB === undefined) throw new AgentDBError('INVALID_OPTIONS', 'AdvancedLearningEngine needs agentDB');
    super(agentId, memory, options);
    this.#db = options.agentDB;
    this.#k = options.k ?? 200;
    this.#similarity = options.evidenceSimilarity ?? 0.9;
    this.#support = options.minSupport ?? 10;
    this.#confidence = options.minConfidence ?? 0.95;
  }

  /** Decisions made by the neighbours and by the engine so far. */
  get usage(): NeighbourUsage {
    return { ...this.#usage };
  }

  override extractTaskState(task: LearningTask): TaskState {
    const state = super.extractTaskState(task);
    if (typeof task.id === 'string') {
      this.#states.set(task.id, state);
      if (this.#states.size > 1000) this.#states.delete(this.#states.keys().next().value!);
    }
    return state;
  }

  #fromNeighbours(state: TaskState): StrategyRecommendation | null {
    const known = new Set(this.getStrategies().map((s) => s.name));
    const { context } = this.#db.retrieveWithReasoning(embedTaskState(state), {
      domain: state.taskType,
      k: this.#k,
      synthesizeContext: true,
      evidenceSimilarity: this.#similarity,
      minSupport: this.#support,
    });
    const rec = context?.recommendation;
    if (rec == null || rec.confidence === null || rec.confidence < this.#confidence || !known.has(rec.strategy)) return null;
    return {
      strategy: rec.strategy,
      confidence: rec.confidence,
      expectedImprovement: 0,
      reasoning: `agentdb neighbours: ${context!.reasoning}`,
      alternatives: context!.strategies.slice(1).map((s) => ({ strategy: s.strategy, confidence: 0, expectedValue: s.meanReward })),
    };
  }

  override selectStrategy(state: TaskState): StrategySelection {
    const neighbours = this.isEnabled() ? this.#fromNeighbours(state) : null;
    if (neighbours === null) {
      this.#usage.byEngine++;
      return super.selectStrategy(state);
    }
    this.#usage.byNeighbours++;
    return { ...neighbours, explored: false, stateKey: formatStateKey(state.taskType, featureCode(state)) };
  }

  override recommendStrategy(state: TaskState): StrategyRecommendation {
    return this.#fromNeighbours(state) ?? super.recommendStrategy(state);
  }

  override learnFromExecution(task: LearningTask, result: ExecutionResult, feedback?: LearningFeedback): LearningOutcome {
    const state = this.#states.get(task?.id) ?? extractTaskState(task);
    this.#states.delete(task?.id);
    const outcome = super.learnFromExecution(task, result, feedback);
    if (outcome.learned) this.#db.insertExperience({ state, strategy: result.strategy, reward: outcome.reward });
    return outcome;
  }
}
