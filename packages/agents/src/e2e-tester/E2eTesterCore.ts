import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Page } from 'playwright-core';
import { findStrategy } from '../kit/agent/AgentCore.js';
import type { AgentCore, AgentReport, AgentRunOptions, AgentStrategy } from '../kit/agent/AgentCore.js';
import { AgentError } from '../kit/agent/AgentError.js';
import { browseSite } from '../kit/browser/browseSite.js';
import type { BrowserAgentOptions } from '../kit/browser/browseSite.js';
import { isCrawlable } from '../kit/browser/PageCrawler.js';
import type { CrawledPage } from '../kit/browser/PageCrawler.js';
import { SELECTOR_SOURCE } from '../kit/browser/pageOutline.js';
import { artifactName, saveScreenshot } from '../kit/browser/saveScreenshot.js';
import { noPagesReason } from '../kit/browser/withSite.js';
import { dedupeFindings } from '../kit/findings/Finding.js';
import type { Finding } from '../kit/findings/Finding.js';
import type { Target } from '../kit/target/Target.js';
import { FlowRunner } from './FlowRunner.js';
import type { FormFailure } from './FlowRunner.js';
import { linkStatus } from './linkStatus.js';
import type { LinkStatus } from './linkStatus.js';

/** Knobs of an e2e-tester strategy. */
export interface E2eConfig {
  /** Follow same-origin links from the seeds (else the seeds only) and check every link's status. */
  links: boolean;
  /** Fill and submit every form, and probe forms and query parameters for reflected XSS. */
  flows: boolean;
  maxPages: number;
}

/** The strategies. */
export const E2E_STRATEGIES: readonly AgentStrategy<E2eConfig>[] = [
  { name: 'smoke', description: 'load the service root and every project HTML page once: page errors, failed requests', config: { links: false, flows: false, maxPages: 30 } },
  { name: 'links', description: 'smoke + crawl same-origin links (depth 3, 30 pages) and check every link answers', config: { links: true, flows: false, maxPages: 30 } },
  { name: 'flows', description: 'links + fill and submit every form, reflected-XSS probes through forms and query parameters', config: { links: true, flows: true, maxPages: 30 } },
];

/** An e2e-tester report: the kit's report plus what was exercised. */
export interface E2eReport extends AgentReport {
  stats: { pagesReached: number; pagesLoaded: number; linksChecked: number; brokenLinks: number; formsSubmitted: number; xssProbes: number; blockedRequests: number; screenshots: string[] };
}

/** Constructor options of `E2eTesterCore`. */
export interface E2eTesterOptions extends BrowserAgentOptions {
  /** Where failure screenshots go (default a folder per target under the system temp folder: `qe-fleet-e2e/<target name>-<hash>`). */
  artifactsDir?: string;
  now?: () => number;
}

const ELEMENT_FOR_URL = (url: string): string => `(() => {
${SELECTOR_SOURCE}
const el = [...document.querySelectorAll('[src], link[href], [srcset], object[data]')].find((e) => e.src === ${JSON.stringify(url)} || e.href === ${JSON.stringify(url)} || e.data === ${JSON.stringify(url)});
return el ? qeSelector(el) : undefined;
})()`;

/**
 * End-to-end tester: drives the target's pages in headless Chromium. Every page reached is
 * checked for uncaught exceptions and console errors (`page-error`) and failed sub-resources
 * (`broken-link` at the element that asked for it); `links` crawls same-origin links and checks
 * that each answers (`broken-link` at `a[href=…]` on the linking page); `flows` submits every form
 * with sensible values (a 5xx or a page error = `page-error` at the form) and proves reflected XSS
 * when a marker script sent through a form field or query parameter runs. Failures are
 * screenshotted; the path is in the evidence.
 */
export class E2eTesterCore implements AgentCore {
  readonly id = 'e2e-tester';
  readonly usesService = true;
  readonly strategies = E2E_STRATEGIES;
  readonly #options: E2eTesterOptions;

  constructor(options: E2eTesterOptions = {}) {
    this.#options = options;
  }

  /** Not applicable without pages: no service, no URL and no HTML file. */
  notApplicable(target: Target): string | undefined {
    return noPagesReason(target);
  }

