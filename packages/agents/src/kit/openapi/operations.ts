import { AgentError } from '../agent/AgentError.js';
import { loadOpenApiRoutes } from './loadOpenApiRoutes.js';
import type { DocumentedResponses } from './responseProblems.js';
import type { SchemaObject } from './SchemaSampler.js';
import type { SchemaSampler } from './SchemaSampler.js';

/** An operation of the OpenAPI document. */
export interface ApiOperation {
  method: string;
  path: string;
  /** `METHOD /path/{template}`, the catalogue's route format. */
  route: string;
  params: Array<{ name: string; in: string; required: boolean; schema?: SchemaObject; example?: unknown }>;
  /** The request body; `example` is the media type's own `example` (or first `examples` value), which `schema.example` does not carry. */
  body?: { schema?: SchemaObject; required: boolean; mediaType: string; example?: unknown };
  responses: DocumentedResponses;
}

/** Reads before writes, deletes last, so the service's seeded data survives for the other checks. */
const METHOD_ORDER: Record<string, number> = { GET: 0, POST: 1, PUT: 2, PATCH: 3, DELETE: 4 };

/**
 * The operations of the target's API description, validated and dereferenced (kit
 * `loadOpenApiRoutes`: Swagger 2 converted), reads before writes and deletes last, with the
 * document's base path (`/v1`, `''` for the root) that every request must be prefixed with.
 * No document: UNSUPPORTED_TARGET. `file` is the profile's or the user's document.
 */
export async function loadOperations(dir: string, options: { file?: string } = {}): Promise<{ file: string; basePath: string; operations: ApiOperation[] }> {
  const { file, document, routes, basePath } = await loadOpenApiRoutes(dir, { validate: true, ...(options.file === undefined ? {} : { file: options.file }) });
  if (!('openapi' in document)) throw new AgentError('UNSUPPORTED_TARGET', `${file} is not OpenAPI 3 after conversion`);
  const operations = routes
    .filter((r) => r.method in METHOD_ORDER)
    .map((r): ApiOperation => {
      const requestBody = r.operation['requestBody'] as { required?: boolean; content?: Record<string, { schema?: SchemaObject; example?: unknown; examples?: Record<string, { value?: unknown }> }> } | undefined;
      const [mediaType, described] = Object.entries(requestBody?.content ?? {})[0] ?? [];
      // The media type's example (or first named example) is the body's example: sampled bodies start from it.
      const mediaExample = described?.example ?? Object.values(described?.examples ?? {})[0]?.value;
      const media = described?.schema !== undefined && described.schema.example === undefined && mediaExample !== undefined ? { schema: { ...described.schema, example: mediaExample } } : described;
      const responses: DocumentedResponses = {};
      for (const [status, response] of Object.entries((r.operation['responses'] ?? {}) as Record<string, { content?: Record<string, { schema?: SchemaObject }> }>)) {
        responses[status] = Object.fromEntries(Object.entries(response.content ?? {}).map(([type, m]) => [type, m.schema ?? null]));
      }
      return {
        method: r.method,
        path: r.path,
        route: r.route,
        params: r.parameters.map((p) => ({ ...p, ...(p.schema ? { schema: p.schema as SchemaObject } : {}) })),
        ...(mediaType === undefined ? {} : { body: { ...(media?.schema ? { schema: media.schema } : {}), required: requestBody?.required === true, mediaType, ...(mediaExample === undefined ? {} : { example: mediaExample }) } }),
        responses,
      };
    });
  return { file, basePath, operations: operations.sort((a, b) => (METHOD_ORDER[a.method] ?? 9) - (METHOD_ORDER[b.method] ?? 9)) };
}

/** Options of `validRequest`. */
export interface ValidRequestOptions {
  /** Send every optional query parameter (sampled when it has no example), not only those with examples. */
  allOptional?: boolean;
  /**
   * Vary one body property of the documented example (the `vary`-th, cycling) instead of sampling
   * the whole body: the other fields keep values the service knows (an existing member), so the
   * varied one reaches the code behind the first check (an unknown copy).
   */
  vary?: number;
}

/** The query and body of a valid request (examples first when `examples`), without path parameters. */
export function validRequest(op: ApiOperation, sampler: SchemaSampler, examples: boolean, options: ValidRequestOptions = {}): { query: URLSearchParams; body: unknown } {
  const query = new URLSearchParams();
  for (const p of op.params) {
    if (p.in !== 'query') continue;
    const hasExample = p.example !== undefined || p.schema?.example !== undefined;
    if (p.required || options.allOptional === true || (examples ? hasExample : sampler.next() < 0.5)) {
      query.set(p.name, String(examples ? (p.example ?? sampler.valid(p.schema, { preferExamples: true })) : sampler.valid(p.schema)));
    }
  }
  const schema = op.body?.schema;
  if (schema === undefined) return { query, body: undefined };
  if (options.vary !== undefined && schema.properties !== undefined) {
    const base = sampler.valid(schema, { preferExamples: true });
    const names = Object.entries(schema.properties).filter(([, p]) => (p as { readOnly?: unknown }).readOnly !== true).map(([n]) => n);
    if (typeof base === 'object' && base !== null && !Array.isArray(base) && names.length > 0) {
      const name = names[options.vary % names.length]!;
      return { query, body: { ...(base as Record<string, unknown>), [name]: sampler.valid(schema.properties[name]) } };
    }
  }
  return { query, body: sampler.valid(schema, { preferExamples: examples }) };
}

/** Variants of a valid request that the document says are invalid: bad bodies, missing or bad required query parameters. */
export function invalidRequests(op: ApiOperation, sampler: SchemaSampler, base: { query: URLSearchParams; body: unknown }): Array<{ query: URLSearchParams; body: unknown; invalid: string }> {
  const out: Array<{ query: URLSearchParams; body: unknown; invalid: string }> = [];
  for (const bad of sampler.invalid(op.body?.schema)) out.push({ query: base.query, body: bad.value, invalid: `body: ${bad.reason}` });
  // Optional parameters too: a bad value of one the document lists must get 4xx like any other.
  for (const p of op.params.filter((q) => q.in === 'query')) {
    if (p.required) {
      const missing = new URLSearchParams(base.query);
      missing.delete(p.name);
      out.push({ query: missing, body: base.body, invalid: `query ${p.name} missing` });
    }
    for (const bad of sampler.invalid(p.schema).filter((b) => typeof b.value !== 'object')) {
      const q = new URLSearchParams(base.query);
      q.set(p.name, String(bad.value));
      out.push({ query: q, body: base.body, invalid: `query ${p.name}: ${bad.reason}` });
    }
  }
  return out;
}
