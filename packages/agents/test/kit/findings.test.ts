import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AgentError,
  applySuppressions,
  BASELINE_PATH,
  buildFindingsReport,
  compareWithBaseline,
  createBaseline,
  fingerprintFindings,
  formatFindings,
  formatJunit,
  formatMarkdown,
  formatSarif,
  formatTable,
  loadBaseline,
  parseBaseline,
  ruleHelpUri,
  saveBaseline,
  sourceReader,
} from '@qe-fleet/agents';
import type { AgentFindings, Finding, FindingsFormat, ReportedFinding, SourceReader } from '@qe-fleet/agents';

const require = createRequire(import.meta.url);
// Both are CommonJS whose default export TypeScript's NodeNext typing cannot construct or call.
interface SchemaValidator {
  compile(schema: object): ((data: unknown) => boolean) & { errors?: unknown };
}
const Ajv = require('ajv-draft-04') as new (options: Record<string, unknown>) => SchemaValidator;
const addFormats = require('ajv-formats') as (ajv: SchemaValidator) => unknown;
// The official SARIF 2.1.0 (rtm.5) schema, as shipped by Microsoft's @microsoft/jest-sarif package (draft-04,
// hence ajv-draft-04; one of its language-tag patterns is not valid in unicode mode, hence unicodeRegExp: false).
const SARIF_SCHEMA_FILE = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');

const reader = (files: Record<string, string>): SourceReader => (file) => files[file];
const at = (file: string, line: number, extra: Partial<Finding> = {}): Finding & { agent: string } => ({
  agent: 'security-scanner',
  kind: 'code-injection',
  severity: 'critical',
  location: { file, line },
  message: 'eval of request data',
  evidence: 'eval(req.query.x)',
  confidence: 0.9,
  rule: 'qe/eval-non-literal',
  ...extra,
});

describe('fingerprintFindings', () => {
  const before = 'const a = 1;\napp.get("/", (req) => eval(req.query.x));\n';
  const after = '// a comment\n\n\nconst a = 1;\n  app.get("/",   (req) => eval(req.query.x));\n';

  it('is stable when lines move and whitespace changes, and differs for other code', () => {
    const [one] = fingerprintFindings([at('a.js', 2)], reader({ 'a.js': before }));
    const [moved] = fingerprintFindings([at('a.js', 5)], reader({ 'a.js': after }));
    const [other] = fingerprintFindings([at('a.js', 1)], reader({ 'a.js': before }));
    const [otherFile] = fingerprintFindings([at('b.js', 2)], reader({ 'b.js': before }));
    expect(one?.fingerprint).toMatch(/^[0-9a-f]{32}$/);
    expect(moved?.fingerprint).toBe(one?.fingerprint);
    expect(other?.fingerprint).not.toBe(one?.fingerprint);
    expect(otherFile?.fingerprint).not.toBe(one?.fingerprint);
  });

  it('keeps two identical lines of one file apart, and ignores numbers in route messages', () => {
    const text = 'eval(req.query.x);\neval(req.query.x);\n';
    const prints = fingerprintFindings([at('a.js', 2), at('a.js', 1)], reader({ 'a.js': text })).map((f) => f.fingerprint);
    expect(new Set(prints).size).toBe(2);
    const route = (message: string) => ({ ...at('x', 1), location: { route: 'GET /a' }, message });
    const [r1, r2] = fingerprintFindings([route('took 120 ms at line 4')], reader({})).concat(fingerprintFindings([route('took 95 ms at line 9')], reader({})));
    expect(r1?.fingerprint).toBe(r2?.fingerprint);
  });

  it('sourceReader refuses paths that leave the target', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'qe-reader-'));
    await writeFile(join(dir, 'a.js'), 'x');
    const read = sourceReader(join(dir));
    expect(read('a.js')).toBe('x');
    expect(read('../etc/passwd')).toBeUndefined();
    expect(read('missing.js')).toBeUndefined();
    await rm(dir, { recursive: true, force: true });
  });
});

