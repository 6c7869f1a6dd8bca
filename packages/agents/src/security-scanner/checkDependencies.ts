import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AgentError } from '../kit/agent/AgentError.js';
import type { Severity } from '../kit/findings/Finding.js';
import { satisfiesRange } from './satisfiesRange.js';

/** One advisory of the shipped list (`fixtures/advisories.json`). */
export interface Advisory {
  id: string;
  package: string;
  /** npm semver range of affected versions. */
  vulnerable: string;
  severity: Severity;
  title: string;
  url?: string;
}

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

/** Reads an advisory list file; any failure is "advisory source unavailable" (TOOL_FAILED). */
export async function loadAdvisories(path: string): Promise<Advisory[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new AgentError('TOOL_FAILED', `advisory source unavailable: cannot read ${path}`, { cause: error });
  }
  try {
    return parseAdvisories(JSON.parse(text) as unknown, path);
  } catch (error) {
    throw AgentError.from(error);
  }
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

/** Matches locked packages against advisories by name and semver range. */
export function matchAdvisories(packages: readonly LockedPackage[], advisories: readonly Advisory[], lockfile: string): VulnerableDependency[] {
  const byName = new Map<string, Advisory[]>();
  for (const a of advisories) byName.set(a.package, [...(byName.get(a.package) ?? []), a]);
  const out: VulnerableDependency[] = [];
  for (const pkg of packages) for (const advisory of byName.get(pkg.name) ?? []) if (satisfiesRange(pkg.version, advisory.vulnerable)) out.push({ pkg, advisory, lockfile });
  return out;
}
