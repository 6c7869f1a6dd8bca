/**
 * A single-type-of-agent copy of learning-core's `Simulator` loop that drives any algorithm with
 * learning-core's `LearningAlgorithm` shape (the Simulator itself only runs the engine's closed
 * set of algorithm names). It replays the SAME worlds: the scenario from `getScenario` (or a
 * `Scenario` object, e.g. `generateWorld(seed).scenario`), the same seeded streams (`tasks:`,
 * `outcomes:`, `policy:` + agent id, via the same FNV mix), the same task draws (a task's context
 * and its features, then the per-task load reading when the world has one), the same outcome
 * draws, join days, the engine's reward (`calculateReward` with the default weights: the seed 10.1
 * composite score, what the Simulator's world and its baselines score), and the hidden expected
 * rewards the Simulator itself reports (`hiddenRewards`, by task type, context and phase), so NS
 * here and NS from the Simulator are on one scale. `test/harness.test.ts` checks that: textbook
 * UCB1 keyed by (task type, context), driven here, gives the Simulator's NS exactly.
 *
 * Contexts are numbered as the engine numbers them (type base = index × 1601, state = base +
 * featureCode, type row = base + 1600), with task types indexed in scenario order: the same codes
 * for every agent and every run of a world, which the algorithms that share rows (federated
 * learning) or are trained on one run and used on another (a frozen target, the decision
 * transformer) rely on. (An engine numbers types in the order it meets them; only its own rows
 * use those numbers, so the choice changes no decision.) Each context also carries `key`, the Simulator's (task type,
 * context) key (`type`, or `type#i` in worlds whose types have contexts): what a textbook
 * contextual policy keys by; the engine never sees it.
 */
import {
  BALANCED_CONFIG,
  Simulator,
  calculateReward,
  createRandom,
  drawResult,
  extractTaskState,
  featureCode,
  getScenario,
  sampleUnit,
  streamSeed,
  type ArmContext,
  type ArmEstimate,
  type ArmModel,
  type ContextModel,
  type ExecutionResult,
  type LearningTask,
  type RandomSource,
  type Scenario,
  type ScenarioName,
  type TaskTypeModel,
} from '@qe-fleet/learning-core';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const TYPE_STRIDE = 1601;
const TYPE_LEVEL = 1600;

/** What the harness needs of an algorithm (learning-core's interface, any name). */
export interface HarnessAlgorithm {
  readonly usesEpsilon: boolean;
  select(ctx: ArmContext, estimates: readonly ArmEstimate[], epsilon: number): number;
  estimates(ctx: ArmContext): ArmEstimate[];
  update(ctx: ArmContext, arm: number, reward: number, next: ArmContext | null): boolean;
  link(ctx: ArmContext, arm: number, reward: number, next: ArmContext): void;
  probabilities?(ctx: ArmContext, epsilon: number): number[];
}

/** The engine's context of a task plus the Simulator's (task type, context) key. */
export interface HarnessContext extends ArmContext {
  readonly key: string;
}

/** One logged decision (with the logging policy's propensity when asked for). */
export interface LoggedDecision {
  context: HarnessContext;
  taskType: string;
  /** Index of the task's context within its type (0 in worlds without contexts). */
  contextIndex: number;
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
  /** A named scenario or a scenario object (a random world's `scenario`). */
  scenario: ScenarioName | Scenario;
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
   * engine does; `resources` is the agent's load reading on the current task (the engine's probe).
   */
  learner?: (agentId: string, random: RandomSource, clock: () => number, resources: () => number) => TaskLearner;
  /** Day (integer, 0-based) each agent joins, by index, as the Simulator's `joinDays`. */
  joinDays?: readonly number[];
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

/** The reward the Simulator's world and its baselines score (the engine's, default weights). */
export const harnessReward = (result: ExecutionResult): number => calculateReward(result);

/** The scenario's hidden expected rewards, as the Simulator reports them, by context and phase. */
export interface HiddenWorld {
  scenario: Scenario;
  strategies: string[];
  driftDays: number[];
  /** Contexts of a task type (1 for a type without `contexts`). */
  contextCount(taskType: string): number;
  /** Expected reward of (task type, context, strategy) on a day. */
  expected(taskType: string, strategy: string, day: number, context?: number): number;
  reference(taskType: string, day: number, context?: number): { oracle: number; random: number; best: string };
  armAt(taskType: string, strategy: string, day: number, context?: number): ArmModel;
  /** Draws the next task of a stream as the Simulator's world does, with its context index. */
  sampleTask(random: RandomSource, id: string): { task: LearningTask; context: number };
  /** The Simulator's key of (task type, context). */
  contextKey(taskType: string, context: number): string;
}

