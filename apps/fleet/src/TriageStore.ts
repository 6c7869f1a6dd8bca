import { createHash } from 'node:crypto';
import {
  type Finding,
  fingerprintFindings,
  isVerified,
  locationLabel,
  type ReportedFinding,
  ruleOf,
  sourceReader,
  type TriageSuppression,
  type TriageVerdictValue,
} from '@qe-fleet/agents/host';
import type { FeedbackContext, TaskResult } from '@qe-fleet/facade';
import type { LearningFeedback, LearningTask } from '@qe-fleet/learning-core';
import type { SwarmMemoryManager } from '@qe-fleet/memory';
import type { FindingsRunRecord } from './findingsStore.js';
import { FleetError } from './FleetError.js';

/**
 * Where users' verdicts live: `memory_entries`, partition `triage`, one key per target and finding
 * fingerprint (`qe-fleet/triage/<target hash>/<fingerprint>`), kept until changed (no TTL: a
 * dismissed false positive must stay dismissed). A fingerprint names one finding on one target,
 * as a code-scanning alert belongs to one repository.
 */
export const TRIAGE_PARTITION = 'triage';
const TRIAGE_PREFIX = 'qe-fleet/triage/';

/** The verdicts `qe-fleet triage` takes. */
export const TRIAGE_VERDICTS: readonly TriageVerdictValue[] = ['true', 'false', 'wontfix'];

/** The event the feedback hook stores each time it judges a result (the audit trail of what learning was told). */
export const TRIAGE_FEEDBACK_EVENT = 'triage:feedback';

/** Shortest id prefix `--mark` accepts (as `git` accepts abbreviated hashes). */
export const MIN_ID_PREFIX = 6;

/**
 * Pseudo-trials the rule's own confidence (its precision estimate) is worth against its verdicts:
 * two verdicts weigh as much as the rule's author's estimate.
 */
const PRIOR_WEIGHT = 2;

/** One stored verdict, with enough of the finding to list it and rate its agent, strategy and rule. */
export interface TriageVerdict {
  fingerprint: string;
  /** Absolute target folder. */
  target: string;
  verdict: TriageVerdictValue;
  reason: string | null;
  /** Epoch ms of the verdict. */
  at: number;
  agent: string;
  /** The strategy of the run the finding was reported by (null when unknown). */
  strategy: string | null;
  rule: string;
  severity: Finding['severity'];
  location: string;
  message: string;
}

/** A mark asked for: an id (a fingerprint or a prefix of at least MIN_ID_PREFIX characters) and a verdict. */
export interface TriageMark {
  id: string;
  verdict: TriageVerdictValue;
}

/** Verdict counts of one agent, strategy or rule; `falseRate` = false / (true + false), null before either. */
export interface TriageRate {
  key: string;
  true: number;
  false: number;
  wontfix: number;
  falseRate: number | null;
}

/** Triage rates per agent, strategy (`agent/strategy`) and rule, most judged first. */
export interface TriageRates {
  total: number;
  byAgent: TriageRate[];
  byStrategy: TriageRate[];
  byRule: TriageRate[];
}

/** What the feedback hook judged of one result: stored as a TRIAGE_FEEDBACK_EVENT. */
export interface TriageFeedbackRecord {
  taskId: string;
  agent: string;
  strategy: string;
  target: string;
  rating: number;
  /** Findings of the result with a verdict, by verdict. */
  judged: Record<TriageVerdictValue, number>;
  /** Unjudged findings rated by their rule's verdicts. */
  byRule: number;
  findings: number;
  /** The result's own signals the reward combines with the rating (satisfaction is the one replaced). */
  result: { success: boolean; executionTime: number | null; errors: number; coverage: number | null; satisfaction: number | null; resourceUsage: number | null };
}

const targetKey = (target: string): string => createHash('sha256').update(target).digest('hex').slice(0, 16);

/** Parses `ID=verdict`; a malformed mark or an unknown verdict is a USAGE error naming it. */
export function parseMark(text: string): TriageMark {
  const match = /^([0-9a-fA-F]+)=(.+)$/.exec(text.trim());
  if (match === null) throw new FleetError('USAGE', `--mark: expected ID=true|false|wontfix (ID from \`qe-fleet triage\`), got '${text}'`);
  const verdict = match[2]!.trim().toLowerCase();
  if (!(TRIAGE_VERDICTS as readonly string[]).includes(verdict)) {
    throw new FleetError('USAGE', `--mark ${match[1]}: verdict must be one of ${TRIAGE_VERDICTS.join(', ')}, got '${match[2]}'`);
  }
  return { id: match[1]!.toLowerCase(), verdict: verdict as TriageVerdictValue };
}

