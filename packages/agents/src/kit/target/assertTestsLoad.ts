import { AgentError } from '../agent/AgentError.js';
import type { Target } from './Target.js';
import { fileImports, missingBuildOutput, missingDependencies } from './missingDependencies.js';

/** Per opened target and list of test files, `testsLoadProblem`'s answer: every suite agent asks, and `runSuite` asks on every run. */
const answers = new WeakMap<Target, Map<string, string | undefined>>();

/**
 * Why the target's tests cannot load, or undefined: packages they import are not installed ("run
 * npm install"), or they import the project's build output from a folder that is not there
 * (lukeed/tinydate's tests require `../dist/tinydate`, which its `pretest` builds: "run npm run
 * build"). Agents that run the project's suite are not applicable then, rather than a failed tool.
 * Read once per opened target and list of files.
 */
export function testsLoadProblem(target: Target, testFiles: readonly string[]): string | undefined {
  let byFiles = answers.get(target);
  if (byFiles === undefined) answers.set(target, (byFiles = new Map()));
  const key = testFiles.join('\n');
  if (!byFiles.has(key)) byFiles.set(key, readProblem(target, testFiles));
  return byFiles.get(key);
}

function readProblem(target: Target, testFiles: readonly string[]): string | undefined {
  const imports = fileImports(target.dir, testFiles);
  const missing = missingDependencies(target.dir, testFiles, imports);
  if (missing.length > 0) return `dependencies of the tests are not installed: ${missing.join(', ')} (run npm install in ${target.dir})`;
  const unbuilt = missingBuildOutput(target.dir, imports);
  if (unbuilt.length === 0) return undefined;
  const scripts = (target.packageJson['scripts'] ?? {}) as Record<string, unknown>;
  const build = typeof scripts['build'] === 'string' ? '`npm run build`' : 'its build';
  return `the tests load build output that is not there: ${unbuilt.slice(0, 3).join(', ')} (run ${build} in ${target.dir} first)`;
}

/** Throws UNSUPPORTED_TARGET with `testsLoadProblem`'s reason, if there is one. */
export function assertTestsLoad(target: Target, testFiles: readonly string[]): void {
  const problem = testsLoadProblem(target, testFiles);
  if (problem !== undefined) throw new AgentError('UNSUPPORTED_TARGET', problem);
}
