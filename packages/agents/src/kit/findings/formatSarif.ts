import { pathToFileURL } from 'node:url';
import type { Location, Log, ReportingDescriptor, Result } from 'sarif';
import { type FindingLocation, type Severity, isVerified } from './Finding.js';
import { type FindingsReport, type ReportedFinding, ruleOf, severityRank } from './ReportedFinding.js';

/** The SARIF 2.1.0 schema URI written into every log. */
export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';

const LEVEL: Record<Severity, Result.level> = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' };
// GitHub code scanning reads `security-severity` (0-10) on a rule to rank security alerts.
const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '1.0' };
const SECURITY_KINDS = new Set(['prototype-pollution', 'xss', 'code-injection', 'command-injection', 'hardcoded-secret', 'vulnerable-dependency']);

/** Documentation of a rule when it has public docs: ESLint core, typescript-eslint and eslint-plugin-security rules. */
export function ruleHelpUri(rule: string): string | undefined {
  if (/^[a-z][a-z-]*$/.test(rule) && rule.includes('-') && !rule.startsWith('qe')) return `https://eslint.org/docs/latest/rules/${rule}`;
  if (rule.startsWith('@typescript-eslint/')) return `https://typescript-eslint.io/rules/${rule.slice('@typescript-eslint/'.length)}`;
  if (rule.startsWith('security/')) return `https://github.com/eslint-community/eslint-plugin-security/blob/main/docs/rules/${rule.slice('security/'.length)}.md`;
  return undefined;
}

function locations(location: FindingLocation): { locations?: Location[]; logical?: Record<string, string> } {
  if ('file' in location) {
    return {
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: location.file, uriBaseId: '%SRCROOT%' },
            region: { startLine: location.line, ...(location.endLine !== undefined && location.endLine >= location.line ? { endLine: location.endLine } : {}) },
          },
        },
      ],
    };
  }
  if ('route' in location) return { locations: [{ logicalLocations: [{ name: location.route, kind: 'resource' }] }], logical: { route: location.route } };
  if ('page' in location) {
    const name = location.selector === undefined ? location.page : `${location.page} ${location.selector}`;
    return { locations: [{ logicalLocations: [{ name, kind: location.selector === undefined ? 'resource' : 'element' }] }], logical: { page: location.page } };
  }
  if ('package' in location) {
    // The manifest is where a user acts on a dependency, so code scanning gets a file to show.
    return {
      locations: [
        {
          physicalLocation: { artifactLocation: { uri: 'package.json', uriBaseId: '%SRCROOT%' } },
          logicalLocations: [{ name: location.package, fullyQualifiedName: `${location.package}@${location.version ?? '*'}`, kind: 'module' }],
        },
      ],
      logical: { package: location.package, ...(location.version === undefined ? {} : { version: location.version }) },
    };
  }
  return { locations: [{ logicalLocations: [{ name: location.name === undefined ? location.test : `${location.test} › ${location.name}`, kind: 'function' }] }], logical: { test: location.test } };
}

function result(finding: ReportedFinding, ruleIndex: number): Result {
  const { locations: locs, logical } = locations(finding.location);
  return {
    ruleId: ruleOf(finding),
    ruleIndex,
    level: LEVEL[finding.severity],
    message: { text: finding.evidence === '' ? finding.message : `${finding.message} (${finding.evidence})` },
    ...(locs === undefined ? {} : { locations: locs }),
    ...(finding.relatedLocations === undefined || finding.relatedLocations.length === 0 ? {} : { relatedLocations: finding.relatedLocations.flatMap((l, i) => (locations(l).locations ?? []).map((r) => ({ ...r, id: i + 1 }))) }),
    partialFingerprints: { 'qeFleet/v1': finding.fingerprint },
    ...(finding.baseline === undefined ? {} : { baselineState: finding.baseline === 'new' ? 'new' : 'unchanged' }),
    ...(finding.suppressed === undefined
      ? {}
      : { suppressions: [{ kind: 'triage' in finding.suppressed ? 'external' : 'inSource', status: 'accepted', justification: finding.suppressed.reason }] }),
    properties: { agent: finding.agent, kind: finding.kind, severity: finding.severity, confidence: finding.confidence, ...(isVerified(finding) ? { verified: finding.verified } : {}), ...logical },
  };
}

