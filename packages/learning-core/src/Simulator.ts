import { SwarmMemoryManager } from '@qe-fleet/memory';
import { createBaselinePolicy, type BaselineName, type BaselinePolicy } from './baselines.js';
import { compositeScore } from './compositeScore.js';
import { isKnownAlgorithm } from './config.js';
import { sampleUnit, streamSeed } from './distributions.js';
import { LearningEngine } from './LearningEngine.js';
import { LearningError } from './LearningError.js';
import { PerformanceTracker } from './PerformanceTracker.js';
import { createRandom } from './random.js';
import { calculateReward } from './reward.js';
import { getScenario, isScenarioName, type Scenario, type ScenarioName } from './scenarios.js';
import { TaskWorld, type RewardFunction } from './TaskWorld.js';
import type {
  AlgorithmId,
  ExecutionResult,
  ImprovementData,
  LearningConfig,
  LearningTask,
  RandomSource,
} from './types.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Who picks the strategies: the real LearningEngine or one of the textbook baselines. */
export type SimulationPolicy = 'engine' | BaselineName;

/**
 * A fleet's task queue for the simulator: each agent's next `lookahead` tasks arrive together and
 * run in the order `order` returns (a curriculum, a priority). Without one, tasks run as they arrive.
 */
export interface TaskScheduler {
  /** Tasks an agent's queue holds at once (an integer ≥ 1). */
  readonly lookahead: number;
  /** The order in which `agentId` runs `tasks` (a permutation of them). */
  order(agentId: string, tasks: readonly LearningTask[]): LearningTask[];
  /** What became of each task run: its measured difficulty. */
  observe(agentId: string, task: LearningTask, success: boolean): void;
}

/** Options of a simulation run; every field has a default. */
export interface SimulationOptions {
  /** Scenario name or a custom scenario (see `getScenario`). Default `'stationary'`. */
  scenario?: ScenarioName | Scenario;
  /** Simulated days. Default 30. */
  days?: number;
  /** Tasks per hour per agent. Default 10 (seed 12.2). */
  tasksPerHour?: number;
  /** Agent types. Default `['test-generator']`. */
  agents?: readonly string[];
  /** Agents of each type (ids `${type}-1`...). Default 3. */
  agentsPerType?: number;
  /** Agents of a type share their evidence (`exportStatistics` → `importStatistics`). Default true. */
  pooled?: boolean;
  /** Hours between two exchanges. Default 1. */
  shareEveryHours?: number;
  /** Seed of every random stream. Default 1. */
  seed?: number;
  /** Default `'engine'`. */
  policy?: SimulationPolicy;
  /** Engine algorithm (built in or registered); default the engine's default. Only with `policy: 'engine'`. */
  algorithm?: AlgorithmId;
  /** Engine config overrides (validated by the engine). */
  config?: Partial<LearningConfig>;
  /** Feed a PerformanceTracker per agent (composite improvement). Default true. */
  trackPerformance?: boolean;
  /** Virtual time of the first task. Default 2026-01-01T00:00:00Z. */
  startTime?: number;
  /**
   * Day (integer, 0-based) each agent of a type joins the run, by its index within the type
   * (missing: 0): a cold-start agent joining a pool that has learned for a while. Before it joins
   * an agent runs nothing; its first day is the day it joins.
   */
  joinDays?: readonly number[];
  /** Called after every simulated day (1-based). */
  onProgress?: (day: number, days: number) => void;
  /** Orders each agent's queue of tasks (see `TaskScheduler`). Default: none, tasks run as they arrive. */
  scheduler?: TaskScheduler;
}

/** One simulated day of one agent. */
export interface SimulationDay {
  /** 1-based. */
  day: number;
  tasks: number;
  /** Mean hidden expected reward of the chosen strategies. */
  expectedReward: number;
  /** Mean expected reward an oracle would have had on the same tasks. */
  oracleReward: number;
  /** Mean expected reward of uniform random choice on the same tasks. */
  randomReward: number;
  /** (R − R_random) / (R_oracle − R_random) on expected rewards. */
  normalizedScore: number;
  /** Seed 10.1 composite score of the day's observed metrics. */
  compositeScore: number;
  /** PerformanceTracker's improvement (percent) at the end of the day; null without tracking. */
  improvementRate: number | null;
  successRate: number;
  /** Tasks per strategy. */
  strategyChoices: Record<string, number>;
}

