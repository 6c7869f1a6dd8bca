import {
  createAlgorithm,
  createRandom,
  parseStateKey,
  resolveLearningConfig,
  TYPE_LEVEL,
  TYPE_STRIDE,
  type ArmContext,
  type LearningConfig,
  type RandomSource,
  type TaskExperience,
} from '@qe-fleet/learning-core';
import { AgentDBError } from './AgentDBError.js';
import type { DecisionTransformerTrained } from './decisionTransformer/core.js';
import { trainDecisionTransformer } from './decisionTransformer/DecisionTransformer.js';
import { DecisionTransformerAlgorithm, engineContextFeatures } from './decisionTransformer/DecisionTransformerAlgorithm.js';
import { evaluatePolicy, normalQuantile, type LoggedExperience, type PolicyEvaluation, type ValueEstimate } from './evaluatePolicy.js';

/** An engine experience as `evaluatePolicy` reads it, with where it came from. */
export interface EngineLogEntry extends LoggedExperience {
  taskType: string;
  taskId: string;
  timestamp: number;
}

/**
 * The engine's stored experiences (`LearningEngine.getState().experiences`) as off-policy logs:
 * contexts rebuilt from the state keys (task types numbered in first-seen order unless
 * `typeIndex` says otherwise), arms from the strategy names. Experiences without a logged
 * propensity (a forced strategy, an A/B test, stored before propensities were logged) or of an
 * unknown strategy are left out and counted.
 */
export function logsFromExperiences(
  experiences: readonly TaskExperience[],
  strategies: readonly string[],
  options: { typeIndex?: (taskType: string) => number } = {},
): { logged: EngineLogEntry[]; skipped: number } {
  const index = new Map(strategies.map((s, i) => [s, i]));
  const types = new Map<string, number>();
  const typeOf = options.typeIndex ?? ((t: string) => types.get(t) ?? (types.set(t, types.size), types.size - 1));
  const logged: EngineLogEntry[] = [];
  let skipped = 0;
  for (const e of experiences) {
    const parsed = parseStateKey(e.stateKey);
    const arm = index.get(e.action);
    if (parsed === null || arm === undefined || !(typeof e.propensity === 'number' && e.propensity > 0 && e.propensity <= 1)) {
      skipped++;
      continue;
    }
    const base = typeOf(parsed.taskType) * TYPE_STRIDE;
    const context: ArmContext = { state: base + parsed.code, type: base + TYPE_LEVEL };
    logged.push({ context, arm, reward: e.reward, propensity: e.propensity, taskType: e.taskType, taskId: e.taskId, timestamp: e.timestamp });
  }
  return { logged, skipped };
}

/** Options of `evaluateAlgorithm`. */
export interface EvaluateAlgorithmOptions {
  /** Engine config the candidate runs with (its `algorithm` is set to the candidate). */
  config?: Partial<LearningConfig>;
  /** Seed of the candidate's own random stream. Default 1. */
  seed?: number;
  /** Draws of `select` per experience when the candidate has no `probabilities`. Default 256. */
  draws?: number;
  confidence?: number;
}

/** A candidate's estimated value on the logs. */
export interface AlgorithmEvaluation extends PolicyEvaluation {
  algorithm: string;
}

/**
 * Off-policy estimate of what an engine running `algorithm` (built in or registered) would have
 * earned on the logged tasks: the candidate starts empty and replays the logs in order, as the
 * engine would feed it (update, then link the previous experience of the type); before each
 * experience its selection probabilities are taken (its `probabilities`, else `draws` samples of
 * `select`), and `evaluatePolicy` turns them into IPS, SNIPS and doubly robust estimates with
 * intervals, plus the difference with the logged policy. Because the estimate at each step only
 * depends on earlier logs, the weighted terms stay unbiased for a policy that learns (a
 * martingale); but the candidate learns from the logged policy's choices, not its own, so for
 * algorithms whose update assumes they chose the arm (EXP3, actor-critic) the estimate describes
 * that off-policy learner. The engine's q-learning replay minibatches are not re-run.
 */
