import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { findStrategy } from '../kit/agent/AgentCore.js';
import type { AgentCore, AgentReport, AgentRunOptions, AgentStrategy, SkippedSurface } from '../kit/agent/AgentCore.js';
import { AgentError } from '../kit/agent/AgentError.js';
import type { Finding } from '../kit/findings/Finding.js';
import { apiBaseUrl, credentialsMismatch, pathMismatch } from '../kit/openapi/apiBaseUrl.js';
import { loadOperations } from '../kit/openapi/operations.js';
import type { ApiOperation } from '../kit/openapi/operations.js';
import { maskCredentials } from '../kit/service/maskCredentials.js';
import { withService } from '../kit/service/TargetService.js';
import type { TargetServiceOptions } from '../kit/service/TargetService.js';
import type { Target } from '../kit/target/Target.js';
import { extractTargetExports } from '../kit/typescript/extractTargetExports.js';
import { offeredExports } from '../kit/typescript/offeredExports.js';
import { dataFindings } from './dataFindings.js';
import { argumentsSchema, functionDataSets } from './functionData.js';
import type { FunctionDataSet } from './functionData.js';
import { probeApi, requestSchema, sendable } from './probeApi.js';
import type { RequestDataSet, RequestOutcome } from './probeApi.js';
import { probeFunctions } from './probeFunctions.js';
import type { CallOutcome } from './probeFunctions.js';
import { RecordGenerator } from './RecordGenerator.js';
import type { GeneratedRecord } from './RecordGenerator.js';
import { SchemaChecker } from './SchemaChecker.js';

/** Which invalid records a strategy generates: none, those just outside a boundary, or every kind of violation. */
export type InvalidScope = 'none' | 'edges' | 'all';

/** Knobs of a test-data-generator strategy. */
export interface TestDataConfig {
  /** Random valid records per operation and function. */
  random: number;
  /** Valid values at every boundary (lengths, ranges, enum edges, item counts, documented bounds). */
  boundaries: boolean;
  invalid: InvalidScope;
}

/** The strategies: what kind of data, so how many requests and calls. */
export const TEST_DATA_STRATEGIES: readonly AgentStrategy<TestDataConfig>[] = [
  { name: 'valid-only', description: 'random valid records (faker, seeded) and documented examples: does the project accept what its schemas allow?', config: { random: 8, boundaries: false, invalid: 'none' } },
  { name: 'boundaries', description: 'valid values at every boundary and the invalid ones just outside it (length, range, item count, documented bounds)', config: { random: 2, boundaries: true, invalid: 'edges' } },
  { name: 'negative', description: 'invalid records breaking one constraint each (type, required, enum, pattern, format, range, extra property): does the project reject them?', config: { random: 1, boundaries: false, invalid: 'all' } },
  { name: 'full', description: 'random, boundary and every invalid record', config: { random: 8, boundaries: true, invalid: 'all' } },
];

/** Keywords of the invalid records just outside a boundary. */
const EDGE_KEYWORDS = new Set(['minLength', 'maxLength', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'minItems', 'maxItems']);

/** Options of `TestDataGeneratorCore`. */
export interface TestDataGeneratorCoreOptions {
  /** Seed of every generator (default 1); it is in the report, so a run can be replayed. */
  seed?: number;
  /** Folder the data set is written to as JSON (default env `QE_TEST_DATA_DIR`; none = not written). */
  outputDir?: string;
  /** Per-request timeout (default 5000 ms). */
  requestTimeoutMs?: number;
  /** Timeout of all function calls together (default 60 000 ms). */
  callTimeoutMs?: number;
  service?: Omit<TargetServiceOptions, 'dir'>;
}

/** Counts of the data generated and checked. */
export interface DataSetStats {
  generated: number;
  /** Records ajv confirmed (valid ones valid, invalid ones failing exactly as claimed): only these are used. */
  schemaValid: number;
  byKind: Record<'valid' | 'boundary' | 'invalid', number>;
  requests: number;
  calls: number;
}