/** The finding of `run` an id names: the full fingerprint or a unique prefix; NOT_FOUND or USAGE (ambiguous, too short) otherwise. */
export function resolveFindingId(run: FindingsRunRecord, id: string): ReportedFinding {
  const all = [...run.findings, ...(run.suppressed ?? [])];
  const exact = all.find((f) => f.fingerprint === id);
  if (exact !== undefined) return exact;
  if (id.length < MIN_ID_PREFIX) throw new FleetError('USAGE', `finding id '${id}' is too short: give at least ${MIN_ID_PREFIX} characters of it`);
  const matches = all.filter((f) => f.fingerprint.startsWith(id));
  if (matches.length === 0) throw new FleetError('NOT_FOUND', `no finding '${id}' in the last run on ${run.target} (\`qe-fleet triage\` lists their ids)`);
  if (matches.length > 1) throw new FleetError('USAGE', `finding id '${id}' is ambiguous (${matches.map((f) => f.fingerprint.slice(0, 12)).join(', ')}): give more of it`);
  return matches[0]!;
}

/** Options of TriageStore. */
export interface TriageStoreOptions {
  /** Epoch ms. Default `Date.now`. */
  clock?: () => number;
}

/**
 * Users' verdicts on findings (`qe-fleet triage`), kept in the fleet database: which later runs
 * suppress (`false`, `wontfix`), and the feedback the agents' learning gets for the results that
 * report judged findings (seed `LearningFeedback.rating`, through BaseAgent's `feedback` option).
 */
export class TriageStore {
  readonly #memory: SwarmMemoryManager;
  readonly #clock: () => number;

  constructor(memory: SwarmMemoryManager, options: TriageStoreOptions = {}) {
    this.#memory = memory;
    this.#clock = options.clock ?? Date.now;
  }

