import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from './cliHarness.js';

const dir = mkdtempSync(join(tmpdir(), 'qe-sim-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Simulated {
  totalTasks: number;
  agents: Array<{ agentId: string; tasks: number; strategyChoices: Record<string, number> }>;
}

describe('qe-fleet simulate', () => {
  it('--curriculum gives new agents their tasks easiest measured type first: the same tasks, learned in another order', async () => {
    const args = ['--json', 'simulate', '--days', '1', '--tasks-per-hour', '4', '--scenario', 'many-types', '--alone', '--chart', join(dir, 'chart.svg')];
    const plain = await cli(args, dir);
    const curriculum = await cli([...args, '--curriculum'], dir);
    expect(plain.err).toBe('');
    expect(curriculum.err).toBe('');
    const [a, b] = [JSON.parse(plain.out) as Simulated, JSON.parse(curriculum.out) as Simulated];
    expect(b.totalTasks).toBe(a.totalTasks);
    expect(b.agents.map((x) => x.tasks)).toEqual(a.agents.map((x) => x.tasks));
    expect(b.agents.map((x) => x.strategyChoices)).not.toEqual(a.agents.map((x) => x.strategyChoices));
  }, 60_000);
});
