import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SwarmMemoryManager } from '@qe-fleet/memory';
import { createRandom } from '@qe-fleet/learning-core';
import { AGENT_IDS, AgentError, CodeReviewerAgent, createPilotAgents, failedTaskResult, runAgentTask } from '@qe-fleet/agents';
import type { AgentCore } from '@qe-fleet/agents';

let tmp: string;
let memory: SwarmMemoryManager;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'qe-reg-'));
  memory = new SwarmMemoryManager(':memory:', { cleanupIntervalMs: 0 });
  memory.initialize();
});
afterAll(async () => {
  memory.close();
  await rm(tmp, { recursive: true, force: true });
});

describe('registry', () => {
  it('lists the implemented agents and creates them on one store', async () => {
    expect(AGENT_IDS).toEqual(expect.arrayContaining(['code-reviewer', 'security-scanner']));
    const agents = await createPilotAgents({ memory, ids: ['code-reviewer', 'security-scanner'], idPrefix: 'pilot-' });
    expect(agents.map((a) => [a.id, a.type, a.core.id])).toEqual([
      ['pilot-code-reviewer', 'code-reviewer', 'code-reviewer'],
      ['pilot-security-scanner', 'security-scanner', 'security-scanner'],
    ]);
    await expect(createPilotAgents({ memory, ids: ['code-reviewer', 'no-such-agent'] })).rejects.toMatchObject({ code: 'UNKNOWN_AGENT' });
    await expect(createPilotAgents({ memory, ids: ['toString'] })).rejects.toMatchObject({ code: 'UNKNOWN_AGENT' });
  });

  it('the host entry reaches no agent and no heavy tool by static imports: agents load when asked for', async () => {
    // Walks the static import graph of src/host.ts (dynamic `import()` is what the registry loads on demand).
    const src = join(import.meta.dirname, '..', 'src');
    const seen = new Set<string>();
    const packages = new Set<string>();
    const visit = async (file: string): Promise<void> => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = await readFile(file, 'utf8');
      for (const [, typeOnly, spec] of text.matchAll(/^(?:import|export)\s+(type\s+)?[^;]*?\sfrom\s+'([^']+)'/gms)) {
        if (typeOnly !== undefined) continue;
        if (spec!.startsWith('.')) await visit(join(dirname(file), spec!.replace(/\.js$/, '.ts')));
        else packages.add(spec!.startsWith('@') ? spec!.split('/').slice(0, 2).join('/') : spec!.split('/')[0]!);
      }
    };
    await visit(join(src, 'host.ts'));
    const files = [...seen].map((f) => relative(src, f));
    expect(files).toContain('registry.ts');
    expect(files.filter((f) => !f.startsWith('kit/') && f !== 'host.ts' && f !== 'registry.ts')).toEqual([]);
    expect([...packages].filter((p) => ['typescript', 'eslint', 'typescript-eslint', '@stryker-mutator/core', '@faker-js/faker', 'playwright-core', 'fast-check'].includes(p))).toEqual([]);
  });

  it('runs a real task through BaseAgent: findings in output, a bad target as a failed result', async () => {
    const dir = join(tmp, 'tiny');
    await mkdir(dir);
    await writeFile(join(dir, 'package.json'), '{"name":"tiny","type":"module"}');
    await writeFile(join(dir, 'index.js'), 'export const same = (x) => x === x;\n');
    const agent = new CodeReviewerAgent({ id: 'cr-real', memory, random: createRandom(3), patternImportIntervalMs: 0});
    await agent.initialize();
    try {
      // Whatever the engine picks: without a tsconfig the type-aware strategies degrade to the
      // syntactic rules; without git, changed-files reviews nothing and says so (coverage 0).
      for (let i = 0; i < 4; i++) {
        const done = await agent.executeTask({ id: `ok-${i}`, type: 'code-reviewer', input: { dir }, timeout: 60_000 });
        expect(done.output?.strategy).toBe(done.strategy);
        if (done.strategy === 'changed-files') expect(done).toMatchObject({ success: true, coverage: 0, output: { findings: [] } });
        else expect(done.output?.findings.map((f) => f.rule)).toEqual(['no-self-compare']);
      }
      const missing = await agent.executeTask({ id: 'bad', type: 'code-reviewer', input: { dir: join(tmp, 'missing') } });
      expect(missing).toMatchObject({ success: false, satisfaction: 0, output: { errorCode: 'TARGET_NOT_FOUND' } });
      const noInput = await agent.executeTask({ id: 'none', type: 'code-reviewer' });
      expect(noInput).toMatchObject({ success: false, output: { errorCode: 'TARGET_NOT_FOUND' } });
    } finally {
      await agent.shutdown();
    }
  });

  it('an aborted run is ABORTED, not a tool failure', async () => {
    const controller = new AbortController();
    const slow: AgentCore = {
      id: 'code-reviewer',
      strategies: [{ name: 's', description: '', config: {} }],
      run: async (_t, _s, options) => {
        controller.abort(new DOMException('task timed out', 'TimeoutError'));
        options?.signal?.throwIfAborted();
        throw new Error('unreachable');
      },
    };
    await mkdir(join(tmp, 'p'), { recursive: true });
    await writeFile(join(tmp, 'p/package.json'), '{}');
    expect(await runAgentTask(slow, { dir: join(tmp, 'p') }, 's', { signal: controller.signal })).toMatchObject({ success: false, output: { errorCode: 'ABORTED' } });
    expect(failedTaskResult(new AgentError('NON_LOOPBACK', 'x'), 's', 1).output.errorCode).toBe('NON_LOOPBACK');
  });
});

describe('the host entry', () => {
  it('loads no agent tool: importing @qe-fleet/agents/host leaves TypeScript and ESLint unloaded, so `qe-fleet --help` starts without them', () => {
    const script = "import { createRequire } from 'node:module'; await import('@qe-fleet/agents/host'); console.log(JSON.stringify(Object.keys(createRequire(import.meta.url).cache).filter((k) => /node_modules[\\\\/](typescript|eslint)[\\\\/]/.test(k))));";
    const run = spawnSync(process.execPath, ['--conditions=@qe-fleet/source', '--import', 'tsx', '--input-type=module', '-e', script], { cwd: fileURLToPath(new URL('..', import.meta.url)), encoding: 'utf8', timeout: 60_000 });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual([]);
  }, 90_000);
});
