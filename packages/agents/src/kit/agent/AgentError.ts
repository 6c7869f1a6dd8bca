/** Why an agent could not do its job; every failed result carries one of these codes. */
export type AgentErrorCode =
  | 'TARGET_NOT_FOUND'
  | 'NO_PACKAGE_JSON'
  | 'SERVICE_START_FAILED'
  | 'TOOL_FAILED'
  | 'UNSUPPORTED_TARGET'
  | 'NON_LOOPBACK'
  | 'CATALOGUE_INVALID'
  | 'UNKNOWN_STRATEGY'
  | 'UNKNOWN_AGENT'
  | 'ABORTED'
  | 'BASELINE_INVALID'
  | 'INVALID_ARGUMENT';

/** The one error type of @qe-fleet/agents. `code` is stable; `message` says what to do about it. */
export class AgentError extends Error {
  override readonly name = 'AgentError';
  readonly code: AgentErrorCode;

  constructor(code: AgentErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }

  /** Wraps anything thrown by a tool into an AgentError, keeping AgentErrors as they are. */
  static from(error: unknown, code: AgentErrorCode = 'TOOL_FAILED'): AgentError {
    if (error instanceof AgentError) return error;
    const message = error instanceof Error ? error.message : String(error);
    return new AgentError(code, message, { cause: error });
  }
}
