import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * The workspace's test conditions: tests import a package's public entry by name, and the
 * `@qe-fleet/source` export condition points that name at `src/`, so tests run without a build
 * while still going through `exports` (a deep import would fail here as it would for a user).
 */
const conditions = ['@qe-fleet/source', 'node', 'import', 'default'];

/** Shared vitest config for every package; `overrides` is merged on top. */
export function qeVitestConfig(overrides = {}) {
  const { test = {}, ...rest } = overrides;
  return defineConfig({
    resolve: { conditions },
    ssr: { resolve: { conditions, externalConditions: conditions } },
    ...rest,
    test: {
      include: ['test/**/*.test.ts'],
      // Projects under test/**/fixtures/ are targets the agents run, with tests of their own that
      // fail on purpose; they are not this package's tests.
      exclude: ['**/node_modules/**', 'test/**/fixtures/**'],
      environment: 'node',
      pool: 'forks',
      // Vitest's default (cores - 1) is one worker on a 2-core CI machine, but most agent tests wait
      // on child processes (a target's test runner, a service, Chromium): two workers took the
      // agents package from 570 s to 408 s on 2 cores; three gained nothing more (405 s).
      maxWorkers: Math.max(2, availableParallelism() - 1),
      // Generous on purpose: the suite must pass on a loaded 2-core machine (see `pnpm test:contention`);
      // a hung test still fails, only later. No test asserts on how fast anything ran.
      testTimeout: 180_000,
      hookTimeout: 180_000,
      ...test,
    },
  });
}
