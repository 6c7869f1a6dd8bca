import { sampleLogNormal, sampleUnit, streamSeed } from './distributions.js';
import { LearningError } from './LearningError.js';
import { createRandom } from './random.js';
import type { ArmModel, ContextModel, Scenario, TaskTypeModel } from './scenarios.js';
import type { ExecutionResult, LearningTask, RandomSource } from './types.js';

/** Scores one execution; the simulator passes the engine's own reward so NS measures what it optimises. */
export type RewardFunction = (result: ExecutionResult, task: LearningTask) => number;

/** Error classes a failed run reports, so the engine sees realistic failure patterns. */
const ERROR_CLASSES = ['AssertionError', 'TimeoutError', 'TypeError'] as const;

/** Monte-Carlo draws per arm for its expected reward; with common random numbers across arms. */
const EXPECTATION_SAMPLES = 20_000;
/** Draws per world at most: worlds with many arms, contexts and phases take fewer per arm. */
const EXPECTATION_BUDGET = 1_000_000;
/** Fewest draws per arm (common random numbers keep arm differences precise even then). */
const MIN_EXPECTATION_SAMPLES = 2_000;
/** The context of a type without `contexts`. */
const PLAIN_CONTEXT: ContextModel = { name: '', weight: 1 };

/**
 * The hidden world of a scenario: draws tasks and execution results, and knows each arm's
 * expected reward (the expectation of the reward function under the arm's hidden distribution,
 * per context and drift phase), estimated once by Monte Carlo (20 000 draws per arm and phase, fewer
 * in worlds with hundreds of arms). A task's context is what the world drew it from; the engine
 * sees only its features (complexity, capabilities, retries).
 */
export class TaskWorld {
  readonly scenario: Scenario;
  readonly strategies: string[];
  #reward: RewardFunction;
  #cumulativeWeights: number[];
  /** Days at which some arm changes, ascending, starting with 0. */
  #phaseStarts: number[];
  /** `taskType` → context → phase → strategy → expected reward. */
  #expected = new Map<string, Array<Array<Map<string, number>>>>();
  #contextCumulative = new Map<string, number[]>();
  /** The context each sampled task was drawn from. */
  #taskContexts = new WeakMap<LearningTask, number>();
  #samples: number;

  constructor(scenario: Scenario, reward: RewardFunction) {
    validateScenario(scenario);
    this.scenario = scenario;
    this.strategies = scenario.strategies.map((s) => s.name);
    this.#reward = reward;
    const total = scenario.taskTypes.reduce((sum, t) => sum + t.weight, 0);
    let acc = 0;
    this.#cumulativeWeights = scenario.taskTypes.map((t) => (acc += t.weight / total));
    this.#phaseStarts = [0, ...new Set(scenario.drifts.map((d) => d.atDay))].sort((a, b) => a - b);
    const arms = scenario.taskTypes.reduce((n, t) => n + contextsOf(t).length, 0) * this.strategies.length * this.#phaseStarts.length;
    this.#samples = Math.max(MIN_EXPECTATION_SAMPLES, Math.min(EXPECTATION_SAMPLES, Math.floor(EXPECTATION_BUDGET / arms)));
    for (const type of scenario.taskTypes) {
      const contexts = contextsOf(type);
      const sum = contexts.reduce((s, c) => s + c.weight, 0);
      let at = 0;
      this.#contextCumulative.set(type.taskType, contexts.map((c) => (at += c.weight / sum)));
      this.#expected.set(
        type.taskType,
        contexts.map((_, context) => this.#phaseStarts.map((day) => this.#estimate(type, context, day))),
      );
    }
  }

  /** Index of the context `task` was drawn from (0 for tasks this world did not draw). */
  contextOf(task: LearningTask): number {
    return this.#taskContexts.get(task) ?? 0;
  }

  /** A key per (task type, context): what a textbook contextual policy keys its statistics by. */
  contextKey(task: LearningTask): string {
    const context = this.contextOf(task);
    return context === 0 && this.#type(task.type).contexts === undefined ? task.type : `${task.type}#${context}`;
  }

  /** Inverse of `contextKey`. */
  parseContextKey(key: string): { taskType: string; context: number } {
    if (this.scenario.taskTypes.some((t) => t.taskType === key)) return { taskType: key, context: 0 };
    const at = key.lastIndexOf('#');
    return { taskType: key.slice(0, at), context: Number(key.slice(at + 1)) };
  }

