import { openTarget, launchBrowser, browseSite } from '../src/kit/index.ts';
const target = await openTarget({ dir: '/work/wt-browser/fixtures/sample-target' });
let t = Date.now();
const browser = await launchBrowser();
console.log('launch', Date.now() - t); t = Date.now();
const r = await browseSite(target, async (page, c) => { console.log('page', c.url, Date.now() - t); t = Date.now(); }, { browser, prepare: async () => { console.log('site up', Date.now() - t); t = Date.now(); } });
console.log('done', Date.now() - t);
await browser.close();
