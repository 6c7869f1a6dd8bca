import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { SELECTOR_SOURCE } from '../kit/browser/pageOutline.js';

/** One element axe-core found in violation of one rule. */
export interface AxeViolation {
  rule: string;
  impact: string;
  help: string;
  helpUrl: string;
  tags: string[];
  /** axe-core's own selector of the element. */
  axeTarget: string;
  /** A readable selector for it (`qeSelector`: id, class, link href), axe's when the element is in a frame or shadow root. */
  selector: string;
  html: string;
  summary: string;
}

/** Version of the axe-core that runs (shown in evidence). */
export const AXE_VERSION = (createRequire(import.meta.url)('axe-core/package.json') as { version: string }).version;

/**
 * Runs axe-core inside `page` (its source injected by evaluation, so a page's Content Security
 * Policy does not stop it) with `runOnly` = `tags`, and returns each violating element. Colour
 * contrast and every other check run in the real renderer: computed styles, layout, stacking.
 */
export async function runAxe(page: Page, tags: readonly string[]): Promise<AxeViolation[]> {
  // Its source (half a megabyte) is read only when a page is audited.
  const { default: axe } = await import('axe-core');
  await page.evaluate(`if (!window.axe) { ${axe.source}\n }`);
  const script = `(async () => {
${SELECTOR_SOURCE}
const result = await window.axe.run(document, { runOnly: { type: 'tag', values: ${JSON.stringify(tags)} }, resultTypes: ['violations'] });
const out = [];
for (const v of result.violations) for (const node of v.nodes) {
  const flat = node.target.map((t) => Array.isArray(t) ? t.join(' ') : t);
  let el = null;
  if (flat.length === 1 && !Array.isArray(node.target[0])) { try { el = document.querySelector(flat[0]); } catch (e) { el = null; } }
  out.push({ rule: v.id, impact: node.impact || v.impact || 'moderate', help: v.help, helpUrl: v.helpUrl, tags: v.tags, axeTarget: flat.join(' >>> '),
    selector: el ? qeSelector(el) : flat.join(' >>> '), html: (node.html || '').slice(0, 200), summary: (node.failureSummary || '').replace(/\\s+/g, ' ').slice(0, 300) });
}
return out;
})()`;
  return page.evaluate<AxeViolation[]>(script);
}

/**
 * Opens the page's cheap interactive states one at a time (collapsed disclosures and menus:
 * `aria-expanded="false"`, `aria-haspopup`, closed `<details>`, popover triggers), audits each with
 * `audit`, and closes it again (Escape). Controls that navigate away are left alone (the state
 * counts only while the URL is unchanged). Returns how many states were audited.
 */
export async function auditStates(page: Page, audit: (state: string) => Promise<void>, limit: number): Promise<number> {
  const url = page.url();
  const triggers = await page.evaluate<string[]>(`(() => {
${SELECTOR_SOURCE}
const els = [...document.querySelectorAll('[aria-expanded="false"], [aria-haspopup]:not([aria-haspopup="false"]), details:not([open]) > summary, [popovertarget]')]
  .filter((el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0 && !(el.closest('a[href]') && !el.hasAttribute('aria-expanded')); });
return [...new Set(els.map((el) => qeSelector(el)))];
})()`);
  let audited = 0;
  for (const trigger of triggers.slice(0, limit)) {
    try {
      await page.click(trigger, { timeout: 2000 });
      await page.waitForTimeout(250);
      if (page.url() !== url) {
        await page.goto(url, { waitUntil: 'load' });
        continue;
      }
      await audit(`after activating ${trigger}`);
      audited++;
      await page.keyboard.press('Escape');
    } catch {
      // A control that cannot be clicked (covered, detached) is not a state we reached.
    }
  }
  return audited;
}
