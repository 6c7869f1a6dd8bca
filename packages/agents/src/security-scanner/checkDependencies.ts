import { existsSync } from 'node:fs';
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import semver from 'semver';
import { AgentError } from '../kit/agent/AgentError.js';
import type { Severity } from '../kit/findings/Finding.js';
import { parseAdvisoryExport } from './parseAdvisoryExport.js';
import type { Advisory } from './parseAdvisoryExport.js';

/** An installed package version, as a lockfile records it. */
export interface LockedPackage {
  name: string;
  version: string;
  /** Where the lockfile says it is (`node_modules/a/node_modules/b`), for the evidence. */
  path: string;
}

/** A locked package version an advisory covers. */
export interface VulnerableDependency {
  pkg: LockedPackage;
  advisory: Advisory;
  lockfile: string;
}

const SEVERITIES = new Set(['critical', 'high', 'medium', 'low', 'info']);

/**
 * Parses an advisory list: `{ advisories: [...] }` or a bare array of `{ id, package, vulnerable
 * (or range / vulnerableRange), severity, title, url }`. A malformed list is TOOL_FAILED: a list we
 * cannot read must never turn into "no vulnerable dependencies".
 */
export function parseAdvisories(value: unknown, source: string): Advisory[] {
  const list: unknown = Array.isArray(value) ? value : (value as { advisories?: unknown } | null)?.advisories;
  if (!Array.isArray(list)) throw new AgentError('TOOL_FAILED', `advisory source unavailable: ${source} has no advisories array`);
  return list.map((entry: unknown, i) => {
    const a = (entry ?? {}) as Record<string, unknown>;
    const range = a['vulnerable'] ?? a['range'] ?? a['vulnerableRange'];
    if (typeof a['id'] !== 'string' || typeof a['package'] !== 'string' || typeof range !== 'string') {
      throw new AgentError('TOOL_FAILED', `advisory source unavailable: ${source} advisories[${i}] lacks id, package or vulnerable range`);
    }
    const severity = typeof a['severity'] === 'string' && SEVERITIES.has(a['severity']) ? (a['severity'] as Severity) : 'medium';
    return { id: a['id'], package: a['package'], vulnerable: range, severity, title: typeof a['title'] === 'string' ? a['title'] : a['id'], ...(typeof a['url'] === 'string' ? { url: a['url'] } : {}) };
  });
}

/** An advisory list and what to call it in the report (where it came from, its date and size). */
export interface AdvisoryList {
  advisories: Advisory[];
  /** e.g. `bundled list "GitHub Advisory Database (subset)", updated 2026-12-06, 13 advisories`. */
  label: string;
}

/** JSON files of an export folder (the GitHub advisory database and osv.dev exports are one file per advisory). */
async function jsonFilesUnder(dir: string, limit = 50_000): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const entry of await readdir(d, { withFileTypes: true })) {
      if (out.length >= limit) return;
      const path = join(d, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.name.endsWith('.json')) out.push(path);
    }
  };
  await walk(dir);
  return out.sort();
}

/**
 * Reads an advisory source: this repository's list format (`{ advisories: [{ id, package,
 * vulnerable, ... }] }`), or an OSV / GitHub-advisory export (`parseAdvisoryExport`; a file or a
 * folder of JSON files). Any failure is "advisory source unavailable" (TOOL_FAILED): a list we
 * cannot read must never turn into "no vulnerable dependencies".
 */
