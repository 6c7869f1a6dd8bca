// Agent kit: what every agent shares.
export {
  AgentError,
  assertLoopback,
  loopbackFetch,
  DEFECT_KINDS,
  dedupeFindings,
  isDefectKind,
  findingMatches,
  loadCatalogue,
  locationsAgree,
  normaliseSelector,
  parseCatalogue,
  scoreFindings,
  SEVERITIES,
  compareFindings,
  countBySeverity,
  locationLabel,
  ruleOf,
  severityRank,
  fingerprintFindings,
  sourceReader,
  applySuppressions,
  BASELINE_PATH,
  compareWithBaseline,
  createBaseline,
  loadBaseline,
  parseBaseline,
  saveBaseline,
  buildFindingsReport,
  SARIF_SCHEMA_URI,
  formatSarif,
  ruleHelpUri,
  formatJunit,
  formatMarkdown,
  formatTable,
  FINDINGS_FORMATS,
  formatFindings,
  formatJson,
  runProcess,
  openTarget,
  listSourceFiles,
  hasSourceFiles,
  hashTargetInputs,
  SkipRules,
  missingDependencies,
  discoverProfile,
  planServiceStart,
  basePathOf,
  describeApiDocument,
  findApiDescription,
  TargetService,
  freePort,
  listeningPorts,
  maskCredentials,
  apiBaseUrl,
  pathMismatch,
  credentialsMismatch,
  resolveTsxLoader,
  withService,
  findStrategy,
  NEUTRAL_SATISFACTION,
  failedTaskResult,
  resourceUsageOf,
  satisfactionOf,
  toTaskResult,
  runAgentTask,
  INDEPENDENT_RUNS_LEARNING,
  PilotAgent,
  findOpenApiFile,
  loadOpenApiRoutes,
  runEslint,
  sourceTypeOf,
  invalidRequests,
  loadOperations,
  validRequest,
  SchemaSampler,
  typeOf,
  documentedResponse,
  findIds,
  responseProblems,
  extractExports,
  tsconfigCoverage,
  extractTargetExports,
  TargetWorkspace,
  detectTestStyle,
  testFolderFor,
  importPath,
  renderTestFile,
  writeTestFile,
  quoteString,
  renderValue,
} from './kit/index.js';
export type {
  AgentErrorCode,
  LoopbackFetchInit,
  DefectKind,
  Finding,
  FindingLocation,
  Severity,
  Catalogue,
  CatalogueDefect,
  CatalogueScore,
  AgentOutcome,
  BaselineEntry,
  BaselineStatus,
  FindingsReport,
  ReportedFinding,
  SourceReader,
  SuppressionResult,
  BaselineComparison,
  BaselineFile,
  CompareWithBaselineOptions,
  AgentFindings,
  BuildFindingsReportOptions,
  FormatTableOptions,
  FindingsFormat,
  ProcessResult,
  RunProcessOptions,
  Target,
  TargetSpec,
  ListSourceFilesOptions,
  TsconfigCoverage,
  SkipRulesOptions,
  ModuleSystem,
  ProfileOverrides,
  SkippedPath,
  SourceFileInfo,
  SourceLanguage,
  TargetProfile,
  TestRunnerInfo,
  WorkspacePackage,
  ServiceStart,
  ApiDescription,
  FindApiDescriptionOptions,
  LoadedOpenApi,
  LoadOpenApiRoutesOptions,
  TargetServiceOptions,
  AgentCore,
  AgentReport,
  AgentRunOptions,
  AgentStrategy,
  SkippedSurface,
  AgentOutput,
  AgentTaskResult,
  ToTaskResultOptions,
  RunAgentTaskOptions,
  PilotAgentOptions,
  OpenApiRoute,
  RouteParameter,
  RuleMapping,
  RunEslintOptions,
  ApiOperation,
  InvalidSample,
  SampleOptions,
  SchemaObject,
  SchemaSamplerOptions,
  ActualResponse,
  DocumentedResponses,
  ResponseProblem,
  SchemaCheck,
  ExportedClass,
  ExportedFunction,
  ExtractedExports,
  MethodShape,
  ParameterShape,
  PropertyShape,
  TypeShape,
  TargetWorkspaceOptions,
  TargetExports,
  TestFileStyle,
  RenderedTestFile,
  TestAssertion,
  TestCase,
  TestFileSpec,
  TestImports,
} from './kit/index.js';

