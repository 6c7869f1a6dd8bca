// `@qe-fleet/agents/host`: what a program that runs agents needs (the registry, the target and its
// service, the findings report and its formats), without loading any agent or its tools. The main
// entry imports all seventeen agents and everything they use (TypeScript, ESLint, Stryker, faker…),
// about 2 s of CPU at start-up; through this entry an agent's module loads when
// `createPilotAgents` asks for it.
export { AGENT_IDS, createPilotAgents } from './registry.js';
export { findStrategy } from './kit/agent/AgentCore.js';
export { AgentError } from './kit/agent/AgentError.js';
export { createBaseline, loadBaseline, saveBaseline } from './kit/findings/Baseline.js';
export { isVerified } from './kit/findings/Finding.js';
export { countBySeverity, locationLabel, ruleOf, severityRank } from './kit/findings/ReportedFinding.js';
export { buildFindingsReport } from './kit/findings/buildFindingsReport.js';
export { fingerprintFindings, sourceReader } from './kit/findings/fingerprintFindings.js';
export { FINDINGS_FORMATS, formatFindings } from './kit/findings/formatFindings.js';
export { formatTable } from './kit/findings/formatTable.js';
export { TargetService } from './kit/service/TargetService.js';
export { assertLoopback } from './kit/service/assertLoopback.js';
export { openTarget } from './kit/target/Target.js';
export { hashTargetInputs } from './kit/target/hashTargetInputs.js';

export type { AgentId, AgentSettings, CreatePilotAgentsOptions } from './registry.js';
export type { SkippedSurface } from './kit/agent/AgentCore.js';
export type { PilotAgent } from './kit/agent/PilotAgent.js';
export type { AgentOutput } from './kit/agent/toTaskResult.js';
export type { Finding, Severity } from './kit/findings/Finding.js';
export type { AgentOutcome, FindingsReport, ReportedFinding, TriageSuppression, TriageVerdictValue } from './kit/findings/ReportedFinding.js';
export type { AgentFindings } from './kit/findings/buildFindingsReport.js';
export type { FindingsFormat } from './kit/findings/formatFindings.js';
export type { TargetSpec } from './kit/target/Target.js';
