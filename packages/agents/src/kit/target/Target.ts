import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AgentError } from '../agent/AgentError.js';
import { assertLoopback } from '../service/assertLoopback.js';
import { loadCatalogue } from '../findings/Catalogue.js';
import { credentialAdvice, loadSecuritySchemes, withApiKey } from '../openapi/securitySchemes.js';
import type { SecurityScheme } from '../openapi/securitySchemes.js';
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
  /**
   * Name of an environment variable holding an API key: sent in the header (or cookie) that the API
   * description's `apiKey` security scheme names (`X-API-Key: …`), unless `headers` already has it.
   */
  apiKeyEnv?: string;
  /** The API key itself, sent like `apiKeyEnv`'s (a host that reads its own environment passes the value). */
  apiKey?: string;
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
  /** The API description's security schemes, with the operations requiring each. */
  securitySchemes?: SecurityScheme[];
  /**
   * One line per required scheme no configured header carries: which header/cookie/query
   * parameter and which option sends it (kit `credentialAdvice`). Agents that talk to the service
   * get these in their report's notes (`runAgentTask`).
   */
  credentialAdvice?: string[];
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
  const apiKey = spec.apiKey ?? readEnv(spec.apiKeyEnv, 'apiKeyEnv');
  let headers = withBearerToken(spec);
  const profile = await discoverProfile(dir, packageJson, {
    ...(spec.sourceRoots === undefined ? {} : { sourceRoots: spec.sourceRoots }),
    ...(spec.openapi === undefined ? {} : { openapi: spec.openapi }),
    ...(spec.ignore === undefined ? {} : { ignore: spec.ignore }),
    ...(spec.start === undefined ? {} : { start: spec.start }),
  });
  const securitySchemes = profile.api === undefined ? [] : await loadSecuritySchemes(dir, profile.api.file);
  if (apiKey !== undefined) {
    headers = withApiKey(securitySchemes, apiKey, headers);
    if (headers === undefined) throw new AgentError('UNSUPPORTED_TARGET', `an API key is configured${spec.apiKeyEnv === undefined ? '' : ` (apiKeyEnv ${spec.apiKeyEnv})`} but ${profile.api === undefined ? 'there is no API description' : `${profile.api.file} declares no apiKey security scheme in a header or cookie`} to say where the key goes: give the header with headers instead`);
  }
  const advice = credentialAdvice(securitySchemes, headers);
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
    ...(securitySchemes.length === 0 ? {} : { securitySchemes }),
    ...(advice.length === 0 ? {} : { credentialAdvice: advice }),
  };
}

/** `spec.headers` plus the bearer token from `spec.bearerTokenEnv`; an unset variable is refused before any work. */
function withBearerToken(spec: TargetSpec): Record<string, string> | undefined {
  const token = readEnv(spec.bearerTokenEnv, 'bearerTokenEnv');
  if (token === undefined) return spec.headers;
  const hasAuthorization = Object.keys(spec.headers ?? {}).some((k) => k.toLowerCase() === 'authorization');
  return hasAuthorization ? spec.headers : { ...spec.headers, authorization: `Bearer ${token}` };
}

/** The value of the variable an option names; an option naming an unset variable is refused before any work. */
function readEnv(name: string | undefined, option: string): string | undefined {
  if (name === undefined) return undefined;
  const value = process.env[name];
  if (value === undefined || value === '') throw new AgentError('UNSUPPORTED_TARGET', `environment variable ${name} (${option}) is not set: no credentials to send`);
  return value;
}
