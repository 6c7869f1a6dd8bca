import type { Page } from 'playwright-core';
import { LoopbackGuard } from './LoopbackGuard.js';

/** An uncaught exception or a console error of a page. */
export interface PageErrorEvent {
  type: 'pageerror' | 'console';
  message: string;
  /** First stack lines (pageerror) or `url:line` (console). */
  where: string;
}

/** A loopback request that failed or answered ≥ 400. */
export interface FailedRequest {
  url: string;
  method: string;
  resourceType: string;
  /** HTTP status, or 0 when the request failed without a response. */
  status: number;
  failure?: string;
  /** True for a frame's document (a page that did not load) rather than a sub-resource. */
  navigation: boolean;
}

/**
 * Everything that went wrong on one page while it was open: uncaught exceptions, console errors
 * (minus Chromium's own "Failed to load resource" lines, which `failedRequests` says better) and
 * loopback requests that failed or answered with an error status. Requests the loopback guard
 * blocked are not failures of the page.
 */
export class PageProblems {
  readonly errors: PageErrorEvent[] = [];
  readonly failedRequests: FailedRequest[] = [];

  constructor(page: Page) {
    page.on('pageerror', (error) => {
      this.errors.push({ type: 'pageerror', message: `${error.name}: ${error.message}`, where: (error.stack ?? '').split('\n').slice(1, 3).map((l) => l.trim().replace(/^at /, '')).join(' < ') });
    });
    page.on('console', (message) => {
      if (message.type() !== 'error' || message.text().startsWith('Failed to load resource')) return;
      const { url, lineNumber } = message.location();
      this.errors.push({ type: 'console', message: message.text(), where: url === '' ? '' : `${url}:${lineNumber + 1}` });
    });
    page.on('response', (response) => {
      if (response.status() < 400) return;
      const request = response.request();
      this.failedRequests.push({ url: response.url(), method: request.method(), resourceType: request.resourceType(), status: response.status(), navigation: request.isNavigationRequest() });
    });
    page.on('requestfailed', (request) => {
      const failure = request.failure()?.errorText ?? 'failed';
      // Blocked by the guard, or aborted because the page navigated away: not the page's failure.
      if (!LoopbackGuard.allows(request.url()) || failure.includes('ERR_ABORTED')) return;
      this.failedRequests.push({ url: request.url(), method: request.method(), resourceType: request.resourceType(), status: 0, failure, navigation: request.isNavigationRequest() });
    });
  }

  /** Forgets what was recorded so far (before a second phase on the same page). */
  clear(): void {
    this.errors.length = 0;
    this.failedRequests.length = 0;
  }
}
