import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import type { Finding, FindingLocation } from './Finding.js';
import { ruleOf } from './ReportedFinding.js';

/** Reads a target file (path relative to the target, `/`-separated); undefined when unreadable. */
export type SourceReader = (file: string) => string | undefined;

/**
 * A SourceReader over a target folder, caching each file and refusing paths that leave it (a
 * finding's path comes from a tool, and a report must not read outside the target).
 */
export function sourceReader(dir: string): SourceReader {
  const root = resolve(dir);
  const cache = new Map<string, string | undefined>();
  return (file) => {
    if (cache.has(file)) return cache.get(file);
    const path = resolve(root, file);
    const rel = relative(root, path);
    let text: string | undefined;
    if (rel !== '' && !rel.startsWith('..') && !isAbsolute(rel)) {
      try {
        text = readFileSync(path, 'utf8');
      } catch {
        text = undefined;
      }
    }
    cache.set(file, text);
    return text;
  };
}

const normalise = (text: string): string => text.trim().replace(/\s+/g, ' ');

/** Lines `from`..`to` (1-based, inclusive) of a text, or undefined when out of range. */
function linesOf(text: string, from: number, to: number): string[] | undefined {
  const lines = text.split(/\r?\n/);
  if (from < 1 || from > lines.length) return undefined;
  return lines.slice(from - 1, Math.min(to, lines.length));
}

/** The place and the text that identify a finding, without its line number. */
function identity(finding: Finding, read: SourceReader): { place: string; text: string } {
  const location: FindingLocation = finding.location;
  // Numbers in messages are often line numbers or versions: they must not change the fingerprint.
  const message = normalise(finding.message).replace(/\d+/g, '#');
  if ('file' in location) {
    const source = read(location.file);
    const lines = source === undefined ? undefined : linesOf(source, location.line, location.endLine ?? location.line);
    const text = lines?.map(normalise).filter((l) => l !== '').join('\n');
    return { place: `file:${location.file}`, text: text === undefined || text === '' ? `message:${message}` : text };
  }
  if ('route' in location) return { place: `route:${location.route}`, text: message };
  if ('page' in location) return { place: `page:${location.page} ${location.selector ?? ''}`, text: message };
  // A package keeps its fingerprint when it is bumped to a version that is still vulnerable.
  if ('package' in location) return { place: `package:${location.package}`, text: message };
  return { place: `test:${location.test} ${location.name ?? ''}`, text: message };
}

/**
 * Adds a fingerprint to each finding: a hash of the agent, the rule, the file (or route, page,
 * package, test) and the normalised text of the flagged line(s) — not the line number, so a
 * finding keeps its fingerprint when code above it moves. Identical flagged text twice in one
 * file gets an occurrence number (in line order) so the two stay distinct. Unreadable lines fall
 * back to the message with its numbers blanked.
 */
export function fingerprintFindings<F extends Finding & { agent: string }>(findings: readonly F[], read: SourceReader): Array<F & { fingerprint: string }> {
  const keyed = findings.map((finding, index) => {
    const { place, text } = identity(finding, read);
    return { finding, index, key: JSON.stringify([finding.agent, ruleOf(finding), place, text]) };
  });
  const line = (f: Finding): number => ('file' in f.location ? f.location.line : 0);
  const order = [...keyed].sort((a, b) => line(a.finding) - line(b.finding) || a.index - b.index);
  const seen = new Map<string, number>();
  const fingerprints = new Map<number, string>();
  for (const { key, index } of order) {
    const occurrence = seen.get(key) ?? 0;
    seen.set(key, occurrence + 1);
    fingerprints.set(index, createHash('sha256').update(`${key}#${occurrence}`).digest('hex').slice(0, 32));
  }
  return keyed.map(({ finding, index }) => ({ ...finding, fingerprint: fingerprints.get(index) ?? '' }));
}
