import { AgentError } from './AgentError.js';
import type { CatalogueScore } from '../findings/Catalogue.js';
import type { Finding } from '../findings/Finding.js';
import type { Target } from '../target/Target.js';

/** A named way of running an agent, with the knobs the core reads. */
export interface AgentStrategy<C = Record<string, unknown>> {
  name: string;
  description: string;
  config: C;
}

/** What one run of an agent core produced. */
export interface AgentReport {
  agentId: string;
  strategy: string;
  /** The target folder (absolute). */
  target: string;
  findings: Finding[];
  /** Wall time of the run, milliseconds. */
  durationMs: number;
  /** 0..1 where the agent measures coverage (files, routes, functions it examined / all). */
  coverage?: number;
  /** Present when the target has a catalogue: precision/recall of `findings` for `agentId`. */
  score?: CatalogueScore;
  /** Non-fatal remarks worth showing a human (skipped checks, unavailable sources). */
  notes: string[];
}

/** Options of a core run. */
export interface AgentRunOptions {
  signal?: AbortSignal;
}

/**
 * The pure, directly testable part of an agent: run one strategy on one target. Bad targets and
 * broken tools throw AgentError; a report is only returned when the checks really ran.
 */
export interface AgentCore {
  readonly id: string;
  readonly strategies: readonly AgentStrategy<unknown>[];
  run(target: Target, strategy: string, options?: AgentRunOptions): Promise<AgentReport>;
}

/** The strategy `name` of a core; AgentError UNKNOWN_STRATEGY naming the ones it has otherwise. */
export function findStrategy<C>(core: { readonly id: string; readonly strategies: readonly AgentStrategy<C>[] }, name: string): AgentStrategy<C> {
  const strategy = core.strategies.find((s) => s.name === name);
  if (strategy === undefined) throw new AgentError('UNKNOWN_STRATEGY', `${core.id} has no strategy "${name}" (has ${core.strategies.map((s) => s.name).join(', ')})`);
  return strategy;
}
