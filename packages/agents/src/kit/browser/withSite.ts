import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SkippedSurface } from '../agent/AgentCore.js';
import { AgentError } from '../agent/AgentError.js';
import { withService } from '../service/TargetService.js';
import type { TargetServiceOptions } from '../service/TargetService.js';
import { loopbackFetch } from '../service/loopbackFetch.js';
import type { Target } from '../target/Target.js';
import { hasSourceFiles } from '../target/hasSourceFiles.js';
import { listSourceFiles } from '../target/listSourceFiles.js';
import { PageLocator } from './PageLocator.js';
import { StaticServer } from './StaticServer.js';

/** Where the pages are served for one run, and where crawling starts. */
export interface Site {
  /** Loopback origin + path, no trailing `/`. */
  baseUrl: string;
  /** URLs to start from: the service root, then each project HTML file the server serves. */
  seeds: string[];
  /** Served URL → project file (or URL path). */
  locator: PageLocator;
  /** `service` (started or given URL) or `static` (the project's HTML files on a loopback file server). */
  source: 'service' | 'static';
  /** The project's HTML files (relative paths). */
  htmlFiles: string[];
  notes: string[];
  skipped: SkippedSurface[];
}

/** Options of `withSite`. */
export interface WithSiteOptions {
  service?: Omit<TargetServiceOptions, 'dir'>;
  /** At most this many HTML files become seeds (default 50). */
  maxFiles?: number;
}

/** The project's HTML files (the profile's skip rules apply: no node_modules, build output, coverage reports). */
export async function listHtmlFiles(target: Target): Promise<string[]> {
  return listSourceFiles(target.dir, { extensions: ['.html', '.htm'], roots: ['.'], skip: target.profile.skip });
}

/**
 * Why a browser agent cannot apply (synchronous, for `notApplicable`): no URL, no service to
 * start and no HTML file outside dependencies and build output — a library.
 */
export function noPagesReason(target: Target): string | undefined {
  if (target.baseUrl !== undefined || target.profile.service !== undefined) return undefined;
  if (hasSourceFiles(target.dir, ['.html', '.htm'])) return undefined;
  return 'no pages: no service to start (no start command, start script or conventional entry), no URL and no HTML file';
}

async function servedSeeds(baseUrl: string, files: readonly string[], dir: string): Promise<{ seeds: string[]; unserved: string[] }> {
  const seeds: string[] = [];
  const unserved: string[] = [];
  for (const file of files) {
    const content = await readFile(join(dir, file));
    let found: string | undefined;
    for (const path of PageLocator.candidatePaths(file)) {
      const url = `${baseUrl}${path}`;
      const response = await loopbackFetch(url, { timeoutMs: 5000 }).catch(() => undefined);
      if (response === undefined) continue;
      const body = Buffer.from(await response.arrayBuffer());
      if (response.status === 200 && body.equals(content)) {
        found = url;
        break;
      }
    }
    if (found === undefined) unserved.push(file);
    else seeds.push(found);
  }
  return { seeds, unserved };
}

async function withStatic<T>(target: Target, htmlFiles: string[], fn: (site: Site) => Promise<T>, notes: string[], skipped: SkippedSurface[]): Promise<T> {
  const server = new StaticServer(target.dir, StaticServer.rootsFor(htmlFiles));
  const baseUrl = await server.start();
  try {
    const seeds = [...new Set(htmlFiles.map((file) => `${baseUrl}${server.urlPathOf(file)}`))];
    notes.push(`${htmlFiles.length} HTML file(s) served from the project folder on ${baseUrl}`);
    return await fn({ baseUrl, seeds, locator: new PageLocator(target.dir, htmlFiles), source: 'static', htmlFiles, notes, skipped });
  } finally {
    await server.stop();
  }
}

/**
 * Runs `fn` with the target's pages served on loopback: the given URL or the target's service
 * (kit `withService`), seeded with its root and every project HTML file it serves; when there is
 * no service, or it does not start, the project's HTML files on a `StaticServer` (the service is
 * then listed in `skipped`). No service and no HTML file = AgentError UNSUPPORTED_TARGET.
 */
export async function withSite<T>(target: Target, fn: (site: Site) => Promise<T>, options: WithSiteOptions = {}): Promise<T> {
  const htmlFiles = (await listHtmlFiles(target)).slice(0, options.maxFiles ?? 50);
  const notes: string[] = [];
  const skipped: SkippedSurface[] = [];
  if (target.baseUrl === undefined && target.profile.service === undefined && options.service?.command === undefined) {
    if (htmlFiles.length === 0) throw new AgentError('UNSUPPORTED_TARGET', 'not applicable: no pages (no service, no URL, no HTML file)');
    return withStatic(target, htmlFiles, fn, notes, skipped);
  }
  try {
    return await withService(
      target,
      async (baseUrl) => {
        const { seeds, unserved } = await servedSeeds(baseUrl, htmlFiles, target.dir);
        if (unserved.length > 0) notes.push(`${unserved.length} HTML file(s) the service does not serve as they are (templates or documents), not loaded: ${unserved.slice(0, 5).join(', ')}${unserved.length > 5 ? ', …' : ''}`);
        return fn({ baseUrl, seeds: [...new Set([`${baseUrl}/`, ...seeds])], locator: new PageLocator(target.dir, htmlFiles), source: 'service', htmlFiles, notes, skipped });
      },
      options.service,
    );
  } catch (error) {
    if (!(error instanceof AgentError) || error.code !== 'SERVICE_START_FAILED' || htmlFiles.length === 0) throw error;
    const reason = error.message.split('\n')[0] ?? error.message;
    skipped.push({ surface: 'service pages', reason: `the service did not start (${reason}); only the project's HTML files were loaded` });
    return withStatic(target, htmlFiles, fn, notes, skipped);
  }
}
