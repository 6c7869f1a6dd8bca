import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Target } from '../target/Target.js';
import { launchBrowser } from './launchBrowser.js';
import type { LaunchBrowserOptions } from './launchBrowser.js';
import { newGuardedContext } from './LoopbackGuard.js';
import type { BlockedRequest } from './LoopbackGuard.js';
import { PageCrawler } from './PageCrawler.js';
import type { CrawledPage, CrawlResult, PageCrawlerOptions } from './PageCrawler.js';
import type { PageProblems } from './PageProblems.js';
import { withSite } from './withSite.js';
import type { Site, WithSiteOptions } from './withSite.js';

/** Browser options every browser agent's core accepts. */
export interface BrowserAgentOptions {
  /** A browser to use (not closed by the core: tests share one per file); default: launch system Chromium per run. */
  browser?: Browser;
  launch?: LaunchBrowserOptions;
  /** How to start the target's service (kit `withSite` / `TargetService` options). */
  service?: WithSiteOptions['service'];
}

/** What a visit can use besides the page. */
export interface BrowseContext {
  site: Site;
  context: BrowserContext;
  browser: Browser;
}

/** Called for each page reached, while it is open. */
export type BrowseVisit = (page: Page, crawled: CrawledPage, problems: PageProblems, browse: BrowseContext) => Promise<void>;

/** Options of `browseSite`. */
export interface BrowseSiteOptions extends BrowserAgentOptions {
  viewport?: { width: number; height: number };
  crawl?: Omit<PageCrawlerOptions, 'locator' | 'signal'>;
  signal?: AbortSignal;
  /** Called once the site is up, before crawling (to prepare other contexts on the same browser). */
  prepare?: (browse: BrowseContext) => Promise<void>;
  /** Called after the crawl while the site is still up (checks that need the service, such as link statuses). */
  finish?: (browse: BrowseContext, crawl: CrawlResult) => Promise<void>;
}

/** A finished browse. */
export interface BrowseResult {
  site: Site;
  crawl: CrawlResult;
  /** Non-loopback requests the guard refused. */
  blocked: BlockedRequest[];
}

/**
 * The common frame of the browser agents: system Chromium (or the given browser), the target's
 * pages on loopback (`withSite`), one guarded context, and a crawl from the site's seeds that
 * hands every page reached to `visit`. Everything is closed afterwards, also on failure.
 */
export async function browseSite(target: Target, visit: BrowseVisit, options: BrowseSiteOptions = {}): Promise<BrowseResult> {
  const browser = options.browser ?? (await launchBrowser(options.launch));
  try {
    return await withSite(
      target,
      async (site) => {
        const { context, guard } = await newGuardedContext(browser, options.viewport === undefined ? {} : { viewport: options.viewport });
        try {
          const browse: BrowseContext = { site, context, browser };
          await options.prepare?.(browse);
          const crawler = new PageCrawler(context, { ...options.crawl, locator: site.locator, ...(options.signal === undefined ? {} : { signal: options.signal }) });
          const crawl = await crawler.crawl(site.seeds, (page, crawled, problems) => visit(page, crawled, problems, browse));
          await options.finish?.(browse, crawl);
          return { site, crawl, blocked: guard.blocked };
        } finally {
          await context.close().catch(() => undefined);
        }
      },
      options.service === undefined ? {} : { service: options.service },
    );
  } finally {
    if (options.browser === undefined) await browser.close().catch(() => undefined);
  }
}
