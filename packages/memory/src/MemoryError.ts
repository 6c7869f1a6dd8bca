/** Why a memory operation failed; stable strings the CLI and other layers can switch on. */
export type MemoryErrorCode =
  | 'INVALID_KEY'
  | 'INVALID_PARTITION'
  | 'INVALID_VALUE'
  | 'INVALID_TTL'
  | 'INVALID_ARGUMENT'
  | 'NOT_FOUND'
  | 'NOT_INITIALIZED'
  | 'CLOSED'
  | 'ACCESS_DENIED'
  | 'SCHEMA_TOO_NEW'
  | 'SCHEMA_TOO_OLD'
  | 'MIGRATION_FAILED'
  | 'DATABASE_CORRUPT'
  | 'DATABASE_READONLY'
  | 'DATABASE_BUSY'
  | 'DATABASE_FULL'
  | 'DATABASE_OPEN_FAILED'
  | 'DATABASE_ERROR';

/** The one error type of @qe-fleet/memory; `code` says what went wrong. */
export class MemoryError extends Error {
  override name = 'MemoryError';
  readonly code: MemoryErrorCode;

  constructor(code: MemoryErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** A named caller lacks a permission. The message names the key, never the value. */
export class AccessDeniedError extends MemoryError {
  override name = 'AccessDeniedError';

  constructor(message: string) {
    super('ACCESS_DENIED', message);
  }
}

const SQLITE_CODES: ReadonlyArray<[prefix: string, code: MemoryErrorCode, hint: string]> = [
  ['SQLITE_NOTADB', 'DATABASE_CORRUPT', 'the file is not a SQLite database'],
  ['SQLITE_CORRUPT', 'DATABASE_CORRUPT', 'the database file is corrupt'],
  ['SQLITE_READONLY', 'DATABASE_READONLY', 'the database is read-only'],
  ['SQLITE_BUSY', 'DATABASE_BUSY', 'the database stayed locked by another connection'],
  ['SQLITE_LOCKED', 'DATABASE_BUSY', 'the database stayed locked by another connection'],
  ['SQLITE_FULL', 'DATABASE_FULL', 'the disk or database is full'],
  ['SQLITE_CANTOPEN', 'DATABASE_OPEN_FAILED', 'the database file cannot be opened'],
  ['SQLITE_PERM', 'DATABASE_READONLY', 'no permission to write the database'],
  ['SQLITE_IOERR', 'DATABASE_ERROR', 'an I/O error occurred'],
];

/**
 * Turns whatever a SQLite call threw into a MemoryError (a MemoryError passes through), so callers
 * see one error type with a code instead of a driver stack trace. Drizzle wraps driver errors, so
 * the cause chain is searched for the SQLite code.
 */
export function toMemoryError(error: unknown, context: string): MemoryError {
  if (error instanceof MemoryError) return error;
  let sqliteCode: string | undefined;
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('SQLITE_')) {
      sqliteCode = code;
      break;
    }
  }
  const message = error instanceof Error ? error.message : String(error);
  const match = sqliteCode === undefined ? undefined : SQLITE_CODES.find(([prefix]) => sqliteCode.startsWith(prefix));
  if (match) return new MemoryError(match[1], `${context}: ${match[2]} (${sqliteCode}: ${message})`, { cause: error });
  return new MemoryError('DATABASE_ERROR', `${context}: ${message}`, { cause: error });
}
