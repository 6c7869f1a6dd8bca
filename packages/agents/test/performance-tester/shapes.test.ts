import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PerformanceTesterCore, openTarget } from '@qe-fleet/agents';
import { shape } from '../support/shapes.js';
import { writeProject } from '../support/writeProject.js';

const tester = new PerformanceTesterCore({ timeoutMs: 180_000, service: { startupTimeoutMs: 60_000 } });
let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'qe-perf-shapes-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('performance-tester on the shape fixtures', () => {
  it('times the sized functions of a JavaScript library in source/ (JSDoc types), not its bundle; with-routes lists the routes as skipped', async () => {
    // One run serves both: with-routes times the functions as quick does, and says why no route was timed.
    const report = await tester.run(await openTarget({ dir: shape('js-library-source') }), 'with-routes');
    expect(report.stats.functions.map((f) => f.subject).sort()).toEqual(['chunk', 'kebab']);
    expect(report.stats.functions.every((f) => f.points.length >= 3)).toBe(true);
    expect(report.findings).toEqual([]);
    expect(report.skipped).toEqual([{ surface: 'routes', reason: expect.stringMatching(/^no API description/) as string }]);
    expect(report.coverage).toBe(0.5);
  }, 240_000);

  it('times a CommonJS module\'s functions', async () => {
    const report = await tester.run(await openTarget({ dir: shape('yaml-api-basepath') }), 'quick');
    expect(report.stats.functions.map((f) => f.subject)).toEqual(['titles']);
  }, 240_000);

  it('is not applicable to a project with nothing sized to time and no API', async () => {
    const dir = await writeProject(tmp, 'flags', { 'src/flags.js': 'export function on() {\n  return true;\n}\n' });
    expect(tester.notApplicable(await openTarget({ dir }))).toMatch(/^no exported pure function takes a sized input/);
  });
});
