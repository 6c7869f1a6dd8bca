import { existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AGENT_IDS, AgentError, assertLoopback, type FindingsFormat, type PilotAgent, type Severity } from '@qe-fleet/agents/host';
import { FleetError } from './FleetError.js';
import type { CommandContext } from './program.js';

/** The sample target bundled with the repo: the default target of `run`. */
export const SAMPLE_TARGET = fileURLToPath(new URL('../../../fixtures/sample-target', import.meta.url));

/** Flags of `run` and `baseline save` (each overrides its config key). */
export interface RunOptions {
  target?: string;
  url?: string;
  agents?: string[];
  repeat?: number;
  failOn?: Severity | 'none';
  start?: string;
  /** An OSV or GitHub-advisory export for the security scanner when the package manager's audit does not answer. */
  advisories?: string;
  strategy?: Record<string, string>;
  /** Commander's `--no-learn`: false when given. */
  learn?: boolean;
  allowFailed?: boolean;
  format?: FindingsFormat;
  output?: string;
  maxFindings?: number;
  concurrency?: number;
  /** Commander's `--no-cache`: false when given. */
  cache?: boolean;
  /** test-generator: keep the generated tests in this folder. */
  writeTests?: string;
}

/** Everything a run needs, validated before any agent runs. */
export interface RunSettings {
  /** Absolute target folder. */
  target: string;
  url: string | undefined;
  agentIds: readonly string[];
  repeat: number;
  failOn: Severity | 'none';
  /** Forced strategies by agent id. */
  strategies: Readonly<Record<string, string>>;
  learn: boolean;
  allowFailed: boolean;
  format: FindingsFormat;
  /** Absolute file the formatted findings go to. */
  output: string | undefined;
  maxFindings: number | undefined;
  /** Agents run at the same time (those that measure time always run alone). */
  concurrency: number;
  /**
   * Reuse an agent's last result when nothing in the target changed. Off with `--no-cache`, with
   * `--url` (the service's code may live elsewhere and change unseen) and with `--repeat` > 1
   * (repeats are for learning, which a reused result does not feed) and with `--write-tests` (the
   * user asked for files a reused result would not write).
   */
  cache: boolean;
  /** Absolute folder the test-generator keeps its tests in (`--write-tests`). */
  writeTestsDir: string | undefined;
  /** What agents get to reach the target's service; headers hold credentials: never print or store them. */
  service: { start?: string; healthPath?: string; headers?: Record<string, string>; apiKey?: string; advisories?: string };
}

function parseAgents(list: string[] | undefined): readonly string[] {
  if (list === undefined) return AGENT_IDS;
  if (list.length === 0) throw new FleetError('USAGE', `--agents: expected a comma-separated list of agent ids (available: ${AGENT_IDS.join(', ')})`);
  const known: readonly string[] = AGENT_IDS;
  const unknown = list.filter((id) => !known.includes(id));
  if (unknown.length > 0) {
    throw new FleetError('USAGE', `unknown agent${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (available: ${AGENT_IDS.join(', ')})`);
  }
  return list;
}

/** `--strategy agent=name[,agent=name]` as a record; a malformed entry is a usage error. */
export function parseStrategyFlag(value: string): Record<string, string> {
  const strategies: Record<string, string> = {};
  for (const entry of value.split(',').map((s) => s.trim()).filter(Boolean)) {
    const match = /^([\w.-]+)=([\w.+-]+)$/.exec(entry);
    if (match === null) throw new FleetError('USAGE', `--strategy: expected agent=strategy[,agent=strategy], got '${entry}'`);
    strategies[match[1]!] = match[2]!;
  }
  if (Object.keys(strategies).length === 0) throw new FleetError('USAGE', '--strategy: expected agent=strategy[,agent=strategy]');
  return strategies;
}

function checkTarget(target: string): void {
  const info = existsSync(target) ? statSync(target) : undefined;
  if (info === undefined) throw new FleetError('TARGET', `target folder not found: ${target}`);
  if (!info.isDirectory()) throw new FleetError('TARGET', `target ${target} is a file; --target takes the project's folder`);
}

function serviceHeaders(ctx: CommandContext): Record<string, string> | undefined {
  const headers: Record<string, string> = { ...ctx.config.headers };
  const token = configuredSecret(ctx, 'tokenEnv');
  if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
  return Object.keys(headers).length === 0 ? undefined : headers;
}

