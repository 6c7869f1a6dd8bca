import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CodeReviewer, openTarget, runAgentTask } from '@qe-fleet/agents';
import type { Finding } from '@qe-fleet/agents';
import { shape } from '../support/fixture.js';
import { writeProject } from '../support/writeProject.js';

const reviewer = new CodeReviewer();
const places = (findings: Finding[]) => findings.map((f) => `${f.rule ?? ''} ${'file' in f.location ? `${f.location.file}:${f.location.line}` : ''}`);

describe('code-reviewer on projects with the shapes of real ones', () => {
  it("honours the maintainers' eslint-disable comments and reports only the unsuppressed defect, in every strategy", async () => {
    for (const strategy of ['recommended', 'type-aware', 'strict']) {
      const result = await runAgentTask(reviewer, { dir: shape('eslint-disable') }, strategy);
      expect(result.success, `${strategy}: ${result.errors.join()}`).toBe(true);
      const logic = result.output.findings.filter((f) => f.kind === 'logic-bug' || f.kind === 'code-injection');
      const strictOnly = strategy === 'strict' ? logic.filter((f) => f.severity === 'low') : [];
      expect(places(logic.filter((f) => !strictOnly.includes(f))), strategy).toEqual(['no-self-compare lib/index.js:12']);
    }
  });

  it("reports `x !== x` on a variable as the NaN test it is (low, Number.isNaN), a self-compare of a property or by < as a bug (lukeed/dequal's equality checks)", async () => {
    const tmp = await mkdtemp(join(tmpdir(), 'qe-cr-nan-'));
    try {
      const dir = await writeProject(tmp, 'nan', { 'src/eq.js': 'export function eq(foo, bar) {\n  return foo !== foo && bar !== bar;\n}\nexport const same = (a, b) => a.id === a.id;\nexport const less = (x) => x < x;\n' });
      const result = await runAgentTask(reviewer, { dir }, 'recommended');
      const selfCompares = result.output.findings.filter((f) => f.rule === 'no-self-compare').map((f) => `${'file' in f.location ? f.location.line : ''} ${f.severity}`);
      expect(selfCompares).toEqual(['2 low', '4 high', '5 high']);
      expect(result.output.findings.find((f) => f.severity === 'low' && f.rule === 'no-self-compare')?.message).toMatch(/Number\.isNaN/);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });

  it('does not review minified, bundled or vendored files, and says which it left out', async () => {
    const result = await runAgentTask(reviewer, { dir: shape('minified-vendor') }, 'recommended');
    expect(result.success, result.errors.join()).toBe(true);
    expect(places(result.output.findings)).toEqual(['no-self-compare server.js:6']);
    const note = result.output.report!.notes.join('\n');
    // vendor/ lies outside every source root (server.js and the served public/): never read, so not listed.
    for (const path of ['public/js/vendor.min.js', 'public/js/app.js']) expect(note).toContain(path);
  });

  it('is not applicable to a folder without JS or TS sources, and applies to one with them', async () => {
    expect(reviewer.notApplicable(await openTarget({ dir: shape('eslint-disable'), catalogue: false }))).toBeUndefined();
    expect(reviewer.notApplicable(await openTarget({ dir: shape('no-sources'), catalogue: false }))).toMatch(/no TypeScript or JavaScript sources/);
  });
});
