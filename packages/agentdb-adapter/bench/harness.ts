/**
 * A single-type-of-agent copy of learning-core's `Simulator` loop that drives any algorithm with
 * learning-core's `LearningAlgorithm` shape (the Simulator itself only runs the engine's closed
 * set of algorithm names). It replays the SAME worlds: the scenario from `getScenario`, the same
 * seeded streams (`tasks:`, `outcomes:`, `policy:` + agent id, via the same FNV mix), the same
 * task and outcome draws, the engine's reward, and the hidden expected rewards the Simulator
 * itself reports (`hiddenRewards`), so NS here and NS from the Simulator are on one scale.
 * `test/harness.test.ts` checks that: textbook UCB1 driven here gives the Simulator's NS exactly.
 *
 * Contexts are numbered as the engine numbers them (type base = index × 1601, state = base +
 * featureCode, type row = base + 1600), with task types indexed in scenario order.
 */
import {
  BALANCED_CONFIG,
  Simulator,
  calculateReward,
  createRandom,
  extractTaskState,
  featureCode,
  getScenario,
  standardNormal,
  type ArmContext,
  type ArmEstimate,
  type ArmModel,
  type ExecutionResult,
  type LearningTask,
  type RandomSource,
  type Scenario,
  type ScenarioName,
} from '@qe-fleet/learning-core';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const TYPE_STRIDE = 1601;
const TYPE_LEVEL = 1600;
const ERROR_CLASSES = ['AssertionError', 'TimeoutError', 'TypeError'] as const;

/** What the harness needs of an algorithm (learning-core's interface, any name). */
export interface HarnessAlgorithm {
  readonly usesEpsilon: boolean;
  select(ctx: ArmContext, estimates: readonly ArmEstimate[], epsilon: number): number;
  estimates(ctx: ArmContext): ArmEstimate[];
  update(ctx: ArmContext, arm: number, reward: number, next: ArmContext | null): boolean;
  link(ctx: ArmContext, arm: number, reward: number, next: ArmContext): void;
  probabilities?(ctx: ArmContext, epsilon: number): number[];
}

/** One logged decision (with the logging policy's propensity when asked for). */
export interface LoggedDecision {
  context: ArmContext;
  taskType: string;
  day: number;
  arm: number;
  reward: number;
  propensity: number;
}

/** A learner that sees tasks and results (what the Simulator drives the engine through). */
export interface TaskLearner {
  choose(task: LearningTask): string;
  learn(task: LearningTask, result: ExecutionResult): void;
}

/** Virtual time of the first task (the Simulator's default start). */
const START_TIME = Date.UTC(2026, 0, 1);

export interface HarnessOptions {
  scenario: ScenarioName;
  seed: number;
  days?: number;
  tasksPerHour?: number;
  /** Agents of the one agent type `test-generator` (ids `test-generator-1`...). Default 1. */
  agents?: number;
  /** Builds agent i's algorithm from its policy stream (the stream the Simulator gives the engine). */
  make?: (agentId: string, random: RandomSource) => HarnessAlgorithm;
  /**
   * Instead of `make`: a task-level learner (e.g. a whole LearningEngine), given the policy stream
   * and the virtual clock, choosing by task and learning from the raw result as the Simulator's
   * engine does.
   */
  learner?: (agentId: string, random: RandomSource, clock: () => number) => TaskLearner;
  /** Record every decision with its propensity (`probabilities` is then required). */
  log?: boolean;
}

export interface HarnessResult {
  normalizedScore: number;
  firstDayNormalizedScore: number;
  driftDayNormalizedScore: number | null;
  tasks: number;
  algorithms: HarnessAlgorithm[];
  log: LoggedDecision[];
}

/** FNV-1a stream seed, as learning-core's `streamSeed` (not exported there). */
export function streamSeed(seed: number, label: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  return h >>> 0;
}

const sampleNormal = (random: RandomSource, mean: number, sd: number): number => mean + sd * standardNormal(random);
const sampleUnit = (random: RandomSource, mean: number, sd: number): number => Math.min(1, Math.max(0, sampleNormal(random, mean, sd)));

