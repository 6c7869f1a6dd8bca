import { findStrategy } from '../kit/agent/AgentCore.js';
import type { AgentCore, AgentReport, AgentRunOptions, AgentStrategy } from '../kit/agent/AgentCore.js';
import { AgentError } from '../kit/agent/AgentError.js';
import { browseSite } from '../kit/browser/browseSite.js';
import type { BrowserAgentOptions } from '../kit/browser/browseSite.js';
import { noPagesReason } from '../kit/browser/withSite.js';
import type { Finding, Severity } from '../kit/findings/Finding.js';
import type { Target } from '../kit/target/Target.js';
import { AXE_VERSION, auditStates, runAxe } from './runAxe.js';
import type { AxeViolation } from './runAxe.js';

/** Knobs of an accessibility-checker strategy. */
export interface AccessibilityConfig {
  /** axe-core tags to run (`runOnly`). */
  tags: string[];
  /** Interactive states opened per page (0 = the loaded page only). */
  states: number;
  maxPages: number;
}

/** The WCAG 2.1 A and AA rule set: the default. */
export const WCAG_21_AA_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] as const;

/** The strategies. */
export const ACCESSIBILITY_STRATEGIES: readonly AgentStrategy<AccessibilityConfig>[] = [
  { name: 'wcag-aa', description: 'axe-core WCAG 2.1 A/AA rules on every page reached', config: { tags: [...WCAG_21_AA_TAGS], states: 0, maxPages: 30 } },
  { name: 'best-practices', description: 'WCAG 2.1 A/AA plus axe-core best-practice rules (landmarks, heading order, …)', config: { tags: [...WCAG_21_AA_TAGS, 'best-practice'], states: 0, maxPages: 30 } },
  { name: 'states', description: 'WCAG 2.1 A/AA on every page and on up to 5 interactive states per page (menus, disclosures, popovers opened)', config: { tags: [...WCAG_21_AA_TAGS], states: 5, maxPages: 30 } },
];

/** An accessibility-checker report: the kit's report plus what was audited. */
export interface AccessibilityReport extends AgentReport {
  stats: { pagesReached: number; pagesAudited: number; statesAudited: number; violations: number; byRule: Record<string, number>; blockedRequests: number; axeVersion: string };
}

/** Constructor options of `AccessibilityCheckerCore`. */
export interface AccessibilityCheckerOptions extends BrowserAgentOptions {
  now?: () => number;
}

const SEVERITY: Record<string, Severity> = { critical: 'high', serious: 'medium', moderate: 'medium', minor: 'low' };
/**
 * axe-core reports a violation only when its check is certain (unsure cases go to "incomplete",
 * which is not reported); best-practice rules are advice rather than failures of a success criterion.
 */
const confidenceOf = (v: AxeViolation): number => (v.tags.includes('best-practice') && !v.tags.some((t) => t.startsWith('wcag')) ? 0.6 : 0.9);
const criteriaOf = (tags: readonly string[]): string =>
  tags.filter((t) => /^wcag\d{3,}$/.test(t)).map((t) => t.slice(4).split('').join('.')).join(', ');

/**
 * Accessibility checker: axe-core injected into every page reached in headless Chromium (the
 * target's service root and HTML files, following same-origin links), and with `states` into the
 * interactive states it can open cheaply. Each violating element is an `a11y-violation` at
 * `{ page, selector }` with the rule, its impact, the WCAG criteria and the rule's help URL.
 */
export class AccessibilityCheckerCore implements AgentCore {
  readonly id = 'accessibility-checker';
  readonly usesService = true;
  readonly strategies = ACCESSIBILITY_STRATEGIES;
  readonly #options: AccessibilityCheckerOptions;

  constructor(options: AccessibilityCheckerOptions = {}) {
    this.#options = options;
  }

  /** Not applicable without pages: no service, no URL and no HTML file. */
  notApplicable(target: Target): string | undefined {
    return noPagesReason(target);
  }

  async run(target: Target, strategyName: string, options: AgentRunOptions = {}): Promise<AccessibilityReport> {
    const now = this.#options.now ?? Date.now;
    const started = now();
    const strategy = findStrategy(this, strategyName);
    const why = noPagesReason(target);
    if (why !== undefined) throw new AgentError('UNSUPPORTED_TARGET', `not applicable: ${why}`);
    const { tags, states, maxPages } = strategy.config;
    const found = new Map<string, Finding>();
    const byRule: Record<string, number> = {};
    let audited = 0;
    let statesAudited = 0;
    const record = (violations: AxeViolation[], page: string, url: string, state: string): void => {
      for (const v of violations) {
        const key = `${page}\u0000${v.rule}\u0000${v.selector}`;
        if (found.has(key)) continue;
        byRule[v.rule] = (byRule[v.rule] ?? 0) + 1;
        const criteria = criteriaOf(v.tags);
        found.set(key, {
          kind: 'a11y-violation',
          severity: SEVERITY[v.impact] ?? 'medium',
          location: { page, selector: v.selector },
          message: `${v.help} (axe-core ${v.rule}, impact ${v.impact}${criteria === '' ? '' : `, WCAG ${criteria}`}): ${v.helpUrl}`,
          evidence: `${url}${state === '' ? '' : ` ${state}`}: ${v.html} — ${v.summary} [axe-core ${AXE_VERSION} target ${v.axeTarget}]`,
          confidence: confidenceOf(v),
          rule: `axe-core/${v.rule}`,
        });
      }
    };
    const result = await browseSite(
      target,
      async (page, crawled) => {
        if (crawled.status === 0 || crawled.status >= 400) return;
        record(await runAxe(page, tags), crawled.location, crawled.url, '');
        audited++;
        if (states > 0) statesAudited += await auditStates(page, async (state) => record(await runAxe(page, tags), crawled.location, crawled.url, state), states);
      },
      { ...this.#options, crawl: { maxPages }, ...(options.signal === undefined ? {} : { signal: options.signal }) },
    ).catch((error: unknown) => {
      if (error instanceof AgentError) throw error;
      throw new AgentError('TOOL_FAILED', `axe-core in Chromium failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`, { cause: error });
    });
    // A link to a missing page is reported on the linking page; the missing page is not a page to cover.
    const reached = result.crawl.pages.filter((p) => p.status !== 404 && p.status !== 410).length;
    const notes = [...result.site.notes, `${audited} page(s) audited with axe-core ${AXE_VERSION} (${tags.join(', ')})${states > 0 ? `, ${statesAudited} interactive state(s)` : ''}`];
    if (result.blocked.length > 0) notes.push(`${result.blocked.length} non-loopback request(s) blocked (e.g. ${result.blocked[0]!.url}): contrast over external images or fonts may differ from production`);
    if (result.crawl.notFollowed.length > 0) notes.push(`${result.crawl.notFollowed.length} link(s) not followed (page/depth limit or state-changing): ${result.crawl.notFollowed.slice(0, 3).join(', ')}`);
    return {
      agentId: this.id,
      strategy: strategy.name,
      target: target.dir,
      findings: [...found.values()],
      durationMs: now() - started,
      coverage: reached === 0 ? 0 : audited / reached,
      notes,
      ...(result.site.skipped.length === 0 ? {} : { skipped: result.site.skipped }),
      stats: { pagesReached: reached, pagesAudited: audited, statesAudited, violations: found.size, byRule, blockedRequests: result.blocked.length, axeVersion: AXE_VERSION },
    };
  }
}
