/**
 * Retained heap per agent: N engines, each holding 1,000 states x 10 strategies, 1,000
 * experiences and 100 patterns, built through the real learning path. Measures V8 heap plus
 * ArrayBuffer memory (the statistics live in Float64Array chunks, which V8 keeps off its heap:
 * counting only heapUsed would flatter them). Target: <= 256 KB per agent.
 *
 *   pnpm bench heap [algorithm]
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SwarmMemoryManager } from '@qe-fleet/memory';
import { ALGORITHMS, LearningEngine, createRandom, type AlgorithmName } from '@qe-fleet/learning-core';

const N = 20;
const TARGET_KB = 256;
const STRATEGIES = Array.from({ length: 10 }, (_, i) => `strategy-${i}`);
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc');

/** Task i of 1,000 lands in a state of its own: 10 task types x 100 feature combinations. */
function task(i: number) {
  const j = Math.floor(i / 10);
  return {
    id: `task-${i}`,
    type: `type-${i % 10}`,
    context: { complexity: (j % 5) / 5 + 0.1 },
    capabilities: ['a', 'b', 'c', 'd', 'e', 'f'].slice(0, [0, 1, 3, 6][Math.floor(j / 5) % 4]),
    retries: Math.floor(j / 20) % 4,
    timeout: [0, 5_000][Math.floor(j / 80)],
  };
}

function build(memory: SwarmMemoryManager, agentId: string, algorithm: AlgorithmName): LearningEngine {
  const engine = new LearningEngine(agentId, memory, {
    config: { algorithm, replayBufferSize: 1000 },
    strategies: STRATEGIES,
    random: createRandom(1),
    resources: () => 0.5,
  });
  engine.initialize();
  for (let i = 0; i < 1000; i++) {
    engine.learnFromExecution(task(i), { strategy: STRATEGIES[Math.floor(i / 10) % 10]!, success: i % 3 > 0, executionTime: 100 + i });
  }
  return engine;
}

const used = (): number => {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

/** Measures one algorithm in this process; prints its line and returns whether it met the target. */
function measure(algorithm: AlgorithmName): boolean {
  const memory = new SwarmMemoryManager(':memory:', { cleanupIntervalMs: 0 });
  memory.initialize();
  const check = build(memory, 'check', algorithm).getState(); // also loads and warms the code
  const states = Object.keys(check.model as object).filter((k) => !k.endsWith('|*')).length;
  const before = used();
  const engines = Array.from({ length: N }, (_, i) => build(memory, `agent-${i}`, algorithm));
  const after = used();
  const perAgentKB = (after - before) / N / 1024;
  const ok = perAgentKB <= TARGET_KB;
  console.log(
    `${algorithm.padEnd(20)} ${states} states x ${STRATEGIES.length} strategies, ${check.experiences.length} experiences, ` +
      `${check.patterns.length} patterns: ${perAgentKB.toFixed(1)} KB retained per agent (N=${engines.length}, ` +
      `heapUsed + arrayBuffers) target <= ${TARGET_KB} KB ${ok ? 'PASS' : 'FAIL'}`,
  );
  memory.close();
  return ok;
}

// Each algorithm is measured in a fresh process, so nothing of one run is counted in another.
const only = process.argv[2] as AlgorithmName | undefined;
if (only !== undefined) {
  // The exit code tells the parent whether the target was met.
  process.exitCode = measure(only) ? 0 : 3;
} else {
  let pass = true;
  for (const algorithm of ALGORITHMS) {
    const run = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), algorithm], { stdio: 'inherit' });
    if (run.status !== 0 && run.status !== 3) throw new Error(`heap run for ${algorithm} failed`);
    pass &&= run.status === 0;
  }
  console.log(`heap per agent: ${pass ? 'PASS' : 'FAIL'}`);
}
