import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IntegrationTesterCore, createdId, droppedFields, openTarget, resourceFamilies, runAgentTask, staleFields } from '@qe-fleet/agents';
import type { AgentTaskResult, ApiOperation, CatalogueScore, IntegrationTesterReport } from '@qe-fleet/agents';
import { measureStrategies } from '../support/fixture.js';
import { writeTinyShop } from '../support/tinyShop.js';
import { writeProject } from '../support/writeProject.js';

const service = { startupTimeoutMs: 60_000 };
let reports: Map<string, IntegrationTesterReport>;
let scores: Map<string, CatalogueScore>;
let tmp: string;
let buggy: IntegrationTesterReport;
let clean: IntegrationTesterReport;
let unread: IntegrationTesterReport;
let keyed: AgentTaskResult;
let keyless: AgentTaskResult;

// Every strategy runs once against the sample target's real service, and crud-flows once on a
// tiny own service with planted defects and once on its clean twin.
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'qe-it-'));
  ({ reports, scores } = await measureStrategies(new IntegrationTesterCore({ service })));
  const core = new IntegrationTesterCore({ service });
  const shop = async (name: string, bugs: Parameters<typeof writeTinyShop>[2] = {}): Promise<IntegrationTesterReport> => core.run(await openTarget({ dir: await writeTinyShop(tmp, name, bugs) }), 'crud-flows');
  // A shop behind an apiKey header its document declares: run with the key from apiKeyEnv, and without.
  process.env['QE_IT_SHOP_KEY'] = 'k-123';
  const locked = await writeTinyShop(tmp, 'locked', { apiKeyHeader: 'X-Shop-Key' });
  [buggy, clean, unread, keyed, keyless] = await Promise.all([
    shop('buggy', { keepDeleted: true, dropNote: true }),
    shop('clean'),
    shop('unread', { keepDeleted: true, brokenRead: true }),
    runAgentTask(core, { dir: locked, apiKeyEnv: 'QE_IT_SHOP_KEY' }, 'crud-flows'),
    runAgentTask(core, { dir: locked }, 'crud-flows'),
  ]);
}, 300_000);
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('integration-tester on the sample target', () => {
  it('never reports what the catalogue does not list', () => {
    for (const score of scores.values()) expect(score.precision).toBe(1);
  });

  it('read-after-write finds the dropped description (D26); crud-flows adds the empty summary of a fresh cart (D25)', () => {
    const found = (s: string): string[] => [...scores.get(s)!.found].sort();
    expect(found('read-after-write')).toContain('D26');
    expect(found('read-after-write')).not.toContain('D25');
    expect(found('crud-flows')).toEqual(expect.arrayContaining(['D25', 'D26']));
    expect(found('stateful-random')).toEqual(expect.arrayContaining(['D25', 'D26']));
  });

  it('findings carry the request sequence that shows them', () => {
    const dropped = reports.get('crud-flows')!.findings.find((f) => f.kind === 'api-field-dropped')!;
    expect(dropped.location).toEqual({ route: 'PUT /api/products/{id}' });
    expect(dropped.evidence).toMatch(/1\. POST \/api\/products .*→ 201.*PUT \/api\/products\/p\d+ .*"description".*GET \/api\/products\/p\d+ → 200/);
    const empty = reports.get('crud-flows')!.findings.find((f) => f.kind === 'api-empty-body')!;
    expect(empty.evidence).toMatch(/GET \/api\/carts\/qe-it-\d+-\d+\/summary → 200 \(empty body\)/);
    // Both were seen in live answers: verified, by the step that answered wrongly or the replayed sequence.
    expect(empty.verified).toMatch(/^step \d+ of the request sequence: GET \/api\/carts\/qe-it-\d+-\d+\/summary → 200 \(empty body\)/);
    expect(dropped.verified).toMatch(/^observed live: replaying the \d+ requests/);
  });

  it('own measure: flows completed and operations exercised grow with the strategy', () => {
    const stats = (s: string): IntegrationTesterReport['stats'] => reports.get(s)!.stats;
    expect(stats('crud-flows').flows.map((f) => [f.family, f.idFrom])).toEqual([['/api/products/{id}', 'created'], ['/api/carts/{id}', 'client']]);
    expect(stats('crud-flows').flowsCompleted).toBe(2);
    expect(stats('read-after-write').operationsExercised).toBeLessThan(stats('crud-flows').operationsExercised);
    expect(stats('crud-flows').operationsExercised).toBeLessThan(stats('stateful-random').operationsExercised);
    expect(reports.get('stateful-random')!.coverage).toBeGreaterThan(reports.get('read-after-write')!.coverage!);
  });
});

