import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecurityScanner, findSecrets, findSecuritySinks, loadOpenApiRoutes, readLockedPackages, runAgentTask, runLiveProbes } from '@qe-fleet/agents';
import type { AgentReport, CatalogueScore } from '@qe-fleet/agents';
import { FIXTURE, PACKAGE, expectBestStrategyFindsCatalogue, measureStrategies } from '../support/fixture.js';
import { ReplayCore, expectLearningConverges } from '../support/learning.js';

// The machine is shared: give the fixture service time to start under load. No audit: the
// registry's answer would depend on the network (test/security-scanner/advisories.test.ts replays one).
const scanner = new SecurityScanner({ audit: false, service: { startupTimeoutMs: 60_000 } });
let reports: Map<string, AgentReport>;
let scores: Map<string, CatalogueScore>;
let tmp: string;

// Every strategy runs for real exactly once (two of them start the fixture service); the tests
// below, including the learning test, share these reports.
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'qe-ss-'));
  ({ reports, scores } = await measureStrategies(scanner));
}, 240_000);
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('security-scanner on the sample target', () => {
  it('its best strategy finds the catalogued defects: recall >= 0.8 with precision >= 0.8', () => {
    expectBestStrategyFindsCatalogue(scores);
  });

  it('static rules alone miss exactly the dependency and the live route defects; deps and live probes add them', () => {
    expect(scores.get('static-only')!.missed.map((d) => d.id).sort()).toEqual(['D09', 'D13', 'D15']);
    expect(scores.get('static+deps')!.missed.map((d) => d.id).sort()).toEqual(['D09', 'D15']);
    expect(scores.get('static+deps+live')!.recall).toBe(1);
    const live = reports.get('static+deps+live')!.findings.filter((f) => 'route' in f.location);
    expect(live.map((f) => [f.kind, f.location])).toEqual(
      expect.arrayContaining([
        ['xss', { route: 'GET /search' }],
        ['code-injection', { route: 'GET /api/calc' }],
      ]),
    );
  });

  it('full reports more than static+deps+live and is not more precise', () => {
    expect(reports.get('full')!.findings.length).toBeGreaterThan(reports.get('static+deps+live')!.findings.length);
    expect(scores.get('full')!.precision).toBeLessThanOrEqual(scores.get('static+deps+live')!.precision);
  });

  it('masks secrets in its evidence', () => {
    const secrets = reports.get('static-only')!.findings.filter((f) => f.kind === 'hardcoded-secret');
    expect(secrets.length).toBeGreaterThan(0);
    for (const f of secrets) expect(f.evidence).not.toMatch(/AKIAQ3EGRZ7VX4NB5KLM|u7Vq2Ls9Rk1Xb8Nd3Tm6Yw0Pz4Hc5Jf/);
  });

  it('learning converges on the strategy that measures best (BaseAgent, in-memory store, seeded, replayed runs)', async () => {
    await expectLearningConverges(new ReplayCore('security-scanner', scanner.strategies, reports), FIXTURE);
  });
});

describe('failures are failed results, never "0 vulnerabilities"', () => {
  it('says "advisory source unavailable" (skipped, lower coverage) when no advisory source answers', async () => {
    const offline = new SecurityScanner({ audit: false, advisories: join(tmp, 'missing-export.json'), bundledAdvisories: join(tmp, 'missing-advisories.json') });
    const result = await runAgentTask(offline, { dir: FIXTURE }, 'static+deps');
    expect(result).toMatchObject({ success: true, coverage: 0.5 });
    expect(result.output.findings.filter((f) => f.kind === 'vulnerable-dependency')).toEqual([]);
    expect(result.output.report?.skipped).toEqual([{ surface: 'dependencies', reason: expect.stringMatching(/^advisory source unavailable: .*missing-export\.json.*missing-advisories\.json/) as string }]);
  });

  it('refuses a non-loopback base URL with NON_LOOPBACK before sending anything', async () => {
    const result = await runAgentTask(scanner, { dir: FIXTURE, baseUrl: 'http://example.com:8080' }, 'static+deps+live');
    expect(result).toMatchObject({ success: false, output: { errorCode: 'NON_LOOPBACK' } });
  });

  it('keeps its static and dependency results and lists live probes as skipped, with the service output, when the service does not start', async () => {
    const dir = join(tmp, 'deadsvc');
    await mkdir(join(dir, 'src'), { recursive: true });
    await writeFile(join(dir, 'package.json'), '{"name":"deadsvc"}');
    await writeFile(join(dir, 'openapi.json'), JSON.stringify({ openapi: '3.0.3', info: { title: 't', version: '1' }, paths: {} }));
    await writeFile(join(dir, 'src/server.mjs'), 'process.stderr.write("cannot open database\\n"); process.exit(1);\n');
    const dead = new SecurityScanner({ service: { args: ['src/server.mjs'], startupTimeoutMs: 30_000 } });
    const result = await runAgentTask(dead, { dir }, 'static+deps+live');
    expect(result).toMatchObject({ success: true, coverage: 0.75 });
    expect(result.output.report?.skipped).toEqual([{ surface: 'live probes', reason: expect.stringMatching(/did not start.*cannot open database/s) as string }]);
  });

  it('gives TARGET_NOT_FOUND and NO_PACKAGE_JSON for bad folders', async () => {
    expect(await runAgentTask(scanner, { dir: join(tmp, 'missing') }, 'static-only')).toMatchObject({ success: false, output: { errorCode: 'TARGET_NOT_FOUND' } });
    await mkdir(join(tmp, 'nopkg'));
    expect(await runAgentTask(scanner, { dir: join(tmp, 'nopkg') }, 'static-only')).toMatchObject({ success: false, output: { errorCode: 'NO_PACKAGE_JSON' } });
  });
});

