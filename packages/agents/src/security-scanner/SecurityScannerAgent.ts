import { PilotAgent } from '../kit/agent/PilotAgent.js';
import type { PilotAgentOptions } from '../kit/agent/PilotAgent.js';
import { SECURITY_SCANNER_PRIORS } from './priors.js';
import { SecurityScanner } from './SecurityScanner.js';
import type { SecurityScannerOptions } from './SecurityScanner.js';

/** Options of `SecurityScannerAgent`: BaseAgent's plus the core's. */
export interface SecurityScannerAgentOptions extends PilotAgentOptions {
  scanner?: SecurityScannerOptions;
}

/** The security-scanner agent: `SecurityScanner` behind the learning wrapper. */
export class SecurityScannerAgent extends PilotAgent {
  constructor({ scanner, ...options }: SecurityScannerAgentOptions) {
    super(new SecurityScanner(scanner), { ...options, strategyPriors: { ...SECURITY_SCANNER_PRIORS, ...options.strategyPriors } });
  }
}
