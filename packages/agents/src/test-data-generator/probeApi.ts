import type { ApiOperation } from '../kit/openapi/operations.js';
import { loopbackFetch } from '../kit/service/loopbackFetch.js';
import type { GeneratedRecord, JsonSchema, RecordGenerator } from './RecordGenerator.js';

/** The data set of one operation: its request schema (`{ query, body }`) and the records for it. */
export interface RequestDataSet {
  route: string;
  schema: JsonSchema;
  records: GeneratedRecord[];
}

/** How the service answered one record. */
export interface RequestOutcome {
  route: string;
  record: GeneratedRecord;
  /** `METHOD /path?query` as sent (relative to the API base URL). */
  request: string;
  body?: string;
  status: number;
  /** First characters of the response body. */
  response: string;
  verdict: 'as-expected' | 'valid-rejected' | 'invalid-accepted' | 'server-error' | 'inconclusive';
}

/**
 * The schema of an operation's request as one JSON value: `query` (the query parameters, typed as
 * documented) and `body` (the JSON request body). Undefined when the operation takes neither.
 */
export function requestSchema(op: ApiOperation): JsonSchema | undefined {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  const query = op.params.filter((p) => p.in === 'query' && p.schema !== undefined);
  if (query.length > 0) {
    const needed = query.filter((p) => p.required).map((p) => p.name);
    properties['query'] = { type: 'object', properties: Object.fromEntries(query.map((p) => [p.name, nonEmpty(p.schema as JsonSchema)])), required: needed };
    // Leaving every parameter out is invalid only when one of them is required.
    if (needed.length > 0) required.push('query');
  }
  if (op.body?.schema !== undefined && /json/i.test(op.body.mediaType)) {
    properties['body'] = writable(op.body.schema as JsonSchema);
    if (op.body.required) required.push('body');
  }
  return Object.keys(properties).length === 0 ? undefined : { type: 'object', properties, required };
}

/**
 * A query parameter's schema as the wire sees it: OpenAPI's `allowEmptyValue` defaults to false,
 * so an empty text (of the value or of an array item) is no valid value.
 */
function nonEmpty(schema: JsonSchema): JsonSchema {
  if (schema.type === 'string' && schema.enum === undefined) return { ...schema, minLength: Math.max(1, schema.minLength ?? 0) };
  if (schema.type === 'array' && schema.items !== undefined) return { ...schema, items: nonEmpty(schema.items) };
  return schema;
}

/** A request body's schema without its `readOnly` properties: a client never sends them (OpenAPI 3.0). */
function writable(schema: JsonSchema, depth = 0): JsonSchema {
  if (depth > 6 || schema.properties === undefined) return schema;
  const kept = Object.entries(schema.properties).filter(([, p]) => (p as { readOnly?: boolean }).readOnly !== true);
  return {
    ...schema,
    properties: Object.fromEntries(kept.map(([k, p]) => [k, writable(p, depth + 1)])),
    ...(schema.required === undefined ? {} : { required: schema.required.filter((k) => kept.some(([name]) => name === k)) }),
  };
}

/**
 * Whether an invalid record can be sent as it claims: a whole request of the wrong type is no
 * request, and on the wire a query value is always text, so a number sent for a string parameter
 * or a null query value is not invalid at all.
 */
export function sendable(record: GeneratedRecord, schema: JsonSchema): boolean {
  const claim = record.claim;
  if (claim === undefined) return true;
  if (claim.path === '' && claim.keyword !== 'required') return false;
  if (claim.path === '/query' && claim.keyword !== 'required') return false;
  const match = /^\/query\/([^/]+)(\/0)?$/.exec(claim.path);
  if (match && claim.keyword === 'type') {
    // On the wire a query value is text, and one value is an array of one item: only a word where a number or boolean belongs is invalid.
    const param = schema.properties?.['query']?.properties?.[match[1] ?? ''];
    const typed = match[2] === undefined ? param : param?.items;
    return (typed?.type === 'number' || typed?.type === 'integer' || typed?.type === 'boolean') && !claim.reason.startsWith('null');
  }
  return true;
}

