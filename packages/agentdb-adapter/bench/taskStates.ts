import type { TaskState } from '@qe-fleet/learning-core';

// The retrieval benches' workload: random task states over a fixed vocabulary, and percentiles.
const TYPES = ['unit', 'integration', 'regression', 'security', 'api', 'e2e', 'perf', 'a11y'];
const CAPS = ['test-generation', 'api', 'security', 'regression', 'coverage', 'mutation', 'fuzz'];

/** A random task state: one of 8 types, about 2 of 7 capabilities, a framework and a file count. */
export function randomState(random: () => number): TaskState {
  return {
    taskType: TYPES[Math.floor(random() * TYPES.length)]!,
    taskComplexity: random(),
    requiredCapabilities: CAPS.filter(() => random() < 0.3),
    contextFeatures: { framework: random() < 0.5 ? 'jest' : 'vitest', files: Math.floor(random() * 200) },
    previousAttempts: Math.floor(random() * 3),
    availableResources: random(),
    timeConstraint: 60_000,
  };
}

/** The q-quantile of xs (nearest rank). */
export const pct = (xs: number[], q: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;
