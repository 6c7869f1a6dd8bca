import { existsSync } from 'node:fs';
import { join } from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import type { OpenAPI } from 'openapi-types';
import { AgentError } from '../agent/AgentError.js';

/** Where targets usually keep their OpenAPI document. */
const CANDIDATES = ['openapi.json', 'openapi.yaml', 'openapi.yml', 'swagger.json', 'swagger.yaml', 'docs/openapi.json', 'docs/openapi.yaml', 'api/openapi.json', 'api/openapi.yaml'];
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

/** Path of the target's OpenAPI document, or undefined when it has none. */
export function findOpenApiFile(dir: string): string | undefined {
  return CANDIDATES.map((c) => join(dir, c)).find((p) => existsSync(p));
}

/**
 * Loads and dereferences a target's OpenAPI document (JSON or YAML, local `$ref`s only: resolving
 * external references could fetch from the network) and lists its operations.
 * No document: UNSUPPORTED_TARGET; an unreadable (or, with `validate`, invalid) one: TOOL_FAILED.
 */
export async function loadOpenApiRoutes(dir: string, options: { validate?: boolean } = {}): Promise<{ file: string; document: OpenAPI.Document; routes: OpenApiRoute[] }> {
  const file = findOpenApiFile(dir);
  if (file === undefined) throw new AgentError('UNSUPPORTED_TARGET', `no OpenAPI document in ${dir} (looked for ${CANDIDATES.join(', ')})`);
  let document: OpenAPI.Document;
  try {
    // `validate` also checks the document against the OpenAPI schema (and dereferences it).
    document = options.validate
      ? await SwaggerParser.validate(file, { resolve: { external: false } })
      : await SwaggerParser.dereference(file, { resolve: { external: false } });
  } catch (error) {
    throw new AgentError('TOOL_FAILED', `cannot read OpenAPI document ${file}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
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
  return { file, document, routes };
}
