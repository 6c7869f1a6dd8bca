import { cp, mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE } from '../support/fixture.js';
import {
  AgentError,
  TargetService,
  assertLoopback,
  dedupeFindings,
  listSourceFiles,
  loopbackFetch,
  openTarget,
  parseCatalogue,
  resolveTsxLoader,
  runAgentTask,
  runProcess,
  scoreFindings,
  toTaskResult,
  withService,
} from '@qe-fleet/agents';
import type { AgentCore, AgentReport, Finding } from '@qe-fleet/agents';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qe-kit-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  await expect(promise).rejects.toSatisfy((e) => e instanceof AgentError && e.code === code);
}

describe('assertLoopback', () => {
  it.each(['http://127.0.0.1:3000/x', 'http://localhost/', 'http://[::1]:8080', 'https://127.8.9.1'])('allows %s', (url) => {
    expect(assertLoopback(url).href).toContain(new URL(url).hostname);
  });
  it.each(['http://example.com', 'http://10.0.0.1', 'http://128.0.0.1', 'http://localhost.evil.com', 'file:///etc/passwd', 'ftp://127.0.0.1', 'not a url'])('refuses %s', (url) => {
    expect(() => assertLoopback(url)).toThrow(expect.objectContaining({ code: 'NON_LOOPBACK' }) as Error);
  });
  it('loopbackFetch refuses before sending anything', async () => {
    await expectCode(loopbackFetch('http://example.com/'), 'NON_LOOPBACK');
  });
});

const catalogue = parseCatalogue({
  version: 1,
  target: 't',
  defects: [
    { id: 'D1', kind: 'complexity', severity: 'low', agents: ['code-reviewer'], location: { file: 'src/a.ts', line: 10 }, description: '' },
    { id: 'D2', kind: 'xss', severity: 'high', agents: ['security-scanner', 'code-reviewer'], location: { route: 'GET /api/search' }, description: '' },
    { id: 'D3', kind: 'duplication', severity: 'low', agents: ['code-reviewer'], location: { file: 'src/b.ts', line: 5, endLine: 30 }, description: '' },
    { id: 'D4', kind: 'vulnerable-dependency', severity: 'high', agents: ['security-scanner'], location: { package: 'lodash', version: '4.17.20' }, description: '' },
  ],
});
const finding = (kind: Finding['kind'], location: Finding['location']): Finding => ({ kind, location, severity: 'low', message: '', evidence: '', confidence: 1 });

describe('scoreFindings', () => {
  it('matches by kind and location per CATALOGUE.md', () => {
    const score = scoreFindings(
      [
        finding('complexity', { file: './src/a.ts', line: 13 }),
        finding('complexity', { file: 'src/a.ts', line: 14 }),
        finding('duplication', { file: 'src/b.ts', line: 29 }),
        finding('xss', { route: 'get /api/search/' }),
        finding('logic-bug', { file: 'src/a.ts', line: 10 }),
      ],
      catalogue,
      'code-reviewer',
    );
    expect(score.found).toEqual(['D1', 'D2', 'D3']);
    expect(score.recall).toBe(1);
    expect(score.matchedFindings).toBe(3);
    expect(score.precision).toBeCloseTo(3 / 5);
    expect(score.falsePositives.map((f) => f.kind)).toEqual(['complexity', 'logic-bug']);
  });
  it('counts a real defect of another agent as a match but recall only over its own', () => {
    const score = scoreFindings([finding('vulnerable-dependency', { package: 'lodash' })], catalogue, 'code-reviewer');
    expect(score.precision).toBe(1);
    expect(score.recall).toBe(0);
    expect(score.f1).toBe(0);
    expect(score.missed.map((d) => d.id)).toEqual(['D1', 'D2', 'D3']);
  });
  it('dedupeFindings keeps the most confident finding per kind and place and names the others', () => {
    const typed = { ...finding('unawaited-promise', { file: 'a.ts', line: 3 }), confidence: 0.9, rule: 'typed', evidence: 'e' };
    const guessed = { ...finding('unawaited-promise', { file: 'a.ts', line: 3 }), confidence: 0.6, rule: 'guess' };
    const elsewhere = finding('unawaited-promise', { file: 'a.ts', line: 4 });
    const otherKind = finding('logic-bug', { file: 'a.ts', line: 3 });
    expect(dedupeFindings([guessed, typed, elsewhere, otherKind])).toEqual([{ ...typed, evidence: 'e (also guess)' }, elsewhere, otherKind]);
  });
  it('rejects a malformed catalogue naming the entry', () => {
    expect(() => parseCatalogue({ defects: [{ id: 'X', kind: 'nope', severity: 'low', agents: [], location: { file: 'a', line: 1 } }] })).toThrow(/defects\[0\].*unknown kind/);
  });
});

