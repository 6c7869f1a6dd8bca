import { LearningError } from './LearningError.js';
import type { AlgorithmName, LearningAlgorithm, LearningConfig, RandomSource } from './types.js';

/**
 * Builds a plugged-in algorithm for one engine: its resolved config (whose `algorithm` is the
 * registered name), the agent's strategy names (arm i is `arms[i]`) and the engine's random source
 * (the only randomness the algorithm may use, so a seeded engine replays exactly).
 */
export type AlgorithmFactory = (config: LearningConfig, arms: readonly string[], random: RandomSource) => LearningAlgorithm;

/** The built-in names; they cannot be registered over (the engine's default stays what it is). */
const BUILT_IN: ReadonlySet<string> = new Set<AlgorithmName>(['q-learning', 'ucb1', 'thompson-sampling', 'discounted-thompson', 'sliding-window-ucb']);

const registry = new Map<string, AlgorithmFactory>();

/**
 * Makes `name` selectable as `LearningConfig.algorithm` (in `LearningEngine`, `BaseAgent`'s
 * `learning` option and the `Simulator`) for every engine created afterwards in this process.
 * Registering the same name again replaces its factory (a re-import of the plugin); a built-in
 * name or a name that is not lowercase words joined by `-` is refused (`INVALID_CONFIG`).
 * An algorithm that implements `probabilities` has its selection probabilities logged exactly;
 * otherwise the engine estimates them by sampling `select` from a private stream.
 */
export function registerAlgorithm(name: string, factory: AlgorithmFactory): void {
  if (typeof name !== 'string' || !/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(name) || name.length > 64) {
    throw new LearningError('INVALID_CONFIG', `algorithm name must be lowercase words joined by '-', got ${JSON.stringify(name)}`);
  }
  if (BUILT_IN.has(name)) throw new LearningError('INVALID_CONFIG', `'${name}' is a built-in algorithm and cannot be replaced`);
  if (typeof factory !== 'function') throw new LearningError('INVALID_CONFIG', `the factory of '${name}' must be a function`);
  registry.set(name, factory);
}

/** Removes a registered algorithm (tests, or a plugin being unloaded); true when it was registered. */
export function unregisterAlgorithm(name: string): boolean {
  return registry.delete(name);
}

/** Names registered with `registerAlgorithm`, in registration order. */
export function registeredAlgorithms(): string[] {
  return [...registry.keys()];
}

/** The factory registered under `name`, if any. */
export function registeredFactory(name: string): AlgorithmFactory | undefined {
  return registry.get(name);
}
