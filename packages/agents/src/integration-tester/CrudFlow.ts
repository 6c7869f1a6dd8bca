import type { SchemaSampler } from '../kit/openapi/SchemaSampler.js';
import { findIds } from '../kit/openapi/responseProblems.js';
import type { FlowSession, FlowStep } from './FlowSession.js';
import { bodyFor, createdId, declaredFields, droppedFields, isObject, listQueryLike, pageMayBeFull, staleFields } from './flowChecks.js';
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
  /**
   * What the reads after a 2xx DELETE showed: `deleted` (GET answered 404/410 and the list no
   * longer holds the id), `not-deleted` (a finding), `unconfirmed` (no read could tell); absent when
   * the flow did not delete.
   */
  deleteVerdict?: 'deleted' | 'not-deleted' | 'unconfirmed';
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
    // The step's own verdict: an earlier failed step must not stop the checks of later ones.
    const expect2xx = (step: FlowStep): boolean => {
      const good = step.status >= 200 && step.status < 300;
      ok &&= good;
      return good;
    };
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
    // A list filtered by the fields the created item has (`?type=dog` for a dog): it must hold the item.
    let latest = sent;
    if (this.#steps.list && family.list && idFrom === 'created') {
      const list = await s.send(family.list, {}, undefined, listQueryLike(family.list, latest));
      const ids = findIds(list.text);
      if (expect2xx(list) && ids.length < 50 && !pageMayBeFull(list.path, ids.length) && !ids.includes(id)) s.report(family.list, 'logic-bug', 'medium', `${family.list.route} does not list ${id}, created just before by ${family.create?.route ?? 'POST'}`, 0.6, 'list-misses-created');
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
      // The item's fields now: a list filtered on them must be asked with the new values.
      if (updated.status >= 200 && updated.status < 300 && isObject(change)) latest = { ...(isObject(latest) ? latest : {}), ...change };
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
    let deleteVerdict: FlowOutcome['deleteVerdict'];
    if (this.#steps.remove && family.remove && idFrom === 'created') {
      const listQuery = family.list ? listQueryLike(family.list, latest) : {};
      // The list is a second witness, but only when it showed the item before the delete.
      const listedBefore = family.list !== undefined && findIds((await s.send(family.list, {}, undefined, listQuery)).text).includes(id);
      const removed = await s.send(family.remove, params);
      if (expect2xx(removed)) {
        // Witnesses that still see the item, and whether any saw it gone (a read 404/410, a list without it).
        const still: string[] = [];
        let seenGone = false;
        let readable = false;
        if (family.read) {
          const read = await s.send(family.read, params);
          readable = read.status >= 200 && read.status < 300;
          if (readable) still.push(`${family.read.route} still answers ${read.status} for it`);
          seenGone ||= read.status === 404 || read.status === 410;
        }
        if (family.list && listedBefore) {
          const list = await s.send(family.list, {}, undefined, listQuery);
          const listed = findIds(list.text).includes(id);
          if (expect2xx(list) && listed) still.push(`${family.list.route} still lists it`);
          seenGone ||= list.status >= 200 && list.status < 300 && !listed;
        }
        deleteVerdict = still.length > 0 ? 'not-deleted' : seenGone ? 'deleted' : 'unconfirmed';
        if (still.length > 0) {
          ok = false;
          s.report(family.remove, 'logic-bug', 'high', `${family.remove.route} answered ${removed.status} for ${id} but ${still.join(' and ')}: the delete did not delete`, still.length > 1 ? 0.9 : 0.8, readable ? 'deleted-still-readable' : 'deleted-still-listed');
        }
      }
    }
    return { family: family.item, idFrom, steps: s.log.length, completed: ok && s.log.length > 0, ...(deleteVerdict === undefined ? {} : { deleteVerdict }) };
  }
}
