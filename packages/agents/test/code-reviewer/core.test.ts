import { cp, mkdir, mkdtemp, rm, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CodeReviewer, findDuplicates, findUnawaitedCalls, openTarget, runAgentTask, runProcess, satisfactionOf, scoreFindings } from '@qe-fleet/agents';
import type { AgentReport, CatalogueScore, Target } from '@qe-fleet/agents';
import { FIXTURE, PACKAGE, expectBestStrategyFindsCatalogue, measureStrategies } from '../support/fixture.js';
import { ReplayCore, expectLearningConverges } from '../support/learning.js';

const reviewer = new CodeReviewer();
let reports: Map<string, AgentReport>;
let scores: Map<string, CatalogueScore>;
let target: Target;
let tmp: string;

// Every strategy runs for real exactly once here (type-aware ESLint is the slow part); the tests
// below, including the learning test, share these reports.
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'qe-cr-'));
  ({ target, reports, scores } = await measureStrategies(reviewer));
}, 240_000);
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('code-reviewer on the sample target', () => {
  it('its best strategy finds the catalogued defects: recall >= 0.8 with precision >= 0.8', () => {
    expectBestStrategyFindsCatalogue(scores);
    expect(scores.get('recommended')!.recall).toBeGreaterThanOrEqual(0.8);
    expect(scores.get('type-aware')!.recall).toBeGreaterThanOrEqual(0.8);
  });

  it('finds floating promises through the type checker in type-aware, by a name heuristic in recommended', () => {
    const typed = reports.get('type-aware')!.findings.filter((f) => f.rule === '@typescript-eslint/no-floating-promises');
    expect(scoreFindings(typed, target.catalogue!, 'code-reviewer').found.sort()).toEqual(['D05', 'D06']);
    const heuristic = reports.get('recommended')!.findings.filter((f) => f.rule === 'qe/unawaited-async-call');
    expect(scoreFindings(heuristic, target.catalogue!, 'code-reviewer').found.sort()).toEqual(['D05', 'D06']);
  });

  it('reports both copies of the duplicated function and both complex functions', () => {
    expect(scores.get('recommended')!.found).toEqual(expect.arrayContaining(['D16', 'D17', 'D18', 'D19', 'D08']));
  });

  it('reports a duplicated pair as one finding at the later copy, the first copy as its related location', () => {
    const pairs = reports.get('recommended')!.findings.filter((f) => f.kind === 'duplication');
    const shipping = pairs.filter((f) => [f.location, ...(f.relatedLocations ?? [])].some((l) => 'file' in l && l.file === 'src/shipping.ts'));
    expect(shipping).toHaveLength(1);
    const [places] = shipping.map((f) => [f.location, ...(f.relatedLocations ?? [])].map((l) => ('file' in l ? l.file : '')).sort());
    expect(places).toEqual(['src/quote.ts', 'src/shipping.ts']);
  });

  it('strict reports more and is less precise than type-aware', () => {
    expect(reports.get('strict')!.findings.length).toBeGreaterThan(reports.get('type-aware')!.findings.length);
    expect(scores.get('strict')!.precision).toBeLessThan(scores.get('type-aware')!.precision);
  });

  it('learning converges on the strategy that measures best (BaseAgent, in-memory store, seeded, replayed runs)', async () => {
    await expectLearningConverges(new ReplayCore('code-reviewer', reviewer.strategies, reports), FIXTURE);
  });
});

describe('changed-files', () => {
  it('reviews only the files changed against HEAD in a git work tree', async () => {
    const repo = join(tmp, 'repo');
    await mkdir(repo);
    await cp(join(FIXTURE, 'src'), join(repo, 'src'), { recursive: true });
    await cp(join(FIXTURE, 'package.json'), join(repo, 'package.json'));
    const git = (...args: string[]) => runProcess('git', ['-c', 'user.email=qe@example.invalid', '-c', 'user.name=qe', ...args], { cwd: repo });
    await git('init', '-q');
    await git('add', '.');
    expect((await git('commit', '-q', '-m', 'base')).exitCode).toBe(0);
    await appendFile(join(repo, 'src/quote.ts'), '\nexport const touched = true;\n');
    const report = await reviewer.run(await openTarget({ dir: repo, catalogue: false }), 'changed-files');
    const files = new Set(report.findings.map((f) => ('file' in f.location ? f.location.file : '')));
    expect([...files]).toEqual(['src/quote.ts']);
    expect(report.coverage).toBeCloseTo(1 / 12, 1);
  });

  it('outside a git work tree reviews nothing and says so in skipped, with coverage 0', async () => {
    const dir = join(tmp, 'nogit');
    await mkdir(join(dir, 'src'), { recursive: true });
    await writeFile(join(dir, 'package.json'), '{}');
    await writeFile(join(dir, 'src/a.ts'), 'export const a = 1;\nexport const same = (x: number) => x === x;\n');
    const result = await runAgentTask(reviewer, { dir }, 'changed-files');
    expect(result).toMatchObject({ success: true, coverage: 0, output: { findings: [] } });
    expect(result.output.report?.skipped).toEqual([{ surface: 'changed files', reason: expect.stringMatching(/not a git work tree/) as string }]);
  });

  it('on a clean checkout says that nothing changed instead of a silent clean result', async () => {
    const repo = join(tmp, 'clean');
    await mkdir(join(repo, 'src'), { recursive: true });
    await writeFile(join(repo, 'package.json'), '{}');
    await writeFile(join(repo, 'src/a.ts'), 'export const same = (x: number) => x === x;\n');
    const git = (...args: string[]) => runProcess('git', ['-c', 'user.email=qe@example.invalid', '-c', 'user.name=qe', ...args], { cwd: repo });
    await git('init', '-q');
    await git('add', '.');
    expect((await git('commit', '-q', '-m', 'base')).exitCode).toBe(0);
    const result = await runAgentTask(reviewer, { dir: repo }, 'changed-files');
    expect(result).toMatchObject({ success: true, coverage: 0, output: { findings: [] } });
    expect(result.output.report?.skipped?.[0]).toMatchObject({ surface: 'changed files', reason: expect.stringMatching(/clean checkout/) as string });
  });
});

