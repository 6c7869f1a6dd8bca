import { createHook } from 'node:async_hooks';
import { existsSync, statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { SwarmMemoryManager } from '@qe-fleet/memory';
import { tempDir } from './helpers.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function openFile(name: string): { memory: SwarmMemoryManager; path: string } {
  const tmp = tempDir();
  const path = tmp.file(name);
  const memory = new SwarmMemoryManager(path, { cleanupIntervalMs: 0 });
  memory.initialize();
  cleanups.push(() => {
    memory.close();
    tmp.remove();
  });
  return { memory, path };
}

/** Polls `done` while this thread idles: the checkpoint happens on another thread or not at all. */
async function until(done: () => boolean, timeoutMs = 120_000): Promise<boolean> {
  for (const start = Date.now(); Date.now() - start < timeoutMs; await sleep(20)) {
    if (done()) return true;
  }
  return done();
}

describe('WAL checkpoints off the writer thread', () => {
  it('a file database has its WAL copied back while the writing thread runs nothing', async () => {
    const { memory, path } = openFile('idle.db');
    const before = statSync(path).size;
    // Well under the automatic checkpoint's 4000 pages: only the background thread copies these.
    memory.transaction(() => {
      for (let i = 0; i < 2000; i++) memory.store(`k/${i}`, { i, text: 'x'.repeat(200) });
    });
    expect(statSync(`${path}-wal`).size).toBeGreaterThan(100 * 4096);
    expect(statSync(path).size).toBe(before);
    expect(await until(() => statSync(path).size > before + 100 * 4096)).toBe(true);
    expect(memory.retrieve('k/1999')).toEqual({ i: 1999, text: 'x'.repeat(200) });
  });

  it('checkpointThread: false starts no thread, and close() still copies the WAL back', () => {
    // Worker threads made while opening, counted by their async resource (type WORKER).
    const workersStartedBy = (open: () => void): number => {
      let workers = 0;
      const hook = createHook({ init: (_id, type) => void (type === 'WORKER' && workers++) }).enable();
      try {
        open();
      } finally {
        hook.disable();
      }
      return workers;
    };
    const tmp = tempDir();
    cleanups.push(() => tmp.remove());
    const threaded = new SwarmMemoryManager(tmp.file('threaded.db'), { cleanupIntervalMs: 0 });
    expect(workersStartedBy(() => threaded.initialize())).toBe(1);
    threaded.close();
    const path = tmp.file('alone.db');
    const alone = new SwarmMemoryManager(path, { cleanupIntervalMs: 0, checkpointThread: false });
    expect(workersStartedBy(() => alone.initialize())).toBe(0);
    alone.store('k', 3);
    alone.close();
    expect(existsSync(`${path}-wal`)).toBe(false);
    const reopened = new SwarmMemoryManager(path, { cleanupIntervalMs: 0, readonly: true });
    reopened.initialize();
    expect(reopened.retrieve('k')).toBe(3);
    reopened.close();
  });

  it('close() waits for the thread to let go of the file, so the WAL is removed; also right after initialize', async () => {
    const { memory, path } = openFile('close.db');
    memory.store('k', 1);
    const grown = statSync(path).size;
    memory.transaction(() => {
      for (let i = 0; i < 500; i++) memory.store(`k/${i}`, 'x'.repeat(200));
    });
    await until(() => statSync(path).size > grown);
    memory.close();
    expect(existsSync(`${path}-wal`)).toBe(false);

    const fresh = openFile('fresh.db');
    fresh.memory.store('k', 2);
    fresh.memory.close();
    expect(existsSync(`${fresh.path}-wal`)).toBe(false);
    const reopened = new SwarmMemoryManager(fresh.path, { cleanupIntervalMs: 0, readonly: true });
    reopened.initialize();
    expect(reopened.retrieve('k')).toBe(2);
    reopened.close();
  });
});