  /** Contexts per task type (1 for a type without `contexts`). */
  contextCount(taskType: string): number {
    return contextsOf(this.#type(taskType)).length;
  }

  /** The task types of the scenario. */
  get taskTypes(): string[] {
    return this.scenario.taskTypes.map((t) => t.taskType);
  }

  /** Days (0-based, fractional allowed) at which the hidden parameters change. */
  get driftDays(): number[] {
    return this.#phaseStarts.slice(1);
  }

  /** The hidden parameters of an arm on `day` (0-based, fractional), drifts applied. */
  armAt(taskType: string, strategy: string, day: number, context = 0): ArmModel {
    const type = this.#type(taskType);
    const base = type.arms[strategy];
    if (base === undefined) throw new LearningError('UNKNOWN_STRATEGY', `unknown strategy '${strategy}'`);
    const ctx = contextsOf(type)[context];
    if (ctx === undefined) throw new LearningError('INVALID_TASK', `task type '${taskType}' has no context ${context}`);
    let model = { ...base, ...ctx.arms?.[strategy] };
    for (const drift of this.scenario.drifts) {
      if (
        drift.taskType === taskType &&
        drift.strategy === strategy &&
        drift.atDay <= day &&
        (drift.context === undefined || drift.context === ctx.name)
      ) {
        model = { ...model, ...drift.change };
      }
    }
    return model;
  }

  /** Expected reward of `strategy` on `taskType` (its context `context`) on `day`. */
  expectedReward(taskType: string, strategy: string, day: number, context = 0): number {
    const value = this.#phase(taskType, day, context).get(strategy);
    if (value === undefined) throw new LearningError('UNKNOWN_STRATEGY', `unknown strategy '${strategy}'`);
    return value;
  }

  /** The arm an oracle plays, its expected reward, and the uniform-random policy's expected reward. */
  reference(taskType: string, day: number, context = 0): { best: string; oracle: number; random: number } {
    let best = '';
    let oracle = Number.NEGATIVE_INFINITY;
    let sum = 0;
    for (const [strategy, value] of this.#phase(taskType, day, context)) {
      sum += value;
      if (value > oracle) {
        oracle = value;
        best = strategy;
      }
    }
    return { best, oracle, random: sum / this.strategies.length };
  }

  /** Draws the next task of the stream. */
  sampleTask(random: RandomSource, id: string): LearningTask {
    const u = random();
    const index = this.#cumulativeWeights.findIndex((w) => u < w);
    const type = this.scenario.taskTypes[index === -1 ? this.scenario.taskTypes.length - 1 : index]!;
    if (type.contexts === undefined) {
      return { id, type: type.taskType, capabilities: [...type.capabilities], timeout: type.timeoutMs };
    }
    // Only worlds with contexts draw these, so the named scenarios' task streams stay as they were.
    const cumulative = this.#contextCumulative.get(type.taskType)!;
    const v = random();
    const found = cumulative.findIndex((w) => v < w);
    const context = found === -1 ? cumulative.length - 1 : found;
    const ctx = type.contexts[context]!;
    const w = random();
    const task: LearningTask = { id, type: type.taskType, capabilities: [...(ctx.capabilities ?? type.capabilities)], timeout: type.timeoutMs };
    if (ctx.complexity !== undefined) task.context = { complexity: ctx.complexity[0] + w * (ctx.complexity[1] - ctx.complexity[0]) };
    if (ctx.retries !== undefined && ctx.retries > 0) task.retries = ctx.retries;
    this.#taskContexts.set(task, context);
    return task;
  }

  /** Draws what running `strategy` on `task` on `day` yields. */
  sampleResult(random: RandomSource, task: LearningTask, strategy: string, day: number): ExecutionResult {
    return drawResult(random, this.armAt(task.type, strategy, day, this.contextOf(task)), strategy, this.scenario.noise);
  }

  #type(taskType: string): TaskTypeModel {
    const type = this.scenario.taskTypes.find((t) => t.taskType === taskType);
    if (type === undefined) throw new LearningError('INVALID_TASK', `unknown task type '${taskType}'`);
    return type;
  }

  #phase(taskType: string, day: number, context: number): Map<string, number> {
    const phases = this.#expected.get(taskType)?.[context];
    if (phases === undefined) throw new LearningError('INVALID_TASK', `unknown task type '${taskType}' or context ${context}`);
    let index = 0;
    while (index + 1 < this.#phaseStarts.length && this.#phaseStarts[index + 1]! <= day) index++;
    return phases[index]!;
  }

