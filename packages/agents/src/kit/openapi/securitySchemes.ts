import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseYaml } from '../target/parseYaml.js';

/** One security scheme of an API description and how many operations require it. */
export interface SecurityScheme {
  /** The scheme's key under `components.securitySchemes` (Swagger 2: `securityDefinitions`). */
  name: string;
  /** `apiKey`, `http`, `oauth2`, `openIdConnect` (Swagger 2 `basic` is read as `http` + `basic`). */
  type: string;
  /** apiKey: where the key goes. */
  in?: 'header' | 'query' | 'cookie';
  /** apiKey: the header, query parameter or cookie name. */
  param?: string;
  /** http: `bearer`, `basic`, … (lower case). */
  scheme?: string;
  /** Operations whose security requirement (their own or the document's) names this scheme. */
  operations: number;
}

const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

/**
 * The security schemes of a parsed OpenAPI 3 or Swagger 2 document, with the number of operations
 * requiring each (an operation's `security` overrides the document's; `security: []` or an empty
 * requirement `{}` among the alternatives makes it public, so it counts for no scheme).
 */
export function securitySchemesOf(document: unknown): SecurityScheme[] {
  if (!isRecord(document)) return [];
  const declared = isRecord(document['components']) ? document['components']['securitySchemes'] : document['securityDefinitions'];
  if (!isRecord(declared)) return [];
  const schemes = new Map<string, SecurityScheme>();
  for (const [name, raw] of Object.entries(declared)) {
    const def = isRecord(raw) && typeof raw['$ref'] === 'string' ? resolveRef(document, raw['$ref']) : raw;
    if (!isRecord(def) || typeof def['type'] !== 'string') continue;
    const basic = def['type'] === 'basic';
    const where = def['in'];
    schemes.set(name, {
      name,
      type: basic ? 'http' : def['type'],
      ...(where === 'header' || where === 'query' || where === 'cookie' ? { in: where } : {}),
      ...(typeof def['name'] === 'string' ? { param: def['name'] } : {}),
      ...(basic ? { scheme: 'basic' } : typeof def['scheme'] === 'string' ? { scheme: def['scheme'].toLowerCase() } : {}),
      operations: 0,
    });
  }
  const global = document['security'];
  for (const item of Object.values(isRecord(document['paths']) ? document['paths'] : {})) {
    if (!isRecord(item)) continue;
    for (const [method, op] of Object.entries(item)) {
      if (!METHODS.has(method) || !isRecord(op)) continue;
      const requirement = Array.isArray(op['security']) ? op['security'] : Array.isArray(global) ? global : [];
      if (requirement.some((alt) => isRecord(alt) && Object.keys(alt).length === 0)) continue;
      const named = new Set(requirement.flatMap((alt) => (isRecord(alt) ? Object.keys(alt) : [])));
      for (const name of named) {
        const scheme = schemes.get(name);
        if (scheme) scheme.operations++;
      }
    }
  }
  return [...schemes.values()];
}

/** Reads and parses the API description at `file` (relative to `dir`) and returns its schemes; [] when it cannot be read. */
export async function loadSecuritySchemes(dir: string, file: string): Promise<SecurityScheme[]> {
  const text = await readFile(resolve(dir, file), 'utf8').catch(() => undefined);
  if (text === undefined) return [];
  try {
    return securitySchemesOf(file.endsWith('.json') ? JSON.parse(text) : parseYaml(text, { maxAliasCount: 1000 }));
  } catch {
    return [];
  }
}

/** Whether `headers` already carry a credential for `scheme` (header names compared case-insensitively). */
export function hasCredential(scheme: SecurityScheme, headers: Readonly<Record<string, string>> = {}): boolean {
  const lower = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  if (scheme.type === 'apiKey' && scheme.in === 'header') return scheme.param !== undefined && lower.has(scheme.param.toLowerCase());
  if (scheme.type === 'apiKey' && scheme.in === 'cookie') return scheme.param !== undefined && (lower.get('cookie') ?? '').split(';').some((c) => c.trim().startsWith(`${scheme.param}=`));
  if (scheme.type === 'apiKey') return false;
  const authorization = lower.get('authorization') ?? '';
  if (scheme.type === 'http' && scheme.scheme !== undefined && scheme.scheme !== 'bearer') return authorization.toLowerCase().startsWith(`${scheme.scheme} `);
  return /^bearer /i.test(authorization);
}

