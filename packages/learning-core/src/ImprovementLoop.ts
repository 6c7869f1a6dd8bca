import type { Clock, Logger, SwarmMemoryManager } from '@qe-fleet/memory';
import { LEARNING_EVENT_TTL, LearningEventType } from './events.js';
import { checkAgentId, checkArms, checkFinite, checkName, checkOptions } from './inputChecks.js';
import { LearningError } from './LearningError.js';
import type { PerformanceTracker } from './PerformanceTracker.js';
import { timerScheduler, type Scheduler } from './Scheduler.js';
import { calculateReward } from './reward.js';
import { addArmResult, decideABTest, emptyArmResult, meanScore } from './SequentialTest.js';
import { wilsonInterval } from './statistics.js';
import { TimeOrderedIds } from './TimeOrderedIds.js';
import type {
  ABTest,
  ExecutionResult,
  FailurePattern,
  ImprovementData,
  ImprovementStrategy,
  LearnedPattern,
  RandomSource,
  StrategyDefinition,
} from './types.js';

/** What the loop needs from the engine (a `LearningEngine` fits). */
export interface ImprovementEngine {
  setPreferredStrategy(taskType: string, strategy: string | null): void;
  getPatterns(): LearnedPattern[];
  getFailurePatterns(): FailurePattern[];
  getStrategies(): StrategyDefinition[];
}

/** Constructor options of `ImprovementLoop`. */
export interface ImprovementLoopOptions {
  clock?: Clock;
  scheduler?: Scheduler;
  random?: RandomSource;
  /** Family-wise false-positive rate of every A/B test, over all looks. Default 0.05. */
  alpha?: number;
  /** Default `sampleSize` of a test: results per arm before any decision. Default 100. */
  minSamplesPerArm?: number;
  /** Results per arm after which a test without a significant difference ends. Default 1000. */
  maxSamplesPerArm?: number;
  logger?: Logger;
}

/**
 * What `recordTestResult` scores besides success and time: the result's other fields and the
 * user's feedback, as `calculateReward` reads them. Without them a result is scored on success
 * and time only (and counted as error-free).
 */
export type ABTestOutcome = Pick<ExecutionResult, 'errors' | 'coverage' | 'satisfaction' | 'resourceUsage' | 'feedback'>;

/** An A/B test the loop proposes: two strategies of one task type whose reward intervals overlap. */
export interface Opportunity {
  taskType: string;
  strategies: [string, string];
  reason: string;
}

/** What one improvement cycle found and did (stored under `cycles/{id}` for 30 days). */
export interface ImprovementCycleResult {
  timestamp: number;
  improvement: ImprovementData;
  failurePatterns: FailurePattern[];
  opportunities: Opportunity[];
  testsStarted: string[];
  testsConcluded: Array<{ testId: string; status: ABTest['status']; winner: string | null; conclusion: string | null }>;
  activeTests: string[];
}

/** Default cycle interval (seed: one hour). */
export const DEFAULT_CYCLE_INTERVAL_MS = 3_600_000;
/** Seconds cycle results and concluded tests are kept (seed 2.2: 30 days). */
export const CYCLE_TTL = 30 * 24 * 3600;

const AB_STRATEGY = 'ab-test-overlapping-strategies';
const FAILURE_STRATEGY = 'failure-pattern-alert';

/**
 * Default improvement strategies (seed `ImprovementStrategy`): the levers the cycle pulls, with
 * their settings in `config` (editable in storage) and their track record in `usageCount` /
 * `successRate`.
 */
export const DEFAULT_IMPROVEMENT_STRATEGIES: readonly ImprovementStrategy[] = [
  {
    name: AB_STRATEGY,
    description:
      'When the 95 % intervals of the mean composite reward of the two best strategies of a task type overlap, ' +
      'A/B test them on the composite score and apply a significant winner. successRate: share of concluded tests ' +
      'that found a winner.',
    config: { minTrials: 20, maxConcurrentTests: 3 },
    priority: 2,
    usageCount: 0,
    successRate: 0,
  },
  {
    name: FAILURE_STRATEGY,
    description:
      'Report a failure pattern (learning:failure_detected) once it has recurred minFrequency times more since its ' +
      'last report. successRate: share of reported patterns that did not recur by the next cycle.',
    config: { minFrequency: 5 },
    priority: 1,
    usageCount: 0,
    successRate: 0,
  },
];

