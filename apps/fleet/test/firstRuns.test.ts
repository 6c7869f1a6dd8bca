import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPilotAgents } from '@qe-fleet/agents';
import { SwarmMemoryManager } from '@qe-fleet/memory';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from './cliHarness.js';

/** A small project with defects the reviewer's rules find; not a git work tree, so `changed-files` examines nothing. */
const FILES: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'shop', version: '1.0.0', type: 'module' }),
  'src/price.js': [
    'export function price(items, code) {',
    '  let total = 0;',
    '  for (const item of items) {',
    '    if (item.qty > 0) { if (item.kind === "a") { total += item.price * item.qty; } else if (item.kind === "b") { total += item.price; } else if (item.kind === "c") { total += 2; } else { total += 1; } }',
    '  }',
    '  if (code == "HALF") total = total / 2;',
    '  return total;',
    '}',
    '',
  ].join('\n'),
  'src/load.js': ['export async function load(fetcher) {', '  const data = await fetcher();', '  return data;', '}', 'export function start(fetcher) {', '  load(fetcher);', '}', ''].join('\n'),
};

interface Pick {
  run: number;
  strategy: string;
}

let dir: string;
let db: string;
let picks: Pick[];
let runCode: number;
let forced: { code: number; err: string };
let stored: { priors: Map<string, number>; patterns: Array<{ strategy: string; successes: number; trials: number; averageReward: number }>; recommended: string };

/** What the CLI printed per run: `[code-reviewer] 2/3 recommended: 3 findings`. */
function picksOf(out: string): Pick[] {
  return [...out.matchAll(/^\[code-reviewer\] (\d+)\/\d+ (\S+?):/gm)].map((m) => ({ run: Number(m[1]), strategy: m[2]! }));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'qe-first-runs-'));
  db = join(dir, 'fleet.db');
  const project = join(dir, 'shop');
  mkdirSync(join(project, 'src'), { recursive: true });
  for (const [path, content] of Object.entries(FILES)) writeFileSync(join(project, path), content);
  // A seeded exploration source: the test must not depend on which random draw comes first.
  writeFileSync(join(dir, 'qe-fleet.config.json'), JSON.stringify({ seed: 7 }));
  const runs = await cli(['run', '--target', project, '--db', db, '--agents', 'code-reviewer', '--repeat', '3', '--no-cache'], dir);
  runCode = runs.code;
  picks = picksOf(runs.out);
  // A fourth run forced onto the strategy that examines nothing here: learned, as an empty run.
  forced = await cli(['run', '--target', project, '--db', db, '--agents', 'code-reviewer', '--strategy', 'code-reviewer=changed-files', '--no-cache'], dir);
  const memory = new SwarmMemoryManager(db);
  memory.initialize();
  const [agent] = await createPilotAgents({ ids: ['code-reviewer'], memory });
  try {
    await agent!.initialize();
    const engine = agent!.learningEngine;
    const priors = new Map(engine.getStrategies().map((s) => [s.name, s.prior?.expectedReward ?? 0]));
    const patterns = engine.getPatterns().filter((p) => p.source === 'code-reviewer');
    const recommended = engine.recommendStrategy(engine.extractTaskState({ id: 'probe', type: 'qe-run', capabilities: ['code-reviewer'] })).strategy;
    stored = { priors, patterns, recommended };
  } finally {
    await agent!.shutdown();
    memory.close();
  }
}, 240_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a fresh database through `qe-fleet run --repeat` (real CLI path, code-reviewer)', () => {
  it('runs the best-measured strategy on run 1 and never the one that examines nothing', () => {
    expect(runCode).toBeLessThanOrEqual(1);
    expect(picks.map((p) => p.run)).toEqual([1, 2, 3]);
    const best = [...stored.priors.entries()].sort((a, b) => b[1] - a[1])[0]![0];
    expect(best).toBe('recommended');
    expect(picks[0]!.strategy).toBe(best);
    expect(picks.filter((p) => p.strategy === best).length).toBeGreaterThanOrEqual(2);
    expect(picks.map((p) => p.strategy)).not.toContain('changed-files');
  });

  it('learns a forced run that examined nothing as no success, and never recommends it', () => {
    expect(forced.code, forced.err).toBeLessThanOrEqual(1);
    const empty = stored.patterns.find((p) => p.strategy === 'changed-files');
    expect(empty?.trials).toBe(1);
    // Its reward is only the error-free, time and cost terms (0.1 + 0.1 + 0.05 at most), not 0.75 for a "success".
    expect(empty!.averageReward).toBeLessThanOrEqual(0.25);
    const best = stored.patterns.find((p) => p.strategy === 'recommended')!;
    expect(best.successes).toBe(best.trials);
    expect(empty!.averageReward).toBeLessThan(best.averageReward - 0.4);
    // (which reviewing strategy is best on this project is what the runs measure; an empty one is not)
    expect(stored.recommended).not.toBe('changed-files');
  });
});
