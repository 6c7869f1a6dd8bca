import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** What earlier runs recorded about one test. */
export interface TestRecord {
  runs: number;
  failures: number;
  /** Total measured time over `runs`, ms. */
  totalMs: number;
  /** ISO time of the last failure. */
  lastFailure?: string;
}

/** History of a target's tests: key (`file > name`) → record. */
export type TestHistoryData = Record<string, TestRecord>;

/** Where a target's test history lives (tests inject an in-memory one). */
export interface TestHistoryStore {
  load(dir: string): Promise<TestHistoryData>;
  save(dir: string, history: TestHistoryData): Promise<void>;
}

/** Relative path of the history file in a target. */
export const TEST_HISTORY_PATH = '.qe-fleet/test-history.json';

/**
 * The history as a JSON file in the target (`.qe-fleet/test-history.json`, next to the fleet's
 * baseline): durations and failures of every earlier run, which later runs order by. An unreadable
 * file counts as no history.
 */
export class FileTestHistory implements TestHistoryStore {
  async load(dir: string): Promise<TestHistoryData> {
    try {
      const parsed = JSON.parse(await readFile(join(dir, TEST_HISTORY_PATH), 'utf8')) as { tests?: TestHistoryData };
      return parsed.tests !== null && typeof parsed.tests === 'object' ? parsed.tests : {};
    } catch {
      return {};
    }
  }

  async save(dir: string, history: TestHistoryData): Promise<void> {
    const file = join(dir, TEST_HISTORY_PATH);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, `${JSON.stringify({ version: 1, tests: history }, null, 1)}\n`);
  }
}

/** An in-memory history (one per instance). */
export class MemoryTestHistory implements TestHistoryStore {
  readonly #data = new Map<string, TestHistoryData>();

  async load(dir: string): Promise<TestHistoryData> {
    return structuredClone(this.#data.get(dir) ?? {});
  }

  async save(dir: string, history: TestHistoryData): Promise<void> {
    this.#data.set(dir, structuredClone(history));
  }
}

/** The history after one more run of `results`. */
export function recordRun(history: TestHistoryData, results: ReadonlyArray<{ key: string; status: string; durationMs?: number }>, now: Date): TestHistoryData {
  const next = structuredClone(history);
  for (const r of results) {
    if (r.status === 'skipped') continue;
    const entry = next[r.key] ?? { runs: 0, failures: 0, totalMs: 0 };
    entry.runs++;
    entry.totalMs += r.durationMs ?? 0;
    if (r.status === 'failed') {
      entry.failures++;
      entry.lastFailure = now.toISOString();
    }
    next[r.key] = entry;
  }
  return next;
}
