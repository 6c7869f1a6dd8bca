import { findStrategy } from '../kit/agent/AgentCore.js';
import type { AgentCore, AgentReport, AgentRunOptions, AgentStrategy, SkippedSurface } from '../kit/agent/AgentCore.js';
import { AgentError } from '../kit/agent/AgentError.js';
import { apiBaseUrl, credentialsMismatch, pathMismatch } from '../kit/openapi/apiBaseUrl.js';
import { loadOperations, validRequest } from '../kit/openapi/operations.js';
import type { ApiOperation } from '../kit/openapi/operations.js';
import { findIds } from '../kit/openapi/responseProblems.js';
import { SchemaSampler } from '../kit/openapi/SchemaSampler.js';
import { maskCredentials } from '../kit/service/maskCredentials.js';
import { withService } from '../kit/service/TargetService.js';
import type { TargetServiceOptions } from '../kit/service/TargetService.js';
import type { Target } from '../kit/target/Target.js';
import { CrudFlow } from './CrudFlow.js';
import type { CrudFlowSteps, FlowOutcome } from './CrudFlow.js';
import { FlowSession } from './FlowSession.js';
import { RandomWalk } from './RandomWalk.js';
import { resourceFamilies } from './resourceFamilies.js';

/** Knobs of an integration-tester strategy. */
export interface IntegrationTesterConfig {
  /** Resource flows, and which of their steps; undefined = none. */
  flows?: CrudFlowSteps;
  /** Seeded random walks over the operations: how many, of how many steps. */
  walks: number;
  walkSteps: number;
}

/** An integration-tester report: the kit's report plus the flows' figures (the learning signal's own measure). */
export interface IntegrationTesterReport extends AgentReport {
  stats: { families: number; flows: FlowOutcome[]; flowsCompleted: number; requests: number; operations: number; operationsExercised: number };
}

/** Constructor options of `IntegrationTesterCore`. */
export interface IntegrationTesterCoreOptions {
  /** Seed of bodies, walks and client-chosen ids (default 11). */
  seed?: number;
  requestTimeoutMs?: number;
  service?: Omit<TargetServiceOptions, 'dir'>;
  now?: () => number;
}

/** The strategies. */
export const INTEGRATION_TESTER_STRATEGIES: readonly AgentStrategy<IntegrationTesterConfig>[] = [
  { name: 'read-after-write', description: 'per resource: create, read back, update, read back', config: { flows: { subResources: false, list: false, remove: false }, walks: 0, walkSteps: 0 } },
  { name: 'crud-flows', description: 'per resource: create → read → list → sub-resources (empty state first) → update → read → delete → read', config: { flows: { subResources: true, list: true, remove: true }, walks: 0, walkSteps: 0 } },
  { name: 'stateful-random', description: 'crud-flows + 3 seeded random walks of 40 requests carrying ids between operations', config: { flows: { subResources: true, list: true, remove: true }, walks: 3, walkSteps: 40 } },
];

/**
 * Integration tester core: starts the target's service with its real collaborators (its own
 * store, files and child processes: nothing is replaced), then runs multi-step flows built from
 * the API description, carrying ids and cookies between requests: create → read → list →
 * sub-resources → update → read → delete → read per resource, and seeded random walks. Every
 * response is judged against the document; fields a write sent that a later read drops, writes
 * a later read does not see, lists missing a created item and deleted items still readable are
 * findings whose evidence is the request sequence.
 */
export class IntegrationTesterCore implements AgentCore {
  readonly id = 'integration-tester';
  readonly usesService = true;
  readonly strategies = INTEGRATION_TESTER_STRATEGIES;
  readonly #options: IntegrationTesterCoreOptions;

  constructor(options: IntegrationTesterCoreOptions = {}) {
    this.#options = options;
  }

  /** Not applicable without an API description (flows are built from it) or without a service to start or a URL. */
  notApplicable(target: Target): string | undefined {
    if (target.profile.api === undefined) return 'no API description to build flows from (no JSON or YAML file with a top-level openapi or swagger key)';
    const given = this.#options.service?.command !== undefined || this.#options.service?.args !== undefined;
    if (target.baseUrl === undefined && target.profile.service === undefined && !given) return 'no service to start (no start command, start script or conventional entry) and no URL';
    return undefined;
  }

