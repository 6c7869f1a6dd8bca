import { createServer } from 'node:http';
import type { AddressInfo, Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiOperation } from '../../src/kit/openapi/operations.js';
import { FlowSession } from '../../src/integration-tester/FlowSession.js';

// A list that refuses a request without its required `type` query (like express-openapi-validator),
// and a photo upload that only takes multipart bodies.
let server: Server;
let base = '';
const errorSchema = { type: 'object', required: ['code'], properties: { code: { type: 'integer' } } };
const list: ApiOperation = {
  method: 'GET', path: '/pets', route: 'GET /pets',
  params: [{ name: 'type', in: 'query', required: true, schema: { type: 'string', enum: ['dog', 'cat'] } }],
  responses: { '200': { 'application/json': { type: 'array' } }, default: { 'application/json': errorSchema } },
} as unknown as ApiOperation;
const upload: ApiOperation = {
  method: 'POST', path: '/pets/{id}/photos', route: 'POST /pets/{id}/photos', params: [],
  body: { required: true, mediaType: 'multipart/form-data', schema: { type: 'object' } },
  responses: { '201': { 'application/json': { type: 'object' } } },
} as unknown as ApiOperation;

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/pets' && url.searchParams.get('type') === null) return void res.writeHead(400, { 'content-type': 'application/json' }).end('{"message":"type required"}');
    if (url.pathname === '/pets') return void res.writeHead(200, { 'content-type': 'application/json' }).end('[]');
    res.writeHead(415, { 'content-type': 'application/json' }).end('{"message":"unsupported"}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('FlowSession requests', () => {
  it('sends the query the core gives for an operation; without it the list is refused', async () => {
    const without = new FlowSession({ baseUrl: base });
    expect((await without.send(list, {})).status).toBe(400);
    const withQuery = new FlowSession({ baseUrl: base, query: () => new URLSearchParams({ type: 'dog' }) });
    const step = await withQuery.send(list, {});
    expect(step.status).toBe(200);
    expect(step.path).toBe('/pets?type=dog');
    expect(withQuery.findings()).toEqual([]);
  });

  it('does not judge the answer to a body the document wants in a non-JSON media type', async () => {
    const session = new FlowSession({ baseUrl: base });
    expect((await session.send(upload, { id: '1' }, { file: 'x' })).status).toBe(415);
    expect(session.findings()).toEqual([]);
  });
});