export async function loadAdvisories(path: string): Promise<AdvisoryList> {
  let values: Array<{ file: string; value: unknown }>;
  try {
    const files = (await stat(path)).isDirectory() ? await jsonFilesUnder(path) : [path];
    values = await Promise.all(files.map(async (file) => ({ file, value: JSON.parse(await readFile(file, 'utf8')) as unknown })));
  } catch (error) {
    throw new AgentError('TOOL_FAILED', `advisory source unavailable: cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const only = values.length === 1 ? values[0]!.value : undefined;
  const list = (Array.isArray(only) && typeof (only[0] as Record<string, unknown> | undefined)?.['package'] === 'string' ? { advisories: only } : only) as { advisories?: unknown; source?: unknown; updated?: unknown } | undefined;
  if (Array.isArray(list?.advisories) && (list.advisories.length === 0 || typeof (list.advisories[0] as Record<string, unknown> | undefined)?.['package'] === 'string')) {
    const advisories = parseAdvisories(list, path);
    const date = typeof list.updated === 'string' ? `updated ${list.updated}` : 'date unknown';
    return { advisories, label: `${typeof list.source === 'string' ? `"${list.source}"` : path}, ${date}, ${advisories.length} advisories` };
  }
  const advisories = values.flatMap(({ value }) => parseAdvisoryExport(value) ?? []);
  if (advisories.length === 0 && !values.some(({ value }) => parseAdvisoryExport(value) !== undefined)) {
    throw new AgentError('TOOL_FAILED', `advisory source unavailable: ${path} is neither an advisory list nor an OSV / GitHub advisory export`);
  }
  return { advisories, label: `export ${path} (OSV / GitHub advisories, ${advisories.length} npm advisories from ${values.length} file${values.length === 1 ? '' : 's'})` };
}

function fromPackageLock(json: Record<string, unknown>): LockedPackage[] {
  const packages = json['packages'];
  if (typeof packages === 'object' && packages !== null) {
    return Object.entries(packages as Record<string, { version?: unknown; name?: unknown }>)
      .filter(([path, entry]) => path !== '' && typeof entry.version === 'string')
      .map(([path, entry]) => ({ name: typeof entry.name === 'string' ? entry.name : path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length), version: entry.version as string, path }));
  }
  // lockfileVersion 1: nested `dependencies`.
  const out: LockedPackage[] = [];
  const walk = (deps: unknown, prefix: string): void => {
    if (typeof deps !== 'object' || deps === null) return;
    for (const [name, entry] of Object.entries(deps as Record<string, { version?: unknown; dependencies?: unknown }>)) {
      const path = `${prefix}node_modules/${name}`;
      if (typeof entry.version === 'string') out.push({ name, version: entry.version, path });
      walk(entry.dependencies, `${path}/`);
    }
  };
  walk(json['dependencies'], '');
  return out;
}

function fromPnpmLock(text: string): LockedPackage[] {
  const out: LockedPackage[] = [];
  let inPackages = false;
  for (const line of text.split('\n')) {
    if (/^\S/.test(line)) inPackages = /^(packages|snapshots):\s*$/.test(line);
    if (!inPackages) continue;
    // v9: `  lodash@4.17.20:` / `  '@scope/x@1.2.3':`; v6: `  /lodash@4.17.20:`; peers in `(...)`.
    const match = /^ {2}['"]?\/?((?:@[^/@\s'"]+\/)?[^@\s'"/]+)[@/](\d[^:'"(\s]*)/.exec(line);
    if (match !== null) out.push({ name: match[1]!, version: match[2]!, path: match[0].trim() });
  }
  // `snapshots:` repeats `packages:` in v9; one entry per name@version is enough.
  return [...new Map(out.map((p) => [`${p.name}@${p.version}`, p])).values()];
}

/**
 * Lists the target's locked packages from package-lock.json (v1-v3) or pnpm-lock.yaml. Without a
 * lockfile it falls back to exact versions declared in package.json and says so; ranges there are
 * not versions, so they are not checked.
 */
export async function readLockedPackages(dir: string, packageJson: Record<string, unknown>, notes: string[]): Promise<{ lockfile: string; packages: LockedPackage[] }> {
  const npmLock = join(dir, 'package-lock.json');
  const pnpmLock = join(dir, 'pnpm-lock.yaml');
  try {
    if (existsSync(npmLock)) return { lockfile: 'package-lock.json', packages: fromPackageLock(JSON.parse(await readFile(npmLock, 'utf8')) as Record<string, unknown>) };
    if (existsSync(pnpmLock)) return { lockfile: 'pnpm-lock.yaml', packages: fromPnpmLock(await readFile(pnpmLock, 'utf8')) };
  } catch (error) {
    throw new AgentError('TOOL_FAILED', `cannot parse the lockfile of ${dir}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const declared: LockedPackage[] = [];
  for (const field of ['dependencies', 'devDependencies', 'optionalDependencies']) {
    for (const [name, spec] of Object.entries((packageJson[field] ?? {}) as Record<string, unknown>)) {
      if (typeof spec === 'string' && /^\d+\.\d+\.\d+(?:-[\w.-]+)?$/.test(spec)) declared.push({ name, version: spec, path: `package.json ${field}` });
    }
  }
  notes.push(`no lockfile: checked ${declared.length} exact versions declared in package.json; ranges were not checked`);
  return { lockfile: 'package.json', packages: declared };
}

/** True when `version` is one the advisory affects (npm `semver`, as npm itself matches; a version that is not semver, such as a git URL, never). */
export function isAffected(version: string, advisory: Advisory): boolean {
  if (semver.valid(version) === null) return false;
  return (advisory.versions?.includes(version) ?? false) || semver.satisfies(version, advisory.vulnerable);
}

/** Matches locked packages against advisories by name and semver range. */
export function matchAdvisories(packages: readonly LockedPackage[], advisories: readonly Advisory[], lockfile: string): VulnerableDependency[] {
  const byName = new Map<string, Advisory[]>();
  for (const a of advisories) byName.set(a.package, [...(byName.get(a.package) ?? []), a]);
  const out: VulnerableDependency[] = [];
  for (const pkg of packages) for (const advisory of byName.get(pkg.name) ?? []) if (isAffected(pkg.version, advisory)) out.push({ pkg, advisory, lockfile });
  return out;
}
