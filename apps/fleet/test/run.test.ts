import { createHook } from 'node:async_hooks';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CodeReviewer } from '@qe-fleet/agents';
import type { FindingsReport, PilotAgent, Target } from '@qe-fleet/agents';
import { LearningEngine } from '@qe-fleet/learning-core';
import { SwarmMemoryManager } from '@qe-fleet/memory';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runExitCode } from '../src/exitCode.js';
import { listFindingsRuns } from '../src/findingsStore.js';
import { runCli } from '../src/program.js';
import type { RunSummary } from '../src/runCommand.js';
import { runScheduled } from '../src/runScheduled.js';
import { cli } from './cliHarness.js';

let dir: string;
let db: string;
let project: string;
// One agent, one cheap strategy: what these tests check is the CLI, not the scanner's choice.
const SCAN = ['--agents', 'security-scanner', '--strategy', 'security-scanner=static-only'];

const APP = [
  "const express = require('express');",
  "const app = express(); app.disable('x-powered-by');",
  "app.get('/run', (req, res) => {",
  '  res.send(String(eval(req.query.x)));',
  '});',
  'module.exports = app;',
  '',
].join('\n');

function writeApp(content: string): void {
  writeFileSync(join(project, 'src', 'app.js'), content);
}

async function runJson(args: string[], env: NodeJS.ProcessEnv = {}) {
  const result = await cli(['run', '--target', project, '--db', db, '--json', ...args], dir, undefined, env);
  return { ...result, summary: result.out === '' ? undefined : (JSON.parse(result.out) as RunSummary) };
}

function experiences(agent: string): number {
  const memory = new SwarmMemoryManager(db);
  memory.initialize();
  try {
    const engine = new LearningEngine(agent, memory);
    engine.initialize();
    return engine.getTotalExperiences();
  } finally {
    memory.close();
  }
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'qe-run-'));
  db = join(dir, 'fleet.db');
  project = join(dir, 'app');
  mkdirSync(join(project, 'src'), { recursive: true });
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0' }));
  writeApp(APP);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('run: bad usage is exit 2, refused before any agent runs', () => {
  it.each([
    ['a target that is a file', () => ['--target', join(project, 'package.json')], 'is a file'],
    ['a missing target', () => ['--target', join(dir, 'nope')], 'target folder not found'],
    ['a non-loopback --url', () => ['--target', project, '--url', 'http://example.com:8080/'], '--url'],
    ['a strategy the agent lacks', () => ['--target', project, '--agents', 'code-reviewer', '--strategy', 'code-reviewer=fastest'], "has no strategy 'fastest'"],
    ['a strategy for an agent not run', () => ['--target', project, '--agents', 'code-reviewer', '--strategy', 'api-tester=stateful'], 'not among the agents run'],
    ['a malformed --strategy', () => ['--target', project, '--strategy', 'code-reviewer'], 'expected agent=strategy'],
    ['--json with a document format and no --output', () => ['--target', project, '--format', 'sarif', '--json'], 'both want stdout'],
    ['an --output folder that does not exist', () => ['--target', project, '--output', join(dir, 'no', 'x.sarif')], 'does not exist'],
    ['--write-tests without the test-generator', () => ['--target', project, '--agents', 'code-reviewer', '--write-tests', 'kept'], "keeps the test-generator's tests"],
    ['an --advisories export that does not exist', () => ['--target', project, '--advisories', join(dir, 'no-osv.json')], '--advisories'],
  ])('%s', async (_name, args, message) => {
    const result = await cli(['run', '--db', db, ...args()], dir);
    expect(result.code, result.out).toBe(2);
    expect(result.err).toContain(message);
  });

  it('a non-loopback URL never reaches the database: nothing is learned from it', async () => {
    const result = await cli(['run', '--db', db, '--target', project, '--url', 'http://10.1.2.3/'], dir);
    expect(result.code).toBe(2);
    expect(existsSync(db)).toBe(false);
  });

  it('a tokenEnv naming an unset variable is exit 2; a set one lets the run go on and is never printed or stored', async () => {
    writeFileSync(join(dir, 'qe-fleet.config.json'), JSON.stringify({ tokenEnv: 'QE_TEST_TOKEN', headers: { 'x-tenant': 'acme' }, healthPath: '/health' }));
    const unset = await runJson(SCAN);
    expect(unset.code).toBe(2);
    expect(unset.err).toContain('QE_TEST_TOKEN');
    const token = 'tok-5ecr3t-0123456789abcdef';
    const set = await runJson(SCAN, { QE_TEST_TOKEN: token });
    expect(set.code, set.err).toBe(0);
    expect(set.out + set.err).not.toContain(token);
    // Closing the store checkpoints the WAL into the file, so the bytes read here hold everything the run stored.
    const stored = Buffer.concat([db, `${db}-wal`].filter((f) => existsSync(f)).map((f) => readFileSync(f)));
    expect(stored.includes('src/app.js')).toBe(true);
    expect(stored.includes(token)).toBe(false);
    writeFileSync(join(dir, 'qe-fleet.config.json'), JSON.stringify({ apiKeyEnv: 'QE_TEST_API_KEY' }));
    const noKey = await runJson(SCAN);
    expect(noKey.code).toBe(2);
    expect(noKey.err).toContain('QE_TEST_API_KEY (named by apiKeyEnv in the config) is not set');
  });
});

