import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiTesterCore, documentedResponse, openTarget } from '@qe-fleet/agents';
import type { ApiTesterReport } from '@qe-fleet/agents';

// A small service whose document promises more than it keeps: HTML where JSON is documented,
// 200 where 201 (and a default) are documented, a 500 on a bad optional parameter, and a
// multipart upload that only accepts a plain "title" field next to a file part.
const DOC = `openapi: 3.0.3
info: { title: docs, version: '1' }
servers: [{ url: 'http://127.0.0.1:9/api' }]
paths:
  /report:
    get:
      parameters:
        - { name: since, in: query, required: false, schema: { type: string, format: date } }
      responses:
        '200': { description: ok, content: { application/json: { schema: { type: object } } } }
        '400': { description: bad }
  /page:
    get:
      responses:
        '200': { description: ok, content: { application/json: { schema: { type: object } } } }
  /card:
    get:
      responses:
        '200': { description: ok, content: { text/html: { schema: { type: string } } } }
  /tags:
    post:
      requestBody:
        required: true
        content: { application/json: { schema: { type: object, properties: { name: { type: string } } }, example: { name: red } } }
      responses:
        '201': { description: created, content: { application/json: { schema: { type: object } } } }
        default: { description: error }
  /uploads:
    post:
      requestBody:
        required: true
        content:
          multipart/form-data:
            schema: { type: object, required: [title, file], properties: { title: { type: string }, file: { type: string, format: binary } } }
      responses:
        '201': { description: stored, content: { application/json: { schema: { type: object, required: [title], properties: { title: { type: string } } } } } }
        '400': { description: bad }
`;

const seen: string[] = [];
function handle(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, body: Buffer): void {
  const url = new URL(req.url ?? '/', 'http://x');
  seen.push(`${req.method} ${url.pathname}${url.search}`);
  const json = (status: number, value: unknown): void => void res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
  if (url.pathname === '/api/report') {
    const since = url.searchParams.get('since');
    if (since !== null && Number.isNaN(Date.parse(since))) return void res.writeHead(500).end('boom');
    return json(200, { since });
  }
  if (url.pathname === '/api/page') return void res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>login</h1>');
  if (url.pathname === '/api/card') return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<p>card</p>');
  if (url.pathname === '/api/tags') return json(200, { name: 'red' });
  if (url.pathname === '/api/uploads') {
    const text = body.toString('latin1');
    // A plain field has no filename; the file part has one.
    const title = /name="title"\r\n\r\n([^\r]*)/.exec(text)?.[1];
    if (title === undefined || !/name="file"; filename=/.test(text)) return json(400, { error: 'multipart: title field and file part expected' });
    return json(201, { title });
  }
  res.writeHead(404).end();
}

let server: Server;
let dir: string;
let report: ApiTesterReport;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qe-api-doc-'));
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'docs', version: '1.0.0' }));
  await writeFile(join(dir, 'openapi.yaml'), DOC);
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c)).on('end', () => handle(req, res, Buffer.concat(chunks)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  report = await new ApiTesterCore().run(await openTarget({ dir, baseUrl: `http://127.0.0.1:${port}` }), 'thorough');
}, 60_000);
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

describe('api-tester holds responses to the document', () => {
  const where = () => report.findings.map((f) => `${f.kind} ${'route' in f.location ? f.location.route : ''}`).sort();

  it('reports HTML where JSON is documented, an unlisted 200 next to 201 + default, and the 500 of a bad optional parameter; nothing else', () => {
    expect(where()).toEqual(['api-schema-violation GET /page', 'api-schema-violation POST /tags', 'api-server-error GET /report']);
    const byRoute = new Map(report.findings.map((f) => ['route' in f.location ? f.location.route : '', f]));
    expect(byRoute.get('GET /page')!.message).toMatch(/text\/html where the document promises application\/json/);
    expect(byRoute.get('POST /tags')!.message).toMatch(/answered 200, a status the document does not declare \(declared: 201, default\)/);
    expect(byRoute.get('GET /report')!.message).toMatch(/GET \/report\?since=2021-13-45 answered 500/);
  });

  it('exercises the optional parameter with a valid value too, under the base path, and sends multipart with a plain field and a file part', () => {
    expect(seen.some((s) => /^GET \/api\/report\?since=\d{4}-\d\d-\d\d$/.test(s))).toBe(true);
    expect(seen.every((s) => s.startsWith('GET /api/') || s.startsWith('POST /api/'))).toBe(true);
    const uploads = report.stats.perOperation.find((op) => op.route === 'POST /uploads')!;
    expect(uploads.statuses['201']).toBeGreaterThan(0);
  });

  it('a default response covers errors, and a success only when no success is listed', () => {
    expect(documentedResponse({ '201': {}, default: { 'application/json': null } }, 200)).toBeUndefined();
    expect(documentedResponse({ '201': {}, default: { 'application/json': null } }, 500)).toEqual({ 'application/json': null });
    expect(documentedResponse({ default: { 'application/json': null } }, 200)).toEqual({ 'application/json': null });
  });
});
