import { describe, expect, it } from 'vitest';
import { ProgressReporter } from '../src/ProgressReporter.js';

const sink = (isTTY: boolean) => {
  const chunks: string[] = [];
  return { out: { isTTY, write: (c: string) => chunks.push(c) }, text: () => chunks.join('') };
};

describe('ProgressReporter', () => {
  it('prints plain lines when not on a terminal', () => {
    const s = sink(false);
    const p = new ProgressReporter(s.out);
    p.start('api-tester', 2);
    p.step('api-tester', 'schema-fuzz: 3 findings');
    p.finish();
    expect(s.text()).toBe('[api-tester] start (2 runs)\n[api-tester] 1/2 schema-fuzz: 3 findings\n');
  });

  it('redraws one bar per agent in place on a terminal', () => {
    const s = sink(true);
    const p = new ProgressReporter(s.out);
    p.start('a', 2);
    p.start('b', 4);
    p.step('b', 'x');
    p.finish();
    const text = s.text();
    expect(text).toContain('\x1b[1A'); // back up over the two bars before redrawing
    expect(text).toContain(`b                    [${'#'.repeat(6)}${'.'.repeat(18)}] 1/4 x`);
    expect(text.endsWith('\n')).toBe(true);
  });
});
