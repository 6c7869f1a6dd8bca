import { registeredAlgorithms } from './algorithmRegistry.js';
import { DEFAULT_REWARD_WEIGHTS, resolveRewardWeights } from './compositeScore.js';
import { LearningError } from './LearningError.js';
import type { AlgorithmId, AlgorithmName, LearningConfig, RewardWeights } from './types.js';

/** Every algorithm `LearningConfig.algorithm` accepts. */
export const ALGORITHMS: readonly AlgorithmName[] = [
  'q-learning',
  'ucb1',
  'thompson-sampling',
  'discounted-thompson',
  'sliding-window-ucb',
];

/**
 * The default algorithm, chosen with the simulator benchmark (bench/effectiveness.ts, findings in
 * the README): QE tasks are mostly independent, which suits a bandit, and workloads drift, which
 * suits forgetting old evidence; discounted Thompson sampling with the measured-variance posterior
 * and a change test did best across the stationary, drift, many-types and noisy worlds.
 */
const DEFAULT_ALGORITHM: AlgorithmName = 'discounted-thompson';

/** What the seed's presets left implicit; shared by all three. */
const COMMON = {
  algorithm: DEFAULT_ALGORITHM,
  replayBufferSize: 1000,
  minPatternTrials: 10,
  patternConfidenceThreshold: 0.8,
  // The change test catches a strategy that got worse; the discount is left to find one that got
  // better while unplayed, and every bit of forgetting re-explores the unplayed strategies of a
  // world that did not change. Random worlds 10001-10100 (14 days, 3 runs): 0.999 -> 0.9995 moved
  // engine-alone median NS 0.849 -> 0.859 and its share at or above textbook Thompson 95 -> 97 %,
  // pooled 0.908 -> 0.916, and cost a world whose weaker strategy becomes the best (10017: 0.777 ->
  // 0.643); 0.9998 lost more there and let pooled fall below alone (10030). 0.99 re-explored
  // all the time (NS 0.42 vs 0.78).
  banditDiscount: 0.9995,
  slidingWindowSize: 200,
  rewardWeights: DEFAULT_REWARD_WEIGHTS,
} as const;

/** Seed A.1: stable learning. */
export const CONSERVATIVE_CONFIG: Readonly<LearningConfig> = Object.freeze({
  ...COMMON,
  enabled: true,
  learningRate: 0.05,
  discountFactor: 0.99,
  explorationRate: 0.2,
  explorationDecay: 0.998,
  minExplorationRate: 0.01,
  maxMemorySize: 50 * 1024 * 1024,
  batchSize: 16,
  updateFrequency: 20,
});

/** Seed A.1: fast learning. */
export const AGGRESSIVE_CONFIG: Readonly<LearningConfig> = Object.freeze({
  ...COMMON,
  enabled: true,
  learningRate: 0.2,
  discountFactor: 0.9,
  explorationRate: 0.5,
  explorationDecay: 0.99,
  minExplorationRate: 0.05,
  maxMemorySize: 100 * 1024 * 1024,
  batchSize: 64,
  updateFrequency: 5,
});

/** Seed A.1: the default. */
export const BALANCED_CONFIG: Readonly<LearningConfig> = Object.freeze({
  ...COMMON,
  enabled: true,
  learningRate: 0.1,
  discountFactor: 0.95,
  explorationRate: 0.3,
  explorationDecay: 0.995,
  minExplorationRate: 0.01,
  maxMemorySize: 100 * 1024 * 1024,
  batchSize: 32,
  updateFrequency: 10,
});

/**
 * Reward weights of an agent whose product is what it finds or measures in the part of a project
 * it chooses to examine (lint findings, weak tests, uncovered code): the quality of that product
 * (satisfaction: F1 against a catalogue, else the user's triage rating or the agent's own measure)
 * weighs 0.45 and the share of the project it examined (`coverage`) 0.1, against 0.3 for running
 * without failure or errors and 0.15 for time and cost. With seed 10.1's weights quality weighs
 * 0.25 against 0.75 for success, errors, time and cost, so a strategy that examines almost nothing
 * quickly beats one that finds what is there (mutation-tester's `changed-files` on a clean
 * checkout scored 0.745 with no finding).
 */
export const FINDING_REWARD_WEIGHTS: Readonly<RewardWeights> = Object.freeze({
  success: 0.2,
  errors: 0.1,
  satisfaction: 0.45,
  time: 0.1,
  efficiency: 0.05,
  coverage: 0.1,
  timeScaleMs: DEFAULT_REWARD_WEIGHTS.timeScaleMs,
});

/**
 * Seed A.2: per agent type, applied over `BALANCED_CONFIG`. `rewardWeights` (over
 * `DEFAULT_REWARD_WEIGHTS`; `rewardWeightsFor(type)` resolves them) are set where the agent's
 * quality signal matters more than seed 10.1's weights let it: the agents that choose how much of
 * a project to examine (a "changed files" strategy may examine nothing) get
 * `FINDING_REWARD_WEIGHTS`; mutation-tester's time scale is 15 minutes, since a mutation run takes
 * minutes and at the 60 s scale only an empty run scores on time.
 */
