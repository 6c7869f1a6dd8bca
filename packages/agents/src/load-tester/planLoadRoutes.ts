import type { ApiOperation } from '../kit/openapi/operations.js';
import { validRequest } from '../kit/openapi/operations.js';
import { findIds } from '../kit/openapi/responseProblems.js';
import { hasArray } from '../kit/openapi/hasArray.js';
import type { SchemaSampler } from '../kit/openapi/SchemaSampler.js';
import type { SkippedSurface } from '../kit/agent/AgentCore.js';
import { loopbackFetch } from '../kit/service/loopbackFetch.js';

/** A request the service accepted once, ready to be repeated under load. */
export interface LoadRoute {
  /** `METHOD /path/{template}` (the catalogue's route format) or `GET /path` for discovered pages. */
  route: string;
  method: string;
  url: string;
  body?: string;
  contentType?: string;
  /** The status it answered without load. */
  status: number;
  /** The JSON body at a given array length, for routes whose body holds an array. */
  payloadAt?: (n: number) => string;
}

/** What `planLoadRoutes` found. */
export interface LoadPlan {
  routes: LoadRoute[];
  skipped: SkippedSurface[];
  /** Routes considered (loadable + skipped). */
  considered: number;
}

interface Probe {
  status: number;
  body: string;
}

/**
 * Turns the API description's operations into requests the service accepts, each probed once
 * without load: reads first (their ids fill the path parameters of item routes), then writes with
 * sampled bodies; DELETE is never loaded (repeating it measures only 404s). A request answered
 * ≥ 400 without load is skipped with its status: load would only measure its error path.
 */
export async function planFromOperations(
  baseUrl: string,
  operations: readonly ApiOperation[],
  sampler: SchemaSampler,
  headers: Record<string, string>,
  signal?: AbortSignal,
): Promise<LoadPlan> {
  const ids = new Map<string, string[]>();
  const routes: LoadRoute[] = [];
  const skipped: SkippedSurface[] = [];
  const ordered = [...operations].filter((op) => op.method !== 'DELETE').sort((a, b) => rank(a) - rank(b));
  for (const op of ordered) {
    const pathParams: Record<string, string> = {};
    let missing: string | undefined;
    for (const p of op.params.filter((q) => q.in === 'path')) {
      const collection = op.path.slice(0, op.path.indexOf(`{${p.name}}`)).replace(/\/$/, '');
      const value = ids.get(collection)?.[0] ?? p.example ?? p.schema?.example ?? p.schema?.enum?.[0];
      if (value === undefined) missing = p.name;
      else pathParams[p.name] = String(value);
    }
    if (missing !== undefined) {
      skipped.push({ surface: op.route, reason: `no value for path parameter ${missing} (no id listed by its collection, no example)` });
      continue;
    }
    const { query, body } = validRequest(op, sampler, true);
    const qs = query.toString();
    const url = `${baseUrl}${op.path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(pathParams[name] ?? ''))}${qs ? `?${qs}` : ''}`;
    const json = op.body?.mediaType.includes('json') ?? false;
    if (op.body !== undefined && !json) {
      skipped.push({ surface: op.route, reason: `request body ${op.body.mediaType} (only JSON bodies are loaded)` });
      continue;
    }
    const text = body === undefined ? undefined : JSON.stringify(body);
    const probe = await send(url, op.method, headers, text, signal);
    if (probe.status >= 400) {
      skipped.push({ surface: op.route, reason: `answered ${probe.status} without load to the sampled request` });
      continue;
    }
    if (op.method === 'GET' && !op.params.some((p) => p.in === 'path')) {
      const found = findIds(probe.body);
      if (found.length > 0) ids.set(op.path, found);
    }
    const schema = op.body?.schema;
    routes.push({
      route: op.route,
      method: op.method,
      url,
      status: probe.status,
      ...(text === undefined ? {} : { body: text, contentType: 'application/json' }),
      ...(schema !== undefined && hasArray(schema) && !op.params.some((p) => p.in === 'path') ? { payloadAt: (n: number) => JSON.stringify(sampler.valid(schema, { arrayLength: n })) } : {}),
    });
  }
  return { routes, skipped, considered: ordered.length };
}

/**
 * Without an API description: `/` and the same-origin links of the page it serves (up to `limit`),
 * each probed with GET; those answering < 400 are loaded.
 */
export async function planFromPages(baseUrl: string, headers: Record<string, string>, limit: number, signal?: AbortSignal): Promise<LoadPlan> {
  const root = await send(`${baseUrl}/`, 'GET', headers, undefined, signal);
  const paths = new Set<string>(['/']);
  for (const match of root.body.matchAll(/href\s*=\s*["']([^"'#?]+)/gi)) {
    const href = match[1] ?? '';
    if (!href.startsWith('/') || href.startsWith('//')) continue;
    if (paths.size >= limit) break;
    paths.add(href);
  }
  const routes: LoadRoute[] = [];
  const skipped: SkippedSurface[] = [];
  for (const path of paths) {
    const probe = path === '/' ? root : await send(`${baseUrl}${path}`, 'GET', headers, undefined, signal);
    if (probe.status >= 400) skipped.push({ surface: `GET ${path}`, reason: `answered ${probe.status} without load` });
    else routes.push({ route: `GET ${path}`, method: 'GET', url: `${baseUrl}${path}`, status: probe.status });
  }
  return { routes, skipped, considered: paths.size };
}

async function send(url: string, method: string, headers: Record<string, string>, body: string | undefined, signal?: AbortSignal): Promise<Probe> {
  const response = await loopbackFetch(url, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    timeoutMs: 10_000,
    ...(body === undefined ? {} : { body }),
    ...(signal ? { signal } : {}),
  });
  return { status: response.status, body: await response.text() };
}

/** Reads of collections, then reads of items, then writes: ids come first, writes last so reads see seeded data. */
function rank(op: ApiOperation): number {
  const templated = op.params.some((p) => p.in === 'path') ? 1 : 0;
  return (op.method === 'GET' ? 0 : 2) + templated;
}