/** The test-data-generator's report: the findings plus the data set's figures. */
export interface TestDataReport extends AgentReport {
  seed: number;
  stats: DataSetStats;
  /** Where the data set was written, when it was. */
  dataSetFile?: string;
}

/**
 * Generates seeded valid, boundary and invalid data from the target's OpenAPI schemas (request
 * bodies and query parameters) and from the TypeScript types of its pure exported functions,
 * confirms every record with ajv, then checks that the project accepts the valid records and
 * rejects the invalid ones: requests to its running service, calls of its functions.
 */
export class TestDataGeneratorCore implements AgentCore {
  readonly id = 'test-data-generator';
  readonly usesService = true;
  readonly strategies = TEST_DATA_STRATEGIES;
  readonly #options: TestDataGeneratorCoreOptions;

  constructor(options: TestDataGeneratorCoreOptions = {}) {
    this.#options = options;
  }

  notApplicable(target: Target): string | undefined {
    if (target.profile.api !== undefined) return undefined;
    const { functions, exported } = offeredExports(target);
    if (functions.some((f) => argumentsSchema(f) !== undefined)) return undefined;
    const internal = exported.length - functions.length;
    return `no API description, and no function the package offers is pure with JSON-typed parameters (${functions.length} public exported function(s)${internal > 0 ? `, ${internal} internal helper(s) left out` : ''}): nothing to generate data for`;
  }

  async run(target: Target, strategyName: string, options: AgentRunOptions = {}): Promise<TestDataReport> {
    const strategy = findStrategy(this, strategyName);
    const started = Date.now();
    const seed = this.#options.seed ?? 1;
    const notes: string[] = [`seed ${seed}: the same seed, strategy and schemas give the same data`];
    const skipped: SkippedSurface[] = [];
    const checker = new SchemaChecker();
    const stats: DataSetStats = { generated: 0, schemaValid: 0, byKind: { valid: 0, boundary: 0, invalid: 0 }, requests: 0, calls: 0 };
    const keep = <R extends GeneratedRecord>(schema: object, records: R[]): R[] =>
      records.filter((record) => {
        stats.generated++;
        const ok = checker.check(schema, record).ok;
        if (ok) {
          stats.schemaValid++;
          stats.byKind[record.kind]++;
        }
        return ok;
      });

    const api = await this.#apiData(target, strategy.config, seed, keep, notes, skipped);
    const functions = this.#functionData(target, strategy.config, seed, keep, notes, skipped);
    if (api.sets.length === 0 && functions.length === 0 && skipped.length > 0) {
      throw new AgentError('UNSUPPORTED_TARGET', `no data could be generated: ${skipped.map((s) => `${s.surface}: ${s.reason}`).join('; ')}`);
    }

    const requests = await this.#sendRequests(target, api, options.signal, notes, skipped);
    const calls = await this.#callFunctions(target, functions, options.signal, notes, skipped);
    stats.requests = requests.length;
    stats.calls = calls.length;

    const findings: Finding[] = dataFindings(requests, calls).map((f) => ({ ...f, message: maskCredentials(f.message, target.headers), evidence: maskCredentials(f.evidence, target.headers) }));
    const share = stats.generated === 0 ? 0 : stats.schemaValid / stats.generated;
    notes.push(`${stats.generated} records generated, ${stats.schemaValid} confirmed by ajv (${(share * 100).toFixed(1)} %): ${stats.byKind.valid} valid, ${stats.byKind.boundary} boundary, ${stats.byKind.invalid} invalid; ${stats.requests} requests, ${stats.calls} calls`);

    const report: TestDataReport = {
      agentId: this.id,
      strategy: strategy.name,
      target: target.dir,
      findings,
      durationMs: Date.now() - started,
      coverage: (api.sets.length + functions.length) / Math.max(1, api.sets.length + functions.length + skipped.length),
      notes: notes.map((n) => maskCredentials(n, target.headers)),
      ...(skipped.length === 0 ? {} : { skipped }),
      measure: { name: 'schema-valid share', value: share },
      seed,
      stats,
    };
    const outputDir = this.#options.outputDir ?? process.env['QE_TEST_DATA_DIR'];
    if (outputDir !== undefined && outputDir !== '') {
      report.dataSetFile = await writeDataSet(resolve(outputDir), report, api.sets, functions, requests, calls);
      report.durationMs = Date.now() - started;
    }
    return report;
  }