  async run(target: Target, strategyName: string, options: AgentRunOptions = {}): Promise<IntegrationTesterReport> {
    const now = this.#options.now ?? Date.now;
    const started = now();
    const strategy = findStrategy(this, strategyName);
    const why = this.notApplicable(target);
    if (why !== undefined || target.profile.api === undefined) throw new AgentError('UNSUPPORTED_TARGET', `not applicable: ${why ?? 'no API description'}`);
    const config = strategy.config;
    const { operations, basePath } = await loadOperations(target.dir, { file: target.profile.api.file });
    const families = resourceFamilies(operations);
    const seed = this.#options.seed ?? 11;
    const sampler = new SchemaSampler({ seed });
    let fresh = 0;
    const freshId = (): string => `qe-it-${seed}-${++fresh}`;
    const notes: string[] = [];
    const skipped: SkippedSurface[] = [];
    const flows: FlowOutcome[] = [];
    const exercised = new Set<ApiOperation>();
    let session: FlowSession | undefined;
    let base = '';
    await withService(
      target,
      async (serviceUrl) => {
        base = apiBaseUrl(serviceUrl, basePath);
        // One query per operation for the whole run (its own sampler: flows' bodies stay seeded the same).
        const querySampler = new SchemaSampler({ seed });
        const queries = new Map<ApiOperation, URLSearchParams>();
        const query = (op: ApiOperation): URLSearchParams => {
          let q = queries.get(op);
          if (q === undefined) queries.set(op, (q = validRequest(op, querySampler, true).query));
          return q;
        };
        session = new FlowSession({ baseUrl: base, headers: target.headers ?? {}, query, timeoutMs: this.#options.requestTimeoutMs ?? 10_000, ...(options.signal ? { signal: options.signal } : {}) });
        const s = session;
        // Ids the service lists: fallbacks for read-only resources and for fields naming another resource.
        const listed = new Map<string, string[]>();
        for (const family of families) {
          if (!family.list) continue;
          const step = await s.send(family.list, {});
          if (step.status >= 200 && step.status < 300) listed.set(family.item, findIds(step.text).slice(0, 10));
        }
        const knownIds = [...listed.values()].flat();
        if (config.flows) {
          const flow = new CrudFlow(s, sampler, config.flows, knownIds, freshId);
          for (const family of families) {
            flows.push(await flow.run(family, listed.get(family.item) ?? []));
            for (const step of s.log) if (step.status >= 200 && step.status < 300) exercised.add(step.op);
          }
        }
        if (config.walks > 0) {
          const walk = new RandomWalk(s, sampler, families, freshId);
          for (let i = 0; i < config.walks; i++) for (const op of await walk.run(operations, config.walkSteps, listed)) exercised.add(op);
        }
      },
      this.#options.service,
    );
    if (families.length === 0) skipped.push({ surface: 'resource flows', reason: 'no path of the document has an item template such as /things/{id}' });
    const statuses = session?.statuses ?? [];
    const mismatch = pathMismatch(statuses, base);
    if (mismatch !== undefined) {
      notes.push(mismatch);
      skipped.push({ surface: 'operations answering 404', reason: mismatch });
    }
    const refused = credentialsMismatch(statuses, Object.keys(target.headers ?? {}).length > 0, target.credentialAdvice);
    if (refused !== undefined) {
      notes.push(refused);
      skipped.push({ surface: 'operations behind authentication', reason: refused });
    }
    const findings = mismatch === undefined ? (session?.findings() ?? []) : [];
    const completed = flows.filter((f) => f.completed).length;
    notes.push(`${flows.length} flows over ${families.length} resources, ${completed} completed; ${exercised.size} of ${operations.length} operations answered 2xx in a flow`);
    const unconfirmed = flows.filter((f) => f.deleteVerdict === 'unconfirmed').map((f) => f.family);
    if (unconfirmed.length > 0) notes.push(`a 2xx DELETE of ${unconfirmed.join(', ')} could not be verified: the read after it answered neither 2xx nor 404/410 and no list showed the item before`);
    return {
      agentId: this.id,
      strategy: strategy.name,
      target: target.dir,
      findings,
      durationMs: now() - started,
      coverage: operations.length === 0 ? 0 : exercised.size / operations.length,
      notes: notes.map((n) => maskCredentials(n, target.headers)),
      ...(skipped.length === 0 ? {} : { skipped }),
      stats: { families: families.length, flows, flowsCompleted: completed, requests: session?.requests ?? 0, operations: operations.length, operationsExercised: exercised.size },
    };
  }
}
