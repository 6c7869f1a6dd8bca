import type { CoverageMapData } from 'istanbul-lib-coverage';

/** Istanbul's `coverage-final.json` shape: absolute file path → statement/branch/function maps and hit counts. */
export type CoverageMap = CoverageMapData;

/** Outcome of one test case as the project's own runner reported it. */
export interface TestCaseResult {
  /** Test file, relative to the target, `/`-separated. */
  file: string;
  /** Full title: enclosing suites and the test's own title joined with ` > `. */
  name: string;
  /** The test's own title (the last part of `name`). */
  title: string;
  status: 'passed' | 'failed' | 'skipped';
  durationMs?: number;
  /** The runner's failure message (assertion diff, error), trimmed. */
  failureMessage?: string;
}

/** Options of `runSuite`. */
export interface RunSuiteOptions {
  /** Test files (relative to the target) to run instead of the project's own selection. */
  files?: string[];
  /** Run only tests whose full title matches this regular expression (the runner's own filter). */
  testNamePattern?: string;
  /** Collect V8 coverage of the target's source files (istanbul JSON in `SuiteRun.coverage`). */
  coverage?: boolean;
  /** Extra environment for the runner. */
  env?: Record<string, string>;
  /** Milliseconds before the runner's process group is killed (default 300 000). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Shuffle the test order with this seed where the runner supports it (vitest, jest); noted otherwise. */
  seed?: number;
}

/** One run of the project's suite in its own runner. A failing suite is a result, not an error. */
export interface SuiteRun {
  /** `vitest`, `jest`, `mocha`, `ava`, `tap` or `node-test`. */
  runner: string;
  /** The shell command that ran (without the coverage wrapper), to reproduce it. */
  command: string;
  exitCode: number | null;
  durationMs: number;
  /** Whether the run was killed at `timeoutMs`. */
  timedOut: boolean;
  tests: TestCaseResult[];
  /** Istanbul coverage of the target's source files (every source file, unloaded ones at 0). */
  coverage?: CoverageMap;
  /** Tail of the runner's stdout and stderr. */
  output: string;
  /** What could not be honoured (a seed the runner cannot shuffle with), and how results were read. */
  notes: string[];
}
