import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { LearningEngine } from '@qe-fleet/learning-core';
import { SwarmMemoryManager } from '@qe-fleet/memory';
import { describe, expect, it, onTestFinished } from 'vitest';
import { cli } from './cliHarness.js';

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
// From the package folder, so `--import tsx` resolves the workspace's tsx.
const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));

describe('qe-fleet as a process', () => {
  it('Ctrl-C stops gracefully: the current task finishes, state is saved, the database is consistent, and a second process can read meanwhile', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qe-sigint-'));
    const db = join(dir, 'fleet.db');
    const child = spawn(
      process.execPath,
      ['--conditions=@qe-fleet/source', '--import', 'tsx', CLI, 'run', '--agents', 'security-scanner', '--repeat', '50', '--db', db],
      { cwd: PACKAGE_DIR, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Whatever fails below, the run (50 repeats) must not outlive the test.
    onTestFinished(async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        if (/\[security-scanner\] 1\/50/.test(out)) resolve();
      });
      child.on('exit', () => reject(new Error(`exited early:\n${out}\n${err}`)));
    });

    // A second process on the same file works while the run holds it.
    const status = await cli(['status', '--db', db, '--json'], dir);
    expect(status.code, status.err).toBe(0);

    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(out).toContain('interrupted: state saved');
    expect(err).toContain('stopping');

    const raw = new Database(db, { readonly: true });
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    raw.close();
    const memory = new SwarmMemoryManager(db);
    memory.initialize();
    expect(memory.getAgent('security-scanner')?.status).toBe('stopped');
    const engine = new LearningEngine('security-scanner', memory);
    await engine.initialize();
    const learned = engine.getTotalExperiences();
    expect(learned).toBeGreaterThanOrEqual(1);
    expect(learned).toBeLessThan(50);
    memory.close();
    // tsx starting the CLI from sources and a first scan take tens of seconds on a loaded machine.
  }, 300_000);
});
