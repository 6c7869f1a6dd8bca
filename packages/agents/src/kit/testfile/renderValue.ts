/**
 * JavaScript source of a value a test compares with: JSON values plus what JSON cannot say
 * (`undefined`, `NaN`, `±Infinity`, `-0`, bigints, dates, sparse-free arrays, `Map`/`Set`).
 * Throws for what a literal cannot reproduce (functions, symbols, class instances, cycles).
 */
export function renderValue(value: unknown, quote: '"' | "'" = "'", seen: Set<object> = new Set()): string {
  switch (typeof value) {
    case 'undefined':
      return 'undefined';
    case 'boolean':
      return String(value);
    case 'number':
      if (Object.is(value, -0)) return '-0';
      if (Number.isNaN(value)) return 'NaN';
      if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
      return String(value);
    case 'bigint':
      return `${value}n`;
    case 'string':
      return quoteString(value, quote);
    case 'object':
      break;
    default:
      throw new TypeError(`cannot write a ${typeof value} as a literal`);
  }
  if (value === null) return 'null';
  if (seen.has(value)) throw new TypeError('cannot write a cyclic value as a literal');
  seen.add(value);
  try {
    if (Array.isArray(value)) return `[${value.map((v) => renderValue(v, quote, seen)).join(', ')}]`;
    if (value instanceof Date) return `new Date(${Number.isNaN(value.getTime()) ? 'NaN' : quoteString(value.toISOString(), quote)})`;
    if (value instanceof Map) return `new Map([${[...value].map(([k, v]) => `[${renderValue(k, quote, seen)}, ${renderValue(v, quote, seen)}]`).join(', ')}])`;
    if (value instanceof Set) return `new Set([${[...value].map((v) => renderValue(v, quote, seen)).join(', ')}])`;
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto !== Object.prototype && proto !== null) throw new TypeError(`cannot write an instance of ${(value as object).constructor?.name ?? 'a class'} as a literal`);
    const entries = Object.entries(value).map(([k, v]) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : quoteString(k, quote)}: ${renderValue(v, quote, seen)}`);
    return entries.length === 0 ? '{}' : `{ ${entries.join(', ')} }`;
  } finally {
    seen.delete(value);
  }
}

/** A string literal in the given quote, escaping what must be (control characters, line separators, lone surrogates). */
export function quoteString(text: string, quote: '"' | "'" = "'"): string {
  const json = JSON.stringify(text).slice(1, -1).replaceAll('\u2028', '\\u2028').replaceAll('\u2029', '\\u2029');
  return quote === '"' ? `"${json}"` : `'${json.replaceAll('\\"', '"').replaceAll("'", "\\'")}'`;
}
