import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SecurityScanner, listSourceFiles, openTarget, runAgentTask } from '@qe-fleet/agents';
import type { Finding } from '@qe-fleet/agents';
import { shape } from '../support/fixture.js';

const scanner = new SecurityScanner();
const at = (f: Finding) => ('file' in f.location ? `${f.location.file}:${f.location.line} ${f.kind}` : `${JSON.stringify(f.location)} ${f.kind}`);

/** `expect: <kind>` markers (in a `//` or `<!-- -->` comment): a finding of that kind is due on the next line. */
async function expectedFindings(dir: string): Promise<string[]> {
  const expected: string[] = [];
  for (const file of await listSourceFiles(dir, { extensions: ['.js', '.ejs'] })) {
    const lines = (await readFile(join(dir, file), 'utf8')).split('\n');
    lines.forEach((text, i) => {
      const marker = /(?:\/\/|<!--)\s*expect: ([\w-]+)/.exec(text);
      if (marker !== null) expected.push(`${file}:${i + 2} ${marker[1]!}`);
    });
  }
  return expected.sort();
}

describe('security-scanner on a CommonJS Express app (fixtures/shapes/cjs-express-app)', () => {
  it('finds every marked vulnerability, through require as well as import, and nothing in the look-alike safe code', async () => {
    const dir = shape('cjs-express-app');
    const expected = await expectedFindings(dir);
    expect(expected.length).toBe(14);
    const result = await runAgentTask(scanner, { dir }, 'static-only');
    expect(result.success, result.errors.join()).toBe(true);
    expect(result.output.findings.map(at).sort()).toEqual(expected);
  });

  it('severities follow what a rule proves: request input into a shell is critical, an advertised framework is low', async () => {
    const result = await runAgentTask(scanner, { dir: shape('cjs-express-app') }, 'static-only');
    const severity = (rule: string) => [...new Set(result.output.findings.filter((f) => f.rule === rule).map((f) => f.severity))];
    expect(severity('qe/exec-non-literal')).toEqual(['critical']);
    expect(severity('qe/x-powered-by')).toEqual(['low']);
    expect(severity('qe/redirect-from-request')).toEqual(['medium']);
  });
});

describe('security-scanner on other shapes', () => {
  it('leaves minified, bundled and vendored files out and still scans the project', async () => {
    const result = await runAgentTask(scanner, { dir: shape('minified-vendor') }, 'full');
    expect(result.success, result.errors.join()).toBe(true);
    expect(result.output.findings).toEqual([]);
    expect(result.output.report!.notes.join('\n')).toMatch(/vendor\.min\.js.*public\/js\/app\.js|public\/js\/app\.js.*vendor\.min\.js/s);
  });

  it("reports eval that only a code-review rule was disabled for: the maintainers' eslint-disable no-eval is not a security waiver", async () => {
    const result = await runAgentTask(scanner, { dir: shape('eslint-disable') }, 'static-only');
    expect(result.success, result.errors.join()).toBe(true);
    expect(result.output.findings.map(at)).toEqual(['lib/index.js:20 code-injection']);
  });

  it('is not applicable without JS or TS sources', async () => {
    expect(scanner.notApplicable(await openTarget({ dir: shape('no-sources'), catalogue: false }))).toMatch(/no TypeScript or JavaScript sources/);
    expect(scanner.notApplicable(await openTarget({ dir: shape('cjs-express-app'), catalogue: false }))).toBeUndefined();
  });
});