export function evaluateAlgorithm(
  algorithm: string,
  logged: readonly EngineLogEntry[],
  strategies: readonly string[],
  options: EvaluateAlgorithmOptions = {},
): AlgorithmEvaluation {
  const config = resolveLearningConfig({ ...options.config, algorithm });
  const draws = options.draws ?? 256;
  const stream: RandomSource = createRandom(options.seed ?? 1);
  const candidate = createAlgorithm(config, strategies, stream);
  let epsilon = candidate.usesEpsilon ? config.explorationRate : 0;
  const previous = new Map<number, { ctx: ArmContext; arm: number; reward: number }>();
  const targets = logged.map((e) => {
    let p = candidate.probabilities?.(e.context, epsilon);
    if (!Array.isArray(p) || p.length !== strategies.length) {
      const estimates = candidate.estimates(e.context);
      const counts = new Array<number>(strategies.length).fill(0);
      for (let i = 0; i < draws; i++) counts[candidate.select(e.context, estimates, epsilon)]! += 1;
      p = counts.map((c) => c / draws);
    }
    candidate.update(e.context, e.arm, e.reward, null);
    const before = previous.get(e.context.type);
    if (before !== undefined) candidate.link(before.ctx, before.arm, before.reward, e.context);
    previous.set(e.context.type, { ctx: e.context, arm: e.arm, reward: e.reward });
    if (candidate.usesEpsilon) epsilon = Math.max(config.minExplorationRate, epsilon * config.explorationDecay);
    return p;
  });
  const evaluation = evaluatePolicy({ probabilities: () => [] }, logged, {
    targetProbabilities: targets,
    ...(options.confidence === undefined ? {} : { confidence: options.confidence }),
  });
  return { algorithm, ...evaluation };
}

/** What `evaluateDecisionTransformer` returns: the estimate on the held-out logs and the model. */
export interface DecisionTransformerEvaluation extends AlgorithmEvaluation {
  model: DecisionTransformerTrained;
  /** Experiences the model was trained on (the first `trainShare` of the logs). */
  trainedOn: number;
}

/**
 * The decision transformer's estimate: trained (in a worker) on the first `trainShare` (0.7) of
 * the logs with `engineContextFeatures`, then replayed frozen (its context window only) over the
 * rest, which is where its value is estimated: fewer experiences than the online candidates'.
 */
export async function evaluateDecisionTransformer(
  logged: readonly EngineLogEntry[],
  strategies: readonly string[],
  options: { trainShare?: number; epochs?: number; confidence?: number; worker?: boolean } = {},
): Promise<DecisionTransformerEvaluation> {
  const share = options.trainShare ?? 0.7;
  const cut = Math.floor(logged.length * share);
  if (cut < 10 || logged.length - cut < 2) throw new AgentDBError('INVALID_EXPERIENCES', `decision-transformer needs more logs (${logged.length})`);
  const train = logged.slice(0, cut);
  const model = await trainDecisionTransformer([train.map((e) => ({ features: engineContextFeatures(e.context), action: e.arm, reward: e.reward }))], {
    actions: strategies.length,
    ...(options.epochs === undefined ? {} : { epochs: options.epochs }),
    ...(options.worker === undefined ? {} : { worker: options.worker }),
  });
  return { ...evaluateTrainedDecisionTransformer(model, train, logged.slice(cut), strategies, options), model, trainedOn: cut };
}

/**
 * Off-policy estimate of an already trained decision transformer (e.g. one `train({ saveAs })`
 * kept) on logs it was not trained on: its context window is primed with the last steps of
 * `before`, then it runs frozen over `held`, where its value is estimated.
 */
export function evaluateTrainedDecisionTransformer(
  model: DecisionTransformerTrained,
  before: readonly EngineLogEntry[],
  held: readonly EngineLogEntry[],
  strategies: readonly string[],
  options: { confidence?: number } = {},
): AlgorithmEvaluation {
  if (held.length < 2) throw new AgentDBError('INVALID_EXPERIENCES', `decision-transformer needs at least 2 logs it was not trained on (${held.length})`);
  const policy = new DecisionTransformerAlgorithm(model, strategies);
  for (const e of before.slice(-model.config.context)) policy.update(e.context, e.arm, e.reward);
  const targets = held.map((e) => {
    const p = policy.probabilities(e.context);
    policy.update(e.context, e.arm, e.reward);
    return p;
  });
  const evaluation = evaluatePolicy({ probabilities: () => [] }, held, {
    targetProbabilities: targets,
    ...(options.confidence === undefined ? {} : { confidence: options.confidence }),
  });
  return { algorithm: 'decision-transformer', ...evaluation };
}

/** The logged (current) policy's own value: the mean logged reward with its normal interval. */
export function loggedValue(logged: readonly LoggedExperience[], confidence = 0.95): ValueEstimate {
  const n = logged.length;
  if (n < 2) throw new AgentDBError('INVALID_EXPERIENCES', 'at least two experiences are needed');
  const mean = logged.reduce((s, e) => s + e.reward, 0) / n;
  const sd = Math.sqrt(logged.reduce((s, e) => s + (e.reward - mean) ** 2, 0) / (n - 1));
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const se = sd / Math.sqrt(n);
  return { value: mean, standardError: se, lower: mean - z * se, upper: mean + z * se };
}
