import { Ajv } from 'ajv';
import type { ValidateFunction } from 'ajv';
import addFormatsPlugin from 'ajv-formats';
import { AgentError } from '../kit/agent/AgentError.js';
import type { Finding } from '../kit/findings/Finding.js';
import type { ApiOperation } from '../kit/openapi/operations.js';
import { responseProblems } from '../kit/openapi/responseProblems.js';
import { loopbackFetch } from '../kit/service/loopbackFetch.js';
import { maskCredentials } from '../kit/service/maskCredentials.js';

const addFormats = addFormatsPlugin as unknown as (ajv: Ajv) => Ajv;
/** Steps quoted in a finding: a long random walk keeps its last ones, those leading to the problem. */
const MAX_EVIDENCE_STEPS = 12;

/** One request of a flow and what it answered. */
export interface FlowStep {
  op: ApiOperation;
  path: string;
  body: unknown;
  status: number;
  text: string;
  json: unknown;
}

/** Constructor options of `FlowSession`. */
export interface FlowSessionOptions {
  baseUrl: string;
  /** Sent with every request (credentials); masked in findings. */
  headers?: Record<string, string>;
  timeoutMs?: number;
  signal?: AbortSignal;
  /**
   * The query string sent with `op` (default none): the core passes the parameters the document
   * requires, so a list or read that needs `?type=` is not refused before any flow starts.
   */
  query?: (op: ApiOperation) => URLSearchParams;
}

/**
 * The state one flow carries between requests: cookies the service set, the request log that
 * becomes a finding's evidence, and the findings. Every response is judged against the document
 * (kit `responseProblems` + ajv), all requests go through `loopbackFetch`.
 */
export class FlowSession {
  readonly #options: FlowSessionOptions;
  readonly #cookies = new Map<string, string>();
  readonly #findings = new Map<string, Finding>();
  readonly #validators = new Map<object, ValidateFunction>();
  readonly #ajv: Ajv;
  /** Every step of the current flow, in order. */
  log: FlowStep[] = [];
  requests = 0;
  /** The status of every response of every flow: base path and credentials mismatches are judged on them. */
  readonly statuses: number[] = [];

  constructor(options: FlowSessionOptions, ajv?: Ajv) {
    this.#options = options;
    this.#ajv = ajv ?? addFormats(new Ajv({ strict: false, allErrors: true }));
  }

  /** Starts a new flow: a fresh log and no cookies, so one flow's state never leaks into the next. */
  begin(): void {
    this.log = [];
    this.#cookies.clear();
  }

  /**
   * Sends `op` with its path parameters and JSON body; judges and logs the response. `queryFor`
   * overrides query values of the run's query for this request (a list filtered like the item a flow created).
   */
  async send(op: ApiOperation, pathParams: Record<string, string>, body?: unknown, queryFor?: Record<string, string>): Promise<FlowStep> {
    if (this.#options.signal?.aborted) throw new AgentError('ABORTED', 'integration flows were aborted');
    const query = new URLSearchParams(this.#options.query?.(op));
    for (const [name, value] of Object.entries(queryFor ?? {})) query.set(name, value);
    const qs = query.toString();
    const path = `${op.path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(pathParams[name] ?? ''))}${qs ? `?${qs}` : ''}`;
    const headers: Record<string, string> = { ...this.#options.headers };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.#cookies.size > 0) headers['cookie'] = [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const response = await loopbackFetch(`${this.#options.baseUrl}${path}`, {
      method: op.method,
      headers,
      timeoutMs: this.#options.timeoutMs ?? 10_000,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      ...(this.#options.signal ? { signal: this.#options.signal } : {}),
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = ''] = cookie.split(';');
      const eq = pair.indexOf('=');
      if (eq > 0) this.#cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    const text = await response.text();
    const step: FlowStep = { op, path, body, status: response.status, text, json: parseJson(text) };
    this.requests++;
    this.statuses.push(step.status);
    this.log.push(step);
    // A body the document wants in another media type (multipart, form) was sent as JSON or not at
    // all: the service's 4xx answers our request, not a defect, so it is logged but not judged.
    if (op.body !== undefined && !op.body.mediaType.includes('json')) return step;
    const problem = responseProblems(op.responses, { status: step.status, body: text, contentType: response.headers.get('content-type') }, (schema, data) => this.#validate(schema, data));
    if (problem) this.report(op, problem.kind, problem.kind === 'api-server-error' ? 'high' : 'medium', `${op.method} ${path} ${problem.message}`, problem.confidence, `${op.route}/${problem.kind}`, `step ${this.log.length} of the request sequence: ${describe(step)}`);
    return step;
  }

  /**
   * Records a finding at `op`'s route (one per kind and route), with the flow so far as evidence.
   * Every caller judges responses the service really gave, so the finding is verified: by
   * `reproduction` when given (the step that answered wrongly), else by replaying the sequence.
   */
  report(op: ApiOperation, kind: Finding['kind'], severity: Finding['severity'], message: string, confidence: number, rule: string, reproduction?: string): void {
    const key = `${kind} ${op.route}`;
    if (this.#findings.has(key)) return;
    const headers = this.#options.headers ?? {};
    this.#findings.set(key, {
      kind,
      severity,
      location: { route: op.route },
      message: maskCredentials(message, headers),
      evidence: maskCredentials(`request sequence${this.log.length > MAX_EVIDENCE_STEPS ? ` (last ${MAX_EVIDENCE_STEPS} of ${this.log.length})` : ''}: ${this.log.slice(-MAX_EVIDENCE_STEPS).map((s, i) => `${Math.max(0, this.log.length - MAX_EVIDENCE_STEPS) + i + 1}. ${describe(s)}`).join(' | ')}`, headers),
      confidence,
      rule: `integration-tester/${rule.includes('/') ? rule.split('/').at(-1) : rule}`,
      verified: maskCredentials(reproduction ?? `observed live: replaying the ${Math.min(this.log.length, MAX_EVIDENCE_STEPS)} requests in the evidence against the running service gives the same answers`, headers),
    });
  }

  /** The findings of every flow so far. */
  findings(): Finding[] {
    return [...this.#findings.values()];
  }

  #validate(schema: object, data: unknown): string | undefined {
    let validate = this.#validators.get(schema);
    if (!validate) this.#validators.set(schema, (validate = this.#ajv.compile(schema)));
    return validate(data) ? undefined : (validate.errors ?? []).slice(0, 3).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`).join('; ');
  }
}

function describe(step: FlowStep): string {
  const sent = step.body === undefined ? '' : ` ${truncate(JSON.stringify(step.body), 160)}`;
  const answer = step.text.length === 0 ? '(empty body)' : truncate(step.text, 160);
  return `${step.op.method} ${step.path}${sent} → ${step.status} ${answer}`;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