describe('other targets', () => {
  it('scans a tiny project without a lockfile; the live strategy keeps the static and dependency results and says why it probed nothing', async () => {
    const dir = join(tmp, 'tiny');
    await mkdir(dir);
    await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'tiny', dependencies: { lodash: '4.17.20', express: '^4.0.0' } }));
    await writeFile(join(dir, 'index.js'), "const { execSync } = require('child_process');\nmodule.exports = (name) => execSync(`ls ${name}`);\n");
    const result = await runAgentTask(scanner, { dir }, 'static+deps');
    expect(result.success, result.errors.join()).toBe(true);
    expect(result.output.findings.map((f) => [f.kind, f.location])).toEqual([
      ['command-injection', { file: 'index.js', line: 2 }],
      ['vulnerable-dependency', { package: 'lodash', version: '4.17.20' }],
    ]);
    expect(result.output.report?.notes.join()).toMatch(/no lockfile.*ranges were not checked/);
    for (const strategy of ['static+deps+live', 'full']) {
      const live = await runAgentTask(scanner, { dir }, strategy);
      expect(live, strategy).toMatchObject({ success: true, coverage: 0.75 });
      expect(live.output.findings.map((f) => [f.kind, f.location]), strategy).toEqual(expect.arrayContaining(result.output.findings.map((f) => [f.kind, f.location])));
      expect(live.output.report?.skipped, strategy).toEqual([{ surface: 'live probes', reason: expect.stringMatching(/no OpenAPI document/) as string }]);
    }
  });

  it('scans the agents package itself', async () => {
    const result = await runAgentTask(scanner, { dir: PACKAGE }, 'static-only');
    expect(result.success, result.errors.join('\n')).toBe(true);
  });
});

