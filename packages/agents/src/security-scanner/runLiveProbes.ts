import { randomUUID } from 'node:crypto';
import type { DefectKind } from '../kit/findings/Finding.js';
import { loopbackFetch } from '../kit/service/loopbackFetch.js';
import type { OpenApiRoute, RouteParameter } from '../kit/openapi/loadOpenApiRoutes.js';

/** What a live probe saw on one route. */
export interface ProbeHit {
  kind: DefectKind;
  route: string;
  rule: string;
  message: string;
  /** The request and the part of the response that proves it. */
  evidence: string;
  confidence: number;
}

/** Options of `runLiveProbes`. */
export interface LiveProbeOptions {
  /** Also put markers into path parameters (more requests, more chances of noise). */
  pathParameters: boolean;
  /** Per-request timeout (ms, default 5000). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Unique marker source; injectable for tests. */
  nonce?: () => string;
  /** Headers every request carries (the target's credentials; never printed). */
  headers?: Record<string, string>;
}

/** Text minus every copy of a probe (stored by an earlier probe, echoed, or escaped), so only a computed 42049 counts. */
function withoutProbes(text: string): string {
  return text.replace(/Math\.imul\(6007,\s*7\)(?:(?:===|&#x?3[dD];|\\u003[dD]|=|&(?:amp;)?#?\w+;)+4204[89])?/g, '~').replace(/math-imul-6007-7(?:-4204[89])?/gi, '~');
}

/** The code probe: evaluates to 42049 only where the input is run as JavaScript. */
const CODE_PROBE = 'Math.imul(6007,7)';
const CODE_RESULT = '42049';

function sampleValue(p: RouteParameter): string {
  const example = p.example ?? p.schema?.['example'] ?? p.schema?.['default'] ?? (Array.isArray(p.schema?.['enum']) ? (p.schema['enum'] as unknown[])[0] : undefined);
  if (example !== undefined) return String(example);
  return p.schema?.['type'] === 'string' ? 'qe' : '1';
}

/** A documented path under the API root (`baseUrl` keeps its own path: the document's base path). */
function buildUrl(baseUrl: string, route: OpenApiRoute, values: ReadonlyMap<string, string>): URL {
  const path = route.path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(values.get(`path:${name}`) ?? sampleValue(route.parameters.find((p) => p.in === 'path' && p.name === name) ?? { name, in: 'path', required: true })));
  const url = new URL(path.replace(/^\/+/, ''), baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  for (const p of route.parameters) {
    const value = values.get(`query:${p.name}`) ?? (p.required ? sampleValue(p) : undefined);
    if (p.in === 'query' && value !== undefined) url.searchParams.set(p.name, value);
  }
  return url;
}

function excerpt(body: string, needle: string): string {
  const at = body.indexOf(needle);
  return body.slice(Math.max(0, at - 60), at + needle.length + 60).replace(/\s+/g, ' ');
}

/**
 * Harmless live probes against a loopback service, GET routes of its OpenAPI document only (GET
 * is safe by contract, so probing changes no data): reflected XSS (a unique `<qe-…>` marker in
 * each query parameter must not come back unescaped in a text/html response) and code injection
 * (`Math.imul(6007,7)` in a parameter must not come back as 42049, while a neutral value does not
 * produce 42049 either). Every request goes through `loopbackFetch`.
 */
export async function runLiveProbes(baseUrl: string, routes: readonly OpenApiRoute[], options: LiveProbeOptions): Promise<{ hits: ProbeHit[]; requests: number; probedRoutes: number }> {
  const nonce = options.nonce ?? (() => randomUUID().slice(0, 8));
  const init = { timeoutMs: options.timeoutMs ?? 5000, ...(options.signal === undefined ? {} : { signal: options.signal }) };
  const hits: ProbeHit[] = [];
  let requests = 0;
  let probedRoutes = 0;
  const get = async (url: URL): Promise<{ type: string; body: string }> => {
    requests++;
    const response = await loopbackFetch(url, { ...init, headers: { ...options.headers, accept: 'text/html,application/json;q=0.9,*/*;q=0.8' } });
    return { type: response.headers.get('content-type') ?? '', body: await response.text() };
  };
  const post = async (url: URL, method: string, body: Record<string, unknown>): Promise<{ status: number; body: string }> => {
    requests++;
    const response = await loopbackFetch(url, { ...init, method, headers: { ...options.headers, 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body) });
    return { status: response.status, body: await response.text() };
  };
  // GET probes first: body probes may store their values, which a later GET would read back.
  for (const route of routes) {
    if (route.method !== 'GET') continue;
    const inputs = route.parameters.filter((p) => p.in === 'query' || (options.pathParameters && p.in === 'path'));
    if (inputs.length === 0) continue;
    probedRoutes++;
    for (const p of inputs) {
      options.signal?.throwIfAborted();
      const key = `${p.in}:${p.name}`;
      const id = nonce();
      const marker = `<qe-${id}>`;
      const xssUrl = buildUrl(baseUrl, route, new Map([[key, `qe${id}${marker}`]]));
      const xss = await get(xssUrl);
      if (/text\/html/i.test(xss.type) && xss.body.includes(marker)) {
        hits.push({
          kind: 'xss',
          route: route.route,
          rule: 'qe/live-reflected-xss',
          message: `${p.in} parameter ${p.name} is reflected unescaped in text/html`,
          evidence: `GET ${xssUrl.pathname}${xssUrl.search} → …${excerpt(xss.body, marker)}…`,
          confidence: 0.95,
        });
      }
      const codeUrl = buildUrl(baseUrl, route, new Map([[key, CODE_PROBE]]));
      const code = await get(codeUrl);
      if (withoutProbes(code.body).includes(CODE_RESULT) && !withoutProbes((await get(buildUrl(baseUrl, route, new Map([[key, '1']])))).body).includes(CODE_RESULT)) {
        hits.push({
          kind: 'code-injection',
          route: route.route,
          rule: 'qe/live-code-evaluation',
          message: `${p.in} parameter ${p.name} is evaluated as JavaScript (${CODE_PROBE} came back as ${CODE_RESULT})`,
          evidence: `GET ${codeUrl.pathname}${codeUrl.search} → …${excerpt(code.body, CODE_RESULT)}…`,
          confidence: 0.95,
        });
      }
    }
  }
  for (const route of routes) {
    if (route.method === 'GET') continue;
    const hit = await probeBody(route);
    if (hit !== undefined) hits.push(hit);
  }
  return { hits, requests, probedRoutes };

  /**
   * A JSON body field evaluated as code: the documented example with one string field set to a
   * true and then a false comparison (`Math.imul(6007,7)===42049` / `===42048`). Code gives
   * different answers; text handling gives the same answer for both (echoes are blanked before
   * comparing). Only operations whose documented example is accepted (2xx) are probed.
   */
  async function probeBody(route: OpenApiRoute): Promise<ProbeHit | undefined> {
    const content = ((route.operation['requestBody'] as { content?: Record<string, { example?: unknown; schema?: { example?: unknown } }> } | undefined)?.content ?? {})['application/json'];
    const example = content?.example ?? content?.schema?.example;
    if (typeof example !== 'object' || example === null || Array.isArray(example)) return undefined;
    const fields = Object.entries(example as Record<string, unknown>).filter(([, v]) => typeof v === 'string').map(([k]) => k);
    if (fields.length === 0) return undefined;
    probedRoutes++;
    const url = buildUrl(baseUrl, route, new Map());
    const TRUE = `${CODE_PROBE}===${CODE_RESULT}`;
    const FALSE = `${CODE_PROBE}===42048`;
    for (const field of fields) {
      options.signal?.throwIfAborted();
      const send = (value: string) => post(url, route.method, { ...(example as Record<string, unknown>), [field]: value });
      const yes = await send(TRUE);
      const no = await send(FALSE);
      // The true probe twice: an answer that changes on its own (a generated id, a timestamp) proves nothing.
      const again = yes.status < 300 && no.status < 300 ? await send(TRUE) : undefined;
      // Echoes and transformations of the probe text (a slug, HTML escapes) are blanked as well.
      const blank = (text: string): string => withoutProbes(text).replace(/4204[89]/g, '~');
      if (again !== undefined && blank(again.body) === blank(yes.body) && blank(yes.body) !== blank(no.body)) {
        return {
          kind: 'code-injection',
          route: route.route,
          rule: 'qe/live-code-evaluation',
          message: `body field ${field} is evaluated as JavaScript: ${TRUE} and ${FALSE} get different answers`,
          evidence: `${route.method} ${url.pathname} {"${field}":"${TRUE}",…} → ${yes.status} ${yes.body.slice(0, 80)}; with "${FALSE}" → ${no.status} ${no.body.slice(0, 80)}`,
          confidence: 0.9,
        };
      }
    }
    return undefined;
  }
}
