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

/**
 * The window of times callers may give (event, metric and OODA timestamps), in epoch ms: from the
 * epoch to the last millisecond of year 9999, the range `Date.prototype.toISOString` prints with
 * four digits. A time outside it would be stored and then break every page that prints it.
 */
export const TIMESTAMP_WINDOW = { min: 0, max: Date.UTC(9999, 11, 31, 23, 59, 59, 999) } as const;

/**
 * TTL bounds in seconds (besides 0 = never): below a millisecond a row would expire the moment it
 * is written (stored, never readable); above `max` its expiry would leave TIMESTAMP_WINDOW.
 */
export const TTL_BOUNDS = { min: 0.001, max: 1e10 } as const;

/** A TTL in seconds, 0 or within TTL_BOUNDS (`fallback` when undefined), or INVALID_TTL. */
export function checkTtl(ttl: unknown, fallback: number): number {
  if (ttl === undefined) return fallback;
  if (typeof ttl !== 'number' || !(ttl === 0 || (ttl >= TTL_BOUNDS.min && ttl <= TTL_BOUNDS.max))) {
    fail('INVALID_TTL', `ttl must be 0 (never expires) or a number of seconds from ${TTL_BOUNDS.min} to ${TTL_BOUNDS.max}`);
  }
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

/** An integer epoch-ms time inside TIMESTAMP_WINDOW (`fallback` when undefined), or INVALID_ARGUMENT. */
export function checkTime(value: unknown, what: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || (value as number) < TIMESTAMP_WINDOW.min || (value as number) > TIMESTAMP_WINDOW.max) {
    fail('INVALID_ARGUMENT', `${what} must be integer epoch milliseconds from ${TIMESTAMP_WINDOW.min} to ${TIMESTAMP_WINDOW.max} (year 9999)`);
  }
  return value as number;
}

/** An integer from 0 to 2^53 - 1 (`fallback` when undefined), or INVALID_ARGUMENT; SQLite refuses larger ones. */
export function checkLimit(value: unknown, what: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || (value as number) < 0) fail('INVALID_ARGUMENT', `${what} must be an integer from 0 to 2^53 - 1`);
  return value as number;
}

/** A non-empty string or undefined, or INVALID_ARGUMENT: ids stored as text must be text. */
export function checkOptionalText(value: unknown, what: string): string | undefined {
  return value === undefined ? undefined : checkText(value, what);
}

/**
 * The caller fields of an options object (`agentId`, `teamId`, `swarmId`: strings; `isSystem`:
 * boolean), or INVALID_ARGUMENT. A number or object there would reach the driver (a raw
 * RangeError) or be stored as text that names no agent.
 */
export function checkCaller(options: unknown): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null) fail('INVALID_ARGUMENT', 'options must be an object');
  const o = options as Record<string, unknown>;
  checkOptionalText(o.agentId, 'agentId');
  checkOptionalText(o.teamId, 'teamId');
  checkOptionalText(o.swarmId, 'swarmId');
  if (o.isSystem !== undefined && typeof o.isSystem !== 'boolean') fail('INVALID_ARGUMENT', 'isSystem must be a boolean');
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