  async run(target: Target, strategyName: string, options: AgentRunOptions = {}): Promise<E2eReport> {
    const now = this.#options.now ?? Date.now;
    const started = now();
    const strategy = findStrategy(this, strategyName);
    const why = noPagesReason(target);
    if (why !== undefined) throw new AgentError('UNSUPPORTED_TARGET', `not applicable: ${why}`);
    const config = strategy.config;
    const artifacts = this.#options.artifactsDir ?? join(tmpdir(), 'qe-fleet-e2e', `${basename(target.dir)}-${createHash('sha256').update(target.dir).digest('hex').slice(0, 8)}`);
    const findings: Finding[] = [];
    const screenshots: string[] = [];
    let loaded = 0;
    let formsSubmitted = 0;
    let probes = 0;
    let tokenCount = 0;
    let flows: FlowRunner | undefined;
    let links: { findings: Finding[]; checked: number } = { findings: [], checked: 0 };
    const result = await browseSite(
      target,
      async (page, crawled, problems, { context }) => {
        if (crawled.status === 0 || crawled.status >= 400) return;
        loaded++;
        const pageFindings: Finding[] = [];
        for (const error of problems.errors) {
          const uncaught = error.type === 'pageerror';
          pageFindings.push({
            kind: 'page-error', severity: uncaught ? 'high' : 'medium', location: { page: crawled.location },
            message: `${uncaught ? 'Uncaught exception' : 'console.error'} on load of ${crawled.url}: ${error.message}`,
            evidence: `${uncaught ? 'pageerror' : 'console error'}: ${error.message}${error.where === '' ? '' : ` at ${error.where}`}`,
            confidence: uncaught ? 0.9 : 0.7, rule: `e2e-tester/${uncaught ? 'uncaught-exception' : 'console-error'}`,
            verified: `Chromium reported the ${uncaught ? 'uncaught exception' : 'console.error'} on load of ${crawled.url}`,
          });
        }
        for (const failed of problems.failedRequests) {
          if (failed.navigation || failed.status === 401 || failed.status === 403) continue;
          const script = failed.resourceType === 'fetch' || failed.resourceType === 'xhr';
          const selector = script ? undefined : await page.evaluate<string | undefined>(ELEMENT_FOR_URL(failed.url)).catch(() => undefined);
          const what = failed.status === 0 ? `failed (${failed.failure ?? 'no answer'})` : `-> ${failed.status}`;
          pageFindings.push({
            kind: script ? 'page-error' : 'broken-link', severity: 'medium', location: { page: crawled.location, ...(selector === undefined ? {} : { selector }) },
            message: `${script ? 'A request of the page\'s script' : `A ${failed.resourceType} the page loads`} failed: ${failed.method} ${new URL(failed.url).pathname} ${what}`,
            evidence: `${failed.method} ${failed.url} ${what} (${failed.resourceType}, on load of ${crawled.url})`,
            confidence: script ? 0.6 : 0.85, rule: `e2e-tester/${script ? 'failed-request' : 'missing-resource'}`,
            verified: `Chromium saw ${failed.method} ${failed.url} ${what} on load of ${crawled.url}`,
          });
        }
        if (pageFindings.length > 0) {
          const shot = await saveScreenshot(page, artifacts, artifactName(crawled.location, 'load'));
          if (shot !== undefined) screenshots.push(shot);
          findings.push(...pageFindings.map((f) => (shot === undefined ? f : { ...f, evidence: `${f.evidence}; screenshot ${shot}` })));
        }
        if (!config.flows) return;
        flows ??= new FlowRunner(context, () => `qe${++tokenCount}`);
        const forms = crawled.outline.forms.slice(0, 5);
        for (const [i, form] of forms.entries()) {
          if (i > 0) await page.goto(crawled.url, { waitUntil: 'load' }).catch(() => undefined);
          formsSubmitted++;
          const failure = await flows.submit(page, form, problems);
          if (failure !== undefined) findings.push(await this.#formFinding(failure, crawled, page, artifacts, screenshots));
        }
        const queryLinks = crawled.outline.links.map((l) => l.href).filter((href) => href.includes('?') && isCrawlable(href, new URL(crawled.url)));
        const proofs = await flows.probe(forms, [...new Set(queryLinks)].slice(0, 10));
        probes = tokenCount;
        for (const proof of proofs) {
          findings.push({
            kind: 'xss', severity: 'high', location: { route: proof.route },
            message: `Reflected XSS: the ${proof.parameter} parameter of ${proof.route} is put into the page unescaped and its script runs (found from ${crawled.location})`,
            evidence: `${proof.request} — payload ${proof.payload} executed its marker in Chromium`, confidence: 0.95, rule: 'e2e-tester/reflected-xss',
            verified: `live probe: ${proof.request} with payload ${proof.payload} ran its script in Chromium`,
          });
        }
      },
      {
        ...this.#options,
        crawl: { maxPages: config.maxPages, followLinks: config.links },
        finish: async (_browse, crawl) => {
          if (config.links) links = await this.#checkLinks(crawl.pages, crawl.statuses);
        },
        ...(options.signal === undefined ? {} : { signal: options.signal }) },
    ).catch((error: unknown) => {
      if (error instanceof AgentError) throw error;
      throw new AgentError('TOOL_FAILED', `Chromium run failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`, { cause: error });
    });
    findings.push(...links.findings);
    const notes = [...result.site.notes, `${loaded} page(s) loaded in Chromium (${result.site.source}), ${links.checked} link(s) checked${config.flows ? `, ${formsSubmitted} form(s) submitted, ${probes} XSS probe(s)` : ''}`];
    if (result.blocked.length > 0) notes.push(`${result.blocked.length} non-loopback request(s) blocked, not judged (e.g. ${result.blocked[0]!.url})`);
    if (result.crawl.notFollowed.length > 0) notes.push(`${result.crawl.notFollowed.length} link(s) not followed (page/depth limit or state-changing): ${result.crawl.notFollowed.slice(0, 3).join(', ')}`);
    if (flows !== undefined && flows.skippedForms.length > 0) notes.push(`forms not submitted (their action changes state): ${flows.skippedForms.slice(0, 3).join(', ')}`);
    // A link to a missing page is reported on the linking page; the missing page is not a page to cover.
    const reached = result.crawl.pages.filter((p) => p.status !== 404 && p.status !== 410).length;
    return {
      agentId: this.id,
      strategy: strategy.name,
      target: target.dir,
      findings: dedupeFindings(findings),
      durationMs: now() - started,
      coverage: reached === 0 ? 0 : loaded / reached,
      notes,
      ...(result.site.skipped.length === 0 ? {} : { skipped: result.site.skipped }),
      stats: { pagesReached: reached, pagesLoaded: loaded, linksChecked: links.checked, brokenLinks: links.findings.length, formsSubmitted, xssProbes: probes, blockedRequests: result.blocked.length, screenshots },
    };
  }

  async #formFinding(failure: FormFailure, crawled: CrawledPage, page: Page, artifacts: string, screenshots: string[]): Promise<Finding> {
    const shot = await saveScreenshot(page, artifacts, artifactName(crawled.location, `form-${failure.form.selector}`));
    if (shot !== undefined) screenshots.push(shot);
    const what = [failure.status >= 500 ? `${failure.request} answered ${failure.status}` : '', ...failure.errors].filter(Boolean).join('; ');
    return {
      kind: 'page-error', severity: 'high', location: { page: crawled.location, selector: failure.form.selector },
      message: `The form ${failure.form.selector} on ${crawled.location} cannot be completed: ${what}`,
      evidence: `filled ${failure.filled.join(', ') || 'nothing'} and submitted: ${what}${shot === undefined ? '' : `; screenshot ${shot}`}`,
      confidence: failure.status >= 500 ? 0.85 : 0.8, rule: 'e2e-tester/form-not-completed',
      verified: `Chromium filled and submitted ${failure.form.selector} on ${crawled.url}: ${what}`,
    };
  }

