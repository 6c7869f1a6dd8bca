import os from 'node:os';
import { checkTask, show } from './inputChecks.js';
import { LearningError } from './LearningError.js';
import type { LearningTask, ResourceProbe, TaskState } from './types.js';

/** Discretised feature combinations per task type: 5 complexity x 4 capability x 4 attempt x 5 time x 4 resource buckets. */
export const FEATURE_COUNT = 1600;

/** Feature code of the task-type level (all states of a type), one past the real codes. */
export const TYPE_LEVEL = FEATURE_COUNT;

/** Row codes are task type index x TYPE_STRIDE + feature code (TYPE_LEVEL for the whole type). */
export const TYPE_STRIDE = FEATURE_COUNT + 1;

/** Buckets of each feature of `featureCode`, in its order: complexity, capabilities, attempts, time, resources. */
export const FEATURE_BUCKETS: readonly number[] = [5, 4, 4, 5, 4];

/**
 * Per feature (order of `FEATURE_BUCKETS`), the group of each bucket that `FeatureBackoff` fits
 * effects on: the low and high halves of a scale (complexity below or from 0.5, up to 2 or from
 * 3 capabilities, more or less than half the machine free), a first attempt against retries, and
 * no time limit against one under or over a minute. A feature that matters as "low or high" then
 * moves the estimate of every state on its side with all their evidence, instead of each bucket
 * learning its effect on its own share of the tasks (fresh random worlds 20001-20200, 3 runs
 * each: engine alone median NS 0.737 -> 0.757, at or above textbook Thompson in 88.0 -> 91.5 % of
 * the worlds; pooled 0.823 -> 0.842). Fitting the buckets within a group as well scored lower on
 * the tuning worlds. The buckets stay in the state key for what reads them directly
 * (`sliding-window-ucb`).
 */
export const FEATURE_GROUPS: readonly (readonly number[])[] = [
  [0, 0, 1, 1, 1],
  [0, 0, 1, 1],
  [0, 1, 1, 1],
  [0, 1, 1, 2, 2],
  [0, 0, 1, 1],
];

/** The bucket of each feature (order of `FEATURE_BUCKETS`) of a feature code. */
export function featureBuckets(code: number): number[] {
  return [Math.floor(code / 320), Math.floor(code / 80) % 4, Math.floor(code / 20) % 4, Math.floor(code / 4) % 5, code % 4];
}

/** Clamps to [0, 1]; NaN counts as 0. */
const clamp01 = (x: number): number => (x > 0 ? (x < 1 ? x : 1) : 0);
const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/**
 * Reads how free the machine is: the smallest of free CPU (1 - 1-minute load average per core),
 * free system memory and the share of system memory this process does not hold. Cached for
 * `maxAgeMs` of `clock` time, because the OS figures move slowly and a task must not pay a syscall.
 */
export function createSystemResourceProbe(clock: () => number = Date.now, maxAgeMs = 1000): ResourceProbe {
  const cores = os.availableParallelism();
  const total = os.totalmem();
  let readAt = Number.NEGATIVE_INFINITY;
  let value = 1;
  return () => {
    const now = clock();
    if (now - readAt >= maxAgeMs) {
      const cpu = 1 - (os.loadavg()[0] ?? 0) / cores;
      value = clamp01(Math.min(cpu, os.freemem() / total, 1 - process.memoryUsage.rss() / total));
      readAt = now;
    }
    return value;
  };
}

const defaultProbe = createSystemResourceProbe();

/**
 * Seed 4.1 `extractTaskState`, plus the task type. Complexity is `context.complexity` (0..1) when
 * the task gives one, else the capability count over 8; both clamped to [0, 1].
 */
export function extractTaskState(task: LearningTask, resources: ResourceProbe = defaultProbe): TaskState {
  checkTask(task, false);
  if (typeof resources !== 'function') throw new LearningError('INVALID_CONFIG', `resources must be a function, got ${show(resources)}`);
  if (typeof task.type !== 'string' || task.type.length === 0) {
    throw new LearningError('INVALID_TASK', 'task.type must be a non-empty string');
  }
  const capabilities = Array.isArray(task.capabilities) ? task.capabilities.filter((c) => typeof c === 'string') : [];
  const context = task.context !== null && typeof task.context === 'object' ? task.context : {};
  const given = context['complexity'];
  const state: TaskState = {
    taskType: task.type,
    taskComplexity: clamp01(finite(given) ? given : capabilities.length / 8),
    requiredCapabilities: capabilities,
    contextFeatures: context,
    previousAttempts: finite(task.retries) && task.retries > 0 ? Math.floor(task.retries) : 0,
    availableResources: clamp01(resources()),
  };
  if (finite(task.timeout) && task.timeout > 0) state.timeConstraint = task.timeout;
  return state;
}

function timeBucket(ms: number | undefined): number {
  if (ms === undefined || !(ms > 0)) return 0;
  return ms < 10_000 ? 1 : ms < 60_000 ? 2 : ms < 300_000 ? 3 : 4;
}

/** Quarters of the scale, so its middle (low against high complexity) is an edge, and its top tenth apart. */
function complexityBucket(x: number): number {
  return x < 0.25 ? 0 : x < 0.5 ? 1 : x < 0.75 ? 2 : x < 0.9 ? 3 : 4;
}

function capabilityBucket(n: number): number {
  return n === 0 ? 0 : n <= 2 ? 1 : n <= 5 ? 2 : 3;
}

/** The discretised, clamped features of a state as one integer in [0, FEATURE_COUNT). */
export function featureCode(state: TaskState): number {
  const c = complexityBucket(clamp01(state.taskComplexity));
  const k = capabilityBucket(Array.isArray(state.requiredCapabilities) ? state.requiredCapabilities.length : 0);
  const a = Math.min(3, finite(state.previousAttempts) && state.previousAttempts > 0 ? Math.floor(state.previousAttempts) : 0);
  const t = timeBucket(state.timeConstraint);
  const r = Math.min(3, Math.floor(clamp01(state.availableResources) * 4));
  return (((c * 4 + k) * 4 + a) * 5 + t) * 4 + r;
}

/** `taskType|c{0-4}|k{0-3}|a{0-3}|t{0-4}|r{0-3}`, or `taskType|*` for the task-type level. */
export function formatStateKey(taskType: string, code: number): string {
  if (code === TYPE_LEVEL) return `${taskType}|*`;
  const r = code % 4;
  const t = Math.floor(code / 4) % 5;
  const a = Math.floor(code / 20) % 4;
  const k = Math.floor(code / 80) % 4;
  const c = Math.floor(code / 320);
  return `${taskType}|c${c}|k${k}|a${a}|t${t}|r${r}`;
}

const KEY_TAIL = /\|(?:\*|c([0-4])\|k([0-3])\|a([0-3])\|t([0-4])\|r([0-3]))$/;

/** Inverse of `formatStateKey`; null when `key` is not one. */
export function parseStateKey(key: string): { taskType: string; code: number } | null {
  const m = KEY_TAIL.exec(key);
  if (m === null || m.index === 0) return null;
  const taskType = key.slice(0, m.index);
  if (m[1] === undefined) return { taskType, code: TYPE_LEVEL };
  const [c, k, a, t, r] = m.slice(1).map(Number) as [number, number, number, number, number];
  return { taskType, code: (((c * 4 + k) * 4 + a) * 5 + t) * 4 + r };
}
