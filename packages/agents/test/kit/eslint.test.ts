import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SkipRules, runEslint, sourceTypeOf, tsconfigCoverage } from '@qe-fleet/agents';
import type { RuleMapping } from '@qe-fleet/agents';
import { shape } from '../support/fixture.js';

const bug: RuleMapping = { kind: 'logic-bug', severity: 'high', confidence: 0.9 };
const injection: RuleMapping = { kind: 'code-injection', severity: 'critical', confidence: 0.8 };
let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'qe-eslint-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('runEslint', () => {
  it("honours maintainers' eslint-disable comments (also naming rules of plugins it does not load) and parses CommonJS, ESM, JSX and TS", async () => {
    const dir = shape('eslint-disable');
    const notes: string[] = [];
    const files = ['lib/compare.cjs', 'lib/index.js', 'lib/types.ts', 'lib/view.jsx'];
    const findings = await runEslint(dir, files, { rules: { 'no-self-compare': bug, 'no-eval': injection }, notes });
    expect(findings.map((f) => [f.rule, f.location])).toEqual([['no-self-compare', { file: 'lib/index.js', line: 12, endLine: 12 }]]);
    expect(notes).toEqual([]);
  });

  it('counts only real parse errors as parse failures, and fails when half the files cannot be parsed', async () => {
    const dir = join(tmp, 'broken');
    await mkdir(dir);
    await writeFile(join(dir, 'good.js'), '// eslint-disable-next-line no-undef\nexport const a = 1;\n');
    await writeFile(join(dir, 'bad.js'), 'const = ;\n');
    await writeFile(join(dir, 'also-good.js'), 'export const b = 2;\n');
    const notes: string[] = [];
    await expect(runEslint(dir, ['good.js', 'also-good.js', 'bad.js'], { rules: { 'no-self-compare': bug }, notes })).resolves.toEqual([]);
    expect(notes).toEqual([expect.stringMatching(/^bad\.js: Parsing error/)]);
    await expect(runEslint(dir, ['good.js', 'bad.js'], { rules: { 'no-self-compare': bug }, notes: [] })).rejects.toMatchObject({ code: 'TOOL_FAILED', message: expect.stringMatching(/could not parse 1 of 2 files/) });
  });

  it('runs type-aware rules only on the files a tsconfig covers, syntactic rules on the rest', async () => {
    const dir = join(tmp, 'typed');
    await mkdir(join(dir, 'src'), { recursive: true });
    await mkdir(join(dir, 'test'));
    await writeFile(join(dir, 'package.json'), '{"type":"module"}');
    await writeFile(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, module: 'nodenext', target: 'es2022' }, include: ['src'] }));
    const floating = 'export async function save(): Promise<void> {}\nexport function go(x: number): boolean {\n  save();\n  return x === x;\n}\n';
    await writeFile(join(dir, 'src/a.ts'), floating);
    await writeFile(join(dir, 'test/a.test.ts'), floating);
    const coverage = tsconfigCoverage(dir, ['src/a.ts', 'test/a.test.ts']);
    expect(coverage).toMatchObject({ covered: ['src/a.ts'], uncovered: ['test/a.test.ts'], tsconfigs: ['tsconfig.json'] });
    const typedRule: RuleMapping = { kind: 'unawaited-promise', severity: 'medium', confidence: 0.9 };
    const findings = await runEslint(dir, ['src/a.ts', 'test/a.test.ts'], {
      rules: { 'no-self-compare': bug },
      typed: { rules: { '@typescript-eslint/no-floating-promises': typedRule }, files: coverage.covered },
      notes: [],
    });
    expect(findings.map((f) => [f.rule, 'file' in f.location ? `${f.location.file}:${f.location.line}` : ''])).toEqual([
      ['@typescript-eslint/no-floating-promises', 'src/a.ts:3'],
      ['no-self-compare', 'src/a.ts:4'],
      ['no-self-compare', 'test/a.test.ts:4'],
    ]);
  });
});

describe('sourceTypeOf', () => {
  it('follows the extension, then the syntax, then package.json type', () => {
    expect(sourceTypeOf('a.cjs', 'export const a = 1;', 'module')).toBe('commonjs');
    expect(sourceTypeOf('a.mjs', 'const a = require("a");', undefined)).toBe('module');
    expect(sourceTypeOf('a.js', "const fs = require('fs');\nmodule.exports = fs;", 'module')).toBe('commonjs');
    expect(sourceTypeOf('a.js', "import fs from 'fs';\nexport default fs;", undefined)).toBe('module');
    expect(sourceTypeOf('a.js', 'window.x = 1;', 'module')).toBe('module');
    expect(sourceTypeOf('a.js', 'window.x = 1;', undefined)).toBe('commonjs');
  });
});

describe('SkipRules: what the agents leave out as not the project\'s own code', () => {
  it('names minified, bundled, vendored and generated files and leaves hand-written code alone', () => {
    const rules = SkipRules.load(tmpdir());
    expect(rules.skipsFileName('public/js/vendor.min.js')).toMatch(/minified/);
    expect(rules.skipsDir('vendor')).toMatch(/vendored/);
    expect(rules.skipsFileName('public/js/jquery-3.7.1.js')).toMatch(/third-party/);
    expect(rules.skipsContent(`var t=[${'1,'.repeat(600)}1];`)).toMatch(/minified/);
    expect(rules.skipsContent('x();\n//# sourceMappingURL=a.js.map\n')).toMatch(/sourceMappingURL/);
    expect(rules.skipsContent('// @generated by protoc\nx();\n')).toMatch(/generated/);
    expect(rules.skipsContent(`/**\n * ${'A long paragraph of documentation. '.repeat(40)}\n */\nexport const a = 1;\n`)).toBeUndefined();
    expect(rules.skipsFileName('src/vendors.ts')).toBeUndefined();
    expect(rules.skipsFileName('public/js/app.js')).toBeUndefined();
  });
});
