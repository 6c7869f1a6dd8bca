import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { ABTest } from '@qe-fleet/learning-core';
import { type AgentRecord, type AgentStatus, decodeValue, encodeValue, type MemoryEntry, type SwarmMemoryManager } from '@qe-fleet/memory';
import { FleetError } from './FleetError.js';
import { withMemory } from './openMemory.js';
import type { CommandRegistrar } from './program.js';
import { fmt, renderTable } from './render.js';

const AGENT_STATUSES: AgentStatus[] = ['idle', 'active', 'busy', 'stopped', 'error'];

/** Every agent in the registry, whatever its status. */
export function listAgents(memory: SwarmMemoryManager): AgentRecord[] {
  return AGENT_STATUSES.flatMap((s) => memory.queryAgentsByStatus(s)).sort((a, b) => a.id.localeCompare(b.id));
}

/** Every A/B test of every agent, newest first. */
export function listABTests(memory: SwarmMemoryManager): ABTest[] {
  return memory
    .query<ABTest>('phase2/learning/%/abtests/%', { partition: 'learning' })
    .map((e) => e.value)
    .sort((a, b) => b.startedAt - a.startedAt);
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

const time = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString().replace('T', ' ').slice(0, 19));

interface MemoryExport {
  format: 'qe-fleet-memory-export';
  version: 1;
  exportedAt: number;
  entries: Array<MemoryEntry>;
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
    .description('learned patterns, most confident first')
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
              { header: 'confidence', value: (p) => fmt(p.confidence, 3), align: 'right' },
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
              { header: 'arms (successes/trials)', value: (t) => t.results.map((r) => `${r.strategy} ${r.successes}/${r.trials}`).join(', ') },
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
    .description('write every key-value entry (all partitions) to a JSON file')
    .action(async (file: string) => {
      const ctx = context();
      await withMemory(ctx.options.db, (memory) => {
        const entries = Object.keys(memory.stats().partitions).flatMap((partition) => memory.query('%', { partition }));
        const out: MemoryExport = { format: 'qe-fleet-memory-export', version: 1, exportedAt: Date.now(), entries };
        const path = resolve(ctx.io.cwd, file);
        // The memory codec keeps Dates (and other tagged values) intact through the file.
        writeFileSync(path, encodeValue(out));
        ctx.print(`exported ${entries.length} entries to ${path}`, { path, entries: entries.length });
      });
    });
  memoryCommand
    .command('import <file>')
    .description('store the entries of an export file (one transaction: all or nothing)')
    .action(async (file: string) => {
      const ctx = context();
      const path = resolve(ctx.io.cwd, file);
      let data: MemoryExport;
      try {
        data = decodeValue(readFileSync(path, 'utf8')) as MemoryExport;
      } catch (error) {
        throw new FleetError('USAGE', `cannot read export file ${path}: ${(error as Error).message}`);
      }
      if (data?.format !== 'qe-fleet-memory-export' || data.version !== 1 || !Array.isArray(data.entries)) {
        throw new FleetError('USAGE', `${path} is not a qe-fleet memory export (format qe-fleet-memory-export, version 1)`);
      }
      await withMemory(
        ctx.options.db,
        (memory) => {
          const now = Date.now();
          const live = data.entries.filter((e) => e.expiresAt === null || e.expiresAt > now);
          memory.transaction(() => {
            for (const e of live) {
              memory.store(e.key, e.value, {
                partition: e.partition,
                ttl: e.expiresAt === null ? 0 : Math.ceil((e.expiresAt - now) / 1000),
                accessLevel: e.accessLevel,
                ...(e.owner === null ? {} : { owner: e.owner }),
                ...(e.metadata === null ? {} : { metadata: e.metadata }),
                ...(e.teamId === null ? {} : { teamId: e.teamId }),
                ...(e.swarmId === null ? {} : { swarmId: e.swarmId }),
              });
            }
          });
          ctx.print(`imported ${live.length} entries (${data.entries.length - live.length} already expired)`, {
            imported: live.length,
            expired: data.entries.length - live.length,
          });
        },
        { mustExist: false },
      );
    });
};
