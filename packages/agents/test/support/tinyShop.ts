import { writeProject } from './writeProject.js';

/**
 * A tiny items service (node:http, in-memory store) with its OpenAPI document, written into
 * `root/name`. `bugs` plants defects of the shapes the runtime agents look for: `keepDeleted`
 * (DELETE answers 204 but the item stays readable), `dropNote` (PUT forgets `note`),
 * `quadraticSum` (POST /sum dedupes its numbers in O(n²)), `brokenRead` (GET /items/{id} always
 * answers 500, so only the list can show what a delete left behind). GET /items filters on an
 * optional `?name=` (example `coffee`, the item example is `tea`): the shape of a list whose
 * documented filter would hide a created item. `apiKeyHeader` locks every route behind that header
 * (401 without it) and documents it as an apiKey security scheme.
 */
export function writeTinyShop(root: string, name: string, bugs: { keepDeleted?: boolean; dropNote?: boolean; quadraticSum?: boolean; brokenRead?: boolean; apiKeyHeader?: string } = {}): Promise<string> {
  const server = `
import { createServer } from 'node:http';
const items = new Map([['i1', { id: 'i1', name: 'first', note: 'seeded' }]]);
let next = 2;
const send = (res, status, body) => { res.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json' }); res.end(body === undefined ? undefined : JSON.stringify(body)); };
createServer(async (req, res) => {
  let raw = '';
  for await (const chunk of req) raw += chunk;
  const body = raw ? JSON.parse(raw) : undefined;
  const url = new URL(req.url, 'http://x');
  ${bugs.apiKeyHeader ? `if (!req.headers['${bugs.apiKeyHeader.toLowerCase()}']) return send(res, 401, { error: 'key required' });` : ''}
  const m = /^\\/items\\/([^/]+)$/.exec(url.pathname);
  if (url.pathname === '/items' && req.method === 'GET') { const name = url.searchParams.get('name'); return send(res, 200, { items: [...items.values()].filter((i) => name === null || i.name === name) }); }
  if (url.pathname === '/items' && req.method === 'POST') { const id = 'i' + next++; const item = { id, name: String(body.name), note: body.note }; items.set(id, item); return send(res, 201, item); }
  if (url.pathname === '/sum' && req.method === 'POST') {
    const seen = [];
    for (const n of body.numbers) { ${bugs.quadraticSum ? 'if (!seen.includes(n)) seen.push(n);' : 'seen.push(n);'} }
    return send(res, 200, { total: seen.reduce((a, b) => a + b, 0) });
  }
  if (m && req.method === 'GET') { ${bugs.brokenRead ? "return send(res, 500, { error: 'read failed' });" : ''} const item = items.get(m[1]); return item ? send(res, 200, item) : send(res, 404, { error: 'not found' }); }
  if (m && req.method === 'PUT') { if (!items.has(m[1])) return send(res, 404, { error: 'not found' }); const item = { id: m[1], name: String(body.name), ${bugs.dropNote ? '' : 'note: body.note '}}; items.set(m[1], item); return send(res, 200, item); }
  if (m && req.method === 'DELETE') { if (!items.has(m[1])) return send(res, 404, { error: 'not found' }); ${bugs.keepDeleted ? '' : 'items.delete(m[1]);'} return send(res, 204); }
  send(res, 404, { error: 'no route' });
}).listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? '127.0.0.1');
`;
  const item = { type: 'object', required: ['id', 'name'], properties: { id: { type: 'string' }, name: { type: 'string' }, note: { type: 'string' } } };
  const input = { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1, example: 'tea' }, note: { type: 'string', minLength: 1, example: 'green' } } };
  const json = (schema: object): object => ({ content: { 'application/json': { schema } } });
  const idParam = [{ name: 'id', in: 'path', required: true, schema: { type: 'string' }, example: 'i1' }];
  const notFound = { description: 'none', ...json({ type: 'object', properties: { error: { type: 'string' } } }) };
  const openapi = {
    openapi: '3.0.3',
    info: { title: 'tiny shop', version: '1' },
    ...(bugs.apiKeyHeader ? { security: [{ ShopKey: [] }], components: { securitySchemes: { ShopKey: { type: 'apiKey', in: 'header', name: bugs.apiKeyHeader } } } } : {}),
    paths: {
      '/items': {
        get: { parameters: [{ name: 'name', in: 'query', required: false, schema: { type: 'string', minLength: 1 }, example: 'coffee' }], responses: { '200': { description: 'all', ...json({ type: 'object', required: ['items'], properties: { items: { type: 'array', items: item } } }) } } },
        post: { requestBody: { required: true, ...json(input) }, responses: { '201': { description: 'created', ...json(item) } } },
      },
      '/items/{id}': {
        parameters: idParam,
        get: { responses: { '200': { description: 'one', ...json(item) }, '404': notFound } },
        put: { requestBody: { required: true, ...json(input) }, responses: { '200': { description: 'replaced', ...json(item) }, '404': notFound } },
        delete: { responses: { '204': { description: 'gone' }, '404': notFound } },
      },
      '/sum': {
        post: { requestBody: { required: true, ...json({ type: 'object', required: ['numbers'], properties: { numbers: { type: 'array', items: { type: 'integer' } } } }) }, responses: { '200': { description: 'sum', ...json({ type: 'object', properties: { total: { type: 'number' } } }) } } },
      },
    },
  };
  return writeProject(root, name, { 'server.js': server, 'openapi.json': JSON.stringify(openapi, null, 2) });
}
