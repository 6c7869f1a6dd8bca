/** What went wrong, machine-readable. */
export type AgentDBErrorCode =
  | 'INVALID_OPTIONS'
  | 'INVALID_EMBEDDING'
  | 'INVALID_PATTERN'
  | 'INVALID_QUERY'
  | 'INVALID_EXPERIENCES'
  | 'LEARNING_DISABLED'
  | 'REASONING_DISABLED'
  | 'CLOSED'
  | 'MODEL_NOT_FOUND'
  | 'STORAGE_ERROR';

/**
 * Every bad input to the adapter, its algorithms and its evaluator. The operation that throws it
 * has written nothing: validation always runs before the first write.
 */
export class AgentDBError extends Error {
  override readonly name = 'AgentDBError';

  constructor(
    readonly code: AgentDBErrorCode,
    message: string,
  ) {
    super(message);
  }
}
