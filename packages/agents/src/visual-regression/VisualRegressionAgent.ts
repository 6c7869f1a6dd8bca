import { VisualRegressionCore } from './VisualRegressionCore.js';
import type { VisualRegressionOptions } from './VisualRegressionCore.js';
import { INDEPENDENT_RUNS_LEARNING, PilotAgent } from '../kit/agent/PilotAgent.js';
import type { PilotAgentOptions } from '../kit/agent/PilotAgent.js';
import { VISUAL_REGRESSION_PRIORS } from './priors.js';

/** Options of `VisualRegressionAgent`: BaseAgent's plus the core's. */
export interface VisualRegressionAgentOptions extends PilotAgentOptions {
  visual?: VisualRegressionOptions;
}

/** The visual-regression agent: `VisualRegressionCore` behind the learning wrapper. */
export class VisualRegressionAgent extends PilotAgent {
  constructor({ visual, ...options }: VisualRegressionAgentOptions) {
    super(new VisualRegressionCore(visual), { ...options, strategyPriors: { ...VISUAL_REGRESSION_PRIORS, ...options.strategyPriors }, learning: { ...INDEPENDENT_RUNS_LEARNING, ...options.learning } });
  }
}
