import { mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2eTesterCore, openTarget, valueFor } from '@qe-fleet/agents';
import type { CatalogueScore, E2eReport, TargetService } from '@qe-fleet/agents';
import { HAVE_CHROMIUM, launchTestBrowser, runStrategies, startSampleTarget } from '../support/browser.js';
import { writeProject } from '../support/writeProject.js';

let browser: Browser;
let service: TargetService;
let tmp: string;
let reports: Map<string, E2eReport>;
let scores: Map<string, CatalogueScore>;
let staticReport: E2eReport;

describe.runIf(HAVE_CHROMIUM)('e2e-tester in headless Chromium', () => {
  // One browser and one service for the file; every strategy runs once on the sample target.
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'qe-e2e-'));
    browser = await launchTestBrowser();
    const started = await startSampleTarget();
    service = started.service;
    ({ reports, scores } = await runStrategies(new E2eTesterCore({ browser, artifactsDir: join(tmp, 'shots') }), started.target));
    // A static site (no service): a script error after a click, a missing image, an external font.
    const site = await writeProject(tmp, 'static-site', {
      'site/index.html': '<!doctype html><html lang="en"><head><title>Home</title><link rel="stylesheet" href="https://fonts.example.com/font.css"></head><body><main><img src="/missing.png" alt="x"><a href="/about.html">About</a><a href="/gone.html">Gone</a><form action="/about.html"><input name="q"></form></main></body></html>',
      'site/about.html': '<!doctype html><html lang="en"><head><title>About</title></head><body><main><p>About</p><script>console.error("boom at startup")</script></main></body></html>',
    });
    staticReport = await new E2eTesterCore({ browser, artifactsDir: join(tmp, 'shots2') }).run(await openTarget({ dir: site }), 'flows');
  }, 400_000);
  afterAll(async () => {
    await browser?.close();
    await service?.stop();
    await rm(tmp, { recursive: true, force: true });
  });

  it('smoke finds the checkout page error, links adds the broken Help link, flows adds the reflected XSS; no false positive', () => {
    const found = (s: string): string[] => [...scores.get(s)!.found].sort();
    expect(found('smoke')).toEqual(['D35']);
    expect(found('links')).toEqual(['D35', 'D36']);
    expect(found('flows')).toEqual(['D15', 'D35', 'D36']);
    for (const [name, score] of scores) expect(score.precision, `${name}: ${JSON.stringify(score.falsePositives)}`).toBe(1);
  });

  it('evidence a user can act on: the exception and its script line, the 404, the XSS request, a screenshot on disk', () => {
    const flows = reports.get('flows')!;
    const error = flows.findings.find((f) => f.rule === 'e2e-tester/uncaught-exception')!;
    expect(error.location).toEqual({ page: 'public/checkout.html' });
    expect(error.evidence).toMatch(/TypeError: Cannot set properties of null .*checkout\.js:5/);
    const shot = /screenshot (\S+\.png)/.exec(error.evidence)?.[1];
    expect(shot !== undefined && existsSync(shot)).toBe(true);
    const link = flows.findings.find((f) => f.kind === 'broken-link')!;
    expect(link.location).toEqual({ page: 'public/index.html', selector: 'a[href="/help.html"]' });
    expect(link.evidence).toMatch(/GET \/help\.html -> 404/);
    const xss = flows.findings.find((f) => f.kind === 'xss')!;
    expect(xss.location).toEqual({ route: 'GET /search' });
    expect(xss.evidence).toMatch(/GET http:\/\/127\.0\.0\.1:\d+\/search\?q=.*executed its marker/);
    // All three were observed in Chromium or on the wire: verified, with what was seen.
    expect(error.verified).toMatch(/^Chromium reported the uncaught exception on load of http:\/\/127\.0\.0\.1:\d+\/checkout\.html/);
    expect(link.verified).toMatch(/^GET http:\/\/127\.0\.0\.1:\d+\/help\.html answered 404$/);
    expect(xss.verified).toMatch(/^live probe: GET http:\/\/127\.0\.0\.1:\d+\/search\?q=.* ran its script in Chromium$/);
    expect(flows.stats.formsSubmitted).toBe(2);
    expect(flows.findings.some((f) => f.rule === 'e2e-tester/form-not-completed' && 'page' in f.location && f.location.selector === '#checkout-form')).toBe(true);
  });

  it('covers more pages as the strategy follows links (its own measure, not a constant)', () => {
    expect(reports.get('smoke')!.stats.pagesLoaded).toBe(2);
    expect(reports.get('links')!.stats.pagesLoaded).toBeGreaterThan(2);
    expect(reports.get('links')!.stats.linksChecked).toBeGreaterThan(0);
    expect(reports.get('smoke')!.stats.linksChecked).toBe(0);
  });

  it('serves a project without a service from its HTML files, blocks and records external requests', () => {
    expect(staticReport.notes.join(' ')).toMatch(/HTML file\(s\) served from the project folder/);
    expect(staticReport.stats.blockedRequests).toBeGreaterThan(0);
    expect(staticReport.notes.join(' ')).toMatch(/fonts\.example\.com/);
    const where = staticReport.findings.map((f) => `${f.kind} ${JSON.stringify(f.location)}`).sort();
    expect(where).toEqual([
      'broken-link {"page":"site/index.html","selector":"a[href=\\"/gone.html\\"]"}',
      'broken-link {"page":"site/index.html","selector":"img"}',
      'page-error {"page":"site/about.html"}',
    ]);
  });
});

describe('e2e-tester without a browser run', () => {
  it('fills fields the way a person would: by type, then by name', () => {
    const field = (type: string, name: string, tag = 'input') => ({ tag, type, name, id: '', required: false, selector: '', options: ['', 'b'], hint: '' });
    expect(valueFor(field('email', 'contact'))).toBe('qe.tester@example.com');
    expect(valueFor(field('text', 'zipcode'))).toBe('12345');
    expect(valueFor(field('select', 'size', 'select'))).toBe('b');
    expect(valueFor(field('hidden', 'csrf'))).toBeUndefined();
  });

  it('is not applicable to a library (no service, no HTML)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'qe-e2e-lib-'));
    const lib = await writeProject(dir, 'lib', { 'index.js': 'export const x = 1;\n' });
    expect(new E2eTesterCore().notApplicable(await openTarget({ dir: lib }))).toMatch(/no pages/);
    await rm(dir, { recursive: true, force: true });
  });
});
