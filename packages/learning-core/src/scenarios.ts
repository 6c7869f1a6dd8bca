/**
 * The simulator's worlds. Each scenario states its hidden parameters here, in one table per task
 * type, so a reader can judge whether they are plausible: nothing else in the simulator knows which
 * strategy is best. Strategy names are what a test-generation agent could plausibly run.
 */
import type { StrategyDefinition } from './types.js';

/** Hidden behaviour of one strategy on one task type. */
export interface ArmModel {
  /** Probability that a run succeeds. */
  successProbability: number;
  /** Median execution time (ms) of the log-normal latency. */
  latencyMedianMs: number;
  /** Standard deviation of ln(execution time). */
  latencySigma: number;
  /** Mean user satisfaction (0..1). */
  satisfaction: number;
  /** Mean resource efficiency (0..1, higher is better). */
  resourceEfficiency: number;
  /** Mean coverage reached (0..1). */
  coverage: number;
}

/**
 * A kind of task within a task type: the features its tasks carry (what the engine can see) and
 * how the strategies behave on it (hidden). Contexts whose `arms` are absent behave like the type:
 * their features are there only to be told apart from the ones that matter.
 */
export interface ContextModel {
  name: string;
  /** Relative frequency among the type's contexts. */
  weight: number;
  /** `context.complexity` of its tasks, drawn uniformly from this range; absent: not given. */
  complexity?: [number, number];
  /** Capabilities of its tasks; default the type's. */
  capabilities?: string[];
  /** `retries` of its tasks; default none. */
  retries?: number;
  /** Overrides of the type's arms on these tasks. */
  arms?: Record<string, Partial<ArmModel>>;
}

/** One task type of a scenario: how often it comes and how each strategy behaves on it. */
export interface TaskTypeModel {
  taskType: string;
  /** Relative frequency among the scenario's task types. */
  weight: number;
  capabilities: string[];
  timeoutMs: number;
  /** One entry per scenario strategy. */
  arms: Record<string, ArmModel>;
  /** Kinds of tasks of this type (default one, with the type's features and arms). */
  contexts?: ContextModel[];
}

/** A change of one arm's hidden parameters from a given day on (0-based day of the run). */
export interface DriftEvent {
  atDay: number;
  taskType: string;
  strategy: string;
  /** Only on this context of the type; default every context (after the context's own override). */
  context?: string;
  change: Partial<ArmModel>;
  /** The real-world story behind the change. */
  reason: string;
}

/** A complete simulated world. */
export interface Scenario {
  name: string;
  description: string;
  /** The engine's strategies; the first is the agent's shipped default. */
  strategies: StrategyDefinition[];
  taskTypes: TaskTypeModel[];
  drifts: DriftEvent[];
  /** Standard deviation of the normal noise on satisfaction, resource efficiency and coverage. */
  noise: number;
  /**
   * Days the agent runs its shipped default strategy before learning picks strategies (learning
   * still observes them). Models the seed's baseline: an agent's performance before learning.
   * Every policy but the oracle (the reference) follows it.
   */
  defaultStrategyDays: number;
  /**
   * The machine-load reading the engine's resource probe sees on each task, drawn per task as a
   * normal clamped to [0, 1]; it has no effect on outcomes (a noisy reading that must not split
   * the evidence). Absent: a constant 0.8.
   */
  resourceReading?: { mean: number; sd: number };
}

/** The names `--scenario` accepts. */
export type ScenarioName = 'stationary' | 'drift' | 'seed-30-day' | 'many-types' | 'noisy';

/** Compact arm constructor: (success, median seconds, sigma, satisfaction, efficiency, coverage). */
function arm(p: number, medianS: number, sigma: number, sat: number, eff: number, cov: number): ArmModel {
  return {
    successProbability: p,
    latencyMedianMs: medianS * 1000,
    latencySigma: sigma,
    satisfaction: sat,
    resourceEfficiency: eff,
    coverage: cov,
  };
}

const TEST_GENERATION_STRATEGIES: StrategyDefinition[] = [
  { name: 'template-based', description: 'fills per-framework templates: the shipped default' },
  { name: 'boundary-value', description: 'enumerates edge values of each parameter' },
  { name: 'property-based', description: 'generates properties and shrinks counter-examples' },
  { name: 'mutation-guided', description: 'adds tests until mutants are killed' },
  { name: 'coverage-guided', description: 'targets uncovered branches from coverage data' },
];

/** A task type whose frequency each scenario sets. */
function taskType(
  name: string,
  capabilities: string[],
  timeoutMs: number,
  arms: Record<string, ArmModel>,
): (weight?: number) => TaskTypeModel {
  return (weight = 1) => ({ taskType: name, weight, capabilities, timeoutMs, arms });
}

/**
 * Unit-test generation as a test-generator agent meets it: the template default is fast to
 * write but shallow; mutation-guided is thorough but slow and heavy; coverage-guided is best.
 */
const unitTestGeneration = taskType('unit-test-generation', ['test-generation'], 120_000, {
  'template-based': arm(0.7, 25, 0.5, 0.6, 0.65, 0.55),
  'boundary-value': arm(0.78, 12, 0.4, 0.66, 0.85, 0.6),
  'property-based': arm(0.8, 35, 0.6, 0.74, 0.55, 0.7),
  'mutation-guided': arm(0.84, 45, 0.5, 0.8, 0.45, 0.82),
  'coverage-guided': arm(0.91, 16, 0.5, 0.84, 0.8, 0.8),
});

