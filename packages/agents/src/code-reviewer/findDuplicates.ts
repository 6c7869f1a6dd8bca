import ts from '../kit/typescript/ts.js';

/** Options of `findDuplicates`. */
export interface FindDuplicatesOptions {
  /** Tokens a repeated run must span to count (jscpd's default is 50). */
  minTokens: number;
  /** Lines a repeated run must span, so long one-liners (imports, tables) do not count. */
  minLines: number;
  /**
   * What counts as the same token: `exact` text; `literals` = string/number literals are
   * interchangeable; `identifiers` = names too (catches copy-paste with renames, and more noise).
   */
  normalize: 'exact' | 'literals' | 'identifiers';
}

/** One repeated region: `first` is where it appears first, `second` a later copy. */
export interface Duplicate {
  first: { file: string; line: number; endLine: number };
  second: { file: string; line: number; endLine: number };
  tokens: number;
}

interface Token {
  text: string;
  line: number;
}

function tokenize(source: string, normalize: FindDuplicatesOptions['normalize']): Token[] {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, true, ts.LanguageVariant.Standard, source);
  const lineStarts = [0];
  for (let i = source.indexOf('\n'); i !== -1; i = source.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const lineOf = (pos: number): number => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  const tokens: Token[] = [];
  for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
    let text = scanner.getTokenText();
    if (normalize !== 'exact' && (kind === ts.SyntaxKind.StringLiteral || kind === ts.SyntaxKind.NumericLiteral || kind === ts.SyntaxKind.NoSubstitutionTemplateLiteral)) text = '$lit';
    else if (normalize === 'identifiers' && kind === ts.SyntaxKind.Identifier) text = '$id';
    tokens.push({ text, line: lineOf(scanner.getTokenStart()) });
  }
  return tokens;
}

/**
 * Finds code repeated within and across files, jscpd-style: every window of `minTokens` tokens
 * (from the TypeScript scanner, so comments and layout do not matter) is hashed; a window seen
 * before starts a clone that is extended while the tokens keep matching, and reported once per
 * pair of regions. Windows starting inside an already reported clone are skipped, so one copied
 * function gives one duplicate, not one per token.
 */
export function findDuplicates(files: ReadonlyMap<string, string>, options: FindDuplicatesOptions): Duplicate[] {
  const { minTokens, minLines, normalize } = options;
  const tokenized = new Map<string, Token[]>();
  for (const [file, source] of files) tokenized.set(file, tokenize(source, normalize));
  const seen = new Map<string, { file: string; index: number }>();
  const duplicates: Duplicate[] = [];
  for (const [file, tokens] of tokenized) {
    let skipUntil = -1;
    for (let i = 0; i + minTokens <= tokens.length; i++) {
      const key = tokens
        .slice(i, i + minTokens)
        .map((t) => t.text)
        .join('\u0000');
      const earlier = seen.get(key);
      if (earlier === undefined) {
        seen.set(key, { file, index: i });
        continue;
      }
      if (i < skipUntil) continue;
      const other = tokenized.get(earlier.file)!;
      // Overlapping windows of one region (a run of repeated tokens) are not a copy.
      if (earlier.file === file && earlier.index + minTokens > i) continue;
      let length = minTokens;
      while (
        i + length < tokens.length &&
        earlier.index + length < other.length &&
        !(earlier.file === file && earlier.index + length >= i) &&
        tokens[i + length]!.text === other[earlier.index + length]!.text
      ) {
        length++;
      }
      skipUntil = i + length;
      const firstStart = other[earlier.index]!.line;
      const firstEnd = other[earlier.index + length - 1]!.line;
      const secondStart = tokens[i]!.line;
      const secondEnd = tokens[i + length - 1]!.line;
      if (secondEnd - secondStart + 1 < minLines) continue;
      duplicates.push({
        first: { file: earlier.file, line: firstStart, endLine: firstEnd },
        second: { file, line: secondStart, endLine: secondEnd },
        tokens: length,
      });
    }
  }
  return duplicates;
}