/**
 * What the user must configure for each scheme some operation requires and no header carries:
 * the header, cookie or query parameter the document names, and the option that sends it
 * (`headers`, `bearerTokenEnv`, `apiKeyEnv`). Empty when every required scheme is configured,
 * or when one alternative is (any configured scheme may be the one the service accepts).
 */
export function credentialAdvice(schemes: readonly SecurityScheme[], headers: Readonly<Record<string, string>> = {}): string[] {
  const required = schemes.filter((s) => s.operations > 0);
  if (required.length === 0 || required.some((s) => hasCredential(s, headers))) return [];
  return required.map((s) => `the API description's security scheme ${s.name} (${describeScheme(s)}, required by ${s.operations} operation${s.operations === 1 ? '' : 's'}) has no credential configured: ${howToConfigure(s)}`);
}

function describeScheme(s: SecurityScheme): string {
  if (s.type === 'apiKey') return `apiKey in ${s.in ?? 'header'} ${s.param ?? '?'}`;
  if (s.type === 'http') return `http ${s.scheme ?? 'bearer'}`;
  return s.type;
}

function howToConfigure(s: SecurityScheme): string {
  const param = s.param ?? 'the key';
  if (s.type === 'apiKey' && s.in === 'header') return `send header ${param} with \`headers: {"${param}": "…"}\` (qe-fleet config \`headers\`, QE_HEADERS for the agents' scripts) or name the variable holding the key with \`apiKeyEnv\` (QE_API_KEY_ENV)`;
  if (s.type === 'apiKey' && s.in === 'cookie') return `send cookie ${param} with \`headers: {"cookie": "${param}=…"}\` or name the variable holding it with \`apiKeyEnv\` (QE_API_KEY_ENV)`;
  if (s.type === 'apiKey') return `the key goes in query parameter ${param}, which the agents cannot add to every request: run the service with authentication off for the test, or give a header it also accepts with \`headers\``;
  if (s.type === 'http' && s.scheme === 'basic') return 'send `headers: {"authorization": "Basic <base64 user:password>"}`';
  return 'name the environment variable holding a bearer token with `bearerTokenEnv` (qe-fleet config `tokenEnv`, QE_BEARER_ENV for the scripts), sent as `authorization: Bearer …`';
}

/**
 * `headers` plus the key from `apiKey` sent where the document's apiKey scheme says: its header
 * name, or its cookie. Undefined when no apiKey scheme in a header or cookie is documented (the
 * caller refuses the option then: the key would go nowhere).
 */
export function withApiKey(schemes: readonly SecurityScheme[], apiKey: string, headers: Readonly<Record<string, string>> = {}): Record<string, string> | undefined {
  const usable = schemes.filter((s) => s.type === 'apiKey' && s.param !== undefined && (s.in === 'header' || s.in === 'cookie'));
  // The scheme most operations require first: that is the one the service checks on most routes.
  const scheme = usable.sort((a, b) => b.operations - a.operations)[0];
  if (scheme === undefined || scheme.param === undefined) return undefined;
  if (hasCredential(scheme, headers)) return { ...headers };
  if (scheme.in === 'header') return { ...headers, [scheme.param]: apiKey };
  const cookieKey = Object.keys(headers).find((k) => k.toLowerCase() === 'cookie');
  const cookie = `${scheme.param}=${apiKey}`;
  const rest = Object.fromEntries(Object.entries(headers).filter(([k]) => k !== cookieKey));
  return { ...rest, cookie: cookieKey === undefined ? cookie : `${headers[cookieKey]}; ${cookie}` };
}

function resolveRef(document: Record<string, unknown>, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = document;
  for (const part of ref.slice(2).split('/')) node = isRecord(node) ? node[part.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
  return node;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
