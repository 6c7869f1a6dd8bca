import { describe, expect, it } from 'vitest';
import { TestGeneratorCore, openTarget } from '@qe-fleet/agents';
import { shape } from '../support/shapes.js';

const generator = new TestGeneratorCore({ timeoutMs: 180_000, service: { startupTimeoutMs: 60_000 } });

describe('test-generator on the shape fixtures', () => {
  it('generates and runs property tests for an ESM JavaScript library in source/', async () => {
    const target = await openTarget({ dir: shape('js-library-source') });
    expect(generator.notApplicable(target)).toBeUndefined();
    const report = await generator.run(target, 'invariants');
    expect(report.stats.outcomes.map((o) => o.fn)).toEqual(expect.arrayContaining(['chunk', 'kebab']));
    expect(report.stats.outcomes.some((o) => o.fn === 'kebab' && o.oracle === 'doc-example' && !o.failed)).toBe(true);
    expect(report.findings).toEqual([]);
    expect(report.coverage).toBeGreaterThan(0);
  }, 240_000);

  it('tests a CommonJS service: its functions, and request tests under the /v1 base path with the credentials', async () => {
    const target = await openTarget({ dir: shape('yaml-api-basepath'), headers: { authorization: 'Bearer shape-token' } });
    const report = await generator.run(target, 'invariants-routes');
    expect(report.skipped).toBeUndefined();
    expect(report.stats.routeTests).toBeGreaterThan(0);
    expect(report.stats.routeOutcomes.map((o) => o.status)).not.toContain(404);
    expect(report.stats.routeOutcomes.map((o) => o.status)).not.toContain(401);
    expect(report.findings.map((f) => `${f.kind} ${JSON.stringify(f.location)}`)).toEqual(['api-server-error {"route":"POST /notes"}']);
    expect(JSON.stringify(report)).not.toContain('shape-token');
  }, 240_000);
});
