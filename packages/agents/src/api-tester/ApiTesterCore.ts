import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import type { ValidateFunction } from 'ajv';
import addFormatsPlugin from 'ajv-formats';
import { findStrategy } from '../kit/agent/AgentCore.js';
import type { AgentCore, AgentReport, AgentRunOptions, AgentStrategy, SkippedSurface } from '../kit/agent/AgentCore.js';
import { apiBaseUrl, credentialsMismatch, pathMismatch } from '../kit/openapi/apiBaseUrl.js';
import { maskCredentials } from '../kit/service/maskCredentials.js';
import { AgentError } from '../kit/agent/AgentError.js';
import { withService } from '../kit/service/TargetService.js';
import type { TargetServiceOptions } from '../kit/service/TargetService.js';
import type { Finding } from '../kit/findings/Finding.js';
import { invalidRequests, loadOperations, validRequest } from '../kit/openapi/operations.js';
import type { ApiOperation, ValidRequestOptions } from '../kit/openapi/operations.js';
import { loopbackFetch } from '../kit/service/loopbackFetch.js';
import { documentedResponse, findIds, responseProblems } from '../kit/openapi/responseProblems.js';
import type { DocumentedResponses } from '../kit/openapi/responseProblems.js';
import { SchemaSampler } from '../kit/openapi/SchemaSampler.js';
import type { SchemaObject } from '../kit/openapi/SchemaSampler.js';
import type { Target } from '../kit/target/Target.js';

/** Knobs of an api-tester strategy. */
export interface ApiTesterConfig {
  /** Random valid requests per operation on top of the example-based one. */
  randomCases: number;
  /** Send invalid requests (missing/wrong-typed fields, out-of-range values): expect 4xx, never 5xx. */
  negative: boolean;
  /** Write-then-read sequences (POST then GET, PUT/PATCH then GET) comparing the fields. */
  stateful: boolean;
}

/** What happened to one operation. */
export interface OperationStats {
  route: string;
  requests: number;
  statuses: Record<string, number>;
  undocumentedStatuses: number[];
  /** Invalid requests answered with 2xx. */
  acceptedInvalid: number;
  p50Ms: number;
  p95Ms: number;
}

/** An api-tester report: the kit's report plus per-operation figures. */
export interface ApiTesterReport extends AgentReport {
  stats: { operations: number; operationsCovered: number; requests: number; perOperation: OperationStats[]; document: string };
}

/** Constructor options of `ApiTesterCore`. */
export interface ApiTesterCoreOptions {
  /** Seed of the request generator (default 7). */
  seed?: number;
  /** Per-request timeout (default 5000 ms). */
  requestTimeoutMs?: number;
  /** How to start the target's service when the target gives no base URL (kit `TargetService` options). */
  service?: Omit<TargetServiceOptions, 'dir'>;
  now?: () => number;
}

/** The strategies. */
export const API_TESTER_STRATEGIES: readonly AgentStrategy<ApiTesterConfig>[] = [
  { name: 'examples-only', description: 'one request per operation from the documented examples', config: { randomCases: 0, negative: false, stateful: false } },
  { name: 'schema-fuzz', description: 'examples + 4 random valid requests per operation', config: { randomCases: 4, negative: false, stateful: false } },
  { name: 'negative-cases', description: 'examples + invalid requests (expect 4xx, never 5xx)', config: { randomCases: 0, negative: true, stateful: false } },
  { name: 'stateful', description: 'examples + write-then-read sequences', config: { randomCases: 0, negative: false, stateful: true } },
  { name: 'thorough', description: 'examples + fuzz + negative + stateful', config: { randomCases: 4, negative: true, stateful: true } },
];

const addFormats = addFormatsPlugin as unknown as (ajv: Ajv) => Ajv;
interface Sent {
  op: ApiOperation;
  status: number;
  body: string;
  ms: number;
  /** Why the request was invalid; undefined for valid ones. */
  invalid: string | undefined;
}

