import { UnitTestGeneratorCore, openTarget } from '@qe-fleet/agents';
const dir = process.argv[2]!;
const strategy = process.argv[3];
const t0 = Date.now();
const core = new UnitTestGeneratorCore({ mutation: true });
const target = await openTarget({ dir });
const report = await core.run(target, strategy ?? core.strategies[0]!.name);
const r = report as unknown as { stats: Record<string, unknown>; notes: string[]; findings: unknown[] };
console.log(JSON.stringify({ strategy: strategy ?? core.strategies[0]!.name, stats: r.stats, notes: r.notes, findings: r.findings.length, ms: Date.now() - t0 }, null, 1));
