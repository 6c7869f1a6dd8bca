import { describe, expect, it } from 'vitest';
import { renderLineChart } from '../src/chart.js';
import { fmt, pct, renderTable } from '../src/render.js';
import { notApplicableAgent, renderSummary } from '../src/runSummary.js';

describe('renderTable', () => {
  it('aligns columns, right-aligning numbers', () => {
    const table = renderTable(
      [
        { header: 'agent', value: (r: { a: string; n: number }) => r.a },
        { header: 'n', value: (r) => String(r.n), align: 'right' },
      ],
      [
        { a: 'api-tester', n: 5 },
        { a: 'x', n: 120 },
      ],
    );
    expect(table.split('\n')).toEqual(['agent         n', '----------  ---', 'api-tester    5', 'x           120']);
  });

  it('formats missing numbers as a dash', () => {
    expect(fmt(undefined)).toBe('-');
    expect(fmt(Number.NaN)).toBe('-');
    expect(pct(12.345)).toBe('+12.3 %');
    expect(pct(-1)).toBe('-1.0 %');
  });
});

describe('renderSummary', () => {
  it("prints each agent's first three notes under the table, each cut at 240 characters, and says how many more --json has", () => {
    const agent = (name: string, notes: string[]) => ({ ...notApplicableAgent(name, ''), status: 'ok' as const, reason: null, notes });
    const text = renderSummary({
      target: '/t',
      baseUrl: null,
      database: ':memory:',
      interrupted: false,
      learned: true,
      agents: [agent('api-tester', ['n1', 'n2', 'n3', 'n4', 'n5']), agent('code-reviewer', ['only one']), agent('performance-tester', [`not timed: ${'f, '.repeat(200)}`]), agent('security-scanner', [])],
    });
    expect(text.split('notes:\n')[1]!.split('\n')).toEqual([
      '  api-tester: n1',
      '  api-tester: n2',
      '  api-tester: n3',
      '  api-tester: … 2 more (--json)',
      '  code-reviewer: only one',
      `  performance-tester: not timed: ${'f, '.repeat(76)}… (--json has all of it)`,
    ]);
  });
});

describe('renderLineChart', () => {
  it('draws one path per series and a dashed reference line, escaping names', () => {
    const svg = renderLineChart({
      title: 'Improvement <per> day',
      xLabel: 'day',
      yLabel: '%',
      series: [
        { name: 'a&b', points: [{ x: 1, y: 0 }, { x: 2, y: 10 }, { x: 3, y: 25 }] },
        { name: 'c', points: [{ x: 1, y: 5 }, { x: 3, y: 8 }] },
      ],
      references: [{ y: 20, label: 'target 20 %' }],
    });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<path /g)).toHaveLength(2);
    expect(svg).toContain('stroke-dasharray');
    expect(svg).toContain('a&amp;b');
    expect(svg).toContain('Improvement &lt;per&gt; day');
    expect(svg).not.toContain('NaN');
  });
});