describe('other targets', () => {
  it('runs on a tiny project without a tsconfig; type-aware degrades to the syntactic rules and lists the type-aware ones as skipped', async () => {
    const dir = join(tmp, 'tiny');
    await mkdir(dir);
    await writeFile(join(dir, 'package.json'), '{"name":"tiny","type":"module"}');
    await writeFile(join(dir, 'index.js'), 'export function same(x) {\n  return x === x;\n}\n');
    const result = await runAgentTask(reviewer, { dir }, 'recommended');
    expect(result.success).toBe(true);
    expect(result.output.findings).toEqual([expect.objectContaining({ kind: 'logic-bug', rule: 'no-self-compare', location: { file: 'index.js', line: 2, endLine: 2 } })]);
    // Uncatalogued: a static rule's finding is unverified, worth half its confidence (0.9) in the yield.
    expect(result.satisfaction).toBeCloseTo(satisfactionOf(result.output.report!), 10);
    expect(result.satisfaction).toBeLessThan(0.9);
    const typed = await runAgentTask(reviewer, { dir }, 'type-aware');
    expect(typed).toMatchObject({ success: true, coverage: 0.5 });
    expect(typed.output.findings.map((f) => f.rule)).toEqual(['no-self-compare']);
    expect(typed.output.report?.skipped).toEqual([{ surface: 'type-aware rules', reason: expect.stringMatching(/no tsconfig\.json/) as string }]);
  });

  it('runs on the agents package itself', async () => {
    const result = await runAgentTask(reviewer, { dir: PACKAGE }, 'recommended');
    expect(result.success, result.errors.join('\n')).toBe(true);
    expect(result.coverage).toBe(1);
  });

  it('gives clear failed results for bad targets', async () => {
    expect(await runAgentTask(reviewer, { dir: join(tmp, 'missing') }, 'recommended')).toMatchObject({ success: false, output: { errorCode: 'TARGET_NOT_FOUND' } });
    await mkdir(join(tmp, 'nopkg'));
    expect(await runAgentTask(reviewer, { dir: join(tmp, 'nopkg') }, 'recommended')).toMatchObject({ success: false, output: { errorCode: 'NO_PACKAGE_JSON' } });
    const empty = join(tmp, 'empty');
    await mkdir(empty);
    await writeFile(join(empty, 'package.json'), '{}');
    expect(await runAgentTask(reviewer, { dir: empty }, 'recommended')).toMatchObject({ success: false, output: { errorCode: 'UNSUPPORTED_TARGET' } });
    const broken = join(tmp, 'broken');
    await mkdir(broken);
    await writeFile(join(broken, 'package.json'), '{}');
    await writeFile(join(broken, 'a.ts'), 'const = ;\n');
    const crashed = await runAgentTask(reviewer, { dir: broken }, 'recommended');
    expect(crashed).toMatchObject({ success: false, satisfaction: 0, output: { errorCode: 'TOOL_FAILED', findings: [] } });
    expect(crashed.errors[0]).toMatch(/could not parse/);
  });
});

describe('finders', () => {
  it('findDuplicates reports a copied block once per pair, across files, ignoring comments and layout', () => {
    const body = Array.from({ length: 8 }, (_, i) => `  if (x > ${i}) { total += x * ${i}; }`).join('\n');
    const files = new Map([
      ['a.ts', `export function a(x: number) {\n  let total = 0;\n${body}\n  return total;\n}\n`],
      ['b.ts', `// copy\nexport function a(x: number) {\n  let total = 0; /* same */\n${body}\n  return total;\n}\n`],
      ['c.ts', 'export const unrelated = [1, 2, 3].map((n) => n + 1);\n'],
    ]);
    const found = findDuplicates(files, { minTokens: 40, minLines: 5, normalize: 'literals' });
    expect(found).toEqual([{ first: { file: 'a.ts', line: 1, endLine: 12 }, second: { file: 'b.ts', line: 2, endLine: 13 }, tokens: expect.any(Number) as number }]);
  });

  it('findUnawaitedCalls flags bare calls of async functions only', () => {
    const source = [
      'async function save() {}',
      'const load = async () => 1;',
      'function sync() {}',
      'export async function main() {',
      '  save();',
      '  await save();',
      '  void load();',
      '  sync();',
      '  load().catch(() => {});',
      '  return save();',
      '}',
    ].join('\n');
    // `walk` is async in another file but sync here: the local declaration decides.
    const other = 'export async function walk() {}\nexport function use() { walk(); }';
    const local = 'function walk() {}\nexport function go() { walk(); }';
    const found = findUnawaitedCalls(new Map([['m.ts', source], ['other.ts', other], ['local.ts', local]]));
    expect(found.map((c) => [c.file, c.line, c.callee])).toEqual([
      ['m.ts', 5, 'save'],
      ['other.ts', 2, 'walk'],
    ]);
  });
});
