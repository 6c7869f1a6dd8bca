// The test-generator agent: its core, strategies, checks and BaseAgent class.
export { TEST_GENERATOR_STRATEGIES, TestGeneratorCore } from './TestGeneratorCore.js';
export type { TestGeneratorConfig, TestGeneratorCoreOptions, TestGeneratorReport, TestGeneratorStats } from './TestGeneratorCore.js';
export type { PropertyOutcome, RouteOutcome } from './generatedOutcomes.js';
export { TestGeneratorAgent } from './TestGeneratorAgent.js';
export type { TestGeneratorAgentOptions } from './TestGeneratorAgent.js';
export { arbitraryCode } from './arbitraryCode.js';
export { docExamples } from './docExamples.js';
export { planClassProperties } from './planClassProperties.js';
export { planProperties } from './planProperties.js';
export { planRoundTrips } from './planRoundTrips.js';
export type { OracleLevel, PlannedProperty, PropertySubject } from './plannedProperty.js';
export { planRouteTests } from './planRouteTests.js';
export type { PlanRouteTestsOptions, RouteCase } from './planRouteTests.js';
export { findExamples } from './findExamples.js';
export type { CodeExample, ExampleBinding, ExampleContext, ExampleSource } from './findExamples.js';
