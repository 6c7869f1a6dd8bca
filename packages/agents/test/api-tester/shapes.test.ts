import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiTesterCore, openTarget } from '@qe-fleet/agents';
import type { ApiTesterReport } from '@qe-fleet/agents';
import { shape } from '../support/shapes.js';

const tester = new ApiTesterCore({ service: { startupTimeoutMs: 60_000 } });
const TOKEN = 'Bearer shape-token';
let tmp: string;
let withToken: ApiTesterReport;
let withoutToken: ApiTesterReport;
let wrongBase: ApiTesterReport;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'qe-api-shapes-'));
  const dir = shape('yaml-api-basepath');
  withToken = await tester.run(await openTarget({ dir, headers: { authorization: TOKEN } }), 'thorough');
  withoutToken = await tester.run(await openTarget({ dir }), 'examples-only');
  // The same service described with a /v2 server URL: every request misses the API.
  const v2 = join(tmp, 'v2.yaml');
  await writeFile(v2, (await readFile(join(dir, 'docs/notes-api.yaml'), 'utf8')).replace('{port}/v1', '{port}/v2'));
  wrongBase = await tester.run(await openTarget({ dir, headers: { authorization: TOKEN }, openapi: v2 }), 'examples-only');
}, 240_000);
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('api-tester on a YAML API with a /v1 base path and a bearer token', () => {
  it('prefixes every request with the base path, sends the credentials, and proves the planted 500', () => {
    expect(withToken.coverage).toBe(1);
    const statuses = withToken.stats.perOperation.flatMap((op) => Object.keys(op.statuses));
    expect(statuses).not.toContain('404');
    expect(statuses).not.toContain('401');
    expect(withToken.findings.map((f) => `${f.kind} ${JSON.stringify(f.location)}`)).toEqual(['api-server-error {"route":"POST /notes"}']);
    expect(withToken.notes.join()).toMatch(/base path \/v1/);
  });

  it('never prints the credentials', () => {
    for (const report of [withToken, withoutToken, wrongBase]) expect(JSON.stringify(report)).not.toContain('shape-token');
  });

  it('without credentials says so and reports low coverage, not success on every operation', () => {
    expect(withoutToken.notes.join()).toMatch(/credentials missing: \d+ of \d+ requests got 401\/403/);
    expect(withoutToken.skipped?.map((s) => s.surface)).toContain('operations behind authentication');
    expect(withoutToken.coverage).toBe(0);
  });

  it('a wrong base path is "base path or server mismatch" with coverage 0 and no findings from the 404s', () => {
    expect(wrongBase.notes.join()).toMatch(/base path or server mismatch/);
    expect(wrongBase.coverage).toBe(0);
    expect(wrongBase.findings).toEqual([]);
  });

  it('is not applicable to a library with no API description', async () => {
    expect(tester.notApplicable(await openTarget({ dir: shape('js-library-source') }))).toBe('no API description (no JSON or YAML file with a top-level openapi or swagger key) and no URL');
    expect(tester.notApplicable(await openTarget({ dir: shape('yaml-api-basepath') }))).toBeUndefined();
  });
});
