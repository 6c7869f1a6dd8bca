/**
 * JSON codec for stored values. Plain JSON (the common case) goes straight through
 * `JSON.stringify`; anything JSON would lose is written as a tagged object `{ "$t": tag, "v": ... }`
 * so it comes back as it went in: `Date`, `Map`, `Set`, NaN / ±Infinity / -0, `undefined` array
 * items, and user objects that happen to own a `$t` key. Values JSON cannot represent at all
 * (functions, symbols, BigInt, circular objects) are refused with a MemoryError.
 */
import { MemoryError } from './MemoryError.js';

const TAG = '$t';
const TAG_MARK = '"$t"';
/** Past this depth the fast path hands over to the encoder, which detects cycles. */
const FAST_PATH_MAX_DEPTH = 64;

type Tagged = { $t: string; v?: unknown };

function isPlainJson(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0);
    case 'object': {
      if (value === null) return true;
      if (depth > FAST_PATH_MAX_DEPTH) return false;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) if (!isPlainJson(value[i], depth + 1)) return false;
        return true;
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return false;
      for (const key in value) {
        if (key === TAG || !isPlainJson((value as Record<string, unknown>)[key], depth + 1)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

function invalid(what: string, reason: string): MemoryError {
  return new MemoryError('INVALID_VALUE', `${what} cannot be stored: ${reason}`);
}

function encodeNumber(n: number): number | Tagged {
  if (Number.isFinite(n) && !Object.is(n, -0)) return n;
  return { $t: 'num', v: Object.is(n, -0) ? '-0' : String(n) };
}

function encodeTree(value: unknown, ancestors: object[], what: string): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return encodeNumber(value);
    case 'undefined':
      return { $t: 'undef' };
    case 'object':
      break;
    default:
      throw invalid(what, `it contains a ${typeof value}`);
  }
  if (value === null) return null;
  if (ancestors.includes(value)) throw invalid(what, 'it is circular');
  ancestors.push(value);
  try {
    if (value instanceof Date) return { $t: 'Date', v: encodeNumber(value.getTime()) };
    if (Array.isArray(value)) {
      const out = new Array<unknown>(value.length);
      for (let i = 0; i < value.length; i++) out[i] = encodeTree(value[i], ancestors, what);
      return out;
    }
    if (value instanceof Map) {
      return { $t: 'Map', v: [...value].map(([k, v]) => [encodeTree(k, ancestors, what), encodeTree(v, ancestors, what)]) };
    }
    if (value instanceof Set) return { $t: 'Set', v: [...value].map((v) => encodeTree(v, ancestors, what)) };
    const proto: unknown = Object.getPrototypeOf(value);
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (proto !== Object.prototype && proto !== null && typeof toJSON === 'function') {
      return encodeTree(toJSON.call(value), ancestors, what);
    }
    const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    for (const key of Object.keys(value)) {
      const item = (value as Record<string, unknown>)[key];
      // JSON semantics: an undefined property is absent.
      if (item !== undefined) out[key] = encodeTree(item, ancestors, what);
    }
    return TAG in out ? { $t: 'Object', v: out } : out;
  } finally {
    ancestors.pop();
  }
}

/** Serialises `value` for storage; throws MemoryError `INVALID_VALUE` for what cannot round-trip. */
export function encodeValue(value: unknown, what = 'value'): string {
  if (isPlainJson(value, 0)) return JSON.stringify(value);
  if (value === undefined) throw invalid(what, 'it is undefined');
  try {
    return JSON.stringify(encodeTree(value, [], what));
  } catch (error) {
    if (error instanceof MemoryError) throw error;
    throw invalid(what, error instanceof RangeError ? 'it is nested too deeply' : String(error));
  }
}

function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  // A parsed "__proto__" key is an own property; plain assignment would swap the prototype.
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

function revive(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = revive(value[i]);
    return value;
  }
  const record = value as Record<string, unknown>;
  if (Object.hasOwn(record, TAG)) {
    const inner = record.v;
    switch (record[TAG]) {
      case 'Date':
        return new Date(revive(inner) as number);
      case 'num':
        return Number(inner);
      case 'undef':
        return undefined;
      case 'Map':
        return new Map((inner as [unknown, unknown][]).map(([k, v]) => [revive(k), revive(v)]));
      case 'Set':
        return new Set((inner as unknown[]).map(revive));
      case 'Object':
        return reviveObject(inner as Record<string, unknown>);
      default:
        break;
    }
  }
  return reviveObject(record);
}

function reviveObject(record: Record<string, unknown>): Record<string, unknown> {
  for (const key of Object.keys(record)) setOwn(record, key, revive(record[key]));
  return record;
}

/** Reverses `encodeValue`. */
export function decodeValue(text: string): unknown {
  const parsed: unknown = JSON.parse(text);
  return text.includes(TAG_MARK) ? revive(parsed) : parsed;
}

/** `decodeValue` for nullable columns. */
export function decodeNullable(text: string | null): unknown {
  return text === null ? null : decodeValue(text);
}