describe('applySuppressions', () => {
  const source = [
    'eval(req.query.a); // qe-fleet-ignore qe/eval-non-literal input is a fixed enum here',
    '// qe-fleet-ignore code-injection reviewed in #42',
    'eval(req.query.b);',
    '// qe-fleet-ignore no-eval wrong rule',
    'eval(req.query.c);',
  ].join('\n');

  it('suppresses one finding per comment on its line or the line before, by rule or kind, with the reason', () => {
    const findings: ReportedFinding[] = fingerprintFindings([at('a.js', 1), at('a.js', 3), at('a.js', 3, { rule: 'security/detect-eval-with-expression' }), at('a.js', 5)], reader({ 'a.js': source }));
    const { kept, suppressed } = applySuppressions(findings, reader({ 'a.js': source }));
    expect(suppressed.map((f) => [('file' in f.location && f.location.line) || 0, f.suppressed?.reason])).toEqual([
      [1, 'input is a fixed enum here'],
      [3, 'reviewed in #42'],
    ]);
    // The second finding on line 3 is not silenced by the same comment; line 5's comment names another rule.
    expect(kept.map((f) => ('file' in f.location ? f.location.line : 0))).toEqual([3, 5]);
  });
});

describe('baseline', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'qe-baseline-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('marks new and existing, lists fixed only for agents that ran, and round-trips through the file', async () => {
    const files = { 'a.js': 'eval(a);\neval(b);\n' };
    const old = fingerprintFindings([at('a.js', 1), at('a.js', 2), { ...at('a.js', 1), agent: 'code-reviewer' }], reader(files));
    const baseline = createBaseline(old, new Date('2026-01-01T00:00:00Z'));
    expect(await loadBaseline(dir)).toBeUndefined();
    const path = await saveBaseline(dir, baseline);
    expect(path).toBe(join(dir, BASELINE_PATH));
    const loaded = await loadBaseline(dir);
    expect(loaded).toEqual(baseline);
    const now = fingerprintFindings([at('a.js', 1), at('a.js', 3)], reader({ 'a.js': 'eval(a);\n\neval(c);\n' }));
    const compared = compareWithBaseline(now, loaded!, { ranAgents: ['security-scanner'] });
    expect(compared.findings.map((f) => f.baseline)).toEqual(['existing', 'new']);
    expect(compared.fixed.map((e) => [e.agent, 'file' in e.location && e.location.line])).toEqual([['security-scanner', 2]]);
  });

  it('refuses a malformed baseline with BASELINE_INVALID', async () => {
    expect(() => parseBaseline({ version: 2, savedAt: 'x', findings: [] })).toThrow(expect.objectContaining({ code: 'BASELINE_INVALID' }) as Error);
    expect(() => parseBaseline({ version: 1, savedAt: 'x', findings: [{ fingerprint: 'f' }] })).toThrow(/findings\[0\]/);
    await mkdir(join(dir, '.qe-fleet'), { recursive: true });
    await writeFile(join(dir, BASELINE_PATH), '{ not json');
    await expect(loadBaseline(dir)).rejects.toSatisfy((e) => e instanceof AgentError && e.code === 'BASELINE_INVALID');
  });
});

