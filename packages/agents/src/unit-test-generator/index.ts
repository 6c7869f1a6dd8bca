// The unit-test-generator agent: its core, strategies, planner, oracles and BaseAgent class.
export { UNIT_TEST_GENERATOR_STRATEGIES, UnitTestGeneratorCore } from './UnitTestGeneratorCore.js';
export type { UnitTestGeneratorConfig, UnitTestGeneratorCoreOptions, UnitTestGeneratorReport, UnitTestGeneratorStats } from './UnitTestGeneratorCore.js';
export { UnitTestGeneratorAgent } from './UnitTestGeneratorAgent.js';
export type { UnitTestGeneratorAgentOptions } from './UnitTestGeneratorAgent.js';
export { readDocExamples, planClassCases, planFunctionCases } from './planUnitCases.js';
export type { CaseOracle, CaseOrigin, CaseSubject, PlanOptions, UnitCase } from './planUnitCases.js';
export { judgeOutcome } from './judgeOutcome.js';
export { mutateRanges } from './mutateRanges.js';
export type { Verdict, Violation } from './judgeOutcome.js';
export { sampleValues } from '../kit/probe/sampleValues.js';
export type { SampleValue } from '../kit/probe/sampleValues.js';
export { GeneratedSuite } from './GeneratedSuite.js';
export type { CandidateTest } from './GeneratedSuite.js';