const worlds = new Map<string, Promise<HiddenWorld>>();
const PLAIN_CONTEXT: ContextModel = { name: '', weight: 1 };
const contextsOf = (type: TaskTypeModel): ContextModel[] => type.contexts ?? [PLAIN_CONTEXT];

/** The world of a scenario, with the expected rewards read from a (tiny) Simulator run. */
export function hiddenWorld(name: ScenarioName | Scenario): Promise<HiddenWorld> {
  const scenario = typeof name === 'string' ? getScenario(name) : name;
  const cacheKey = typeof name === 'string' ? name : JSON.stringify(name);
  let world = worlds.get(cacheKey);
  if (world === undefined) {
    world = (async () => {
      const run = await new Simulator({ scenario, days: 0.01, policy: 'uniform-random', agentsPerType: 1, trackPerformance: false }).run();
      const phases = [...new Set(run.hiddenRewards.map((h) => h.fromDay))].sort((a, b) => a - b);
      const table = new Map(run.hiddenRewards.map((h) => [`${h.fromDay}|${h.taskType}|${h.context ?? 0}|${h.strategy}`, h.expectedReward]));
      const phaseOf = (day: number): number => phases.filter((p) => p <= day).at(-1)!;
      const strategies = scenario.strategies.map((s) => s.name);
      const typeOf = (taskType: string): TaskTypeModel => scenario.taskTypes.find((t) => t.taskType === taskType)!;
      const expected = (taskType: string, strategy: string, day: number, context = 0): number =>
        table.get(`${phaseOf(day)}|${taskType}|${context}|${strategy}`)!;
      const total = scenario.taskTypes.reduce((s, t) => s + t.weight, 0);
      let acc = 0;
      const cumulative = scenario.taskTypes.map((t) => (acc += t.weight / total));
      const contextCumulative = new Map(
        scenario.taskTypes.map((t) => {
          const cs = contextsOf(t);
          const sum = cs.reduce((s, c) => s + c.weight, 0);
          let at = 0;
          return [t.taskType, cs.map((c) => (at += c.weight / sum))] as const;
        }),
      );
      return {
        scenario,
        strategies,
        driftDays: run.scenario.driftDays,
        contextCount: (taskType) => contextsOf(typeOf(taskType)).length,
        expected,
        reference(taskType, day, context = 0) {
          const values = strategies.map((s) => expected(taskType, s, day, context));
          let oracle = Number.NEGATIVE_INFINITY;
          let best = '';
          let sum = 0;
          for (const [i, v] of values.entries()) {
            sum += v;
            if (v > oracle) {
              oracle = v;
              best = strategies[i]!;
            }
          }
          return { oracle, random: sum / strategies.length, best };
        },
        armAt(taskType, strategy, day, context = 0) {
          const type = typeOf(taskType);
          const ctx = contextsOf(type)[context]!;
          let model: ArmModel = { ...type.arms[strategy]!, ...ctx.arms?.[strategy] };
          for (const d of scenario.drifts) {
            if (d.taskType === taskType && d.strategy === strategy && d.atDay <= day && (d.context === undefined || d.context === ctx.name)) {
              model = { ...model, ...d.change };
            }
          }
          return model;
        },
        // learning-core's TaskWorld.sampleTask, draw for draw.
        sampleTask(random, id) {
          const u = random();
          const index = cumulative.findIndex((w) => u < w);
          const type = scenario.taskTypes[index === -1 ? scenario.taskTypes.length - 1 : index]!;
          if (type.contexts === undefined) {
            return { task: { id, type: type.taskType, capabilities: [...type.capabilities], timeout: type.timeoutMs }, context: 0 };
          }
          const cs = contextCumulative.get(type.taskType)!;
          const v = random();
          const found = cs.findIndex((w) => v < w);
          const context = found === -1 ? cs.length - 1 : found;
          const ctx = type.contexts[context]!;
          const w = random();
          const task: LearningTask = { id, type: type.taskType, capabilities: [...(ctx.capabilities ?? type.capabilities)], timeout: type.timeoutMs };
          if (ctx.complexity !== undefined) task.context = { complexity: ctx.complexity[0] + w * (ctx.complexity[1] - ctx.complexity[0]) };
          if (ctx.retries !== undefined && ctx.retries > 0) task.retries = ctx.retries;
          return { task, context };
        },
        contextKey: (taskType, context) => (context === 0 && typeOf(taskType).contexts === undefined ? taskType : `${taskType}#${context}`),
      } satisfies HiddenWorld;
    })();
    worlds.set(cacheKey, world);
  }
  return world;
}

