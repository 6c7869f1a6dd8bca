/**
 * Property-based fuzzing of the facade's public API (fast-check): the BaseAgent constructor,
 * executeTask, sharePatterns, the results an agent's own code returns, OverheadHistogram,
 * generateLearningDashboard and initializeLearningFleet, with generated arguments that are mostly
 * garbage. A call returns, or throws/rejects with a FacadeError (or a lower layer's coded error)
 * carrying a code; afterwards the agent still works, a restarted agent loads the store, and agent
 * ids named like Object.prototype members (`constructor`, `__proto__`) share patterns safely.
 *
 * `pnpm test` runs a small fixed-seed set; `pnpm fuzz` (QE_FUZZ_RUNS, QE_FUZZ_SEED) runs >= 10,000.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FacadeError, generateLearningDashboard, initializeLearningFleet, OverheadHistogram, type TaskResult } from '@qe-fleet/facade';
import { LearningError } from '@qe-fleet/learning-core';
import { MemoryError, type SwarmMemoryManager } from '@qe-fleet/memory';
import { ManualTimers } from './support/ManualTimers.js';
import { SimulatedAgent } from './support/SimulatedAgent.js';
import { openMemory, simAgent, simOptions } from './support/setup.js';

const FUZZING = process.env.QE_FUZZ_RUNS !== undefined;
const RUNS = Number(process.env.QE_FUZZ_RUNS ?? 25);
// `pnpm test` is reproducible; a fuzz run explores new inputs each time and prints its seed to replay.
const SEED = process.env.QE_FUZZ_SEED !== undefined ? Number(process.env.QE_FUZZ_SEED) : FUZZING ? Date.now() % 2 ** 31 : 14;

const nullProto = <T extends object>(o: T): T => Object.assign(Object.create(null) as T, o);
const nasty = fc.constantFrom<unknown>(
  undefined, null, NaN, Infinity, -1, 0, 1, 1e20, 2 ** 53, '', 'constructor', '__proto__', 'toString', 'a b', '\u001b[2J',
  true, Symbol('s'), 10n, () => 1, nullProto({ id: 'x' }), nullProto({}), [], [null], { id: 't', type: 'x', timeout: -5 },
);
const anything = fc.oneof(
  { weight: 3, arbitrary: nasty },
  { weight: 2, arbitrary: fc.anything({ withBigInt: true, withNullPrototype: true, withBoxedValues: true, maxDepth: 2 }) },
);
const rec = (fields: Record<string, fc.Arbitrary<unknown>>) =>
  fc.oneof({ weight: 1, arbitrary: anything }, { weight: 5, arbitrary: fc.record(fields, { requiredKeys: [] }) });

/** An agent whose `executeWithStrategy` resolves to whatever the property hands it. */
class ScriptedAgent extends SimulatedAgent {
  next: unknown = { success: true };
  protected override async executeWithStrategy(): Promise<TaskResult<{ arm: string }>> {
    return this.next as TaskResult<{ arm: string }>;
  }
}

let timers: ManualTimers;
let memory: SwarmMemoryManager;
let agent: ScriptedAgent;
let calls = 0;

function coded(error: unknown): boolean {
  return (error instanceof FacadeError || error instanceof LearningError || error instanceof MemoryError) && typeof error.code === 'string';
}
const describeError = (e: unknown) => (e instanceof Error ? `${e.name}: ${e.message}` : typeof e);

type Call = (args: unknown[]) => unknown;
const API: Record<string, [fc.Arbitrary<unknown[]>, Call]> = {
  'BaseAgent constructor': [
    fc.tuple(rec({ id: fc.oneof(fc.constantFrom('a1', 'constructor'), anything), type: anything, memory: anything, learning: anything, learningEnabled: anything, swarmId: anything, teamId: anything, improvementIntervalMs: anything, patternImportIntervalMs: anything, metricsFlushEvery: anything, capabilities: anything })),
    ([o]) => new SimulatedAgent({ ...simOptions(timers, memory), ...(typeof o === 'object' && o !== null ? o : { id: o }) } as never),
  ],
  executeTask: [
    fc.tuple(rec({ id: fc.oneof(fc.constantFrom('t1', 'constructor'), anything), type: fc.oneof(fc.constant('lint'), anything), input: anything, timeout: anything, retries: anything, capabilities: anything, context: anything })),
    async ([task]) => {
      agent.next = { success: true, satisfaction: 0.5 };
      return agent.executeTask(task as never);
    },
  ],
  'executeTask with a garbage result': [
    fc.tuple(rec({ success: fc.oneof(fc.boolean(), anything), satisfaction: anything, coverage: anything, resourceUsage: anything, executionTime: anything, errors: anything, output: anything, feedback: anything })),
    async ([result]) => {
      agent.next = result;
      return agent.executeTask({ id: `t${calls}`, type: 'lint' });
    },
  ],
  sharePatterns: [fc.tuple(anything), ([targets]) => agent.sharePatterns(targets as never)],
  'OverheadHistogram.record': [fc.tuple(anything), ([ms]) => new OverheadHistogram().record(ms as number)],
  'OverheadHistogram.percentile': [fc.tuple(anything), ([p]) => new OverheadHistogram().percentile(p as number)],
  'OverheadHistogram constructor': [fc.tuple(anything), ([o]) => new OverheadHistogram(o as never)],
  generateLearningDashboard: [fc.tuple(anything), ([source]) => generateLearningDashboard(source as never, memory)],
  initializeLearningFleet: [fc.tuple(anything), ([agents]) => initializeLearningFleet(agents as never, memory)],
};

