// The code-reviewer agent: its core, strategies, checks and BaseAgent class.
export { CODE_REVIEW_STRATEGIES, CodeReviewer } from './CodeReviewer.js';
export type { CodeReviewConfig, CodeReviewerOptions } from './CodeReviewer.js';
export { CodeReviewerAgent } from './CodeReviewerAgent.js';
export type { CodeReviewerAgentOptions } from './CodeReviewerAgent.js';
export { findDuplicates } from './findDuplicates.js';
export type { Duplicate, FindDuplicatesOptions } from './findDuplicates.js';
export { findUnawaitedCalls } from './findUnawaitedCalls.js';
export type { UnawaitedCall } from './findUnawaitedCalls.js';
