import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AgentError } from '../agent/AgentError.js';
import { assertLoopback } from '../service/assertLoopback.js';
import { loadCatalogue } from '../findings/Catalogue.js';
import type { Catalogue } from '../findings/Catalogue.js';
import { discoverProfile } from './TargetProfile.js';
import type { TargetProfile } from './TargetProfile.js';

/** How a caller names a target: a folder, and for service agents a base URL. */
export interface TargetSpec {
  dir: string;
  /** Base URL of an already running service (must be loopback). Service agents start the fixture's own service when absent. */
  baseUrl?: string;
  /** Catalogue to score against: a path, `false` for none; default `<dir>/defects.json` when it exists. */
  catalogue?: string | false;
  /** Headers every request to the target's service carries (credentials from config); never printed or stored. */
  headers?: Record<string, string>;
  /** Shell command that starts the target's service (`--start`); else the `start` script, else a conventional entry. */
  start?: string;
  /** Path polled for readiness after the port opens (e.g. `/health`); default: the port accepting connections. */
  healthPath?: string;
  /** Name of an environment variable holding a bearer token: sent as `authorization: Bearer …` (unless `headers` has one). */
  bearerTokenEnv?: string;
  /** Source folders or files (relative), instead of the discovered ones. */
  sourceRoots?: string[];
  /** The API description file (relative or absolute), instead of searching the tree. */
  openapi?: string;
  /** Extra gitignore-style patterns no agent reads. */
  ignore?: string[];
  /** An OSV or GitHub-advisory export (file or folder) to check dependencies against when the package manager's audit does not answer (`--advisories`). */
  advisories?: string;
}

/** A validated target folder. */
export interface Target {
  /** Absolute path. */
  dir: string;
  /** `name` from package.json, else the folder name. */
  name: string;
  packageJson: Record<string, unknown>;
  baseUrl?: string;
  /** Headers for requests to the service (credentials); never printed or stored. */
  headers?: Record<string, string>;
  /** The defect catalogue when the target has one; scores are computed against it. */
  catalogue?: Catalogue;
  /** What discovery found: sources, languages, skip rules, test runner, service, API description. */
  profile: TargetProfile;
  /** The user's start command (`TargetSpec.start`), kept for the service starter. */
  start?: string;
  /** The user's readiness path (`TargetSpec.healthPath`). */
  healthPath?: string;
  /** The user's advisory export (`TargetSpec.advisories`), absolute. */
  advisories?: string;
}

/**
 * Validates a target folder: it must exist (TARGET_NOT_FOUND) and hold a readable package.json
 * (NO_PACKAGE_JSON); a base URL must be loopback (NON_LOOPBACK), checked before any work starts.
 * Loads the catalogue when there is one, so every agent scores the same way.
 */
export async function openTarget(spec: TargetSpec): Promise<Target> {
  if (spec.baseUrl !== undefined) assertLoopback(spec.baseUrl);
  const dir = resolve(spec.dir);
  const info = await stat(dir).catch(() => null);
  if (info === null || !info.isDirectory()) throw new AgentError('TARGET_NOT_FOUND', `target folder ${dir} does not exist or is not a folder`);
  let packageJson: Record<string, unknown>;
  try {
    packageJson = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new AgentError('NO_PACKAGE_JSON', `target ${dir} has no readable package.json`, { cause: error });
  }
  if (typeof packageJson !== 'object' || packageJson === null || Array.isArray(packageJson)) {
    throw new AgentError('NO_PACKAGE_JSON', `package.json of ${dir} is not an object`);
  }
  const defaultCatalogue = join(dir, 'defects.json');
  const cataloguePath = spec.catalogue ?? (existsSync(defaultCatalogue) ? defaultCatalogue : false);
  const catalogue = cataloguePath === false ? undefined : await loadCatalogue(cataloguePath);
  const headers = withBearerToken(spec);
  const profile = await discoverProfile(dir, packageJson, {
    ...(spec.sourceRoots === undefined ? {} : { sourceRoots: spec.sourceRoots }),
    ...(spec.openapi === undefined ? {} : { openapi: spec.openapi }),
    ...(spec.ignore === undefined ? {} : { ignore: spec.ignore }),
    ...(spec.start === undefined ? {} : { start: spec.start }),
  });
  return {
    dir,
    name: typeof packageJson['name'] === 'string' ? packageJson['name'] : (dir.split(/[\\/]/).pop() ?? dir),
    packageJson,
    ...(spec.baseUrl === undefined ? {} : { baseUrl: spec.baseUrl }),
    ...(headers === undefined ? {} : { headers }),
    ...(catalogue === undefined ? {} : { catalogue }),
    profile,
    ...(spec.start === undefined ? {} : { start: spec.start }),
    ...(spec.healthPath === undefined ? {} : { healthPath: spec.healthPath }),
    ...(spec.advisories === undefined ? {} : { advisories: resolve(dir, spec.advisories) }),
  };
}

/** `spec.headers` plus the bearer token from `spec.bearerTokenEnv`; an unset variable is refused before any work. */
function withBearerToken(spec: TargetSpec): Record<string, string> | undefined {
  if (spec.bearerTokenEnv === undefined) return spec.headers;
  const token = process.env[spec.bearerTokenEnv];
  if (token === undefined || token === '') throw new AgentError('UNSUPPORTED_TARGET', `environment variable ${spec.bearerTokenEnv} (bearerTokenEnv) is not set: no credentials to send`);
  const hasAuthorization = Object.keys(spec.headers ?? {}).some((k) => k.toLowerCase() === 'authorization');
  return hasAuthorization ? spec.headers : { ...spec.headers, authorization: `Bearer ${token}` };
}
