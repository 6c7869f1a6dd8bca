/** Stryker `mutate` line ranges (`src/a.ts:3-9`) covering `file:line` keys, neighbouring lines merged. */
export function mutateRanges(keys: readonly string[]): string[] {
  const byFile = new Map<string, Set<number>>();
  for (const key of keys) {
    const at = key.lastIndexOf(':');
    const line = Number(key.slice(at + 1));
    if (at <= 0 || !Number.isInteger(line)) continue;
    const file = key.slice(0, at);
    byFile.set(file, (byFile.get(file) ?? new Set()).add(line));
  }
  const out: string[] = [];
  for (const [file, set] of [...byFile].sort(([a], [b]) => a.localeCompare(b))) {
    const lines = [...set].sort((a, b) => a - b);
    let start = lines[0]!;
    let end = start;
    for (const line of lines.slice(1)) {
      // One skipped line (a brace, a comment) does not split a range.
      if (line <= end + 2) end = line;
      else {
        out.push(`${file}:${start}-${end}`);
        start = end = line;
      }
    }
    out.push(`${file}:${start}-${end}`);
  }
  return out;
}
