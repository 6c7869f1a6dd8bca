// The accessibility-checker agent: axe-core in Chromium on every page and state reached.
export { ACCESSIBILITY_STRATEGIES, AccessibilityCheckerCore, WCAG_21_AA_TAGS } from './AccessibilityCheckerCore.js';
export type { AccessibilityCheckerOptions, AccessibilityConfig, AccessibilityReport } from './AccessibilityCheckerCore.js';
export { AXE_VERSION, auditStates, runAxe } from './runAxe.js';
export type { AxeViolation } from './runAxe.js';
export { AccessibilityCheckerAgent } from './AccessibilityCheckerAgent.js';
export type { AccessibilityCheckerAgentOptions } from './AccessibilityCheckerAgent.js';
