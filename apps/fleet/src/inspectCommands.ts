import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { meanScore } from '@qe-fleet/learning-core';
import type { ABTest } from '@qe-fleet/learning-core';
import { type AgentRecord, type AgentStatus, decodeValue, encodeValue, type PatternRecord, type SwarmMemoryManager } from '@qe-fleet/memory';
import { FleetError } from './FleetError.js';
import { abTestProblem, EXPORTED_TABLES, exportMemory, type ImportCaller, importMemory, type MemoryExport } from './memoryTransfer.js';
import { withMemory } from './openMemory.js';
import type { CommandRegistrar } from './program.js';
import { fmt, formatTime, renderTable } from './render.js';

const AGENT_STATUSES: AgentStatus[] = ['idle', 'active', 'busy', 'stopped', 'error'];

/** Every agent in the registry, whatever its status. */
export function listAgents(memory: SwarmMemoryManager): AgentRecord[] {
  return AGENT_STATUSES.flatMap((s) => memory.queryAgentsByStatus(s)).sort((a, b) => a.id.localeCompare(b.id));
}

/**
 * Every A/B test of every agent, newest first. A stored value that is no A/B test is left out and
 * named to `warn` (default: dropped silently), so one bad entry cannot break a page or command.
 */
export function listABTests(memory: SwarmMemoryManager, warn: (message: string) => void = () => {}): ABTest[] {
  const tests: ABTest[] = [];
  for (const e of memory.query<ABTest>('phase2/learning/%/abtests/%', { partition: 'learning' })) {
    const problem = abTestProblem(e.value);
    if (problem === null) tests.push(e.value);
    else warn(`A/B test entry ${e.key}: ${problem}, left out`);
  }
  return tests.sort((a, b) => b.startedAt - a.startedAt);
}

const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1e3, m: 60e3, h: 3600e3, d: 86400e3 };

/** Parses `--since`: a duration back from now (`30m`, `2h`, `7d`) or an ISO date. */
export function parseSince(value: string, now: number): number {
  const m = DURATION.exec(value.trim());
  if (m) return now - Number(m[1]) * (UNIT_MS[m[2] ?? 'ms'] ?? 1);
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new FleetError('USAGE', `--since: expected a duration like 30m, 2h, 7d or an ISO date, got '${value}'`);
  return t;
}

const time = formatTime;

/**
 * The evidence behind a stored pattern (the engine stores its LearnedPattern as metadata): trials,
 * successes, the Wilson interval and the mean reward; fields that are absent or of the wrong type
 * are left out, so a pattern from an older version or another writer still lists.
 */
function evidence(p: PatternRecord): { trials?: number; successes?: number; interval?: [number, number]; averageReward?: number } {
  const m = p.metadata ?? {};
  const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  const interval = Array.isArray(m['interval']) && m['interval'].length === 2 && m['interval'].every((x) => num(x) !== undefined) ? (m['interval'] as [number, number]) : undefined;
  const trials = num(m['trials']);
  const successes = num(m['successes']);
  const averageReward = num(m['averageReward']);
  return { ...(trials === undefined ? {} : { trials }), ...(successes === undefined ? {} : { successes }), ...(interval === undefined ? {} : { interval }), ...(averageReward === undefined ? {} : { averageReward }) };
}

