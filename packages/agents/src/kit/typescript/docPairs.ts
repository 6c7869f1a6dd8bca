// Examples a doc comment states, in the forms READMEs and JSDoc use, read as JSON-like literals.
const QUOTED = String.raw`("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|-?\d+(?:\.\d+)?)`;
/** An output may also be a JSON keyword (`isIP('1.1.1.1'); //=> true`). */
const OUTPUT = String.raw`("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|-?\d+(?:\.\d+)?|true|false|null)`;
/** `"in" becomes "out"`, `'in' → 'out'`, `f("in") === "out"`, `f(3) returns 4`, `f('x');\n//=> true` and the like. */
const DOC_PAIRS = [
  new RegExp(`${QUOTED}\\s*(?:becomes|turns into|gives|yields|maps to|→|->|=>)\\s*${QUOTED}`, 'g'),
  new RegExp(`(\\w+)\\(${QUOTED}\\);?\\s*(?:===?|returns|is|→|->|=>|//\\s*=>)\\s*${OUTPUT}`, 'g'),
];

/**
 * Input/output pairs a doc comment states for a one-argument function: `"in" becomes "out"`, or a
 * call of `fnName` (of any function when it is not given) with its result.
 */
export function docPairs(doc: string, fnName?: string): Array<{ input: unknown; output: unknown; source: string }> {
  const out: Array<{ input: unknown; output: unknown; source: string }> = [];
  for (const match of doc.matchAll(DOC_PAIRS[0] as RegExp)) {
    const input = literal(match[1]);
    const output = literal(match[2]);
    if (input !== undefined && output !== undefined) out.push({ input, output, source: match[0] });
  }
  for (const match of doc.matchAll(DOC_PAIRS[1] as RegExp)) {
    if (fnName !== undefined && match[1] !== fnName) continue;
    const input = literal(match[2]);
    const output = literal(match[3]);
    if (input !== undefined && output !== undefined) out.push({ input, output, source: match[0] });
  }
  return out;
}

/** A quoted string (single or double quotes), a number or a JSON keyword as its value; undefined if it is none. */
function literal(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  if (/^-?\d/.test(text)) return Number(text);
  try {
    return JSON.parse(text.startsWith("'") ? `"${text.slice(1, -1).replaceAll('"', '\\"')}"` : text) as unknown;
  } catch {
    return undefined;
  }
}
