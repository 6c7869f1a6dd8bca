import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { isAbsolute, join } from 'node:path';
import { parseYaml } from '../target/parseYaml.js';
import type { OpenAPI } from 'openapi-types';
import { AgentError } from '../agent/AgentError.js';
import { basePathOf, findApiDescription } from './findApiDescription.js';

/** Where targets usually keep their OpenAPI document. */
const CANDIDATES = ['openapi.json', 'openapi.yaml', 'openapi.yml', 'swagger.json', 'swagger.yaml', 'docs/openapi.json', 'docs/openapi.yaml', 'api/openapi.json', 'api/openapi.yaml'];
const require = createRequire(import.meta.url);
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

/** One documented parameter of a route. */
export interface RouteParameter {
  name: string;
  in: 'query' | 'path' | 'header' | 'cookie';
  required: boolean;
  schema?: Record<string, unknown>;
  example?: unknown;
}

/** One operation of the document, with path-level and operation parameters merged. */
export interface OpenApiRoute {
  /** Upper case, e.g. `GET`. */
  method: string;
  /** Path template, e.g. `/api/products/{id}`. */
  path: string;
  /** `METHOD path`, the catalogue's route location. */
  route: string;
  parameters: RouteParameter[];
  operation: Record<string, unknown>;
}

/** Path of one of the conventionally named OpenAPI documents of the target, or undefined (see `findApiDescription` for the full search). */
export function findOpenApiFile(dir: string): string | undefined {
  return CANDIDATES.map((c) => join(dir, c)).find((p) => existsSync(p));
}

/** Options of `loadOpenApiRoutes`. */
export interface LoadOpenApiRoutesOptions {
  /** Also check the document against the OpenAPI schema (swagger-parser `validate`). */
  validate?: boolean;
  /** The document (relative to `dir` or absolute): the profile's or the user's; default: searched with `findApiDescription`. */
  file?: string;
}

/** A loaded API description. */
export interface LoadedOpenApi {
  /** Absolute path of the document. */
  file: string;
  /** The OpenAPI 3 document, dereferenced (Swagger 2 converted first). */
  document: OpenAPI.Document;
  routes: OpenApiRoute[];
  /** Path every operation is under (`/v1`; `''` for the root), from `servers` or Swagger 2 `basePath`. */
  basePath: string;
  /** Set when the document was Swagger 2 and was converted to OpenAPI 3 (swagger2openapi). */
  convertedFrom?: string;
}

/**
 * Loads and dereferences a target's API description (JSON or YAML, local `$ref`s only: resolving
 * external references could fetch from the network) and lists its operations. Swagger 2 is
 * converted to OpenAPI 3 with swagger2openapi (offline: no reference resolution) or refused with
 * UNSUPPORTED_TARGET saying why. No document: UNSUPPORTED_TARGET; an unreadable (or, with
 * `validate`, invalid) one: TOOL_FAILED.
 */
export async function loadOpenApiRoutes(dir: string, options: LoadOpenApiRoutesOptions = {}): Promise<LoadedOpenApi> {
  const found = options.file === undefined ? (await findApiDescription(dir))?.file : options.file;
  if (found === undefined) throw new AgentError('UNSUPPORTED_TARGET', `no OpenAPI document (API description) in ${dir}: no JSON or YAML file with a top-level openapi or swagger key outside dependencies and build output`);
  const file = isAbsolute(found) ? found : join(dir, found);
  let raw: Record<string, unknown>;
  try {
    const text = await readFile(file, 'utf8');
    raw = (file.endsWith('.json') ? JSON.parse(text) : parseYaml(text, { maxAliasCount: 1000 })) as Record<string, unknown>;
  } catch (error) {
    throw new AgentError('TOOL_FAILED', `cannot read API description ${file}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  if (typeof raw !== 'object' || raw === null || (raw['openapi'] === undefined && raw['swagger'] === undefined)) {
    throw new AgentError('UNSUPPORTED_TARGET', `${file} has no top-level openapi or swagger key`);
  }
  const basePath = basePathOf(raw);
  let source: Record<string, unknown> = raw;
  let convertedFrom: string | undefined;
  if (raw['swagger'] !== undefined) {
    convertedFrom = `Swagger ${String(raw['swagger'])}`;
    source = await convertSwagger2(file, raw);
  }
  let document: OpenAPI.Document;
  try {
    // `validate` also checks the document against the OpenAPI schema (and dereferences it). The
    // parsed object is passed with the file's folder as base, so local `$ref`s still resolve.
    const parserOptions = { resolve: { external: false } };
    const copy = structuredClone(source) as unknown as OpenAPI.Document;
    const { default: SwaggerParser } = await import('@apidevtools/swagger-parser');
    document = options.validate ? await SwaggerParser.validate(file, copy, parserOptions) : await SwaggerParser.dereference(file, copy, parserOptions);
  } catch (error) {
    throw new AgentError('TOOL_FAILED', `cannot read API description ${file}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const routes: OpenApiRoute[] = [];
  for (const [path, item] of Object.entries((document.paths ?? {}) as Record<string, Record<string, unknown>>)) {
    const shared = (item['parameters'] ?? []) as RouteParameter[];
    for (const method of METHODS) {
      const operation = item[method] as Record<string, unknown> | undefined;
      if (operation === undefined) continue;
      const own = (operation['parameters'] ?? []) as RouteParameter[];
      const merged = new Map<string, RouteParameter>();
      for (const p of [...shared, ...own]) merged.set(`${p.in}:${p.name}`, { ...p, required: p.required === true });
      routes.push({ method: method.toUpperCase(), path, route: `${method.toUpperCase()} ${path}`, parameters: [...merged.values()], operation });
    }
  }
  return { file, document, routes, basePath, ...(convertedFrom === undefined ? {} : { convertedFrom }) };
}

interface Swagger2OpenApi {
  convertObj(document: object, options: Record<string, unknown>): Promise<{ openapi: Record<string, unknown> }>;
}

/** Swagger 2 → OpenAPI 3 with swagger2openapi, offline; UNSUPPORTED_TARGET with the converter's reason when it cannot. */
async function convertSwagger2(file: string, raw: Record<string, unknown>): Promise<Record<string, unknown>> {
  try {
    // CommonJS without type declarations: loaded with require, typed by the one call used here.
    const convert = require('swagger2openapi') as Swagger2OpenApi;
    // `resolve: false`: no external references (they could fetch); `patch`/`warnOnly`: fix small errors instead of refusing.
    const { openapi } = await convert.convertObj(structuredClone(raw), { patch: true, warnOnly: true, resolve: false, resolveInternal: false, direct: false });
    return openapi;
  } catch (error) {
    throw new AgentError('UNSUPPORTED_TARGET', `${file} is Swagger ${String(raw['swagger'])} and could not be converted to OpenAPI 3: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}
