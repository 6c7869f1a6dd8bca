/** Input checks shared by the manager's operations: each throws a MemoryError with a code. */
import { MemoryError } from './MemoryError.js';

/** The partition used when none is given. */
const DEFAULT_PARTITION = 'default';
/** What a partition name may look like. */
const PARTITION_PATTERN = /^[A-Za-z0-9_\-.:/]{1,128}$/;
/** Longest key (and pattern), in UTF-8 bytes. */
const MAX_KEY_BYTES = 1024;

/** Throws a MemoryError; typed `never` so checks narrow. */
export function fail(code: MemoryError['code'], message: string): never {
  throw new MemoryError(code, message);
}

/** A non-empty string of at most 1 KiB (UTF-8), or INVALID_KEY. */
export function checkKey(key: unknown, what = 'key'): string {
  if (typeof key !== 'string' || key.length === 0) fail('INVALID_KEY', `${what} must be a non-empty string`);
  // A UTF-16 unit is at most 3 UTF-8 bytes, so short keys skip the byte count.
  if (key.length * 3 > MAX_KEY_BYTES && Buffer.byteLength(key) > MAX_KEY_BYTES) {
    fail('INVALID_KEY', `${what} is longer than ${MAX_KEY_BYTES} bytes`);
  }
  return key;
}

/** Partitions already validated; a fleet uses a handful, so the hot paths skip the regex. */
const knownPartitions = new Set<unknown>([DEFAULT_PARTITION]);
const MAX_KNOWN_PARTITIONS = 1024;

/** A valid partition name (default when undefined), or INVALID_PARTITION. */
export function checkPartition(partition: unknown): string {
  if (partition === undefined) return DEFAULT_PARTITION;
  if (knownPartitions.has(partition)) return partition as string;
  if (typeof partition !== 'string' || !PARTITION_PATTERN.test(partition)) {
    fail('INVALID_PARTITION', 'partition must be 1-128 letters, digits or _ - . : /');
  }
  if (knownPartitions.size < MAX_KNOWN_PARTITIONS) knownPartitions.add(partition);
  return partition;
}

/** A finite TTL in seconds >= 0 (`fallback` when undefined), or INVALID_TTL. */
export function checkTtl(ttl: unknown, fallback: number): number {
  if (ttl === undefined) return fallback;
  if (typeof ttl !== 'number' || !Number.isFinite(ttl) || ttl < 0) fail('INVALID_TTL', 'ttl must be a finite number of seconds >= 0');
  return ttl;
}

/** Expiry time of a row written at `now` with `ttl` seconds; null = never. */
export function expiresAt(now: number, ttl: number): number | null {
  return ttl === 0 ? null : now + Math.round(ttl * 1000);
}

/** A non-empty string, or INVALID_ARGUMENT. */
export function checkText(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.length === 0) fail('INVALID_ARGUMENT', `${what} must be a non-empty string`);
  return value;
}

/** A finite number in [min, max], or INVALID_ARGUMENT. */
export function checkNumber(value: unknown, what: string, min = -Infinity, max = Infinity): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    fail('INVALID_ARGUMENT', `${what} must be a finite number in [${min}, ${max}]`);
  }
  return value;
}

/** An epoch-ms time (`fallback` when undefined), or INVALID_ARGUMENT. */
export function checkTime(value: unknown, what: string, fallback: number): number {
  return value === undefined ? fallback : checkNumber(value, what);
}

/** An integer >= 0 (`fallback` when undefined), or INVALID_ARGUMENT. */
export function checkLimit(value: unknown, what: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || (value as number) < 0) fail('INVALID_ARGUMENT', `${what} must be an integer >= 0`);
  return value as number;
}

/** A non-null object, or INVALID_ARGUMENT. */
export function checkObject<T extends object>(value: T, what: string): T {
  if (typeof value !== 'object' || value === null) fail('INVALID_ARGUMENT', `${what} must be an object`);
  return value;
}

/** One of `allowed`, or INVALID_ARGUMENT. */
export function checkOneOf<T extends string>(value: unknown, allowed: ReadonlySet<string>, what: string): T {
  if (typeof value !== 'string' || !allowed.has(value)) fail('INVALID_ARGUMENT', `${what} must be one of ${[...allowed].join(', ')}`);
  return value as T;
}

/** An array of strings, or INVALID_ARGUMENT. */
export function checkStrings(value: unknown, what: string): string[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) fail('INVALID_ARGUMENT', `${what} must be an array of strings`);
  return value as string[];
}

/** `%`/`_` (the seed's LIKE patterns) to a GLOB, which is case-sensitive like keys are. */
export function likeToGlob(pattern: string): string {
  let glob = '';
  for (const ch of pattern) {
    if (ch === '%') glob += '*';
    else if (ch === '_') glob += '?';
    else if (ch === '*' || ch === '?' || ch === '[') glob += `[${ch}]`;
    else glob += ch;
  }
  return glob;
}
