import { CodeReviewer } from './CodeReviewer.js';
import type { CodeReviewerOptions } from './CodeReviewer.js';
import { PilotAgent } from '../kit/agent/PilotAgent.js';
import type { PilotAgentOptions } from '../kit/agent/PilotAgent.js';
import { CODE_REVIEWER_PRIORS } from './priors.js';

/** Options of `CodeReviewerAgent`: BaseAgent's plus the core's. */
export interface CodeReviewerAgentOptions extends PilotAgentOptions {
  reviewer?: CodeReviewerOptions;
}

/** The code-reviewer agent: `CodeReviewer` behind the learning wrapper; it learns which strategy pays. */
export class CodeReviewerAgent extends PilotAgent {
  constructor({ reviewer, ...options }: CodeReviewerAgentOptions) {
    super(new CodeReviewer(reviewer), { ...options, strategyPriors: { ...CODE_REVIEWER_PRIORS, ...options.strategyPriors } });
  }
}
