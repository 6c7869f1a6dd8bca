/**
 * Seeded random worlds for the learning benchmark (`bench/worlds.ts`): a world is drawn, not
 * written, so no engine setting can be tuned to it. Every world varies the numbers of task types
 * and strategies, how far types differ, which task features matter (most do not), traps (a
 * strategy with a higher success rate but several times slower), noise, a noisy machine-load
 * reading, drifts of several kinds at random times, and agents joining the pool late (cold start).
 */
import { compositeScore } from './compositeScore.js';
import { sampleNormal, streamSeed } from './distributions.js';
import { LearningError } from './LearningError.js';
import { createRandom } from './random.js';
import type { ArmModel, ContextModel, DriftEvent, Scenario, TaskTypeModel } from './scenarios.js';

/** A drawn world: its scenario and how its pool of agents is formed. */
export interface RandomWorld {
  seed: number;
  scenario: Scenario;
  /** Agents in the pool (2-4). */
  agents: number;
  /** Day each agent joins, by index (the first always at day 0). */
  joinDays: number[];
  /** One line on what was drawn, for a reader of the report. */
  summary: string;
}

/** Options of `generateWorld`. */
export interface RandomWorldOptions {
  /** Days the world is run for (drifts and joins fall inside). Default 14. */
  days?: number;
}

const FEATURES = ['complexity', 'capabilities', 'retries'] as const;
type Feature = (typeof FEATURES)[number];
const DRIFT_KINDS = ['best-degrades', 'challenger-improves', 'slowdown', 'tool-breaks-everywhere'] as const;

const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));
const logistic = (x: number): number => 1 / (1 + Math.exp(-x));

/**
 * Approximate composite score of an arm (its expected time is the log-normal's mean, capped at
 * the score's one-minute scale): used only to decide which arm a trap or a drift targets; the
 * simulator measures the exact expected reward by Monte Carlo.
 */
function approxScore(arm: ArmModel): number {
  const meanTime = arm.latencyMedianMs * Math.exp((arm.latencySigma * arm.latencySigma) / 2);
  return compositeScore({
    successRate: arm.successProbability,
    errorRate: 1 - arm.successProbability,
    userSatisfaction: arm.satisfaction,
    averageExecutionTime: Math.min(meanTime, 60_000),
    resourceEfficiency: arm.resourceEfficiency,
  });
}

