import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatSarif } from '@qe-fleet/agents';
import { calculateReward, rewardWeightsFor } from '@qe-fleet/learning-core';
import { SwarmMemoryManager } from '@qe-fleet/memory';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectFindingsPanel, findingsHtml } from '../src/findingsPanel.js';
import type { RunSummary } from '../src/runCommand.js';
import { TRIAGE_FEEDBACK_EVENT, type TriageFeedbackRecord } from '../src/TriageStore.js';
import { cli } from './cliHarness.js';

// One agent, one cheap strategy, two findings of two rules on a small app: the command is under test.
const SCAN = ['--agents', 'security-scanner', '--strategy', 'security-scanner=static-only'];
const APP = [
  "const express = require('express');",
  "const { exec } = require('child_process');",
  "const app = express(); app.disable('x-powered-by');",
  "app.get('/run', (req, res) => {",
  '  res.send(String(eval(req.query.x)));',
  '});',
  "app.get('/ls', (req, res) => {",
  "  exec('ls ' + req.query.dir, (err, out) => res.send(out));",
  '});',
  'module.exports = app;',
  '',
].join('\n');

interface Listed {
  run: { target: string; findings: number; suppressed: number };
  findings: Array<{ id: string; fingerprint: string; verdict: string | null; suppressed: boolean; rule: string; agent: string; strategy: string | null }>;
  marked: Array<{ fingerprint: string; verdict: string; reason: string | null; strategy: string | null }>;
}

let dir: string;
let db: string;
let project: string;
let first: RunSummary;
let second: RunSummary;
let evalId: string;
let execId: string;
const refused: Array<{ code: number; err: string }> = [];
let afterRefusals: Listed;

const run = async (): Promise<RunSummary> => {
  const result = await cli(['run', '--target', project, '--db', db, '--json', '--no-cache', ...SCAN], dir);
  expect(result.code, result.err).toBe(0);
  return JSON.parse(result.out) as RunSummary;
};
const triage = async (args: string[], input?: string) => cli(['triage', '--db', db, ...args], dir, undefined, {}, input);
const listed = async (args: string[] = []): Promise<Listed> => JSON.parse((await triage(['--json', ...args])).out) as Listed;

