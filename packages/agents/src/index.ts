// Agent kit: what every agent shares.
export { AgentError } from './AgentError.js';
export type { AgentErrorCode } from './AgentError.js';
export { assertLoopback } from './assertLoopback.js';
export { loopbackFetch } from './loopbackFetch.js';
export type { LoopbackFetchInit } from './loopbackFetch.js';
export { DEFECT_KINDS, dedupeFindings, isDefectKind } from './Finding.js';
export type { DefectKind, Finding, FindingLocation, Severity } from './Finding.js';
export { findingMatches, loadCatalogue, locationsAgree, parseCatalogue, scoreFindings } from './Catalogue.js';
export type { Catalogue, CatalogueDefect, CatalogueScore } from './Catalogue.js';
export { runProcess } from './runProcess.js';
export type { ProcessResult, RunProcessOptions } from './runProcess.js';
export { openTarget } from './Target.js';
export type { Target, TargetSpec } from './Target.js';
export { listSourceFiles } from './listSourceFiles.js';
export type { ListSourceFilesOptions } from './listSourceFiles.js';
export { FixtureService, resolveTsxLoader, withService } from './FixtureService.js';
export type { FixtureServiceOptions } from './FixtureService.js';
export { findStrategy } from './AgentCore.js';
export type { AgentCore, AgentReport, AgentRunOptions, AgentStrategy } from './AgentCore.js';
export { NEUTRAL_SATISFACTION, failedTaskResult, resourceUsageOf, satisfactionOf, toTaskResult } from './toTaskResult.js';
export type { AgentOutput, AgentTaskResult, ToTaskResultOptions } from './toTaskResult.js';
export { runAgentTask } from './runAgentTask.js';
export type { RunAgentTaskOptions } from './runAgentTask.js';
export { INDEPENDENT_RUNS_LEARNING, PilotAgent } from './PilotAgent.js';
export type { PilotAgentOptions } from './PilotAgent.js';
export { findOpenApiFile, loadOpenApiRoutes } from './loadOpenApiRoutes.js';
export type { OpenApiRoute, RouteParameter } from './loadOpenApiRoutes.js';
export { runEslint } from './runEslint.js';
export type { RuleMapping, RunEslintOptions } from './runEslint.js';

// code-reviewer
export { CODE_REVIEW_STRATEGIES, CodeReviewer } from './CodeReviewer.js';
export type { CodeReviewConfig, CodeReviewerOptions } from './CodeReviewer.js';
export { CodeReviewerAgent } from './CodeReviewerAgent.js';
export type { CodeReviewerAgentOptions } from './CodeReviewerAgent.js';
export { findDuplicates } from './findDuplicates.js';
export type { Duplicate, FindDuplicatesOptions } from './findDuplicates.js';
export { findUnawaitedCalls } from './findUnawaitedCalls.js';
export type { UnawaitedCall } from './findUnawaitedCalls.js';

// security-scanner
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

// test-generator
export { TEST_GENERATOR_STRATEGIES, TestGeneratorCore } from './TestGeneratorCore.js';
export type { PropertyOutcome, RouteOutcome, TestGeneratorConfig, TestGeneratorCoreOptions, TestGeneratorReport, TestGeneratorStats } from './TestGeneratorCore.js';
export { TestGeneratorAgent } from './TestGeneratorAgent.js';
export type { TestGeneratorAgentOptions } from './TestGeneratorAgent.js';
export { extractExports } from './extractExports.js';
export type { ExportedClass, ExportedFunction, ExtractedExports, MethodShape, ParameterShape, PropertyShape, TypeShape } from './extractExports.js';
export { arbitraryCode, docExamples, planClassProperties, planProperties } from './planProperties.js';
export type { OracleLevel, PlannedProperty, PropertySubject } from './planProperties.js';
export { planRouteTests } from './planRouteTests.js';
export type { PlanRouteTestsOptions, RouteCase } from './planRouteTests.js';
export { TargetWorkspace } from './TargetWorkspace.js';
export type { TargetWorkspaceOptions } from './TargetWorkspace.js';

// api-tester
export { API_TESTER_STRATEGIES, ApiTesterCore, invalidRequests, loadOperations, validRequest } from './ApiTesterCore.js';
export type { ApiOperation, ApiTesterConfig, ApiTesterCoreOptions, ApiTesterReport, OperationStats } from './ApiTesterCore.js';
export { ApiTesterAgent } from './ApiTesterAgent.js';
export type { ApiTesterAgentOptions } from './ApiTesterAgent.js';
export { SchemaSampler, typeOf } from './SchemaSampler.js';
export type { InvalidSample, SampleOptions, SchemaObject, SchemaSamplerOptions } from './SchemaSampler.js';
export { documentedResponse, findIds, responseProblems } from './responseProblems.js';
export type { ActualResponse, DocumentedResponses, ResponseProblem, SchemaCheck } from './responseProblems.js';

// performance-tester
export { PERFORMANCE_TESTER_STRATEGIES, PerformanceTesterCore, baselineKey } from './PerformanceTesterCore.js';
export type { BaselineStore, BenchPoint, GrowthResult, PerformanceTesterConfig, PerformanceTesterCoreOptions, PerformanceTesterReport, Regression } from './PerformanceTesterCore.js';
export { PerformanceTesterAgent } from './PerformanceTesterAgent.js';
export type { PerformanceTesterAgentOptions } from './PerformanceTesterAgent.js';
export { fitGrowth } from './fitGrowth.js';
export type { GrowthClass, GrowthFit, SizePoint } from './fitGrowth.js';

// Registry for the fleet app.
export { AGENT_IDS, createPilotAgents } from './createPilotAgents.js';
export type { CreatePilotAgentsOptions } from './createPilotAgents.js';
