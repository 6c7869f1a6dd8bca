import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VisualRegressionCore, compareScreenshots, openTarget } from '@qe-fleet/agents';
import type { CatalogueScore, Target, TargetService, VisualReport } from '@qe-fleet/agents';
import { HAVE_CHROMIUM, launchTestBrowser, runStrategies, startSampleTarget } from '../support/browser.js';
import { writeProject } from '../support/writeProject.js';

let browser: Browser;
let service: TargetService;
let target: Target;
let tmp: string;
let reports: Map<string, VisualReport>;
let scores: Map<string, CatalogueScore>;
let recorded: VisualReport;
let rerun: VisualReport;

describe.runIf(HAVE_CHROMIUM)('visual-regression in headless Chromium', () => {
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'qe-visual-'));
    browser = await launchTestBrowser();
    ({ service, target } = await startSampleTarget());
    // No stored baseline: the sample target's baseline/ stylesheets give the reference rendering.
    const core = new VisualRegressionCore({ browser, baselineDir: join(tmp, 'none'), outputDir: join(tmp, 'out') });
    ({ reports, scores } = await runStrategies(core, target));
    // `baseline update`, then a compare against the stored screenshots: nothing changed.
    const stored = { browser, baselineDir: join(tmp, 'stored'), outputDir: join(tmp, 'out2') };
    recorded = await new VisualRegressionCore({ ...stored, update: true }).run(target, 'desktop');
    rerun = await new VisualRegressionCore(stored).run(target, 'desktop');
  }, 400_000);
  afterAll(async () => {
    await browser?.close();
    await service?.stop();
    await rm(tmp, { recursive: true, force: true });
  });

  it('every viewport strategy finds the header change on both pages, at .site-header, with no false positive', () => {
    for (const [name, score] of scores) {
      expect([...score.found].sort(), name).toEqual(['D37', 'D38']);
      expect(score.precision, name).toBe(1);
    }
  });

  it('the evidence names the region, the changed computed style and a diff image on disk', () => {
    const finding = reports.get('all-viewports')!.findings.find((f) => 'page' in f.location && f.location.page === 'public/index.html')!;
    expect(finding.message).toMatch(/375×667 and 1280×800/);
    expect(finding.evidence).toMatch(/background-color rgb\(31, 58, 147\) → rgb\(179, 38, 30\)/);
    const diff = /diff image (\S+\.png)/.exec(finding.evidence)?.[1];
    expect(diff !== undefined && existsSync(diff)).toBe(true);
    expect(reports.get('all-viewports')!.stats.compared).toBe(2 * reports.get('desktop')!.stats.compared);
  });

  it('baseline update stores one screenshot per page and viewport; the next run compares with them and finds nothing', async () => {
    expect(recorded.findings).toEqual([]);
    // index, checkout and the server-rendered /search its GET form leads to.
    expect(recorded.stats.recorded).toBe(3);
    expect((await readdir(join(tmp, 'stored'))).sort()).toEqual(['public_checkout.html-1280x800.png', 'public_index.html-1280x800.png', 'search-1280x800.png']);
    expect(rerun.stats.compared).toBe(3);
    expect(rerun.findings).toEqual([]);
  });
});

describe('compareScreenshots', () => {
  const png = (width: number, height: number, paint: (x: number, y: number) => [number, number, number]): Buffer => {
    const image = new PNG({ width, height });
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) image.data.set([...paint(x, y), 255], (y * width + x) * 4);
    return PNG.sync.write(image);
  };

  it('boxes each changed area separately and ignores identical images', () => {
    const before = png(100, 80, () => [255, 255, 255]);
    const after = png(100, 80, (x, y) => ((x >= 10 && x < 30 && y >= 5 && y < 15) || (x >= 70 && y >= 60) ? [200, 0, 0] : [255, 255, 255]));
    const result = compareScreenshots(before, after);
    expect(result.changedPixels).toBe(200 + 600);
    expect(result.regions).toEqual([
      { x: 70, y: 60, width: 30, height: 20, pixels: 600 },
      { x: 10, y: 5, width: 20, height: 10, pixels: 200 },
    ]);
    expect(compareScreenshots(before, before).regions).toEqual([]);
  });

  it('a taller page is a size change, its new part a region', () => {
    const result = compareScreenshots(png(10, 10, () => [0, 0, 0]), png(10, 20, () => [0, 0, 0]));
    expect(result.sizeChanged).toBe(true);
    expect(result.regions[0]).toMatchObject({ y: 10, height: 10 });
  });

  it('is not applicable to a library', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'qe-visual-lib-'));
    const lib = await writeProject(dir, 'lib', { 'index.js': 'export const x = 1;\n' });
    expect(new VisualRegressionCore().notApplicable(await openTarget({ dir: lib }))).toMatch(/no pages/);
    await rm(dir, { recursive: true, force: true });
  });
});
