import type { SchemaSampler } from '../kit/openapi/SchemaSampler.js';
import { findIds } from '../kit/openapi/responseProblems.js';
import type { FlowSession, FlowStep } from './FlowSession.js';
import { bodyFor, createdId, declaredFields, droppedFields, staleFields } from './flowChecks.js';
import type { ResourceFamily } from './resourceFamilies.js';

/** Which steps of a resource's life a flow walks through. */
export interface CrudFlowSteps {
  /** Reads of a fresh client-chosen id before any write (empty state), sub-resource writes and the reads after them. */
  subResources: boolean;
  /** The created item appears in the collection's list. */
  list: boolean;
  /** DELETE the created item, then GET must not find it. */
  remove: boolean;
}

/** What one flow did. */
export interface FlowOutcome {
  family: string;
  /** How the flow got its id: created by POST, chosen by the client, listed by the service, or none. */
  idFrom: 'created' | 'client' | 'listed' | 'none';
  steps: number;
  /** Every request of the flow answered as its step expected (2xx, or 404 after a delete). */
  completed: boolean;
}

/**
 * One create → read → (list) → (sub-resources) → update → read → (delete → read) flow over a
 * resource family, with the id the service returned (or a fresh client-chosen one) carried
 * between requests. Fields sent but not read back, writes a later read does not see, and
 * deleted items still readable are reported on the session.
 */
export class CrudFlow {
  readonly #session: FlowSession;
  readonly #sampler: SchemaSampler;
  readonly #steps: CrudFlowSteps;
  readonly #knownIds: readonly string[];
  readonly #freshId: () => string;

  constructor(session: FlowSession, sampler: SchemaSampler, steps: CrudFlowSteps, knownIds: readonly string[], freshId: () => string) {
    this.#session = session;
    this.#sampler = sampler;
    this.#steps = steps;
    this.#knownIds = knownIds;
    this.#freshId = freshId;
  }

  async run(family: ResourceFamily, listedIds: readonly string[]): Promise<FlowOutcome> {
    const s = this.#session;
    s.begin();
    let ok = true;
    const expect2xx = (step: FlowStep): boolean => (ok = ok && step.status >= 200 && step.status < 300);
    let id: string | undefined;
    let idFrom: FlowOutcome['idFrom'] = 'none';
    let sent: unknown;
    if (family.create) {
      sent = bodyFor(family.create, this.#sampler, false, this.#knownIds);
      const created = await s.send(family.create, {}, sent);
      id = expect2xx(created) ? (createdId(created.json) ?? findIds(created.text)[0]) : undefined;
      if (id !== undefined) idFrom = 'created';
    } else if (family.subWrites.length > 0 || family.update?.method === 'PUT') {
      id = this.#freshId();
      idFrom = 'client';
    }
    if (id === undefined && listedIds[0] !== undefined) {
      id = listedIds[0];
      idFrom = 'listed';
    }
    if (id === undefined) return { family: family.item, idFrom, steps: s.log.length, completed: false };
    const params = { [family.param]: id };
    if (idFrom === 'client' && this.#steps.subResources) {
      // The empty state of a resource the client names: every read of it must still answer as documented.
      for (const read of [family.read, ...family.subReads]) if (read) await s.send(read, params);
    }
    let current: unknown;
    if (family.read && idFrom !== 'client') {
      const back = await s.send(family.read, params);
      current = back.json;
      if (expect2xx(back) && family.create && idFrom === 'created') {
        const dropped = droppedFields(sent, back.json, declaredFields(family.read));
        if (dropped.length > 0) s.report(family.create, 'api-field-dropped', 'high', `${family.create.route} then ${family.read.route}: field(s) ${dropped.join(', ')} sent but not read back`, 0.85, 'field-dropped');
      }
    }
    if (this.#steps.list && family.list && idFrom === 'created') {
      const list = await s.send(family.list, {});
      const ids = findIds(list.text);
      if (expect2xx(list) && ids.length < 50 && !ids.includes(id)) s.report(family.list, 'logic-bug', 'medium', `${family.list.route} does not list ${id}, created just before by ${family.create?.route ?? 'POST'}`, 0.6, 'list-misses-created');
    }
    if (this.#steps.subResources) {
      for (const write of family.subWrites) {
        const step = await s.send(write, params, bodyFor(write, this.#sampler, false, this.#knownIds));
        if (!expect2xx(step)) continue;
        for (const read of [family.read, ...family.subReads]) if (read) expect2xx(await s.send(read, params));
      }
    }
    if (family.update && family.update.body !== undefined && idFrom !== 'client') {
      if (current === undefined && family.read) current = (await s.send(family.read, params)).json;
      const change = bodyFor(family.update, this.#sampler, true, this.#knownIds);
      const updated = await s.send(family.update, params, change);
      if (expect2xx(updated) && family.read) {
        const back = await s.send(family.read, params);
        if (expect2xx(back)) {
          const dropped = droppedFields(change, back.json, declaredFields(family.read));
          if (dropped.length > 0) s.report(family.update, 'api-field-dropped', 'high', `${family.update.route} then ${family.read.route}: field(s) ${dropped.join(', ')} sent but not read back`, 0.85, 'field-dropped');
          const stale = staleFields(change, current, back.json);
          if (stale.length > 0) s.report(family.update, 'api-field-dropped', 'high', `${family.update.route} then ${family.read.route}: the read still shows the old value of ${stale.join(', ')}`, 0.75, 'write-not-seen');
        }
      }
    }
    if (this.#steps.remove && family.remove && idFrom === 'created') {
      const removed = await s.send(family.remove, params);
      if (expect2xx(removed) && family.read) {
        const gone = await s.send(family.read, params);
        if (gone.status >= 200 && gone.status < 300) {
          ok = false;
          s.report(family.remove, 'logic-bug', 'high', `${family.remove.route} answered ${removed.status} but ${family.read.route} still returns ${id}`, 0.8, 'deleted-still-readable');
        }
      }
    }
    return { family: family.item, idFrom, steps: s.log.length, completed: ok && s.log.length > 0 };
  }
}