describe('rules', () => {
  it('findSecrets flags key formats and named high-entropy literals, not placeholders or env lookups', () => {
    const source = [
      "const a = 'AKIAQ3EGRZ7VX4NB5KLM';",
      "const apiKey = 'placeholder';",
      "const password = process.env.PASSWORD ?? '';",
      "const token = 'Zx8Qm2Lp9Vt4Rw7Ny3Kc6Hb1';",
      "const label = 'Zx8Qm2Lp9Vt4Rw7Ny3Kc6Hb1';",
      "const secret = 'aaaaaaaaaaaaaaaaaaaa';",
    ].join('\n');
    expect(findSecrets(new Map([['s.ts', source]]), { entropyOnly: false }).map((m) => [m.line, m.rule])).toEqual([
      [1, 'aws-access-key-id'],
      [4, 'named-high-entropy-literal'],
    ]);
    expect(findSecrets(new Map([['s.ts', source]]), { entropyOnly: true }).map((m) => m.line)).toEqual([1, 4, 5]);
  });

  it('findSecrets takes an expired JWT (an API document\'s example token) for no credential, one without exp or not yet expired for one', () => {
    const jwt = (claims: object) => `eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.m1U63blB0MLej_WfB7yC2FTMnCziif9X8yzwDEfJXAg`;
    const now = () => Date.parse('2026-12-07T00:00:00Z');
    const docs = [`      example:`, `        token: ${jwt({ sub: '5ebac534954b54139806c112', iat: 1589298484, exp: 1589300284 })}`, `        other: ${jwt({ sub: 'service' })}`, `        later: ${jwt({ sub: 'x', exp: 1893456000 })}`].join('\n');
    expect(findSecrets(new Map([['docs/components.yml', docs]]), { entropyOnly: false, now }).map((m) => [m.line, m.rule])).toEqual([
      [3, 'jwt'],
      [4, 'jwt'],
    ]);
  });

  it('findSecuritySinks flags unsafe sinks and leaves guarded or constant ones alone', () => {
    const source = [
      "import { exec } from 'node:child_process';",
      'export function run(name: string) { exec(`ls ${name}`); exec("ls"); /x/.exec(name); }',
      'export function calc(expr: string) { return eval(expr) + eval("1"); }',
      'export function page(url: URL) {',
      "  const q = url.searchParams.get('q') ?? '';",
      '  return { bad: `<p>${q}</p>`, good: `<p>${escapeHtml(q)}</p>` };',
      '}',
      'function escapeHtml(s: string) { return s; }',
      'export function merge(t: any, s: any) { for (const k of Object.keys(s)) { t[k] = s[k]; } return t; }',
      "export function safeMerge(t: any, s: any) { for (const k in s) { if (k === '__proto__' || k === 'constructor') continue; t[k] = s[k]; } return t; }",
      'export function count(words: string[]) { const c: any = {}; for (const w in words) { c[w] = 1; } return c; }',
      'export function cloneDeep(s: any): any { const out: any = {}; for (const k of Object.keys(s)) { out[k] = cloneDeep(s[k]); } return out; }',
    ].join('\n');
    const sinks = findSecuritySinks(new Map([['a.ts', source]]), { noisy: false });
    expect(sinks.map((s) => [s.kind, s.line, s.rule])).toEqual([
      ['command-injection', 2, 'qe/exec-non-literal'],
      ['code-injection', 3, 'qe/eval-non-literal'],
      ['xss', 6, 'qe/html-from-request'],
      ['prototype-pollution', 9, 'qe/unguarded-key-merge'],
    ]);
  });

  it('live probes flag reflected HTML and evaluated input, not escaped HTML or JSON echoes', async () => {
    const dir = join(tmp, 'probe');
    await mkdir(dir);
    const q = [{ name: 'q', in: 'query', schema: { type: 'string' } }];
    const get = (parameters: unknown[]) => ({ get: { parameters, responses: { 200: { description: 'ok' } } } });
    await writeFile(join(dir, 'openapi.json'), JSON.stringify({ openapi: '3.0.3', info: { title: 't', version: '1' }, paths: { '/raw': get(q), '/escaped': get(q), '/json': get(q), '/calc': get(q), '/health': get([]) } }));
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const value = url.searchParams.get('q') ?? '';
      const html = (body: string) => res.writeHead(200, { 'content-type': 'text/html' }).end(`<p>${body}</p>`);
      if (url.pathname === '/raw') html(value);
      else if (url.pathname === '/escaped') html(value.replace(/</g, '&lt;').replace(/>/g, '&gt;'));
      else if (url.pathname === '/json') res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ value }));
      else if (url.pathname === '/calc') res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ result: value === 'Math.imul(6007,7)' ? 42049 : Number(value) }));
      else res.writeHead(200).end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { routes } = await loadOpenApiRoutes(dir);
      const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const probe = await runLiveProbes(baseUrl, routes, { pathParameters: false, nonce: () => 'n1' });
      expect(probe.hits.map((h) => [h.kind, h.route])).toEqual([
        ['xss', 'GET /raw'],
        ['code-injection', 'GET /calc'],
      ]);
      expect(probe.probedRoutes).toBe(4);
    } finally {
      server.close();
    }
  });

  it('reads pnpm-lock.yaml packages (v6 and v9 keys)', async () => {
    const dir = join(tmp, 'pnpm');
    await mkdir(dir);
    await writeFile(join(dir, 'pnpm-lock.yaml'), ["lockfileVersion: '9.0'", 'importers:', '  .: {}', 'packages:', '  lodash@4.17.20:', '    resolution: {integrity: sha512-x}', "  '@scope/pkg@1.2.3':", '    resolution: {}', '  /minimist@1.2.5:', '    resolution: {}', 'snapshots:', '  lodash@4.17.20: {}', ''].join('\n'));
    const { lockfile, packages } = await readLockedPackages(dir, {}, []);
    expect(lockfile).toBe('pnpm-lock.yaml');
    expect(packages.map((p) => `${p.name}@${p.version}`)).toEqual(['lodash@4.17.20', '@scope/pkg@1.2.3', 'minimist@1.2.5']);
  });
});
