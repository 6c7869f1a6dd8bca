import type { Finding } from '../kit/findings/Finding.js';

/** Single characters tried as the repeated part of an attack string, most common first. */
const PUMP_CANDIDATES = ['a', '0', ' ', '\t', '\n', '_', '-', '.', 'A', 'x', '@', '/', ',', '<', '='];
/** Suffixes tried to make the whole match fail (what forces the engine to backtrack). */
const SUFFIX_CANDIDATES = ['!', '\u0000', '\n', 'a', ' '];

const accepts = (pattern: RegExp, text: string): boolean => pattern.test(text);

/** `JSON.stringify` that keeps the output short and shows control characters. */
const quote = (text: string): string => JSON.stringify(text);

/**
 * An attack string for a regex eslint-plugin-regexp's backtracking rules reported: the detector
 * names the language of the repeated part ("Using any string accepted by /a+/", "Any attack string
 * /\s+/"); a character it accepts, repeated, then a character it rejects (so the match fails after
 * trying every split). Undefined when no single character of our list is accepted.
 */
export function redosAttackString(message: string): { code: string; pump: string } | undefined {
  const pump = /(?:accepted by|attack string) \/(.+?)\/(?=[ ,.])/.exec(message)?.[1];
  if (pump === undefined) return undefined;
  let pattern: RegExp;
  try {
    pattern = new RegExp(`^(?:${pump})$`, 'u');
  } catch {
    try {
      pattern = new RegExp(`^(?:${pump})$`);
    } catch {
      return undefined;
    }
  }
  const char = PUMP_CANDIDATES.find((c) => accepts(pattern, c));
  if (char === undefined) return undefined;
  const suffix = SUFFIX_CANDIDATES.find((c) => !accepts(pattern, `${char}${c}`) && c !== char) ?? '!';
  // Exponential blow-up shows at a few dozen characters; polynomial needs tens of thousands.
  const repeat = /exponential worst-case/.test(message) ? 40 : 50_000;
  return { code: `${quote(char)}.repeat(${repeat}) + ${quote(suffix)}`, pump };
}

/**
 * Gives a ReDoS finding of eslint-plugin-regexp the evidence a user acts on: the regex's line and
 * an attack string; exponential backtracking is high, polynomial medium (the rule's own wording
 * says which), quadratic-by-moving-start (`no-super-linear-move`) stays as mapped.
 */
export function describeRedos(finding: Finding, line: string | undefined): Finding {
  const attack = redosAttackString(finding.message);
  const exponential = /exponential worst-case/.test(finding.message);
  const regexLine = line === undefined ? '' : `regex at ${finding.evidence.replace(/^\S+ at /, '')}: ${line.trim().slice(0, 160)}; `;
  return {
    ...finding,
    ...(exponential && finding.severity !== 'low' ? { severity: 'high' as const } : {}),
    evidence: `${regexLine}${attack === undefined ? 'no single-character attack string found: see the rule message' : `attack string ${attack.code} (the repeated part matches /${attack.pump}/; unverified: the input must reach this regex)`} [${finding.rule}]`,
  };
}
