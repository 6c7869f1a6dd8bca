import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SwarmMemoryManager } from '@qe-fleet/memory';
import { tempDir } from './helpers.js';

const WRITER = fileURLToPath(new URL('./fixtures/writer.ts', import.meta.url));
const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));

interface Run {
  child: ChildProcess;
  lines: string[];
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Every writer started; `afterEach` kills the ones still running, whatever the test did. */
const running = new Set<Run>();
/** Generous: on a loaded 2-core machine tsx alone takes seconds to start a child. */
const TIMEOUT_MS = 300_000;

/** Runs the writer fixture from TypeScript source (tsx + the workspace source condition). */
function runWriter(db: string, prefix: string, count: number | 'forever'): Run {
  const child = spawn(process.execPath, ['--conditions=@qe-fleet/source', '--import', 'tsx', WRITER, db, prefix, String(count)], {
    cwd: PACKAGE_DIR,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let partial = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const run = { child, lines, stderr: () => stderr, exited };
  running.add(run);
  void exited.then(() => running.delete(run));
  return run;
}

function integrity(path: string): string {
  const db = new Database(path, { readonly: true });
  try {
    return db.pragma('integrity_check', { simple: true }) as string;
  } finally {
    db.close();
  }
}

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(async () => {
  // A failed or timed-out test must not leave a writer looping (one ran for 42 minutes once).
  for (const run of running) run.child.kill('SIGKILL');
  await Promise.all([...running].map((run) => run.exited));
  tmp.remove();
});

describe('durability', () => {
  it('two processes writing one new file at once lose nothing and never surface SQLITE_BUSY', async () => {
    const path = tmp.file('shared.db');
    const perWriter = 400;
    const runs = [runWriter(path, 'a', perWriter), runWriter(path, 'b', perWriter)];
    const results = await Promise.all(runs.map((r) => r.exited));
    for (const [i, run] of runs.entries()) {
      expect(run.stderr()).not.toMatch(/SQLITE_BUSY|DATABASE_BUSY|Error/);
      expect(results[i]).toEqual({ code: 0, signal: null });
      expect(run.lines.at(-1)).toBe('done');
    }
    const memory = new SwarmMemoryManager(path, { cleanupIntervalMs: 0 });
    memory.initialize();
    try {
      const keys = memory.query('%', { partition: 'durability' }).map((e) => e.key);
      expect(keys).toHaveLength(2 * perWriter);
      for (const run of runs) for (const key of run.lines.slice(0, -1)) expect(keys).toContain(key);
      expect(memory.retrieve<{ at: Date }>('b/7', { partition: 'durability' })?.at).toEqual(new Date(7));
      expect(memory.queryEvents('durability:write')).toHaveLength((2 * perWriter) / 10);
    } finally {
      memory.close();
    }
    expect(integrity(path)).toBe('ok');
  }, TIMEOUT_MS);

  it('a writer killed with SIGKILL mid-loop leaves every acknowledged write readable', async () => {
    const path = tmp.file('crash.db');
    const run = runWriter(path, 'c', 'forever');
    await new Promise<void>((resolve, reject) => {
      const check = setInterval(() => {
        if (run.lines.length >= 1500) {
          clearInterval(check);
          run.child.kill('SIGKILL');
          resolve();
        }
      }, 5);
      run.exited.then(() => {
        clearInterval(check);
        reject(new Error(`writer exited early: ${run.stderr()}`));
      }, reject);
    });
    expect((await run.exited).signal).toBe('SIGKILL');
    const acknowledged = [...run.lines];
    expect(acknowledged.length).toBeGreaterThanOrEqual(1500);
    expect(integrity(path)).toBe('ok');
    const memory = new SwarmMemoryManager(path, { cleanupIntervalMs: 0 });
    memory.initialize();
    try {
      for (const key of acknowledged) {
        expect(memory.retrieve<{ i: number }>(key, { partition: 'durability' })?.i, key).toBe(Number(key.split('/')[1]));
      }
    } finally {
      memory.close();
    }
    expect(integrity(path)).toBe('ok');
  }, TIMEOUT_MS);
});