  #estimate(type: TaskTypeModel, context: number, day: number): Map<string, number> {
    const task: LearningTask = {
      id: 'expectation',
      type: type.taskType,
      capabilities: type.capabilities,
      timeout: type.timeoutMs,
    };
    const values = new Map<string, number>();
    for (const strategy of this.strategies) {
      // One fixed stream for every arm (common random numbers): differences between arms carry
      // almost no estimation noise, and equal arms get equal values in every scenario and phase.
      const random = createRandom(streamSeed(0, 'expectation'));
      const model = this.armAt(type.taskType, strategy, day, context);
      let sum = 0;
      for (let i = 0; i < this.#samples; i++) {
        sum += this.#reward(drawResult(random, model, strategy, this.scenario.noise), task);
      }
      values.set(strategy, sum / this.#samples);
    }
    return values;
  }
}

/**
 * One simulated execution of an arm; always consumes the same number of uniforms (common random
 * numbers). Exported so harnesses that replay the Simulator draw exactly what it draws.
 */
export function drawResult(random: RandomSource, model: ArmModel, strategy: string, noise: number): ExecutionResult {
  const success = random() < model.successProbability;
  const executionTime = sampleLogNormal(random, model.latencyMedianMs, model.latencySigma);
  const satisfaction = sampleUnit(random, model.satisfaction, noise);
  const resourceUsage = sampleUnit(random, model.resourceEfficiency, noise);
  const coverage = sampleUnit(random, model.coverage, noise);
  const errorClass = ERROR_CLASSES[Math.floor(random() * ERROR_CLASSES.length)]!;
  return {
    strategy,
    success,
    executionTime,
    errors: success ? [] : [`${errorClass}: generated tests failed (${strategy})`],
    coverage,
    satisfaction,
    resourceUsage,
  };
}

function contextsOf(type: TaskTypeModel): ContextModel[] {
  return type.contexts ?? [PLAIN_CONTEXT];
}

function validateScenario(scenario: Scenario): void {
  const fail = (why: string): never => {
    throw new LearningError('INVALID_CONFIG', `scenario '${scenario.name}': ${why}`);
  };
  if (scenario.strategies.length < 2) fail('needs at least two strategies');
  if (scenario.taskTypes.length === 0) fail('needs at least one task type');
  if (!(scenario.noise >= 0)) fail('noise must be >= 0');
  if (!(scenario.defaultStrategyDays >= 0)) fail('defaultStrategyDays must be >= 0');
  for (const type of scenario.taskTypes) {
    if (!(type.weight > 0)) fail(`task type '${type.taskType}' needs a positive weight`);
    for (const { name } of scenario.strategies) {
      const model = type.arms[name];
      if (model === undefined) fail(`task type '${type.taskType}' has no arm for '${name}'`);
      else validateArm(model, `${type.taskType}/${name}`, fail);
    }
    if (type.contexts !== undefined) {
      if (type.contexts.length === 0) fail(`task type '${type.taskType}' has an empty contexts list`);
      for (const ctx of type.contexts) {
        if (!(ctx.weight > 0)) fail(`context '${ctx.name}' of '${type.taskType}' needs a positive weight`);
        const [lo, hi] = ctx.complexity ?? [0, 1];
        if (!(lo >= 0 && hi <= 1 && lo <= hi)) fail(`context '${ctx.name}' of '${type.taskType}' has a bad complexity range`);
        for (const [name, change] of Object.entries(ctx.arms ?? {})) {
          if (type.arms[name] === undefined) fail(`context '${ctx.name}' names unknown strategy '${name}'`);
          validateArm(change, `${type.taskType}#${ctx.name}/${name}`, fail);
        }
      }
    }
  }
  const reading = scenario.resourceReading;
  if (reading !== undefined && !(reading.mean >= 0 && reading.mean <= 1 && reading.sd >= 0)) fail('resourceReading needs mean in [0, 1] and sd >= 0');
  for (const drift of scenario.drifts) {
    const type = scenario.taskTypes.find((t) => t.taskType === drift.taskType);
    if (type?.arms[drift.strategy] === undefined) fail(`drift names unknown arm ${drift.taskType}/${drift.strategy}`);
    if (!(drift.atDay > 0)) fail('a drift needs atDay > 0');
    validateArm(drift.change, `drift of ${drift.taskType}/${drift.strategy}`, fail);
  }
}

function validateArm(model: Partial<ArmModel>, where: string, fail: (why: string) => never): void {
  for (const key of ['successProbability', 'satisfaction', 'resourceEfficiency', 'coverage'] as const) {
    const v = model[key];
    if (v !== undefined && !(v >= 0 && v <= 1)) fail(`${where}.${key} must be in [0, 1]`);
  }
  if (model.latencyMedianMs !== undefined && !(model.latencyMedianMs > 0)) fail(`${where}.latencyMedianMs must be > 0`);
  if (model.latencySigma !== undefined && !(model.latencySigma >= 0)) fail(`${where}.latencySigma must be >= 0`);
}