describe('run: findings and exit codes', () => {
  it('prints the findings grouped by severity after the summary; 0 without --fail-on, 1 with it', async () => {
    const plain = await cli(['run', '--target', project, '--db', db, ...SCAN], dir);
    expect(plain.code, plain.err).toBe(0);
    const summaryAt = plain.out.indexOf('security-scanner  static-only');
    const findingsAt = plain.out.indexOf('CRITICAL (1)\n  src/app.js:4  qe/eval-non-literal  (security-scanner)');
    expect(summaryAt).toBeGreaterThan(-1);
    expect(findingsAt).toBeGreaterThan(summaryAt);
    expect(plain.out).toContain('evidence: eval(req.query.x)');
    const failing = await runJson([...SCAN, '--fail-on', 'high']);
    expect(failing.code).toBe(1);
    expect(failing.summary?.exitCode).toBe(1);
    // --json carries every finding, with its agent and fingerprint.
    expect(failing.summary?.findings.findings).toEqual([expect.objectContaining({ agent: 'security-scanner', kind: 'code-injection', location: { file: 'src/app.js', line: 4 }, fingerprint: expect.any(String) as string })]);
  }, 120_000);

  it('exit 0 on a clean target even with --fail-on info', async () => {
    writeApp('module.exports = (a, b) => a + b;\n');
    const clean = await runJson([...SCAN, '--fail-on', 'info']);
    expect(clean.code, clean.err).toBe(0);
    expect(clean.summary?.findings.findings).toEqual([]);
  }, 120_000);

  it('exit 4 when an agent that applies failed to run, 0 with --allow-failed', async () => {
    // The only source does not parse: the reviewer has sources (it applies) but can examine none of them.
    writeApp('module.exports = function (;\n');
    const args = ['--agents', 'code-reviewer', '--strategy', 'code-reviewer=recommended'];
    const failed = await runJson(args);
    expect(failed.code).toBe(4);
    expect(failed.summary?.agents[0]).toMatchObject({ agent: 'code-reviewer', status: 'failed', error: expect.stringContaining('TOOL_FAILED') as string });
    expect(failed.summary?.findings.agents[0]).toMatchObject({ status: 'failed' });
    const allowed = await runJson([...args, '--allow-failed']);
    expect(allowed.code).toBe(0);
  }, 120_000);

  it('a not-applicable agent is listed with its reason, keeps exit 0 and is never a learning experience', async () => {
    const original = Object.getOwnPropertyDescriptor(CodeReviewer.prototype, 'notApplicable');
    Object.defineProperty(CodeReviewer.prototype, 'notApplicable', { configurable: true, value: (target: Target) => `nothing to review in ${target.name}` });
    try {
      const result = await cli(['run', '--target', project, '--db', db, '--agents', 'code-reviewer,security-scanner', '--strategy', 'security-scanner=static-only'], dir);
      expect(result.code, result.err).toBe(0);
      expect(result.out).toMatch(/code-reviewer\s+-\s+n\/a/);
      expect(result.out).toContain('not applicable:\n  code-reviewer: nothing to review in app');
      expect(experiences('code-reviewer')).toBe(0);
      expect(experiences('security-scanner')).toBe(1);
    } finally {
      if (original === undefined) delete (CodeReviewer.prototype as { notApplicable?: unknown }).notApplicable;
      else Object.defineProperty(CodeReviewer.prototype, 'notApplicable', original);
    }
  }, 120_000);

  it('exit 3 on an internal error: one line, the stack only with --verbose', async () => {
    const stream = () => ({ write: () => true }) as unknown as NodeJS.WritableStream;
    const boom = async (args: string[]) => {
      let err = '';
      const code = await runCli([...args, 'boom'], { stdout: stream(), stderr: { write: (s: string) => ((err += s), true) } as unknown as NodeJS.WritableStream, cwd: dir, env: {}, signal: new AbortController().signal }, [
        (program) => {
          program.command('boom').action(() => {
            throw new TypeError('a bug');
          });
        },
      ]);
      return { code, err };
    };
    const quiet = await boom([]);
    expect(quiet.code).toBe(3);
    expect(quiet.err).toBe('qe-fleet: internal error: a bug (--verbose for details)\n');
    const verbose = await boom(['--verbose']);
    expect(verbose.code).toBe(3);
    expect(verbose.err).toContain('internal error: TypeError: a bug');
    expect(verbose.err).toMatch(/\n\s+at /);
  });

  it('unit: exit code precedence 130 > 4 > 1 > 0, new findings only, allow-failed', () => {
    const report = (status: 'ok' | 'failed', baseline?: 'new' | 'existing'): FindingsReport => ({
      tool: { name: 'qe-fleet', version: '0' },
      target: '/t',
      generatedAt: '',
      agents: [{ agent: 'a', strategy: 's', status }, { agent: 'b', strategy: null, status: 'not-applicable', reason: 'no service' }],
      findings: [{ agent: 'a', fingerprint: 'f', kind: 'xss', severity: 'high', location: { route: 'GET /' }, message: '', evidence: '', confidence: 1, ...(baseline === undefined ? {} : { baseline }) }],
      suppressed: [],
      fixed: [],
      baseline: null,
    });
    expect(runExitCode({ interrupted: true, report: report('failed'), failOn: 'high', allowFailed: false })).toBe(130);
    expect(runExitCode({ interrupted: false, report: report('failed'), failOn: 'high', allowFailed: false })).toBe(4);
    expect(runExitCode({ interrupted: false, report: report('failed'), failOn: 'high', allowFailed: true })).toBe(1);
    expect(runExitCode({ interrupted: false, report: report('ok'), failOn: 'critical', allowFailed: false })).toBe(0);
    expect(runExitCode({ interrupted: false, report: report('ok', 'existing'), failOn: 'low', allowFailed: false })).toBe(0);
    expect(runExitCode({ interrupted: false, report: report('ok', 'new'), failOn: 'low', allowFailed: false })).toBe(1);
    expect(runExitCode({ interrupted: false, report: report('ok'), failOn: 'none', allowFailed: false })).toBe(0);
  });
});

