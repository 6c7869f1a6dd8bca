import { openTarget, scoreFindings, loadCatalogue } from '../src/kit/index.ts';
import { AccessibilityCheckerCore } from '../src/accessibility-checker/index.ts';
const [agent, dir = '/work/wt-browser/fixtures/sample-target', ...strategies] = process.argv.slice(2);
const mods: Record<string, () => Promise<any>> = {
  'accessibility-checker': async () => new AccessibilityCheckerCore(),
  'e2e-tester': async () => new (await import('../src/e2e-tester/index.ts')).E2eTesterCore({ artifactsDir: '/tmp/qe-e2e-art' }),
  'visual-regression': async () => new (await import('../src/visual-regression/index.ts')).VisualRegressionCore(process.env.QE_VISUAL_BASE ? { baselineDir: process.env.QE_VISUAL_BASE } : {}),
};
const core = await mods[agent]!();
const target = await openTarget({ dir, ...(process.env.QE_START ? { start: process.env.QE_START } : {}), ...(process.env.QE_URL ? { baseUrl: process.env.QE_URL } : {}) });
for (const s of strategies.length ? strategies : core.strategies.map((x: any) => x.name)) {
  const t = Date.now();
  const r = await core.run(target, s);
  const score = target.catalogue ? scoreFindings(r.findings, target.catalogue, agent) : undefined;
  console.log(`== ${s} ${Date.now() - t} ms, coverage ${r.coverage}, P ${score?.precision} R ${score?.recall} missed ${score?.missed.map((d: any) => d.id)}`);
  for (const f of r.findings) console.log(' ', f.kind, f.confidence, JSON.stringify(f.location), f.rule, f.message.slice(0, 100), '|', f.evidence.slice(0, 200));
  console.log(' notes', r.notes, r.skipped, JSON.stringify(r.stats).slice(0, 300));
}
