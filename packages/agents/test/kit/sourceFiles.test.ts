import { describe, expect, it } from 'vitest';
import ts from '../../src/kit/typescript/ts.js';
import { findSecuritySinks, findUnawaitedCalls } from '@qe-fleet/agents';
import { SourceFiles } from '../../src/kit/typescript/SourceFiles.js';
import { TextCache } from '../../src/kit/typescript/TextCache.js';

describe('TextCache', () => {
  it('computes a text once per variant, again for edited text, and drops the least recently used past its bound', () => {
    const computed: string[] = [];
    const cache = new TextCache<string>({ maxChars: 10 });
    const get = (text: string, variant = 'a.ts'): string => cache.get(text, variant, () => (computed.push(`${variant}:${text}`), text.toUpperCase()));
    expect([get('abc'), get('abc'), get('abc', 'b.ts'), get('abd')]).toEqual(['ABC', 'ABC', 'ABC', 'ABD']);
    expect(computed).toEqual(['a.ts:abc', 'b.ts:abc', 'a.ts:abd']);
    // 9 characters held; `abc` in a.ts is used again, so adding 3 more drops b.ts's `abc`, the least recent.
    get('abc');
    get('xyz');
    get('abc');
    get('abc', 'b.ts');
    expect(computed).toEqual(['a.ts:abc', 'b.ts:abc', 'a.ts:abd', 'a.ts:xyz', 'b.ts:abc']);
    // A text longer than the bound is computed for its caller and never kept.
    get('0123456789ab');
    get('0123456789ab');
    expect(computed.filter((c) => c.endsWith('0123456789ab'))).toHaveLength(2);
  });
});

describe('SourceFiles: one TypeScript tree per file for all walks of a process', () => {
  const files = new Map([
    ['api.ts', "import { exec } from 'child_process';\nexport async function save(): Promise<void> {}\nexport function run(req: any) {\n  exec(req.query.cmd);\n  save();\n}\n"],
    ['util.ts', 'export function merge(t: any, s: any) { for (const k of Object.keys(s)) { t[k] = s[k]; } return t; }\n'],
  ]);

  it("parses each file once for the security scanner's and the code reviewer's walks, which find what they find alone", () => {
    const parsed: string[] = [];
    const sourceFiles = new SourceFiles({ create: (file, text, kind) => (parsed.push(file), ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, kind)) });
    const sinks = findSecuritySinks(files, { noisy: false, sourceFiles });
    const calls = findUnawaitedCalls(files, sourceFiles);
    expect(parsed.sort()).toEqual(['api.ts', 'util.ts']);
    expect(sinks).toEqual(findSecuritySinks(files, { noisy: false, sourceFiles: new SourceFiles() }));
    expect(calls).toEqual(findUnawaitedCalls(files, new SourceFiles()));
    expect(sinks.map((s) => `${s.rule} ${s.file}:${s.line}`)).toEqual(['qe/exec-non-literal api.ts:4', 'qe/unguarded-key-merge util.ts:1']);
    expect(calls.map((c) => `${c.callee} ${c.file}:${c.line}`)).toEqual(['save api.ts:5']);
  });

  it('keeps trees of another script kind apart', () => {
    const sourceFiles = new SourceFiles();
    const text = 'const a = <div />;\n';
    expect(sourceFiles.get('a.jsx', text)).toBe(sourceFiles.get('a.jsx', text));
    expect(sourceFiles.get('a.jsx', text, ts.ScriptKind.TSX)).not.toBe(sourceFiles.get('a.jsx', text));
    expect(sourceFiles.get('a.jsx', text, ts.ScriptKind.TSX).languageVariant).toBe(ts.LanguageVariant.JSX);
  });
});
