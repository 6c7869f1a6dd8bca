import type { BrowserContext, Page } from 'playwright-core';
import type { PageForm } from '../kit/browser/pageOutline.js';
import type { PageProblems } from '../kit/browser/PageProblems.js';
import { isTextField, valueFor } from './formValues.js';
import { markerExecuted, xssPayload } from './probeXss.js';
import type { XssProof } from './probeXss.js';

/** A form that could not be completed. */
export interface FormFailure {
  form: PageForm;
  /** What was typed, `name=value` pairs. */
  filled: string[];
  /** Status of the answer to the submission (0 = none). */
  status: number;
  /** Uncaught exceptions / console errors raised by submitting. */
  errors: string[];
  /** The request the submission made, `POST /orders`. */
  request: string;
}

/** Forms whose action names a state change are not submitted on someone's running app. */
const STATE_CHANGING = /\b(log-?out|sign-?out|delete|destroy|remove|reset|drop|unsubscribe)\b/i;

/** Route of a request, as the catalogue writes it: `GET /search`. */
export function routeOf(method: string, url: string): string {
  return `${method.toUpperCase()} ${new URL(url).pathname}`;
}

/**
 * The user flows a page offers: each of its forms filled with sensible values and submitted (a
 * form is completed when the submission answers < 500 and raises no error on the form's own page), and reflected-XSS
 * probes through every text field of a form and every query parameter of a same-origin link: the
 * payload goes in, and it is an XSS only when its marker script ran in Chromium.
 */
export class FlowRunner {
  readonly #context: BrowserContext;
  readonly #tokens: () => string;
  readonly #tried = new Set<string>();
  readonly skippedForms: string[] = [];

  constructor(context: BrowserContext, tokens: () => string) {
    this.#context = context;
    this.#tokens = tokens;
  }

  /** Submits `form` on `page` (already loaded at its URL); undefined when it completed. */
  async submit(page: Page, form: PageForm, problems: PageProblems): Promise<FormFailure | undefined> {
    if (form.method === 'dialog') return undefined;
    if (STATE_CHANGING.test(new URL(form.action).pathname)) {
      this.skippedForms.push(`${form.method.toUpperCase()} ${form.action}`);
      return undefined;
    }
    problems.clear();
    const filled: string[] = [];
    for (const field of form.fields) {
      const value = valueFor(field);
      try {
        if (field.tag === 'select' && value !== undefined) await page.selectOption(field.selector, value, { timeout: 2000 });
        else if ((field.type === 'checkbox' && field.required) || field.type === 'radio') await page.check(field.selector, { timeout: 2000 });
        else if (value !== undefined) await page.fill(field.selector, value, { timeout: 2000 });
        else continue;
        filled.push(`${field.name || field.selector}=${value ?? 'on'}`);
      } catch {
        // Hidden or disabled: the user cannot fill it either.
      }
    }
    // Marks the document: errors count against the form only while it is still this document (an
    // error on the page the form led to is that page's, reported when it is crawled).
    await page.evaluate('window.__qeFormDocument = true').catch(() => undefined);
    let status = 0;
    let request = `${form.method.toUpperCase()} ${new URL(form.action).pathname}`;
    const answered = page.waitForResponse((r) => r.request().isNavigationRequest() || ['fetch', 'xhr'].includes(r.request().resourceType()), { timeout: 5000 }).catch(() => undefined);
    try {
      if (form.submit === undefined) await page.evaluate(`document.querySelector(${JSON.stringify(form.selector)}).requestSubmit()`);
      else await page.click(form.submit, { timeout: 3000 });
    } catch {
      return undefined;
    }
    const response = await answered;
    if (response !== undefined) {
      status = response.status();
      request = routeOf(response.request().method(), response.url());
    }
    await page.waitForLoadState('load', { timeout: 5000 }).catch(() => undefined);
    await page.waitForTimeout(200);
    const sameDocument = await page.evaluate<boolean>('window.__qeFormDocument === true').catch(() => false);
    const errors = (sameDocument ? problems.errors : []).map((e) => `${e.type === 'pageerror' ? 'uncaught' : 'console.error'} ${e.message}${e.where === '' ? '' : ` (${e.where})`}`);
    if (status < 500 && errors.length === 0) return undefined;
    return { form, filled, status, errors, request };
  }

  /** Reflected-XSS probes through the text fields of `forms` and the query parameters of `links`. */
  async probe(forms: readonly PageForm[], links: readonly string[]): Promise<XssProof[]> {
    const proofs: XssProof[] = [];
    for (const form of forms) {
      if (form.method === 'dialog' || STATE_CHANGING.test(new URL(form.action).pathname)) continue;
      for (const field of form.fields.filter(isTextField)) {
        const proof = await this.#probeOne(form.method, form.action, field.name, form.fields.map((f) => [f.name, valueFor(f) ?? ''] as [string, string]).filter(([n]) => n !== ''));
        if (proof !== undefined) proofs.push(proof);
      }
    }
    for (const link of links) {
      const url = new URL(link);
      for (const name of new Set(url.searchParams.keys())) {
        const proof = await this.#probeOne('get', `${url.origin}${url.pathname}`, name, [...url.searchParams]);
        if (proof !== undefined) proofs.push(proof);
      }
    }
    return proofs;
  }

  async #probeOne(method: string, action: string, parameter: string, values: [string, string][]): Promise<XssProof | undefined> {
    if (parameter === '') return undefined;
    const route = routeOf(method, action);
    const key = `${route} ${parameter}`;
    if (this.#tried.has(key)) return undefined;
    this.#tried.add(key);
    const token = this.#tokens();
    const payload = xssPayload(token);
    const params = new URLSearchParams(values.map(([n, v]): [string, string] => [n, n === parameter ? payload : v]));
    if (!params.has(parameter)) params.set(parameter, payload);
    const base = new URL(action);
    if (method === 'get') {
      base.search = params.toString();
      return (await markerExecuted(this.#context, base.href, token)) ? { route, request: `GET ${base.href}`, parameter, payload } : undefined;
    }
    return (await markerExecuted(this.#context, base.href, token, params)) ? { route, request: `POST ${base.href} (${params.toString()})`, parameter, payload } : undefined;
  }
}