function sampleReport(withBaseline: boolean) {
  const files = {
    'src/app.js': 'const x = 1;\napp.get("/", (req) => eval(req.query.x)); // ok | fine\n// qe-fleet-ignore hardcoded-secret test key\nconst key = "sk_live_abc";\n',
  };
  const agents: AgentFindings[] = [
    {
      agent: 'security-scanner',
      strategy: 'static+deps',
      status: 'ok',
      skipped: [{ surface: 'live probes', reason: 'no API description found' }],
      findings: [
        at('src/app.js', 2, { message: 'eval | of request <data>' }),
        at('src/app.js', 4, { kind: 'hardcoded-secret', severity: 'high', rule: 'qe/secret/stripe', evidence: 'sk_l…abc' }),
        { kind: 'vulnerable-dependency', severity: 'high', location: { package: 'lodash', version: '4.17.4' }, message: 'prototype pollution', evidence: 'GHSA-x', confidence: 1, rule: 'qe/advisory' },
      ],
    },
    {
      agent: 'code-reviewer',
      strategy: 'recommended',
      status: 'ok',
      findings: [
        { kind: 'logic-bug', severity: 'medium', location: { file: 'src/app.js', line: 1 }, message: 'self compare', evidence: 'no-self-compare', confidence: 0.8, rule: 'no-self-compare' },
        { kind: 'api-server-error', severity: 'low', location: { route: 'GET /users/{id}' }, message: '500', evidence: '', confidence: 0.7 },
      ],
    },
    { agent: 'api-tester', strategy: null, status: 'not-applicable', reason: 'no API description found', findings: [] },
    { agent: 'test-generator', strategy: 'smoke', status: 'failed', reason: 'TOOL_FAILED: boom', findings: [] },
  ];
  const baseline = withBaseline ? createBaseline(fingerprintFindings([at('src/app.js', 2, { message: 'eval | of request <data>' }), at('src/gone.js', 1)], reader(files)), new Date('2026-01-01T00:00:00Z')) : undefined;
  return buildFindingsReport({ target: '/tmp/project', agents, read: reader(files), now: new Date('2026-02-03T04:05:06Z'), ...(baseline === undefined ? {} : { baseline }) });
}

