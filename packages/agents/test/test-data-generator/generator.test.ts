import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RecordGenerator, SchemaChecker, documentedSide, docPairs, extractExports, functionDataSets, sendable, shapeSchema, toJsonSchema, verdictOf } from '@qe-fleet/agents';
import { writeProject } from '../support/writeProject.js';
import type { ExportedFunction, GeneratedRecord, JsonSchema } from '@qe-fleet/agents';

const user: JsonSchema = {
  type: 'object',
  required: ['name', 'age', 'role'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 2, maxLength: 20 },
    email: { type: 'string', format: 'email' },
    age: { type: 'integer', minimum: 0, maximum: 150 },
    score: { type: 'number', minimum: 0, exclusiveMaximum: 10 },
    role: { type: 'string', enum: ['admin', 'editor', 'viewer'] },
    code: { type: 'string', pattern: '^[A-Z]{3}$' },
    tags: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 3 },
    nick: { type: 'string', nullable: true },
  },
};

const all = (seed: number): GeneratedRecord[] => {
  const g = new RecordGenerator({ seed });
  return [...g.valid(user, 10), ...g.boundaries(user), ...g.invalid(user)];
};

describe('RecordGenerator', () => {
  it('is reproducible: the same seed gives the same records, another seed other ones', () => {
    expect(all(7)).toEqual(all(7));
    expect(JSON.stringify(all(8))).not.toEqual(JSON.stringify(all(7)));
  });

  it('every record is what it claims: ajv confirms the valid ones and each invalid one breaks exactly its claimed keyword', () => {
    const checker = new SchemaChecker();
    const records = all(3);
    const failed = records.filter((r) => !checker.check(user, r).ok).map((r) => `${r.kind} ${r.note} ${JSON.stringify(r.value)} ${checker.check(user, r).errors.join(', ')}`);
    expect(failed).toEqual([]);
    expect(records.filter((r) => r.kind === 'invalid').length).toBeGreaterThan(15);
  });

  it('hits the boundaries: min/max length, minimum/maximum, exclusive maximum, enum edges, item counts', () => {
    const notes = new RecordGenerator({ seed: 1 }).boundaries(user).map((r) => r.note);
    for (const expected of ['/name minLength 2', '/name maxLength 20', '/age minimum 0', '/age maximum 150', '/score just below exclusiveMaximum 10', '/role first enum value', '/role last enum value', '/tags minItems 1', '/tags maxItems 3', 'required fields only']) {
      expect(notes).toContain(expected);
    }
    const boundary = new RecordGenerator({ seed: 1 }).boundaries(user);
    expect((boundary.find((r) => r.note === '/name maxLength 20')?.value as { name: string }).name).toHaveLength(20);
    expect((boundary.find((r) => r.note === '/score just below exclusiveMaximum 10')?.value as { score: number }).score).toBe(9.99);
  });

  it('claims one violation per constraint kind, at the right JSON pointer', () => {
    const claims = new RecordGenerator({ seed: 1 }).invalid(user).map((r) => `${r.claim?.keyword} ${r.claim?.path}`);
    for (const expected of ['minLength /name', 'maxLength /name', 'minimum /age', 'maximum /age', 'exclusiveMaximum /score', 'enum /role', 'pattern /code', 'format /email', 'minItems /tags', 'maxItems /tags', 'required ', 'additionalProperties ', 'type /age']) {
      expect(claims).toContain(expected);
    }
    // A nullable field never gets "null instead of string".
    expect(claims.filter((c) => c === 'type /nick')).toHaveLength(1);
  });
});

