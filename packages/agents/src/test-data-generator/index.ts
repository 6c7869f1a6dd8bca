// The test-data-generator agent: its core, strategies, generators, checks and BaseAgent class.
export { TEST_DATA_STRATEGIES, TestDataGeneratorCore } from './TestDataGeneratorCore.js';
export type { DataSetStats, InvalidScope, TestDataConfig, TestDataGeneratorCoreOptions, TestDataReport } from './TestDataGeneratorCore.js';
export { TestDataGeneratorAgent } from './TestDataGeneratorAgent.js';
export type { TestDataGeneratorAgentOptions } from './TestDataGeneratorAgent.js';
export { RecordGenerator, getAt, setAt } from './RecordGenerator.js';
export type { GeneratedRecord, JsonSchema, RecordGeneratorOptions, RecordKind, ViolationClaim } from './RecordGenerator.js';
export { SchemaChecker, toJsonSchema } from './SchemaChecker.js';
export type { RecordCheck } from './SchemaChecker.js';
export { documentedSide, functionDataSets, shapeSchema } from './functionData.js';
export type { CallRecord, Expectation, FunctionDataOptions, FunctionDataSet } from './functionData.js';
export { probeApi, requestSchema, sendable, verdictOf } from './probeApi.js';
export type { ProbeApiOptions, RequestDataSet, RequestOutcome } from './probeApi.js';
export { judgeCalls, probeFunctions } from './probeFunctions.js';
export type { CallOutcome, CallResult, ProbeFunctionsOptions } from './probeFunctions.js';
export { TEST_DATA_RULES, dataFindings } from './dataFindings.js';
