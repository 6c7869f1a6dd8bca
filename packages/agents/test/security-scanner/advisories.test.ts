import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { SecurityScanner, isAffected, loadAdvisories, openTarget, osvEventsToRange, parseAdvisoryExport, parseAuditReport, readLockedPackages, runPackageAudit, runProcess } from '@qe-fleet/agents';
import type { AgentReport, AuditRunner, LockedPackage, ProcessResult, Target } from '@qe-fleet/agents';

const recorded = (name: string): string => fileURLToPath(new URL(`./recorded/${name}`, import.meta.url));
const TARGET_2 = fileURLToPath(new URL('../../../../fixtures/sample-target-2', import.meta.url));
/** npm 11's answer on this machine, whose registry mirror refuses the bulk advisory endpoint. */
const NPM_405 = JSON.stringify({ message: '405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk', statusCode: 405, error: { summary: '', detail: '' } });

const result = (stdout: string, exitCode = 1, timedOut = false): ProcessResult => ({ exitCode, signal: null, stdout, stderr: '', timedOut, aborted: false, durationMs: 1 });
/** Replays recorded output and records what was asked. */
function replay(stdout: string, calls: Array<{ command: string; args: readonly string[]; timeoutMs: number | undefined }>, timedOut = false): AuditRunner {
  return (command, args, options) => {
    calls.push({ command, args, timeoutMs: options.timeoutMs });
    return Promise.resolve(result(stdout, 1, timedOut));
  };
}

let target: Target;
let locked: LockedPackage[];
beforeAll(async () => {
  target = await openTarget({ dir: TARGET_2 });
  ({ packages: locked } = await readLockedPackages(TARGET_2, target.packageJson, []));
});

describe('package manager audits', () => {
  it('reads npm 7+ audit JSON: advisories of each package (not "via another package"), versions from the lockfile', async () => {
    const found = parseAuditReport(await readFile(recorded('npm-audit-v2.json'), 'utf8'), locked);
    expect(found?.map((v) => [v.name, v.version, v.id, v.range, v.severity])).toEqual([
      ['moment', '2.29.1', 'GHSA-8hfj-j24r-96c4', '>=1.0.1 <2.29.2', 'high'],
      ['moment', '2.29.1', 'GHSA-wc69-rhjr-hc9g', '>=2.18.0 <2.29.4', 'high'],
    ]);
  });

  it('reads pnpm (and npm 6) audit JSON with the versions it found', async () => {
    const found = parseAuditReport(await readFile(recorded('pnpm-audit.json'), 'utf8'));
    expect(found?.map((v) => [v.name, v.version, v.id, v.severity, v.path])).toEqual([
      // Object keys that are integers come in ascending order.
      ['minimist', '1.2.5', 'GHSA-xvch-5gv4-984h', 'critical', '. > mkdirp > minimist'],
      ['moment', '2.29.1', 'GHSA-8hfj-j24r-96c4', 'high', '. > moment'],
    ]);
  });

  it('an error object, an HTML page or nothing is "no answer", never "no vulnerabilities"', () => {
    for (const text of [NPM_405, '<html>502</html>', '', '{}', JSON.stringify({ error: { code: 'ENOTFOUND' } })]) expect(parseAuditReport(text), text).toBeUndefined();
    expect(parseAuditReport(JSON.stringify({ auditReportVersion: 2, vulnerabilities: {}, metadata: {} }))).toEqual([]);
  });

  it('runs npm audit for package-lock.json and pnpm audit for pnpm-lock.yaml with a timeout; other lockfiles are not asked', async () => {
    const calls: Array<{ command: string; args: readonly string[]; timeoutMs: number | undefined }> = [];
    expect(await runPackageAudit(TARGET_2, 'package-lock.json', locked, { runner: replay(NPM_405, calls), timeoutMs: 9000 })).toEqual({ answered: false, tool: 'npm audit', reason: expect.stringMatching(/405 Method Not Allowed/) as string });
    await runPackageAudit(TARGET_2, 'pnpm-lock.yaml', locked, { runner: replay('{}', calls) });
    expect(calls).toEqual([
      { command: 'npm', args: ['audit', '--json', '--package-lock-only'], timeoutMs: 9000 },
      { command: 'pnpm', args: ['audit', '--json'], timeoutMs: 30_000 },
    ]);
    expect(await runPackageAudit(TARGET_2, 'yarn.lock', locked)).toMatchObject({ answered: false });
  });

  it('an audit that never answers is given up at its timeout (the process group is killed)', async () => {
    const hang: AuditRunner = (_command, _args, options) => runProcess(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], options);
    const outcome = await runPackageAudit(TARGET_2, 'package-lock.json', locked, { runner: hang, timeoutMs: 1500 });
    expect(outcome).toEqual({ answered: false, tool: 'npm audit', reason: 'no answer within 1.5 s' });
  });
});