  /**
   * Records verdicts on findings of `run`. Every mark is checked first (id known and unambiguous,
   * verdict valid): one bad mark stores nothing. All are stored in one transaction.
   */
  mark(run: FindingsRunRecord, marks: readonly TriageMark[], reason?: string): TriageVerdict[] {
    const at = this.#clock();
    const verdicts = marks.map((m) => {
      if (!(TRIAGE_VERDICTS as readonly string[]).includes(m.verdict)) {
        throw new FleetError('USAGE', `verdict must be one of ${TRIAGE_VERDICTS.join(', ')}, got '${String(m.verdict)}'`);
      }
      const finding = resolveFindingId(run, m.id);
      const verdict: TriageVerdict = {
        fingerprint: finding.fingerprint,
        target: run.target,
        verdict: m.verdict,
        reason: reason === undefined || reason.trim() === '' ? null : reason.trim(),
        at,
        agent: finding.agent,
        strategy: run.agents.find((a) => a.agent === finding.agent)?.strategy ?? null,
        rule: ruleOf(finding),
        severity: finding.severity,
        location: locationLabel(finding.location),
        message: finding.message,
      };
      return verdict;
    });
    this.#memory.transaction(() => {
      for (const v of verdicts) this.#memory.store(this.#key(v.target, v.fingerprint), v, { partition: TRIAGE_PARTITION, ttl: 0 });
    });
    return verdicts;
  }

  /** Removes the verdicts on findings of `run` named by `ids` (each checked first); returns how many existed. */
  unmark(run: FindingsRunRecord, ids: readonly string[]): number {
    const fingerprints = ids.map((id) => resolveFindingId(run, id).fingerprint);
    return this.#memory.transaction(() => fingerprints.filter((f) => this.#memory.delete(this.#key(run.target, f), { partition: TRIAGE_PARTITION })).length);
  }

  /** The verdicts on one target's findings, by fingerprint. */
  verdictsFor(target: string): Map<string, TriageVerdict> {
    const entries = this.#memory.query<TriageVerdict>(`${TRIAGE_PREFIX}${targetKey(target)}/%`, { partition: TRIAGE_PARTITION });
    return new Map(entries.map((e) => [e.value.fingerprint, e.value]));
  }

  /** Every verdict, on every target. */
  all(): TriageVerdict[] {
    return this.#memory.query<TriageVerdict>(`${TRIAGE_PREFIX}%`, { partition: TRIAGE_PARTITION }).map((e) => e.value);
  }

  /** The suppressions a run on `target` applies (`false` and `wontfix` verdicts), for `buildFindingsReport`. */
  suppressionsFor(target: string): Map<string, TriageSuppression> {
    const out = new Map<string, TriageSuppression>();
    for (const [fingerprint, v] of this.verdictsFor(target)) {
      if (v.verdict === 'true') continue;
      const day = new Date(v.at).toISOString().slice(0, 10);
      out.set(fingerprint, { triage: v.verdict, reason: `triaged ${v.verdict === 'false' ? 'false positive' : "won't fix"} on ${day}${v.reason === null ? '' : `: ${v.reason}`}` });
    }
    return out;
  }

  /** Verdict counts per agent, strategy and rule over every target. */
  rates(): TriageRates {
    const verdicts = this.all();
    const group = (keyOf: (v: TriageVerdict) => string): TriageRate[] => {
      const rows = new Map<string, TriageRate>();
      for (const v of verdicts) {
        const key = keyOf(v);
        const row = rows.get(key) ?? { key, true: 0, false: 0, wontfix: 0, falseRate: null };
        row[v.verdict] += 1;
        rows.set(key, row);
      }
      for (const row of rows.values()) row.falseRate = row.true + row.false === 0 ? null : row.false / (row.true + row.false);
      return [...rows.values()].sort((a, b) => b.true + b.false + b.wontfix - (a.true + a.false + a.wontfix) || a.key.localeCompare(b.key));
    };
    return {
      total: verdicts.length,
      byAgent: group((v) => v.agent),
      byStrategy: group((v) => `${v.agent}/${v.strategy ?? '?'}`),
      byRule: group((v) => v.rule),
    };
  }

  /**
   * The `feedback` option of the agents of a run on `target` (BaseAgent asks it before learning a
   * result). The rating is the share of the result's findings the user would call true: a finding
   * with a verdict counts 1 (`true`) or 0 (`false`; `wontfix` is left out: real, but no judgement
   * of the strategy); an unjudged finding whose rule has verdicts counts its rule's precision as
   * triaged (its confidence worth PRIOR_WEIGHT verdicts, updated by the rule's true and false
   * verdicts on every target). Undefined when no finding has either (nothing to say: the engine
   * keeps the result's own satisfaction). Each judgement is stored as a TRIAGE_FEEDBACK_EVENT.
   */
  feedbackFor(target: string): (task: LearningTask, result: TaskResult, run: FeedbackContext) => LearningFeedback | undefined {
    const read = sourceReader(target);
    return (task, result, run) => {
      const findings = (result.output as { findings?: Finding[] } | undefined)?.findings;
      if (!Array.isArray(findings) || findings.length === 0) return undefined;
      const verdicts = this.verdictsFor(target);
      const rules = this.#ruleCounts();
      // A database nobody triaged (the common case) costs one query, no fingerprinting.
      if (verdicts.size === 0 && rules.size === 0) return undefined;
      // Same fingerprints as the run's report: fingerprinting is per agent.
      const fingerprinted = fingerprintFindings(findings.map((f) => ({ ...f, agent: run.agentId })), read);
      const judged: Record<TriageVerdictValue, number> = { true: 0, false: 0, wontfix: 0 };
      let byRule = 0;
      const values: number[] = [];
      for (const f of fingerprinted) {
        const verdict = verdicts.get(f.fingerprint)?.verdict;
        if (verdict !== undefined) {
          judged[verdict] += 1;
          if (verdict !== 'wontfix') values.push(verdict === 'true' ? 1 : 0);
          continue;
        }
        // A reproduced finding is as good as confirmed; otherwise its rule's precision estimate.
        const prior = isVerified(f) ? 1 : f.confidence;
        const rule = rules.get(ruleOf(f));
        if (rule !== undefined && rule.true + rule.false > 0) {
          byRule += 1;
          values.push((PRIOR_WEIGHT * prior + rule.true) / (PRIOR_WEIGHT + rule.true + rule.false));
        } else values.push(prior);
      }
      if (judged.true + judged.false + byRule === 0) return undefined;
      const rating = values.reduce((s, v) => s + v, 0) / values.length;
      const record: TriageFeedbackRecord = {
        taskId: task.id,
        agent: run.agentId,
        strategy: run.strategy,
        target,
        rating,
        judged,
        byRule,
        findings: findings.length,
        result: {
          success: result.success,
          executionTime: result.executionTime ?? null,
          errors: result.errors?.length ?? 0,
          coverage: result.coverage ?? null,
          satisfaction: result.satisfaction ?? null,
          resourceUsage: result.resourceUsage ?? null,
        },
      };
      this.#memory.storeEvent({ type: TRIAGE_FEEDBACK_EVENT, source: run.agentId, payload: record });
      return {
        rating,
        source: 'qe-fleet triage',
        comment: `${judged.true} confirmed, ${judged.false} false, ${judged.wontfix} won't fix of ${findings.length} findings; ${byRule} rated by their rule's verdicts`,
      };
    };
  }

  /** True and false verdicts per rule, over every target. */
  #ruleCounts(): Map<string, { true: number; false: number }> {
    const counts = new Map<string, { true: number; false: number }>();
    for (const v of this.all()) {
      if (v.verdict === 'wontfix') continue;
      const c = counts.get(v.rule) ?? { true: 0, false: 0 };
      c[v.verdict] += 1;
      counts.set(v.rule, c);
    }
    return counts;
  }

  #key(target: string, fingerprint: string): string {
    return `${TRIAGE_PREFIX}${targetKey(target)}/${fingerprint}`;
  }
}
