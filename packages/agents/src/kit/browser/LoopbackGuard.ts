import type { Browser, BrowserContext, Route } from 'playwright-core';
import { assertLoopback } from '../service/assertLoopback.js';

/** A request the guard refused. */
export interface BlockedRequest {
  url: string;
  /** The page (frame) URL that asked for it. */
  from: string;
  resourceType: string;
}

function allowed(url: string): boolean {
  const scheme = url.slice(0, url.indexOf(':') + 1);
  // In-page schemes never reach the network.
  if (scheme === 'data:' || scheme === 'blob:' || scheme === 'about:') return true;
  try {
    assertLoopback(url.replace(/^ws(s?):/, 'http$1:'));
    return true;
  } catch {
    return false;
  }
}

/**
 * The kit's loopback rule in the browser: every request a page makes that is not to a loopback
 * host (fonts, analytics, CDNs, a link to another site) is aborted before it leaves the machine
 * and recorded, so an agent can say what it did not load.
 */
export class LoopbackGuard {
  /** Each blocked URL once, with the first page that asked for it. */
  readonly blocked: BlockedRequest[] = [];

  /** Installs the guard on every page of `context` (register it before any other route). */
  async install(context: BrowserContext): Promise<this> {
    await context.route('**/*', (route) => this.#handle(route));
    return this;
  }

  /** True when `url` may be requested: http(s)/ws(s) to 127.0.0.0/8, ::1 or localhost, or an in-page scheme. */
  static allows(url: string): boolean {
    return allowed(url);
  }

  async #handle(route: Route): Promise<void> {
    const request = route.request();
    const url = request.url();
    if (allowed(url)) {
      await route.fallback();
      return;
    }
    let from = '';
    try {
      from = request.frame().url();
    } catch {
      // Service-worker requests have no frame.
    }
    if (!this.blocked.some((b) => b.url === url)) this.blocked.push({ url, from, resourceType: request.resourceType() });
    await route.abort('blockedbyclient');
  }
}

/** Options of `newGuardedContext`. */
export interface GuardedContextOptions {
  viewport?: { width: number; height: number };
  /** Device scale factor (default 1: screenshots the same size on every machine). */
  deviceScaleFactor?: number;
}

/**
 * A fresh browser context (own cookies and storage) with the loopback guard installed first,
 * reduced motion and a fixed locale/time zone so renderings do not depend on the machine.
 */
export async function newGuardedContext(browser: Browser, options: GuardedContextOptions = {}): Promise<{ context: BrowserContext; guard: LoopbackGuard }> {
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1280, height: 800 },
    deviceScaleFactor: options.deviceScaleFactor ?? 1,
    reducedMotion: 'reduce',
    locale: 'en-US',
    timezoneId: 'UTC',
    serviceWorkers: 'block',
  });
  const guard = await new LoopbackGuard().install(context);
  return { context, guard };
}