  async #apiData(target: Target, config: TestDataConfig, seed: number, keep: <R extends GeneratedRecord>(schema: object, records: R[]) => R[], notes: string[], skipped: SkippedSurface[]): Promise<{ sets: RequestDataSet[]; operations: ApiOperation[]; basePath: string }> {
    const none = { sets: [], operations: [], basePath: '' };
    if (target.profile.api === undefined) {
      skipped.push({ surface: 'api data', reason: 'no OpenAPI/Swagger description found' });
      return none;
    }
    let loaded: Awaited<ReturnType<typeof loadOperations>>;
    try {
      loaded = await loadOperations(target.dir, { file: target.profile.api.file });
    } catch (error) {
      const e = AgentError.from(error);
      if (e.code !== 'UNSUPPORTED_TARGET' && e.code !== 'TOOL_FAILED') throw e;
      skipped.push({ surface: 'api data', reason: e.message });
      return none;
    }
    const sets: RequestDataSet[] = [];
    const operations: ApiOperation[] = [];
    for (const op of loaded.operations) {
      const schema = requestSchema(op);
      if (schema === undefined) continue;
      const generator = new RecordGenerator({ seed: subjectSeed(seed, op.route) });
      const records = [...generator.valid(schema, config.random)];
      if (config.boundaries) records.push(...generator.boundaries(schema));
      if (config.invalid !== 'none') records.push(...generator.invalid(schema).filter((r) => sendable(r, schema) && (config.invalid === 'all' || EDGE_KEYWORDS.has(r.claim?.keyword ?? ''))));
      sets.push({ route: op.route, schema, records: keep(schema, records) });
      operations.push(op);
    }
    if (sets.length === 0) skipped.push({ surface: 'api data', reason: `${loaded.file} documents no JSON body or query parameter` });
    else notes.push(`api: data for ${sets.length} of ${loaded.operations.length} operations of ${loaded.file}`);
    return { sets, operations, basePath: loaded.basePath };
  }

  #functionData(target: Target, config: TestDataConfig, seed: number, keep: <R extends GeneratedRecord>(schema: object, records: R[]) => R[], notes: string[], skipped: SkippedSurface[]): FunctionDataSet[] {
    const { functions, exported, entries } = offeredExports(target);
    if (entries !== undefined && functions.length < exported.length) notes.push(`functions: ${functions.length} of ${exported.length} exported functions are reachable from the package entries (${entries.join(', ')}); internal helpers are left out`);
    const sets = functions
      .map((fn) => functionDataSets([fn], new RecordGenerator({ seed: subjectSeed(seed, `${fn.file}#${fn.name}`) }), { random: config.random, boundaries: config.boundaries })[0])
      .filter((set): set is FunctionDataSet => set !== undefined)
      .map((set) => ({ ...set, records: keep(set.schema, set.records) }));
    if (sets.length === 0) skipped.push({ surface: 'function data', reason: 'no pure exported function whose parameters have JSON types' });
    else {
      const left = functions.filter((f) => !sets.some((s) => s.fn === f)).length;
      notes.push(`functions: data for ${sets.length} pure exported functions (${left} left out: I/O modules, async, no parameters, or parameters without a JSON type)`);
    }
    if (config.invalid !== 'none' && sets.length > 0) notes.push('functions get valid and boundary data only: a TypeScript type says what is valid, not what the function must refuse');
    return sets;
  }

  async #sendRequests(target: Target, api: { sets: RequestDataSet[]; operations: ApiOperation[]; basePath: string }, signal: AbortSignal | undefined, notes: string[], skipped: SkippedSurface[]): Promise<RequestOutcome[]> {
    if (api.sets.length === 0) return [];
    if (target.baseUrl === undefined && target.profile.service === undefined) {
      skipped.push({ surface: 'api requests', reason: 'no service to start (no start command, start script or conventional entry) and no URL: the data set was generated but not sent' });
      return [];
    }
    const outcomes: RequestOutcome[] = [];
    let base = '';
    await withService(
      target,
      async (serviceUrl) => {
        base = apiBaseUrl(serviceUrl, api.basePath);
        for (const [i, set] of api.sets.entries()) {
          const op = api.operations[i] as ApiOperation;
          const generator = new RecordGenerator({ seed: subjectSeed(this.#options.seed ?? 1, `path ${op.route}`) });
          outcomes.push(...(await probeApi(op, set, { baseUrl: base, headers: target.headers ?? {}, timeoutMs: this.#options.requestTimeoutMs ?? 5000, generator, ...(signal === undefined ? {} : { signal }) })));
        }
      },
      this.#options.service,
    );
    const statuses = outcomes.filter((o) => o.record.kind !== 'invalid').map((o) => o.status);
    const problem = pathMismatch(statuses, base) ?? credentialsMismatch(statuses, Object.keys(target.headers ?? {}).length > 0);
    if (problem !== undefined) {
      skipped.push({ surface: 'api requests', reason: problem });
      notes.push(`api findings dropped: ${problem}`);
      return [];
    }
    return outcomes;
  }

  async #callFunctions(target: Target, sets: FunctionDataSet[], signal: AbortSignal | undefined, notes: string[], skipped: SkippedSurface[]): Promise<CallOutcome[]> {
    if (sets.length === 0) return [];
    try {
      return await probeFunctions(sets, {
        targetDir: target.dir,
        sources: extractTargetExports(target).sources,
        packageType: target.profile.packageModule === 'esm' ? 'module' : 'commonjs',
        timeoutMs: this.#options.callTimeoutMs ?? 60_000,
        ...(signal === undefined ? {} : { signal }),
      });
    } catch (error) {
      const e = AgentError.from(error);
      if (e.code === 'ABORTED') throw e;
      skipped.push({ surface: 'function calls', reason: e.message });
      notes.push(`function calls failed: ${e.message}`);
      return [];
    }
  }
}

/** A per-subject seed: one operation's data does not change when another operation is added. */
function subjectSeed(seed: number, subject: string): number {
  let h = 2166136261 ^ seed;
  for (let i = 0; i < subject.length; i++) h = Math.imul(h ^ subject.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** Writes the data set (records with their claims and what the project answered) as JSON; returns the file. */
async function writeDataSet(dir: string, report: TestDataReport, sets: RequestDataSet[], functions: FunctionDataSet[], requests: RequestOutcome[], calls: CallOutcome[]): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, `test-data.${report.strategy}.seed-${report.seed}.json`);
  const answered = new Map<GeneratedRecord, unknown>();
  for (const r of requests) answered.set(r.record, { request: r.request, status: r.status, response: r.response.slice(0, 200), verdict: r.verdict });
  for (const c of calls) answered.set(c.record, { call: c.call, result: c.result, verdict: c.verdict });
  const document = {
    generator: 'qe-fleet test-data-generator',
    strategy: report.strategy,
    seed: report.seed,
    stats: report.stats,
    operations: sets.map((s) => ({ route: s.route, schema: s.schema, records: s.records.map((r) => ({ ...r, outcome: answered.get(r) })) })),
    functions: functions.map((s) => ({ function: s.fn.name, file: s.fn.file, schema: s.schema, records: s.records.map((r) => ({ ...r, outcome: answered.get(r) })) })),
  };
  await writeFile(file, `${JSON.stringify(document, null, 2)}\n`);
  return file;
}
