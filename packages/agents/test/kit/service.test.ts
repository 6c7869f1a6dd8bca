import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AgentError, TargetService, freePort, loopbackFetch, withService } from '@qe-fleet/agents';
import { shape } from '../support/shapes.js';
import { writeProject } from '../support/writeProject.js';

let tmp: string;
const started: TargetService[] = [];
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'qe-service-'));
});
// Every service a test starts is stopped, whatever the test did.
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.stop()));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

function service(options: ConstructorParameters<typeof TargetService>[0]): TargetService {
  const s = new TargetService(options);
  started.push(s);
  return s;
}

function accepts(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('TargetService', () => {
  it('starts the start script with PORT and HOST, ready when the port accepts (no stdout line), and kills it on stop', async () => {
    const svc = service({ dir: shape('yaml-api-basepath') });
    const url = await svc.start();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(svc.plan).toEqual({ command: 'node server.js', from: 'script' });
    const response = await loopbackFetch(`${url}/v1/notes`, { headers: { authorization: 'Bearer shape-token' } });
    expect(response.status).toBe(200);
    await svc.stop();
    expect(await accepts(url)).toBe(false);
  });

  it('killNow kills the service group synchronously (a forced exit cannot await stop)', async () => {
    const svc = service({ dir: shape('yaml-api-basepath') });
    const url = await svc.start();
    svc.killNow();
    for (let i = 0; i < 100 && (await accepts(url)); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await accepts(url)).toBe(false);
  });

  it('finds the port of a service that ignores PORT (its own process group\'s listening socket)', async () => {
    if (!existsSync('/proc/net/tcp')) return;
    const port = await freePort();
    const dir = await writeProject(tmp, 'hardcoded', {
      'package.json': JSON.stringify({ name: 'hardcoded', scripts: { start: 'node app.js' } }),
      'app.js': `require('node:http').createServer((q, s) => s.end('fixed')).listen(Number(process.env.FIXED_PORT), '127.0.0.1');\n`,
    });
    const svc = service({ dir, env: { FIXED_PORT: String(port) } });
    const url = await svc.start();
    expect(url).toBe(`http://127.0.0.1:${port}`);
    expect(await (await loopbackFetch(url)).text()).toBe('fixed');
  });

  it('waits for healthPath to answer below 400 after the port opens', async () => {
    const dir = await writeProject(tmp, 'health', {
      'package.json': JSON.stringify({ name: 'health' }),
      'server.js': [
        "let checks = 0;",
        "require('node:http').createServer((q, s) => {",
        "  if (q.url === '/health') { checks++; s.statusCode = checks < 3 ? 503 : 200; return s.end(); }",
        "  s.end(String(checks));",
        "}).listen(Number(process.env.PORT), process.env.HOST);",
        '',
      ].join('\n'),
    });
    const svc = service({ dir, healthPath: '/health' });
    const url = await svc.start();
    expect(svc.plan).toEqual({ command: 'node server.js', from: 'entry' });
    expect(Number(await (await loopbackFetch(`${url}/checks`)).text())).toBeGreaterThanOrEqual(3);
  });

  it('SERVICE_START_FAILED with the output tail when the service exits, and UNSUPPORTED_TARGET when there is nothing to start', async () => {
    const dir = await writeProject(tmp, 'crashing', {
      'package.json': JSON.stringify({ name: 'crashing', scripts: { start: 'node -e "console.error(\'no database at mongodb://localhost\'); process.exit(3)"' } }),
    });
    const error = await service({ dir }).start().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AgentError);
    expect((error as AgentError).code).toBe('SERVICE_START_FAILED');
    expect((error as AgentError).message).toMatch(/from the package.json start script\) exited before accepting connections \(code 3[\s\S]*no database/);
    const library = await writeProject(tmp, 'library', { 'index.js': 'export const x = 1;\n' });
    await expect(service({ dir: library }).start()).rejects.toSatisfy((e) => e instanceof AgentError && e.code === 'UNSUPPORTED_TARGET');
  });

  it('withService keeps the path of a given base URL and starts nothing', async () => {
    let seen = '';
    await withService({ dir: tmp, baseUrl: 'http://127.0.0.1:9/api/v1/' }, async (url) => {
      seen = url;
    });
    expect(seen).toBe('http://127.0.0.1:9/api/v1');
  });
});
