import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecurityScanner, openTarget, redosAttackString, runProcess } from '@qe-fleet/agents';
import type { AgentReport } from '@qe-fleet/agents';

const SOURCE = [
  "'use strict';",
  '/** Tags are words separated by single spaces. */',
  'function isTagList(text) {',
  '  return /^(\\w+\\s?)+$/.test(text);',
  '}',
  'function trimEnd(text) {',
  "  return text.replace(/\\s+$/, '');",
  '}',
  'function isHex(text) {',
  '  return /^[0-9a-f]+$/i.test(text);',
  '}',
  '// eslint-disable-next-line regexp/no-super-linear-backtracking -- bounded input',
  "const KNOWN = new RegExp('^(a+)+$');",
  "const quoted = new RegExp('^(\\\\d+)*$');",
  'module.exports = { isTagList, trimEnd, isHex, KNOWN, quoted };',
].join('\n');

let dir: string;
const reports = new Map<string, AgentReport>();
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qe-redos-'));
  await mkdir(join(dir, 'lib'));
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'tags', version: '1.0.0', main: 'lib/tags.js' }));
  await writeFile(join(dir, 'lib', 'tags.js'), SOURCE);
  const target = await openTarget({ dir });
  const scanner = new SecurityScanner({ audit: false });
  for (const strategy of ['static-only', 'full']) reports.set(strategy, await scanner.run(target, strategy));
}, 120_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('ReDoS-prone regexes (eslint-plugin-regexp: no-super-linear-backtracking, no-super-linear-move in full)', () => {
  it('reports regex literals and constant RegExp sources that backtrack exponentially, with the line and an attack string; honours eslint-disable', () => {
    const redos = reports.get('static-only')!.findings.filter((f) => f.kind === 'redos');
    expect(redos.map((f) => [f.location, f.severity, f.rule])).toEqual([
      [{ file: 'lib/tags.js', line: 4, endLine: 4 }, 'high', 'regexp/no-super-linear-backtracking'],
      [{ file: 'lib/tags.js', line: 14, endLine: 14 }, 'high', 'regexp/no-super-linear-backtracking'],
    ]);
    expect(redos[0]!.evidence).toMatch(/return \/\^\(\\w\+\\s\?\)\+\$\/\.test\(text\);.*attack string "a"\.repeat\(40\) \+ "!"/);
  });

  it('the quadratic trim regex (retried at every start) only in full, at low', () => {
    const move = reports.get('full')!.findings.filter((f) => f.rule === 'regexp/no-super-linear-move');
    expect(move.map((f) => [f.location, f.severity])).toEqual([[{ file: 'lib/tags.js', line: 7, endLine: 7 }, 'low']]);
    expect(move[0]!.evidence).toMatch(/attack string " "\.repeat\(50000\) \+ "!"/);
  });

  it('the attack string it gives really makes the regex hang (child process, killed at 3 s), and a near miss does not', async () => {
    const attack = redosAttackString("This quantifier can reach itself via the loop '(\\w+\\s?)+'. Using any string accepted by /\\w+/, this can be exploited to cause at least polynomial backtracking. This is going to cause exponential backtracking resulting in exponential worst-case runtime behavior.");
    expect(attack).toEqual({ code: '"a".repeat(40) + "!"', pump: '\\w+' });
    const run = (input: string) => runProcess(process.execPath, ['-e', `/^(\\w+\\s?)+$/.test(${input}); console.log('done')`], { cwd: dir, timeoutMs: 3000 });
    const [slow, fast] = await Promise.all([run(attack!.code), run('"a".repeat(40)')]);
    expect(slow.timedOut).toBe(true);
    expect(fast.stdout.trim()).toBe('done');
  }, 30_000);
});