describe('SchemaChecker', () => {
  it('refuses an invalid record that breaks more than its claim, or another constraint', () => {
    const checker = new SchemaChecker();
    const schema = { type: 'object', properties: { code: { type: 'string', minLength: 3, pattern: '^[A-Z]+$' } } };
    // Too short and not upper case: two errors, so it does not test minLength alone.
    expect(checker.check(schema, { kind: 'invalid', value: { code: 'a' }, note: '', claim: { keyword: 'minLength', path: '/code', reason: '' } }).ok).toBe(false);
    expect(checker.check(schema, { kind: 'invalid', value: { code: 'AB' }, note: '', claim: { keyword: 'minLength', path: '/code', reason: '' } }).ok).toBe(true);
    expect(checker.check(schema, { kind: 'invalid', value: { code: 'AB' }, note: '', claim: { keyword: 'pattern', path: '/code', reason: '' } }).ok).toBe(false);
    expect(checker.check(schema, { kind: 'valid', value: { code: 'ab' }, note: '' }).ok).toBe(false);
  });

  it('reads OpenAPI 3.0 schemas: boolean exclusive bounds and nullable', () => {
    expect(toJsonSchema({ type: 'number', minimum: 1, exclusiveMinimum: true, example: 3 })).toEqual({ type: 'number', exclusiveMinimum: 1 });
    expect(toJsonSchema({ type: 'string', nullable: true })).toEqual({ type: ['string', 'null'] });
    const checker = new SchemaChecker();
    expect(checker.check({ type: 'integer', minimum: 0, exclusiveMinimum: true }, { kind: 'valid', value: 0, note: '' }).ok).toBe(false);
  });
});