/** The value of the environment variable a config key names; a named variable that is unset is a usage error. */
function configuredSecret(ctx: CommandContext, key: 'tokenEnv' | 'apiKeyEnv'): string | undefined {
  const name = ctx.config[key];
  if (name === undefined) return undefined;
  const value = ctx.io.env[name];
  if (value === undefined || value === '') throw new FleetError('USAGE', `environment variable ${name} (named by ${key} in the config) is not set`);
  return value;
}

/**
 * Merges flags over the config and validates everything a user can get wrong — a target that is
 * missing or a file, a non-loopback URL, an unknown agent, a strategy for an agent not run, an
 * unset token variable, an output folder that does not exist — so a bad run is refused before any
 * agent starts (and so is never learned from).
 */
export function resolveRunSettings(ctx: CommandContext, opts: RunOptions): RunSettings {
  const target = resolve(ctx.io.cwd, opts.target ?? ctx.config.target ?? SAMPLE_TARGET);
  checkTarget(target);
  const url = opts.url ?? ctx.config.url;
  if (url !== undefined) {
    try {
      assertLoopback(url);
    } catch (error) {
      if (error instanceof AgentError) throw new FleetError('USAGE', `--url: ${error.message} (agents only send requests to this machine)`, { cause: error });
      throw error;
    }
  }
  const agentIds = parseAgents(opts.agents ?? ctx.config.agents);
  const strategies = { ...ctx.config.strategy, ...opts.strategy };
  for (const agent of Object.keys(strategies)) {
    if (!agentIds.includes(agent)) throw new FleetError('USAGE', `--strategy names ${agent}, which is not among the agents run (${agentIds.join(', ')})`);
  }
  const format = opts.format ?? ctx.config.format ?? 'table';
  const output = opts.output ?? ctx.config.output;
  const outputPath = output === undefined ? undefined : resolve(ctx.io.cwd, output);
  if (outputPath !== undefined && !existsSync(dirname(outputPath))) throw new FleetError('USAGE', `--output: folder ${dirname(outputPath)} does not exist`);
  if (ctx.options.json && format !== 'table' && outputPath === undefined) {
    throw new FleetError('USAGE', `--json and --format ${format} both want stdout: add --output FILE for the ${format} findings`);
  }
  if (opts.writeTests !== undefined && !agentIds.includes('test-generator')) throw new FleetError('USAGE', `--write-tests keeps the test-generator's tests, which is not among the agents run (${agentIds.join(', ')})`);
  const start = opts.start ?? ctx.config.start;
  const healthPath = ctx.config.healthPath;
  const headers = serviceHeaders(ctx);
  const apiKey = configuredSecret(ctx, 'apiKeyEnv');
  const repeat = opts.repeat ?? ctx.config.repeat ?? 1;
  const advisoriesFlag = opts.advisories ?? ctx.config.advisories;
  const advisories = advisoriesFlag === undefined ? undefined : resolve(ctx.io.cwd, advisoriesFlag);
  if (advisories !== undefined && !existsSync(advisories)) throw new FleetError('USAGE', `--advisories: ${advisories} does not exist (an OSV or GitHub-advisory export, a file or a folder)`);
  return {
    target,
    url,
    agentIds,
    repeat,
    failOn: opts.failOn ?? ctx.config.failOn ?? 'none',
    strategies,
    learn: opts.learn === false ? false : (ctx.config.learn ?? true),
    allowFailed: opts.allowFailed ?? ctx.config.allowFailed ?? false,
    format,
    output: outputPath,
    maxFindings: opts.maxFindings ?? ctx.config.maxFindings,
    concurrency: opts.concurrency ?? ctx.config.concurrency ?? availableParallelism(),
    cache: opts.cache !== false && (ctx.config.cache ?? true) && url === undefined && repeat === 1 && opts.writeTests === undefined,
    writeTestsDir: opts.writeTests === undefined ? undefined : resolve(ctx.io.cwd, opts.writeTests),
    service: {
      ...(start === undefined ? {} : { start }),
      ...(healthPath === undefined ? {} : { healthPath }),
      ...(headers === undefined ? {} : { headers }),
      ...(apiKey === undefined ? {} : { apiKey }),
      ...(advisories === undefined ? {} : { advisories }),
    },
  };
}

/** A forced strategy the agent does not have is a usage error naming the ones it has. */
export function checkStrategies(agents: readonly PilotAgent[], strategies: Readonly<Record<string, string>>): void {
  for (const agent of agents) {
    const wanted = strategies[agent.id];
    if (wanted === undefined) continue;
    const names = agent.core.strategies.map((s) => s.name);
    if (!names.includes(wanted)) throw new FleetError('USAGE', `--strategy: ${agent.id} has no strategy '${wanted}' (has ${names.join(', ')})`);
  }
}