describe('runProcess', () => {
  it('captures output and exit code', async () => {
    const result = await runProcess(process.execPath, ['-e', 'console.log("out"); console.error("err"); process.exit(3)'], { cwd: dir });
    expect(result).toMatchObject({ exitCode: 3, stdout: 'out\n', stderr: 'err\n', timedOut: false });
  });
  it('settles on timeout', async () => {
    const result = await runProcess(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { cwd: dir, timeoutMs: 300, killGraceMs: 200 });
    expect(result).toMatchObject({ timedOut: true, aborted: false });
  });
  it('kills the whole process group when stopped, grandchildren included', async () => {
    const pidFile = join(dir, 'grandchild.pid');
    const script = `const {spawn}=require('node:child_process');const c=spawn(process.execPath,['-e','setInterval(()=>{},1000)'],{stdio:'inherit'});require('node:fs').writeFileSync(${JSON.stringify(pidFile)},String(c.pid));setInterval(()=>{},1000)`;
    const controller = new AbortController();
    const running = runProcess(process.execPath, ['-e', script], { cwd: dir, timeoutMs: 60_000, killGraceMs: 200, signal: controller.signal });
    // Stop only once the grandchild exists, however slow the machine is.
    await expect.poll(() => readFile(pidFile, 'utf8').then(Number, () => 0), { timeout: 30_000 }).toBeGreaterThan(0);
    const grandchild = Number(await readFile(pidFile, 'utf8'));
    controller.abort();
    expect(await running).toMatchObject({ aborted: true, timedOut: false });
    const stateOf = (): Promise<string | undefined> => readFile(`/proc/${grandchild}/stat`, 'utf8').then((s) => s.split(') ')[1]?.[0], () => 'gone');
    // SIGTERM reached the group together with the child; allow the grandchild a moment to die
    // (gone, or a zombie when the container's init does not reap orphans).
    await expect.poll(stateOf, { timeout: 5000 }).toMatch(/^(gone|Z)$/);
  });
  it('throws TOOL_FAILED when the command cannot be spawned', async () => {
    await expectCode(runProcess('/no/such/tool', [], { cwd: dir }), 'TOOL_FAILED');
  });
});

describe('openTarget', () => {
  it('fails with TARGET_NOT_FOUND and NO_PACKAGE_JSON', async () => {
    await expectCode(openTarget({ dir: join(dir, 'missing') }), 'TARGET_NOT_FOUND');
    await mkdir(join(dir, 'empty'), { recursive: true });
    await expectCode(openTarget({ dir: join(dir, 'empty') }), 'NO_PACKAGE_JSON');
  });
  it('reads package.json and lists sources without node_modules', async () => {
    const project = join(dir, 'proj');
    await mkdir(join(project, 'src'), { recursive: true });
    await mkdir(join(project, 'node_modules/x'), { recursive: true });
    await writeFile(join(project, 'package.json'), '{"name":"proj"}');
    await writeFile(join(project, 'src/a.ts'), 'export const a = 1;');
    await writeFile(join(project, 'src/a.d.ts'), 'export const a: 1;');
    await writeFile(join(project, 'node_modules/x/i.js'), '');
    const target = await openTarget({ dir: project });
    expect(target.name).toBe('proj');
    expect(target.catalogue).toBeUndefined();
    expect(await listSourceFiles(project)).toEqual(['src/a.ts']);
  });
});

