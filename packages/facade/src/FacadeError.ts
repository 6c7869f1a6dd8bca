/** Codes of `FacadeError`. */
export type FacadeErrorCode =
  | 'INVALID_OPTIONS'
  | 'INVALID_TASK'
  | 'NOT_INITIALIZED'
  | 'SHUT_DOWN'
  | 'NO_STRATEGIES'
  | 'UNKNOWN_STRATEGY'
  | 'TASK_FAILED'
  | 'TASK_TIMEOUT'
  | 'LEARNING_FAILED'
  | 'FLEET_INIT_FAILED'
  | 'FLEET_SHUTDOWN_FAILED'
  | 'STATE_UNREADABLE';

/** Where a task error happened, so a caller can tell which agent, task and strategy failed. */
export interface FacadeErrorContext {
  agentId?: string;
  taskId?: string;
  strategy?: string;
}

/** Every error of @qe-fleet/facade. The original error, if any, is `cause`. */
export class FacadeError extends Error {
  override readonly name = 'FacadeError';
  readonly code: FacadeErrorCode;
  readonly agentId: string | undefined;
  readonly taskId: string | undefined;
  readonly strategy: string | undefined;

  constructor(code: FacadeErrorCode, message: string, context: FacadeErrorContext & { cause?: unknown } = {}) {
    super(message, context.cause === undefined ? undefined : { cause: context.cause });
    this.code = code;
    this.agentId = context.agentId;
    this.taskId = context.taskId;
    this.strategy = context.strategy;
  }
}