/** The run of one agent. */
export interface SimulatedAgentResult {
  agentId: string;
  agentType: string;
  tasks: number;
  normalizedScore: number;
  /** Day (0-based) the agent joined. */
  joinDay: number;
  /** NS of the agent's first day (the day it joined). */
  firstDayNormalizedScore: number;
  /** NS of the 24 hours from the first drift; null when the scenario has none in the run. */
  driftDayNormalizedScore: number | null;
  /** Final PerformanceTracker improvement; null without tracking. */
  improvement: ImprovementData | null;
  strategyChoices: Record<string, number>;
  days: SimulationDay[];
}

/** Hidden expected reward of one arm during one phase of the scenario. */
export interface HiddenArmReward {
  /** First day (0-based) of the phase. */
  fromDay: number;
  taskType: string;
  /** Index of the task type's context, in worlds whose types have several. */
  context?: number;
  strategy: string;
  expectedReward: number;
  best: boolean;
}

/** The structured outcome of a run; identical for identical options. */
export interface SimulationResult {
  scenario: { name: string; description: string; driftDays: number[] };
  policy: SimulationPolicy;
  /** Engine algorithm, null for baselines. */
  algorithm: AlgorithmId | null;
  pooled: boolean;
  seed: number;
  days: number;
  tasksPerHour: number;
  /** Tasks over all agents. */
  totalTasks: number;
  /** NS over all agents' tasks. */
  normalizedScore: number;
  firstDayNormalizedScore: number;
  driftDayNormalizedScore: number | null;
  agents: SimulatedAgentResult[];
  hiddenRewards: HiddenArmReward[];
}

/** The engine's reward with the default weights (what the engine and the tracker score). */
const engineReward: RewardFunction = (result) => calculateReward(result);

const worlds = new Map<string, TaskWorld>();

/** Worlds are pure functions of their scenario; reuse them (the expectations cost ~0.1 s). */
function worldFor(scenario: Scenario): TaskWorld {
  const key = JSON.stringify(scenario);
  let world = worlds.get(key);
  if (world === undefined) {
    world = new TaskWorld(scenario, engineReward);
    worlds.set(key, world);
  }
  return world;
}

/** Running sums of one agent-day (or any span of tasks). */
class Tally {
  tasks = 0;
  expected = 0;
  oracle = 0;
  random = 0;
  successes = 0;
  failures = 0;
  time = 0;
  satisfaction = 0;
  efficiency = 0;
  choices: Record<string, number> = {};

  add(other: Tally): void {
    this.tasks += other.tasks;
    this.expected += other.expected;
    this.oracle += other.oracle;
    this.random += other.random;
    this.successes += other.successes;
    this.failures += other.failures;
    this.time += other.time;
    this.satisfaction += other.satisfaction;
    this.efficiency += other.efficiency;
    for (const [k, n] of Object.entries(other.choices)) this.choices[k] = (this.choices[k] ?? 0) + n;
  }

  get normalizedScore(): number {
    return (this.expected - this.random) / (this.oracle - this.random);
  }

  get composite(): number {
    return compositeScore({
      tasksCompleted: this.tasks,
      successRate: this.successes / this.tasks,
      errorRate: this.failures / this.tasks,
      averageExecutionTime: this.time / this.tasks,
      userSatisfaction: this.satisfaction / this.tasks,
      resourceEfficiency: this.efficiency / this.tasks,
    });
  }
}

/** How one simulated agent decides and learns. */
interface Learner {
  choose(task: LearningTask, day: number): string;
  learn(task: LearningTask, result: ExecutionResult): void;
}

/** A task as drawn from an agent's stream, with the load reading drawn beside it. */
interface DrawnTask {
  task: LearningTask;
  reading: number | undefined;
}

interface SimAgent {
  id: string;
  type: string;
  joinDay: number;
  /** What the agent's resource probe reads on its current task. */
  reading: { value: number };
  offsetMs: number;
  learner: Learner;
  engine: LearningEngine | null;
  tracker: PerformanceTracker | null;
  tasks: RandomSource;
  outcomes: RandomSource;
  days: Tally[];
  improvements: Array<number | null>;
  /** Tasks drawn for the scheduler and not run yet, in its order. */
  queue: DrawnTask[];
}

