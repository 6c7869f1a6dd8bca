import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SwarmMemoryManager } from '@qe-fleet/memory';
import { beforeEach, describe, expect, it } from 'vitest';
import { cli } from './cliHarness.js';

let dir: string;
let db: string;

function seedDatabase(path: string): void {
  const memory = new SwarmMemoryManager(path);
  memory.initialize();
  memory.registerAgent({ id: 'api-tester', type: 'api-tester', capabilities: ['api-tester'], status: 'active', performance: {} });
  memory.storeEvent({ type: 'learning:training', payload: { reward: 0.5 }, source: 'api-tester' });
  memory.storeEvent({ type: 'learning:pattern_discovered', payload: { pattern: 'qe-run:fast' }, source: 'api-tester' });
  memory.storePattern({ pattern: 'qe-run:fast', confidence: 0.91, agentId: 'api-tester' });
  memory.store('k1', { when: new Date(0) }, { partition: 'learning' });
  // An hour: an entry with an expiry, which no export and import on a loaded machine outlasts (1 s did).
  memory.store('k2', 'short-lived', { ttl: 3600 });
  memory.close();
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'qe-cli-'));
  db = join(dir, 'fleet.db');
});

describe('qe-fleet usage and exit codes', () => {
  it('prints help with exit 0 and refuses unknown commands with exit 2', async () => {
    const help = await cli(['--help'], dir);
    expect(help.code).toBe(0);
    expect(help.out).toContain('run');
    expect(help.out).toContain('dashboard');
    const bad = await cli(['frobnicate'], dir);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("unknown command 'frobnicate'");
  });

  it('a wrong config key gives exit 2 and names the key', async () => {
    writeFileSync(join(dir, 'qe-fleet.config.json'), JSON.stringify({ agnets: ['x'] }));
    const result = await cli(['status', '--db', db], dir);
    expect(result.code).toBe(2);
    expect(result.err).toContain("unknown key 'agnets'");
  });

  it('a missing database is a clear message, not a stack trace', async () => {
    const result = await cli(['status', '--db', db], dir);
    expect(result.code).toBe(2);
    expect(result.err).toContain('no fleet database at');
    expect(result.err).not.toContain('    at ');
    expect(existsSync(db)).toBe(false);
  });

  it('a corrupt database file is a clear message with exit 2', async () => {
    writeFileSync(db, 'this is not a sqlite database, just text '.repeat(200));
    const result = await cli(['status', '--db', db], dir);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/cannot open database .*fleet\.db/);
    expect(result.err).not.toContain('    at ');
  });
});

describe('run', () => {
  it('refuses a missing target folder and an unknown agent with exit 2', async () => {
    const missing = await cli(['run', '--target', join(dir, 'nope'), '--db', db], dir);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('target folder not found');
    const unknown = await cli(['run', '--agents', 'code-reviewer,bogus', '--db', db], dir);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('unknown agent bogus');
  });

  it('exits 1 with --fail-on when a finding reaches that severity, after printing the table', async () => {
    const result = await cli(['run', '--agents', 'security-scanner', '--fail-on', 'critical', '--db', db, '--json'], dir);
    expect(result.code, result.err).toBe(1);
    const summary = JSON.parse(result.out) as { agents: Array<{ agent: string; success: boolean; bySeverity: { critical: number } }> };
    expect(summary.agents).toEqual([expect.objectContaining({ agent: 'security-scanner', success: true })]);
    expect(summary.agents[0]?.bySeverity.critical).toBeGreaterThan(0);
  }, 300_000);
});

describe('inspection commands read the store', () => {
  beforeEach(() => seedDatabase(db));

  it('status, agents, patterns and events show what was stored', async () => {
    const status = await cli(['status', '--db', db], dir);
    expect(status.code).toBe(0);
    expect(status.out).toMatch(/agents\s+1 \(idle 0, active 1/);
    const agents = await cli(['agents', '--db', db, '--json'], dir);
    expect(JSON.parse(agents.out)).toEqual([expect.objectContaining({ id: 'api-tester', status: 'active' })]);
    const patterns = await cli(['patterns', '--db', db], dir);
    expect(patterns.out).toContain('qe-run:fast');
    expect(patterns.out).toContain('0.910');
    const events = await cli(['events', '--db', db, '--type', 'learning:training', '--json'], dir);
    const parsed = JSON.parse(events.out) as Array<{ type: string }>;
    expect(parsed.map((e) => e.type)).toEqual(['learning:training']);
    const bad = await cli(['events', '--db', db, '--since', 'yesterday-ish'], dir);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--since');
  });

  it('memory export then import into a fresh database round-trips entries, dates included', async () => {
    const file = join(dir, 'export.json');
    expect((await cli(['memory', 'export', file, '--db', db], dir)).code).toBe(0);
    const exported = JSON.parse(readFileSync(file, 'utf8')) as { entries: unknown[] };
    expect(exported.entries).toHaveLength(2);
    const other = join(dir, 'other.db');
    const imported = await cli(['memory', 'import', file, '--db', other, '--json'], dir);
    expect(JSON.parse(imported.out)).toEqual({ entries: 2, expired: 0, events: 2, patterns: 1, metrics: 0 });
    const memory = new SwarmMemoryManager(other);
    memory.initialize();
    expect(memory.retrieve('k1', { partition: 'learning' })).toEqual({ when: new Date(0) });
    memory.close();
  });

  it('import refuses a file that is not an export and leaves the database untouched', async () => {
    const file = join(dir, 'junk.json');
    writeFileSync(file, JSON.stringify({ hello: 'world' }));
    const result = await cli(['memory', 'import', file, '--db', db], dir);
    expect(result.code).toBe(2);
    expect(result.err).toContain('not a qe-fleet memory export');
    const stats = await cli(['memory', 'stats', '--db', db, '--json'], dir);
    expect(JSON.parse(stats.out).tables.memory_entries).toBe(2);
  });

  it('report and versions name an unknown agent clearly', async () => {
    const report = await cli(['report', '--db', db, '--agent', 'nobody'], dir);
    expect(report.code).toBe(2);
    expect(report.err).toContain("no agent 'nobody'");
    const versions = await cli(['versions', '--db', db, '--agent', 'api-tester', '--json'], dir);
    expect(versions.code).toBe(0);
    expect(JSON.parse(versions.out)).toEqual([]);
    const rollback = await cli(['rollback', '--db', db, '--agent', 'api-tester'], dir);
    expect(rollback.code).toBe(2);
    expect(rollback.err).toContain('has no saved versions');
  });
});
