import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { findStrategy } from '../kit/agent/AgentCore.js';
import type { AgentCore, AgentReport, AgentRunOptions, AgentStrategy } from '../kit/agent/AgentCore.js';
import { AgentError } from '../kit/agent/AgentError.js';
import { browseSite } from '../kit/browser/browseSite.js';
import type { BrowserAgentOptions } from '../kit/browser/browseSite.js';
import { newGuardedContext } from '../kit/browser/LoopbackGuard.js';
import { artifactName } from '../kit/browser/saveScreenshot.js';
import { noPagesReason } from '../kit/browser/withSite.js';
import type { Finding } from '../kit/findings/Finding.js';
import type { Target } from '../kit/target/Target.js';
import { compareScreenshots } from './compareScreenshots.js';
import type { ChangedRegion } from './compareScreenshots.js';
import { ReferenceStyles } from './ReferenceStyles.js';
import { computedStyles, regionSelector } from './regionSelector.js';
import { dynamicMasks, elementBoxes } from './dynamicMasks.js';
import type { MaskedRegion } from './dynamicMasks.js';

/** A viewport, CSS pixels. */
export interface Viewport {
  name: string;
  width: number;
  height: number;
}

/** Knobs of a visual-regression strategy. */
export interface VisualConfig {
  viewports: Viewport[];
  maxPages: number;
}

const MOBILE: Viewport = { name: 'mobile', width: 375, height: 667 };
const DESKTOP: Viewport = { name: 'desktop', width: 1280, height: 800 };

/** The strategies. */
export const VISUAL_STRATEGIES: readonly AgentStrategy<VisualConfig>[] = [
  { name: 'desktop', description: 'full-page screenshots at 1280×800 compared with the baseline', config: { viewports: [DESKTOP], maxPages: 30 } },
  { name: 'mobile', description: 'full-page screenshots at 375×667 compared with the baseline', config: { viewports: [MOBILE], maxPages: 30 } },
  { name: 'all-viewports', description: 'both viewports (375×667 and 1280×800)', config: { viewports: [MOBILE, DESKTOP], maxPages: 30 } },
];

/** Where baselines and reference stylesheets are looked for by default, relative to the target. */
export const DEFAULT_VISUAL_DIR = '.qe-fleet/visual';
/** Reference stylesheet folders tried by default: the fleet's own, then a top-level `baseline/` folder of CSS files. */
export const DEFAULT_REFERENCE_STYLES = ['.qe-fleet/visual/reference-styles', 'baseline'] as const;

/** A visual-regression report: the kit's report plus what was compared. */
export interface VisualReport extends AgentReport {
  stats: { pagesReached: number; renderings: number; compared: number; recorded: number; changed: number; baseline: string; referenceStyles?: string; diffImages: string[]; masked: Array<MaskedRegion & { page: string; viewport: string }> };
}

/** Constructor options of `VisualRegressionCore`. */
export interface VisualRegressionOptions extends BrowserAgentOptions {
  /** Stored baseline screenshots (default `<target>/.qe-fleet/visual/baseline`). */
  baselineDir?: string;
  /** Diff images and current screenshots of changed pages (default `<target>/.qe-fleet/visual/last-run`). */
  outputDir?: string;
  /** Reference stylesheet folders (relative to the target or absolute), first with CSS wins; `[]` = none. */
  referenceStyles?: readonly string[];
  /** pixelmatch threshold (default 0.1, see `compareScreenshots`). */
  threshold?: number;
  /** Store every current rendering as the baseline instead of comparing (the `baseline update` command). */
  update?: boolean;
  /**
   * CSS selectors of content that changes by design (a clock, an ad slot): hidden in every
   * screenshot (Playwright's `screenshot({ mask })`) and painted over in the baseline too before comparing.
   */
  mask?: readonly string[];
  /**
   * When a page differs from its baseline, render it again in a fresh load `dynamicDelayMs` later
   * and mask what differs between the two renderings (default true): dynamic content never counts as a regression.
   */
  detectDynamic?: boolean;
  /** Delay before the second rendering (default 1000 ms: a clock showing seconds has ticked). */
  dynamicDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

async function settle(page: Page): Promise<void> {
  await page.evaluate('document.fonts ? document.fonts.ready.then(() => undefined) : undefined').catch(() => undefined);
  await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))').catch(() => undefined);
}

async function capture(page: Page, viewport: Viewport, mask: readonly string[]): Promise<Buffer> {
  await page.setViewportSize({ width: viewport.width, height: viewport.height });
  await settle(page);
  return page.screenshot({ fullPage: true, animations: 'disabled', caret: 'hide', timeout: 15_000, ...(mask.length === 0 ? {} : { mask: mask.map((m) => page.locator(m)) }) });
}

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** One changed element on one page, over the viewports where it changed. */
interface Change {
  page: string;
  selector: string;
  views: string[];
  evidence: string[];
  styleDiff: boolean;
}

