// The integration-tester agent: its core, strategies, flows and BaseAgent class.
export { INTEGRATION_TESTER_STRATEGIES, IntegrationTesterCore } from './IntegrationTesterCore.js';
export type { IntegrationTesterConfig, IntegrationTesterCoreOptions, IntegrationTesterReport } from './IntegrationTesterCore.js';
export { CrudFlow } from './CrudFlow.js';
export type { CrudFlowSteps, FlowOutcome } from './CrudFlow.js';
export { FlowSession } from './FlowSession.js';
export type { FlowSessionOptions, FlowStep } from './FlowSession.js';
export { RandomWalk } from './RandomWalk.js';
export { resourceFamilies } from './resourceFamilies.js';
export type { ResourceFamily } from './resourceFamilies.js';
export { bodyFor, createdId, declaredFields, droppedFields, listQueryLike, pageMayBeFull, staleFields } from './flowChecks.js';
export { IntegrationTesterAgent } from './IntegrationTesterAgent.js';
export type { IntegrationTesterAgentOptions } from './IntegrationTesterAgent.js';