  /** Every same-origin link of every loaded page: its status (from the crawl when it was opened, else a loopback GET). */
  async #checkLinks(pages: readonly CrawledPage[], opened: ReadonlyMap<string, number>): Promise<{ findings: Finding[]; checked: number }> {
    const known = new Map<string, LinkStatus>([...opened].filter(([, status]) => status > 0).map(([url, status]) => [url, { status, chain: [] }]));
    const findings: Finding[] = [];
    let checked = 0;
    for (const page of pages) {
      if (page.status === 0 || page.status >= 400) continue;
      for (const link of page.outline.links) {
        const url = link.href.split('#')[0]!;
        if (new URL(url).origin !== new URL(page.url).origin) continue;
        let status = known.get(url);
        if (status === undefined) {
          status = await linkStatus(url);
          known.set(url, status);
        }
        checked++;
        if (status.external !== undefined || (status.status > 0 && status.status < 400) || status.status === 401 || status.status === 403) continue;
        const answer = status.status === 0 ? `no answer (${status.error ?? 'failed'})` : String(status.status);
        findings.push({
          kind: 'broken-link', severity: 'medium', location: { page: page.location, selector: link.selector },
          message: `The link "${link.text || link.raw}" on ${page.location} points to ${link.raw}, which answers ${answer}`,
          evidence: `GET ${new URL(url).pathname}${new URL(url).search} -> ${answer}${status.chain.length > 0 ? ` after ${status.chain.join(', ')}` : ''} (linked from ${page.url})`,
          confidence: status.status === 404 || status.status === 410 ? 0.9 : 0.75, rule: 'e2e-tester/broken-link',
          verified: `GET ${url} answered ${answer}`,
        });
      }
    }
    return { findings, checked };
  }
}
