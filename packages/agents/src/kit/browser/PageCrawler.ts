import type { BrowserContext, Page } from 'playwright-core';
import type { PageLocator } from './PageLocator.js';
import { PageProblems } from './PageProblems.js';
import { PAGE_OUTLINE_SCRIPT } from './pageOutline.js';
import type { PageOutline } from './pageOutline.js';

/** One page the crawler opened. */
export interface CrawledPage {
  url: string;
  /** Catalogue page location: the project file it came from, else the URL path. */
  location: string;
  /** Status of the document (0 when it did not load). */
  status: number;
  /** The page that linked here first (undefined for a seed). */
  referrer?: string;
  outline: PageOutline;
}

/** Called while a page is open, before the crawler closes it. */
export type VisitPage = (page: Page, crawled: CrawledPage, problems: PageProblems) => Promise<void>;

/** Options of `PageCrawler`. */
export interface PageCrawlerOptions {
  locator: PageLocator;
  /** Follow same-origin links and GET forms from each page (default true); false = the seeds only. */
  followLinks?: boolean;
  /** At most this many pages (default 30). */
  maxPages?: number;
  /** Link depth from a seed (default 3). */
  maxDepth?: number;
  /** Navigation timeout per page (default 15 s). */
  timeoutMs?: number;
  /** After `load`, wait up to this long for the network to go quiet (the page's own fetches; default 2 s). */
  settleMs?: number;
  signal?: AbortSignal;
}

/** What a crawl reached and left out. */
export interface CrawlResult {
  pages: CrawledPage[];
  /** Same-origin links not followed: page limit, depth, or a state-changing name (logout, delete, …). */
  notFollowed: string[];
  /** Document status of every URL opened (also those closed unvisited as a second URL of one file). */
  statuses: Map<string, number>;
}

/** Link targets a crawler must not open: they change state on a real app. */
const STATE_CHANGING = /\b(log-?out|sign-?out|delete|destroy|remove|reset|drop|unsubscribe)\b/i;
/** Files a browser would download rather than show. */
const DOWNLOADS = /\.(pdf|zip|gz|tgz|tar|exe|dmg|mp4|mp3|png|jpe?g|gif|svg|webp|ico|css|js|mjs|json|xml|txt|csv|woff2?)$/i;

/** Same-origin, not a fragment of the same page, not a download. */
export function isCrawlable(href: string, base: URL): boolean {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return false;
  }
  return url.origin === base.origin && (url.protocol === 'http:' || url.protocol === 'https:') && !DOWNLOADS.test(url.pathname);
}

/**
 * Opens pages breadth-first in one browser context: the seeds, then (with `followLinks`) the
 * same-origin links and GET-form targets they show, up to a page and depth limit, never a link
 * whose path names a state change (logout, delete, …). Each page waits for `load` and a quiet
 * network, gets its outline (links, forms) and is handed to `visit` with its `PageProblems`.
 */
export class PageCrawler {
  readonly #context: BrowserContext;
  readonly #options: PageCrawlerOptions;

  constructor(context: BrowserContext, options: PageCrawlerOptions) {
    this.#context = context;
    this.#options = options;
  }

  async crawl(seeds: readonly string[], visit: VisitPage): Promise<CrawlResult> {
    const { maxPages = 30, maxDepth = 3, followLinks = true } = this.#options;
    const queue: { url: string; depth: number; referrer?: string }[] = seeds.map((url) => ({ url: url.split('#')[0]!, depth: 0 }));
    const seen = new Set(queue.map((q) => q.url));
    const pages: CrawledPage[] = [];
    const notFollowed: string[] = [];
    const locations = new Set<string>();
    const statuses = new Map<string, number>();
    while (queue.length > 0) {
      if (this.#options.signal?.aborted) break;
      const next = queue.shift()!;
      if (pages.length >= maxPages) {
        notFollowed.push(next.url);
        continue;
      }
      const crawled = await this.open(next.url, visit, next.referrer, locations, statuses);
      if (crawled === undefined) continue;
      pages.push(crawled);
      if (!followLinks || crawled.status >= 400 || crawled.status === 0) continue;
      const base = new URL(next.url);
      const targets = [...crawled.outline.links.map((l) => l.href), ...crawled.outline.forms.filter((f) => f.method === 'get').map((f) => f.action)];
      for (const href of targets) {
        const url = href.split('#')[0]!;
        if (seen.has(url) || !isCrawlable(url, base)) continue;
        seen.add(url);
        if (next.depth + 1 > maxDepth || STATE_CHANGING.test(new URL(url).pathname)) notFollowed.push(url);
        else queue.push({ url, depth: next.depth + 1, referrer: next.url });
      }
    }
    return { pages, notFollowed, statuses };
  }

  /**
   * Opens one page, hands it to `visit`, closes it. With `visited`, a page whose location (the
   * same project file under another URL: `/` and `/index.html`) is in it is closed unvisited.
   */
  async open(url: string, visit: VisitPage, referrer?: string, visited?: Set<string>, statuses?: Map<string, number>): Promise<CrawledPage | undefined> {
    const page = await this.#context.newPage();
    const problems = new PageProblems(page);
    try {
      let status = 0;
      let body: Buffer | undefined;
      try {
        const response = await page.goto(url, { waitUntil: 'load', timeout: this.#options.timeoutMs ?? 15_000 });
        status = response?.status() ?? 0;
        body = await response?.body().catch(() => undefined);
        if (status > 0 && status < 400) await page.waitForLoadState('networkidle', { timeout: this.#options.settleMs ?? 2000 }).catch(() => undefined);
      } catch (error) {
        problems.failedRequests.push({ url, method: 'GET', resourceType: 'document', status: 0, failure: error instanceof Error ? error.message.split('\n')[0]! : String(error), navigation: true });
      }
      const outline: PageOutline = status === 0 ? { title: '', links: [], forms: [] } : await page.evaluate<PageOutline>(PAGE_OUTLINE_SCRIPT).catch(() => ({ title: "", links: [], forms: [] }));
      const crawled: CrawledPage = { url, location: this.#options.locator.locate(url, body), status, outline, ...(referrer === undefined ? {} : { referrer }) };
      statuses?.set(url, status);
      if (visited !== undefined && status > 0 && status < 400) {
        if (visited.has(crawled.location)) return undefined;
        visited.add(crawled.location);
      }
      await visit(page, crawled, problems);
      return crawled;
    } finally {
      await page.close().catch(() => undefined);
    }
  }
}
