import semver from 'semver';
import type { Severity } from '../kit/findings/Finding.js';

/** One advisory of the shipped list (`fixtures/advisories.json`). */
export interface Advisory {
  id: string;
  package: string;
  /** npm semver range of affected versions. */
  vulnerable: string;
  /** Affected versions listed one by one (OSV `affected[].versions`), besides the range. */
  versions?: string[];
  severity: Severity;
  title: string;
  url?: string;
}

/** OSV / GitHub severities in the catalogue's scale ("moderate" is medium). */
const SEVERITY: Readonly<Record<string, Severity>> = { critical: 'critical', high: 'high', moderate: 'medium', medium: 'medium', low: 'low', info: 'info', none: 'info' };

/** A severity word of an advisory source in the catalogue's scale; unknown words are medium. */
export function advisorySeverity(word: unknown): Severity {
  return (typeof word === 'string' ? SEVERITY[word.toLowerCase()] : undefined) ?? 'medium';
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * OSV `ranges[].events` as one semver range: each `introduced` opens an interval that the next
 * `fixed` (exclusive), `last_affected` (inclusive) or `limit` closes; intervals are OR-ed. GIT
 * ranges (commit hashes) say nothing about npm versions and are ignored.
 */
export function osvEventsToRange(events: readonly Json[]): string | undefined {
  const parts: string[] = [];
  let open: string | undefined;
  const lower = (v: string): string => (v === '0' ? '' : `>=${v} `);
  for (const event of events) {
    const introduced = str(event['introduced']);
    const fixed = str(event['fixed']) ?? str(event['limit']);
    const last = str(event['last_affected']);
    if (introduced !== undefined) {
      if (open !== undefined) parts.push(`${lower(open)}`.trim() || '*');
      open = introduced;
    } else if (fixed !== undefined || last !== undefined) {
      const from = open ?? '0';
      parts.push(`${lower(from)}${fixed === undefined ? `<=${last}` : `<${fixed}`}`);
      open = undefined;
    }
  }
  if (open !== undefined) parts.push(lower(open).trim() || '*');
  const range = parts.join(' || ');
  return range !== '' && semver.validRange(range) !== null ? range : undefined;
}

/** The URL a user opens for an advisory id. */
function advisoryUrl(id: string, references: unknown): string {
  if (Array.isArray(references)) {
    const ref = references.find((r): r is Json => isObject(r) && r['type'] === 'ADVISORY' && typeof r['url'] === 'string');
    if (ref !== undefined) return ref['url'] as string;
  }
  return id.startsWith('GHSA-') ? `https://github.com/advisories/${id}` : `https://osv.dev/vulnerability/${id}`;
}

/** One OSV record's npm advisories (one per affected npm package). */
function fromOsv(record: Json): Advisory[] {
  const id = str(record['id'])!;
  const dbSeverity = isObject(record['database_specific']) ? record['database_specific']['severity'] : undefined;
  const title = str(record['summary']) ?? str(record['details'])?.split('\n')[0] ?? id;
  const out: Advisory[] = [];
  for (const affected of (record['affected'] as unknown[]).filter(isObject)) {
    const pkg = isObject(affected['package']) ? affected['package'] : {};
    const name = str(pkg['name']);
    if (name === undefined || String(pkg['ecosystem']).toLowerCase() !== 'npm') continue;
    const ranges = (Array.isArray(affected['ranges']) ? affected['ranges'] : []).filter(isObject).filter((r) => r['type'] !== 'GIT');
    const range = ranges.map((r) => osvEventsToRange((Array.isArray(r['events']) ? r['events'] : []).filter(isObject))).filter((r): r is string => r !== undefined).join(' || ');
    const versions = (Array.isArray(affected['versions']) ? affected['versions'] : []).filter((v): v is string => typeof v === 'string');
    if (range === '' && versions.length === 0) continue;
    const ecosystemSeverity = isObject(affected['ecosystem_specific']) ? affected['ecosystem_specific']['severity'] : undefined;
    out.push({
      id,
      package: name,
      vulnerable: range === '' ? '<0.0.0-0' : range,
      ...(versions.length === 0 ? {} : { versions }),
      severity: advisorySeverity(dbSeverity ?? ecosystemSeverity),
      title,
      url: advisoryUrl(id, record['references']),
    });
  }
  return out;
}

/** GitHub's REST advisory (`GET /advisories`, `ghsa_id` + `vulnerabilities[]` with `vulnerable_version_range`). */
function fromGithubRest(record: Json): Advisory[] {
  const id = str(record['ghsa_id'])!;
  return (record['vulnerabilities'] as unknown[]).filter(isObject).flatMap((v) => {
    const pkg = isObject(v['package']) ? v['package'] : {};
    const name = str(pkg['name']);
    const range = str(v['vulnerable_version_range'])?.replaceAll(',', ' ');
    if (name === undefined || range === undefined || String(pkg['ecosystem']).toLowerCase() !== 'npm' || semver.validRange(range) === null) return [];
    return [{ id, package: name, vulnerable: range, severity: advisorySeverity(record['severity']), title: str(record['summary']) ?? id, url: str(record['html_url']) ?? advisoryUrl(id, undefined) }];
  });
}

/** GitHub's GraphQL `securityVulnerabilities` node (`vulnerableVersionRange`, `advisory { ghsaId }`). */
function fromGithubGraphql(node: Json): Advisory[] {
  const pkg = isObject(node['package']) ? node['package'] : {};
  const advisory = isObject(node['advisory']) ? node['advisory'] : {};
  const name = str(pkg['name']);
  const range = str(node['vulnerableVersionRange'])?.replaceAll(',', ' ');
  const id = str(advisory['ghsaId']) ?? str(advisory['id']);
  if (name === undefined || range === undefined || id === undefined || String(pkg['ecosystem']).toLowerCase() !== 'npm' || semver.validRange(range) === null) return [];
  return [{ id, package: name, vulnerable: range, severity: advisorySeverity(node['severity'] ?? advisory['severity']), title: str(advisory['summary']) ?? id, url: str(advisory['permalink']) ?? advisoryUrl(id, undefined) }];
}

/**
 * The npm advisories of an OSV or GitHub-advisory export, in whatever envelope it comes: one OSV
 * record, an array of them, an osv.dev `{ vulns }` answer, osv-scanner's JSON output, GitHub's
 * REST `/advisories` list or GraphQL `securityVulnerabilities` nodes. Records of other ecosystems
 * are left out. Returns `undefined` when nothing in the value has an advisory's shape.
 */
export function parseAdvisoryExport(value: unknown): Advisory[] | undefined {
  const out: Advisory[] = [];
  let shaped = false;
  const seen = new Set<unknown>();
  const walk = (v: unknown, depth: number): void => {
    if (depth > 12 || seen.has(v)) return;
    if (Array.isArray(v)) {
      for (const item of v) walk(item, depth + 1);
      return;
    }
    if (!isObject(v)) return;
    seen.add(v);
    if (typeof v['id'] === 'string' && Array.isArray(v['affected'])) {
      shaped = true;
      out.push(...fromOsv(v));
    } else if (typeof v['ghsa_id'] === 'string' && Array.isArray(v['vulnerabilities'])) {
      shaped = true;
      out.push(...fromGithubRest(v));
    } else if (typeof v['vulnerableVersionRange'] === 'string' && isObject(v['package'])) {
      shaped = true;
      out.push(...fromGithubGraphql(v));
    } else {
      for (const child of Object.values(v)) walk(child, depth + 1);
    }
  };
  walk(value, 0);
  if (!shaped) return undefined;
  // The same advisory can appear in several envelopes (osv-scanner repeats it per package version).
  return [...new Map(out.map((a) => [`${a.id} ${a.package} ${a.vulnerable}`, a])).values()];
}
