import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiTesterCore, INDEPENDENT_RUNS_LEARNING, SchemaSampler, openTarget, responseProblems, runAgentTask } from '@qe-fleet/agents';
import type { ApiTesterReport, CatalogueScore, SchemaObject, Target } from '@qe-fleet/agents';
import { ReplayCore, learnOnReplays, shareOfLast } from '../support/learning.js';
import { FIXTURE, expectBestStrategyFindsCatalogue, measureStrategies } from '../support/fixture.js';
import { writeProject } from '../support/writeProject.js';

// The machine is shared: give the fixture service time to start under load.
const tester = new ApiTesterCore({ service: { startupTimeoutMs: 60_000 } });
let reports: Map<string, ApiTesterReport>;
let scores: Map<string, CatalogueScore>;
let target: Target;
let tmp: string;

// Every strategy runs for real once against the fixture service; the tests below share the reports.
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'qe-api-'));
  ({ target, reports, scores } = await measureStrategies(tester));
}, 300_000);
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('api-tester on the sample target', () => {
  it('its best strategy finds the catalogued API defects: recall >= 0.8 with precision >= 0.8', () => {
    expectBestStrategyFindsCatalogue(scores);
  });

  it('each strategy adds what it is for: fuzzing the 500 of /api/calc, negative cases the 500 on a missing name, stateful the dropped field', () => {
    const missed = (s: string): string[] => scores.get(s)!.missed.map((d) => d.id).sort();
    expect(missed('examples-only')).toEqual(['D26', 'D29', 'D30']);
    expect(missed('schema-fuzz')).not.toContain('D30');
    expect(missed('negative-cases')).not.toContain('D29');
    expect(missed('stateful')).not.toContain('D26');
    expect(missed('thorough')).toEqual([]);
    for (const score of scores.values()) expect(score.precision).toBe(1);
  });

  it('reports the dropped field, the undeclared status and the string price with evidence', () => {
    const findings = reports.get('thorough')!.findings;
    const at = (route: string, kind: string) => findings.find((f) => 'route' in f.location && f.location.route === route && f.kind === kind);
    expect(at('PUT /api/products/{id}', 'api-field-dropped')?.message).toMatch(/description/);
    expect(at('DELETE /api/products/{id}', 'api-schema-violation')?.message).toMatch(/answered 200, a status the document does not declare/);
    expect(at('GET /api/products/{id}', 'api-schema-violation')?.message).toMatch(/price must be number/);
    expect(at('GET /api/carts/{id}/summary', 'api-empty-body')).toBeDefined();
  });

  it('covers every operation and measures p50/p95 latency per operation', () => {
    const report = reports.get('thorough')!;
    expect(report.coverage).toBe(1);
    expect(report.stats.operationsCovered).toBe(report.stats.operations);
    for (const op of report.stats.perOperation) {
      expect(op.requests).toBeGreaterThan(0);
      expect(op.p95Ms).toBeGreaterThanOrEqual(op.p50Ms);
      expect(op.p50Ms).toBeGreaterThan(0);
    }
    expect(report.stats.perOperation.find((o) => o.route === 'DELETE /api/products/{id}')?.undocumentedStatuses).toContain(200);
  });

  it('learning converges on the strategy that measures best (BaseAgent, in-memory store, seeded, replayed runs)', async () => {
    // Each strategy ran for real once (beforeAll); the learner replays those measured reports, with
    // the learning settings ApiTesterAgent uses.
    const core = new ReplayCore('api-tester', tester.strategies, reports);
    const run = await learnOnReplays(core, FIXTURE, { tasks: 300, seed: 11, timeout: 60_000, learning: INDEPENDENT_RUNS_LEARNING });
    const why = `rewards ${JSON.stringify([...run.rewards])}, choices ${run.choices.join(' ')}`;
    expect(run.contenders, why).toContain(run.recommended);
    expect(run.contenders.reduce((n, c) => n + shareOfLast(run.choices, c, 100), 0), why).toBeGreaterThan(0.8);
  });
});