/**
 * The report as a SARIF 2.1.0 log (one run, tool `qe-fleet`) that GitHub code scanning accepts:
 * a rule per rule id with its help URI where it has docs, `ruleIndex` on each result, file:line
 * as physical locations (relative to `%SRCROOT%` = the target), routes, pages and packages as
 * logical locations and properties, levels from severities (critical/high → error, medium →
 * warning, low/info → note), `partialFingerprints` from the line-move-stable fingerprint,
 * `baselineState` new/unchanged, suppressed findings with an in-source (comment) or external
 * (triage verdict) suppression, and agents
 * that failed or did not apply as tool notifications.
 */
export function formatSarif(report: FindingsReport): Log {
  const all = [...report.findings, ...report.suppressed];
  const rules: ReportingDescriptor[] = [];
  const index = new Map<string, number>();
  for (const finding of all) {
    const id = ruleOf(finding);
    const existing = index.get(id);
    if (existing !== undefined) {
      const rule = rules[existing]!;
      const props = rule.properties as { severity: Severity; 'security-severity'?: string };
      if (severityRank(finding.severity) > severityRank(props.severity)) {
        props.severity = finding.severity;
        if (props['security-severity'] !== undefined) props['security-severity'] = SECURITY_SEVERITY[finding.severity];
      }
      continue;
    }
    index.set(id, rules.length);
    const help = ruleHelpUri(id);
    rules.push({
      id,
      shortDescription: { text: `${finding.kind}: ${id}` },
      ...(help === undefined ? {} : { helpUri: help, help: { text: `See ${help}` } }),
      defaultConfiguration: { level: LEVEL[finding.severity] },
      properties: {
        severity: finding.severity,
        tags: SECURITY_KINDS.has(finding.kind) ? ['security', finding.kind] : [finding.kind],
        ...(SECURITY_KINDS.has(finding.kind) ? { 'security-severity': SECURITY_SEVERITY[finding.severity] } : {}),
      },
    });
  }
  const notifications = report.agents
    .filter((a) => a.status !== 'ok' || (a.skipped?.length ?? 0) > 0)
    .map((a) => ({
      level: a.status === 'failed' ? ('error' as const) : ('note' as const),
      message: {
        text:
          a.status === 'ok'
            ? `${a.agent} skipped: ${(a.skipped ?? []).map((s) => `${s.surface} (${s.reason})`).join('; ')}`
            : `${a.agent} ${a.status === 'failed' ? 'failed' : 'not applicable'}: ${a.reason ?? 'no reason given'}`,
      },
      descriptor: { id: a.status === 'failed' ? 'agent-failed' : a.status === 'ok' ? 'surface-skipped' : 'not-applicable' },
      properties: { agent: a.agent },
    }));
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: report.tool.name,
            version: report.tool.version,
            ...(report.tool.informationUri === undefined ? {} : { informationUri: report.tool.informationUri }),
            rules,
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileURL(report.target.endsWith('/') ? report.target : `${report.target}/`).href } },
        invocations: [
          {
            executionSuccessful: report.agents.every((a) => a.status !== 'failed'),
            endTimeUtc: report.generatedAt,
            ...(notifications.length === 0 ? {} : { toolExecutionNotifications: notifications }),
          },
        ],
        results: all.map((f) => result(f, index.get(ruleOf(f)) ?? 0)),
        properties: {
          agents: report.agents.map((a) => ({ agent: a.agent, strategy: a.strategy, status: a.status })),
          ...(report.baseline === null ? {} : { baseline: report.baseline, fixed: report.fixed }),
        },
      },
    ],
  };
}