interface Tally {
  expected: number;
  oracle: number;
  random: number;
}
function tallyTask(days: Tally[], world: HiddenWorld, taskType: string, context: number, strategy: string, day: number): void {
  const dayIndex = Math.floor(day);
  while (days.length <= dayIndex) days.push({ expected: 0, oracle: 0, random: 0 });
  const tally = days[dayIndex]!;
  const reference = world.reference(taskType, day, context);
  tally.expected += world.expected(taskType, strategy, day, context);
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
  const joinDays = options.joinDays ?? [];
  const intervalMs = HOUR_MS / tasksPerHour;
  const tasksPerAgent = Math.round(days * 24 * tasksPerHour);
  const typeIndex = new Map(scenario.taskTypes.map((t, i) => [t.taskType, i]));
  let now = START_TIME;
  const clock = (): number => now;
  const agents = Array.from({ length: count }, (_, i) => {
    const id = `test-generator-${i + 1}`;
    const random = createRandom(streamSeed(options.seed, `policy:${id}`));
    const reading = { value: 0.8 };
    return {
      id,
      joinDay: joinDays[i] ?? 0,
      reading,
      offsetMs: (i * intervalMs) / count,
      algorithm: options.make === undefined ? null : options.make(id, random),
      learner: options.learner === undefined ? null : options.learner(id, random, clock, () => reading.value),
      tasks: createRandom(streamSeed(options.seed, `tasks:${id}`)),
      outcomes: createRandom(streamSeed(options.seed, `outcomes:${id}`)),
      epsilon: BALANCED_CONFIG.explorationRate,
      previous: new Map<string, { ctx: HarnessContext; arm: number; reward: number }>(),
      days: [] as Tally[],
    };
  });
  const log: LoggedDecision[] = [];
  let ran = 0;
  for (let k = 0; k < tasksPerAgent; k++) {
    for (const agent of agents) {
      now = START_TIME + k * intervalMs + agent.offsetMs;
      if (now - START_TIME < agent.joinDay * DAY_MS) continue;
      const day = (now - START_TIME) / DAY_MS;
      ran += 1;
      const { task, context } = world.sampleTask(agent.tasks, `${agent.id}-task-${k}`);
      if (scenario.resourceReading !== undefined) agent.reading.value = sampleUnit(agent.tasks, scenario.resourceReading.mean, scenario.resourceReading.sd);
      const shipped = day < scenario.defaultStrategyDays;
      if (agent.learner !== null) {
        const strategy = shipped ? world.strategies[0]! : agent.learner.choose(task);
        const result = drawResult(agent.outcomes, world.armAt(task.type, strategy, day, context), strategy, scenario.noise);
        agent.learner.learn(task, result);
        tallyTask(agent.days, world, task.type, context, strategy, day);
        continue;
      }
      const state = extractTaskState(task, () => agent.reading.value);
      const base = typeIndex.get(task.type)! * TYPE_STRIDE;
      const ctx: HarnessContext = { state: base + featureCode(state), type: base + TYPE_LEVEL, key: world.contextKey(task.type, context) };
      const alg = agent.algorithm!;
      const epsilon = alg.usesEpsilon ? agent.epsilon : 0;
      const propensities = options.log && !shipped ? alg.probabilities!(ctx, epsilon) : null;
      const arm = shipped ? 0 : alg.select(ctx, alg.estimates(ctx), epsilon);
      const strategy = world.strategies[arm]!;
      const result = drawResult(agent.outcomes, world.armAt(task.type, strategy, day, context), strategy, scenario.noise);
      const reward = harnessReward(result);
      // The engine's order: learn this experience, then link the previous one of the same type to it.
      alg.update(ctx, arm, reward, null);
      const previous = agent.previous.get(task.type);
      if (previous !== undefined) alg.link(previous.ctx, previous.arm, previous.reward, ctx);
      agent.previous.set(task.type, { ctx, arm, reward });
      if (alg.usesEpsilon) agent.epsilon = Math.max(BALANCED_CONFIG.minExplorationRate, agent.epsilon * BALANCED_CONFIG.explorationDecay);
      if (propensities !== null) log.push({ context: ctx, taskType: task.type, contextIndex: context, day, arm, reward, propensity: propensities[arm]! });
      tallyTask(agent.days, world, task.type, context, strategy, day);
    }
  }
  const zero = (): Tally => ({ expected: 0, oracle: 0, random: 0 });
  const sum = (ts: Array<Tally | undefined>): Tally =>
    ts.reduce<Tally>((a, t) => (t === undefined ? a : { expected: a.expected + t.expected, oracle: a.oracle + t.oracle, random: a.random + t.random }), zero());
  const driftDay = world.driftDays.find((d) => d < days);
  return {
    normalizedScore: ns(sum(agents.flatMap((a) => a.days))),
    firstDayNormalizedScore: ns(sum(agents.map((a) => a.days[a.joinDay]))),
    driftDayNormalizedScore: driftDay === undefined ? null : ns(sum(agents.map((a) => a.days[Math.floor(driftDay)]))),
    tasks: ran,
    algorithms: agents.flatMap((a) => (a.algorithm === null ? [] : [a.algorithm])),
    log,
  };
}
