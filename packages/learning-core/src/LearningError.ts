/** What went wrong, machine-readable. */
export type LearningErrorCode =
  | 'INVALID_CONFIG'
  | 'INVALID_RESULT'
  | 'INVALID_TASK'
  | 'INVALID_STATE'
  | 'INVALID_PATTERN'
  | 'INVALID_STATISTICS'
  | 'UNKNOWN_STRATEGY'
  | 'NOT_INITIALIZED'
  | 'VERSION_NOT_FOUND'
  | 'TEST_NOT_FOUND'
  | 'INVALID_ABTEST'
  | 'INVALID_ARGUMENT';

/** Every bad input to the learning layer. The operation that throws it has written nothing. */
export class LearningError extends Error {
  override readonly name = 'LearningError';

  constructor(
    readonly code: LearningErrorCode,
    message: string,
  ) {
    super(message);
  }
}