describe('buildFindingsReport and the formatters', () => {
  it('builds one report: fingerprinted, suppressed, baseline-marked, most severe first', () => {
    const report = sampleReport(true);
    expect(report.findings.map((f) => [f.severity, f.agent, f.baseline])).toEqual([
      ['critical', 'security-scanner', 'existing'],
      ['high', 'security-scanner', 'new'],
      ['medium', 'code-reviewer', 'new'],
      ['low', 'code-reviewer', 'new'],
    ]);
    expect(report.suppressed.map((f) => f.suppressed?.reason)).toEqual(['test key']);
    expect(report.fixed.map((e) => 'file' in e.location && e.location.file)).toEqual(['src/gone.js']);
    expect(report.agents.map((a) => a.status)).toEqual(['ok', 'ok', 'not-applicable', 'failed']);
  });

  it('lists new findings before known ones of the same severity', () => {
    const files = { 'a.js': 'eval(a);\neval(b);\n' };
    const known = createBaseline(fingerprintFindings([at('a.js', 1)], reader(files)));
    const report = buildFindingsReport({ target: '/t', agents: [{ agent: 'security-scanner', strategy: 's', status: 'ok', findings: [at('a.js', 1), at('a.js', 2)] }], read: reader(files), baseline: known });
    expect(report.findings.map((f) => [f.baseline, 'file' in f.location && f.location.line])).toEqual([
      ['new', 2],
      ['existing', 1],
    ]);
  });

  it('a triage verdict suppresses its finding (an inline comment wins), counted in the table and an external suppression in valid SARIF', async () => {
    const files = { 'a.js': 'eval(a);\n// qe-fleet-ignore qe/eval-non-literal reviewed\neval(b);\neval(c);\n' };
    const findings = [at('a.js', 1), at('a.js', 3), at('a.js', 4)];
    const [first, second] = fingerprintFindings(findings, reader(files));
    const triaged = new Map([
      [first!.fingerprint, { triage: 'false' as const, reason: 'triaged false positive' }],
      [second!.fingerprint, { triage: 'wontfix' as const, reason: 'legacy' }],
    ]);
    const report = buildFindingsReport({ target: '/t', agents: [{ agent: 'security-scanner', strategy: 's', status: 'ok', findings }], read: reader(files), triaged });
    expect(report.findings.map((f) => 'file' in f.location && f.location.line)).toEqual([4]);
    expect(report.suppressed.map((f) => ['file' in f.location && f.location.line, f.suppressed])).toEqual([
      [1, { triage: 'false', reason: 'triaged false positive' }],
      [3, { reason: 'reviewed', line: 2 }],
    ]);
    expect(formatTable(report).split('\n')[0]).toBe('findings: 1 (critical 1) · 2 suppressed (1 by triage)');
    const results = formatSarif(report).runs[0]!.results ?? [];
    expect(results.map((r) => r.suppressions?.[0]?.kind)).toEqual([undefined, 'external', 'inSource']);
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(await readFile(SARIF_SCHEMA_FILE, 'utf8')) as Record<string, unknown>);
    expect(validate(formatSarif(report)), JSON.stringify(validate.errors, null, 2)).toBe(true);
  });

  it('SARIF validates against the official SARIF 2.1.0 schema and carries rules, locations, levels and fingerprints', async () => {
    const schema = JSON.parse(await readFile(SARIF_SCHEMA_FILE, 'utf8')) as Record<string, unknown>;
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    for (const report of [sampleReport(false), sampleReport(true), buildFindingsReport({ target: '/tmp/empty', agents: [] })]) {
      const log = JSON.parse(formatFindings(report, 'sarif')) as unknown;
      expect(validate(log), JSON.stringify(validate.errors, null, 2)).toBe(true);
    }
    // The validator is not a pushover: a log without its version fails.
    expect(validate({ runs: [] })).toBe(false);

    const log = formatSarif(sampleReport(true));
    const run = log.runs[0]!;
    const rules = run.tool.driver.rules ?? [];
    for (const result of run.results ?? []) expect(rules[result.ruleIndex ?? -1]?.id).toBe(result.ruleId);
    const byRule = new Map((run.results ?? []).map((r) => [r.ruleId, r]));
    expect(byRule.get('qe/eval-non-literal')).toMatchObject({
      level: 'error',
      baselineState: 'unchanged',
      locations: [{ physicalLocation: { artifactLocation: { uri: 'src/app.js', uriBaseId: '%SRCROOT%' }, region: { startLine: 2 } } }],
      partialFingerprints: { 'qeFleet/v1': expect.stringMatching(/^[0-9a-f]{32}$/) as string },
    });
    expect(byRule.get('no-self-compare')).toMatchObject({ level: 'warning', baselineState: 'new' });
    expect(byRule.get('api-server-error')).toMatchObject({ level: 'note', locations: [{ logicalLocations: [{ name: 'GET /users/{id}' }] }], properties: { route: 'GET /users/{id}' } });
    // One duplicated pair, one result: the other copy is a related location (and the log stays valid).
    const duplicate = { kind: 'duplication' as const, severity: 'low' as const, location: { file: 'src/a.js', line: 3, endLine: 4 }, relatedLocations: [{ file: 'src/app.js', line: 1, endLine: 2 }], message: 'repeated', evidence: '', confidence: 0.8, rule: 'qe/duplication' };
    const pairLog = formatSarif(buildFindingsReport({ target: '/tmp/pair', agents: [{ agent: 'code-reviewer', strategy: 'recommended', status: 'ok', findings: [duplicate] }] }));
    expect(validate(JSON.parse(JSON.stringify(pairLog))), JSON.stringify(validate.errors, null, 2)).toBe(true);
    expect(pairLog.runs[0]!.results).toHaveLength(1);
    expect(pairLog.runs[0]!.results?.[0]).toMatchObject({ locations: [{ physicalLocation: { region: { startLine: 3, endLine: 4 } } }], relatedLocations: [{ id: 1, physicalLocation: { artifactLocation: { uri: 'src/app.js' }, region: { startLine: 1, endLine: 2 } } }] });
    expect(byRule.get('qe/advisory')?.properties).toMatchObject({ package: 'lodash', version: '4.17.4' });
    expect(byRule.get('qe/secret/stripe')).toMatchObject({ suppressions: [{ kind: 'inSource', justification: 'test key' }] });
    expect(rules.find((r) => r.id === 'no-self-compare')?.helpUri).toBe('https://eslint.org/docs/latest/rules/no-self-compare');
    expect(rules.find((r) => r.id === 'qe/eval-non-literal')?.properties?.['security-severity']).toBe('9.5');
    expect(run.originalUriBaseIds?.['%SRCROOT%']?.uri).toBe('file:///tmp/project/');
    expect(run.invocations?.[0]?.executionSuccessful).toBe(false);
    expect(JSON.stringify(log)).not.toContain('sk_live_abc');
  });

  it('ruleHelpUri knows ESLint, typescript-eslint and eslint-plugin-security rules, and nothing else', () => {
    expect(ruleHelpUri('@typescript-eslint/no-floating-promises')).toBe('https://typescript-eslint.io/rules/no-floating-promises');
    expect(ruleHelpUri('security/detect-eval-with-expression')).toContain('eslint-plugin-security/blob/main/docs/rules/detect-eval-with-expression.md');
    expect(ruleHelpUri('qe/duplication')).toBeUndefined();
    expect(ruleHelpUri('complexity')).toBeUndefined();
  });

  it('JUnit has a suite per agent and a test case per finding; known and suppressed ones are skipped', () => {
    const xml = formatJunit(sampleReport(true));
    expect(xml).toMatch(/^<\?xml/);
    expect(xml.match(/<testsuite /g)).toHaveLength(4);
    expect(xml.match(/<testcase /g)).toHaveLength(4 + 5);
    expect(xml).toContain('<testsuites name="qe-fleet" tests="9" failures="3" errors="1">');
    expect(xml).toContain('eval | of request &lt;data&gt;');
    expect(xml).toContain('<skipped message="suppressed: test key"/>');
    expect(xml).toContain('<skipped message="not applicable: no API description found"/>');
    expect(xml).toContain('<error message="TOOL_FAILED: boom"/>');
  });

  it('Markdown groups by severity, escapes table cells and lists suppressed and fixed findings', () => {
    const md = formatMarkdown(sampleReport(true));
    expect(md).toContain('## critical (1)');
    expect(md).toContain('eval \\| of request <data>');
    expect(md).toContain('| api-tester | - | not-applicable: no API description found |');
    expect(md).toContain('## suppressed (1)');
    expect(md).toContain('## fixed since the baseline (1)');
    expect(md).toContain('3 new, 1 existing, 1 fixed');
  });

  it('the table groups by severity, shows place, rule, message, evidence and agent, and honours maxFindings', () => {
    const text = formatTable(sampleReport(true), { maxFindings: 2 });
    expect(text.split('\n')[0]).toBe('findings: 4 (critical 1, high 1, medium 1, low 1) · 3 new, 1 existing, 1 fixed (baseline of 2026-01-01T00:00:00.000Z) · 1 suppressed');
    expect(text).toContain('CRITICAL (1)\n  src/app.js:2  qe/eval-non-literal  [existing]  (security-scanner)\n      eval | of request <data>\n      evidence: eval(req.query.x)');
    expect(text).toContain('lodash@4.17.4  qe/advisory  [new]  (security-scanner)');
    expect(text).not.toContain('MEDIUM');
    expect(text).toContain('… 2 more not shown');
  });

  it('JSON carries every finding with its marks; an unknown format is INVALID_ARGUMENT', () => {
    const json = JSON.parse(formatFindings(sampleReport(true), 'json')) as { findings: unknown[]; suppressed: unknown[]; counts: { new: number; fixed: number } };
    expect(json.findings).toHaveLength(4);
    expect(json.suppressed).toHaveLength(1);
    expect(json.counts).toMatchObject({ new: 3, fixed: 1 });
    expect(() => formatFindings(sampleReport(false), 'xml' as FindingsFormat)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }) as Error);
  });
});