describe('function data', () => {
  it('reads the documented side of a bound', () => {
    expect(documentedSide('Rate: BULK_RATE from BULK_THRESHOLD units on, else 0.', 'BULK_THRESHOLD', 10)?.neighbour).toBe(1);
    expect(documentedSide('Free delivery for orders above 50.', 'FREE_FROM', 50)?.neighbour).toBe(-1);
    expect(documentedSide('At least LIMIT items.', 'LIMIT', 3)?.neighbour).toBe(1);
    expect(documentedSide('Counts the items.', 'LIMIT', 3)).toBeUndefined();
    // Contradicting statements say nothing.
    expect(documentedSide('From LIMIT on. Above LIMIT.', 'LIMIT', 3)).toBeUndefined();
  });

  it('reads documented examples', () => {
    expect(docPairs('Turns a name into a slug ("Crème brûlée" becomes "creme-brulee").', 'slugify')).toEqual([{ input: 'Crème brûlée', output: 'creme-brulee', source: '"Crème brûlée" becomes "creme-brulee"' }]);
    expect(docPairs('double(3) returns 6; other(1) returns 2', 'double').map((p) => [p.input, p.output])).toEqual([[3, 6]]);
    // The `//=>` form of many libraries' @example blocks, with a statement's semicolon and a JSON keyword as the output.
    expect(docPairs("```\nisIP('1:2:3:4:5:6:7:8');\n//=> true\n\nisIP('x');\n//=> false\n```", 'isIP').map((p) => [p.input, p.output])).toEqual([['1:2:3:4:5:6:7:8', true], ['x', false]]);
    expect(docPairs("ipVersion('abc');\n//=> undefined", 'ipVersion')).toEqual([]);
  });

  it('reads the doc of a JavaScript module from its hand-written declaration', async () => {
    const tmp = await mkdtemp(join(tmpdir(), 'qe-tdg-dts-'));
    try {
      const dir = await writeProject(tmp, 'dts', {
        'index.js': 'export function isHex(string) {\n  return /^[\\da-f]+$/i.test(string);\n}\n',
        'index.d.ts': "/**\nCheck if `string` is hexadecimal.\n\n@example\n```\nisHex('ff');\n//=> true\n```\n*/\nexport function isHex(string: string): boolean;\n",
      });
      const [fn] = extractExports(dir, [join(dir, 'index.js')]).functions;
      expect(fn?.params[0]?.type).toEqual({ kind: 'string' });
      expect(docPairs(fn!.doc, 'isHex').map((p) => [p.input, p.output])).toEqual([['ff', true]]);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });

  it("takes the declaration package.json gives a JavaScript module: its exports condition's types, or that of the file a browser field replaces (the nanoid shape)", async () => {
    const tmp = await mkdtemp(join(tmpdir(), 'qe-tdg-exports-'));
    try {
      const alphabet = 'export function customAlphabet(alphabet, size = 21) {\n  return () => alphabet.slice(0, size);\n}\n';
      const dir = await writeProject(tmp, 'exports', {
        'package.json': JSON.stringify({ type: 'module', exports: { '.': { types: './types/main.d.ts', browser: './index.browser.js', default: './index.js' }, './sub': { types: './types/sub.d.ts', default: './sub/impl.js' } }, browser: { './lib/node.js': './lib/web.js' }, main: './lib/node.js', types: './types/lib.d.ts' }),
        'index.js': alphabet,
        'index.browser.js': alphabet,
        'sub/impl.js': alphabet,
        'lib/node.js': alphabet,
        'lib/web.js': alphabet,
        ...Object.fromEntries(['main', 'sub', 'lib'].map((name) => [`types/${name}.d.ts`, 'export function customAlphabet(alphabet: string, size?: number): () => string;\n'])),
      });
      for (const file of ['index.js', 'index.browser.js', 'sub/impl.js', 'lib/node.js', 'lib/web.js']) {
        const [fn] = extractExports(dir, [join(dir, file)]).functions;
        expect(fn?.params.map((p) => p.type), file).toEqual([{ kind: 'string' }, { kind: 'number' }]);
      }
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });

  it('turns types into JSON Schema and leaves out what no JSON value has', () => {
    expect(shapeSchema({ kind: 'union', options: [{ kind: 'literal', value: 'a' }, { kind: 'literal', value: 'b' }] })).toEqual({ enum: ['a', 'b'] });
    expect(shapeSchema({ kind: 'object', properties: [{ name: 'n', type: { kind: 'number' }, optional: false }] })).toEqual({ type: 'object', properties: { n: { type: 'number' } }, required: ['n'] });
    expect(shapeSchema({ kind: 'date' })).toBeUndefined();
    expect(shapeSchema({ kind: 'function', arity: 1, returns: { kind: 'number' } })).toBeUndefined();
  });

  it('plans the three values around a documented bound and only pure functions with JSON parameters', () => {
    const fn = (over: Partial<ExportedFunction>): ExportedFunction => ({
      name: 'rate', file: 'src/r.ts', line: 1, endLine: 3, params: [{ name: 'quantity', type: { kind: 'number' }, optional: false }], returns: { kind: 'number' }, async: false,
      doc: 'Rate from LIMIT units on.', thresholds: [{ param: 'quantity', constant: 'LIMIT', value: 10, operator: '>' }], pure: true, io: false, ...over,
    });
    const [set] = functionDataSets([fn({}), fn({ name: 'io', pure: false }), fn({ name: 'cb', params: [{ name: 'f', type: { kind: 'opaque', text: 'Foo' }, optional: false }] })], new RecordGenerator({ seed: 1 }), { random: 2, boundaries: true });
    expect(set?.fn.name).toBe('rate');
    const bound = set?.records.filter((r) => r.expect?.oracle === 'doc-boundary').map((r) => (r.value as number[])[0]);
    expect(bound).toEqual([10, 11, 9]);
  });
});

describe('verdicts', () => {
  const valid: GeneratedRecord = { kind: 'valid', value: {}, note: '' };
  const invalid: GeneratedRecord = { kind: 'invalid', value: {}, note: '', claim: { keyword: 'minimum', path: '/body/age', reason: '' } };
  it('judges statuses: 5xx always, 4xx on valid data, 2xx on invalid data; doors and missing resources say nothing', () => {
    expect(verdictOf(valid, 500, false)).toBe('server-error');
    expect(verdictOf(invalid, 503, false)).toBe('server-error');
    expect(verdictOf(valid, 400, false)).toBe('valid-rejected');
    expect(verdictOf(valid, 404, true)).toBe('inconclusive');
    expect(verdictOf(valid, 401, false)).toBe('inconclusive');
    expect(verdictOf(invalid, 201, false)).toBe('invalid-accepted');
    expect(verdictOf(invalid, 422, false)).toBe('as-expected');
  });

  it('sends no invalid record that is not invalid on the wire (a number for a string query parameter)', () => {
    const schema: JsonSchema = { type: 'object', properties: { query: { type: 'object', properties: { q: { type: 'string' }, n: { type: 'integer' } } } } };
    expect(sendable({ ...invalid, claim: { keyword: 'type', path: '/query/q', reason: 'a number instead of string' } }, schema)).toBe(false);
    expect(sendable({ ...invalid, claim: { keyword: 'type', path: '/query/n', reason: 'a string instead of integer' } }, schema)).toBe(true);
    expect(sendable({ ...invalid, claim: { keyword: 'type', path: '', reason: 'a string instead of object' } }, schema)).toBe(false);
  });
});
