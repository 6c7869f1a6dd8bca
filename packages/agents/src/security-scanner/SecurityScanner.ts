import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { ESLint } from 'eslint';
import regexpPlugin from 'eslint-plugin-regexp';
import { findStrategy } from '../kit/agent/AgentCore.js';
import type { AgentCore, AgentReport, AgentRunOptions, AgentStrategy, SkippedSurface } from '../kit/agent/AgentCore.js';
import { AgentError } from '../kit/agent/AgentError.js';
import { loadAdvisories, matchAdvisories, readLockedPackages } from './checkDependencies.js';
import type { LockedPackage } from './checkDependencies.js';
import { runPackageAudit } from './runPackageAudit.js';
import type { AuditRunner, AuditedVulnerability } from './runPackageAudit.js';
import { withService } from '../kit/service/TargetService.js';
import type { TargetServiceOptions } from '../kit/service/TargetService.js';
import { dedupeFindings } from '../kit/findings/Finding.js';
import type { Finding, Severity } from '../kit/findings/Finding.js';
import { describeRedos } from './describeRedos.js';
import { findSecrets } from './findSecrets.js';
import { findSecuritySinks } from './findSecuritySinks.js';
import { listSourceFiles } from '../kit/target/listSourceFiles.js';
import { readSources } from '../kit/target/readSources.js';
import { listOwnCode } from '../kit/target/listOwnCode.js';
import { hasSourceFiles } from '../kit/target/hasSourceFiles.js';
import { loadOpenApiRoutes } from '../kit/openapi/loadOpenApiRoutes.js';
import type { OpenApiRoute } from '../kit/openapi/loadOpenApiRoutes.js';
import { runEslint } from '../kit/eslint/runEslint.js';
import type { RuleMapping } from '../kit/eslint/runEslint.js';
import { runLiveProbes } from './runLiveProbes.js';
import { apiBaseUrl } from '../kit/openapi/apiBaseUrl.js';
import type { Target } from '../kit/target/Target.js';

/** What a security-scanner strategy turns on. */
export interface SecurityScanConfig {
  /** Check the lockfile against the advisory list. */
  dependencies: boolean;
  /** Start (or use) the target's service and probe its GET routes. */
  live: boolean;
  /** Noisy rules: every eslint-plugin-security rule with a kind, unescaped-anything XSS, entropy-only secrets, test files, path-parameter probes. */
  noisy: boolean;
}

/** The security-scanner's strategies, cheapest first. */
export const SECURITY_SCAN_STRATEGIES: readonly AgentStrategy<SecurityScanConfig>[] = [
  { name: 'static-only', description: 'Sink rules (eval, exec, HTML from request input, unguarded merges) and secret search.', config: { dependencies: false, live: false, noisy: false }, usesService: false },
  { name: 'static+deps', description: 'Static rules plus the lockfile checked against the shipped advisory list.', config: { dependencies: true, live: false, noisy: false }, usesService: false },
  { name: 'static+deps+live', description: 'Adds harmless live probes (reflected XSS, code evaluation) on the loopback service.', config: { dependencies: true, live: true, noisy: false } },
  { name: 'full', description: 'Everything, including the noisy rules: most findings, most false alarms.', config: { dependencies: true, live: true, noisy: true } },
];

const security = createRequire(import.meta.url)('eslint-plugin-security') as ESLint.Plugin;
/** Mozilla's DOM-XSS rules (innerHTML, outerHTML, insertAdjacentHTML, document.write with unsanitized values). */
const noUnsanitized = createRequire(import.meta.url)('eslint-plugin-no-unsanitized') as ESLint.Plugin;

const rule = (kind: RuleMapping['kind'], severity: Severity, confidence: number): RuleMapping => ({ kind, severity, confidence });

/** eslint-plugin-security rules whose findings are precise enough to report by default. */
const SECURITY_RULES: Record<string, RuleMapping> = {
  'security/detect-eval-with-expression': rule('code-injection', 'critical', 0.85),
  // Browser code: HTML from a non-constant value. It does not prove the value is attacker-controlled, hence medium.
  'no-unsanitized/property': rule('xss', 'medium', 0.5),
  'no-unsanitized/method': rule('xss', 'medium', 0.5),
  // ReDoS: backtracking within one match attempt (scslre's analysis). Exponential cases become high in describeRedos.
  'regexp/no-super-linear-backtracking': rule('redos', 'medium', 0.6),
};

