import type { ApiOperation } from '../kit/openapi/operations.js';
import type { SchemaObject, SchemaSampler } from '../kit/openapi/SchemaSampler.js';

/** Fields of the JSON response a GET documents for 200. */
export function declaredFields(read: ApiOperation): Set<string> {
  const schema = Object.entries(read.responses['200'] ?? read.responses['2XX'] ?? {}).find(([type]) => type.includes('json'))?.[1] as SchemaObject | null | undefined;
  return new Set(Object.keys(schema?.properties ?? {}));
}

/** Fields sent in a write that the read documents but does not return. */
export function droppedFields(sent: unknown, readBack: unknown, declared: ReadonlySet<string>): string[] {
  if (!isObject(sent) || !isObject(readBack)) return [];
  return Object.keys(sent).filter((k) => declared.has(k) && !(k in readBack) && sent[k] !== undefined && sent[k] !== null);
}

/**
 * Fields a write changed that the next read still shows with their old value: the read equals the
 * state before the write and differs from what was sent (numbers and numeric strings compare by value).
 */
export function staleFields(sent: unknown, before: unknown, after: unknown): string[] {
  if (!isObject(sent) || !isObject(before) || !isObject(after)) return [];
  return Object.keys(sent).filter((k) => {
    const value = sent[k];
    if (value === null || typeof value === 'object' || !(k in before) || !(k in after)) return false;
    return !same(after[k], value) && same(after[k], before[k]) && !same(before[k], value);
  });
}

/** The id a create returned: its `id`, else the first id-like field (`<name>Id`, `_id`, `uuid`). */
export function createdId(json: unknown): string | undefined {
  if (!isObject(json)) return undefined;
  for (const key of ['id', '_id', 'uuid', ...Object.keys(json).filter((k) => /(^|[a-z])(Id|_id)$/.test(k))]) {
    const value = json[key];
    if (typeof value === 'string' || typeof value === 'number') return String(value);
  }
  return undefined;
}

/**
 * A request body for `op`: the documented example (its media example over the schema's, every
 * optional field filled from the schema), or random values within the schema (`fresh`).
 * String fields that name another resource (`sku`, `…Id`, `…_id`) get an id the service listed
 * when they are not from the example: state carried across modules.
 */
export function bodyFor(op: ApiOperation, sampler: SchemaSampler, fresh: boolean, knownIds: readonly string[]): unknown {
  if (op.body === undefined) return undefined;
  const sampled = sampler.valid(op.body.schema, { preferExamples: !fresh, allOptional: true });
  const example = fresh ? undefined : op.body.example;
  if (!isObject(sampled)) return example ?? sampled;
  const merged: Record<string, unknown> = { ...sampled, ...(isObject(example) ? example : {}) };
  for (const key of Object.keys(merged)) {
    if (isObject(example) && key in example) continue;
    if (typeof merged[key] === 'string' && /^(sku|.*Id|.*_id)$/.test(key) && knownIds.length > 0) merged[key] = knownIds[Math.floor(sampler.next() * knownIds.length)];
  }
  return merged;
}

/**
 * Query values for `list` taken from the item a flow sent: a list whose query filters on a field
 * the item has (`?type=` for `{ type: 'dog' }`) must be asked for that value, or a filter the run
 * sampled (`?type=cat`) would hide the item and fake a missing or a deleted one.
 */
export function listQueryLike(list: ApiOperation, sent: unknown): Record<string, string> {
  if (!isObject(sent)) return {};
  const out: Record<string, string> = {};
  for (const p of list.params) {
    const value = sent[p.name];
    if (p.in === 'query' && (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')) out[p.name] = String(value);
  }
  return out;
}

/** Whether a list answer may be one full page: it holds as many ids as a numeric query value asked for (`?limit=3`). */
export function pageMayBeFull(path: string, ids: number): boolean {
  const query = new URLSearchParams(path.includes('?') ? path.slice(path.indexOf('?') + 1) : '');
  return [...query.values()].some((v) => /^\d+$/.test(v) && ids >= Number(v));
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if ((typeof a === 'number' || typeof a === 'string') && (typeof b === 'number' || typeof b === 'string') && a !== '' && b !== '') return Number(a) === Number(b) && !Number.isNaN(Number(a));
  return JSON.stringify(a) === JSON.stringify(b);
}