/** Integration tests: slower and flakier for every strategy; property-based shines on contracts. */
const integrationTestGeneration = taskType('integration-test-generation', ['test-generation', 'api'], 300_000, {
  'template-based': arm(0.62, 40, 0.6, 0.55, 0.6, 0.45),
  'boundary-value': arm(0.7, 30, 0.5, 0.62, 0.75, 0.5),
  'property-based': arm(0.86, 38, 0.6, 0.8, 0.6, 0.68),
  'mutation-guided': arm(0.74, 70, 0.6, 0.72, 0.4, 0.7),
  'coverage-guided': arm(0.78, 35, 0.6, 0.7, 0.7, 0.66),
});

/** Updating an existing regression suite: boundary-value (cheap, fast) is best. */
const regressionSuiteUpdate = taskType('regression-suite-update', ['test-generation', 'regression'], 120_000, {
  'template-based': arm(0.8, 10, 0.4, 0.66, 0.8, 0.5),
  'boundary-value': arm(0.9, 8, 0.4, 0.78, 0.9, 0.58),
  'property-based': arm(0.76, 30, 0.6, 0.66, 0.55, 0.6),
  'mutation-guided': arm(0.8, 50, 0.5, 0.7, 0.4, 0.72),
  'coverage-guided': arm(0.82, 20, 0.5, 0.7, 0.7, 0.66),
});

/** Tests for security fixes: mutation-guided is worth its cost here. */
const securityRegressionTests = taskType('security-regression-tests', ['test-generation', 'security'], 300_000, {
  'template-based': arm(0.55, 30, 0.5, 0.5, 0.65, 0.4),
  'boundary-value': arm(0.68, 20, 0.5, 0.62, 0.8, 0.5),
  'property-based': arm(0.72, 40, 0.6, 0.68, 0.55, 0.6),
  'mutation-guided': arm(0.9, 45, 0.5, 0.84, 0.5, 0.85),
  'coverage-guided': arm(0.75, 25, 0.5, 0.66, 0.75, 0.7),
});

const SCENARIOS: Record<ScenarioName, Scenario> = {
  stationary: {
    name: 'stationary',
    description: 'one task type (unit-test generation), fixed hidden parameters, moderate noise',
    strategies: TEST_GENERATION_STRATEGIES,
    taskTypes: [unitTestGeneration()],
    drifts: [],
    noise: 0.1,
    defaultStrategyDays: 0,
  },
  drift: {
    name: 'drift',
    description:
      'stationary until day 10, then the best strategy (coverage-guided) degrades and property-based improves',
    strategies: TEST_GENERATION_STRATEGIES,
    taskTypes: [unitTestGeneration()],
    drifts: [
      {
        atDay: 10,
        taskType: 'unit-test-generation',
        strategy: 'coverage-guided',
        change: { successProbability: 0.6, latencyMedianMs: 30_000, satisfaction: 0.6, coverage: 0.55 },
        reason: 'a coverage-tool upgrade breaks branch instrumentation on the project',
      },
      {
        atDay: 10,
        taskType: 'unit-test-generation',
        strategy: 'property-based',
        change: { successProbability: 0.94, latencyMedianMs: 14_000, satisfaction: 0.86, coverage: 0.82 },
        reason: 'a new generator library shrinks counter-examples far faster',
      },
    ],
    noise: 0.1,
    defaultStrategyDays: 0,
  },
  'seed-30-day': {
    name: 'seed-30-day',
    description:
      'seed 12.2: a test-generator agent, 10 tasks/hour for 30 days, unit (70 %) and integration (30 %) ' +
      'test generation; it ships with the mediocre template-based default, runs it for its first day ' +
      '(the baseline), then learns',
    strategies: TEST_GENERATION_STRATEGIES,
    taskTypes: [unitTestGeneration(0.7), integrationTestGeneration(0.3)],
    drifts: [],
    noise: 0.1,
    defaultStrategyDays: 1,
  },
  'many-types': {
    name: 'many-types',
    description: 'four task types, each with a different best strategy',
    strategies: TEST_GENERATION_STRATEGIES,
    taskTypes: [
      unitTestGeneration(0.4),
      integrationTestGeneration(0.25),
      regressionSuiteUpdate(0.2),
      securityRegressionTests(0.15),
    ],
    drifts: [],
    noise: 0.1,
    defaultStrategyDays: 0,
  },
  noisy: {
    name: 'noisy',
    description: 'unit-test generation with three times the rating noise and twice the latency spread',
    strategies: TEST_GENERATION_STRATEGIES,
    taskTypes: [
      {
        ...unitTestGeneration(),
        arms: Object.fromEntries(
          Object.entries(unitTestGeneration().arms).map(([name, a]) => [
            name,
            { ...a, latencySigma: a.latencySigma * 2 },
          ]),
        ),
      },
    ],
    drifts: [],
    noise: 0.3,
    defaultStrategyDays: 0,
  },
};

/** Every scenario name, in report order. */
export const SCENARIO_NAMES = Object.keys(SCENARIOS) as ScenarioName[];

/** The scenario of that name; a copy, so callers may tweak it without affecting others. */
export function getScenario(name: ScenarioName): Scenario {
  return structuredClone(SCENARIOS[name]);
}

/** Whether `name` is a scenario name (for validating `--scenario`). */
export function isScenarioName(name: string): name is ScenarioName {
  return Object.hasOwn(SCENARIOS, name);
}
