/**
 * Every algorithm of this package on learning-core's random worlds (`generateWorld`, the worlds of
 * its `pnpm bench worlds`): random task types, strategies, contexts whose features matter or only
 * split tasks, traps, noise, a noisy load reading, drifts, pools of 2-4 agents some of which join
 * late. Beside them, through learning-core's `Simulator` on the same seeds: the engine pooled and
 * alone, and the textbook Gaussian Thompson and UCB1 keyed by (task type, context). The harness
 * replays the Simulator's worlds exactly (`test/harness.test.ts` checks UCB1 on random worlds).
 *
 * Every algorithm runs as the world's pool, each agent with its own model ("alone"), except
 * `federated-learning pooled`, whose members exchange statistics every 50 updates.
 *
 *   QE_BENCH_WORLDS (20), QE_BENCH_WORLDS_FIRST (1), QE_BENCH_WORLDS_DAYS (14),
 *   QE_BENCH_WORLDS_ENGINE (1; 0 leaves out the engine rows, the slow ones)
 */
import { Simulator, generateWorld, type SimulationPolicy } from '@qe-fleet/learning-core';
import { AGENTDB_ALGORITHMS, createAgentDBAdapter, createAgentDBAlgorithm, type AgentDBAlgorithmName } from '../src/index.js';
import { runHarness, type HarnessAlgorithm } from './harness.js';

const WORLDS = Number(process.env['QE_BENCH_WORLDS'] ?? 20);
const FIRST = Number(process.env['QE_BENCH_WORLDS_FIRST'] ?? 1);
const DAYS = Number(process.env['QE_BENCH_WORLDS_DAYS'] ?? 14);
const ENGINE = (process.env['QE_BENCH_WORLDS_ENGINE'] ?? '1') !== '0';

interface Score {
  ns: number;
  day1: number;
  drift: number | null;
}

const quantile = (values: readonly number[], q: number): number => {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  return s[lo]! + (s[Math.ceil(pos)]! - s[lo]!) * (pos - lo);
};
const f = (x: number, d = 3): string => (Number.isNaN(x) ? '—' : x.toFixed(d));

const scores = new Map<string, Map<number, Score>>();
const labels: string[] = [];
const record = (label: string, seed: number, score: Score): void => {
  if (!scores.has(label)) {
    scores.set(label, new Map());
    labels.push(label);
  }
  scores.get(label)!.set(seed, score);
};

function builder(name: AgentDBAlgorithmName, strategies: string[], pooled: boolean): (id: string, random: () => number) => HarnessAlgorithm {
  const store = createAgentDBAdapter({ dbPath: ':memory:' });
  return (id, random) =>
    createAgentDBAlgorithm(name, strategies, random, {
      'federated-learning': { store, federation: 'worlds', member: id, ...(pooled ? {} : { roundEvery: Number.MAX_SAFE_INTEGER }) },
    });
}

const started = performance.now();
for (let seed = FIRST; seed < FIRST + WORLDS; seed++) {
  const world = generateWorld(seed, { days: DAYS });
  const strategies = world.scenario.strategies.map((s) => s.name);
  const simulate = async (policy: SimulationPolicy, pooled = false): Promise<Score> => {
    const r = await new Simulator({
      scenario: world.scenario,
      days: DAYS,
      seed,
      policy,
      pooled,
      agentsPerType: world.agents,
      joinDays: world.joinDays,
      trackPerformance: false,
    }).run();
    return { ns: r.normalizedScore, day1: r.firstDayNormalizedScore, drift: r.driftDayNormalizedScore };
  };
  if (ENGINE) {
    record('engine pooled', seed, await simulate('engine', true));
    record('engine alone', seed, await simulate('engine', false));
  }
  record('textbook Gaussian Thompson (type, context)', seed, await simulate('gaussian-thompson'));
  record('textbook UCB1 (type, context)', seed, await simulate('ucb1'));
  for (const name of AGENTDB_ALGORITHMS) {
    for (const pooled of name === 'federated-learning' ? [true, false] : [false]) {
      const r = await runHarness({ scenario: world.scenario, seed, days: DAYS, agents: world.agents, joinDays: world.joinDays, make: builder(name, strategies, pooled) });
      record(`${name} ${pooled ? 'pooled' : 'alone'}`, seed, { ns: r.normalizedScore, day1: r.firstDayNormalizedScore, drift: r.driftDayNormalizedScore });
    }
  }
  process.stderr.write(`worlds: world ${seed} done (${((performance.now() - started) / 1000).toFixed(0)} s) ${world.summary}\n`);
}

const seeds = Array.from({ length: WORLDS }, (_, i) => FIRST + i);
const reference = ENGINE ? 'engine pooled' : 'textbook Gaussian Thompson (type, context)';
console.log(
  `\nRandom worlds ${FIRST}..${FIRST + WORLDS - 1} (learning-core generateWorld), ${DAYS} days × 10 tasks/h per agent, pools of 2-4 agents; ` +
    `NS on hidden expected reward (1 = oracle, 0 = uniform random); ${((performance.now() - started) / 1000).toFixed(0)} s\n`,
);
console.log(`| policy | NS median | p10 | worst | day-1 median | drift-day median | ≥ ${reference} in |`);
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const label of labels) {
  const by = scores.get(label)!;
  const rs = seeds.map((s) => by.get(s)!);
  const ns = rs.map((r) => r.ns);
  const drift = rs.flatMap((r) => (r.drift === null ? [] : [r.drift]));
  const ref = scores.get(reference)!;
  const wins = seeds.filter((s) => by.get(s)!.ns >= ref.get(s)!.ns).length;
  console.log(
    `| ${label} | ${f(quantile(ns, 0.5))} | ${f(quantile(ns, 0.1))} | ${f(Math.min(...ns))} | ${f(quantile(rs.map((r) => r.day1), 0.5), 2)} | ` +
      `${f(quantile(drift, 0.5), 2)} | ${wins} / ${WORLDS} |`,
  );
}
