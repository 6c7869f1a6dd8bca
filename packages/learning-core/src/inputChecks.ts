/**
 * Checks at the public boundary of the learning layer: each public method calls one of these
 * first, so a wrong type anywhere in its arguments is a LearningError with a code before any
 * logic (or message formatting) touches it. They check shape and type only; the ranges each
 * method documents (a rating in [0, 1], a known strategy, ...) stay with the method.
 */
import { LearningError, type LearningErrorCode } from './LearningError.js';
import type { StrategyPrior } from './types.js';

/** Longest `errors` list a result may carry: its length is all the reward uses. */
const MAX_ERRORS = 10_000;
const TREND_METRICS = new Set(['tasksCompleted', 'successRate', 'averageExecutionTime', 'errorRate', 'userSatisfaction', 'resourceEfficiency']);
const TREND_DIRECTIONS = new Set(['improving', 'stable', 'declining']);

/**
 * A short description of any value for an error message. Never throws: a symbol or a
 * null-prototype object in a template string would (`Cannot convert object to primitive value`).
 */
export function show(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
    case 'number':
    case 'boolean':
    case 'undefined':
      return String(value);
    case 'bigint':
      return `${value}n`;
    case 'symbol':
      return value.toString();
    case 'function':
      return 'a function';
    default:
      return value === null ? 'null' : Array.isArray(value) ? `an array of ${value.length}` : 'an object';
  }
}

function fail(code: LearningErrorCode, message: string): never {
  throw new LearningError(code, message);
}

/** A plain object or array (what `typeof` calls object, not null). */
function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** `options` is undefined or an object whose `functions` fields are undefined or functions; else INVALID_CONFIG. */
export function checkOptions(options: unknown, what: string, functions: readonly string[] = []): void {
  if (options === undefined) return;
  if (!isObject(options) || Array.isArray(options)) fail('INVALID_CONFIG', `${what} must be an object, got ${show(options)}`);
  for (const name of functions) {
    const f = options[name];
    if (f !== undefined && typeof f !== 'function') fail('INVALID_CONFIG', `${what}.${name} must be a function, got ${show(f)}`);
  }
}

/** An agent id: 1-128 letters, digits, `_ - .` (it becomes part of storage keys); else INVALID_CONFIG. */
export function checkAgentId(agentId: unknown): void {
  if (typeof agentId !== 'string' || !/^[\w.-]{1,128}$/.test(agentId)) {
    fail('INVALID_CONFIG', `agentId must be 1-128 letters, digits, _ - or ., got ${show(agentId)}`);
  }
}

/** A task: `id` and `type` non-empty strings, the optional fields of their types; else INVALID_TASK. */
export function checkTask(task: unknown, needsId = true): void {
  if (!isObject(task)) fail('INVALID_TASK', `task must be an object, got ${show(task)}`);
  if (needsId && (typeof task.id !== 'string' || task.id.length === 0)) fail('INVALID_TASK', `task.id must be a non-empty string, got ${show(task.id)}`);
  if (typeof task.type !== 'string' || task.type.length === 0) fail('INVALID_TASK', `task.type must be a non-empty string, got ${show(task.type)}`);
  if (task.capabilities !== undefined && !(Array.isArray(task.capabilities) && task.capabilities.every((c) => typeof c === 'string'))) {
    fail('INVALID_TASK', `task.capabilities must be an array of strings, got ${show(task.capabilities)}`);
  }
  if (task.context !== undefined && (!isObject(task.context) || Array.isArray(task.context))) {
    fail('INVALID_TASK', `task.context must be an object, got ${show(task.context)}`);
  }
  for (const field of ['retries', 'timeout'] as const) {
    const v = task[field];
    if (v !== undefined && !(isFiniteNumber(v) && v >= 0)) fail('INVALID_TASK', `task.${field} must be a finite number >= 0, got ${show(v)}`);
  }
}

/** Feedback: an object with a numeric `rating` and optional string `comment`/`source`; else INVALID_RESULT. */
export function checkFeedback(feedback: unknown, what = 'feedback'): void {
  if (feedback === undefined) return;
  if (!isObject(feedback)) fail('INVALID_RESULT', `${what} must be an object, got ${show(feedback)}`);
  if (typeof feedback.rating !== 'number') fail('INVALID_RESULT', `${what}.rating must be a number, got ${show(feedback.rating)}`);
  for (const field of ['comment', 'source'] as const) {
    if (feedback[field] !== undefined && typeof feedback[field] !== 'string') fail('INVALID_RESULT', `${what}.${field} must be a string, got ${show(feedback[field])}`);
  }
}

/**
 * An execution result: `strategy` a string, `success` a boolean, numbers where numbers go, `errors`
 * an array of at most 10,000 strings or Errors (a nested array once overflowed the stack); else
 * INVALID_RESULT. Whether the strategy is known and the ranges are the engine's and reward's checks.
 */
