import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Target } from '../target/Target.js';
import { testsLoadProblem } from '../target/assertTestsLoad.js';
import type { TestRunnerInfo } from '../target/TargetProfile.js';

const BY_IMPORT: Array<{ name: TestRunnerInfo['name']; pattern: RegExp; command: string }> = [
  { name: 'vitest', pattern: /from\s+['"]vitest['"]|require\(\s*['"]vitest['"]\s*\)/, command: 'npx vitest run' },
  { name: 'jest', pattern: /from\s+['"]@jest\/globals['"]/, command: 'npx jest' },
  { name: 'ava', pattern: /from\s+['"]ava['"]|require\(\s*['"]ava['"]\s*\)/, command: 'npx ava' },
  { name: 'tap', pattern: /from\s+['"]tap['"]|require\(\s*['"]tap['"]\s*\)/, command: 'npx tap' },
  { name: 'tape', pattern: /from\s+['"]tape['"]|require\(\s*['"]tape['"]\s*\)/, command: 'npx tape' },
  { name: 'uvu', pattern: /from\s+['"]uvu['"]|require\(\s*['"]uvu['"]\s*\)/, command: 'npx uvu' },
  { name: 'node-test', pattern: /from\s+['"](node:)?test['"]|require\(\s*['"](node:)?test['"]\s*\)/, command: 'node --test' },
];

const BY_CONFIG: Array<{ name: TestRunnerInfo['name']; files: RegExp; command: string }> = [
  { name: 'vitest', files: /^vitest\.config\.[cm]?[jt]s$/, command: 'npx vitest run' },
  { name: 'jest', files: /^jest\.config\.([cm]?[jt]s|json)$/, command: 'npx jest' },
  { name: 'mocha', files: /^\.mocharc(\.[cm]?js|\.json|\.ya?ml)?$/, command: 'npx mocha' },
  { name: 'ava', files: /^ava\.config\.[cm]?js$/, command: 'npx ava' },
];

/**
 * The target's test runner: what discovery found (scripts, devDependencies), else what its test
 * files import (`from 'vitest'`, `node:test`, …: a monorepo package whose script is a wrapper such
 * as `ts-scripts test` and whose runner is a dependency of the workspace root), else a runner
 * config file. `undefined` when nothing says how its tests run.
 */
export function detectRunner(target: Target): TestRunnerInfo | undefined {
  if (target.profile.testRunner !== undefined) return target.profile.testRunner;
  const counts = new Map<TestRunnerInfo['name'], number>();
  for (const file of target.profile.testFiles.slice(0, 200)) {
    let text: string;
    try {
      text = readFileSync(join(target.dir, file), 'utf8');
    } catch {
      continue;
    }
    const hit = BY_IMPORT.find((r) => r.pattern.test(text));
    if (hit !== undefined) counts.set(hit.name, (counts.get(hit.name) ?? 0) + 1);
  }
  const best = [...counts].sort((a, b) => b[1] - a[1])[0];
  if (best !== undefined) return { name: best[0], command: BY_IMPORT.find((r) => r.name === best[0])!.command };
  for (const config of BY_CONFIG) {
    if (listDir(target.dir).some((f) => config.files.test(f))) return { name: config.name, command: config.command };
  }
  return undefined;
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** `node_modules/.bin` folders from `dir` up to the file system root (a workspace's runner lives at its root). */
export function binFolders(dir: string): string[] {
  const out: string[] = [];
  for (let at = dir; ; at = dirname(at)) {
    const bin = join(at, 'node_modules', '.bin');
    if (existsSync(bin)) out.push(bin);
    if (dirname(at) === at) return out;
  }
}

/** Whether an executable named `name` is in one of the target's `node_modules/.bin` folders. */
export function hasBin(dir: string, name: string): boolean {
  return binFolders(dir).some((bin) => existsSync(join(bin, name)));
}

/**
 * Why an agent that runs the project's suite cannot apply (`purpose` ends "no test files: …"; no
 * runner; tests that cannot load, `testsLoadProblem`), or `undefined` when there are test files
 * and a runner to run them.
 */
export function noSuiteReason(target: Target, purpose: string): string | undefined {
  if (target.profile.testFiles.length === 0) return `no test files: ${purpose}`;
  if (detectRunner(target) === undefined) return 'no test runner found (no test script naming vitest, jest, mocha, ava, tap, tape, uvu or node --test, and no test file importing one)';
  return testsLoadProblem(target, target.profile.testFiles);
}
