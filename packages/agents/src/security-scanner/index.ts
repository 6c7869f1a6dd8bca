// The security-scanner agent: its core, strategies, checks and BaseAgent class.
export { SECURITY_SCAN_STRATEGIES, SecurityScanner } from './SecurityScanner.js';
export type { SecurityScanConfig, SecurityScannerOptions } from './SecurityScanner.js';
export { SecurityScannerAgent } from './SecurityScannerAgent.js';
export type { SecurityScannerAgentOptions } from './SecurityScannerAgent.js';
export { findSecuritySinks } from './findSecuritySinks.js';
export type { FindSecuritySinksOptions, SecuritySink } from './findSecuritySinks.js';
export { findSecrets, shannonEntropy } from './findSecrets.js';
export type { FindSecretsOptions, SecretMatch } from './findSecrets.js';
export { loadAdvisories, matchAdvisories, parseAdvisories, readLockedPackages } from './checkDependencies.js';
export type { Advisory, LockedPackage, VulnerableDependency } from './checkDependencies.js';
export { satisfiesRange } from './satisfiesRange.js';
export { runLiveProbes } from './runLiveProbes.js';
export type { LiveProbeOptions, ProbeHit } from './runLiveProbes.js';
