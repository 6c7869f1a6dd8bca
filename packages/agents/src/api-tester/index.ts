// The api-tester agent: its core, strategies, checks and BaseAgent class.
export { API_TESTER_STRATEGIES, ApiTesterCore } from './ApiTesterCore.js';
export type { ApiTesterConfig, ApiTesterCoreOptions, ApiTesterReport, OperationStats } from './ApiTesterCore.js';
export { ApiTesterAgent } from './ApiTesterAgent.js';
export type { ApiTesterAgentOptions } from './ApiTesterAgent.js';