/** The plugin's noisy rules that still name a catalogue kind: suspicions, so never above low. */
const NOISY_SECURITY_RULES: Record<string, RuleMapping> = {
  'security/detect-child-process': rule('command-injection', 'low', 0.4),
  'security/detect-non-literal-require': rule('code-injection', 'low', 0.3),
  'security/detect-object-injection': rule('prototype-pollution', 'low', 0.1),
  // Quadratic runtime from retrying at every start position (`\s+$`): true of countless trim regexes, hence low.
  'regexp/no-super-linear-move': rule('redos', 'low', 0.2),
};

const CODE = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];
/** Server-side template files, read for request input rendered unescaped. */
const VIEWS = ['.ejs', '.hbs', '.handlebars', '.pug', '.jade', '.dust'];
const TEXT = [...CODE, '.json', '.env', '.yml', '.yaml', '.toml', '.ini', '.conf', '.properties', '.sh', '.html'];
/** Lockfiles (integrity hashes are high-entropy by design) and the defect catalogue (the answer key quotes the secrets it catalogues). */
const NOT_SCANNED = /(^|\/)(package-lock\.json|pnpm-lock\.yaml|yarn\.lock|npm-shrinkwrap\.json)$|^defects\.json$/;
/** Tests, and scripts that demonstrate attacks or usage: not the code that ships (scanned in `full`). */
const TEST_FILE = /(^|\/)(test|tests|__tests__|spec|fixtures?|exploits?|examples?|demos?)\/|\.(test|spec)\.[cm]?[jt]sx?$/;
/** The advisory list this repository ships (`fixtures/advisories.json`); the same relative path from src/ and dist/. */
const SHIPPED_ADVISORIES = fileURLToPath(new URL('../../../../fixtures/advisories.json', import.meta.url));
const SEVERITY_ORDER: readonly Severity[] = ['info', 'low', 'medium', 'high', 'critical'];

/** Options of `SecurityScanner`. */
export interface SecurityScannerOptions {
  strategies?: readonly AgentStrategy<SecurityScanConfig>[];
  /**
   * An OSV or GitHub-advisory export (or a list in this repository's format) to use when the
   * package manager's audit does not answer; the target's own `advisories` wins over it.
   */
  advisories?: string;
  /** The list used when neither the audit nor an export answers (default: the repository's `fixtures/advisories.json`). */
  bundledAdvisories?: string;
  /** Ask the package manager's audit first (default true). */
  audit?: boolean;
  /** Runs the audit command (default `runProcess`); tests replay recorded output. */
  auditRunner?: AuditRunner;
  /** Milliseconds the audit may take (default 30 000). */
  auditTimeoutMs?: number;
  /** How to start the target's service when the target gives no base URL. */
  service?: Omit<TargetServiceOptions, 'dir'>;
  now?: () => number;
}

/**
 * The security-scanner core: eslint-plugin-security and TypeScript-AST sink rules, secret search,
 * the lockfile against a shipped advisory list, and harmless live probes on the loopback service.
 */
export class SecurityScanner implements AgentCore {
  readonly id = 'security-scanner';
  readonly usesService = true;
  readonly strategies: readonly AgentStrategy<SecurityScanConfig>[];
  readonly #options: SecurityScannerOptions;
  readonly #now: () => number;