function drawResult(random: RandomSource, model: ArmModel, strategy: string, noise: number): ExecutionResult {
  const success = random() < model.successProbability;
  const executionTime = model.latencyMedianMs * Math.exp(sampleNormal(random, 0, model.latencySigma));
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

/** The scenario's hidden expected rewards, as the Simulator reports them, by phase. */
export interface HiddenWorld {
  scenario: Scenario;
  strategies: string[];
  driftDays: number[];
  /** Expected reward of (task type, strategy) on a day. */
  expected(taskType: string, strategy: string, day: number): number;
  reference(taskType: string, day: number): { oracle: number; random: number; best: string };
  armAt(taskType: string, strategy: string, day: number): ArmModel;
}

const worlds = new Map<ScenarioName, Promise<HiddenWorld>>();

/** The world of a scenario, with the expected rewards read from a (tiny) Simulator run. */
export function hiddenWorld(name: ScenarioName): Promise<HiddenWorld> {
  let world = worlds.get(name);
  if (world === undefined) {
    world = (async () => {
      const scenario = getScenario(name);
      const run = await new Simulator({ scenario: name, days: 0.01, policy: 'uniform-random', agentsPerType: 1, trackPerformance: false }).run();
      const phases = [...new Set(run.hiddenRewards.map((h) => h.fromDay))].sort((a, b) => a - b);
      const table = new Map(run.hiddenRewards.map((h) => [`${h.fromDay}|${h.taskType}|${h.strategy}`, h.expectedReward]));
      const phaseOf = (day: number): number => phases.filter((p) => p <= day).at(-1)!;
      const strategies = scenario.strategies.map((s) => s.name);
      const expected = (taskType: string, strategy: string, day: number): number => table.get(`${phaseOf(day)}|${taskType}|${strategy}`)!;
      return {
        scenario,
        strategies,
        driftDays: run.scenario.driftDays,
        expected,
        reference(taskType, day) {
          const values = strategies.map((s) => expected(taskType, s, day));
          const oracle = Math.max(...values);
          return { oracle, random: values.reduce((a, b) => a + b, 0) / values.length, best: strategies[values.indexOf(oracle)]! };
        },
        armAt(taskType, strategy, day) {
          const type = scenario.taskTypes.find((t) => t.taskType === taskType)!;
          let model = type.arms[strategy]!;
          for (const d of scenario.drifts) {
            if (d.taskType === taskType && d.strategy === strategy && d.atDay <= day) model = { ...model, ...d.change };
          }
          return model;
        },
      } satisfies HiddenWorld;
    })();
    worlds.set(name, world);
  }
  return world;
}

interface Tally {
  expected: number;
  oracle: number;
  random: number;
}
function tallyTask(days: Tally[], world: HiddenWorld, taskType: string, strategy: string, day: number): void {
  const dayIndex = Math.floor(day);
  while (days.length <= dayIndex) days.push({ expected: 0, oracle: 0, random: 0 });
  const tally = days[dayIndex]!;
  const reference = world.reference(taskType, day);
  tally.expected += world.expected(taskType, strategy, day);
  tally.oracle += reference.oracle;
  tally.random += reference.random;
}

const ns = (t: Tally): number => (t.expected - t.random) / (t.oracle - t.random);

/** Runs the scenario with the algorithms `make` builds. Deterministic for identical options. */
export async function runHarness(options: HarnessOptions): Promise<HarnessResult> {
  const world = await hiddenWorld(options.scenario);
  const { scenario } = world;
  const days = options.days ?? 30;
  const tasksPerHour = options.tasksPerHour ?? 10;
  const count = options.agents ?? 1;
  const intervalMs = HOUR_MS / tasksPerHour;
  const tasksPerAgent = Math.round(days * 24 * tasksPerHour);
  const cumulative: number[] = [];
  const totalWeight = scenario.taskTypes.reduce((s, t) => s + t.weight, 0);
  let acc = 0;
  for (const t of scenario.taskTypes) cumulative.push((acc += t.weight / totalWeight));
  const typeIndex = new Map(scenario.taskTypes.map((t, i) => [t.taskType, i]));
  let now = START_TIME;
  const clock = (): number => now;
  const agents = Array.from({ length: count }, (_, i) => {
    const id = `test-generator-${i + 1}`;
    const random = createRandom(streamSeed(options.seed, `policy:${id}`));
    return {
      id,
      offsetMs: (i * intervalMs) / count,
      algorithm: options.make === undefined ? null : options.make(id, random),
      learner: options.learner === undefined ? null : options.learner(id, random, clock),
      tasks: createRandom(streamSeed(options.seed, `tasks:${id}`)),
      outcomes: createRandom(streamSeed(options.seed, `outcomes:${id}`)),
      epsilon: BALANCED_CONFIG.explorationRate,
      previous: new Map<string, { ctx: ArmContext; arm: number; reward: number }>(),
      days: [] as Tally[],
    };
  });
  const log: LoggedDecision[] = [];
  for (let k = 0; k < tasksPerAgent; k++) {
    for (const agent of agents) {
      const day = (k * intervalMs + agent.offsetMs) / DAY_MS;
      now = START_TIME + k * intervalMs + agent.offsetMs;
      const u = agent.tasks();
      const index = cumulative.findIndex((w) => u < w);
      const type = scenario.taskTypes[index === -1 ? scenario.taskTypes.length - 1 : index]!;
      const task: LearningTask = { id: `${agent.id}-task-${k}`, type: type.taskType, capabilities: [...type.capabilities], timeout: type.timeoutMs };
      const shipped = day < scenario.defaultStrategyDays;
      if (agent.learner !== null) {
        const strategy = shipped ? world.strategies[0]! : agent.learner.choose(task);
        const result = drawResult(agent.outcomes, world.armAt(task.type, strategy, day), strategy, scenario.noise);
        agent.learner.learn(task, result);
        tallyTask(agent.days, world, task.type, strategy, day);
        continue;
      }
      const state = extractTaskState(task, () => 0.8);
      const base = typeIndex.get(task.type)! * TYPE_STRIDE;
      const ctx: ArmContext = { state: base + featureCode(state), type: base + TYPE_LEVEL };
      const alg = agent.algorithm!;
      const epsilon = alg.usesEpsilon ? agent.epsilon : 0;
      const propensities = options.log && !shipped ? alg.probabilities!(ctx, epsilon) : null;
      const arm = shipped ? 0 : alg.select(ctx, alg.estimates(ctx), epsilon);
      const strategy = world.strategies[arm]!;
      const result = drawResult(agent.outcomes, world.armAt(task.type, strategy, day), strategy, scenario.noise);
      const reward = calculateReward(result, undefined, { referenceTimeMs: task.timeout! });
      // The engine's order: learn this experience, then link the previous one of the same type to it.
      alg.update(ctx, arm, reward, null);
      const previous = agent.previous.get(task.type);
      if (previous !== undefined) alg.link(previous.ctx, previous.arm, previous.reward, ctx);
      agent.previous.set(task.type, { ctx, arm, reward });
      if (alg.usesEpsilon) agent.epsilon = Math.max(BALANCED_CONFIG.minExplorationRate, agent.epsilon * BALANCED_CONFIG.explorationDecay);
      if (propensities !== null) log.push({ context: ctx, taskType: task.type, day, arm, reward, propensity: propensities[arm]! });
      tallyTask(agent.days, world, task.type, strategy, day);
    }
  }
  const sum = (ts: Tally[]): Tally => ts.reduce((a, t) => ({ expected: a.expected + t.expected, oracle: a.oracle + t.oracle, random: a.random + t.random }), { expected: 0, oracle: 0, random: 0 });
  const driftDay = world.driftDays.find((d) => d < days);
  return {
    normalizedScore: ns(sum(agents.flatMap((a) => a.days))),
    firstDayNormalizedScore: ns(sum(agents.map((a) => a.days[0]!))),
    driftDayNormalizedScore: driftDay === undefined ? null : ns(sum(agents.map((a) => a.days[Math.floor(driftDay)]!))),
    tasks: tasksPerAgent * count,
    algorithms: agents.flatMap((a) => (a.algorithm === null ? [] : [a.algorithm])),
    log,
  };
}
