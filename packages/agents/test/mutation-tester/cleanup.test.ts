import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AgentError, openTarget, runMutants } from '@qe-fleet/agents';
import { writeProject } from '../support/writeProject.js';

let tmp: string | undefined;

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('kit/mutation when Stryker does not end on its own', () => {
  it('removes its sandbox from the target after the run is killed', async () => {
    tmp = await mkdtemp(join(tmpdir(), 'qe-mt-crash-'));
    // The suite never ends: Stryker's initial test run hangs inside its sandbox until the run is killed.
    const dir = await writeProject(tmp, 'hangs', {
      'package.json': JSON.stringify({ name: 'hangs', type: 'module', scripts: { test: 'node --test' } }),
      'src/add.js': 'export function add(a, b) {\n  return a + b;\n}\n',
      'test/add.test.js': "import test from 'node:test';\nimport { add } from '../src/add.js';\ntest('hangs', () => new Promise(() => { add(1, 2); setInterval(() => {}, 1000); }));\n",
    });
    const target = await openTarget({ dir });
    // Killed as soon as Stryker has made its sandbox in the target (not after a fixed time that a
    // busy machine could pass before the sandbox exists, which would prove nothing).
    const controller = new AbortController();
    let sandboxSeen = false;
    const watch = setInterval(() => {
      void readdir(dir).then((entries) => {
        if (entries.some((f) => f.startsWith('.stryker-tmp'))) {
          sandboxSeen = true;
          controller.abort();
        }
      });
    }, 100);
    const error = await runMutants(target, { signal: controller.signal, runTimeoutMs: 100_000 }).catch((e: unknown) => e).finally(() => clearInterval(watch));
    expect(sandboxSeen).toBe(true);
    expect(error).toBeInstanceOf(AgentError);
    expect((error as AgentError).code).toBe('ABORTED');
    expect((await readdir(dir)).filter((f) => f.startsWith('.stryker-tmp') || f === '.qe-fleet')).toEqual([]);
  }, 120_000);
});
