import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { AgentError } from '../agent/AgentError.js';
import { isDefectKind } from './Finding.js';
import { type BaselineEntry, type ReportedFinding, ruleOf, SEVERITIES } from './ReportedFinding.js';

/** Where a target keeps its baseline, relative to the target folder. */
export const BASELINE_PATH = '.qe-fleet/baseline.json';

/** The baseline file: the findings accepted as known when it was saved. */
export interface BaselineFile {
  version: 1;
  /** ISO time it was saved. */
  savedAt: string;
  findings: BaselineEntry[];
}

/** Findings marked against a baseline, and the baseline findings that are gone. */
export interface BaselineComparison<F> {
  findings: Array<F & { baseline: 'new' | 'existing' }>;
  fixed: BaselineEntry[];
}

/** Options of `compareWithBaseline`. */
export interface CompareWithBaselineOptions {
  /**
   * Agents that ran successfully this time. A baseline finding of another agent (not run, failed,
   * not applicable) is not "fixed": nobody looked. Default: every agent.
   */
  ranAgents?: readonly string[];
}

/** A baseline of `findings` (suppressed ones are not baselined: they are already accounted for). */
export function createBaseline(findings: readonly ReportedFinding[], savedAt: Date = new Date()): BaselineFile {
  return {
    version: 1,
    savedAt: savedAt.toISOString(),
    findings: findings
      .filter((f) => f.suppressed === undefined)
      .map((f) => ({ fingerprint: f.fingerprint, agent: f.agent, rule: ruleOf(f), kind: f.kind, severity: f.severity, location: f.location, message: f.message })),
  };
}

/** Validates a parsed baseline file; AgentError BASELINE_INVALID naming what is wrong. */
export function parseBaseline(raw: unknown, source = BASELINE_PATH): BaselineFile {
  const bad = (why: string): never => {
    throw new AgentError('BASELINE_INVALID', `baseline ${source} is invalid: ${why} (delete it or save it again)`);
  };
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) bad('not an object');
  const file = raw as Record<string, unknown>;
  if (file['version'] !== 1) bad(`unknown version ${JSON.stringify(file['version'])}`);
  if (typeof file['savedAt'] !== 'string') bad('savedAt is missing');
  if (!Array.isArray(file['findings'])) bad('findings is not an array');
  (file['findings'] as unknown[]).forEach((entry, i) => {
    const e = entry as Record<string, unknown> | null;
    if (e === null || typeof e !== 'object') bad(`findings[${i}] is not an object`);
    const ok =
      typeof e!['fingerprint'] === 'string' &&
      typeof e!['agent'] === 'string' &&
      typeof e!['rule'] === 'string' &&
      isDefectKind(e!['kind']) &&
      (SEVERITIES as readonly unknown[]).includes(e!['severity']) &&
      typeof e!['location'] === 'object' &&
      e!['location'] !== null &&
      typeof e!['message'] === 'string';
    if (!ok) bad(`findings[${i}] lacks fingerprint, agent, rule, kind, severity, location or message`);
  });
  return raw as BaselineFile;
}

/**
 * Marks each finding `new` or `existing` by fingerprint, and lists as fixed the baseline findings
 * of agents that ran whose fingerprint no finding (suppressed ones included) has any more.
 */
export function compareWithBaseline<F extends ReportedFinding>(
  findings: readonly F[],
  baseline: BaselineFile,
  options: CompareWithBaselineOptions = {},
): BaselineComparison<F> {
  const known = new Set(baseline.findings.map((e) => e.fingerprint));
  const current = new Set(findings.map((f) => f.fingerprint));
  const ran = options.ranAgents === undefined ? undefined : new Set(options.ranAgents);
  return {
    findings: findings.map((f) => ({ ...f, baseline: known.has(f.fingerprint) ? 'existing' : 'new' })),
    fixed: baseline.findings.filter((e) => !current.has(e.fingerprint) && (ran === undefined || ran.has(e.agent))),
  };
}

/** Reads `<dir>/.qe-fleet/baseline.json`; undefined when there is none, BASELINE_INVALID when unreadable. */
export async function loadBaseline(dir: string): Promise<BaselineFile | undefined> {
  const path = join(dir, BASELINE_PATH);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new AgentError('BASELINE_INVALID', `baseline ${path} cannot be read: ${(error as Error).message}`, { cause: error });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new AgentError('BASELINE_INVALID', `baseline ${path} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  return parseBaseline(raw, path);
}

/** Writes the baseline to `<dir>/.qe-fleet/baseline.json` (via a temp file, so a crash leaves the old one); returns the path. */
export async function saveBaseline(dir: string, baseline: BaselineFile): Promise<string> {
  const path = join(dir, BASELINE_PATH);
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(baseline, null, 2)}\n`);
  await rename(temp, path);
  return path;
}
