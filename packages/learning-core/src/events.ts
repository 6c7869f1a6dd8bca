/**
 * Event types of the learning layer: every seed 5.1 type plus pattern sharing and rollback. Events
 * are stored with `memory.storeEvent` (which also announces them on the memory bus) for 30 days.
 */
export const LearningEventType = {
  TRAINING: 'learning:training',
  IMPROVEMENT: 'learning:improvement',
  PATTERN_DISCOVERED: 'learning:pattern_discovered',
  STRATEGY_CHANGED: 'learning:strategy_changed',
  ABTEST_STARTED: 'learning:abtest_started',
  ABTEST_COMPLETED: 'learning:abtest_completed',
  FAILURE_DETECTED: 'learning:failure_detected',
  PATTERN_SHARED: 'learning:pattern_shared',
  ROLLBACK: 'learning:rollback',
} as const;

/** One of the `LearningEventType` values. */
export type LearningEventType = (typeof LearningEventType)[keyof typeof LearningEventType];

/** Seconds a learning event is kept (seed 2.2: 30 days). */
export const LEARNING_EVENT_TTL = 30 * 24 * 3600;