// Agent kit, browser family (kit/browser/): system Chromium, loopback guard, page discovery.
export {
  CHROMIUM_INSTALL_HINT,
  CHROMIUM_PATHS,
  findChromium,
  launchBrowser,
  LoopbackGuard,
  newGuardedContext,
  PageProblems,
  PageLocator,
  StaticServer,
  PageCrawler,
  isCrawlable,
  PAGE_OUTLINE_SCRIPT,
  SELECTOR_SOURCE,
  artifactName,
  saveScreenshot,
  listHtmlFiles,
  noPagesReason,
  withSite,
  browseSite,
} from './kit/index.js';
export type {
  LaunchBrowserOptions,
  BlockedRequest,
  GuardedContextOptions,
  FailedRequest,
  PageErrorEvent,
  CrawlResult,
  CrawledPage,
  PageCrawlerOptions,
  VisitPage,
  FormField,
  PageForm,
  PageLink,
  PageOutline,
  Site,
  WithSiteOptions,
  BrowseContext,
  BrowseResult,
  BrowseSiteOptions,
  BrowseVisit,
  BrowserAgentOptions,
} from './kit/index.js';
// kit/suite: the target's own test suite in its own runner, with V8 coverage.
export { runSuite, suiteRunnerOf, detectRunner, c8Args, readCoverageReport, summarizeCoverage, planSuiteCommand, parseJestJson, parseMochaJson, parseNodeTestEvents, parseTap } from './kit/index.js';
export type { ProcessRunner, RunSuiteDeps, SuiteRunWithSummary, CoverageMap, RunSuiteOptions, SuiteRun, TestCaseResult, CoverageMetric, CoverageSummary, RunnerName, SuitePlan } from './kit/index.js';
// kit/mutation: StrykerJS on the target's own suite (per-test coverage where the runner allows).
export { runMutants, mutationScore, INCREMENTAL_FILE, relatedTestFiles, changedFiles, lastChanged } from './kit/index.js';
export type { MutantInfo, MutantsRun, RunMutantsOptions, MutantStatus, MutationScore, ChangedFiles } from './kit/index.js';

// code-reviewer
export { CODE_REVIEW_STRATEGIES, CodeReviewer, CodeReviewerAgent, findDuplicates, findUnawaitedCalls } from './code-reviewer/index.js';
export type {
  CodeReviewConfig,
  CodeReviewerOptions,
  CodeReviewerAgentOptions,
  Duplicate,
  FindDuplicatesOptions,
  UnawaitedCall,
} from './code-reviewer/index.js';

// security-scanner
export {
  SECURITY_SCAN_STRATEGIES,
  SecurityScanner,
  SecurityScannerAgent,
  findSecuritySinks,
  findRequestSinks,
  moduleBindings,
  RequestTaint,
  findSecrets,
  shannonEntropy,
  loadAdvisories,
  matchAdvisories,
  parseAdvisories,
  readLockedPackages,
  satisfiesRange,
  runLiveProbes,
} from './security-scanner/index.js';
export type {
  SecurityScanConfig,
  SecurityScannerOptions,
  SecurityScannerAgentOptions,
  FindSecuritySinksOptions,
  FindRequestSinksOptions,
  ModuleBindings,
  RequestTaintOptions,
  SecuritySink,
  FindSecretsOptions,
  SecretMatch,
  Advisory,
  LockedPackage,
  VulnerableDependency,
  LiveProbeOptions,
  ProbeHit,
} from './security-scanner/index.js';

// test-generator
export {
  TEST_GENERATOR_STRATEGIES,
  TestGeneratorCore,
  TestGeneratorAgent,
  arbitraryCode,
  docExamples,
  planClassProperties,
  planProperties,
  planRouteTests,
} from './test-generator/index.js';
export type {
  PropertyOutcome,
  RouteOutcome,
  TestGeneratorConfig,
  TestGeneratorCoreOptions,
  TestGeneratorReport,
  TestGeneratorStats,
  TestGeneratorAgentOptions,
  OracleLevel,
  PlannedProperty,
  PropertySubject,
  PlanRouteTestsOptions,
  RouteCase,
} from './test-generator/index.js';

// api-tester
export { API_TESTER_STRATEGIES, ApiTesterCore, ApiTesterAgent } from './api-tester/index.js';
export type { ApiTesterConfig, ApiTesterCoreOptions, ApiTesterReport, OperationStats, ApiTesterAgentOptions } from './api-tester/index.js';

// performance-tester
export {
  PERFORMANCE_TESTER_STRATEGIES,
  PerformanceTesterCore,
  baselineKey,
  PerformanceTesterAgent,
  fitGrowth,
} from './performance-tester/index.js';
export type {
  BaselineStore,
  BenchPoint,
  GrowthResult,
  PerformanceTesterConfig,
  PerformanceTesterCoreOptions,
  PerformanceTesterReport,
  Regression,
  PerformanceTesterAgentOptions,
  GrowthClass,
  GrowthFit,
  SizePoint,
} from './performance-tester/index.js';