describe('baseline, suppression, formats', () => {
  it('baseline save, then a re-run after an edit that moves lines marks existing / new / fixed, and --fail-on counts only new ones', async () => {
    const saved = await cli(['baseline', 'save', '--target', project, '--db', db, ...SCAN], dir);
    expect(saved.code, saved.err).toBe(0);
    expect(saved.out).toContain('baseline saved: 1 findings');
    const file = JSON.parse(readFileSync(join(project, '.qe-fleet', 'baseline.json'), 'utf8')) as { findings: unknown[] };
    expect(file.findings).toHaveLength(1);

    // Lines move: three new lines above the known finding. It is the same finding: existing, exit 0.
    writeApp(`// header\n'use strict';\n\n${APP}`);
    const moved = await runJson([...SCAN, '--fail-on', 'critical']);
    expect(moved.code, moved.err).toBe(0);
    expect(moved.summary?.findings.findings.map((f) => [f.location, f.baseline])).toEqual([[{ file: 'src/app.js', line: 7 }, 'existing']]);

    // A new defect: new, exit 1; the old one is still existing.
    writeApp(`// header\n'use strict';\n\n${APP}app.get('/calc', (req, res) => res.send(String(eval(req.body.expr))));\n`);
    const added = await runJson([...SCAN, '--fail-on', 'critical']);
    expect(added.code).toBe(1);
    expect(added.summary?.findings.findings.map((f) => f.baseline).sort()).toEqual(['existing', 'new']);

    // The known defect is removed: it is reported as fixed; the table says so.
    writeApp(`app.get('/calc', (req, res) => res.send(String(eval(req.body.expr))));\n`);
    const fixed = await cli(['run', '--target', project, '--db', db, ...SCAN], dir);
    expect(fixed.out).toMatch(/findings: 1 \(critical 1\) · 1 new, 0 existing, 1 fixed/);
    expect(fixed.out).toContain('fixed since the baseline (1):\n  src/app.js:4  qe/eval-non-literal  (security-scanner)');
  }, 180_000);

  it('an inline qe-fleet-ignore comment suppresses the finding, which is reported as suppressed and does not fail the run', async () => {
    writeApp(APP.replace('  res.send(String(eval(req.query.x)));', '  // qe-fleet-ignore qe/eval-non-literal x is validated against an allow-list above\n  res.send(String(eval(req.query.x)));'));
    const result = await runJson([...SCAN, '--fail-on', 'info']);
    expect(result.code).toBe(0);
    expect(result.summary?.findings.findings).toEqual([]);
    expect(result.summary?.findings.suppressed).toEqual([expect.objectContaining({ suppressed: { reason: 'x is validated against an allow-list above', line: 4 } })]);
  }, 120_000);

  it('--format sarif --output writes SARIF; --format junit alone makes stdout the document; --max-findings cuts the table', async () => {
    const out = join(dir, 'x.sarif');
    const sarif = await cli(['run', '--target', project, '--db', db, ...SCAN, '--format', 'sarif', '--output', out], dir);
    expect(sarif.code, sarif.err).toBe(0);
    expect(sarif.out).toContain(`sarif findings written to ${out}`);
    const log = JSON.parse(readFileSync(out, 'utf8')) as { version: string; runs: Array<{ results: Array<{ ruleId: string; partialFingerprints: Record<string, string> }> }> };
    expect(log.version).toBe('2.1.0');
    expect(log.runs[0]?.results).toEqual([expect.objectContaining({ ruleId: 'qe/eval-non-literal', partialFingerprints: { 'qeFleet/v1': expect.any(String) as string } })]);

    const junit = await cli(['run', '--target', project, '--db', db, ...SCAN, '--format', 'junit'], dir);
    expect(junit.out).toMatch(/^<\?xml/);
    expect(junit.out).toContain('<testcase classname="security-scanner.code-injection" name="src/app.js:4 qe/eval-non-literal">');
    expect(junit.err).toContain('security-scanner  static-only');

    writeApp(`${APP}eval(process.argv[2]);\n`);
    const cut = await cli(['run', '--target', project, '--db', db, ...SCAN, '--max-findings', '1'], dir);
    expect(cut.out).toContain('… 1 more not shown');
  }, 180_000);
});

