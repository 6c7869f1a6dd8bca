import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parseYaml } from '../target/parseYaml.js';
import { limitReads } from '../target/limitReads.js';
import { listSourceFiles } from '../target/listSourceFiles.js';
import type { SkipRules } from '../target/SkipRules.js';

/** An API description found in a target's tree. */
export interface ApiDescription {
  /** Path relative to the target, `/`-separated. */
  file: string;
  /** `openapi` (3.x) or `swagger` (2.0, converted when loaded). */
  format: 'openapi' | 'swagger';
  /** The `openapi`/`swagger` version string. */
  version: string;
  /**
   * Path every operation is under: the path of the first `servers` URL (server variables replaced
   * by their defaults) or Swagger 2's `basePath`; `''` for the root. No trailing slash.
   */
  basePath: string;
  /** Number of paths the document declares (candidates without paths lose to ones with). */
  paths: number;
}

/** Options of `findApiDescription`. */
export interface FindApiDescriptionOptions {
  skip?: SkipRules;
  /** Files to read at most (default 2000): a huge tree of JSON data cannot stall discovery. */
  limit?: number;
}

const NOT_API = /(^|\/)(package(-lock)?\.json|tsconfig[^/]*\.json|pnpm-lock\.yaml|composer\.json|\.?eslintrc[^/]*|defects\.json|renovate\.json|lerna\.json|turbo\.json|jsconfig\.json)$/;
/** A top-level `openapi:` / `"openapi":` / `swagger` key, before any parse. */
const TOP_LEVEL_KEY = /^(?:\{\s*)?["']?(openapi|swagger)["']?\s*:/m;

/**
 * Finds the target's API description: any JSON or YAML file in the tree (outside dependencies,
 * build output and ignored folders) with a top-level `openapi` or `swagger` key. When several
 * match, the one declaring paths wins, then a conventional name (`openapi.*`, `swagger.*`,
 * `api.*`), then the shallowest path. Undefined when there is none.
 */
export async function findApiDescription(dir: string, options: FindApiDescriptionOptions = {}): Promise<ApiDescription | undefined> {
  const files = await listSourceFiles(dir, { extensions: ['.json', '.yaml', '.yml'], limit: options.limit ?? 2000, ...(options.skip ? { skip: options.skip } : {}) });
  const read = await Promise.all(
    files.filter((file) => !NOT_API.test(file)).map((file) => limitReads(async () => {
      const text = await readFile(join(dir, file), 'utf8').catch(() => '');
      return text.length > 5 * 1024 * 1024 || !TOP_LEVEL_KEY.test(text) ? undefined : describeApiDocument(file, text);
    })),
  );
  const found = read.filter((d): d is ApiDescription => d !== undefined);
  const rank = (d: ApiDescription): number[] => [d.paths > 0 ? 0 : 1, /^(openapi|swagger|api)\b/i.test(basename(d.file)) ? 0 : 1, d.file.split('/').length];
  found.sort((a, b) => {
    const [ra, rb] = [rank(a), rank(b)];
    for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return (ra[i] ?? 0) - (rb[i] ?? 0);
    return a.file.localeCompare(b.file);
  });
  return found[0];
}

/** The description of one parsed document, or undefined when it is not an API description. */
export function describeApiDocument(file: string, text: string): ApiDescription | undefined {
  let document: unknown;
  try {
    document = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text, { maxAliasCount: 1000 });
  } catch {
    return undefined;
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) return undefined;
  const doc = document as Record<string, unknown>;
  const format = typeof doc['openapi'] === 'string' ? 'openapi' : doc['swagger'] !== undefined ? 'swagger' : undefined;
  if (format === undefined) return undefined;
  const paths = typeof doc['paths'] === 'object' && doc['paths'] !== null ? Object.keys(doc['paths']).length : 0;
  return { file, format, version: String(doc[format]), basePath: basePathOf(doc), paths };
}

/** The base path of a parsed OpenAPI 3 or Swagger 2 document (see `ApiDescription.basePath`). */
export function basePathOf(doc: Record<string, unknown>): string {
  if (doc['swagger'] !== undefined) return trimPath(typeof doc['basePath'] === 'string' ? doc['basePath'] : '');
  const server = Array.isArray(doc['servers']) ? (doc['servers'][0] as { url?: unknown; variables?: Record<string, { default?: unknown }> } | undefined) : undefined;
  if (typeof server?.url !== 'string') return '';
  const url = server.url.replace(/\{([^}]+)\}/g, (_, name: string) => String(server.variables?.[name]?.default ?? ''));
  try {
    return trimPath(decodeURI(new URL(url, 'http://localhost/').pathname));
  } catch {
    return '';
  }
}

function trimPath(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  return trimmed === '' ? '' : trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}
