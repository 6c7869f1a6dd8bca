/** Why the CLI stopped; each code maps to one documented exit code. */
export type FleetErrorCode =
  | 'USAGE'
  | 'INVALID_CONFIG'
  | 'CONFIG_NOT_FOUND'
  | 'DATABASE'
  | 'TARGET'
  | 'NOT_FOUND'
  | 'FAIL_ON'
  | 'INTERRUPTED'
  | 'AGENT_FAILED'
  | 'INTERNAL';

/**
 * Exit codes of `qe-fleet`: 0 success, 1 new findings at or above `--fail-on`, 2 bad usage, config
 * or database, 3 internal error, 4 an agent that applies to the target failed to run, 130 interrupted.
 */
export const EXIT_CODES = {
  OK: 0,
  FINDINGS: 1,
  USAGE: 2,
  INTERNAL: 3,
  AGENT_FAILED: 4,
  INTERRUPTED: 130,
} as const;

const EXIT_BY_CODE: Record<FleetErrorCode, number> = {
  USAGE: EXIT_CODES.USAGE,
  INVALID_CONFIG: EXIT_CODES.USAGE,
  CONFIG_NOT_FOUND: EXIT_CODES.USAGE,
  DATABASE: EXIT_CODES.USAGE,
  TARGET: EXIT_CODES.USAGE,
  NOT_FOUND: EXIT_CODES.USAGE,
  FAIL_ON: EXIT_CODES.FINDINGS,
  INTERRUPTED: EXIT_CODES.INTERRUPTED,
  AGENT_FAILED: EXIT_CODES.AGENT_FAILED,
  INTERNAL: EXIT_CODES.INTERNAL,
};

/** The fleet app's one error type: a message meant for the user, a code, and the exit code it implies. */
export class FleetError extends Error {
  readonly code: FleetErrorCode;

  constructor(code: FleetErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FleetError';
    this.code = code;
  }

  /** The process exit code this error ends the CLI with. */
  get exitCode(): number {
    return EXIT_BY_CODE[this.code];
  }
}