describe('targets it cannot handle give a failed result that says why', () => {
  it('not applicable (UNSUPPORTED_TARGET) without an API description (a tiny project, and a folder with no code at all)', async () => {
    const tiny = await writeProject(tmp, 'tiny', { 'src/double.ts': 'export function double(x: number): number {\n  return x * 2;\n}\n' });
    const bare = await writeProject(tmp, 'bare', {});
    for (const dir of [tiny, bare]) {
      const result = await runAgentTask(tester, { dir }, 'thorough');
      expect(result).toMatchObject({ success: false, output: { errorCode: 'UNSUPPORTED_TARGET', findings: [] } });
      expect(result.errors[0]).toMatch(/not applicable: no API description/);
      expect(tester.notApplicable((await openTarget({ dir })))).toMatch(/^no API description .* and no URL$/);
    }
  });

  it('NON_LOOPBACK for a base URL that is not loopback, before sending anything', async () => {
    const result = await runAgentTask(tester, { dir: FIXTURE, baseUrl: 'http://example.com:8080' }, 'examples-only');
    expect(result).toMatchObject({ success: false, output: { errorCode: 'NON_LOOPBACK' } });
  });

  it('SERVICE_START_FAILED with the service output when the service does not start', async () => {
    const dir = join(tmp, 'deadsvc');
    await mkdir(join(dir, 'src'), { recursive: true });
    await writeFile(join(dir, 'package.json'), '{"name":"deadsvc"}');
    await writeFile(join(dir, 'openapi.json'), JSON.stringify({ openapi: '3.0.3', info: { title: 't', version: '1' }, paths: { '/x': { get: { responses: { '200': { description: 'ok' } } } } } }));
    await writeFile(join(dir, 'src/server.mjs'), 'process.stderr.write("port already taken\\n"); process.exit(1);\n');
    const dead = new ApiTesterCore({ service: { args: ['src/server.mjs'], startupTimeoutMs: 30_000 } });
    const result = await runAgentTask(dead, { dir }, 'examples-only');
    expect(result).toMatchObject({ success: false, output: { errorCode: 'SERVICE_START_FAILED' } });
    expect(result.errors[0]).toMatch(/port already taken/);
  });

  it('TOOL_FAILED for an invalid OpenAPI document, TARGET_NOT_FOUND and NO_PACKAGE_JSON for bad folders', async () => {
    const dir = join(tmp, 'baddoc');
    await mkdir(dir);
    await writeFile(join(dir, 'package.json'), '{"name":"baddoc","scripts":{"start":"node server.js"}}');
    await writeFile(join(dir, 'openapi.json'), JSON.stringify({ openapi: '3.0.3', paths: { '/x': { get: {} } } }));
    expect(await runAgentTask(tester, { dir }, 'examples-only')).toMatchObject({ success: false, output: { errorCode: 'TOOL_FAILED' } });
    expect(await runAgentTask(tester, { dir: join(tmp, 'missing') }, 'examples-only')).toMatchObject({ success: false, output: { errorCode: 'TARGET_NOT_FOUND' } });
    await mkdir(join(tmp, 'nopkg'));
    expect(await runAgentTask(tester, { dir: join(tmp, 'nopkg') }, 'examples-only')).toMatchObject({ success: false, output: { errorCode: 'NO_PACKAGE_JSON' } });
  });
});

describe('SchemaSampler', () => {
  const schema: SchemaObject = {
    type: 'object',
    required: ['name', 'price', 'tags'],
    properties: {
      name: { type: 'string', minLength: 1, maxLength: 20 },
      price: { type: 'number', minimum: 0, maximum: 1000 },
      qty: { type: 'integer', minimum: 1, maximum: 9 },
      tags: { type: 'array', items: { type: 'string' }, maxItems: 3 },
      kind: { type: 'string', enum: ['a', 'b'] },
      when: { type: 'string', format: 'date-time' },
    },
  };
  const validate = new Ajv({ strict: false }).compile(schema);

  it('generates values the schema accepts, the same ones for the same seed', () => {
    const a = new SchemaSampler({ seed: 3 });
    const b = new SchemaSampler({ seed: 3 });
    for (let i = 0; i < 50; i++) {
      const value = a.valid(schema);
      expect(validate(value), JSON.stringify(validate.errors)).toBe(true);
      expect(b.valid(schema)).toEqual(value);
    }
  });

  it('generates invalid values the schema rejects, each with its reason', () => {
    const invalid = new SchemaSampler({ seed: 3 }).invalid(schema);
    expect(invalid.map((i) => i.reason)).toEqual(expect.arrayContaining(['required property name missing', 'property price: out of range (below minimum)', 'property qty of the wrong type']));
    for (const { value, reason } of invalid) expect(validate(value), reason).toBe(false);
  });

  it('grows every array to the requested length', () => {
    const value = new SchemaSampler().valid({ type: 'object', required: ['skus'], properties: { skus: { type: 'array', items: { type: 'string' } } } }, { arrayLength: 500 });
    expect((value as { skus: unknown[] }).skus).toHaveLength(500);
  });
});

describe('responseProblems', () => {
  const responses = { '200': { 'application/json': { type: 'object', required: ['n'], properties: { n: { type: 'number' } } } }, '404': {} };
  const check = (s: object, data: unknown): string | undefined => (new Ajv({ strict: false }).validate(s, data) ? undefined : 'invalid');
  const json = 'application/json';

  it('accepts documented responses and judges the others in the catalogue vocabulary', () => {
    expect(responseProblems(responses, { status: 200, body: '{"n":1}', contentType: json }, check)).toBeUndefined();
    expect(responseProblems(responses, { status: 404, body: '', contentType: null }, check)).toBeUndefined();
    expect(responseProblems(responses, { status: 500, body: '{}', contentType: json }, check)?.kind).toBe('api-server-error');
    expect(responseProblems(responses, { status: 200, body: '', contentType: null }, check)?.kind).toBe('api-empty-body');
    expect(responseProblems(responses, { status: 200, body: '{"n":"1"}', contentType: json }, check)?.kind).toBe('api-schema-violation');
    expect(responseProblems(responses, { status: 201, body: '{"n":1}', contentType: json }, check)?.message).toMatch(/does not declare/);
  });
});