// e2e-tester
export { E2E_STRATEGIES, E2eTesterCore, E2eTesterAgent, FlowRunner, routeOf, isTextField, valueFor, linkStatus, markerExecuted, xssPayload } from './e2e-tester/index.js';
export type { E2eConfig, E2eReport, E2eTesterOptions, E2eTesterAgentOptions, FormFailure, LinkStatus, XssProof } from './e2e-tester/index.js';

// visual-regression
export {
  DEFAULT_REFERENCE_STYLES,
  DEFAULT_VISUAL_DIR,
  VISUAL_STRATEGIES,
  VisualRegressionCore,
  VisualRegressionAgent,
  compareScreenshots,
  ReferenceStyles,
  STYLE_PROPERTIES,
  computedStyles,
  regionSelector,
} from './visual-regression/index.js';
export type { Viewport, VisualConfig, VisualRegressionOptions, VisualReport, VisualRegressionAgentOptions, ChangedRegion, CompareOptions, ScreenshotComparison } from './visual-regression/index.js';

// accessibility-checker
export { ACCESSIBILITY_STRATEGIES, AccessibilityCheckerCore, AccessibilityCheckerAgent, WCAG_21_AA_TAGS, AXE_VERSION, auditStates, runAxe } from './accessibility-checker/index.js';
export type { AccessibilityCheckerOptions, AccessibilityConfig, AccessibilityReport, AccessibilityCheckerAgentOptions, AxeViolation } from './accessibility-checker/index.js';

// Registry for the fleet app.
export { AGENT_IDS, createPilotAgents } from './registry.js';
export type { AgentId, CreatePilotAgentsOptions } from './registry.js';

// kit/probe, kit/target copies, coverage keys, test type-checks (unit-test-generator, mock-generator)
export { CaseProbe, sampleValues, findAccumulators, TargetCopy, coverageKeys, coverageShares, typeCheckTests } from './kit/index.js';
export type { ProbeCase, ProbeError, ProbeOutcome, ProbeRunOptions, SampleValue, Accumulator, CoverageKeys, TestTypeCheck, TestTypeError } from './kit/index.js';

// unit-test-generator
export { UNIT_TEST_GENERATOR_STRATEGIES, UnitTestGeneratorCore, UnitTestGeneratorAgent, readDocExamples, planClassCases, planFunctionCases, judgeOutcome, GeneratedSuite } from './unit-test-generator/index.js';
export type {
  UnitTestGeneratorConfig,
  UnitTestGeneratorCoreOptions,
  UnitTestGeneratorReport,
  UnitTestGeneratorStats,
  UnitTestGeneratorAgentOptions,
  CaseOracle,
  CaseOrigin,
  CaseSubject,
  PlanOptions,
  UnitCase,
  Verdict,
  Violation,
  CandidateTest,
} from './unit-test-generator/index.js';

// mock-generator
export { MOCK_GENERATOR_STRATEGIES, MockGeneratorCore, MockGeneratorAgent, findBoundaries, mockImports, mockLibraryFor, renderDoubles, planMockCases } from './mock-generator/index.js';
export type {
  MockGeneratorConfig,
  MockGeneratorCoreOptions,
  MockGeneratorReport,
  MockGeneratorStats,
  MockGeneratorAgentOptions,
  AmbientUse,
  Boundary,
  BoundaryOwner,
  DoubleMethod,
  DoubleReturn,
  DoubleMode,
  MockLibrary,
  RenderedDoubles,
  MockCase,
  MockPlanOptions,
} from './mock-generator/index.js';
// coverage-analyzer
export { COVERAGE_ANALYZER_STRATEGIES, CoverageAnalyzerAgent, CoverageAnalyzerCore, RECENT_DAYS, coverageGaps, lineRanges, rankGap } from './coverage-analyzer/index.js';
export type { CoverageAnalyzerAgentOptions, CoverageAnalyzerConfig, CoverageAnalyzerCoreOptions, CoverageAnalyzerReport, CoverageGap, GapKind, GapRisk, RankedGap } from './coverage-analyzer/index.js';

// mutation-tester
export { MUTATION_TESTER_STRATEGIES, MutationTesterAgent, MutationTesterCore, weakTests } from './mutation-tester/index.js';
export type { MutationTesterAgentOptions, MutationTesterConfig, MutationTesterCoreOptions, MutationTesterReport, WeakTest } from './mutation-tester/index.js';