/** Options of `probeApi`. */
export interface ProbeApiOptions {
  baseUrl: string;
  headers: Record<string, string>;
  timeoutMs: number;
  generator: RecordGenerator;
  signal?: AbortSignal;
}

/**
 * Sends every record of an operation's data set to the service (through `loopbackFetch`) and
 * judges the status: valid and boundary records must be accepted (2xx; 404 for an operation whose
 * path names a resource is inconclusive), invalid ones rejected (4xx), and nothing may answer 5xx.
 */
export async function probeApi(op: ApiOperation, set: RequestDataSet, options: ProbeApiOptions): Promise<RequestOutcome[]> {
  const out: RequestOutcome[] = [];
  const path = fillPath(op, options.generator);
  const namesResource = path !== op.path;
  for (const record of set.records) {
    options.signal?.throwIfAborted();
    const value = (record.value ?? {}) as { query?: Record<string, unknown>; body?: unknown };
    const pairs: string[] = [];
    const text = (x: unknown): string => encodeURIComponent(typeof x === 'string' ? x : JSON.stringify(x));
    for (const [name, v] of Object.entries(value.query ?? {})) {
      // OpenAPI's default query style (form, exploded): one `name=item` per array item, RFC 3986
      // percent-encoding (a space is %20: `+` is a reserved character some validators refuse).
      if (Array.isArray(v)) for (const item of v) pairs.push(`${encodeURIComponent(name)}=${text(item)}`);
      else if (v !== undefined) pairs.push(`${encodeURIComponent(name)}=${text(v)}`);
    }
    const qs = pairs.join('&');
    const relative = `${path}${qs === '' ? '' : `?${qs}`}`;
    const hasBody = 'body' in value && value.body !== undefined;
    const payload = hasBody ? JSON.stringify(value.body) : undefined;
    const headers: Record<string, string> = { ...options.headers, ...(hasBody ? { 'content-type': op.body?.mediaType ?? 'application/json' } : {}) };
    const response = await loopbackFetch(`${options.baseUrl}${relative}`, {
      method: op.method,
      headers,
      timeoutMs: options.timeoutMs,
      ...(payload === undefined ? {} : { body: payload }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    const answer = await response.text().catch(() => '');
    out.push({
      route: op.route,
      record,
      request: `${op.method} ${relative}`,
      ...(payload === undefined ? {} : { body: payload }),
      status: response.status,
      response: answer.slice(0, 300),
      verdict: verdictOf(record, response.status, namesResource),
    });
  }
  return out;
}

/** The verdict on one answer (see `probeApi`). */
export function verdictOf(record: GeneratedRecord, status: number, namesResource: boolean): RequestOutcome['verdict'] {
  if (status >= 500) return 'server-error';
  if (status === 401 || status === 403 || status === 429 || (status >= 300 && status < 400)) return 'inconclusive';
  if (record.kind === 'invalid') return status >= 200 && status < 300 ? 'invalid-accepted' : 'as-expected';
  if (status >= 200 && status < 300) return 'as-expected';
  // A resource that does not exist or conflicts says nothing about the data.
  if ((status === 404 && namesResource) || status === 409 || status === 405) return 'inconclusive';
  return 'valid-rejected';
}

/** The operation's path with every `{param}` filled: the documented example, else a generated value. */
function fillPath(op: ApiOperation, generator: RecordGenerator): string {
  return op.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const param = op.params.find((p) => p.in === 'path' && p.name === name);
    const value = param?.example ?? param?.schema?.example ?? generator.value((param?.schema as JsonSchema | undefined) ?? { type: 'string', pattern: '^[a-z0-9]+$' }, name, { optional: 'none' });
    return encodeURIComponent(String(value));
  });
}
