import { mkdtemp, readFile, readdir, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openTarget, runMutants } from '@qe-fleet/agents';
import { writeProject } from '../support/writeProject.js';

let tmp: string | undefined;

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('kit/mutation stopped on a budget', () => {
  it('returns the mutants Stryker tested before the stop, with their tests and what was planned', async () => {
    tmp = await mkdtemp(join(tmpdir(), 'qe-mt-stop-'));
    const marker = join(tmp, 'mutant-runs.log');
    // Each test run with a mutant active writes a line, then takes a while: the stop lands
    // mid-run however fast the machine is, once a few mutants are known to be done.
    const dir = await writeProject(tmp, 'many', {
      'package.json': JSON.stringify({ name: 'many', type: 'module', scripts: { test: 'node --test' } }),
      'src/grade.js': [
        'export function grade(a, b) {',
        '  if (a > b && a !== 0) return a * 2 + b - 1;',
        "  if (a < b || b === 3) return a - b * 3;",
        "  return a + b > 10 ? 'big' : 'small';",
        '}',
        '',
      ].join('\n'),
      'test/grade.test.js': [
        "import test from 'node:test';",
        "import assert from 'node:assert/strict';",
        "import { appendFileSync, readFileSync } from 'node:fs';",
        "import { grade } from '../src/grade.js';",
        "test('grades', async () => {",
        // The fourth mutant's test process (the one the stop lands in) hangs for a minute: the stop must not leave it running.
        `  if (process.env.__STRYKER_ACTIVE_MUTANT__ !== undefined) { appendFileSync(${JSON.stringify(marker)}, process.env.__STRYKER_ACTIVE_MUTANT__ + '\\n'); const runs = readFileSync(${JSON.stringify(marker)}, 'utf8').split('\\n').filter(Boolean).length; await new Promise((r) => setTimeout(r, runs >= 4 ? 60_000 : 400)); }`,
        '  assert.equal(grade(5, 2), 10);',
        '  assert.equal(grade(1, 4), -11);',
        "  assert.equal(grade(6, 6), 'big');",
        '});',
        '',
      ].join('\n'),
    });
    const target = await openTarget({ dir });
    const stop = new AbortController();
    // With one test process, a mutant's result is recorded before the next mutant starts: the fourth start means three results.
    const watch = setInterval(() => {
      void readFile(marker, 'utf8').then(
        (text) => {
          if (text.split('\n').filter(Boolean).length >= 4) stop.abort();
        },
        () => undefined,
      );
    }, 100);
    const run = await runMutants(target, { stop: stop.signal, concurrency: 1, runTimeoutMs: 300_000 }).finally(() => clearInterval(watch));
    const planned = Object.values(run.planned).reduce((a, b) => a + b, 0);
    expect(run.complete).toBe(false);
    expect(Object.keys(run.planned)).toEqual(['src/grade.js']);
    expect(run.mutants.length).toBeGreaterThanOrEqual(3);
    expect(run.mutants.length).toBeLessThan(planned);
    expect(run.tests.map((t) => [t.file, t.name])).toEqual([['test/grade.test.js', 'grades']]);
    const tested = run.mutants.filter((m) => m.status === 'Killed' || m.status === 'Survived');
    expect(tested.length).toBeGreaterThan(0);
    for (const m of tested) expect(m.coveredBy).toEqual([run.tests[0]!.id]);
    expect((await readdir(dir)).filter((f) => f.startsWith('.stryker-tmp'))).toEqual([]);
    // No test process of the run is left: our node:test runner gives each its own process group, which Stryker's kill does not reach.
    const left: string[] = [];
    for (const pid of (await readdir('/proc')).filter((p) => /^\d+$/.test(p))) {
      const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
      const cwd = await readlink(`/proc/${pid}/cwd`).catch(() => '');
      if (cwd.startsWith(dir) && cmdline.includes('qe-node-test-hook')) left.push(pid);
    }
    expect(left).toEqual([]);
  }, 300_000);
});
