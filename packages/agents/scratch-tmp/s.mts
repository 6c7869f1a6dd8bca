import { createRequire } from 'node:module';
import { openTarget, launchBrowser, newGuardedContext, PageCrawler, withSite } from '../src/kit/index.ts';
const require = createRequire(import.meta.url);
const target = await openTarget({ dir: '/work/wt-browser/fixtures/sample-target' });
const browser = await launchBrowser();
const axe = require('/work/wt-browser/packages/agents/node_modules/axe-core');
await withSite(target, async (site) => {
  console.log(site.seeds, site.notes);
  const { context, guard } = await newGuardedContext(browser);
  const crawler = new PageCrawler(context, { locator: site.locator });
  const t = Date.now();
  const res = await crawler.crawl(site.seeds, async (page, c, p) => {
    console.log(c.url, c.location, c.status, JSON.stringify(c.outline).slice(0, 300), p.errors, p.failedRequests);
    await page.evaluate(axe.source);
    const r = await page.evaluate(`axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a','wcag2aa','wcag21a','wcag21aa'] }, resultTypes: ['violations'] })`);
    for (const v of r.violations) console.log('  ', v.id, v.impact, v.nodes.map((n) => n.target));
  });
  console.log(res.notFollowed, guard.blocked, Date.now() - t);
});
await browser.close();