/**
 * The continuous improvement loop (seed 3.3, 8.2): periodic cycles that analyse performance,
 * report failure patterns, start A/B tests where the data cannot yet tell two strategies apart,
 * decide running tests with an always-valid sequential test, apply winners to the engine, and
 * store what they did. Tests assign their own traffic (`assignStrategy`), so their arms are
 * randomised and comparable.
 */
export class ImprovementLoop {
  readonly #agentId: string;
  readonly #memory: SwarmMemoryManager;
  readonly #engine: ImprovementEngine;
  readonly #tracker: PerformanceTracker;
  readonly #clock: Clock;
  readonly #scheduler: Scheduler;
  readonly #random: RandomSource;
  readonly #alpha: number;
  readonly #minSamples: number;
  readonly #maxSamples: number;
  readonly #logger: Logger | undefined;
  readonly #ids: TimeOrderedIds;
  /** Every known test, running or concluded (concluded ones expire with their storage TTL). */
  #tests = new Map<string, ABTest>();
  /** Per running test: arms still to hand out in the current permuted block. */
  readonly #blocks = new Map<string, string[]>();
  #strategies = new Map<string, ImprovementStrategy>();
  /** Failure pattern id → frequency when last reported. */
  readonly #reported = new Map<string, number>();
  #handle: unknown = null;

  constructor(
    agentId: string,
    memory: SwarmMemoryManager,
    engine: ImprovementEngine,
    tracker: PerformanceTracker,
    options: ImprovementLoopOptions = {},
  ) {
    checkAgentId(agentId);
    checkOptions(options, 'options', ['clock', 'random']);
    for (const field of ['alpha', 'minSamplesPerArm', 'maxSamplesPerArm'] as const) {
      if (options[field] !== undefined) checkFinite(options[field], field, 'INVALID_CONFIG');
    }
    const alpha = options.alpha ?? 0.05;
    const minSamples = options.minSamplesPerArm ?? 100;
    const maxSamples = options.maxSamplesPerArm ?? 1000;
    if (!(alpha > 0 && alpha < 1)) throw new LearningError('INVALID_CONFIG', `alpha must be in (0, 1), got ${alpha}`);
    if (!Number.isInteger(minSamples) || minSamples < 2) {
      throw new LearningError('INVALID_CONFIG', `minSamplesPerArm must be an integer >= 2, got ${minSamples}`);
    }
    if (!Number.isInteger(maxSamples) || maxSamples < minSamples) {
      throw new LearningError('INVALID_CONFIG', `maxSamplesPerArm must be an integer >= minSamplesPerArm, got ${maxSamples}`);
    }
    this.#agentId = agentId;
    this.#memory = memory;
    this.#engine = engine;
    this.#tracker = tracker;
    this.#clock = options.clock ?? Date.now;
    this.#scheduler = options.scheduler ?? timerScheduler;
    this.#random = options.random ?? Math.random;
    this.#alpha = alpha;
    this.#minSamples = minSamples;
    this.#maxSamples = maxSamples;
    this.#logger = options.logger;
    this.#ids = new TimeOrderedIds(this.#clock);
  }