describe('OSV and GitHub advisory exports, matched with semver', () => {
  it('turns OSV events into semver ranges', () => {
    expect(osvEventsToRange([{ introduced: '0' }, { fixed: '4.17.21' }])).toBe('<4.17.21');
    expect(osvEventsToRange([{ introduced: '1.0.1' }, { fixed: '2.29.2' }])).toBe('>=1.0.1 <2.29.2');
    expect(osvEventsToRange([{ introduced: '0' }, { last_affected: '1.2.5' }])).toBe('<=1.2.5');
    expect(osvEventsToRange([{ introduced: '1.0.0' }, { fixed: '1.2.6' }, { introduced: '2.0.0' }])).toBe('>=1.0.0 <1.2.6 || >=2.0.0');
    expect(osvEventsToRange([{ introduced: '0' }])).toBe('*');
    expect(osvEventsToRange([])).toBeUndefined();
  });

  it('reads OSV records (npm only, ranges and listed versions) and GitHub REST advisories', async () => {
    const osv = await loadAdvisories(recorded('osv-export.json'));
    expect(osv.advisories.map((a) => [a.id, a.package, a.vulnerable, a.versions, a.severity])).toEqual([
      ['GHSA-8hfj-j24r-96c4', 'moment', '>=1.0.1 <2.29.2', undefined, 'high'],
      ['GHSA-0000-test-only', 'semver', '<0.0.0-0', ['7.5.1'], 'medium'],
      ['GHSA-1111-test-only', 'minimist', '<=1.2.5', undefined, 'critical'],
    ]);
    expect(osv.label).toMatch(/OSV.*3 npm advisories from 1 file/);
    const rest = parseAdvisoryExport([{ ghsa_id: 'GHSA-35jh-r3h4-6jhm', summary: 'Command Injection in lodash', severity: 'high', html_url: 'https://github.com/advisories/GHSA-35jh-r3h4-6jhm', vulnerabilities: [{ package: { ecosystem: 'npm', name: 'lodash' }, vulnerable_version_range: '>= 0, < 4.17.21' }] }]);
    expect(rest?.map((a) => [a.package, a.vulnerable])).toEqual([['lodash', '>= 0  < 4.17.21']]);
    expect(isAffected('4.17.20', rest![0]!)).toBe(true);
    expect(isAffected('4.17.21', rest![0]!)).toBe(false);
    expect(parseAdvisoryExport({ name: 'not an export' })).toBeUndefined();
  });

  it('semver decides: ranges with ||, carets, prereleases as npm matches them, listed versions; a git URL is never affected', () => {
    const a = (vulnerable: string, versions?: string[]) => ({ id: 'x', package: 'p', vulnerable, severity: 'high' as const, title: 't', ...(versions === undefined ? {} : { versions }) });
    expect(isAffected('1.2.8', a('<0.2.4 || >=1.0.0 <1.2.6'))).toBe(false);
    expect(isAffected('1.2.5', a('<0.2.4 || >=1.0.0 <1.2.6'))).toBe(true);
    expect(isAffected('7.5.2', a('>=7.0.0 <7.5.2'))).toBe(false);
    expect(isAffected('0.2.9', a('^0.2.3'))).toBe(true);
    expect(isAffected('2.0.0-beta.1', a('<2.0.0'))).toBe(false);
    expect(isAffected('7.5.1', a('<0.0.0-0', ['7.5.1']))).toBe(true);
    expect(isAffected('github:user/repo#abc', a('*'))).toBe(false);
  });
});

describe('the scanner picks the first source that answers and says which', () => {
  const depsOf = (report: AgentReport) => report.findings.filter((f) => f.kind === 'vulnerable-dependency');
  const sourceNote = (report: AgentReport) => report.notes.find((n) => n.startsWith('dependencies: advisory source'));

  it('the audit when it answers; else the user export; else the bundled list with its date and size', async () => {
    const audited = await new SecurityScanner({ auditRunner: replay(await readFile(recorded('npm-audit-v2.json'), 'utf8'), []) }).run(target, 'static+deps');
    expect(depsOf(audited).map((f) => [f.location, f.severity, f.message])).toEqual([[{ package: 'moment', version: '2.29.1' }, 'high', 'moment@2.29.1 (package-lock.json: node_modules/moment) is affected by GHSA-8hfj-j24r-96c4, GHSA-wc69-rhjr-hc9g']]);
    expect(sourceNote(audited)).toMatch(/^dependencies: advisory source npm audit/);

    const exported = await new SecurityScanner({ auditRunner: replay(NPM_405, []), advisories: recorded('osv-export.json') }).run(target, 'static+deps');
    expect(depsOf(exported).map((f) => [f.location, f.evidence])).toEqual([[{ package: 'moment', version: '2.29.1' }, expect.stringMatching(/^GHSA-8hfj-j24r-96c4 \(>=1\.0\.1 <2\.29\.2\)/)]]);
    expect(sourceNote(exported)).toMatch(/advisory source export .*osv-export\.json.*\(npm audit: no audit report \(exit 1: 405 Method Not Allowed/);

    const bundled = await new SecurityScanner({ auditRunner: replay('', [], true) }).run(await openTarget({ dir: TARGET_2, advisories: recorded('missing.json') }), 'static+deps');
    expect(depsOf(bundled).map((f) => f.location)).toEqual([{ package: 'moment', version: '2.29.1' }]);
    expect(sourceNote(bundled)).toMatch(/advisory source bundled list "GitHub Advisory Database[^"]*", updated \d{4}-\d\d-\d\d, \d+ advisories; .*npm audit: no answer within 30 s; cannot read .*missing\.json/);
    expect(bundled.skipped).toBeUndefined();
  }, 120_000);
});
