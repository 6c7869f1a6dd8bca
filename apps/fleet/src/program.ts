import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { type FleetConfig, loadConfig } from './config.js';
import { FleetError } from './FleetError.js';
import { type CliLogger, createLogger, type LogLevel } from './logger.js';
import { stripControl } from './render.js';

/** What a command can touch: streams, working directory, environment and a stop signal. */
export interface CliIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  /** Answers of interactive commands (`triage`); absent when there is no input to read. */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Aborted on Ctrl-C: long commands finish their current step, save, and return. */
  signal: AbortSignal;
  /**
   * Registers `cleanup` to run (synchronously) if the process is forced to exit, by a second
   * Ctrl-C: what must not outlive the CLI (a started service, a child process) is stopped there.
   * Returns the unregister function. Absent when the CLI runs in-process (tests).
   */
  onForceExit?: (cleanup: () => void) => () => void;
}

/** Global options every command sees (flags override the config file). */
export interface GlobalOptions {
  db: string;
  config?: string;
  json: boolean;
  logLevel: LogLevel;
  verbose: boolean;
}

/** Everything a command handler receives. */
export interface CommandContext {
  io: CliIO;
  options: GlobalOptions;
  config: FleetConfig;
  logger: CliLogger;
  /** Prints a result: JSON with `--json`, else the text. */
  print(text: string, json: unknown): void;
}

/** A sub-command module: adds itself to the program and reports its handler's exit code. */
export type CommandRegistrar = (program: Command, context: () => CommandContext, setExit: (code: number) => void) => void;

/** Default database location (seed 11.1). */
export const DEFAULT_DB = '.memory/qe-fleet.db';

/** This package's version (`package.json` is one folder above both `src/` and `dist/`). */
export const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** Database errors a user can act on (a corrupt, read-only, full or locked file): exit 2, like a bad --db. */
const USER_DATABASE_CODES = new Set(['DATABASE_CORRUPT', 'DATABASE_READONLY', 'DATABASE_FULL', 'DATABASE_BUSY', 'DATABASE_OPEN_FAILED', 'SCHEMA_TOO_NEW', 'SCHEMA_TOO_OLD']);

/** The `code` of an error from the fleet's packages (MemoryError, LearningError, FacadeError), if any. */
function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof Error && typeof code === 'string' ? code : undefined;
}

function contextFor(program: Command, io: CliIO): CommandContext {
  const raw = program.opts<{ db?: string; config?: string; json?: boolean; logLevel?: LogLevel; verbose?: boolean }>();
  const config = loadConfig(io.cwd, raw.config);
  const logLevel: LogLevel = raw.verbose ? 'debug' : (raw.logLevel ?? config.logLevel ?? 'silent');
  const options: GlobalOptions = {
    db: resolve(io.cwd, raw.db ?? config.db ?? DEFAULT_DB),
    json: raw.json ?? false,
    logLevel,
    verbose: raw.verbose ?? false,
    ...(raw.config === undefined ? {} : { config: raw.config }),
  };
  return {
    io,
    options,
    config,
    logger: createLogger(logLevel, io.stderr),
    print(text, json) {
      // JSON escapes control characters itself; text may carry stored strings to a terminal.
      io.stdout.write(options.json ? `${JSON.stringify(json, null, 2)}\n` : `${stripControl(text)}\n`);
    },
  };
}

/**
 * Runs the CLI with `argv` (without the node and script entries) and returns the exit code:
 * 0 success, 1 new findings at or above `--fail-on`, 2 bad usage or config, 3 internal error,
 * 4 an agent that applies to the target failed to run (see EXIT_CODES).
 */
export async function runCli(argv: string[], io: CliIO, registrars: CommandRegistrar[]): Promise<number> {
  const program = new Command('qe-fleet')
    .description('A self-improving fleet of quality-engineering agents.')
    .addOption(new Option('--db <path>', `SQLite database (default: ${DEFAULT_DB})`))
    .addOption(new Option('--config <file>', 'config file (default: ./qe-fleet.config.json when present)'))
    .addOption(new Option('--json', 'machine-readable output'))
    .addOption(new Option('--log-level <level>', 'log level').choices(['silent', 'error', 'warn', 'info', 'debug', 'trace']))
    .addOption(new Option('--verbose', 'detailed logs (same as --log-level debug)'))
    .version(VERSION, '-V, --version', 'print the version')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    });
  let exitCode = 0;
  let context: CommandContext | undefined;
  const getContext = () => (context ??= contextFor(program, io));
  for (const register of registrars) register(program, getContext, (code) => (exitCode = code));
  for (const command of program.commands) command.exitOverride().showHelpAfterError();

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof FleetError) {
      io.stderr.write(`qe-fleet: ${stripControl(error.message)}\n`);
      return error.exitCode;
    }
    const code = codeOf(error);
    if (code !== undefined && USER_DATABASE_CODES.has(code)) {
      io.stderr.write(`qe-fleet: database ${program.opts<{ db?: string }>().db ?? DEFAULT_DB}: ${stripControl((error as Error).message)} [${code}]\n`);
      return 2;
    }
    // One line; the stack only with --verbose (it is for a bug report, not for the user).
    const verbose = program.opts<{ verbose?: boolean }>().verbose === true;
    const detail = error instanceof Error ? (verbose ? (error.stack ?? error.message) : error.message) : String(error);
    io.stderr.write(`qe-fleet: internal error: ${stripControl(detail)}${code === undefined ? '' : ` [${code}]`}${verbose ? '' : ' (--verbose for details)'}\n`);
    return 3;
  }
}
