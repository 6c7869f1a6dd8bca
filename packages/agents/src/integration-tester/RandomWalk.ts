import type { ApiOperation } from '../kit/openapi/operations.js';
import type { SchemaSampler } from '../kit/openapi/SchemaSampler.js';
import { findIds } from '../kit/openapi/responseProblems.js';
import type { FlowSession } from './FlowSession.js';
import { bodyFor, createdId, declaredFields, droppedFields } from './flowChecks.js';
import type { ResourceFamily } from './resourceFamilies.js';

/**
 * A seeded random walk over the operations: each step picks an operation, fills its path
 * parameters from the ids this walk created or the service listed (or a fresh client-chosen id),
 * sends it and keeps the ids its answer holds; a successful update is read back at once. Ids the
 * walk did not create are never deleted, so seeded data survives.
 */
export class RandomWalk {
  readonly #session: FlowSession;
  readonly #sampler: SchemaSampler;
  readonly #families: readonly ResourceFamily[];
  readonly #freshId: () => string;

  constructor(session: FlowSession, sampler: SchemaSampler, families: readonly ResourceFamily[], freshId: () => string) {
    this.#session = session;
    this.#sampler = sampler;
    this.#families = families;
    this.#freshId = freshId;
  }

  /** Walks `steps` requests; returns the operations that answered 2xx. */
  async run(operations: readonly ApiOperation[], steps: number, listed: ReadonlyMap<string, string[]>): Promise<Set<ApiOperation>> {
    const s = this.#session;
    s.begin();
    const pool = new Map<string, string[]>([...listed].map(([k, v]) => [k, [...v]]));
    const mine = new Set<string>();
    const succeeded = new Set<ApiOperation>();
    const pick = <T>(xs: readonly T[]): T | undefined => xs[Math.floor(this.#sampler.next() * xs.length)];
    for (let i = 0; i < steps; i++) {
      const op = pick(operations);
      if (!op) break;
      const family = this.#families.find((f) => op.path === f.item || op.path.startsWith(`${f.item}/`) || op.path === f.collection);
      const params: Record<string, string> = {};
      if (family && op.path !== family.collection) {
        const ids = pool.get(family.item) ?? [];
        const candidates = op.method === 'DELETE' ? ids.filter((id) => mine.has(id)) : ids;
        const clientChosen = family.create === undefined && this.#sampler.next() < 0.3;
        const id = clientChosen ? this.#freshId() : pick(candidates);
        if (id === undefined) continue;
        params[family.param] = id;
      } else if (/\{[^}]+\}/.test(op.path)) continue;
      const body = bodyFor(op, this.#sampler, this.#sampler.next() < 0.5, [...pool.values()].flat());
      const step = await s.send(op, params, body);
      if (step.status < 200 || step.status >= 300) continue;
      succeeded.add(op);
      if (family && op === family.create) {
        const id = createdId(step.json);
        if (id !== undefined) {
          mine.add(id);
          pool.set(family.item, [...(pool.get(family.item) ?? []), id]);
        }
      } else if (family && op === family.list) {
        pool.set(family.item, [...new Set([...(pool.get(family.item) ?? []), ...findIds(step.text).slice(0, 10)])]);
      } else if (family && op === family.remove) {
        pool.set(family.item, (pool.get(family.item) ?? []).filter((id) => id !== params[family.param]));
      } else if (family && op === family.update && family.read && body !== undefined) {
        const back = await s.send(family.read, params);
        const dropped = back.status === 200 ? droppedFields(body, back.json, declaredFields(family.read)) : [];
        if (dropped.length > 0) s.report(op, 'api-field-dropped', 'high', `${op.route} then ${family.read.route}: field(s) ${dropped.join(', ')} sent but not read back`, 0.85, 'field-dropped');
      }
    }
    return succeeded;
  }
}
