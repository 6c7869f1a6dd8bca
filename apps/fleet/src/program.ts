import { resolve } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { type FleetConfig, loadConfig } from './config.js';
import { FleetError } from './FleetError.js';
import { createLogger, type LogLevel } from './logger.js';

/** What a command can touch: streams, working directory, environment and a stop signal. */
export interface CliIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Aborted on Ctrl-C: long commands finish their current step, save, and return. */
  signal: AbortSignal;
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
  logger: ReturnType<typeof createLogger>;
  /** Prints a result: JSON with `--json`, else the text. */
  print(text: string, json: unknown): void;
}

/** A sub-command module: adds itself to the program and reports its handler's exit code. */
export type CommandRegistrar = (program: Command, context: () => CommandContext, setExit: (code: number) => void) => void;

/** Default database location (seed 11.1). */
export const DEFAULT_DB = '.memory/qe-fleet.db';

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
      io.stdout.write(options.json ? `${JSON.stringify(json, null, 2)}\n` : `${text}\n`);
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
      io.stderr.write(`qe-fleet: ${error.message}\n`);
      return error.exitCode;
    }
    io.stderr.write(`qe-fleet: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 3;
  }
}
