import { SwarmMemoryManager } from '@qe-fleet/memory';
import { createRandom, LearningEngine } from '@qe-fleet/learning-core';

/** A fresh in-memory store on a virtual clock, with the expiry timer off. */
export function openMemory(clock: () => number): SwarmMemoryManager {
  const memory = new SwarmMemoryManager(':memory:', { clock, cleanupIntervalMs: 0 });
  memory.initialize();
  return memory;
}

/** An initialised ucb1 engine for `agent-1` with the given strategies, seeded and clock-driven. */
export function openEngine(memory: SwarmMemoryManager, clock: () => number, strategies: string[], seed: number): LearningEngine {
  const engine = new LearningEngine('agent-1', memory, {
    clock,
    random: createRandom(seed),
    strategies,
    config: { algorithm: 'ucb1' },
    resources: () => 0.5,
  });
  engine.initialize();
  return engine;
}
