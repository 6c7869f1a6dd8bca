import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SkipRules, runEslint, sourceTypeOf, tsconfigCoverage } from '@qe-fleet/agents';
import type { Finding, RuleMapping } from '@qe-fleet/agents';
import type { ESLint, Rule } from 'eslint';
import tseslint from 'typescript-eslint';
import { SharedParser } from '../../src/kit/eslint/SharedParser.js';
import type { SharedParserOptions } from '../../src/kit/eslint/SharedParser.js';
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

  it('sniffs the module system from the texts the caller already read, reading only the others', async () => {
    const dir = join(tmp, 'given-sources');
    await mkdir(dir);
    // CommonJS defines `module`; in an ES module it is an undefined name.
    await writeFile(join(dir, 'a.js'), 'module.exports = 1;\n');
    const rules = { 'no-undef': bug };
    expect(await runEslint(dir, ['a.js'], { rules, notes: [] })).toEqual([]);
    const sources = new Map([['a.js', 'export const a = 1;\n']]);
    expect((await runEslint(dir, ['a.js'], { rules, notes: [], sources })).map((f) => f.message)).toEqual(["'module' is not defined."]);
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

describe('runEslint without typescript-eslint rules', () => {
  it("does not register typescript-eslint's plugin, so a maintainer's directive naming one of its rules loads nothing", async () => {
    const dir = join(tmp, 'directive');
    await mkdir(dir);
    await writeFile(join(dir, 'a.ts'), 'export class A {\n  // eslint-disable-next-line @typescript-eslint/class-methods-use-this\n  f(x: number) {\n    return x === x;\n  }\n}\n');
    const findings = await runEslint(dir, ['a.ts'], { rules: { 'no-self-compare': bug }, notes: [] });
    expect(findings.map((f) => f.rule)).toEqual(['no-self-compare']);
    // typescript-eslint's plugin loads a rule's module the first time ESLint looks the rule up.
    const requireFromPlugin = createRequire(createRequire(createRequire(import.meta.url).resolve('typescript-eslint')).resolve('@typescript-eslint/eslint-plugin'));
    expect(requireFromPlugin.cache[requireFromPlugin.resolve('@typescript-eslint/eslint-plugin/use-at-your-own-risk/rules')]).toBeDefined();
    expect(Object.keys(requireFromPlugin.cache).filter((path) => path.endsWith('class-methods-use-this.js'))).toEqual([]);
  });
});

describe('SharedParser: one syntax tree per file for all ESLint passes of a process', () => {
  /** A shared parser that counts the parses it delegates to typescript-eslint, by file. */
  const counting = (): { parser: SharedParser; parsed: string[] } => {
    const parsed: string[] = [];
    const parseForESLint: NonNullable<SharedParserOptions['parseForESLint']> = (code, options) => {
      parsed.push(String(options['filePath']).split(/[\\/]/).pop() ?? '');
      return (tseslint.parser.parseForESLint as unknown as NonNullable<SharedParserOptions['parseForESLint']>)(code, options);
    };
    return { parser: new SharedParser({ parseForESLint }), parsed };
  };
  const at = (f: Finding): string => `${f.rule} ${'file' in f.location ? `${f.location.file}:${f.location.line}` : ''}`;

  it('parses each file once for two passes with different rules, and they report what unshared passes report', async () => {
    const dir = shape('eslint-disable');
    const files = ['lib/compare.cjs', 'lib/index.js', 'lib/types.ts', 'lib/view.jsx'];
    const first = { 'no-self-compare': bug };
    const second = { 'no-eval': injection, 'no-self-compare': bug };
    const { parser, parsed } = counting();
    const shared = [await runEslint(dir, files, { rules: first, notes: [], parser }), await runEslint(dir, files, { rules: second, notes: [], parser })];
    expect(parsed.sort()).toEqual(['compare.cjs', 'index.js', 'types.ts', 'view.jsx']);
    const alone = [await runEslint(dir, files, { rules: first, notes: [], parser: new SharedParser() }), await runEslint(dir, files, { rules: second, notes: [], parser: new SharedParser() })];
    expect(shared.map((findings) => findings.map(at))).toEqual(alone.map((findings) => findings.map(at)));
    expect(shared[1]!.map(at)).toContain('no-self-compare lib/index.js:12');
  });

  it('analyses scopes afresh for every pass: what a rule marks on a variable does not reach the next pass', async () => {
    const dir = join(tmp, 'marks');
    await mkdir(dir);
    await writeFile(join(dir, 'a.mjs'), 'const unused = 1;\nexport const used = 2;\n');
    // A rule that marks `unused` as used (as framework plugins do for JSX), run in the first pass only.
    const markUsed: Rule.RuleModule = { meta: { type: 'problem', schema: [] }, create: (context) => ({ Program: (node) => void context.sourceCode.markVariableAsUsed('unused', node) }) };
    const probe: ESLint.Plugin = { rules: { 'mark-used': markUsed } };
    const { parser, parsed } = counting();
    const plugins = { probe };
    const marked = await runEslint(dir, ['a.mjs'], { rules: { 'probe/mark-used': bug, 'no-unused-vars': bug }, plugins, notes: [], parser });
    const next = await runEslint(dir, ['a.mjs'], { rules: { 'no-unused-vars': bug }, plugins, notes: [], parser });
    expect(parsed).toEqual(['a.mjs']);
    expect(marked).toEqual([]);
    expect(next.map(at)).toEqual(['no-unused-vars a.mjs:1']);
  });

  it('never shares a type-aware parse: it belongs to a TypeScript program', async () => {
    const dir = join(tmp, 'typed-shared');
    await mkdir(join(dir, 'src'), { recursive: true });
    await writeFile(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, module: 'nodenext', target: 'es2022' }, include: ['src'] }));
    await writeFile(join(dir, 'src/a.ts'), 'export async function save(): Promise<void> {}\nsave();\n');
    const { parser, parsed } = counting();
    const typed = { rules: { '@typescript-eslint/no-floating-promises': { kind: 'unawaited-promise', severity: 'medium', confidence: 0.9 } as RuleMapping }, files: ['src/a.ts'] };
    for (let i = 0; i < 2; i++) expect((await runEslint(dir, ['src/a.ts'], { rules: {}, typed, notes: [], parser })).map(at)).toEqual(['@typescript-eslint/no-floating-promises src/a.ts:2']);
    expect(parsed).toEqual(['a.ts', 'a.ts']);
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
