import { runProcess } from '../kit/process/runProcess.js';
import type { ProcessResult, RunProcessOptions } from '../kit/process/runProcess.js';
import type { Severity } from '../kit/findings/Finding.js';
import type { LockedPackage } from './checkDependencies.js';
import { advisorySeverity } from './parseAdvisoryExport.js';

/** One advisory the package manager's audit reported against one installed package version. */
export interface AuditedVulnerability {
  name: string;
  version: string;
  /** Where the lockfile has it (`node_modules/a`, or pnpm's `.>a>b` path). */
  path: string;
  id: string;
  /** The affected range as the audit states it. */
  range: string;
  severity: Severity;
  title: string;
  url?: string;
}

/** What an audit run gave: its vulnerabilities, or why it did not answer. */
export type AuditOutcome = { answered: true; tool: string; vulnerabilities: AuditedVulnerability[] } | { answered: false; tool: string; reason: string };

/** Runs a command the way `runProcess` does (injectable: tests replay recorded audit output). */
export type AuditRunner = (command: string, args: readonly string[], options: RunProcessOptions) => Promise<ProcessResult>;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const idOf = (url: string | undefined, fallback: string): string => /GHSA(?:-[0-9a-z]{4}){3}/i.exec(url ?? '')?.[0] ?? fallback;

/**
 * npm 7+ (`auditReportVersion: 2`): `vulnerabilities[name].via[]` objects are advisories on that
 * package (strings only say it is affected through another package, which has its own entry);
 * `nodes` are lockfile paths, whose versions come from the lockfile (the report does not carry them).
 */
function fromNpmV2(report: Json, locked: ReadonlyMap<string, LockedPackage>): AuditedVulnerability[] {
  const out: AuditedVulnerability[] = [];
  for (const [name, entry] of Object.entries(isObject(report['vulnerabilities']) ? report['vulnerabilities'] : {})) {
    if (!isObject(entry)) continue;
    const nodes = (Array.isArray(entry['nodes']) ? entry['nodes'] : []).filter((n): n is string => typeof n === 'string');
    for (const via of (Array.isArray(entry['via']) ? entry['via'] : []).filter(isObject)) {
      const url = str(via['url']);
      for (const node of nodes.length === 0 ? [`node_modules/${name}`] : nodes) {
        out.push({
          name: str(via['name']) ?? name,
          version: locked.get(node)?.version ?? 'unknown',
          path: node,
          id: idOf(url, String(via['source'] ?? name)),
          range: str(via['range']) ?? str(entry['range']) ?? '*',
          severity: advisorySeverity(via['severity'] ?? entry['severity']),
          title: str(via['title']) ?? name,
          ...(url === undefined ? {} : { url }),
        });
      }
    }
  }
  return out;
}

/** npm 6 and pnpm: `advisories[id]` with `module_name`, `vulnerable_versions` and `findings[{ version, paths }]`. */
function fromAdvisoriesMap(report: Json): AuditedVulnerability[] {
  const out: AuditedVulnerability[] = [];
  for (const [key, advisory] of Object.entries(isObject(report['advisories']) ? report['advisories'] : {})) {
    if (!isObject(advisory)) continue;
    const name = str(advisory['module_name']);
    if (name === undefined) continue;
    const url = str(advisory['url']);
    const id = str(advisory['github_advisory_id']) ?? idOf(url, key);
    for (const finding of (Array.isArray(advisory['findings']) ? advisory['findings'] : []).filter(isObject)) {
      const paths = (Array.isArray(finding['paths']) ? finding['paths'] : []).filter((p): p is string => typeof p === 'string');
      out.push({
        name,
        version: str(finding['version']) ?? 'unknown',
        path: paths[0] ?? name,
        id,
        range: str(advisory['vulnerable_versions']) ?? '*',
        severity: advisorySeverity(advisory['severity']),
        title: str(advisory['title']) ?? id,
        ...(url === undefined ? {} : { url }),
      });
    }
  }
  return out;
}

/**
 * Reads `npm audit --json` (npm 7+ `vulnerabilities`, npm 6 `advisories`) or `pnpm audit --json`
 * (the npm 6 shape) output. `undefined` when the text is not an audit report (an error object, a
 * registry's HTML page, nothing): an audit that did not answer must never read as "no vulnerabilities".
 */
export function parseAuditReport(text: string, locked: readonly LockedPackage[] = []): AuditedVulnerability[] | undefined {
  let report: unknown;
  try {
    report = JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
  if (!isObject(report) || 'error' in report) return undefined;
  if (isObject(report['vulnerabilities']) && report['auditReportVersion'] !== undefined) return fromNpmV2(report, new Map(locked.map((p) => [p.path, p])));
  if (isObject(report['advisories']) && isObject(report['metadata'])) return fromAdvisoriesMap(report);
  return undefined;
}

/** Options of `runPackageAudit`. */
export interface PackageAuditOptions {
  /** Milliseconds before the audit is given up (default 30 000): offline, the registry never answers. */
  timeoutMs?: number;
  runner?: AuditRunner;
  signal?: AbortSignal;
}

/**
 * Asks the project's own package manager for its audit: `npm audit --json --package-lock-only`
 * for package-lock.json, `pnpm audit --json` for pnpm-lock.yaml (other lockfiles: not answered).
 * One attempt, a fetch timeout below the process timeout, and the process group killed when that
 * passes, so an offline machine costs seconds, never a hang.
 */
export async function runPackageAudit(dir: string, lockfile: string, locked: readonly LockedPackage[], options: PackageAuditOptions = {}): Promise<AuditOutcome> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const tool = lockfile === 'package-lock.json' ? 'npm audit' : lockfile === 'pnpm-lock.yaml' ? 'pnpm audit' : undefined;
  if (tool === undefined) return { answered: false, tool: 'audit', reason: `no package manager audit reads ${lockfile}` };
  const [command, ...args] = tool === 'npm audit' ? ['npm', 'audit', '--json', '--package-lock-only'] : ['pnpm', 'audit', '--json'];
  const env = { npm_config_fetch_retries: '0', npm_config_fetch_timeout: String(Math.max(1000, timeoutMs - 2000)), npm_config_update_notifier: 'false', npm_config_fund: 'false' };
  let result: ProcessResult;
  try {
    result = await (options.runner ?? runProcess)(command!, args, { cwd: dir, timeoutMs, env, ...(options.signal === undefined ? {} : { signal: options.signal }) });
  } catch (error) {
    return { answered: false, tool, reason: `${command} could not run: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (result.timedOut) return { answered: false, tool, reason: `no answer within ${timeoutMs / 1000} s` };
  const vulnerabilities = parseAuditReport(result.stdout, locked);
  if (vulnerabilities === undefined) {
    const said = /(\d{3} [A-Z][\w ]+ - \S+|E[A-Z]{3,}\S*|audit endpoint returned an error)/.exec(`${result.stdout}\n${result.stderr}`)?.[0];
    return { answered: false, tool, reason: `no audit report (exit ${result.exitCode ?? result.signal}${said === undefined ? '' : `: ${said}`})` };
  }
  return { answered: true, tool, vulnerabilities };
}