beforeAll(async () => {
  timers = new ManualTimers();
  memory = openMemory(timers);
  agent = new ScriptedAgent(simOptions(timers, memory, { id: 'fuzz-agent', swarmId: 'S' }));
  await agent.initialize();
});
afterAll(async () => {
  await agent?.shutdown();
  memory?.close();
  if (FUZZING) console.log(`facade fuzz: ${calls} calls over ${Object.keys(API).length} APIs, seed ${SEED}`);
});

describe('fuzzing the public API of the facade', () => {
  it.each(Object.keys(API))('%s returns or fails with a coded error, and the agent keeps working', async (name) => {
    const [args, call] = API[name] as [fc.Arbitrary<unknown[]>, Call];
    await fc.assert(
      fc.asyncProperty(args, async (a) => {
        calls++;
        try {
          await call(a);
        } catch (error) {
          expect(coded(error), `${name} threw ${describeError(error)}`).toBe(true);
        }
      }),
      { numRuns: RUNS, seed: SEED + name.length, endOnFailure: true },
    );
    agent.next = { success: true };
    await expect(agent.executeTask({ id: `after-${name}`, type: 'lint' })).resolves.toMatchObject({ success: true });
  });

  it('a restarted agent loads everything the fuzzed one stored', async () => {
    const again = new ScriptedAgent(simOptions(timers, memory, { id: 'fuzz-agent', swarmId: 'S' }));
    await again.initialize();
    expect(again.learningEngine.getTotalExperiences()).toBe(agent.learningEngine.getTotalExperiences());
    await again.shutdown();
  });

  it('unreadable stored learning entries are warnings naming them: the agent starts, rebuilds its baseline from its snapshots and learns', async () => {
    const t = new ManualTimers();
    const m = openMemory(t);
    const warnings: string[] = [];
    const logger = { debug() {}, info() {}, error() {}, warn: (msg: string) => void warnings.push(msg) };
    try {
      m.store('phase2/learning/broken/baseline', { nonsense: true }, { partition: 'learning' });
      m.store('phase2/learning/broken/abtests/t1', { nonsense: true }, { partition: 'learning' });
      m.store('phase2/learning/broken/strategies/x', 42, { partition: 'learning' });
      const broken = simAgent(t, m, { id: 'broken', logger });
      await broken.initialize();
      expect(warnings).toHaveLength(3);
      for (const key of ['baseline', 'abtests/t1', 'strategies/x']) expect(warnings).toContainEqual(expect.stringContaining(`phase2/learning/broken/${key} `));
      await expect(broken.executeTask({ id: 'after', type: 'lint' })).resolves.toMatchObject({ success: true });
      await broken.shutdown();
    } finally {
      m.close();
    }
  });

  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty'])('an agent named %s learns, shares and imports patterns like any other', async (id) => {
    const t = new ManualTimers();
    const m = openMemory(t);
    try {
      const named = simAgent(t, m, { id, swarmId: 'S', learning: { patternConfidenceThreshold: 0 } as never });
      const peer = simAgent(t, m, { id: 'peer', swarmId: 'S', learning: { patternConfidenceThreshold: 0 } as never });
      await named.initialize();
      await peer.initialize();
      for (let i = 0; i < 30; i++) await peer.executeTask({ id: `p${i}`, type: 'lint' });
      for (let i = 0; i < 30; i++) await named.executeTask({ id: `n${i}`, type: 'lint' });
      expect(peer.sharePatterns()).toBeGreaterThan(0);
      expect(named.sharePatterns()).toBeGreaterThan(0);
      expect(named.importSharedPatterns()).toBeGreaterThan(0);
      expect(peer.importSharedPatterns()).toBeGreaterThan(0);
      await named.shutdown();
      await peer.shutdown();
    } finally {
      m.close();
    }
  });
});
