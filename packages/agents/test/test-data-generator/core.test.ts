import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestDataGeneratorCore, isPublic, openTarget, publicExports, runAgentTask, satisfactionOf, scoreFindings } from '@qe-fleet/agents';
import type { CatalogueScore, TestDataReport } from '@qe-fleet/agents';
import { FIXTURE } from '../support/fixture.js';
import { writeProject } from '../support/writeProject.js';

// The machine is shared: generous limits so load does not turn into a failed run.
const service = { startupTimeoutMs: 60_000 };
let tmp: string;
let full: TestDataReport;
let fullScore: CatalogueScore;
let own: Map<string, TestDataReport>;

/** A small users API whose server forgets two documented rules, and two functions with planted bugs. */
const OWN_FILES: Record<string, string> = {
  'openapi.json': JSON.stringify({
    openapi: '3.0.3',
    info: { title: 'users', version: '1' },
    paths: {
      '/users': {
        post: {
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/User' } } } },
          responses: { '201': { description: 'created' }, '400': { description: 'invalid' } },
        },
      },
    },
    components: {
      schemas: {
        User: {
          type: 'object',
          required: ['name', 'email', 'age'],
          properties: { name: { type: 'string', minLength: 2, maxLength: 20 }, email: { type: 'string', format: 'email' }, age: { type: 'integer', minimum: 0, maximum: 150 } },
        },
      },
    },
  }),
  'server.js': `import { createServer } from 'node:http';
const send = (res, status, body) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(body)); };
createServer(async (req, res) => {
  let text = '';
  for await (const chunk of req) text += chunk;
  if (req.method !== 'POST' || req.url !== '/users') return send(res, 404, { error: 'not found' });
  try {
    const user = JSON.parse(text);
    // Names of 20 characters are refused although the document allows them; age is never range-checked.
    if (typeof user.name !== 'string' || user.name.length < 2 || user.name.length >= 20) return send(res, 400, { error: 'name' });
    if (!Number.isInteger(user.age)) return send(res, 400, { error: 'age' });
    const domain = user.email.split('@')[1];
    return send(res, 201, { ...user, domain });
  } catch {
    return send(res, 500, { error: 'internal' });
  }
}).listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? '127.0.0.1');
`,
  'src/fees.ts': `/** Orders of FREE_FROM items or more ship free. */
export const FREE_FROM = 5;

/** Shipping fee for an order of \`items\` items: free from FREE_FROM items on, else 4. */
export function shippingFee(items: number): number {
  return items > FREE_FROM ? 0 : 4;
}

/** First word of a text, upper-cased. */
export function firstWord(text: string): string {
  return (text.match(/[a-z]+/i) as RegExpMatchArray)[0].toUpperCase();
}
`,
};

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'qe-tdg-'));
  // The sample target once, with the strategy that generates every kind of record.
  const target = await openTarget({ dir: FIXTURE });
  full = await new TestDataGeneratorCore({ service, outputDir: join(tmp, 'out') }).run(target, 'full');
  fullScore = scoreFindings(full.findings, target.catalogue!, 'test-data-generator');
  // The own fixture, once per strategy.
  const dir = await writeProject(tmp, 'users', { ...OWN_FILES, 'package.json': JSON.stringify({ name: 'users', type: 'module', scripts: { start: 'node server.js' } }) });
  const ownTarget = await openTarget({ dir, catalogue: false });
  own = new Map();
  const core = new TestDataGeneratorCore({ service, seed: 5 });
  for (const { name } of core.strategies) own.set(name, await core.run(ownTarget, name));
}, 600_000);
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('test-data-generator on the sample target (full)', () => {
  it('finds both catalogued boundary bugs of exported functions and reports only catalogued defects', () => {
    expect(fullScore.found.sort()).toEqual(['D02', 'D03']);
    expect(fullScore.recall).toBe(1);
    expect(fullScore.precision, JSON.stringify(fullScore.falsePositives)).toBeGreaterThanOrEqual(0.8);
  });

  it('evidence reproduces each finding: the call or the request, and what came back', () => {
    const boundary = full.findings.find((f) => f.rule === 'test-data-generator/doc-boundary');
    expect(boundary?.evidence).toContain('bulkDiscountRate(10)');
    const example = full.findings.find((f) => f.rule === 'test-data-generator/doc-example');
    expect(example?.evidence).toContain('"cr-me-br-l-e"');
    const crash = full.findings.find((f) => f.rule === 'test-data-generator/server-error' && 'route' in f.location && f.location.route === 'POST /api/products');
    expect(crash?.evidence).toMatch(/^POST \/api\/products body .* → 500/);
  });

  it('every record it used is what it claims (ajv), and the measure is that share', () => {
    expect(full.stats.generated).toBeGreaterThan(200);
    expect(full.stats.byKind.invalid).toBeGreaterThan(20);
    expect(full.stats.byKind.boundary).toBeGreaterThan(20);
    expect(full.measure).toEqual({ name: 'schema-valid share', value: full.stats.schemaValid / full.stats.generated });
    expect(full.measure?.value).toBeGreaterThan(0.9);
    expect(full.notes[0]).toContain('seed 1');
  });

  it('writes the data set as JSON for reuse: every record with its claim and the answer it got', async () => {
    expect(full.dataSetFile).toBe(join(tmp, 'out', 'test-data.full.seed-1.json'));
    const data = JSON.parse(await readFile(full.dataSetFile!, 'utf8')) as { seed: number; operations: Array<{ route: string; records: Array<{ kind: string; claim?: unknown; outcome?: { status: number } }> }>; functions: Array<{ function: string; records: unknown[] }> };
    expect(data.seed).toBe(1);
    const records = [...data.operations.flatMap((o) => o.records), ...data.functions.flatMap((f) => f.records)];
    expect(records).toHaveLength(full.stats.schemaValid);
    const post = data.operations.find((o) => o.route === 'POST /api/products');
    expect(post?.records.filter((r) => r.kind === 'invalid').every((r) => r.claim !== undefined && typeof r.outcome?.status === 'number')).toBe(true);
  });
});

