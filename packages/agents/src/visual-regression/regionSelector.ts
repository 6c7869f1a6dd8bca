import type { Page } from 'playwright-core';
import { SELECTOR_SOURCE } from '../kit/browser/pageOutline.js';
import type { ChangedRegion } from './compareScreenshots.js';

/** Computed style properties compared between the current and reference rendering of an element. */
export const STYLE_PROPERTIES = ['background-color', 'background-image', 'color', 'font-size', 'font-weight', 'font-family', 'display', 'width', 'height', 'margin', 'padding', 'border', 'visibility', 'opacity'] as const;

/**
 * The element a changed region belongs to: the smallest element whose box (document coordinates,
 * as in a full-page screenshot) contains the region, within 2 px; `body` when none smaller does.
 */
export async function regionSelector(page: Page, region: ChangedRegion): Promise<string> {
  return page.evaluate<string>(`(() => {
${SELECTOR_SOURCE}
const r = ${JSON.stringify(region)};
let best = null; let bestArea = Infinity;
for (const el of document.querySelectorAll('body *')) {
  const b = el.getBoundingClientRect();
  if (b.width === 0 || b.height === 0) continue;
  const x = b.left + scrollX, y = b.top + scrollY;
  if (x - 2 <= r.x && y - 2 <= r.y && x + b.width + 2 >= r.x + r.width && y + b.height + 2 >= r.y + r.height) {
    const area = b.width * b.height;
    if (area < bestArea) { best = el; bestArea = area; }
  }
}
return best ? qeSelector(best) : 'body';
})()`);
}

/** The `STYLE_PROPERTIES` of the element at `selector` (empty when it is not there). */
export async function computedStyles(page: Page, selector: string): Promise<Record<string, string>> {
  return page
    .evaluate<Record<string, string>>(`(() => {
const el = document.querySelector(${JSON.stringify(selector)});
if (!el) return {};
const s = getComputedStyle(el);
return Object.fromEntries(${JSON.stringify(STYLE_PROPERTIES)}.map((p) => [p, s.getPropertyValue(p)]));
})()`)
    .catch(() => ({}));
}
