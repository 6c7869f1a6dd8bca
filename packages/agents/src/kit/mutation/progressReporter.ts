import { readFile } from 'node:fs/promises';
import { isAbsolute, relative } from 'node:path';
import type { MutantStatus } from './mutationScore.js';

/**
 * A StrykerJS reporter that writes what Stryker learns as it goes (the dry run's tests, the
 * mutants planned per file, each mutant's result) to `qe-progress.jsonl` beside it. Stryker's
 * own reports only appear when the whole run ends; this file is what is left of a run stopped on
 * a time budget. Written out as a plain ES module because Stryker imports plugins by path.
 */
export const PROGRESS_REPORTER = `// Written by @qe-fleet/agents (kit/mutation): Stryker's progress, one JSON line per event.
import { appendFileSync } from 'node:fs';

const file = new URL('./qe-progress.jsonl', import.meta.url);
const write = (event) => appendFileSync(file, JSON.stringify(event) + '\\n');

export class QeProgressReporter {
  static inject = [];
  onDryRunCompleted({ result }) {
    write({ type: 'tests', tests: result.tests.map(({ id, name, fileName }) => ({ id, name, fileName })) });
  }
  onMutationTestingPlanReady({ mutantPlans }) {
    const files = {};
    for (const { mutant } of mutantPlans) files[mutant.fileName] = (files[mutant.fileName] ?? 0) + 1;
    write({ type: 'plan', files });
  }
  onMutantTested({ id, fileName, location, mutatorName, replacement, status, coveredBy, killedBy, static: isStatic }) {
    write({ type: 'mutant', mutant: { id, fileName, location, mutatorName, replacement, status, coveredBy, killedBy, static: isStatic } });
  }
}

export const strykerPlugins = [{ kind: 'Reporter', name: 'qe-progress', injectableClass: QeProgressReporter }];
`;

/** The reporter's name in Stryker's `reporters`. */
export const PROGRESS_REPORTER_NAME = 'qe-progress';

/** Stryker's own result per mutant (the fields read here). */
export interface StrykerMutant {
  id: string;
  fileName: string;
  location: { start: { line: number; column: number }; end: { line: number; column: number } };
  mutatorName: string;
  replacement?: string;
  status: MutantStatus;
  coveredBy?: string[];
  killedBy?: string[];
  static?: boolean;
}

/** What the progress file says: the tests (in the runner's ids, the ones `coveredBy` uses), the mutants planned and those tested. */
export interface StrykerProgress {
  tests: Array<{ id: string; file: string; name: string }>;
  /** Mutants planned per file (relative); `undefined` when Stryker stopped before planning (its dry run had not finished). */
  planned?: Record<string, number>;
  mutants: StrykerMutant[];
}

/** A test file's path relative to the project (`/` separated); a runner reports the copy in Stryker's sandbox (`.stryker-tmp-…/sandbox-…/`). */
export function projectPath(file: string, dir: string): string {
  const rel = (isAbsolute(file) ? relative(dir, file) : file).replaceAll('\\', '/');
  return rel.replace(/^\.stryker-tmp[^/]*\/sandbox[^/]*\//, '');
}

/** Reads the progress file of `PROGRESS_REPORTER`; test files are made relative to `dir`. A line cut short by the kill is ignored. */
export async function readProgress(file: string, dir: string): Promise<StrykerProgress> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const progress: StrykerProgress = { tests: [], mutants: [] };
  for (const line of text.split('\n')) {
    let event: { type?: string; tests?: Array<{ id: string; name: string; fileName?: string }>; files?: Record<string, number>; mutant?: StrykerMutant };
    try {
      event = JSON.parse(line) as typeof event;
    } catch {
      continue;
    }
    if (event.type === 'tests') {
      progress.tests = (event.tests ?? []).map((t) => ({ id: t.id, name: t.name, file: t.fileName === undefined ? '' : projectPath(t.fileName, dir) }));
    } else if (event.type === 'plan') progress.planned = Object.fromEntries(Object.entries(event.files ?? {}).map(([file, n]) => [projectPath(file, dir), n]));
    else if (event.type === 'mutant' && event.mutant !== undefined) progress.mutants.push(event.mutant);
  }
  return progress;
}
