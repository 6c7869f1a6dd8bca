import { AgentError } from './AgentError.js';
import type { CatalogueScore } from '../findings/Catalogue.js';
import type { Finding } from '../findings/Finding.js';
import type { Target } from '../target/Target.js';

/** A named way of running an agent, with the knobs the core reads. */
export interface AgentStrategy<C = Record<string, unknown>> {
  name: string;
  description: string;
  config: C;
  /**
   * Whether this strategy talks to the target's running service, when it differs from the core's
   * `usesService` (a static strategy of a scanner with a live one): a fleet told to run only this
   * strategy then starts no service for it.
   */
  usesService?: boolean;
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
  /** Non-fatal remarks worth showing a human (what was examined, unavailable sources). */
  notes: string[];
  /**
   * Surfaces the strategy stands for that could not run on this target, each with its reason
   * ("no API description found"). They lower `coverage`, not `success`: a strategy degrades to
   * what it can run and fails only when nothing it stands for could run.
   */
  skipped?: SkippedSurface[];
  /**
   * The agent's own measure of what it produced, 0..1 (schema-valid share of generated data, APFD
   * of a test order...), named. When present, satisfaction is scaled by it: findings alone do not
   * say whether the agent's product (a data set, an order, a selection) was any good.
   */
  measure?: AgentMeasure;
}

/** An agent's own quality measure of one run (see `AgentReport.measure`). */
export interface AgentMeasure {
  /** What is measured, e.g. `schema-valid share` or `APFD`. */
  name: string;
  /** 0..1, higher is better. */
  value: number;
}

/** A part of a strategy that did not run, and why (shown to the user, never silent). */
export interface SkippedSurface {
  /** What was not examined: `api`, `type-aware rules`, `dependencies`, `live probes`, … */
  surface: string;
  reason: string;
}

/** Options of a core run. */
export interface AgentRunOptions {
  signal?: AbortSignal;
  /**
   * Milliseconds the caller waits for this run (a fleet task's timeout), after which it discards
   * it. A core whose work can end early and still say what it measured (mutation testing) stops
   * in time and reports the part it did.
   */
  timeBudgetMs?: number;
}

/**
 * The pure, directly testable part of an agent: run one strategy on one target. Bad targets and
 * broken tools throw AgentError; a report is only returned when the checks really ran.
 */
export interface AgentCore {
  readonly id: string;
  readonly strategies: readonly AgentStrategy<unknown>[];
  /**
   * Why this agent cannot apply to `target` at all (a library has no service for an API tester),
   * or `undefined` when it applies. A caller checks it before running: a not-applicable agent is
   * listed with its reason, is not a failure, and is never a learning experience.
   */
  notApplicable?(target: Target): string | undefined;
  /**
   * Some strategy talks to the target's running service. A fleet starts the service once for all
   * such agents (and not at all when none runs); an agent given no `baseUrl` starts its own.
   */
  readonly usesService?: boolean;
  /**
   * Its findings depend on an otherwise quiet machine (wall-clock timings, tests that fail under
   * load): a fleet runs it with no other agent beside it, since a neighbour's load would show up
   * as the target's slowness or flakiness.
   */
  readonly measuresTime?: boolean;
  run(target: Target, strategy: string, options?: AgentRunOptions): Promise<AgentReport>;
}

/** The strategy `name` of a core; AgentError UNKNOWN_STRATEGY naming the ones it has otherwise. */
export function findStrategy<C>(core: { readonly id: string; readonly strategies: readonly AgentStrategy<C>[] }, name: string): AgentStrategy<C> {
  const strategy = core.strategies.find((s) => s.name === name);
  if (strategy === undefined) throw new AgentError('UNKNOWN_STRATEGY', `${core.id} has no strategy "${name}" (has ${core.strategies.map((s) => s.name).join(', ')})`);
  return strategy;
}
