// The flaky-test-detector agent: its core, strategies, verdicts, statistics and BaseAgent class.
export { FLAKY_TEST_DETECTOR_STRATEGIES, FlakyTestDetectorCore } from './FlakyTestDetectorCore.js';
export type { FlakyTestDetectorConfig, FlakyTestDetectorCoreOptions, FlakyTestDetectorReport, SuiteRunner } from './FlakyTestDetectorCore.js';
export { judgeTest, settled } from './judgeTest.js';
export type { RunCondition, TestObservation, TestVerdict } from './judgeTest.js';
export { allPassUpperBound, fisherOneSided, rerunsForBound, wilsonInterval } from './rerunStatistics.js';
export type { Interval } from './rerunStatistics.js';
export { FlakyTestDetectorAgent } from './FlakyTestDetectorAgent.js';
export type { FlakyTestDetectorAgentOptions } from './FlakyTestDetectorAgent.js';