describe('--strategy, --no-learn and the findings history', () => {
  it('--no-learn opens the database without its WAL checkpoint thread; a learning run has one', async () => {
    // Worker threads started during a run, counted by their async resource (type WORKER).
    const workersDuring = async (args: string[]): Promise<number> => {
      let workers = 0;
      const hook = createHook({ init: (_id, type) => void (type === 'WORKER' && workers++) }).enable();
      try {
        const run = await runJson([...SCAN, ...args]);
        expect(run.code, run.err).toBe(0);
      } finally {
        hook.disable();
      }
      return workers;
    };
    expect(await workersDuring(['--no-learn'])).toBe(0);
    expect(await workersDuring([])).toBe(1);
  }, 180_000);

  it('--strategy forces the strategy; --no-learn stores no experience; every run stores its findings', async () => {
    const forced = await runJson(['--agents', 'security-scanner', '--strategy', 'security-scanner=static+deps']);
    expect(forced.summary?.agents[0]).toMatchObject({ strategy: 'static+deps', explored: false });
    expect(experiences('security-scanner')).toBe(1);

    const quiet = await runJson(['--agents', 'security-scanner', '--no-learn', '--repeat', '2']);
    expect(quiet.code, quiet.err).toBe(0);
    expect(quiet.summary?.learned).toBe(false);
    expect(quiet.summary?.agents[0]?.explored).toBe(false);
    // The engine's best: the one strategy it has run, or the one its shipped priors rate higher
    // (static+deps+live), depending on how that run's reward compares with the prior.
    expect(['static+deps', 'static+deps+live']).toContain(quiet.summary?.agents[0]?.strategy);
    expect(experiences('security-scanner')).toBe(1);

    const memory = new SwarmMemoryManager(db);
    memory.initialize();
    try {
      const runs = listFindingsRuns(memory);
      expect(runs).toHaveLength(2);
      expect(runs[0]!.at).toBeGreaterThanOrEqual(runs[1]!.at);
      expect(runs[0]?.counts).toMatchObject({ total: 1, bySeverity: { critical: 1 }, byAgent: { 'security-scanner': 1 }, byFile: { 'src/app.js': 1 } });
    } finally {
      memory.close();
    }
    const html = join(dir, 'report.html');
    const report = await cli(['report', '--db', db, '--html', html], dir);
    expect(report.code, report.err).toBe(0);
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('<h2>Findings</h2>');
    expect(page).toContain('<code>src/app.js:4</code>');
    expect(page).toContain('<h3>Trend per run</h3>');
  }, 180_000);
});

