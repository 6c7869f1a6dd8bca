import { openTarget } from '../src/kit/target/Target.js';
import { scoreFindings } from '../src/kit/findings/Catalogue.js';
import { UnitTestGeneratorCore } from '../src/unit-test-generator/UnitTestGeneratorCore.js';
const target = await openTarget({ dir: process.argv[2]! });
const core = new UnitTestGeneratorCore({ mutation: true });
for (const s of (process.argv[3] ?? 'boundaries').split(',')) {
  const t0 = Date.now();
  const r = await core.run(target, s);
  console.log('==', s, Date.now() - t0, 'ms', JSON.stringify(r.stats), r.measure);
  for (const f of r.findings) console.log(' ', f.kind, f.location, f.rule, f.message.slice(0, 200));
  console.log(r.notes.join('\n'), JSON.stringify(r.skipped));
  if (target.catalogue) { const sc = scoreFindings(r.findings, target.catalogue, core.id); console.log('P', sc.precision, 'R', sc.recall, 'missed', sc.missed.map(d => d.id), 'FP', JSON.stringify(sc.falsePositives.map(f => [f.location, f.rule]))); }
}
