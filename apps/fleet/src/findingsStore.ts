import { randomUUID } from 'node:crypto';
import { countBySeverity, type AgentOutcome, type FindingsReport, type ReportedFinding, type Severity } from '@qe-fleet/agents/host';
import { type SwarmMemoryManager, TTL_POLICY } from '@qe-fleet/memory';

/**
 * Where runs' findings live: `memory_entries`, partition `findings`, one key per run under this
 * prefix. The key holds the time inverted (`FAR_FUTURE - at`, zero-padded) so the store's key
 * order is newest first and `query(prefix, { limit })` reads the latest runs without a scan.
 * Kept 90 days (`TTL_POLICY.keys.snapshots`, the seed's policy for per-run history).
 */
export const FINDINGS_PARTITION = 'findings';
/** Key prefix of one stored run (see FINDINGS_PARTITION). */
export const FINDINGS_RUN_PREFIX = 'qe-fleet/findings/runs/';
const FAR_FUTURE = 9_999_999_999_999;
/** A run stores at most this many findings (most severe first); counts always cover all of them. */
export const MAX_STORED_FINDINGS = 500;

/** One run's findings as stored: counts for trends, the findings themselves for the latest view. */
export interface FindingsRunRecord {
  runId: string;
  /** Epoch ms. */
  at: number;
  target: string;
  agents: AgentOutcome[];
  counts: {
    total: number;
    bySeverity: Record<Severity, number>;
    byAgent: Record<string, number>;
    byFile: Record<string, number>;
    new: number | null;
    existing: number | null;
    fixed: number | null;
    suppressed: number;
  };
  findings: ReportedFinding[];
  /**
   * Suppressed findings (inline comment or triage verdict), so `qe-fleet triage` can change a
   * verdict; capped like `findings`. Absent in records of older versions.
   */
  suppressed?: ReportedFinding[];
  /** Findings not stored because of MAX_STORED_FINDINGS. */
  truncated: number;
}

const tally = (keys: string[]): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const key of keys) counts[key] = (counts[key] ?? 0) + 1;
  return counts;
};

/** The record of a run (pure): counts over every finding, findings capped. */
export function findingsRunRecord(report: FindingsReport, at: number, runId: string = randomUUID()): FindingsRunRecord {
  const baseline = report.baseline !== null;
  return {
    runId,
    at,
    target: report.target,
    agents: report.agents,
    counts: {
      total: report.findings.length,
      bySeverity: countBySeverity(report.findings),
      byAgent: tally(report.findings.map((f) => f.agent)),
      byFile: tally(report.findings.map((f) => ('file' in f.location ? f.location.file : '(no file)'))),
      new: baseline ? report.findings.filter((f) => f.baseline === 'new').length : null,
      existing: baseline ? report.findings.filter((f) => f.baseline === 'existing').length : null,
      fixed: baseline ? report.fixed.length : null,
      suppressed: report.suppressed.length,
    },
    findings: report.findings.slice(0, MAX_STORED_FINDINGS),
    suppressed: report.suppressed.slice(0, MAX_STORED_FINDINGS),
    truncated: Math.max(0, report.findings.length - MAX_STORED_FINDINGS),
  };
}

/** Stores a run's findings (see FINDINGS_PARTITION for where and for how long); returns the record. */
export function saveFindingsRun(memory: SwarmMemoryManager, report: FindingsReport, at: number = Date.now()): FindingsRunRecord {
  const record = findingsRunRecord(report, at);
  const key = `${FINDINGS_RUN_PREFIX}${String(FAR_FUTURE - at).padStart(13, '0')}-${record.runId}`;
  memory.store(key, record, { partition: FINDINGS_PARTITION, ttl: TTL_POLICY.keys.snapshots });
  return record;
}

/** The newest stored run, on `target` when given (absolute folder), or undefined. */
export function latestFindingsRun(memory: SwarmMemoryManager, target?: string): FindingsRunRecord | undefined {
  if (target === undefined) return listFindingsRuns(memory, 1)[0];
  // Newest first: the first on the target is its latest (runs older than 90 days have expired).
  for (let offset = 0; ; offset += 50) {
    const page = memory.query<FindingsRunRecord>(`${FINDINGS_RUN_PREFIX}%`, { partition: FINDINGS_PARTITION, limit: 50, offset }).map((e) => e.value);
    const hit = page.find((r) => r.target === target);
    if (hit !== undefined || page.length < 50) return hit;
  }
}

/** The stored runs, newest first (at most `limit`, default 50). */
export function listFindingsRuns(memory: SwarmMemoryManager, limit = 50): FindingsRunRecord[] {
  return memory.query<FindingsRunRecord>(`${FINDINGS_RUN_PREFIX}%`, { partition: FINDINGS_PARTITION, limit }).map((e) => e.value);
}
