import { pino, type Logger as PinoLogger } from 'pino';

/** Log levels the CLI accepts. */
export type LogLevel = 'silent' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/** A pino logger writing JSON lines to stderr, so stdout stays the command's output. */
export function createLogger(level: LogLevel, destination: NodeJS.WritableStream = process.stderr): PinoLogger {
  return pino({ level, base: undefined }, destination);
}