describe('integration-tester on a tiny own service', () => {
  it('finds a delete that leaves the item readable and a field a PUT drops, with nothing on the clean twin', () => {
    const kinds = buggy.findings.map((f) => `${f.kind} ${(f.location as { route: string }).route}`).sort();
    expect(kinds).toEqual(['api-field-dropped PUT /items/{id}', 'logic-bug DELETE /items/{id}']);
    const kept = buggy.findings.find((f) => f.kind === 'logic-bug')!;
    expect(kept.evidence).toMatch(/DELETE \/items\/i\d+ → 204 \(empty body\) \| \d+\. GET \/items\/i\d+ → 200/);
    expect(kept.message).toMatch(/GET \/items\/\{id\} still answers 200 for it and GET \/items still lists it/);
    expect(kept.rule).toBe('integration-tester/deleted-still-readable');
    expect(buggy.stats.flows[0]!.deleteVerdict).toBe('not-deleted');
    // The list is asked with the created item's name, not the documented example filter that would hide it.
    expect(clean.findings).toEqual([]);
    expect(clean.stats.flowsCompleted).toBe(1);
    expect(clean.stats.flows[0]!.deleteVerdict).toBe('deleted');
  });

  it('a delete the item read cannot confirm (it answers 500) is caught by the list still holding the id', () => {
    const kinds = unread.findings.map((f) => `${f.kind} ${(f.location as { route: string }).route}`).sort();
    expect(kinds).toEqual(['api-server-error GET /items/{id}', 'logic-bug DELETE /items/{id}']);
    const kept = unread.findings.find((f) => f.kind === 'logic-bug')!;
    expect(kept.rule).toBe('integration-tester/deleted-still-listed');
    expect(kept.message).toMatch(/DELETE \/items\/\{id\} answered 204 for (i\d+) but GET \/items still lists it/);
    const id = /for (i\d+)/.exec(kept.message)![1]!;
    // Evidence: the list held the id before the delete, the delete answered 204, the read 500, the list still holds it;
    // the list is asked with the item's name after the PUT renamed it, so the filter never hides it.
    expect(kept.evidence).toMatch(new RegExp(`PUT /items/${id} \\{"name":"(\\w+)".*GET /items\\?name=\\1 → 200 [^|]*"id":"${id}"[^|]* \\| \\d+\\. DELETE /items/${id} → 204 \\(empty body\\) \\| \\d+\\. GET /items/${id} → 500 [^|]* \\| \\d+\\. GET /items\\?name=\\1 → 200 [^|]*"id":"${id}"`));
    expect(unread.stats.flows[0]!.deleteVerdict).toBe('not-deleted');
  });

  it('sends the key from apiKeyEnv in the header the security scheme names; without it the notes say what to configure', () => {
    const report = keyed.output.report as IntegrationTesterReport;
    expect(keyed.success).toBe(true);
    expect(report.stats.flowsCompleted).toBe(1);
    expect(report.findings).toEqual([]);
    expect(report.notes.join('\n')).not.toMatch(/no credential configured|k-123/);
    const notes = (keyless.output.report as IntegrationTesterReport).notes.join('\n');
    expect(notes).toMatch(/security scheme ShopKey \(apiKey in header X-Shop-Key, required by 6 operations\) has no credential configured: send header X-Shop-Key with `headers: \{"X-Shop-Key": "…"\}`.*`apiKeyEnv`/);
  });

  it('is not applicable without an API description, and the task fails with that reason', async () => {
    const dir = await writeProject(tmp, 'no-api', { 'server.js': 'console.log(1)' });
    const core = new IntegrationTesterCore();
    expect(core.notApplicable(await openTarget({ dir }))).toMatch(/no API description/);
    const result = await runAgentTask(core, { dir }, 'crud-flows');
    expect(result.success).toBe(false);
    expect(result.output.errorCode).toBe('UNSUPPORTED_TARGET');
  });
});

describe('flow checks', () => {
  it('a field is dropped only when the read documents it and lacks it', () => {
    const declared = new Set(['name', 'note']);
    expect(droppedFields({ name: 'a', note: 'b', extra: 1 }, { name: 'a' }, declared)).toEqual(['note']);
    expect(droppedFields({ name: 'a', note: null }, { name: 'a' }, declared)).toEqual([]);
    expect(droppedFields({ name: 'a' }, 'not an object', declared)).toEqual([]);
  });

  it('a write is not seen when the read still shows the old value; numeric strings compare by value', () => {
    expect(staleFields({ price: 5 }, { price: 3 }, { price: 3 })).toEqual(['price']);
    expect(staleFields({ price: 5 }, { price: 3 }, { price: '5.00' })).toEqual([]);
    expect(staleFields({ price: 3 }, { price: 3 }, { price: 3 })).toEqual([]);
  });

  it('reads the created id from id, _id or a <name>Id field', () => {
    expect(createdId({ id: 7 })).toBe('7');
    expect(createdId({ _id: 'x' })).toBe('x');
    expect(createdId({ orderId: 'o1', total: 3 })).toBe('o1');
    expect(createdId([1])).toBeUndefined();
  });

  it('groups operations into resource families by item path', () => {
    const op = (method: string, path: string, body = false): ApiOperation => ({ method, path, route: `${method} ${path}`, params: [], responses: {}, ...(body ? { body: { required: true, mediaType: 'application/json' } } : {}) });
    const [family, ...rest] = resourceFamilies([op('GET', '/a'), op('POST', '/a', true), op('GET', '/a/{id}'), op('POST', '/a/{id}/go'), op('POST', '/a/{id}/lines', true), op('GET', '/a/{id}/sum'), op('GET', '/b')]);
    expect(rest).toEqual([]);
    expect(family).toMatchObject({ collection: '/a', item: '/a/{id}', param: 'id', list: { route: 'GET /a' }, create: { route: 'POST /a' }, read: { route: 'GET /a/{id}' } });
    // Writes with a body (adding state) come before actions without one.
    expect(family!.subWrites.map((o) => o.route)).toEqual(['POST /a/{id}/lines', 'POST /a/{id}/go']);
    expect(family!.subReads.map((o) => o.route)).toEqual(['GET /a/{id}/sum']);
  });
});
