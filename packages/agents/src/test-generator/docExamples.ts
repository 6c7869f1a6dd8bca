/** `"input" becomes "output"`, `'in' → 'out'`, `f("in") === "out"` and the like in a doc comment. */
const QUOTED = String.raw`("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|-?\d+(?:\.\d+)?)`;
const DOC_EXAMPLES = [
  new RegExp(`${QUOTED}\\s*(?:becomes|turns into|gives|yields|maps to|→|->|=>)\\s*${QUOTED}`, 'g'),
  new RegExp(`\\w+\\(${QUOTED}\\)\\s*(?:===?|returns|→|->|=>|//\\s*=>)\\s*${QUOTED}`, 'g'),
];

/** Input/output pairs a unary function's doc comment states (see DOC_EXAMPLES). */
export function docExamples(doc: string): Array<[unknown, unknown]> {
  const out: Array<[unknown, unknown]> = [];
  for (const pattern of DOC_EXAMPLES) {
    for (const match of doc.matchAll(pattern)) {
      const input = literal(match[1]);
      const output = literal(match[2]);
      if (input !== undefined && output !== undefined) out.push([input, output]);
    }
  }
  return out;
}

function literal(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  if (/^-?\d/.test(text)) return Number(text);
  try {
    return JSON.parse(text.startsWith("'") ? `"${text.slice(1, -1).replaceAll('"', '\\"')}"` : text) as unknown;
  } catch {
    return undefined;
  }
}