/** The surfaces of `config` that no operation of the document offers, with the reason. */
function skippedSurfaces(operations: ApiOperation[], config: ApiTesterConfig): SkippedSurface[] {
  const skipped: SkippedSurface[] = [];
  if (config.negative && !operations.some((op) => op.body?.schema !== undefined || op.params.some((p) => p.in === 'query' && p.required))) {
    skipped.push({ surface: 'negative cases', reason: 'no operation documents a request body or a required query parameter to break' });
  }
  const writes = operations.filter((op) => ['POST', 'PUT', 'PATCH'].includes(op.method) && op.body?.schema);
  if (config.stateful && !writes.some((op) => operations.some((o) => o.method === 'GET' && (o.path === op.path || o.path.replace(/\/\{[^}]+\}$/, '') === op.path)))) {
    skipped.push({ surface: 'write-then-read', reason: 'no write operation with a body has a GET to read the resource back' });
  }
  return skipped;
}

/**
 * API tester core: validates and dereferences the target's OpenAPI document (swagger-parser),
 * starts the target's service on loopback (or uses the given loopback base URL), sends generated
 * valid and invalid requests, and checks statuses and bodies against the documented responses
 * (ajv): 5xx, schema violations, empty bodies where content is documented, fields dropped by a
 * write, undocumented statuses and latency per operation.
 */
export class ApiTesterCore implements AgentCore {
  readonly id = 'api-tester';
  readonly usesService = true;
  readonly strategies = API_TESTER_STRATEGIES;
  readonly #options: ApiTesterCoreOptions;

  constructor(options: ApiTesterCoreOptions = {}) {
    this.#options = options;
  }

  /** Not applicable without an API description, or without a service to start or a URL. */
  notApplicable(target: Target): string | undefined {
    if (target.profile.api === undefined) {
      return `no API description (no JSON or YAML file with a top-level openapi or swagger key)${target.baseUrl === undefined ? ' and no URL' : ' to test the given URL against'}`;
    }
    const given = this.#options.service?.command !== undefined || this.#options.service?.args !== undefined;
    if (target.baseUrl === undefined && target.profile.service === undefined && !given) return 'no service to start (no start command, start script or conventional entry such as server.js or app.js) and no URL';
    return undefined;
  }

