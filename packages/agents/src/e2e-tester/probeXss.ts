import type { BrowserContext } from 'playwright-core';

/** A reflected-XSS probe that executed in the browser. */
export interface XssProof {
  /** `GET /search` (method + path of the request that carried the payload). */
  route: string;
  /** The URL (GET) or URL + body (POST) sent. */
  request: string;
  parameter: string;
  payload: string;
}

/**
 * The payload: closes a quoted attribute or text, then an `<svg onload>` that records `token` in
 * the page. It runs only if the server put it into the HTML unescaped (reflected XSS); it makes
 * no request of its own.
 */
export function xssPayload(token: string): string {
  return `qe"'><svg onload="window.__qeXss=(window.__qeXss||[]).concat('${token}')"></svg>`;
}

/**
 * Loads `url` in a fresh page of `context` (GET, or POST with a URL-encoded `body`) and says
 * whether the payload's marker for `token` ran. The page is closed afterwards; its own errors
 * are not the probe's business.
 */
export async function markerExecuted(context: BrowserContext, url: string, token: string, body?: URLSearchParams, timeoutMs = 10_000): Promise<boolean> {
  const page = await context.newPage();
  try {
    if (body === undefined) {
      await page.goto(url, { waitUntil: 'load', timeout: timeoutMs });
    } else {
      // A real form post from the page's own origin, so cookies and referrer behave as for a user.
      await page.goto(new URL('/', url).href, { waitUntil: 'commit', timeout: timeoutMs }).catch(() => undefined);
      await page.setContent(`<form method="post" action="${url.replace(/"/g, '&quot;')}">${[...body].map(([k, v]) => `<textarea name="${k.replace(/"/g, '&quot;')}">${v.replace(/</g, '&lt;')}</textarea>`).join('')}</form>`);
      await Promise.all([page.waitForNavigation({ waitUntil: 'load', timeout: timeoutMs }), page.evaluate('document.forms[0].submit()')]);
    }
    const marks = await page.evaluate<unknown>('window.__qeXss || []');
    return Array.isArray(marks) && marks.includes(token);
  } catch {
    return false;
  } finally {
    await page.close().catch(() => undefined);
  }
}