describe('TargetService', () => {
  const serverDir = (): string => join(dir, 'svc');
  beforeAll(async () => {
    await mkdir(join(serverDir(), 'src'), { recursive: true });
    await writeFile(join(serverDir(), 'package.json'), '{"name":"svc"}');
    await writeFile(
      join(serverDir(), 'ok.mjs'),
      `import http from 'node:http';const s=http.createServer((q,r)=>r.end('hi'));s.listen(Number(process.env.PORT),process.env.HOST,()=>console.log('listening on http://127.0.0.1:'+s.address().port));`,
    );
  });
  it('starts on a free loopback port, serves, and stops', async () => {
    const service = new TargetService({ dir: serverDir(), args: ['ok.mjs'] });
    const url = await service.start();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await (await loopbackFetch(url)).text()).toBe('hi');
    await service.stop();
    await expectCode(loopbackFetch(url, { timeoutMs: 1000 }), 'TOOL_FAILED');
  });
  it('withService stops the service even when the callback throws', async () => {
    let seen = '';
    await expect(
      withService({ dir: serverDir() }, async (url) => {
        seen = url;
        throw new Error('boom');
      }, { args: ['ok.mjs'] }),
    ).rejects.toThrow('boom');
    await expectCode(loopbackFetch(seen, { timeoutMs: 1000 }), 'TOOL_FAILED');
  });
  it('fails with SERVICE_START_FAILED when the service exits or never listens', async () => {
    await expectCode(new TargetService({ dir: serverDir(), args: ['-e', 'console.error("bad config"); process.exit(1)'] }).start(), 'SERVICE_START_FAILED');
    await expectCode(new TargetService({ dir: serverDir(), args: ['-e', 'setInterval(()=>{},1000)'], startupTimeoutMs: 400, killGraceMs: 200 }).start(), 'SERVICE_START_FAILED');
  });
  it('starts a copy of the sample target outside the workspace with the workspace tsx', async () => {
    const copy = join(dir, 'copy');
    await cp(FIXTURE, copy, { recursive: true });
    expect(resolveTsxLoader(copy)).toMatch(/^file:.*tsx/);
    const service = new TargetService({ dir: copy, startupTimeoutMs: 60_000 });
    try {
      const url = await service.start();
      const response = await loopbackFetch(`${url}/api/health`);
      expect(response.status).toBe(200);
    } finally {
      await service.stop();
    }
  }, 90_000);
  it('says UNSUPPORTED_TARGET when there is no server entry', async () => {
    await expectCode(new TargetService({ dir }).start(), 'UNSUPPORTED_TARGET');
  });
});

describe('runAgentTask and toTaskResult', () => {
  const report = (findings: Finding[]): AgentReport => ({ agentId: 'fake', strategy: 's', target: dir, findings, durationMs: 30_000, notes: [] });
  const core = (run: AgentCore['run']): AgentCore => ({ id: 'code-reviewer', strategies: [{ name: 's', description: '', config: {} }], run });

  it('maps uncatalogued reports to the verified-findings measure (test/kit/verified.test.ts has its properties)', () => {
    // Coverage unmeasured counts as half: a clean run earns 0.25, one unverified 0.6 finding a little more.
    expect(toTaskResult(report([])).satisfaction).toBe(0.25);
    expect(toTaskResult({ ...report([]), coverage: 1 }).satisfaction).toBe(0.5);
    expect(toTaskResult(report([{ ...finding('xss', { route: 'GET /' }), confidence: 0.6 }])).satisfaction).toBeCloseTo(0.25 + 0.75 * 0.3 * (1 - Math.exp(-0.3)), 10);
    expect(toTaskResult(report([])).resourceUsage).toBeCloseTo(0.5);
  });
  it('scores against the catalogue: satisfaction is F1', async () => {
    const project = join(dir, 'cat');
    await mkdir(project, { recursive: true });
    await writeFile(join(project, 'package.json'), '{}');
    await writeFile(join(project, 'defects.json'), JSON.stringify(catalogue));
    const result = await runAgentTask(core(async () => report([finding('complexity', { file: 'src/a.ts', line: 10 }), finding('xss', { file: 'x', line: 1 })])), { dir: project }, 's');
    expect(result.success).toBe(true);
    expect(result.output.score).toMatchObject({ precision: 0.5, recall: 1 / 3 });
    expect(result.satisfaction).toBeCloseTo(0.4);
  });
  it('turns failures into failed results with a code, never a throw', async () => {
    const crash = core(async () => {
      throw new TypeError('tool exploded');
    });
    expect(await runAgentTask(crash, { dir: join(dir, 'proj') }, 's')).toMatchObject({ success: false, satisfaction: 0, output: { errorCode: 'TOOL_FAILED', findings: [] } });
    expect(await runAgentTask(crash, { dir: join(dir, 'nope') }, 's')).toMatchObject({ success: false, output: { errorCode: 'TARGET_NOT_FOUND' } });
    expect(await runAgentTask(crash, { dir: join(dir, 'proj') }, 'other')).toMatchObject({ success: false, output: { errorCode: 'UNKNOWN_STRATEGY' } });
  });
});
