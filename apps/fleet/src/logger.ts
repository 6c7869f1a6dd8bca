import { createRequire } from 'node:module';
import type { Logger as PinoLogger } from 'pino';

/** Log levels the CLI accepts. */
export type LogLevel = 'silent' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/** What commands log through: pino's logging methods. */
export type CliLogger = Pick<PinoLogger, 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal'>;

const drop = (): void => {};
const SILENT: CliLogger = { trace: drop, debug: drop, info: drop, warn: drop, error: drop, fatal: drop };

/**
 * A pino logger writing JSON lines to stderr, so stdout stays the command's output. At `silent`
 * (the default) a logger that drops everything, without loading pino: its ~45 modules cost every
 * command about 30 ms of start-up for nothing.
 */
export function createLogger(level: LogLevel, destination: NodeJS.WritableStream = process.stderr): CliLogger {
  if (level === 'silent') return SILENT;
  const { pino } = createRequire(import.meta.url)('pino') as typeof import('pino');
  return pino({ level, base: undefined }, destination);
}