/** `status`, `agents`, `patterns`, `abtests`, `events`, `memory stats|cleanup|export|import`. */
export const registerInspectCommands: CommandRegistrar = (program: Command, context) => {
  program
    .command('status')
    .description('fleet summary: agents by status and database size')
    .action(async () => {
      const ctx = context();
      await withMemory(ctx.options.db, (memory) => {
        const stats = memory.stats();
        const agents = listAgents(memory);
        const byStatus = Object.fromEntries(AGENT_STATUSES.map((s) => [s, agents.filter((a) => a.status === s).length]));
        const text = [
          `database   ${ctx.options.db} (${(stats.databaseBytes / 1024).toFixed(0)} KiB)`,
          `agents     ${agents.length} (${AGENT_STATUSES.map((s) => `${s} ${byStatus[s]}`).join(', ')})`,
          `entries    ${stats.totalEntries}   patterns ${stats.totalPatterns}   events ${stats.tables.events}   metrics ${stats.tables.performance_metrics}`,
          `A/B tests  ${listABTests(memory).filter((t) => t.status === 'running').length} running`,
        ].join('\n');
        ctx.print(text, { database: ctx.options.db, stats, agents: byStatus });
      });
    });

  program
    .command('agents')
    .description('agents in the registry')
    .action(async () => {
      const ctx = context();
      await withMemory(ctx.options.db, (memory) => {
        const agents = listAgents(memory);
        ctx.print(
          renderTable(
            [
              { header: 'agent', value: (a) => a.id },
              { header: 'type', value: (a) => a.type },
              { header: 'status', value: (a) => a.status },
              { header: 'updated', value: (a) => time(a.updatedAt) },
              { header: 'capabilities', value: (a) => a.capabilities.join(',') },
            ],
            agents,
          ),
          agents,
        );
      });
    });

  program
    .command('patterns')
    .description('learned patterns, most confident first: successes of trials, the 95 % interval of the success rate, its lower bound (confidence) and the mean reward')
    .option('--min-confidence <n>', 'only patterns at least this confident', '0')
    .action(async (opts: { minConfidence: string }) => {
      const ctx = context();
      const min = Number(opts.minConfidence);
      if (!Number.isFinite(min) || min < 0 || min > 1) throw new FleetError('USAGE', '--min-confidence: expected a number from 0 to 1');
      await withMemory(ctx.options.db, (memory) => {
        const patterns = memory.queryPatternsByConfidence(min);
        ctx.print(
          renderTable(
            [
              { header: 'pattern', value: (p) => p.pattern },
              { header: 'successes/trials', value: (p) => { const m = evidence(p); return m.trials === undefined ? '-' : `${m.successes ?? '?'}/${m.trials}`; }, align: 'right' },
              { header: 'success 95 % interval', value: (p) => { const i = evidence(p).interval; return i === undefined ? '-' : `${fmt(i[0], 2)}..${fmt(i[1], 2)}`; } },
              { header: 'confidence', value: (p) => fmt(p.confidence, 3), align: 'right' },
              { header: 'mean reward', value: (p) => fmt(evidence(p).averageReward, 3), align: 'right' },
              { header: 'uses', value: (p) => String(p.usageCount), align: 'right' },
              { header: 'agent', value: (p) => p.agentId ?? '-' },
            ],
            patterns,
          ),
          patterns,
        );
      });
    });

  program
    .command('abtests')
    .description('A/B tests and their state')
    .action(async () => {
      const ctx = context();
      await withMemory(ctx.options.db, (memory) => {
        const tests = listABTests(memory);
        ctx.print(
          renderTable(
            [
              { header: 'test', value: (t) => t.name },
              { header: 'task type', value: (t) => t.taskType ?? '*' },
              { header: 'status', value: (t) => t.status },
              // The mean composite score is what the test decides on; successes/trials beside it.
              {
                header: 'arms (successes/trials, mean score)',
                value: (t) => t.results.map((r) => `${r.strategy} ${r.successes}/${r.trials}${(r.scored ?? 0) > 0 ? ` ${meanScore(r).toFixed(3)}` : ''}`).join(', '),
              },
              { header: 'winner', value: (t) => t.winner ?? '-' },
              { header: 'conclusion', value: (t) => t.conclusion ?? '-' },
            ],
            tests,
          ),
          tests,
        );
      });
    });

  program
    .command('events')
    .description('stored events, newest first')
    .option('--type <type>', 'only this event type, e.g. learning:training')
    .option('--source <agent>', 'only events from this agent')
    .option('--since <when>', 'a duration back from now (30m, 2h, 7d) or an ISO date')
    .option('--limit <n>', 'at most this many', '50')
    .action(async (opts: { type?: string; source?: string; since?: string; limit: string }) => {
      const ctx = context();
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new FleetError('USAGE', '--limit: expected a positive whole number');
      await withMemory(ctx.options.db, (memory) => {
        const events = memory.queryEvents({
          limit,
          ...(opts.type === undefined ? {} : { type: opts.type }),
          ...(opts.source === undefined ? {} : { source: opts.source }),
          ...(opts.since === undefined ? {} : { since: parseSince(opts.since, Date.now()) }),
        });
        ctx.print(
          renderTable(
            [
              { header: 'time', value: (e) => time(e.timestamp) },
              { header: 'type', value: (e) => e.type },
              { header: 'source', value: (e) => e.source },
              { header: 'payload', value: (e) => JSON.stringify(e.payload).slice(0, 80) },
            ],
            events,
          ),
          events,
        );
      });
    });

  const memoryCommand = program.command('memory').description('inspect and maintain the database');
  memoryCommand
    .command('stats')
    .description('rows per table, partitions, access levels, bytes')
    .action(async () => {
      const ctx = context();
      await withMemory(ctx.options.db, (memory) => {
        const stats = memory.stats();
        const rows = Object.entries(stats.tables).map(([table, count]) => ({ table, count }));
        ctx.print(
          `${renderTable(
            [
              { header: 'table', value: (r) => r.table },
              { header: 'rows', value: (r) => String(r.count), align: 'right' },
            ],
            rows,
          )}\n\npartitions     ${JSON.stringify(stats.partitions)}\naccess levels  ${JSON.stringify(stats.accessLevels)}\nbytes          ${stats.databaseBytes}`,
          stats,
        );
      });
    });
  memoryCommand
    .command('cleanup')
    .description('remove expired rows now')
    .action(async () => {
      const ctx = context();
      await withMemory(ctx.options.db, (memory) => {
        const removed = memory.cleanupExpired();
        ctx.print(`removed ${removed} expired row${removed === 1 ? '' : 's'}`, { removed });
      });
    });
  memoryCommand
    .command('export <file>')
    .description(`write ${EXPORTED_TABLES.join(', ')} (all partitions, with their times) to a JSON file`)
    .action(async (file: string) => {
      const ctx = context();
      await withMemory(ctx.options.db, (memory) => {
        const out = exportMemory(memory);
        const path = resolve(ctx.io.cwd, file);
        // The memory codec keeps Dates (and other tagged values) intact through the file.
        writeFileSync(path, encodeValue(out));
        const counts = { entries: out.entries.length, events: out.events.length, patterns: out.patterns.length, metrics: out.metrics.length };
        ctx.print(`exported ${counts.entries} entries, ${counts.events} events, ${counts.patterns} patterns, ${counts.metrics} metrics to ${path}`, { path, ...counts });
      });
    });
  memoryCommand
    .command('import <file>')
    .description('store an export file (one transaction: all or nothing); entries owned by an agent need --as that agent or --as-system')
    .option('--as <agent>', "import with this agent's access rights: its own entries only")
    .option('--as-system <name>', 'import as a named system caller: entries of any owner, owners and levels kept')
    .action(async (file: string, opts: { as?: string; asSystem?: string }) => {
      const ctx = context();
      if (opts.as !== undefined && opts.asSystem !== undefined) throw new FleetError('USAGE', '--as and --as-system exclude each other');
      const caller: ImportCaller =
        opts.asSystem !== undefined ? { kind: 'system', agentId: opts.asSystem } : opts.as !== undefined ? { kind: 'agent', agentId: opts.as } : { kind: 'none' };
      const path = resolve(ctx.io.cwd, file);
      let data: Omit<Partial<MemoryExport>, 'format' | 'version'> & { format?: unknown; version?: unknown };
      try {
        data = decodeValue(readFileSync(path, 'utf8')) as typeof data;
      } catch (error) {
        throw new FleetError('USAGE', `cannot read export file ${path}: ${(error as Error).message}`);
      }
      if (data?.format !== 'qe-fleet-memory-export' || (data.version !== 1 && data.version !== 2) || !Array.isArray(data.entries)) {
        throw new FleetError('USAGE', `${path} is not a qe-fleet memory export (format qe-fleet-memory-export, version 1 or 2)`);
      }
      await withMemory(
        ctx.options.db,
        (memory) => {
          const summary = importMemory(memory, data, caller);
          ctx.print(
            `imported ${summary.entries} entries (${summary.expired} already expired), ${summary.events} events, ${summary.patterns} patterns, ${summary.metrics} metrics`,
            summary,
          );
        },
        { mustExist: false },
      );
    });
};
