import { findStrategy } from './AgentCore.js';
import type { AgentCore, AgentRunOptions } from './AgentCore.js';
import { scoreFindings } from '../findings/Catalogue.js';
import { openTarget } from '../target/Target.js';
import type { TargetSpec } from '../target/Target.js';
import { failedTaskResult, toTaskResult } from './toTaskResult.js';
import type { AgentTaskResult, ToTaskResultOptions } from './toTaskResult.js';

/** Options of `runAgentTask`. */
export interface RunAgentTaskOptions extends AgentRunOptions, ToTaskResultOptions {
  now?: () => number;
}

/**
 * Everything between a task and a TaskResult, shared by every agent: open and validate the target,
 * check the strategy, run the core, score its findings against the target's catalogue, and turn
 * any failure into a failed result with an AgentError code (never a thrown error, never a hang the
 * core's own timeouts do not bound).
 */
export async function runAgentTask(core: AgentCore, spec: TargetSpec, strategy: string, options: RunAgentTaskOptions = {}): Promise<AgentTaskResult> {
  const now = options.now ?? Date.now;
  const started = now();
  try {
    findStrategy(core, strategy);
    const target = await openTarget(spec);
    const ran = await core.run(target, strategy, {
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      ...(options.timeBudgetMs === undefined ? {} : { timeBudgetMs: options.timeBudgetMs - (now() - started) }),
    });
    // A strategy that talks to the service says which credential the document wants and nobody configured.
    const talks = findStrategy(core, strategy).usesService ?? core.usesService === true;
    const advice = talks ? (target.credentialAdvice ?? []).filter((a) => !ran.notes.includes(a)) : [];
    const report = advice.length === 0 ? ran : { ...ran, notes: [...ran.notes, ...advice] };
    const scored = target.catalogue === undefined ? report : { ...report, score: scoreFindings(report.findings, target.catalogue, core.id) };
    return toTaskResult(scored, options);
  } catch (error) {
    return failedTaskResult(error, strategy, now() - started);
  }
}