/**
 * Visual regression: full-page screenshots of every page reached, at fixed viewports, in headless
 * Chromium, compared with pixelmatch against the stored baseline (`.qe-fleet/visual/baseline`),
 * or, when none is stored, against the pages rendered with the reference stylesheets (a folder of
 * the CSS the pages looked right with); with neither, the first run records the baseline.
 * Changed regions are mapped to the smallest element that contains them: a `visual-change` at
 * `{ page, selector }` with the region, the diff image and the computed styles that differ.
 */
export class VisualRegressionCore implements AgentCore {
  readonly id = 'visual-regression';
  readonly usesService = true;
  readonly strategies = VISUAL_STRATEGIES;
  readonly #options: VisualRegressionOptions;

  constructor(options: VisualRegressionOptions = {}) {
    this.#options = options;
  }

  /** Not applicable without pages: no service, no URL and no HTML file. */
  notApplicable(target: Target): string | undefined {
    return noPagesReason(target);
  }

  async run(target: Target, strategyName: string, options: AgentRunOptions = {}): Promise<VisualReport> {
    const now = this.#options.now ?? Date.now;
    const started = now();
    const strategy = findStrategy(this, strategyName);
    const why = noPagesReason(target);
    if (why !== undefined) throw new AgentError('UNSUPPORTED_TARGET', `not applicable: ${why}`);
    const baselineDir = this.#options.baselineDir ?? join(target.dir, DEFAULT_VISUAL_DIR, 'baseline');
    const outputDir = this.#options.outputDir ?? join(target.dir, DEFAULT_VISUAL_DIR, 'last-run');
    const update = this.#options.update ?? false;
    const reference = update ? undefined : ReferenceStyles.find(target.dir, this.#options.referenceStyles ?? DEFAULT_REFERENCE_STYLES);
    const changes = new Map<string, Change>();
    const diffImages: string[] = [];
    const masked: VisualReport['stats']['masked'] = [];
    const userMask = this.#options.mask ?? [];
    const delay = this.#options.dynamicDelayMs ?? 1000;
    let renderings = 0;
    let compared = 0;
    let recorded = 0;
    const result = await browseSite(
      target,
      async (page, crawled, _problems, { browser }) => {
        if (crawled.status === 0 || crawled.status >= 400) return;
        let referencePage: Page | undefined;
        const openReference = async (): Promise<Page | undefined> => {
          if (reference === undefined) return undefined;
          if (referencePage === undefined) {
            const { context } = await newGuardedContext(browser);
            await reference.install(context);
            referencePage = await context.newPage();
            await referencePage.goto(crawled.url, { waitUntil: 'load', timeout: 15_000 });
            await referencePage.waitForLoadState('networkidle', { timeout: 2000 }).catch(() => undefined);
          }
          return referencePage;
        };
        try {
          for (const viewport of strategy.config.viewports) {
            renderings++;
            const current = await capture(page, viewport, userMask);
            const name = artifactName(crawled.location, `${viewport.width}x${viewport.height}`);
            const stored = join(baselineDir, name);
            if (update || (!existsSync(stored) && reference === undefined)) {
              await mkdir(baselineDir, { recursive: true });
              await writeFile(stored, current);
              recorded++;
              continue;
            }
            const refPage = existsSync(stored) ? undefined : await openReference();
            const baseline = refPage === undefined ? await readFile(stored) : await capture(refPage, viewport, userMask);
            const source = refPage === undefined ? `stored baseline ${stored}` : `the page rendered with the reference stylesheets of ${reference!.dir}`;
            compared++;
            // The configured masks, boxed on the current page, also cover a baseline stored without them.
            let masks = await elementBoxes(page, userMask);
            const compare = (): ReturnType<typeof compareScreenshots> => compareScreenshots(baseline, current, { ...(this.#options.threshold === undefined ? {} : { threshold: this.#options.threshold }), masks });
            let comparison = compare();
            if ((comparison.regions.length > 0 || comparison.sizeChanged) && this.#options.detectDynamic !== false) {
              const dynamic = await this.#dynamicMasks(page, crawled.url, viewport, current, userMask, delay);
              if (dynamic.length > 0) {
                masks = [...masks, ...dynamic];
                comparison = compare();
              }
            }
            for (const m of masks) masked.push({ ...m, page: crawled.location, viewport: `${viewport.width}×${viewport.height}` });
            if (comparison.regions.length === 0 && !comparison.sizeChanged) continue;
            await mkdir(outputDir, { recursive: true });
            const diffPath = join(outputDir, name.replace(/\.png$/, '-diff.png'));
            await writeFile(diffPath, comparison.diffPng);
            await writeFile(join(outputDir, name), current);
            diffImages.push(diffPath);
            const regions: ChangedRegion[] = comparison.regions.slice(0, 5);
            if (regions.length === 0) regions.push({ x: 0, y: 0, width: comparison.width, height: comparison.height, pixels: comparison.changedPixels });
            for (const region of regions) {
              const selector = await regionSelector(page, region);
              const styles = refPage === undefined ? [] : await this.#styleDiff(page, refPage, selector);
              const key = `${crawled.location}\u0000${selector}`;
              const change = changes.get(key) ?? { page: crawled.location, selector, views: [], evidence: [], styleDiff: false };
              change.views.push(`${viewport.width}×${viewport.height}`);
              change.styleDiff ||= styles.length > 0;
              const area = ((region.pixels / (comparison.width * comparison.height)) * 100).toFixed(2);
              change.evidence.push(`${viewport.width}×${viewport.height}: ${region.pixels} px changed (${area} % of the page) in x ${region.x}, y ${region.y}, ${region.width}×${region.height}${comparison.sizeChanged ? ', page size changed' : ''}; compared with ${source}; diff image ${diffPath}${styles.length > 0 ? `; computed style ${styles.join(', ')}` : ''}`);
              changes.set(key, change);
            }
          }
        } finally {
          await referencePage?.context().close().catch(() => undefined);
        }
      },
      { ...this.#options, crawl: { maxPages: strategy.config.maxPages }, ...(options.signal === undefined ? {} : { signal: options.signal }) },
    ).catch((error: unknown) => {
      if (error instanceof AgentError) throw error;
      throw new AgentError('TOOL_FAILED', `Chromium run failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`, { cause: error });
    });
    const findings: Finding[] = [...changes.values()].map((c) => ({
      kind: 'visual-change',
      severity: 'medium',
      location: { page: c.page, selector: c.selector },
      message: `The rendering of ${c.selector} on ${c.page} changed at ${c.views.join(' and ')}`,
      evidence: c.evidence.join(' | '),
      // A computed style that differs from the reference explains the pixels; a bare pixel change may be content.
      confidence: c.styleDiff ? 0.85 : 0.7,
      rule: 'visual-regression/changed-region',
      // With dynamic detection the page was rendered twice and what moved between renderings masked, so
      // what is left reproduced; without it one rendering proves nothing about a clock or a random id.
      ...(this.#options.detectDynamic === false ? {} : { verified: `rendered twice in Chromium at ${c.views.join(' and ')}: the region differs from the baseline in both renderings` }),
    }));
    const notes = [...result.site.notes];
    for (const m of masked) notes.push(`masked ${m.selector} on ${m.page} at ${m.viewport} (x ${Math.round(m.x)}, y ${Math.round(m.y)}, ${Math.round(m.width)}×${Math.round(m.height)}): ${m.why === 'configured' ? 'it matches a configured mask selector' : `it differed between two renderings of the page ${delay} ms apart (dynamic content such as a clock or a random id), so it is not a regression`}`);
    if (update || recorded > 0) notes.push(`${recorded} rendering(s) stored as the baseline in ${baselineDir}${update ? '' : ' (no baseline or reference stylesheet existed: nothing compared for them)'}`);
    if (reference !== undefined) notes.push(`reference stylesheets from ${reference.dir} (${reference.substituted.size} stylesheet request(s) substituted)`);
    if (result.blocked.length > 0) notes.push(`${result.blocked.length} non-loopback request(s) blocked (fonts, images from other hosts render as missing in both)`);
    const pages = result.crawl.pages.filter((p) => p.status > 0 && p.status < 400).length;
    const expected = pages * strategy.config.viewports.length;
    return {
      agentId: this.id,
      strategy: strategy.name,
      target: target.dir,
      findings,
      durationMs: now() - started,
      coverage: expected === 0 ? 0 : (compared + recorded) / expected,
      notes,
      ...(result.site.skipped.length === 0 ? {} : { skipped: result.site.skipped }),
      stats: { pagesReached: result.crawl.pages.length, renderings, compared, recorded, changed: findings.length, baseline: baselineDir, ...(reference === undefined ? {} : { referenceStyles: reference.dir }), diffImages, masked },
    };
  }

  /** Renders `url` again in a fresh page of the same context `delay` ms later and returns what differs from `current`. */
  async #dynamicMasks(page: Page, url: string, viewport: Viewport, current: Buffer, userMask: readonly string[], delay: number): Promise<MaskedRegion[]> {
    const again = await page.context().newPage();
    try {
      await (this.#options.sleep ?? pause)(delay);
      await again.goto(url, { waitUntil: 'load', timeout: 15_000 });
      await again.waitForLoadState('networkidle', { timeout: 2000 }).catch(() => undefined);
      return await dynamicMasks(page, current, await capture(again, viewport, userMask));
    } catch {
      // A page that cannot be loaded twice (a POST result) keeps its changes unmasked: reported, not hidden.
      return [];
    } finally {
      await again.close().catch(() => undefined);
    }
  }

  async #styleDiff(page: Page, reference: Page, selector: string): Promise<string[]> {
    const [now, before] = [await computedStyles(page, selector), await computedStyles(reference, selector)];
    return Object.keys(now).filter((p) => before[p] !== undefined && before[p] !== now[p]).map((p) => `${p} ${before[p]} → ${now[p]}`);
  }
}