describe('test-data-generator on its own fixture, per strategy', () => {
  const rules = (strategy: string): string[] => [...new Set((own.get(strategy)?.findings ?? []).map((f) => `${f.rule} ${'route' in f.location ? f.location.route : 'file' in f.location ? f.location.file : ''}`))].sort();

  it('negative: the server accepts out-of-range ages and crashes without an e-mail', () => {
    expect(rules('negative')).toEqual(expect.arrayContaining(['test-data-generator/invalid-accepted POST /users', 'test-data-generator/server-error POST /users']));
    const accepted = own.get('negative')?.findings.find((f) => f.rule === 'test-data-generator/invalid-accepted');
    expect(accepted?.message).toMatch(/below minimum 0|above maximum 150/);
    expect(accepted?.evidence).toContain('→ 201');
  });

  it('boundaries: the 20-character name the document allows is refused, the documented free-shipping bound is off by one, and an empty text crashes', () => {
    expect(rules('boundaries')).toEqual(expect.arrayContaining(['test-data-generator/valid-rejected POST /users', 'test-data-generator/doc-boundary src/fees.ts', 'test-data-generator/crash src/fees.ts']));
    expect(own.get('boundaries')?.findings.find((f) => f.rule === 'test-data-generator/valid-rejected')?.message).toContain('maxLength 20');
  });

  it('valid-only sends no invalid record and judges no boundary', () => {
    const report = own.get('valid-only');
    expect(report?.stats.byKind.invalid).toBe(0);
    expect(report?.stats.byKind.boundary).toBe(0);
    expect(rules('valid-only').some((r) => r.includes('invalid-accepted') || r.includes('doc-boundary'))).toBe(false);
  });

  it('the learning signal is the measure times the findings\' worth, never a constant', () => {
    for (const report of own.values()) {
      expect(report.measure?.value).toBe(report.stats.schemaValid / report.stats.generated);
      const { measure, ...unmeasured } = report;
      expect(satisfactionOf(report)).toBeCloseTo(satisfactionOf(unmeasured) * (measure?.value ?? 0), 9);
    }
    expect(new Set([...own.values()].map((r) => satisfactionOf(r).toFixed(4))).size).toBeGreaterThan(1);
  });
});

