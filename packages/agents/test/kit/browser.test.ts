import { mkdtemp, rm } from 'node:fs/promises';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentError, LoopbackGuard, PageCrawler, PageLocator, StaticServer, findChromium, launchBrowser, newGuardedContext, noPagesReason, normaliseSelector, openTarget } from '@qe-fleet/agents';
import type { CrawlResult } from '@qe-fleet/agents';
import { HAVE_CHROMIUM, launchTestBrowser } from '../support/browser.js';
import { writeProject } from '../support/writeProject.js';

let tmp: string;
let site: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'qe-browser-kit-'));
  site = await writeProject(tmp, 'site', {
    'public/index.html': '<!doctype html><title>Home</title><a href="/docs/">Docs</a> <a href="/logout">Log out</a> <a href="/index.html">Home</a> <a href="https://example.com/">Elsewhere</a> <img src="https://cdn.example.com/x.png">',
    'public/docs/index.html': '<!doctype html><title>Docs</title><a href="/docs/page.html">Page</a>',
    'public/docs/page.html': '<!doctype html><title>Page</title><a href="/">Home</a>',
    'README.md': '# site\n',
  });
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('system Chromium', () => {
  it('QE_CHROMIUM wins, then the Debian/Ubuntu paths; none = TOOL_FAILED with the install hint, no download', async () => {
    expect(findChromium({ QE_CHROMIUM: '/opt/chrome' }, (p) => p === '/opt/chrome')).toBe('/opt/chrome');
    expect(findChromium({}, (p) => p === '/usr/bin/chromium-browser')).toBe('/usr/bin/chromium-browser');
    const error = await launchBrowser({ env: {}, exists: () => false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AgentError);
    expect((error as AgentError).code).toBe('TOOL_FAILED');
    expect((error as AgentError).message).toMatch(/apt-get install chromium.*QE_CHROMIUM.*never downloads/);
  });
});

describe('loopback rule and page locations', () => {
  it('allows loopback and in-page schemes only', () => {
    for (const url of ['http://127.0.0.1:3000/a', 'http://localhost/x', 'ws://[::1]:9/s', 'data:text/css,a', 'about:blank']) expect(LoopbackGuard.allows(url), url).toBe(true);
    for (const url of ['https://fonts.googleapis.com/css', 'http://10.0.0.1/', 'ws://example.com/']) expect(LoopbackGuard.allows(url), url).toBe(false);
  });

  it('maps a served URL to the file whose bytes it served, else keeps the URL path', async () => {
    const locator = new PageLocator(site, ['public/index.html', 'public/docs/index.html', 'public/docs/page.html']);
    const { readFile } = await import('node:fs/promises');
    const home = await readFile(join(site, 'public/index.html'));
    expect(locator.locate('http://127.0.0.1:1/', home)).toBe('public/index.html');
    expect(locator.locate('http://127.0.0.1:1/index.html', home)).toBe('public/index.html');
    expect(locator.locate('http://127.0.0.1:1/docs/', await readFile(join(site, 'public/docs/index.html')))).toBe('public/docs/index.html');
    expect(locator.locate('http://127.0.0.1:1/index.html', Buffer.from('<p>rendered</p>'))).toBe('/index.html');
    expect(locator.locate('http://127.0.0.1:1/search?q=a')).toBe('/search');
    expect(PageLocator.candidatePaths('public/index.html')).toEqual(['/public/', '/', '/public/index.html', '/index.html']);
  });

  it('serves a static project from the folders holding an index.html, never outside them', async () => {
    const server = new StaticServer(site, StaticServer.rootsFor(['public/index.html', 'public/docs/page.html']));
    const base = await server.start();
    try {
      expect((await fetch(`${base}/`)).status).toBe(200);
      expect(await (await fetch(`${base}/docs/page.html`)).text()).toMatch(/Page/);
      // Sent raw: fetch would normalise the dots away before they reach the server.
      const raw = (path: string): Promise<number> => new Promise((resolve, reject) => get(`${base}${path}`, (res) => resolve(res.statusCode ?? 0)).on('error', reject));
      expect(await raw('/..%2f..%2f..%2fetc/passwd')).toBe(404);
      expect(await raw('/missing.html')).toBe(404);
      expect(server.urlPathOf('public/docs/page.html')).toBe('/docs/page.html');
    } finally {
      await server.stop();
    }
  });

  it('a library has no pages', async () => {
    const lib = await writeProject(tmp, 'lib', { 'index.js': 'export const x = 1;\n' });
    expect(noPagesReason(await openTarget({ dir: lib }))).toMatch(/no pages/);
    expect(noPagesReason(await openTarget({ dir: site }))).toBeUndefined();
  });

  it('catalogue selectors agree with or without a tag in front of a class or id', () => {
    expect(normaliseSelector('img.logo')).toBe(normaliseSelector('.logo'));
    expect(normaliseSelector('form  >  input#email')).toBe('form>#email');
    expect(normaliseSelector('a[href="/x"]')).toBe('[href="/x"]');
    expect(normaliseSelector('.a')).not.toBe(normaliseSelector('.b'));
  });
});

describe.runIf(HAVE_CHROMIUM)('PageCrawler in headless Chromium', () => {
  let browser: Browser;
  let crawl: CrawlResult;
  let blocked: string[];
  const visited: string[] = [];

  beforeAll(async () => {
    browser = await launchTestBrowser();
    const server = new StaticServer(site, ['public']);
    const base = await server.start();
    try {
      const { context, guard } = await newGuardedContext(browser);
      const locator = new PageLocator(site, ['public/index.html', 'public/docs/index.html', 'public/docs/page.html']);
      crawl = await new PageCrawler(context, { locator, settleMs: 200 }).crawl([`${base}/`], async (_page, page) => {
        visited.push(page.location);
      });
      blocked = guard.blocked.map((b) => b.url);
      await context.close();
    } finally {
      await server.stop();
    }
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('follows same-origin links breadth-first, visits each file once, never a logout link, blocks other hosts', () => {
    expect(visited).toEqual(['public/index.html', 'public/docs/index.html', 'public/docs/page.html']);
    expect(crawl.notFollowed.some((u) => u.endsWith('/logout'))).toBe(true);
    expect(blocked).toEqual(['https://cdn.example.com/x.png']);
    expect([...crawl.statuses.values()].every((s) => s === 200)).toBe(true);
  });
});
