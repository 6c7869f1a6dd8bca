import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestGeneratorCore, openTarget } from '@qe-fleet/agents';
import type { TestGeneratorReport } from '@qe-fleet/agents';
import { writeProject } from '../support/writeProject.js';

// Three writer/reader pairs of our own: one with a lossy writer (it drops the sign, against its
// doc example), one whose reader ignores the writer's escapes, one correct. A failed round trip alone cannot
// say which side is wrong; the finding must land on the side the evidence points at.
const CODEC = `/**
 * Writes an amount in cents as text, e.g. encodeCents(-250) returns "-250".
 * @param {number} cents
 * @returns {string}
 */
export function encodeCents(cents) {
  return String(Math.abs(Math.trunc(cents)));
}

/**
 * Reads what encodeCents writes.
 * @param {string} text
 * @returns {number}
 */
export function decodeCents(text) {
  return Number(text);
}

/**
 * A list of tags as one line: formatTags(["a"]) is "a;", every tag ends with ";".
 * Example: "a;b;" → ["a", "b"].
 * @param {string[]} tags
 * @returns {string}
 */
export function formatTags(tags) {
  return tags.map((t) => t.replaceAll('\\\\', '\\\\\\\\').replaceAll(';', '\\\\;') + ';').join('');
}

/**
 * Reads a line of tags written by formatTags.
 * @param {string} line
 * @returns {string[]}
 */
export function parseTags(line) {
  return line.split(';').slice(0, -1);
}

/**
 * A list of words as JSON text.
 * @param {string[]} words
 * @returns {string}
 */
export function encodeWords(words) {
  return JSON.stringify(words);
}

/**
 * Reads encodeWords's text back.
 * @param {string} text
 * @returns {string[]}
 */
export function decodeWords(text) {
  return JSON.parse(text);
}
`;

let tmp: string;
let report: TestGeneratorReport;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'qe-tg-roundtrip-'));
  const dir = await writeProject(tmp, 'codec', {
    'package.json': JSON.stringify({ name: 'codec', type: 'module', exports: './src/codec.js' }),
    'src/codec.js': CODEC,
  });
  report = await new TestGeneratorCore({ timeoutMs: 180_000 }).run(await openTarget({ dir, catalogue: false }), 'invariants');
}, 240_000);
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('round trips blame the side the evidence points at', () => {
  it('a lossy writer (two inputs written alike) is reported on the writer, naming the reader', () => {
    const finding = report.findings.find((f) => f.message.includes('round-trip:encodeCents'));
    expect(finding?.location).toMatchObject({ file: 'src/codec.js', line: 6 });
    expect(finding?.message).toMatch(/^encodeCents violates .*round-trip:encodeCents.*\(the round trip with decodeCents \(src\/codec\.js:\d+\) fails; the writer is suspected\)/);
    expect(finding?.evidence).toMatch(/writer suspected \(encodeCents \(src\/codec\.js:6\) (breaks its doc example -250 → "-250"|writes -?\d+ and -?\d+ alike)/);
  });

  it('a reader that misreads what the writer writes is reported on the reader', () => {
    const finding = report.findings.find((f) => f.message.includes('round-trip:formatTags'));
    expect(finding?.message).toMatch(/^parseTags violates round-trip:formatTags \(the round trip with formatTags .* the reader is suspected\)/);
    expect(finding?.location).toMatchObject({ file: 'src/codec.js' });
    expect(finding?.evidence).toContain('reader suspected');
  });

  it('a correct pair gives no round-trip finding, and none lands on the innocent side of the others', () => {
    const roundTrips = report.findings.filter((f) => (f.rule ?? '').includes('round-trip:'));
    expect(roundTrips.map((f) => f.message.split(' ')[0]).sort()).toEqual(['encodeCents', 'parseTags']);
    expect(report.stats.outcomes.filter((o) => o.oracle === 'round-trip:encodeWords').map((o) => o.failed)).toEqual([false]);
  });
});
