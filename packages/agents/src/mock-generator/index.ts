// The mock-generator agent: its core, strategies, boundary reader, doubles and BaseAgent class.
export { MOCK_GENERATOR_STRATEGIES, MockGeneratorCore } from './MockGeneratorCore.js';
export type { MockGeneratorConfig, MockGeneratorCoreOptions, MockGeneratorReport, MockGeneratorStats } from './MockGeneratorCore.js';
export { MockGeneratorAgent } from './MockGeneratorAgent.js';
export type { MockGeneratorAgentOptions } from './MockGeneratorAgent.js';
export { findBoundaries } from './findBoundaries.js';
export type { AmbientUse, Boundary, BoundaryOwner, DoubleMethod, DoubleReturn } from './findBoundaries.js';
export { mockImports, mockLibraryFor, renderDoubles } from './renderDoubles.js';
export type { DoubleMode, MockLibrary, RenderedDoubles } from './renderDoubles.js';
export { renderAmbient, FIXED_NOW, FIXED_RANDOM } from './renderAmbient.js';
export type { RenderedAmbient } from './renderAmbient.js';
export { planMockCases } from './planMockCases.js';
export type { MockCase, MockPlanOptions } from './planMockCases.js';