/**
 * Learning-effectiveness simulator: agents run a scenario's tasks on a virtual clock against a
 * hidden world (`TaskWorld`: success probability and log-normal latency per task type and
 * strategy, noisy ratings, drifts), choosing strategies with the real LearningEngine (on an
 * in-memory SwarmMemoryManager, with the virtual clock and seeded randomness) or with a textbook
 * baseline. Agents of a type either learn alone or pool their sufficient statistics every
 * `shareEveryHours`. Quality is the normalised score NS = (R − R_random) / (R_oracle − R_random)
 * on the hidden EXPECTED reward of each chosen strategy, so sampling noise does not blur it.
 *
 * Streams: tasks and outcomes come from streams seeded by (seed, agent), the engine's exploration
 * from its own, so every policy faces the same task sequence for a seed.
 */
export class Simulator {
  readonly #scenario: Scenario;
  readonly #days: number;
  readonly #tasksPerHour: number;
  readonly #agentTypes: readonly string[];
  readonly #agentsPerType: number;
  readonly #pooled: boolean;
  readonly #shareEveryMs: number;
  readonly #seed: number;
  readonly #policy: SimulationPolicy;
  readonly #algorithm: AlgorithmId | undefined;
  readonly #config: Partial<LearningConfig>;
  readonly #trackPerformance: boolean;
  readonly #startTime: number;
  readonly #onProgress: ((day: number, days: number) => void) | undefined;
  readonly #joinDays: readonly number[];
  readonly #scheduler: TaskScheduler | undefined;

