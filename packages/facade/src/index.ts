export { BaseAgent, LEARNING_METRICS } from './BaseAgent.js';
export type { AgentMetrics } from './BaseAgent.js';
export { FacadeError } from './FacadeError.js';
export type { FacadeErrorCode, FacadeErrorContext } from './FacadeError.js';
export { generateLearningDashboard } from './generateLearningDashboard.js';
export { initializeLearningFleet } from './initializeLearningFleet.js';
export { LearningFleet } from './LearningFleet.js';
export { OverheadHistogram } from './OverheadHistogram.js';
export type { OverheadHistogramOptions } from './OverheadHistogram.js';
export { systemScheduler } from './systemScheduler.js';
export type {
  AgentEvents,
  BaseAgentOptions,
  ExecutedTaskResult,
  FeedbackContext,
  LearningEngineFactory,
  LearningDashboard,
  OverheadSummary,
  Scheduler,
  StrategyChoice,
  Task,
  TaskResult,
} from './types.js';