describe('test-data-generator calls what a package offers, with data its types promise', () => {
  it('leaves out internal helpers (not reachable from the package.json entries) and parameters without a type', async () => {
    // The validator.js shape: build output named in package.json, an object of functions as the default export.
    const dir = await writeProject(tmp, 'lib-entries', {
      'package.json': JSON.stringify({ name: 'lib-entries', type: 'module', main: './dist/index.js', exports: { '.': './dist/index.js' } }),
      // Built: the entry still stands for its source (the build output is not the project's own code).
      'dist/index.js': "export { valid, title, size } from './bundle.js';\n",
      // A helper its callers only give non-empty text: '' crashes it, which is no defect of the package.
      'src/util.ts': 'export function head(s: string): string {\n  return s[0]!.toUpperCase();\n}\n',
      'src/pad.ts': 'export function pad(s: string, width: number): string {\n  return s.padStart(Math.min(Math.max(width, 0), 50));\n}\n',
      'src/check.ts': 'export class Check {\n  static valid(s: string): boolean {\n    return /^[a-z]+$/.test(s);\n  }\n}\n',
      'src/index.ts': [
        "import { head } from './util.js';",
        "import { pad } from './pad.js';",
        "import { Check } from './check.js';",
        '// The kelektiv/node-cron shape: a class method offered under its own name.',
        'export const valid = Check.valid;',
        'export function title(s: string): string {',
        "  return s === '' ? '' : head(s) + s.slice(1);",
        '}',
        '// eslint-disable-next-line @typescript-eslint/no-explicit-any',
        'export function size(value: any): number {',
        '  return value.length;',
        '}',
        'export default { pad };',
        '',
      ].join('\n'),
    });
    const target = await openTarget({ dir, catalogue: false });
    const entries = publicExports(target)!;
    expect(entries.entries).toEqual(['src/index.ts']);
    expect(isPublic(entries, 'src/index.ts', 5)).toBe(true);
    expect(isPublic(entries, 'src/index.ts', 6)).toBe(true);
    expect(isPublic(entries, 'src/pad.ts', 1)).toBe(true);
    expect(isPublic(entries, 'src/util.ts', 1)).toBe(false);
    const report = await new TestDataGeneratorCore().run(target, 'boundaries');
    expect(report.notes.join('\n')).toContain('4 of 5 exported functions are reachable from the package entries (src/index.ts)');
    // title, pad and valid get data; size's parameter is `any` (null or a number would crash it: not data it promised to take).
    expect(report.notes.join('\n')).toContain('data for 3 pure exported functions');
    expect(report.stats.calls).toBeGreaterThan(10);
    expect(report.findings).toEqual([]);
  });
});

describe('test-data-generator error paths', () => {
  it('does not apply to a project with no API description and no pure function to call', async () => {
    const dir = await writeProject(tmp, 'empty', { 'src/io.ts': "import { readFileSync } from 'node:fs';\nexport const read = (p: string): string => readFileSync(p, 'utf8');\n" });
    const target = await openTarget({ dir, catalogue: false });
    const core = new TestDataGeneratorCore();
    expect(core.notApplicable(target)).toMatch(/no API description, and no function the package offers is pure with JSON-typed parameters \(1 public/);
    await expect(core.run(target, 'full')).rejects.toMatchObject({ code: 'UNSUPPORTED_TARGET' });
  });

  it('does not apply when the only pure functions are internal helpers the package entries do not reach', async () => {
    // The shape of a scheduler library: its entry exports a class doing I/O; the pure helpers behind it are not offered to users.
    const dir = await writeProject(tmp, 'internal-only', {
      'package.json': JSON.stringify({ name: 'internal-only', type: 'module', main: 'src/index.ts' }),
      'src/index.ts': "import { writeFileSync } from 'node:fs';\nimport { pad } from './helpers.js';\nexport class Job {\n  run(path: string): void {\n    writeFileSync(path, pad(1, 3));\n  }\n}\n",
      'src/helpers.ts': "export function pad(n: number, width: number): string {\n  return String(n).padStart(width, '0');\n}\n",
    });
    const core = new TestDataGeneratorCore();
    expect(core.notApplicable(await openTarget({ dir, catalogue: false }))).toMatch(/\(0 public exported function\(s\), 1 internal helper\(s\) left out\)/);
  });

  it('an API without a service to start: the data is generated and checked, the requests are listed as skipped', async () => {
    const dir = await writeProject(tmp, 'spec-only', { 'openapi.json': OWN_FILES['openapi.json']! });
    const report = await new TestDataGeneratorCore().run(await openTarget({ dir, catalogue: false }), 'negative');
    expect(report.stats.generated).toBeGreaterThan(5);
    expect(report.stats.requests).toBe(0);
    expect(report.skipped?.map((s) => s.surface)).toContain('api requests');
    expect(report.findings).toEqual([]);
  });

  it('an unknown strategy is a failed task, not a crash', async () => {
    const result = await runAgentTask(new TestDataGeneratorCore(), { dir: FIXTURE }, 'everything');
    expect(result.success).toBe(false);
    expect(result.output.errorCode).toBe('UNKNOWN_STRATEGY');
  });
});