export const AGENT_CONFIGS: Readonly<Record<string, Readonly<Partial<LearningConfig>>>> = Object.freeze({
  'test-generator': { learningRate: 0.15, explorationRate: 0.4, batchSize: 32 },
  'code-reviewer': { learningRate: 0.08, explorationRate: 0.2, batchSize: 64, rewardWeights: FINDING_REWARD_WEIGHTS },
  'api-tester': { learningRate: 0.1, explorationRate: 0.3, batchSize: 32 },
  'flaky-test-detector': { learningRate: 0.12, explorationRate: 0.25, batchSize: 128 },
  'coverage-analyzer': { rewardWeights: FINDING_REWARD_WEIGHTS },
  'mutation-tester': { rewardWeights: Object.freeze({ ...FINDING_REWARD_WEIGHTS, timeScaleMs: 15 * 60_000 }) },
});

/** True for a built-in algorithm name or one added with `registerAlgorithm`. */
export function isKnownAlgorithm(name: unknown): name is AlgorithmId {
  return typeof name === 'string' && (ALGORITHMS.includes(name as AlgorithmName) || registeredAlgorithms().includes(name));
}

type Check = (value: unknown, config: LearningConfig) => string | null;

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function range(lo: number, hi: number, { loOpen = false, hiOpen = false, integer = false } = {}): Check {
  const text = `${integer ? 'an integer' : 'a number'} in ${loOpen ? '(' : '['}${lo}, ${hi}${hiOpen ? ')' : ']'}`;
  return (v) => {
    const ok =
      isNumber(v) &&
      (!integer || Number.isInteger(v)) &&
      (loOpen ? v > lo : v >= lo) &&
      (hiOpen ? v < hi : v <= hi);
    return ok ? null : text;
  };
}

const CHECKS: Record<keyof LearningConfig, Check> = {
  enabled: (v) => (typeof v === 'boolean' ? null : 'a boolean'),
  algorithm: (v) => (isKnownAlgorithm(v) ? null : `one of ${[...ALGORITHMS, ...registeredAlgorithms()].join(', ')}`),
  learningRate: range(0, 1, { loOpen: true }),
  discountFactor: range(0, 1, { hiOpen: true }),
  explorationRate: range(0, 1),
  explorationDecay: range(0, 1, { loOpen: true }),
  minExplorationRate: (v, c) =>
    range(0, 1)(v, c) ?? ((v as number) <= c.explorationRate ? null : 'at most explorationRate'),
  maxMemorySize: range(1024, Number.MAX_SAFE_INTEGER, { integer: true }),
  replayBufferSize: range(1, 1_000_000, { integer: true }),
  batchSize: (v, c) => range(1, c.replayBufferSize, { integer: true })(v, c),
  updateFrequency: range(1, 1_000_000, { integer: true }),
  minPatternTrials: range(1, 1_000_000, { integer: true }),
  patternConfidenceThreshold: range(0, 1),
  banditDiscount: range(0, 1, { loOpen: true }),
  slidingWindowSize: range(1, 100_000, { integer: true }),
  // Validated (and completed from the defaults) by resolveRewardWeights before the checks run.
  rewardWeights: () => null,
};

/**
 * `BALANCED_CONFIG` with `partial` on top, validated. Throws `LearningError` (`INVALID_CONFIG`)
 * naming the first bad key and its expected range; unknown keys are refused (they are typos).
 */
export function resolveLearningConfig(partial: Partial<LearningConfig> = {}): LearningConfig {
  if (partial === null || typeof partial !== 'object') {
    throw new LearningError('INVALID_CONFIG', 'learning config must be an object');
  }
  for (const key of Object.keys(partial)) {
    if (!(key in CHECKS)) throw new LearningError('INVALID_CONFIG', `unknown learning config key "${key}"`);
  }
  const defined = Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined));
  const config: LearningConfig = { ...BALANCED_CONFIG, ...defined };
  config.rewardWeights = resolveRewardWeights(partial.rewardWeights ?? {});
  for (const [key, check] of Object.entries(CHECKS) as Array<[keyof LearningConfig, Check]>) {
    const expected = check(config[key], config);
    if (expected !== null) {
      throw new LearningError(
        'INVALID_CONFIG',
        `learning config "${key}" must be ${expected}, got ${JSON.stringify(config[key]) ?? String(config[key])}`,
      );
    }
  }
  return config;
}

/**
 * The composite-score weights an agent of `agentType` learns and is scored with: its
 * `AGENT_CONFIGS` entry's `rewardWeights` over the defaults (what `BaseAgent` gives its engine,
 * tracker and safeguard), for scripts and benches that score an agent's runs outside an engine.
 */
export function rewardWeightsFor(agentType: string): RewardWeights {
  return resolveRewardWeights(AGENT_CONFIGS[agentType]?.rewardWeights ?? {});
}