  constructor(options: SimulationOptions = {}) {
    const bad = (why: string): never => {
      throw new LearningError('INVALID_CONFIG', `simulation: ${why}`);
    };
    const scenario = options.scenario ?? 'stationary';
    if (typeof scenario === 'string' && !isScenarioName(scenario)) bad(`unknown scenario '${scenario}'`);
    this.#scenario = typeof scenario === 'string' ? getScenario(scenario) : scenario;
    this.#days = options.days ?? 30;
    if (!(this.#days > 0 && this.#days <= 365)) bad('days must be in (0, 365]');
    this.#tasksPerHour = options.tasksPerHour ?? 10;
    if (!(this.#tasksPerHour > 0 && this.#tasksPerHour <= 1000)) bad('tasksPerHour must be in (0, 1000]');
    if (Math.round(this.#days * 24 * this.#tasksPerHour) < 1) bad('the run must hold at least one task per agent');
    this.#agentTypes = options.agents ?? ['test-generator'];
    if (this.#agentTypes.length === 0 || this.#agentTypes.some((t) => t.length === 0)) {
      bad('agents must name at least one agent type');
    }
    if (new Set(this.#agentTypes).size !== this.#agentTypes.length) bad('agents must not repeat a type');
    this.#agentsPerType = options.agentsPerType ?? 3;
    if (!(Number.isInteger(this.#agentsPerType) && this.#agentsPerType >= 1 && this.#agentsPerType <= 100)) {
      bad('agentsPerType must be an integer in [1, 100]');
    }
    this.#policy = options.policy ?? 'engine';
    this.#pooled = (options.pooled ?? true) && this.#policy === 'engine';
    const shareEveryHours = options.shareEveryHours ?? 1;
    if (!(shareEveryHours > 0)) bad('shareEveryHours must be > 0');
    this.#shareEveryMs = shareEveryHours * HOUR_MS;
    this.#seed = options.seed ?? 1;
    if (!Number.isSafeInteger(this.#seed)) bad('seed must be an integer');
    this.#algorithm = options.algorithm;
    if (this.#algorithm !== undefined && !isKnownAlgorithm(this.#algorithm)) {
      bad(`unknown algorithm '${String(this.#algorithm)}'`);
    }
    if (this.#algorithm !== undefined && this.#policy !== 'engine') bad('algorithm needs policy "engine"');
    this.#config = options.config ?? {};
    this.#trackPerformance = options.trackPerformance ?? true;
    this.#startTime = options.startTime ?? Date.UTC(2026, 0, 1);
    this.#onProgress = options.onProgress;
    this.#joinDays = options.joinDays ?? [];
    if (this.#joinDays.some((d) => !(Number.isInteger(d) && d >= 0 && d < this.#days))) {
      bad('joinDays must be integers in [0, days)');
    }
    this.#scheduler = options.scheduler;
    if (this.#scheduler !== undefined && !(Number.isInteger(this.#scheduler.lookahead) && this.#scheduler.lookahead >= 1)) bad('scheduler.lookahead must be an integer >= 1');
  }

  /** Runs the whole simulation; deterministic for identical options. */
  async run(): Promise<SimulationResult> {
    const world = worldFor(this.#scenario);
    let now = this.#startTime;
    const clock = (): number => now;
    const memory = new SwarmMemoryManager(':memory:', { clock, cleanupIntervalMs: 0 });
    memory.initialize();
    try {
      const agents = this.#createAgents(world, memory, clock);
      const intervalMs = HOUR_MS / this.#tasksPerHour;
      const tasksPerAgent = Math.round(this.#days * 24 * this.#tasksPerHour);
      let nextShare = this.#startTime + this.#shareEveryMs;
      let reportedDays = 0;
      for (let k = 0; k < tasksPerAgent; k++) {
        for (const agent of agents) {
          now = this.#startTime + k * intervalMs + agent.offsetMs;
          if (this.#pooled && now >= nextShare) {
            this.#share(agents, now);
            nextShare += this.#shareEveryMs;
          }
          if (now - this.#startTime >= agent.joinDay * DAY_MS) this.#runTask(world, agent, k, now);
        }
        const completedDays = Math.floor(((k + 1) * intervalMs) / DAY_MS);
        if (completedDays > reportedDays || k === tasksPerAgent - 1) {
          reportedDays = Math.max(completedDays, reportedDays + 1);
          for (const agent of agents) {
            agent.improvements.push(agent.tracker ? agent.tracker.calculateImprovement().improvementRate : null);
          }
          if (this.#onProgress) {
            this.#onProgress(reportedDays, Math.ceil(this.#days));
            // Let a progress display repaint between simulated days.
            await new Promise((resolve) => setImmediate(resolve));
          }
        }
      }
      return this.#result(world, agents);
    } finally {
      memory.close();
    }
  }

  #createAgents(world: TaskWorld, memory: SwarmMemoryManager, clock: () => number): SimAgent[] {
    const agents: SimAgent[] = [];
    const count = this.#agentTypes.length * this.#agentsPerType;
    for (const type of this.#agentTypes) {
      for (let i = 1; i <= this.#agentsPerType; i++) {
        const id = `${type}-${i}`;
        const random = createRandom(streamSeed(this.#seed, `policy:${id}`));
        const reading = { value: 0.8 };
        let engine: LearningEngine | null = null;
        let learner: Learner;
        if (this.#policy === 'engine') {
          engine = new LearningEngine(id, memory, {
            config: this.#algorithm === undefined ? this.#config : { ...this.#config, algorithm: this.#algorithm },
            strategies: this.#scenario.strategies,
            clock,
            random,
            resources: () => reading.value,
          });
          engine.initialize();
          learner = engineLearner(engine);
        } else {
          const fixed = new Map<string, string>();
          const bestFixed = (key: string): string => {
            if (!fixed.has(key)) fixed.set(key, this.#bestFixed(world, id, key));
            return fixed.get(key)!;
          };
          const policy = createBaselinePolicy(this.#policy, world.strategies, random, {
            bestAt: (key, day) => {
              const { taskType, context } = world.parseContextKey(key);
              return world.reference(taskType, day, context).best;
            },
            bestFixed,
          });
          learner = baselineLearner(policy, world);
        }
        let tracker: PerformanceTracker | null = null;
        if (this.#trackPerformance) {
          tracker = new PerformanceTracker(id, memory, { clock });
          tracker.initialize();
        }
        agents.push({
          id,
          type,
          joinDay: this.#joinDays[i - 1] ?? 0,
          reading,
          offsetMs: (agents.length * (HOUR_MS / this.#tasksPerHour)) / count,
          learner,
          engine,
          tracker,
          tasks: createRandom(streamSeed(this.#seed, `tasks:${id}`)),
          outcomes: createRandom(streamSeed(this.#seed, `outcomes:${id}`)),
          days: [],
          improvements: [],
          queue: [],
        });
      }
    }
    return agents;
  }

  /**
   * Hindsight: the arm with the highest expected reward summed over this agent's own tasks of that
   * context key (a task type, or a type's context); approximate for agents that join late.
   */
  #bestFixed(world: TaskWorld, agentId: string, key: string): string {
    const tasks = createRandom(streamSeed(this.#seed, `tasks:${agentId}`));
    const intervalMs = HOUR_MS / this.#tasksPerHour;
    const totals = new Map<string, number>(world.strategies.map((s) => [s, 0]));
    const tasksPerAgent = Math.round(this.#days * 24 * this.#tasksPerHour);
    for (let k = 0; k < tasksPerAgent; k++) {
      const task = world.sampleTask(tasks, '');
      if (this.#scenario.resourceReading !== undefined) tasks();
      if (world.contextKey(task) !== key) continue;
      const day = (k * intervalMs) / DAY_MS;
      const context = world.contextOf(task);
      for (const s of world.strategies) totals.set(s, totals.get(s)! + world.expectedReward(task.type, s, day, context));
    }
    return [...totals].reduce((a, b) => (b[1] > a[1] ? b : a))[0];
  }

  /** The agent's k-th task and its load reading: as it arrives, or the next of its scheduled queue. */
  #nextTask(world: TaskWorld, agent: SimAgent, k: number): DrawnTask {
    const reading = this.#scenario.resourceReading;
    const arrive = (i: number): DrawnTask => ({
      task: world.sampleTask(agent.tasks, `${agent.id}-task-${i}`),
      reading: reading === undefined ? undefined : sampleUnit(agent.tasks, reading.mean, reading.sd),
    });
    if (this.#scheduler === undefined) return arrive(k);
    if (agent.queue.length === 0) {
      // Drawn in arrival order from the same stream, so a scheduler that keeps the order changes nothing.
      const arrived = Array.from({ length: this.#scheduler.lookahead }, (_, i) => arrive(k + i));
      const readings = new Map(arrived.map((a) => [a.task, a.reading]));
      const ordered = this.#scheduler.order(agent.id, arrived.map((a) => a.task));
      if (ordered.length !== arrived.length || new Set(ordered).size !== arrived.length || ordered.some((t) => !readings.has(t))) {
        throw new LearningError('INVALID_CONFIG', `simulation: scheduler.order must return a permutation of the ${arrived.length} tasks it was given`);
      }
      agent.queue = ordered.map((task) => ({ task, reading: readings.get(task) }));
    }
    return agent.queue.shift()!;
  }

  #runTask(world: TaskWorld, agent: SimAgent, k: number, now: number): void {
    const day = (now - this.#startTime) / DAY_MS;
    const { task, reading } = this.#nextTask(world, agent, k);
    if (reading !== undefined) agent.reading.value = reading;
    const context = world.contextOf(task);
    // The oracle is the reference, so it never runs the shipped default.
    const shipped = day < this.#scenario.defaultStrategyDays && this.#policy !== 'oracle';
    const strategy = shipped ? world.strategies[0]! : agent.learner.choose(task, day);
    const result = world.sampleResult(agent.outcomes, task, strategy, day);
    agent.learner.learn(task, result);
    this.#scheduler?.observe(agent.id, task, result.success);
    const failed = (result.errors?.length ?? 0) > 0;
    agent.tracker?.recordSnapshot({
      metrics: {
        tasksCompleted: 1,
        successRate: result.success ? 1 : 0,
        averageExecutionTime: result.executionTime,
        errorRate: failed ? 1 : 0,
        userSatisfaction: result.satisfaction ?? 0,
        resourceEfficiency: result.resourceUsage ?? 0,
      },
      trends: [],
    });

    const dayIndex = Math.floor(day);
    while (agent.days.length <= dayIndex) agent.days.push(new Tally());
    const tally = agent.days[dayIndex]!;
    const reference = world.reference(task.type, day, context);
    tally.tasks += 1;
    tally.expected += world.expectedReward(task.type, strategy, day, context);
    tally.oracle += reference.oracle;
    tally.random += reference.random;
    tally.successes += result.success ? 1 : 0;
    tally.failures += failed ? 1 : 0;
    tally.time += result.executionTime;
    tally.satisfaction += result.satisfaction ?? 0;
    tally.efficiency += result.resourceUsage ?? 0;
    tally.choices[strategy] = (tally.choices[strategy] ?? 0) + 1;
  }

  /**
   * Each agent that has joined imports the sufficient statistics of its same-type peers that have
   * joined (`exportStatistics` → `importStatistics`: each peer's own evidence, never re-shared).
   */
  #share(agents: SimAgent[], now: number): void {
    const joined = (a: SimAgent): boolean => now - this.#startTime >= a.joinDay * DAY_MS;
    const exported = agents.map((a) => (joined(a) ? a.engine!.exportStatistics() : null));
    for (const [i, agent] of agents.entries()) {
      if (!joined(agent)) continue;
      for (const [j, peer] of agents.entries()) {
        const stats = exported[j];
        if (i === j || peer.type !== agent.type || stats === null || stats === undefined) continue;
        agent.engine!.importStatistics(stats);
      }
    }
  }

  #result(world: TaskWorld, agents: SimAgent[]): SimulationResult {
    const driftDay = world.driftDays.find((d) => d < this.#days);
    const driftIndex = driftDay === undefined ? null : Math.floor(driftDay);
    const all = new Tally();
    const firstDay = new Tally();
    const drift = new Tally();
    const agentResults = agents.map((agent): SimulatedAgentResult => {
      const total = new Tally();
      for (const t of agent.days) total.add(t);
      all.add(total);
      const first = agent.days[agent.joinDay]!;
      firstDay.add(first);
      const driftTally = driftIndex === null ? undefined : agent.days[driftIndex];
      if (driftTally !== undefined) drift.add(driftTally);
      return {
        agentId: agent.id,
        agentType: agent.type,
        joinDay: agent.joinDay,
        tasks: total.tasks,
        normalizedScore: total.normalizedScore,
        firstDayNormalizedScore: first.normalizedScore,
        driftDayNormalizedScore: driftTally === undefined || driftTally.tasks === 0 ? null : driftTally.normalizedScore,
        improvement: agent.tracker ? agent.tracker.calculateImprovement() : null,
        strategyChoices: total.choices,
        days: agent.days.map((t, i) => ({
          day: i + 1,
          tasks: t.tasks,
          expectedReward: t.expected / t.tasks,
          oracleReward: t.oracle / t.tasks,
          randomReward: t.random / t.tasks,
          normalizedScore: t.normalizedScore,
          compositeScore: t.composite,
          improvementRate: agent.improvements[i] ?? null,
          successRate: t.successes / t.tasks,
          strategyChoices: t.choices,
        })),
      };
    });
    return {
      scenario: {
        name: this.#scenario.name,
        description: this.#scenario.description,
        driftDays: world.driftDays,
      },
      policy: this.#policy,
      algorithm: this.#policy === 'engine' ? agents[0]!.engine!.getConfig().algorithm : null,
      pooled: this.#pooled,
      seed: this.#seed,
      days: this.#days,
      tasksPerHour: this.#tasksPerHour,
      totalTasks: all.tasks,
      normalizedScore: all.normalizedScore,
      firstDayNormalizedScore: firstDay.normalizedScore,
      driftDayNormalizedScore: driftIndex === null || drift.tasks === 0 ? null : drift.normalizedScore,
      agents: agentResults,
      hiddenRewards: hiddenRewards(world),
    };
  }
}

function engineLearner(engine: LearningEngine): Learner {
  return {
    choose: (task) => engine.selectStrategy(engine.extractTaskState(task)).strategy,
    learn: (task, result) => {
      engine.learnFromExecution(task, result);
    },
  };
}

/** Baselines key their statistics by the task's (type, context): the textbook contextual bandit. */
function baselineLearner(policy: BaselinePolicy, world: TaskWorld): Learner {
  return {
    choose: (task, day) => policy.choose(world.contextKey(task), day),
    // The engine's reward is already in [0, 1], the range UCB1 and Bernoulli Thompson assume.
    learn: (task, result) => policy.update(world.contextKey(task), result.strategy, engineReward(result, task)),
  };
}

function hiddenRewards(world: TaskWorld): HiddenArmReward[] {
  const rows: HiddenArmReward[] = [];
  for (const fromDay of [0, ...world.driftDays]) {
    for (const taskType of world.taskTypes) {
      const contexts = world.contextCount(taskType);
      for (let context = 0; context < contexts; context++) {
        const { best } = world.reference(taskType, fromDay, context);
        for (const strategy of world.strategies) {
          rows.push({
            fromDay,
            taskType,
            ...(contexts > 1 ? { context } : {}),
            strategy,
            expectedReward: world.expectedReward(taskType, strategy, fromDay, context),
            best: strategy === best,
          });
        }
      }
    }
  }
  return rows;
}