export function checkResult(result: unknown, { strategy = true } = {}): void {
  if (!isObject(result)) fail('INVALID_RESULT', `result must be an object, got ${show(result)}`);
  if (strategy && typeof result.strategy !== 'string') fail('INVALID_RESULT', `result.strategy must be a string, got ${show(result.strategy)}`);
  if (typeof result.success !== 'boolean') fail('INVALID_RESULT', `result.success must be a boolean, got ${show(result.success)}`);
  if (typeof result.executionTime !== 'number') fail('INVALID_RESULT', `result.executionTime must be a number, got ${show(result.executionTime)}`);
  for (const field of ['coverage', 'satisfaction', 'resourceUsage'] as const) {
    if (result[field] !== undefined && typeof result[field] !== 'number') fail('INVALID_RESULT', `result.${field} must be a number, got ${show(result[field])}`);
  }
  const errors = result.errors;
  if (errors !== undefined) {
    if (!Array.isArray(errors) || errors.length > MAX_ERRORS || !errors.every((e) => typeof e === 'string' || e instanceof Error)) {
      fail('INVALID_RESULT', `result.errors must be an array of at most ${MAX_ERRORS} strings or Errors, got ${show(errors)}`);
    }
  }
  checkFeedback(result.feedback, 'result.feedback');
}

/** Snapshot input: `metrics` an object, `trends` undefined or an array of `MetricTrend`; else INVALID_RESULT. */
export function checkSnapshotInput(input: unknown): void {
  if (!isObject(input)) fail('INVALID_RESULT', `snapshot input must be an object, got ${show(input)}`);
  if (!isObject(input.metrics)) fail('INVALID_RESULT', `snapshot metrics must be an object, got ${show(input.metrics)}`);
  const trends = input.trends;
  if (trends === undefined) return;
  if (!Array.isArray(trends)) fail('INVALID_RESULT', `snapshot trends must be an array, got ${show(trends)}`);
  for (const t of trends) {
    if (!isObject(t) || typeof t.metric !== 'string' || !TREND_METRICS.has(t.metric) || typeof t.direction !== 'string' || !TREND_DIRECTIONS.has(t.direction) || !isFiniteNumber(t.changeRate)) {
      fail('INVALID_RESULT', `a snapshot trend must be { metric: one of ${[...TREND_METRICS].join(', ')}, direction: improving|stable|declining, changeRate: a finite number }`);
    }
  }
}

/** A pattern to import: an object whose fields have the `LearnedPattern` types; else INVALID_PATTERN (`bad pattern: ...`). */
export function checkPattern(pattern: unknown): void {
  if (!isObject(pattern)) fail('INVALID_PATTERN', `pattern must be an object, got ${show(pattern)}`);
  for (const field of ['id', 'taskType', 'strategy', 'source'] as const) {
    if (typeof pattern[field] !== 'string') fail('INVALID_PATTERN', `bad pattern: ${field} must be a string, got ${show(pattern[field])}`);
  }
  // Types only (a BigInt here once reached JSON.stringify); the engine checks the ranges.
  for (const field of ['successes', 'trials', 'averageReward'] as const) {
    if (typeof pattern[field] !== 'number') fail('INVALID_PATTERN', `bad pattern: ${field} must be a number, got ${show(pattern[field])}`);
  }
}

/** The arms of an A/B test: an array of objects with a string `name` and an optional object `config`; else INVALID_ABTEST. */
export function checkArms(strategies: unknown): void {
  if (!Array.isArray(strategies)) fail('INVALID_ABTEST', `strategies must be an array of { name, config? }, got ${show(strategies)}`);
  for (const s of strategies) {
    if (!isObject(s) || typeof s.name !== 'string' || (s.config !== undefined && (!isObject(s.config) || Array.isArray(s.config)))) {
      fail('INVALID_ABTEST', `each strategy must be { name: string, config?: object }, got ${show(s)}`);
    }
  }
}

/** A non-empty string; else `code`. */
export function checkName(value: unknown, what: string, code: LearningErrorCode): void {
  if (typeof value !== 'string' || value.length === 0) fail(code, `${what} must be a non-empty string, got ${show(value)}`);
}

/** A finite number; else `code`. */
export function checkFinite(value: unknown, what: string, code: LearningErrorCode): void {
  if (!isFiniteNumber(value)) fail(code, `${what} must be a finite number, got ${show(value)}`);
}

/**
 * A strategy's shipped prior (`StrategyDefinition.prior`), or null when absent; throws
 * `LearningError('INVALID_CONFIG')` naming the strategy and the bad field.
 */
export function checkPrior(strategy: string, prior: unknown): StrategyPrior | null {
  if (prior === undefined) return null;
  const bad = (why: string): never => {
    throw new LearningError('INVALID_CONFIG', `strategy ${strategy}: prior ${why}, got ${show(prior)}`);
  };
  if (prior === null || typeof prior !== 'object') return bad('must be an object');
  const { expectedReward, trials, evidence } = prior as Record<string, unknown>;
  if (typeof expectedReward !== 'number' || !(expectedReward >= 0 && expectedReward <= 1)) bad('expectedReward must be a number in [0, 1]');
  if (typeof trials !== 'number' || !(trials > 0 && trials <= 50)) bad('trials must be a number in (0, 50]');
  if (typeof evidence !== 'string' || evidence.trim().length === 0) bad('evidence must say where the figure was measured');
  return { expectedReward: expectedReward as number, trials: trials as number, evidence: evidence as string };
}