  /** Loads the strategies (registering missing defaults) and every stored A/B test. */
  initialize(): void {
    this.#strategies = new Map(
      this.#entries<ImprovementStrategy>('strategies/', 'name').map(({ value }) => [value.name, value]),
    );
    this.#memory.transaction(() => {
      for (const strategy of DEFAULT_IMPROVEMENT_STRATEGIES) {
        if (this.#strategies.has(strategy.name)) continue;
        const copy = structuredClone(strategy);
        this.#strategies.set(copy.name, copy);
        this.#storeStrategy(copy);
      }
    });
    this.#tests = new Map();
    this.#blocks.clear();
    for (const { suffix, value } of this.#entries<ABTest>('abtests/', 'id')) {
      this.#tests.set(value.id, value);
      this.#ids.resume(suffix.replace(/^t/, ''));
    }
  }

  /** Runs a cycle every `intervalMs` (default one hour) on the scheduler; restarts if running. */
  start(intervalMs = DEFAULT_CYCLE_INTERVAL_MS): void {
    if (!(intervalMs > 0) || !Number.isFinite(intervalMs)) {
      throw new LearningError('INVALID_CONFIG', `intervalMs must be a positive number, got ${intervalMs}`);
    }
    this.stop();
    this.#handle = this.#scheduler.setInterval(() => {
      try {
        this.runImprovementCycle();
      } catch (error) {
        // A failed cycle is retried at the next tick; it must not kill the timer.
        this.#logger?.error(`improvement cycle failed for ${this.#agentId}`, error);
      }
    }, intervalMs);
  }

  /** Stops the periodic cycles (running tests keep collecting results). */
  stop(): void {
    if (this.#handle !== null) this.#scheduler.clearInterval(this.#handle);
    this.#handle = null;
  }

  /** Whether periodic cycles are scheduled. */
  isActive(): boolean {
    return this.#handle !== null;
  }

  /** The six seed steps, once. */
  runImprovementCycle(): ImprovementCycleResult {
    const timestamp = this.#clock();
    // 1. Analyse current performance.
    const improvement = this.#tracker.calculateImprovement();
    if (this.#tracker.getBaseline()) this.#emit(LearningEventType.IMPROVEMENT, { improvement });
    // 2. Identify failure patterns.
    const failurePatterns = this.#reportFailures();
    // 3. Discover opportunities and start tests for them.
    const opportunities = this.discoverOpportunities();
    const testsStarted = this.#startTests(opportunities);
    // 4 + 5. Update active tests; a concluded test applies its winner to the engine.
    const testsConcluded: ImprovementCycleResult['testsConcluded'] = [];
    for (const test of this.#running()) {
      if (this.#update(test, () => this.#look(test))) {
        testsConcluded.push({ testId: test.id, status: test.status, winner: test.winner, conclusion: test.conclusion });
      }
    }
    this.#forgetExpired(timestamp);
    // 6. Store the cycle.
    const result: ImprovementCycleResult = {
      timestamp,
      improvement,
      failurePatterns,
      opportunities,
      testsStarted,
      testsConcluded,
      activeTests: this.#running().map((test) => test.id),
    };
    this.#memory.store(this.#key(`cycles/${this.#ids.next()}`), result, { partition: 'learning', ttl: CYCLE_TTL });
    return result;
  }

  /**
   * Task types whose two best strategies (by mean composite reward, the engine's `averageReward`,
   * each with at least `minTrials` trials) have overlapping 95 % intervals: the data cannot tell
   * them apart yet. A pattern keeps no variance, so the interval is Wilson's for a mean m of n
   * scores in [0, 1]: their variance is at most m(1 − m) (Bhatia–Davis), the Bernoulli case.
   */
  discoverOpportunities(): Opportunity[] {
    const minTrials = numberConfig(this.#strategies.get(AB_STRATEGY), 'minTrials', 20);
    const byType = new Map<string, LearnedPattern[]>();
    for (const pattern of this.#engine.getPatterns()) {
      // Imported patterns are other agents' evidence; the test is about this agent.
      if (pattern.source !== this.#agentId || pattern.trials < minTrials) continue;
      const list = byType.get(pattern.taskType) ?? [];
      list.push(pattern);
      byType.set(pattern.taskType, list);
    }
    const out: Opportunity[] = [];
    for (const [taskType, patterns] of byType) {
      if (patterns.length < 2) continue;
      const [first, second] = patterns.sort((a, b) => b.averageReward - a.averageReward) as [LearnedPattern, LearnedPattern];
      const [firstLower] = rewardInterval(first);
      const [, secondUpper] = rewardInterval(second);
      if (secondUpper >= firstLower) {
        out.push({
          taskType,
          strategies: [first.strategy, second.strategy],
          reason:
            `95 % intervals of the mean reward overlap: ${first.strategy} ${first.averageReward.toFixed(3)} over ${first.trials} ` +
            `(lower ${firstLower.toFixed(3)}) vs ${second.strategy} ${second.averageReward.toFixed(3)} over ${second.trials} ` +
            `(upper ${secondUpper.toFixed(3)})`,
        });
      }
    }
    return out;
  }

  /**
   * Starts an A/B test between `strategies` (engine strategy names, at least two, distinct);
   * `sampleSize` is the minimum number of results per arm before a decision. With `taskType`
   * only tasks of that type are assigned to it; without, every task type is. Returns the test id.
   */
  createABTest(
    name: string,
    strategies: ReadonlyArray<{ name: string; config?: Record<string, unknown> }>,
    sampleSize = this.#minSamples,
    options: { taskType?: string } = {},
  ): string {
    checkName(name, 'A/B test name', 'INVALID_ABTEST');
    checkArms(strategies);
    checkFinite(sampleSize, 'sampleSize', 'INVALID_ABTEST');
    checkOptions(options, 'options');
    if (options.taskType !== undefined) checkName(options.taskType, 'taskType', 'INVALID_ABTEST');
    const names = strategies.map((s) => s.name);
    if (typeof name !== 'string' || name.length === 0) throw new LearningError('INVALID_ABTEST', 'A/B test needs a name');
    if (names.length < 2 || new Set(names).size !== names.length) {
      throw new LearningError('INVALID_ABTEST', `A/B test needs at least two distinct strategies, got [${names.join(', ')}]`);
    }
    if (!Number.isInteger(sampleSize) || sampleSize < 2 || sampleSize > this.#maxSamples) {
      throw new LearningError('INVALID_ABTEST', `sampleSize must be an integer in [2, ${this.#maxSamples}], got ${sampleSize}`);
    }
    const known = new Set(this.#engine.getStrategies().map((s) => s.name));
    const unknown = names.filter((n) => !known.has(n));
    if (unknown.length > 0) throw new LearningError('UNKNOWN_STRATEGY', `unknown strategies: ${unknown.join(', ')}`);
    const id = `t${this.#ids.next()}`;
    const test: ABTest = {
      id,
      name,
      taskType: options.taskType ?? null,
      strategies: strategies.map((s) => ({ name: s.name, config: { ...(s.config ?? {}) } })),
      sampleSize,
      results: names.map(emptyArmResult),
      status: 'running',
      winner: null,
      conclusion: null,
      startedAt: this.#clock(),
      completedAt: null,
    };
    this.#memory.transaction(() => {
      this.#storeTest(test);
      this.#emit(LearningEventType.ABTEST_STARTED, {
        testId: id,
        name,
        taskType: test.taskType,
        strategies: names,
        sampleSize,
      });
    });
    this.#tests.set(id, test);
    return id;
  }

  /**
   * The arm a task of `taskType` should run, when a running test covers that type (the oldest
   * such test); null otherwise. Arms are handed out in randomly permuted blocks, so the counts stay
   * balanced; nothing is written here (the counts are stored with the next result).
   */
  assignStrategy(taskType: string): { testId: string; strategy: string } | null {
    const test = this.#running().find((t) => t.taskType === null || t.taskType === taskType);
    if (!test) return null;
    let block = this.#blocks.get(test.id);
    if (!block || block.length === 0) {
      block = test.results.map((arm) => arm.strategy);
      for (let i = block.length - 1; i > 0; i--) {
        const j = Math.floor(this.#random() * (i + 1));
        [block[i], block[j]] = [block[j]!, block[i]!];
      }
      this.#blocks.set(test.id, block);
    }
    const strategy = block.pop()!;
    test.results.find((arm) => arm.strategy === strategy)!.assigned++;
    return { testId: test.id, strategy };
  }

  /**
   * Records one result of a test arm and looks at the test (valid at every look). The result is
   * scored with `calculateReward` and the tracker's weights (the agent's `rewardWeights`), from
   * `success`, `executionTime` and `outcome` (its errors, satisfaction, efficiency, coverage and
   * feedback), so the test decides on what the engine learns and the tracker shows. A concluded
   * test ignores late results. Unknown test → `TEST_NOT_FOUND`; unknown arm → `UNKNOWN_STRATEGY`;
   * a negative or non-finite time or a bad outcome → `INVALID_RESULT`; nothing is stored then.
   */
  recordTestResult(testId: string, strategy: string, success: boolean, executionTime: number, outcome: ABTestOutcome = {}): ABTest {
    checkName(testId, 'testId', 'TEST_NOT_FOUND');
    checkName(strategy, 'strategy', 'UNKNOWN_STRATEGY');
    const test = this.#tests.get(testId);
    if (!test) throw new LearningError('TEST_NOT_FOUND', `unknown A/B test ${testId}`);
    const arm = test.results.find((a) => a.strategy === strategy);
    if (!arm) throw new LearningError('UNKNOWN_STRATEGY', `A/B test ${testId} has no arm ${strategy}`);
    if (typeof success !== 'boolean') throw new LearningError('INVALID_RESULT', 'success must be a boolean');
    if (typeof executionTime !== 'number' || !Number.isFinite(executionTime) || executionTime < 0) {
      throw new LearningError('INVALID_RESULT', `executionTime must be a finite number >= 0, got ${String(executionTime)}`);
    }
    if (outcome === null || typeof outcome !== 'object' || Array.isArray(outcome)) {
      throw new LearningError('INVALID_RESULT', `outcome must be an object, got ${String(outcome)}`);
    }
    const { feedback, ...fields } = outcome;
    const score = calculateReward({ strategy, success, executionTime, ...fields }, feedback, { weights: this.#tracker.rewardWeights });
    if (test.status !== 'running') return structuredClone(test);
    this.#update(test, () => {
      addArmResult(arm, success, executionTime, score);
      const concluded = this.#look(test);
      if (!concluded) this.#storeTest(test);
      return concluded;
    });
    return structuredClone(test);
  }

  /** Running tests (copies). */
  getActiveTests(): ABTest[] {
    return this.#running().map((test) => structuredClone(test));
  }

  /** A test by id, running or concluded (copy), or null. */
  getTest(testId: string): ABTest | null {
    const test = this.#tests.get(testId);
    return test ? structuredClone(test) : null;
  }

  /** The improvement strategies, highest priority first (copies). */
  getStrategies(): ImprovementStrategy[] {
    return [...this.#strategies.values()].sort((a, b) => b.priority - a.priority).map((s) => structuredClone(s));
  }

  #running(): ABTest[] {
    return [...this.#tests.values()].filter((test) => test.status === 'running').sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  /**
   * Runs `change` on a test in one transaction; if anything throws, the stored and the in-memory
   * test both stay as they were. Returns what `change` returns (whether the test concluded).
   */
  #update(test: ABTest, change: () => boolean): boolean {
    const before = structuredClone(test);
    let concluded = false;
    try {
      this.#memory.transaction(() => {
        concluded = change();
      });
    } catch (error) {
      Object.assign(test, before);
      throw error;
    }
    return concluded;
  }

  /** Looks at a running test; when it concludes, stores it, emits the events and applies a winner. */
  #look(test: ABTest): boolean {
    const decision = decideABTest(test.results, {
      alpha: this.#alpha,
      minSamplesPerArm: test.sampleSize,
      maxSamplesPerArm: Math.max(test.sampleSize, this.#maxSamples),
    });
    if (decision.outcome === 'continue') return false;
    test.completedAt = this.#clock();
    if (decision.outcome === 'sample-ratio-mismatch') {
      test.status = 'cancelled';
      test.conclusion = `sample ratio mismatch on ${decision.counts} counts (chi-square p = ${decision.pValue.toExponential(2)})`;
    } else if (decision.outcome === 'no-difference') {
      test.status = 'completed';
      test.conclusion = 'no significant difference';
    } else {
      test.status = 'completed';
      test.winner = decision.winner;
      const scores = test.results.map((arm) => `${arm.strategy} ${meanScore(arm).toFixed(3)}`).join(' vs ');
      test.conclusion = `${decision.winner} has a significantly higher composite score (${scores})`;
    }
    this.#storeTest(test);
    this.#blocks.delete(test.id);
    const ab = this.#strategies.get(AB_STRATEGY);
    if (ab && test.status === 'completed') {
      const concluded = [...this.#tests.values()].filter((t) => t.status === 'completed');
      ab.successRate = concluded.filter((t) => t.winner !== null).length / concluded.length;
      this.#storeStrategy(ab);
    }
    this.#emit(LearningEventType.ABTEST_COMPLETED, {
      testId: test.id,
      name: test.name,
      taskType: test.taskType,
      status: test.status,
      winner: test.winner,
      conclusion: test.conclusion,
      results: test.results,
    });
    if (test.winner !== null) this.#apply(test, test.winner);
    return true;
  }

  /**
   * Makes the engine recommend `winner` (the engine records it and emits
   * `learning:strategy_changed`): for the test's task type, or for every task type the engine has
   * seen when the test covered all of them.
   */
  #apply(test: ABTest, winner: string): void {
    const taskTypes = test.taskType !== null ? [test.taskType] : [...new Set(this.#engine.getPatterns().map((p) => p.taskType))];
    for (const taskType of taskTypes) this.#engine.setPreferredStrategy(taskType, winner);
  }

  #reportFailures(): FailurePattern[] {
    const alert = this.#strategies.get(FAILURE_STRATEGY);
    const minFrequency = numberConfig(alert, 'minFrequency', 5);
    const patterns = this.#engine.getFailurePatterns();
    const byId = new Map(patterns.map((p) => [p.id, p]));
    // Track record: did the patterns reported last time stop recurring?
    let judged = 0;
    let quiet = 0;
    for (const [id, frequency] of this.#reported) {
      judged++;
      if ((byId.get(id)?.frequency ?? frequency) === frequency) quiet++;
    }
    const reported: Array<{ failure: FailurePattern; newOccurrences: number }> = [];
    for (const failure of patterns) {
      const newOccurrences = failure.frequency - (this.#reported.get(failure.id) ?? 0);
      if (newOccurrences < minFrequency) continue;
      this.#reported.set(failure.id, failure.frequency);
      reported.push({ failure, newOccurrences });
    }
    this.#memory.transaction(() => {
      // The engine reports a pattern once when it first recurs; the cycle escalates one that keeps recurring.
      for (const r of reported) this.#emit(LearningEventType.FAILURE_DETECTED, { ...r, reportedBy: 'improvement-cycle' });
      if (alert && (reported.length > 0 || judged > 0)) {
        alert.usageCount += reported.length;
        if (judged > 0) alert.successRate = quiet / judged;
        this.#storeStrategy(alert);
      }
    });
    return reported.map((r) => r.failure);
  }

  #startTests(opportunities: Opportunity[]): string[] {
    const ab = this.#strategies.get(AB_STRATEGY);
    if (!ab) return [];
    const maxConcurrent = numberConfig(ab, 'maxConcurrentTests', 3);
    const started: string[] = [];
    for (const opportunity of opportunities) {
      if (this.#running().length >= maxConcurrent) break;
      const arms = [...opportunity.strategies].sort().join('|');
      // One test per task type at a time, and a pair tested within the last 30 days is not retested.
      const covered = [...this.#tests.values()].some(
        (t) =>
          t.taskType === opportunity.taskType &&
          (t.status === 'running' || t.results.map((a) => a.strategy).sort().join('|') === arms),
      );
      if (covered) continue;
      started.push(
        this.createABTest(
          `${opportunity.taskType}: ${opportunity.strategies.join(' vs ')}`,
          opportunity.strategies.map((name) => ({ name })),
          undefined,
          { taskType: opportunity.taskType },
        ),
      );
    }
    if (started.length > 0) {
      ab.usageCount += started.length;
      this.#storeStrategy(ab);
    }
    return started;
  }

  /** Drops concluded tests whose storage has expired, so they stop blocking a retest. */
  #forgetExpired(now: number): void {
    for (const [id, test] of this.#tests) {
      if (test.completedAt !== null && now - test.completedAt > CYCLE_TTL * 1000) this.#tests.delete(id);
    }
  }

  #storeTest(test: ABTest): void {
    // Running tests never expire; concluded ones are kept as history for 30 days.
    const ttl = test.status === 'running' ? 0 : CYCLE_TTL;
    this.#memory.store(this.#key(`abtests/${test.id}`), test, { partition: 'learning', ttl });
  }

  #storeStrategy(strategy: ImprovementStrategy): void {
    this.#memory.store(this.#key(`strategies/${strategy.name}`), strategy, { partition: 'learning', ttl: 0 });
  }

  #emit(type: LearningEventType, payload: Record<string, unknown>): void {
    this.#memory.storeEvent({ type, payload: { agentId: this.#agentId, ...payload }, source: this.#agentId, ttl: LEARNING_EVENT_TTL });
  }

  /**
   * The stored entries under `folder` whose value names itself by `field` (a string): an entry
   * that does not (hand-edited or foreign) is skipped with a warning naming its key, so it can
   * neither stop the agent nor be acted on later.
   */
  #entries<T>(folder: string, field: 'id' | 'name'): Array<{ suffix: string; value: T }> {
    const prefix = this.#key(folder);
    const entries = this.#memory.query(`${prefix}%`, { partition: 'learning' }).filter((entry) => entry.key.startsWith(prefix));
    const readable = entries.filter((entry) => typeof (entry.value as Record<string, unknown> | null)?.[field] === 'string');
    for (const entry of entries) if (!readable.includes(entry)) this.#logger?.warn(`stored entry ${entry.key} of ${this.#agentId} is unreadable (no ${field}); ignored`);
    return readable.map((entry) => ({ suffix: entry.key.slice(prefix.length), value: entry.value as T }));
  }

  #key(suffix: string): string {
    return `phase2/learning/${this.#agentId}/${suffix}`;
  }
}

/** 95 % interval of a pattern's mean reward (see `discoverOpportunities`). */
function rewardInterval(pattern: LearnedPattern): [number, number] {
  const mean = Number.isFinite(pattern.averageReward) ? Math.min(1, Math.max(0, pattern.averageReward)) : 0;
  return wilsonInterval(mean * pattern.trials, pattern.trials);
}

function numberConfig(strategy: ImprovementStrategy | undefined, key: string, fallback: number): number {
  const value = strategy?.config[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}
