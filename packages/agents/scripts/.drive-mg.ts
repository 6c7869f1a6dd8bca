import { MockGeneratorCore, openTarget } from '@qe-fleet/agents';
const dir = process.argv[2]!;
const strategy = process.argv[3] ?? 'track-promises';
const t0 = Date.now();
const report = await new MockGeneratorCore({ writeTestsDir: process.env.WRITE ?? undefined }).run(await openTarget({ dir }), strategy);
console.log(JSON.stringify({ stats: report.stats, measure: report.measure, notes: report.notes, skipped: report.skipped, findings: report.findings.map((f) => [f.rule, f.location, f.message]), ms: Date.now() - t0 }, null, 1));
