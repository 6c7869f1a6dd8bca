import { AccessibilityCheckerCore } from './AccessibilityCheckerCore.js';
import type { AccessibilityCheckerOptions } from './AccessibilityCheckerCore.js';
import { INDEPENDENT_RUNS_LEARNING, PilotAgent } from '../kit/agent/PilotAgent.js';
import type { PilotAgentOptions } from '../kit/agent/PilotAgent.js';
import { ACCESSIBILITY_CHECKER_PRIORS } from './priors.js';

/** Options of `AccessibilityCheckerAgent`: BaseAgent's plus the core's. */
export interface AccessibilityCheckerAgentOptions extends PilotAgentOptions {
  checker?: AccessibilityCheckerOptions;
}

/** The accessibility-checker agent: `AccessibilityCheckerCore` behind the learning wrapper. */
export class AccessibilityCheckerAgent extends PilotAgent {
  constructor({ checker, ...options }: AccessibilityCheckerAgentOptions) {
    super(new AccessibilityCheckerCore(checker), { ...options, strategyPriors: { ...ACCESSIBILITY_CHECKER_PRIORS, ...options.strategyPriors }, learning: { ...INDEPENDENT_RUNS_LEARNING, ...options.learning } });
  }
}
