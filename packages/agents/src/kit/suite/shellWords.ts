/** A word of a shell command: its text as written (quotes kept, so globs stay as the author meant) and its value. */
export interface ShellWord {
  raw: string;
  value: string;
}

/** Splits `text` into the `&&`/`||`/`;`/`|`-separated commands of a package.json script (quotes respected). */
export function splitCommands(text: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"') current += text[i++] ?? '';
      current += c;
      continue;
    }
    if (c === "'" || c === '"') quote = c;
    if (c === '\\') {
      current += c + (text[++i] ?? '');
      continue;
    }
    if (c === ';' || c === '|' || (c === '&' && text[i + 1] === '&')) {
      parts.push(current.trim());
      current = '';
      if (text[i + 1] === c) i++;
      continue;
    }
    current += c;
  }
  parts.push(current.trim());
  return parts.filter((p) => p !== '');
}

/** Splits one command into words the way `sh` would (without expanding anything). */
export function shellWords(text: string): ShellWord[] {
  const words: ShellWord[] = [];
  let raw = '';
  let value = '';
  let quote: string | undefined;
  const flush = (): void => {
    if (raw !== '') words.push({ raw, value });
    raw = '';
    value = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote !== undefined) {
      raw += c;
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < text.length) {
        raw += text[++i];
        value += text[i];
      } else value += c;
      continue;
    }
    if (/\s/.test(c)) {
      flush();
      continue;
    }
    raw += c;
    if (c === "'" || c === '"') quote = c;
    else if (c === '\\' && i + 1 < text.length) {
      raw += text[++i];
      value += text[i];
    } else value += c;
  }
  flush();
  return words;
}

/** A value as one shell word (single-quoted unless it is plainly safe). */
export function quoteWord(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}

/** A word built from a value (quoted for the shell). */
export function word(value: string): ShellWord {
  return { raw: quoteWord(value), value };
}