  async run(target: Target, strategyName: string, options: AgentRunOptions = {}): Promise<ApiTesterReport> {
    const now = this.#options.now ?? Date.now;
    const started = now();
    const strategy = findStrategy(this, strategyName);
    const why = this.notApplicable(target);
    if (why !== undefined || target.profile.api === undefined) throw new AgentError('UNSUPPORTED_TARGET', `not applicable: ${why ?? 'no API description'}`);
    const { file, operations, basePath } = await loadOperations(target.dir, { file: target.profile.api.file });
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    const run = new ApiRun(operations, strategy.config, ajv, new SchemaSampler({ seed: this.#options.seed ?? 7 }), this.#options.requestTimeoutMs ?? 5000, options.signal, target.headers ?? {});
    const skipped = skippedSurfaces(operations, strategy.config);
    let base = '';
    await withService(target, (serviceUrl) => run.execute((base = apiBaseUrl(serviceUrl, basePath))), this.#options.service);
    const validStatuses = run.sent.filter((s) => !s.invalid).map((s) => s.status);
    const mismatch = pathMismatch(validStatuses, base);
    if (mismatch !== undefined) {
      run.notes.push(mismatch);
      skipped.push({ surface: 'operations answering 404', reason: mismatch });
    }
    const refused = credentialsMismatch(validStatuses, Object.keys(target.headers ?? {}).length > 0);
    if (refused !== undefined) {
      run.notes.push(refused);
      skipped.push({ surface: 'operations behind authentication', reason: refused });
    }
    const perOperation = run.stats();
    // With a base path or credentials mismatch an operation counts only when it answered something else.
    const reached = (status: string): boolean => (mismatch === undefined || status !== '404') && (refused === undefined || (status !== '401' && status !== '403'));
    const covered = perOperation.filter((s) => s.requests > 0 && Object.keys(s.statuses).some(reached)).length;
    const surfaces = 1 + (strategy.config.randomCases > 0 ? 1 : 0) + (strategy.config.negative ? 1 : 0) + (strategy.config.stateful ? 1 : 0);
    const ranSurfaces = surfaces - skipped.filter((s) => s.surface === 'negative cases' || s.surface === 'write-then-read').length;
    if (basePath !== '') run.notes.push(`requests sent under the document's base path ${basePath}`);
    return {
      agentId: this.id,
      strategy: strategy.name,
      target: target.dir,
      findings: run.findings(mismatch !== undefined),
      durationMs: now() - started,
      coverage: operations.length === 0 ? 0 : (covered / operations.length) * (ranSurfaces / surfaces),
      notes: run.notes.map((n) => maskCredentials(n, target.headers)),
      ...(skipped.length === 0 ? {} : { skipped }),
      stats: { operations: operations.length, operationsCovered: covered, requests: run.sent.length, perOperation, document: file },
    };
  }
}

/** One run of the checks against one base URL. */
class ApiRun {
  readonly sent: Sent[] = [];
  readonly notes: string[] = [];
  readonly #findings = new Map<string, Finding>();
  readonly #acceptedInvalid = new Map<ApiOperation, number>();
  /** Resource ids seen in responses, by collection path (`/api/products`). */
  readonly #ids = new Map<string, string[]>();
  readonly #validators = new Map<object, ValidateFunction>();
  /** Status of the response each finding came from. */
  readonly #findingStatus = new Map<string, number>();
  #lastStatus = 0;

  constructor(
    readonly operations: ApiOperation[],
    readonly config: ApiTesterConfig,
    readonly ajv: Ajv,
    readonly sampler: SchemaSampler,
    readonly timeoutMs: number,
    readonly signal: AbortSignal | undefined,
    /** Sent with every request (credentials); masked wherever a request or response is quoted. */
    readonly headers: Record<string, string>,
  ) {}

  async execute(baseUrl: string): Promise<void> {
    for (const op of this.operations) {
      this.#checkAborted();
      await this.#send(baseUrl, op, this.#validRequest(op, true));
      // Optional query parameters without examples: the example request leaves them out.
      if (op.params.some((p) => p.in === 'query' && !p.required && p.example === undefined && p.schema?.example === undefined)) {
        await this.#send(baseUrl, op, this.#validRequest(op, true, { allOptional: true }));
      }
      for (let i = 0; i < this.config.randomCases; i++) await this.#send(baseUrl, op, this.#validRequest(op, false, { vary: i, allOptional: i % 2 === 0 }, i));
      if (this.config.negative) {
        for (const request of this.#invalidRequests(op)) {
          const sent = await this.#send(baseUrl, op, request);
          if (sent.status >= 200 && sent.status < 300) this.#acceptedInvalid.set(op, (this.#acceptedInvalid.get(op) ?? 0) + 1);
        }
      }
      if (this.config.stateful && ['POST', 'PUT', 'PATCH'].includes(op.method) && op.body?.schema) await this.#writeThenRead(baseUrl, op);
    }
    // Reads run before writes (so seeded data survives): read again the resources this run created.
    if (this.config.randomCases > 0) {
      for (const op of this.operations.filter((o) => o.method === 'GET' && o.params.some((p) => p.in === 'path'))) {
        const request = this.#validRequest(op, false, {}, -1);
        const created = op.params.filter((p) => p.in === 'path').map((p) => this.#ids.get(op.path.slice(0, op.path.indexOf(`{${p.name}}`)).replace(/\/$/, ''))?.at(-1));
        if (created.some((id) => id === undefined)) continue;
        await this.#send(baseUrl, op, request);
      }
    }
  }

  /** The findings; without those from 404 answers when the requests missed the API (a base path mismatch). */
  findings(dropNotFound = false): Finding[] {
    return [...this.#findings.entries()].filter(([key]) => !dropNotFound || this.#findingStatus.get(key) !== 404).map(([, f]) => ({ ...f, message: maskCredentials(f.message, this.headers), evidence: maskCredentials(f.evidence, this.headers) }));
  }

  stats(): OperationStats[] {
    return this.operations.map((op) => {
      const mine = this.sent.filter((s) => s.op === op);
      const times = mine.map((s) => s.ms).sort((a, b) => a - b);
      const statuses: Record<string, number> = {};
      for (const s of mine) statuses[s.status] = (statuses[s.status] ?? 0) + 1;
      const undocumented = [...new Set(mine.map((s) => s.status))].filter((status) => documentedResponse(op.responses, status) === undefined);
      return {
        route: op.route,
        requests: mine.length,
        statuses,
        undocumentedStatuses: undocumented,
        acceptedInvalid: this.#acceptedInvalid.get(op) ?? 0,
        p50Ms: quantile(times, 0.5),
        p95Ms: quantile(times, 0.95),
      };
    });
  }

  #checkAborted(): void {
    if (this.signal?.aborted) throw new AgentError('ABORTED', 'api testing was aborted');
  }

  /** `nth`: which random request this is; it picks the nth id the collection listed, so every listed resource gets its turn. */
  #validRequest(op: ApiOperation, examples: boolean, options: ValidRequestOptions = {}, nth = 0): Request {
    const pathParams: Record<string, string> = {};
    for (const p of op.params) if (p.in === 'path') pathParams[p.name] = this.#pathValue(op, p, examples, nth);
    return { pathParams, ...validRequest(op, this.sampler, examples, options), invalid: undefined };
  }

  #invalidRequests(op: ApiOperation): Request[] {
    const base = this.#validRequest(op, true);
    return invalidRequests(op, this.sampler, base).map((r) => ({ ...base, ...r }));
  }

  #pathValue(op: ApiOperation, p: ApiOperation['params'][number], examples: boolean, nth: number): string {
    const collection = op.path.slice(0, op.path.indexOf(`{${p.name}}`)).replace(/\/$/, '');
    const known = [...new Set(this.#ids.get(collection) ?? [])];
    // Deletes take the newest id (one this run created) so the seeded data stays for the others.
    // nth -1: the newest (one this run created).
    const harvested = op.method === 'DELETE' || nth < 0 ? known.at(-1) : known[nth % Math.max(1, known.length)];
    const example = p.example ?? p.schema?.example;
    if (examples && example !== undefined) return String(example);
    return harvested ?? String(example ?? this.sampler.valid(p.schema));
  }

  async #send(baseUrl: string, op: ApiOperation, request: Request): Promise<Sent> {
    this.#checkAborted();
    const path = op.path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(request.pathParams[name] ?? 'x'));
    const qs = request.query.toString();
    const url = `${baseUrl}${path}${qs ? `?${qs}` : ''}`;
    const { body: payload, contentType } = encodeBody(request.body, op.body?.mediaType, op.body?.schema);
    const headers: Record<string, string> = { ...this.headers, ...(contentType === undefined ? {} : { 'content-type': contentType }) };
    const t0 = performance.now();
    const response = await loopbackFetch(url, { method: op.method, timeoutMs: this.timeoutMs, headers, ...(payload === undefined ? {} : { body: payload }), ...(this.signal ? { signal: this.signal } : {}) });
    const body = await response.text();
    const sent: Sent = { op, status: response.status, body, ms: performance.now() - t0, invalid: request.invalid };
    this.#lastStatus = sent.status;
    this.sent.push(sent);
    this.#harvestIds(op, body);
    this.#check(sent, request, `${op.method} ${path}${qs ? `?${qs}` : ''}`, response.headers.get('content-type'));
    return sent;
  }

  #harvestIds(op: ApiOperation, body: string): void {
    if (op.params.some((p) => p.in === 'path') && op.method !== 'POST') return;
    const ids = findIds(body);
    if (ids.length > 0) this.#ids.set(op.path, [...(this.#ids.get(op.path) ?? []), ...ids]);
  }

  #check(sent: Sent, request: Request, what: string, contentType: string | null): void {
    const problem = responseProblems(sent.op.responses, { status: sent.status, body: sent.body, contentType }, (schema, data) => {
      let validate = this.#validators.get(schema);
      if (!validate) this.#validators.set(schema, (validate = this.ajv.compile(schema)));
      return validate(data) ? undefined : (validate.errors ?? []).slice(0, 3).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`).join('; ');
    });
    if (!problem) return;
    // An invalid request proves only a server error: a body that breaks its schema may echo what was sent.
    if (request.invalid !== undefined && problem.kind !== 'api-server-error') return;
    const why = request.invalid === undefined ? '' : ` (to an invalid request: ${request.invalid})`;
    const evidence = `request body ${truncate(JSON.stringify(request.body))}; response ${truncate(sent.body)}`;
    this.#report(sent.op, problem.kind, problem.kind === 'api-server-error' ? 'high' : 'medium', `${what} ${problem.message}${why}`, evidence, problem.confidence);
  }

  /** Writes every field the schema allows, reads the resource back, and reports fields that vanished. */
  async #writeThenRead(baseUrl: string, op: ApiOperation): Promise<void> {
    const read = this.operations.find((o) => o.method === 'GET' && (o.path === op.path || (op.method === 'POST' && /\/\{[^}]+\}$/.test(o.path) && o.path.replace(/\/\{[^}]+\}$/, '') === op.path)));
    if (!read) return;
    const request = this.#validRequest(op, true);
    request.body = this.sampler.valid(op.body?.schema, { preferExamples: true, allOptional: true });
    const written = await this.#send(baseUrl, op, request);
    if (written.status < 200 || written.status >= 300 || typeof request.body !== 'object' || request.body === null) return;
    const readParams = { ...request.pathParams };
    if (read.path !== op.path) {
      const created = parseJson(written.body) as Record<string, unknown> | undefined;
      const param = /\{([^}]+)\}$/.exec(read.path)?.[1];
      if (!param || created?.['id'] === undefined) return;
      readParams[param] = String(created['id']);
    }
    const back = await this.#send(baseUrl, read, { pathParams: readParams, query: new URLSearchParams(), body: undefined, invalid: undefined });
    const readBack = parseJson(back.body);
    if (back.status !== 200 || typeof readBack !== 'object' || readBack === null) return;
    const declared = (read.responses['200']?.['application/json'] as SchemaObject | null | undefined)?.properties ?? {};
    const dropped = Object.keys(request.body).filter((k) => k in declared && !(k in readBack));
    if (dropped.length > 0) {
      this.#report(op, 'api-field-dropped', 'high', `${op.route} then ${read.route}: field(s) ${dropped.join(', ')} sent but not returned`, `sent ${truncate(JSON.stringify(request.body))}; read back ${truncate(back.body)}`, 0.85);
    }
  }

  #report(op: ApiOperation, kind: Finding['kind'], severity: Finding['severity'], message: string, evidence: string, confidence: number): void {
    const key = `${kind} ${op.route}`;
    if (this.#findings.has(key)) return;
    this.#findingStatus.set(key, this.#lastStatus);
    this.#findings.set(key, { kind, severity, location: { route: op.route }, message, evidence, confidence, rule: `api:${kind}`, verified: `the running service answered ${op.route} with ${this.#lastStatus}` });
  }
}

interface Request {
  pathParams: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  /** Why the request is invalid; undefined for valid ones. */
  invalid: string | undefined;
}

/**
 * The request body in the documented media type: JSON by default, a form (`FormData`, the
 * boundary set by fetch) for multipart, URL-encoded fields for forms. `contentType` undefined:
 * let fetch set it.
 */
function encodeBody(body: unknown, mediaType: string | undefined, schema?: SchemaObject): { body: string | FormData | URLSearchParams | undefined; contentType: string | undefined } {
  if (body === undefined) return { body: undefined, contentType: undefined };
  const fields = typeof body === 'object' && body !== null && !Array.isArray(body) ? Object.entries(body as Record<string, unknown>) : undefined;
  if (mediaType?.startsWith('multipart/form-data') && fields) {
    const form = new FormData();
    for (const [name, value] of fields) {
      const property = schema?.properties?.[name];
      const items = property?.type === 'array' ? property.items : property;
      // Binary properties are file parts; the others are plain form fields (objects as JSON text).
      const isFile = items?.format === 'binary' || items?.format === 'base64' || (items as Record<string, unknown> | undefined)?.['contentMediaType'] !== undefined;
      const values = Array.isArray(value) ? value : [value];
      for (const v of values) {
        const text = typeof v === 'string' ? v : JSON.stringify(v);
        if (isFile) form.append(name, new Blob([text], { type: 'application/octet-stream' }), `${name}.bin`);
        else form.append(name, text);
      }
    }
    return { body: form, contentType: undefined };
  }
  if (mediaType === 'application/x-www-form-urlencoded' && fields) {
    return { body: new URLSearchParams(fields.map(([k, v]): [string, string] => [k, typeof v === 'string' ? v : JSON.stringify(v)])), contentType: mediaType };
  }
  return { body: JSON.stringify(body), contentType: mediaType ?? 'application/json' };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function truncate(text: string | undefined, max = 300): string {
  const t = text ?? '';
  return t.length > max ? `${t.slice(0, max)}…` : t;
}

/** Quantile of sorted values (nearest rank); 0 for none. */
function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
}
