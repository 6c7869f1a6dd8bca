import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRandom } from '@qe-fleet/learning-core';
import { FacadeError } from '@qe-fleet/facade';
import { SwarmMemoryManager } from '@qe-fleet/memory';
import { ManualTimers } from './ManualTimers.js';
import { SimulatedAgent, THREE_ARMS } from './SimulatedAgent.js';
import type { SimulatedAgentOptions } from './SimulatedAgent.js';

/** A store on the virtual clock (no background sweep). */
export function openMemory(timers: ManualTimers, path = ':memory:'): SwarmMemoryManager {
  const memory = new SwarmMemoryManager(path, { clock: timers.now, cleanupIntervalMs: 0 });
  memory.initialize();
  return memory;
}

/** A fresh temporary folder and its cleanup. */
export function tempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'qe-facade-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Options of a simulated agent on `timers`, seeded: `seed` drives the world, `seed + 1000` the agent. */
export function simOptions(
  timers: ManualTimers,
  memory: SwarmMemoryManager | string,
  options: Partial<SimulatedAgentOptions> & { seed?: number } = {},
): SimulatedAgentOptions {
  const { seed = 1, ...rest } = options;
  return {
    id: 'sim-1',
    memory,
    arms: { ...THREE_ARMS },
    world: createRandom(seed),
    random: createRandom(seed + 1000),
    clock: timers.now,
    scheduler: timers,
    timers,
    // A fixed machine: states (and so tests) must not depend on how loaded the CI host is.
    resources: () => 0.8,
    ...rest,
  };
}

/** A simulated agent made from `simOptions`. */
export function simAgent(
  timers: ManualTimers,
  memory: SwarmMemoryManager | string,
  options: Partial<SimulatedAgentOptions> & { seed?: number } = {},
): SimulatedAgent {
  return new SimulatedAgent(simOptions(timers, memory, options));
}

/** The FacadeError a promise rejects with; any other outcome fails the test. */
export async function caught(promise: Promise<unknown>): Promise<FacadeError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof FacadeError) return error;
    throw error;
  }
  throw new Error('expected a FacadeError');
}
