import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SwarmMemoryManager, type SwarmMemoryManagerOptions } from '@qe-fleet/memory';

/** A settable clock for TTL tests. */
export class FakeClock {
  now: number;
  constructor(start = Date.UTC(2026, 0, 1)) {
    this.now = start;
  }
  readonly read = (): number => this.now;
  advance(ms: number): void {
    this.now += ms;
  }
}

/** An initialised in-memory manager on a fake clock, with the sweep timer off. */
export function openMemory(options: SwarmMemoryManagerOptions = {}): { memory: SwarmMemoryManager; clock: FakeClock } {
  const clock = new FakeClock();
  const memory = new SwarmMemoryManager(':memory:', { clock: clock.read, cleanupIntervalMs: 0, ...options });
  memory.initialize();
  return { memory, clock };
}

/** A fresh temporary directory and its remover. */
export function tempDir(prefix = 'qe-memory-'): { dir: string; file: (name: string) => string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, file: (name) => join(dir, name), remove: () => rmSync(dir, { recursive: true, force: true }) };
}
