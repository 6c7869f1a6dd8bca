import { TestOptimizerCore, openTarget } from '@qe-fleet/agents';
const dir = process.argv[2]!;
const strategy = process.argv[3] ?? 'prioritise';
const t0 = Date.now();
const core = new TestOptimizerCore();
const target = await openTarget({ dir });
const report = await core.run(target, strategy);
const { findings, ...rest } = report as unknown as Record<string, unknown> & { findings: unknown[] };
console.log(JSON.stringify({ ...rest, findings: findings.length, ms: Date.now() - t0 }, null, 1).slice(0, 6000));
