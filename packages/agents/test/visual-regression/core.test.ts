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
let clock: { unmasked: VisualReport; detected: VisualReport; configured: VisualReport };

// A page whose text changes on every load: a timestamp and, after fixed words, a random id (two changed
// areas in one element, which must give one mask; in a fixed-width box, so the
// changed pixels always fall inside #now), next to static content.
const CLOCK_PAGE = `<!doctype html><html><head><title>status</title><style>body { font: 16px sans-serif; margin: 20px } #now { display: inline-block; width: 30em; padding: 4px }</style></head>
<body><h1>Status</h1><p>Last updated <span id="now"></span></p><p>Static text that never changes.</p>
<script>document.getElementById('now').textContent = new Date().toISOString() + ' on build 2026 of the site, request ' + String(Math.floor(Math.random() * 1e8)).padStart(8, '0');</script></body></html>`;

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
    // The clock page: baseline recorded, then compared without masking, with detection, with a configured mask.
    const clockTarget = await openTarget({ dir: await writeProject(tmp, 'clock', { 'index.html': CLOCK_PAGE }) });
    const clockOptions = { browser, baselineDir: join(tmp, 'clock-base'), outputDir: join(tmp, 'clock-out'), dynamicDelayMs: 50 };
    await new VisualRegressionCore({ ...clockOptions, update: true }).run(clockTarget, 'desktop');
    clock = {
      unmasked: await new VisualRegressionCore({ ...clockOptions, detectDynamic: false }).run(clockTarget, 'desktop'),
      detected: await new VisualRegressionCore(clockOptions).run(clockTarget, 'desktop'),
      configured: await new VisualRegressionCore({ ...clockOptions, detectDynamic: false, mask: ['#now'] }).run(clockTarget, 'desktop'),
    };
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
    expect(finding.verified).toMatch(/^rendered twice in Chromium at 375×667 and 1280×800/);
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

  it('a changing timestamp is a false finding without masking; detected as dynamic or masked by configuration it is not', () => {
    expect(clock.unmasked.findings.map((f) => f.location)).toEqual([{ page: 'index.html', selector: '#now' }]);
    // One rendering proves nothing about a clock: without dynamic detection the change is not verified.
    expect(clock.unmasked.findings[0]!.verified).toBeUndefined();
    expect(clock.unmasked.stats.masked).toEqual([]);
    expect(clock.detected.findings).toEqual([]);
    expect(clock.detected.stats.compared).toBe(1);
    expect(clock.detected.stats.masked).toEqual([expect.objectContaining({ selector: '#now', why: 'dynamic', page: 'index.html', viewport: '1280×800' })]);
    expect(clock.detected.notes.join('\n')).toMatch(/masked #now on index\.html at 1280×800 \(x \d+, y \d+, \d+×\d+\): it differed between two renderings of the page 50 ms apart/);
    expect(clock.configured.findings).toEqual([]);
    expect(clock.configured.stats.masked).toEqual([expect.objectContaining({ selector: '#now', why: 'configured' })]);
    expect(clock.configured.notes.join('\n')).toMatch(/masked #now on index\.html .*configured mask selector/);
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

  it('masks are painted over in both images: a change inside one is not counted', () => {
    const before = png(100, 100, () => [255, 255, 255]);
    const after = png(100, 100, (x, y) => (x < 10 && y < 10) || (x >= 90 && y >= 90) ? [0, 0, 0] : [255, 255, 255]);
    expect(compareScreenshots(before, after).regions).toHaveLength(2);
    const masked = compareScreenshots(before, after, { masks: [{ x: 0, y: 0, width: 10, height: 10 }] });
    expect(masked.regions).toEqual([{ x: 90, y: 90, width: 10, height: 10, pixels: 100 }]);
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