function withMemory<T>(fn: (memory: SwarmMemoryManager) => T): T {
  const memory = new SwarmMemoryManager(db);
  memory.initialize();
  try {
    return fn(memory);
  } finally {
    memory.close();
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'qe-triage-'));
  db = join(dir, 'fleet.db');
  project = join(dir, 'app');
  mkdirSync(join(project, 'src'), { recursive: true });
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0' }));
  writeFileSync(join(project, 'src', 'app.js'), APP);
  first = await run();
  const list = await listed();
  evalId = list.findings.find((f) => f.rule.includes('eval'))!.id;
  execId = list.findings.find((f) => f.rule.includes('exec'))!.id;
  // Bad input first: each is refused with exit 2 and stores nothing.
  for (const args of [['--mark', `${evalId}=maybe`], ['--mark', `${evalId}=false`, '--mark', 'deadbeef00=true'], ['--mark', `${evalId.slice(0, 3)}=false`], ['--mark', 'nonsense']]) {
    refused.push(await triage(args));
  }
  afterRefusals = await listed();
  const marked = await triage(['--mark', `${evalId}=false`, '--reason', 'x is checked against an allow-list upstream']);
  expect(marked.code, marked.err).toBe(0);
  second = await run();
}, 180_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('qe-fleet triage: verdicts on the last run, suppression in later runs, feedback for learning', () => {
  it('lists the last run\'s findings with stable ids (the report fingerprints) and the strategy that found them', () => {
    expect(first.findings.findings).toHaveLength(2);
    const fingerprints = first.findings.findings.map((f) => f.fingerprint).sort();
    expect([evalId, execId].every((id) => fingerprints.some((f) => f.startsWith(id)))).toBe(true);
    expect(afterRefusals.findings.map((f) => f.strategy)).toEqual(['static-only', 'static-only']);
  });

  it('refuses a bad verdict, an unknown id, a too-short id and a malformed mark (exit 2), storing nothing', () => {
    expect(refused.map((r) => r.code)).toEqual([2, 2, 2, 2]);
    expect(refused[0]!.err).toMatch(/verdict must be one of true, false, wontfix, got 'maybe'/);
    expect(refused[1]!.err).toMatch(/no finding 'deadbeef00'/);
    expect(refused[2]!.err).toMatch(/too short/);
    expect(refused[3]!.err).toMatch(/expected ID=true\|false\|wontfix/);
    // the valid mark beside the unknown id was not stored either
    expect(afterRefusals.findings.map((f) => f.verdict)).toEqual([null, null]);
  });

  it('a finding marked false is suppressed in the next run and counted as suppressed (SARIF: an external suppression)', () => {
    expect(second.findings.findings.map((f) => f.rule)).toEqual([expect.stringContaining('exec')]);
    expect(second.findings.suppressed).toHaveLength(1);
    const [dismissed] = second.findings.suppressed;
    expect(dismissed!.fingerprint.startsWith(evalId)).toBe(true);
    expect(dismissed!.suppressed).toEqual({ triage: 'false', reason: expect.stringMatching(/^triaged false positive on \d{4}-\d\d-\d\d: x is checked against an allow-list upstream$/) });
    const sarif = formatSarif(second.findings).runs[0]!.results!;
    expect(sarif.find((r) => r.suppressions !== undefined)?.suppressions).toEqual([{ kind: 'external', status: 'accepted', justification: dismissed!.suppressed!.reason }]);
    const stored = withMemory((memory) => collectFindingsPanel(memory).latest!.counts);
    expect(stored).toMatchObject({ total: 1, suppressed: 1 });
  });

  it('the false verdict is negative feedback the engine learned from on the next run: rating, reward and tracker snapshot', () => {
    withMemory((memory) => {
      const feedback = memory.queryEvents<TriageFeedbackRecord>(TRIAGE_FEEDBACK_EVENT);
      // the first run had no verdicts: nothing to say; the second reports the dismissed finding
      expect(feedback).toHaveLength(1);
      const given = feedback[0]!.payload;
      expect(given).toMatchObject({ agent: 'security-scanner', strategy: 'static-only', target: project, judged: { true: 0, false: 1, wontfix: 0 }, findings: 2 });
      // the false one counts 0, the unjudged one its rule's own confidence
      const execConfidence = second.findings.findings[0]!.confidence;
      expect(given.rating).toBeCloseTo((0 + execConfidence) / 2, 10);
      expect(given.rating).toBeLessThan(given.result.satisfaction!);
      const training = memory.queryEvents<{ experience: { taskId: string; action: string; reward: number } }>('learning:training').find((e) => e.payload.experience.taskId === given.taskId);
      expect(training?.payload.experience.action).toBe('static-only');
      const r = given.result;
      const execution = { strategy: 'static-only', success: r.success, executionTime: r.executionTime!, errors: [], satisfaction: r.satisfaction!, ...(r.coverage === null ? {} : { coverage: r.coverage }), ...(r.resourceUsage === null ? {} : { resourceUsage: r.resourceUsage }) };
      const weights = { weights: rewardWeightsFor('security-scanner') };
      // the stored experience's reward is the composite with the user's rating, lower than without it
      expect(training!.payload.experience.reward).toBeCloseTo(calculateReward(execution, { rating: given.rating }, weights), 10);
      // (by the satisfaction weight times how far the rating is below the result's own satisfaction, asserted above)
      expect(training!.payload.experience.reward).toBeLessThan(calculateReward(execution, undefined, weights));
      // and the tracker records the rating as the task's user satisfaction
      const satisfaction = memory.query<{ metrics: { userSatisfaction: number } }>('phase2/learning/security-scanner/snapshots/%', { partition: 'learning' }).map((e) => e.value.metrics.userSatisfaction);
      expect(satisfaction).toContain(given.rating);
    });
  });

  it('interactive: one answer per finding without a verdict, stored as given; --all lists the suppressed one; --unmark removes a verdict', async () => {
    const answered = await triage(['--interactive'], 'x\nt\n');
    expect(answered.code, answered.err).toBe(0);
    expect(answered.out).toMatch(/answer t, f, w, s or q/);
    const list = await listed(['--all']);
    expect(list.findings.map((f) => [f.id, f.verdict, f.suppressed])).toEqual([
      [execId, 'true', false],
      [evalId, 'false', true],
    ]);
    const rates = withMemory((memory) => collectFindingsPanel(memory).triage);
    expect(rates.byAgent).toEqual([{ key: 'security-scanner', true: 1, false: 1, wontfix: 0, falseRate: 0.5 }]);
    expect(rates.byRule.map((r) => [r.key, r.falseRate])).toEqual([
      [expect.stringContaining('eval'), 1],
      [expect.stringContaining('exec'), 0],
    ]);
    // report --html shows the same rates
    const html = withMemory((memory) => findingsHtml(collectFindingsPanel(memory)));
    expect(html).toContain('<h3>Triage (2 verdicts)</h3>');
    expect(html).toMatch(/<td>security-scanner<\/td><td>1<\/td><td>1<\/td><td>0<\/td><td>50 %<\/td>/);
    expect((await triage(['--unmark', evalId])).code).toBe(0);
    expect((await listed(['--all'])).findings.map((f) => f.verdict)).toEqual(['true', null]);
  });
});
