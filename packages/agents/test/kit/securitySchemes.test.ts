import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentialAdvice, hasCredential, loopbackFetch, openTarget, runAgentTask, securitySchemesOf, withApiKey } from '@qe-fleet/agents';
import type { AgentCore, AgentReport } from '@qe-fleet/agents';
import { writeProject } from '../support/writeProject.js';

// The shape of express-openapi-validator's example: one apiKey header scheme on one operation, a public ping.
const yaml = `openapi: 3.0.0
info: { title: pets, version: '1' }
paths:
  /ping:
    get: { responses: { '200': { description: ok } } }
  /pets:
    get: { responses: { '200': { description: ok } } }
    post:
      security: [{ ApiKeyAuth: [] }]
      responses: { '200': { description: ok } }
components:
  securitySchemes:
    ApiKeyAuth: { type: apiKey, in: header, name: X-API-Key }
    Unused: { type: http, scheme: bearer }
`;
let tmp: string;
let dir: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'qe-sec-'));
  dir = await writeProject(tmp, 'pets', { 'api.yaml': yaml, 'server.js': 'console.log(1)' });
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

describe('security schemes of the API description', () => {
  it('counts the operations requiring each scheme; a global requirement applies unless an operation overrides it', () => {
    expect(securitySchemesOf({ components: {} })).toEqual([]);
    const doc = {
      openapi: '3.0.0',
      security: [{ bearer: [] }],
      paths: { '/a': { get: {}, post: { security: [] }, put: { security: [{}, { key: [] }] } }, '/b': { delete: { security: [{ key: [], bearer: [] }] } } },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'Bearer' }, key: { $ref: '#/components/x' } }, x: { type: 'apiKey', in: 'cookie', name: 'sid' } },
    };
    expect(securitySchemesOf(doc)).toEqual([
      { name: 'bearer', type: 'http', scheme: 'bearer', operations: 2 },
      { name: 'key', type: 'apiKey', in: 'cookie', param: 'sid', operations: 1 },
    ]);
    // Swagger 2: securityDefinitions, basic.
    expect(securitySchemesOf({ swagger: '2.0', security: [{ b: [] }], paths: { '/x': { get: {} } }, securityDefinitions: { b: { type: 'basic' } } })).toEqual([{ name: 'b', type: 'http', scheme: 'basic', operations: 1 }]);
  });

  it('advice names the header and the option for each required scheme no header carries', () => {
    const schemes = securitySchemesOf({ paths: { '/p': { post: { security: [{ k: [] }, { t: [] }] } } }, components: { securitySchemes: { k: { type: 'apiKey', in: 'header', name: 'X-API-Key' }, t: { type: 'http', scheme: 'bearer' }, q: { type: 'apiKey', in: 'query', name: 'api_key' } } } });
    const advice = credentialAdvice(schemes);
    expect(advice).toHaveLength(2);
    expect(advice[0]).toMatch(/scheme k \(apiKey in header X-API-Key, required by 1 operation\) has no credential configured: send header X-API-Key with `headers: \{"X-API-Key": "…"\}`.*`apiKeyEnv`/);
    expect(advice[1]).toMatch(/scheme t \(http bearer.*`bearerTokenEnv` \(qe-fleet config `tokenEnv`, QE_BEARER_ENV/);
    // One configured alternative is enough; header names compare case-insensitively.
    expect(credentialAdvice(schemes, { 'x-api-key': 'v' })).toEqual([]);
    expect(credentialAdvice(schemes, { Authorization: 'Bearer t' })).toEqual([]);
    expect(hasCredential({ name: 'q', type: 'apiKey', in: 'query', param: 'api_key', operations: 1 }, { api_key: 'v' })).toBe(false);
    expect(credentialAdvice([{ name: 'q', type: 'apiKey', in: 'query', param: 'api_key', operations: 1 }])[0]).toMatch(/query parameter api_key/);
  });

  it('an API key goes in the header or cookie the scheme names, never over a configured one', () => {
    const header = [{ name: 'k', type: 'apiKey', in: 'header' as const, param: 'X-API-Key', operations: 1 }];
    expect(withApiKey(header, 's3', { accept: 'x' })).toEqual({ accept: 'x', 'X-API-Key': 's3' });
    expect(withApiKey(header, 's3', { 'x-api-key': 'mine' })).toEqual({ 'x-api-key': 'mine' });
    expect(withApiKey([{ name: 'c', type: 'apiKey', in: 'cookie', param: 'sid', operations: 1 }], 's3', { Cookie: 'a=1' })).toEqual({ cookie: 'a=1; sid=s3' });
    expect(withApiKey([{ name: 't', type: 'http', scheme: 'bearer', operations: 1 }], 's3')).toBeUndefined();
  });
});

describe('openTarget and runAgentTask with security schemes', () => {
  it('apiKeyEnv: the key is sent with the header name the document gives; an unset variable is refused', async () => {
    let seen: string | undefined;
    const server = createServer((req, res) => {
      seen = req.headers['x-api-key'] as string | undefined;
      res.end('ok');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      process.env['QE_SEC_TEST_KEY'] = 'key-42';
      const target = await openTarget({ dir, apiKeyEnv: 'QE_SEC_TEST_KEY' });
      expect(target.headers).toEqual({ 'X-API-Key': 'key-42' });
      expect(target.credentialAdvice).toBeUndefined();
      await loopbackFetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/pets`, { method: 'POST', headers: target.headers ?? {} });
      expect(seen).toBe('key-42');
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
    await expect(openTarget({ dir, apiKeyEnv: 'QE_SEC_TEST_UNSET' })).rejects.toThrow(/QE_SEC_TEST_UNSET \(apiKeyEnv\) is not set/);
    const bare = await writeProject(tmp, 'bare', { 'server.js': '' });
    await expect(openTarget({ dir: bare, apiKeyEnv: 'QE_SEC_TEST_KEY' })).rejects.toThrow(/no API description to say where the key goes/);
  });

  it('a strategy that talks to the service gets the advice in its notes; a static one does not', async () => {
    const target = await openTarget({ dir });
    expect(target.credentialAdvice).toEqual([expect.stringMatching(/ApiKeyAuth \(apiKey in header X-API-Key, required by 1 operation\)/)]);
    const core: AgentCore = {
      id: 'probe',
      usesService: true,
      strategies: [{ name: 'live', description: '', config: {} }, { name: 'static', description: '', config: {}, usesService: false }],
      run: async (t, strategy): Promise<AgentReport> => ({ agentId: 'probe', strategy, target: t.dir, findings: [], durationMs: 1, notes: ['own note'] }),
    };
    const live = await runAgentTask(core, { dir }, 'live');
    expect(live.output.report?.notes).toEqual(['own note', target.credentialAdvice![0]]);
    const configured = await runAgentTask(core, { dir, headers: { 'X-API-Key': 'v' } }, 'live');
    expect(configured.output.report?.notes).toEqual(['own note']);
    const staticRun = await runAgentTask(core, { dir }, 'static');
    expect(staticRun.output.report?.notes).toEqual(['own note']);
  });
});