/** The world of `seed`: a pure function of it (and `options`). */
export function generateWorld(seed: number, options: RandomWorldOptions = {}): RandomWorld {
  const days = options.days ?? 14;
  if (!Number.isSafeInteger(seed)) throw new LearningError('INVALID_CONFIG', `world seed must be an integer, got ${seed}`);
  if (!(Number.isInteger(days) && days >= 4 && days <= 365)) throw new LearningError('INVALID_CONFIG', 'world days must be an integer in [4, 365]');
  const random = createRandom(streamSeed(seed, 'random-world'));
  const int = (lo: number, hi: number): number => lo + Math.floor(random() * (hi - lo + 1));
  const uniform = (lo: number, hi: number): number => lo + random() * (hi - lo);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

  const strategyCount = int(2, 7);
  const typeCount = int(1, 5);
  const strategies = Array.from({ length: strategyCount }, (_, i) => ({ name: `strategy-${i + 1}` }));
  const names = strategies.map((s) => s.name);
  // How far task types differ from the strategies' overall quality: 0 (a strategy is as good
  // everywhere) to large (every type has its own ranking).
  const typeSpread = uniform(0, 1.5);
  const noise = uniform(0.05, 0.35);
  const sigmaScale = uniform(1, 2);
  const base = names.map(() => ({
    logit: sampleNormal(random, 1.3, 0.7),
    logMedian: uniform(Math.log(3_000), Math.log(40_000)),
    sigma: uniform(0.3, 0.7) * sigmaScale,
    satisfaction: uniform(0.45, 0.85),
    efficiency: uniform(0.3, 0.9),
    coverage: uniform(0.3, 0.9),
  }));

  const taskTypes: TaskTypeModel[] = [];
  const notes: string[] = [];
  let traps = 0;
  let relevant = 0;
  for (let t = 0; t < typeCount; t++) {
    const typeScale = sampleNormal(random, 0, 0.4);
    const arms: Record<string, ArmModel> = {};
    names.forEach((name, i) => {
      const b = base[i]!;
      const p = clamp(logistic(b.logit + sampleNormal(random, 0, 0.6 * typeSpread)), 0.2, 0.99);
      arms[name] = {
        successProbability: p,
        latencyMedianMs: Math.exp(b.logMedian + typeScale + sampleNormal(random, 0, 0.4 * typeSpread)),
        latencySigma: b.sigma,
        satisfaction: clamp(b.satisfaction + 0.4 * (p - 0.75) + sampleNormal(random, 0, 0.08 * typeSpread), 0.05, 0.98),
        resourceEfficiency: clamp(b.efficiency + sampleNormal(random, 0, 0.1 * typeSpread), 0.05, 0.98),
        coverage: clamp(b.coverage + sampleNormal(random, 0, 0.1 * typeSpread), 0.05, 0.98),
      };
    });
    const ranked = [...names].sort((a, b) => approxScore(arms[b]!) - approxScore(arms[a]!));
    // A trap: the most successful-looking strategy, but several times slower than the best.
    if (strategyCount >= 3 && random() < 0.6) {
      const best = arms[ranked[0]!]!;
      const trap = ranked[1 + Math.floor(random() * (ranked.length - 1))]!;
      arms[trap] = {
        ...arms[trap]!,
        successProbability: clamp(best.successProbability + uniform(0.03, 0.08), 0, 0.995),
        satisfaction: clamp(best.satisfaction + 0.02, 0, 0.99),
        latencyMedianMs: best.latencyMedianMs * uniform(3, 6),
      };
      traps++;
    }
    // Features the type's tasks carry; each matters (changes which strategy is best on its high
    // level) with probability 0.4, else it only splits the tasks.
    const present = FEATURES.filter(() => random() < 0.5);
    const matters = new Map<Feature, Record<string, Partial<ArmModel>>>();
    for (const feature of present) {
      if (random() >= 0.4) continue;
      const current = [...names].sort((a, b) => approxScore(arms[b]!) - approxScore(arms[a]!));
      const winner = pick(current.slice(1));
      const top = arms[current[0]!]!;
      const change: Record<string, Partial<ArmModel>> = {
        [winner]: {
          successProbability: clamp(top.successProbability + uniform(0.05, 0.15), 0, 0.995),
          latencyMedianMs: top.latencyMedianMs * uniform(0.5, 0.9),
          satisfaction: clamp(top.satisfaction + uniform(0, 0.1), 0, 0.99),
        },
      };
      // Half the time the former best also does badly on these tasks.
      if (random() < 0.5) change[current[0]!] = { successProbability: clamp(top.successProbability - uniform(0.1, 0.3), 0.05, 1) };
      matters.set(feature, change);
      relevant++;
    }
    const contexts: ContextModel[] = [];
    for (let mask = 0; mask < 1 << present.length; mask++) {
      const high = (f: Feature): boolean => present.includes(f) && (mask & (1 << present.indexOf(f))) !== 0;
      const ctx: ContextModel = { name: present.map((f) => `${f}:${high(f) ? 'high' : 'low'}`).join(',') || 'all', weight: uniform(0.3, 1) };
      if (present.includes('complexity')) ctx.complexity = high('complexity') ? [0.55, 0.95] : [0.05, 0.45];
      if (present.includes('capabilities')) ctx.capabilities = high('capabilities') ? ['a', 'b', 'c', 'd'] : ['a'];
      if (present.includes('retries')) ctx.retries = high('retries') ? int(1, 3) : 0;
      let override: Record<string, Partial<ArmModel>> | undefined;
      for (const [feature, change] of matters) {
        if (!high(feature)) continue;
        override ??= {};
        for (const [name, part] of Object.entries(change)) override[name] = { ...override[name], ...part };
      }
      if (override !== undefined) ctx.arms = override;
      contexts.push(ctx);
    }
    const typeName = `task-type-${t + 1}`;
    taskTypes.push({
      taskType: typeName,
      weight: uniform(0.2, 1),
      capabilities: ['a', 'b'],
      timeoutMs: pick([30_000, 120_000, 300_000]),
      arms,
      ...(present.length > 0 ? { contexts } : {}),
    });
    if (present.length > 0) notes.push(`${typeName}: ${present.join('+')}${matters.size > 0 ? ` (${[...matters.keys()].join('+')} matter)` : ''}`);
  }

  const drifts: DriftEvent[] = [];
  const driftCount = pick([0, 1, 1, 2]);
  for (let d = 0; d < driftCount; d++) {
    const atDay = Math.round(uniform(3, days - 2) * 24) / 24;
    const kind = pick(DRIFT_KINDS);
    const type = pick(taskTypes);
    const effective = (name: string): ArmModel => {
      let arm = type.arms[name]!;
      for (const drift of drifts) if (drift.taskType === type.taskType && drift.strategy === name && drift.atDay <= atDay) arm = { ...arm, ...drift.change };
      return arm;
    };
    const ranked = [...names].sort((a, b) => approxScore(effective(b)) - approxScore(effective(a)));
    const add = (taskType: string, strategy: string, change: Partial<ArmModel>, reason: string): void => {
      drifts.push({ atDay, taskType, strategy, change, reason });
    };
    if (kind === 'best-degrades') {
      const arm = effective(ranked[0]!);
      add(type.taskType, ranked[0]!, {
        successProbability: clamp(arm.successProbability - uniform(0.15, 0.35), 0.05, 1),
        latencyMedianMs: arm.latencyMedianMs * uniform(1.5, 3),
        satisfaction: clamp(arm.satisfaction - 0.15, 0.02, 1),
      }, 'the best strategy degrades');
    } else if (kind === 'challenger-improves') {
      const top = effective(ranked[0]!);
      add(type.taskType, pick(ranked.slice(1)), {
        successProbability: clamp(top.successProbability + uniform(0.05, 0.12), 0, 0.995),
        latencyMedianMs: top.latencyMedianMs * uniform(0.5, 0.9),
        satisfaction: clamp(top.satisfaction + 0.05, 0, 0.99),
      }, 'a weaker strategy becomes the best');
    } else if (kind === 'slowdown') {
      const spared = pick(names);
      for (const name of names) {
        if (name !== spared) add(type.taskType, name, { latencyMedianMs: effective(name).latencyMedianMs * uniform(1.5, 3) }, 'the target gets slower except for one strategy');
      }
    } else {
      const broken = ranked[0]!;
      for (const other of taskTypes) {
        const arm = other.arms[broken]!;
        add(other.taskType, broken, { successProbability: clamp(arm.successProbability * uniform(0.4, 0.7), 0.02, 1) }, 'a tool upgrade breaks one strategy on every task type');
      }
    }
    notes.push(`drift ${kind} at day ${atDay.toFixed(1)}`);
  }

  const agents = int(2, 4);
  const joinDays = Array.from({ length: agents }, (_, i) => (i > 0 && random() < 0.4 ? int(1, Math.max(1, Math.floor(days / 2))) : 0));
  const resourceReading = random() < 0.5 ? { mean: uniform(0.3, 0.9), sd: uniform(0.05, 0.3) } : undefined;
  const summary =
    `${typeCount} types × ${strategyCount} strategies, spread ${typeSpread.toFixed(2)}, noise ${noise.toFixed(2)}, ` +
    `${traps} trap(s), ${relevant} relevant feature(s), ${agents} agents joining ${joinDays.join('/')}` +
    (resourceReading ? ', noisy load reading' : '') +
    (notes.length > 0 ? `; ${notes.join('; ')}` : '');
  const scenario: Scenario = {
    name: `world-${seed}`,
    description: summary,
    strategies,
    taskTypes,
    drifts,
    noise,
    defaultStrategyDays: 0,
    ...(resourceReading ? { resourceReading } : {}),
  };
  return { seed, scenario, agents, joinDays, summary };
}

/** Random worlds `first .. first + count - 1`, as `generateWorld` draws them. */
export function generateWorlds(first: number, count: number, options: RandomWorldOptions = {}): RandomWorld[] {
  return Array.from({ length: count }, (_, i) => generateWorld(first + i, options));
}