describe('the target service', () => {
  // The start command leaves a marker and exits: the marker says whether the run tried to start it.
  const START = ['--start', `node -e "require('fs').writeFileSync('started', '1')"`];

  it('is not started when every forced strategy is one that never talks to it, and is when one does', async () => {
    const staticOnly = await runJson([...SCAN, ...START]);
    expect(staticOnly.code, staticOnly.err).toBe(0);
    expect(existsSync(join(project, 'started'))).toBe(false);

    const live = await runJson(['--agents', 'security-scanner', '--strategy', 'security-scanner=static+deps+live', ...START, '--allow-failed']);
    expect(live.summary?.agents[0]).toMatchObject({ strategy: 'static+deps+live' });
    expect(existsSync(join(project, 'started'))).toBe(true);
  }, 180_000);
});

describe('improvement after a few runs', () => {
  it('is shown from the second run on, with the runs compared on each side and its 95 % interval', async () => {
    const first = await runJson([...SCAN, '--no-cache']);
    expect(first.summary?.agents[0]?.improvementDetail).toBeNull();
    const more = await cli(['run', '--target', project, '--db', db, '--repeat', '3', ...SCAN], dir);
    expect(more.code, more.err).toBe(0);
    // four runs: the first two against the last two
    expect(more.out).toMatch(/security-scanner .* [+-]\d+\.\d % \([+-]?\d+\.\d\.\.[+-]?\d+\.\d, 2v2\)/);
    const last = await runJson([...SCAN, '--no-cache']);
    const detail = last.summary?.agents[0]?.improvementDetail;
    expect(detail?.compared).toBe(2);
    expect(detail!.interval![0]).toBeLessThanOrEqual(detail!.rate);
    expect(detail!.interval![1]).toBeGreaterThanOrEqual(detail!.rate);
    expect(last.summary?.agents[0]?.improvement).toBe(detail!.rate);
  }, 180_000);
});

describe('reuse on an unchanged target, and scheduling', () => {
  it('an unchanged re-run reuses the last result (same findings, no tool run, no experience); an edit or --no-cache runs again', async () => {
    const first = await runJson(SCAN);
    expect(first.code, first.err).toBe(0);
    expect(first.summary?.agents[0]).toMatchObject({ reused: false, findings: 1 });
    expect(experiences('security-scanner')).toBe(1);

    const again = await runJson(SCAN);
    expect(again.summary?.agents[0]).toMatchObject({ reused: true, findings: 1, timeMs: 0, strategy: 'static-only' });
    expect(again.summary?.findings.findings.map((f) => f.fingerprint)).toEqual(first.summary?.findings.findings.map((f) => f.fingerprint));
    expect(experiences('security-scanner')).toBe(1);

    const forced = await runJson([...SCAN, '--no-cache']);
    expect(forced.summary?.agents[0]?.reused).toBe(false);
    expect(experiences('security-scanner')).toBe(2);

    writeApp(APP.replace('eval(req.query.x)', 'req.query.x'));
    const edited = await runJson(SCAN);
    expect(edited.summary?.agents[0]).toMatchObject({ reused: false, findings: 0 });
  }, 180_000);

  it('runs at most --concurrency agents at once, then the agents that measure time alone', async () => {
    const events: string[] = [];
    let active = 0;
    let peak = 0;
    const agent = (id: string, measuresTime = false) => ({ id, core: { measuresTime } }) as unknown as PilotAgent;
    const agents = [agent('a'), agent('timed', true), agent('b'), agent('c')];
    await runScheduled(agents, 2, async (a) => {
      active += 1;
      peak = Math.max(peak, active);
      events.push(`start ${a.id} with ${active - 1} beside`);
      await new Promise((resolve) => setImmediate(resolve));
      active -= 1;
    });
    expect(peak).toBe(2);
    expect(events.at(-1)).toBe('start timed with 0 beside');
    expect(events.filter((e) => e.startsWith('start timed'))).toHaveLength(1);
  });
});