  constructor(options: SecurityScannerOptions = {}) {
    this.strategies = options.strategies ?? SECURITY_SCAN_STRATEGIES;
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** Not applicable to a folder without any TypeScript or JavaScript source. */
  notApplicable(target: Target): string | undefined {
    return hasSourceFiles(target.dir, CODE) ? undefined : `no TypeScript or JavaScript sources in ${target.dir}`;
  }

  async run(target: Target, strategyName: string, options: AgentRunOptions = {}): Promise<AgentReport> {
    const strategy = findStrategy(this, strategyName);
    const { config } = strategy;
    const started = this.#now();
    const notes: string[] = [];
    const findings: Finding[] = [];

    const skipped: SkippedSurface[] = [];
    // Code rules read the project's own sources as target discovery found them (`profile.files`;
    // its tests too in `full`); secrets are searched in every text file. The shared skip rules leave
    // out vendored, minified, bundled and generated files: the user is told which were left out.
    const { skip, testFiles } = target.profile;
    const own = await listOwnCode(target, CODE);
    const leftOut = new Set<string>(own.leftOut);
    const onSkip = (file: string, why: string): void => void leftOut.add(`${file} (${why})`);
    const listedCode = [...own.files, ...(config.noisy ? testFiles.filter((f) => CODE.some((ext) => f.endsWith(ext))) : [])].filter((f) => config.noisy || !TEST_FILE.test(f));
    const listedText = (await listSourceFiles(target.dir, { extensions: TEXT, skip, onSkip })).filter((f) => !NOT_SCANNED.test(f) && (config.noisy || !TEST_FILE.test(f)));
    const sources = await readSources(target.dir, [...listedCode, ...listedText]);
    const vendored = [...leftOut];
    if (vendored.length > 0) notes.push(`not scanned, not the project's own code: ${vendored.slice(0, 5).join(', ')}${vendored.length > 5 ? ` and ${vendored.length - 5} more` : ''}`);
    const code = listedCode.filter((f) => sources.has(f));
    const text = listedText.filter((f) => sources.has(f));
    const codeSources = new Map(code.map((f) => [f, sources.get(f)!]));
    const textSources = new Map(text.map((f) => [f, sources.get(f)!]));

    if (code.length > 0) {
      const rules = config.noisy ? { ...SECURITY_RULES, ...NOISY_SECURITY_RULES } : SECURITY_RULES;
      const linted = await runEslint(target.dir, code, { rules, plugins: { security, 'no-unsanitized': noUnsanitized, regexp: regexpPlugin as unknown as ESLint.Plugin }, notes, sources: codeSources });
      findings.push(...linted.map((f) => (f.kind === 'redos' && 'file' in f.location ? describeRedos(f, codeSources.get(f.location.file)?.split('\n')[f.location.line - 1]) : f)));
      const views = await readSources(target.dir, await listSourceFiles(target.dir, { extensions: VIEWS, skip }));
      for (const sink of findSecuritySinks(codeSources, { noisy: config.noisy, views })) {
        findings.push({ kind: sink.kind, severity: sink.severity ?? (sink.kind === 'xss' ? 'high' : 'critical'), location: { file: sink.file, line: sink.line }, message: sink.message, evidence: sink.evidence, confidence: sink.confidence, rule: sink.rule });
      }
    } else {
      skipped.push({ surface: 'code', reason: 'no TypeScript/JavaScript sources of the project\'s own' });
    }
    options.signal?.throwIfAborted();
    for (const secret of findSecrets(textSources, { entropyOnly: config.noisy, now: this.#now })) {
      // A key format proves a secret; a credential-named high-entropy literal suggests one; entropy alone is a guess.
      const severity: Severity = secret.confidence >= 0.9 ? 'high' : secret.confidence >= 0.7 ? 'medium' : 'low';
      findings.push({ kind: 'hardcoded-secret', severity, location: { file: secret.file, line: secret.line }, message: `possible ${secret.rule}`, evidence: secret.masked, confidence: secret.confidence, rule: `qe/secret/${secret.rule}` });
    }

    let dependencies = false;
    if (config.dependencies) {
      const checked = await this.#dependencies(target, notes, options.signal);
      if (typeof checked === 'string') skipped.push({ surface: 'dependencies', reason: checked });
      else {
        dependencies = true;
        findings.push(...checked);
      }
    }
    options.signal?.throwIfAborted();
    let live = false;
    if (config.live) {
      const probed = await this.#live(target, config, notes, options.signal);
      if (typeof probed === 'string') skipped.push({ surface: 'live probes', reason: probed });
      else {
        live = true;
        findings.push(...probed);
      }
    }
    // Coverage = the share of the four attack surfaces this run examined (code sinks, secrets,
    // dependencies, the running service): a scan that skipped one cannot vouch for it.
    const surfaces = [code.length > 0, text.length > 0, dependencies, live];
    const coverage = surfaces.filter(Boolean).length / surfaces.length;
    return {
      agentId: this.id,
      strategy: strategy.name,
      target: target.dir,
      findings: dedupeFindings(findings),
      durationMs: this.#now() - started,
      coverage,
      notes,
      ...(skipped.length === 0 ? {} : { skipped }),
    };
  }

  /**
   * Live probes on the target's service, or why they could not run (no API description, a service
   * that does not start): the static and dependency results stand either way.
   */
  async #live(target: Target, config: SecurityScanConfig, notes: string[], signal: AbortSignal | undefined): Promise<Finding[] | string> {
    let routes: OpenApiRoute[];
    let basePath: string;
    try {
      ({ routes, basePath } = await loadOpenApiRoutes(target.dir, target.profile.api === undefined ? {} : { file: target.profile.api.file }));
    } catch (error) {
      if (error instanceof AgentError && (error.code === 'UNSUPPORTED_TARGET' || error.code === 'TOOL_FAILED')) return `no usable API description: ${error.message}`;
      throw error;
    }
    let probe: Awaited<ReturnType<typeof runLiveProbes>>;
    try {
      probe = await withService(
        target,
        (serviceUrl) => runLiveProbes(apiBaseUrl(serviceUrl, basePath), routes, { pathParameters: config.noisy, ...(target.headers === undefined ? {} : { headers: target.headers }), ...(signal === undefined ? {} : { signal }) }),
        this.#options.service,
      );
    } catch (error) {
      if (error instanceof AgentError && error.code === 'SERVICE_START_FAILED') return `the service did not start: ${error.message}`;
      throw error;
    }
    const getRoutes = routes.filter((r) => r.method === 'GET').length;
    notes.push(`live: ${probe.requests} requests to ${probe.probedRoutes} of ${getRoutes} GET routes`);
    return probe.hits.map((hit) => ({ kind: hit.kind, severity: hit.kind === 'xss' ? 'high' : 'critical', location: { route: hit.route }, message: hit.message, evidence: hit.evidence, confidence: hit.confidence, rule: hit.rule, verified: `the running service answered the probe of ${hit.route}` }));
  }

  /**
   * The locked packages against the first advisory source that answers: the package manager's
   * own audit, else the user's OSV / GitHub export, else the bundled list (labelled with its date
   * and size). None answering is "advisory source unavailable" (skipped), never "0 vulnerable".
   */
  async #dependencies(target: Target, notes: string[], signal: AbortSignal | undefined): Promise<Finding[] | string> {
    const { lockfile, packages } = await readLockedPackages(target.dir, target.packageJson, notes);
    const failures: string[] = [];
    if (this.#options.audit !== false && lockfile !== 'package.json') {
      const audit = await runPackageAudit(target.dir, lockfile, packages, {
        ...(this.#options.auditRunner === undefined ? {} : { runner: this.#options.auditRunner }),
        ...(this.#options.auditTimeoutMs === undefined ? {} : { timeoutMs: this.#options.auditTimeoutMs }),
        ...(signal === undefined ? {} : { signal }),
      });
      if (audit.answered) {
        notes.push(`dependencies: advisory source ${audit.tool} (the registry's advisories), ${packages.length} packages from ${lockfile}`);
        return this.#findingsOf(audit.vulnerabilities, lockfile);
      }
      failures.push(`${audit.tool}: ${audit.reason}`);
    }
    signal?.throwIfAborted();
    for (const path of [target.advisories ?? this.#options.advisories, this.#options.bundledAdvisories ?? SHIPPED_ADVISORIES]) {
      if (path === undefined) continue;
      let list: Awaited<ReturnType<typeof loadAdvisories>>;
      try {
        list = await loadAdvisories(path);
      } catch (error) {
        failures.push(error instanceof Error ? error.message.replace(/^advisory source unavailable: /, '') : String(error));
        continue;
      }
      const bundled = path === (this.#options.bundledAdvisories ?? SHIPPED_ADVISORIES);
      notes.push(`dependencies: advisory source ${bundled ? 'bundled list ' : ''}${list.label}; ${packages.length} packages from ${lockfile}${failures.length === 0 ? '' : ` (${failures.join('; ')})`}`);
      const matched = matchAdvisories(packages, list.advisories, lockfile).map(({ pkg, advisory }): AuditedVulnerability & { pkg: LockedPackage } => ({
        pkg, name: pkg.name, version: pkg.version, path: pkg.path, id: advisory.id, range: advisory.vulnerable, severity: advisory.severity, title: advisory.title, ...(advisory.url === undefined ? {} : { url: advisory.url }),
      }));
      return this.#findingsOf(matched, lockfile);
    }
    return `advisory source unavailable: ${failures.join('; ')}`;
  }

  /** One finding per vulnerable package version, at its worst advisory, naming every advisory. */
  #findingsOf(vulnerabilities: readonly AuditedVulnerability[], lockfile: string): Finding[] {
    const byPackage = new Map<string, Finding>();
    for (const v of vulnerabilities) {
      const key = `${v.name}@${v.version}`;
      const existing = byPackage.get(key);
      const evidence = `${v.id} (${v.range}): ${v.title}${v.url === undefined ? '' : ` ${v.url}`}`;
      if (existing?.evidence.includes(`${v.id} (`) === true) continue;
      if (existing === undefined) {
        byPackage.set(key, { kind: 'vulnerable-dependency', severity: v.severity, location: { package: v.name, version: v.version }, message: `${key} (${lockfile}: ${v.path}) is affected by ${v.id}`, evidence, confidence: 0.9, rule: 'qe/advisory', verified: `${v.id} covers ${key}, the version ${lockfile} locks` });
      } else {
        existing.evidence += `; ${evidence}`;
        existing.message += `, ${v.id}`;
        if (SEVERITY_ORDER.indexOf(v.severity) > SEVERITY_ORDER.indexOf(existing.severity)) existing.severity = v.severity;
      }
    }
    return [...byPackage.values()];
  }
}
