import type { Page } from 'playwright-core';
import { compareScreenshots } from './compareScreenshots.js';
import type { MaskRect } from './compareScreenshots.js';
import { regionSelector } from './regionSelector.js';

/** One masked area of one rendering, and why it was masked. */
export interface MaskedRegion extends MaskRect {
  selector: string;
  /** `configured` (the user's `mask` selectors) or `dynamic` (it differed between two renderings of the page). */
  why: 'configured' | 'dynamic';
}

/** An element box wider than this share of the page is not masked whole: only the changed pixels are. */
const MAX_ELEMENT_SHARE = 0.25;
/** Margin (px) around a masked pixel region: glyph edges of the next value of a clock fall just outside. */
const MARGIN = 4;

/** Document-coordinate boxes (as in a full-page screenshot) of every visible element matching each selector. */
export async function elementBoxes(page: Page, selectors: readonly string[]): Promise<MaskedRegion[]> {
  if (selectors.length === 0) return [];
  return page
    .evaluate<Array<{ selector: string; x: number; y: number; width: number; height: number }>>(`(() => {
const out = [];
for (const selector of ${JSON.stringify(selectors)}) {
  let found = [];
  try { found = [...document.querySelectorAll(selector)]; } catch { continue; }
  for (const el of found) {
    const b = el.getBoundingClientRect();
    if (b.width > 0 && b.height > 0) out.push({ selector, x: b.left + scrollX, y: b.top + scrollY, width: b.width, height: b.height });
  }
}
return out;
})()`)
    .then((boxes) => boxes.map((b) => ({ ...b, why: 'configured' as const })))
    .catch(() => []);
}

/**
 * The dynamic content of a page: regions that differ between two renderings of the same page
 * (`first`, and `second` taken a moment later in a fresh load), each widened to the smallest
 * element containing it (a clock's whole box, not only the digits that changed this time) unless
 * that element is a large part of the page, then to the changed pixels plus a margin.
 */
export async function dynamicMasks(page: Page, first: Buffer, second: Buffer): Promise<MaskedRegion[]> {
  const comparison = compareScreenshots(first, second);
  const pageArea = comparison.width * comparison.height;
  // One mask per element: a clock whose middle digits stayed the same changes in two places.
  const masks = new Map<string, MaskedRegion>();
  for (const region of comparison.regions) {
    const selector = await regionSelector(page, region);
    const [box] = selector === 'body' ? [] : await elementBoxes(page, [selector]);
    const padded = { x: region.x - MARGIN, y: region.y - MARGIN, width: region.width + 2 * MARGIN, height: region.height + 2 * MARGIN };
    // The element's box and the changed pixels together: text longer than the box this time still falls inside.
    let rect: MaskRect = box !== undefined && box.width * box.height <= pageArea * MAX_ELEMENT_SHARE ? union(box, padded) : padded;
    const earlier = masks.get(selector);
    if (earlier !== undefined) rect = union(earlier, rect);
    masks.set(selector, { selector, x: rect.x, y: rect.y, width: rect.width, height: rect.height, why: 'dynamic' });
  }
  return [...masks.values()];
}

function union(a: MaskRect, b: MaskRect): MaskRect {
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return { x, y, width: Math.max(a.x + a.width, b.x + b.width) - x, height: Math.max(a.y + a.height, b.y + b.height) - y };
}
