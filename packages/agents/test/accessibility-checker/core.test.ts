import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessibilityCheckerCore, openTarget, scoreFindings } from '@qe-fleet/agents';
import type { AccessibilityReport, CatalogueScore, TargetService } from '@qe-fleet/agents';
import { HAVE_CHROMIUM, launchTestBrowser, runStrategies, startSampleTarget } from '../support/browser.js';
import { writeProject } from '../support/writeProject.js';

let browser: Browser;
let service: TargetService;
let tmp: string;
let reports: Map<string, AccessibilityReport>;
let scores: Map<string, CatalogueScore>;
let menuPlain: AccessibilityReport;
let menuStates: AccessibilityReport;

// A menu whose items are hidden until its button is pressed; one item is an image link without a name.
const MENU_PAGE = `<!doctype html><html lang="en"><head><title>Menu</title></head><body><main><h1>Shop</h1>
<button aria-expanded="false" aria-controls="m" onclick="this.setAttribute('aria-expanded','true');document.getElementById('m').hidden=false">Menu</button>
<ul id="m" hidden><li><a href="/a.html">Account</a></li><li><a class="cart-link" href="/cart.html"><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" width="16" height="16"></a></li></ul>
</main></body></html>`;

describe.runIf(HAVE_CHROMIUM)('accessibility-checker in headless Chromium', () => {
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'qe-a11y-'));
    browser = await launchTestBrowser();
    let target;
    ({ service, target } = await startSampleTarget());
    ({ reports, scores } = await runStrategies(new AccessibilityCheckerCore({ browser }), target));
    const menu = await openTarget({ dir: await writeProject(tmp, 'menu', { 'index.html': MENU_PAGE }) });
    menuPlain = await new AccessibilityCheckerCore({ browser }).run(menu, 'wcag-aa');
    menuStates = await new AccessibilityCheckerCore({ browser }).run(menu, 'states');
  }, 400_000);
  afterAll(async () => {
    await browser?.close();
    await service?.stop();
    await rm(tmp, { recursive: true, force: true });
  });

  it('every strategy finds the four catalogued violations (D31-D34) at their selectors, with no false positive', () => {
    for (const [name, score] of scores) {
      expect([...score.found].sort(), name).toEqual(['D31', 'D32', 'D33', 'D34']);
      expect(score.precision, `${name}: ${JSON.stringify(score.falsePositives)}`).toBe(1);
    }
  });

  it('findings carry the rule, impact, WCAG criterion and help URL; contrast is measured in the renderer', () => {
    const contrast = reports.get('wcag-aa')!.findings.find((f) => f.rule === 'axe-core/color-contrast')!;
    expect(contrast.location).toEqual({ page: 'public/index.html', selector: '.promo' });
    expect(contrast.message).toMatch(/impact serious, WCAG 1\.4\.3\): https:\/\/dequeuniversity\.com\/rules\/axe\/[\d.]+\/color-contrast/);
    expect(contrast.evidence).toMatch(/contrast of 2\.0\d \(foreground color: #b5b5b5, background color: #ffffff/);
    // index, checkout and the server-rendered /search its GET form leads to.
    expect(reports.get('wcag-aa')!.stats.pagesAudited).toBe(3);
  });

  it('states opens the menu and finds the nameless image link only there', () => {
    const where = (r: AccessibilityReport): string[] => r.findings.map((f) => `${f.rule} ${'page' in f.location ? f.location.selector : ''}`);
    expect(where(menuPlain)).toEqual([]);
    expect(menuStates.stats.statesAudited).toBe(1);
    expect(where(menuStates)).toContain('axe-core/link-name a[href="/cart.html"]');
    for (const finding of menuStates.findings) expect(finding.evidence).toMatch(/after activating button/);
  });

  it('scores without a selector-form quarrel: img.logo in the catalogue is .logo in the finding', () => {
    const logo = reports.get('wcag-aa')!.findings.find((f) => f.rule === 'axe-core/image-alt')!;
    expect(logo.location).toEqual({ page: 'public/index.html', selector: '.logo' });
    const catalogue = { version: 1, target: 't', defects: [{ id: 'X', kind: 'a11y-violation' as const, severity: 'medium' as const, agents: ['accessibility-checker'], location: { page: 'public/index.html', selector: 'img.logo' }, description: '', evidence: '' }] };
    expect(scoreFindings([logo], catalogue, 'accessibility-checker').found).toEqual(['X']);
  });
});
