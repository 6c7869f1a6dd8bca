import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { LearningEngine, PerformanceTracker, type PerformanceReport, StateVersioning } from '@qe-fleet/learning-core';
import type { SwarmMemoryManager } from '@qe-fleet/memory';
import { collectFindingsPanel, type FindingsPanelData, findingsHtml } from './findingsPanel.js';
import { FleetError } from './FleetError.js';
import { listAgents } from './inspectCommands.js';
import { withMemory } from './openMemory.js';
import type { CommandRegistrar } from './program.js';
import { escapeXml, pct, renderTable } from './render.js';

function requireAgent(memory: SwarmMemoryManager, id: string): void {
  if (memory.getAgent(id) === null) {
    const known = listAgents(memory).map((a) => a.id);
    throw new FleetError('NOT_FOUND', `no agent '${id}' in the registry${known.length > 0 ? ` (known: ${known.join(', ')})` : ''}`);
  }
}

async function openEngine(memory: SwarmMemoryManager, agentId: string): Promise<{ engine: LearningEngine; versioning: StateVersioning }> {
  const engine = new LearningEngine(agentId, memory);
  await engine.initialize();
  return { engine, versioning: new StateVersioning(agentId, memory, engine) };
}

function reportHtml(reports: Array<{ agent: string; report: PerformanceReport }>, findings: FindingsPanelData): string {
  const sections = reports
    .map(
      ({ agent, report }) => `<section>
<h2>${escapeXml(agent)}</h2>
<p>${escapeXml(report.summary)}</p>
<table><tr><th>baseline score</th><th>current score</th><th>improvement</th><th>days</th><th>target (20 %)</th></tr>
<tr><td>${report.improvement.baselineScore.toFixed(4)}</td><td>${report.improvement.currentScore.toFixed(4)}</td><td>${escapeXml(pct(report.improvement.improvementRate))}</td><td>${report.improvement.daysElapsed.toFixed(1)}</td><td>${report.improvement.targetAchieved ? 'achieved' : 'not yet'}</td></tr></table>
<h3>Trends</h3><ul>${report.trends.map((t) => `<li>${escapeXml(t.metric)}: ${escapeXml(t.direction)} (${t.changeRate.toFixed(2)} %)</li>`).join('')}</ul>
<h3>Recommendations</h3><ul>${report.recommendations.map((r) => `<li>${escapeXml(r)}</li>`).join('')}</ul>
</section>`,
    )
    .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>QE Fleet report</title>
<style>body{font-family:sans-serif;max-width:960px;margin:2em auto;color:#222}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px}</style>
</head><body><h1>QE Fleet performance report</h1><p>Generated ${new Date().toISOString()} from the fleet database.</p>
${findingsHtml(findings)}
${sections}
</body></html>\n`;
}

/** `report`, `versions`, `rollback`: the learning state of agents in the store. */
export const registerLearningCommands: CommandRegistrar = (program, context) => {
  program
    .command('report')
    .description('performance report per agent (improvement, trends, recommendations)')
    .option('--agent <id>', 'only this agent')
    .option('--html <file>', 'also write the report as an HTML page')
    .action(async (opts: { agent?: string; html?: string }) => {
      const ctx = context();
      await withMemory(ctx.options.db, async (memory) => {
        if (opts.agent !== undefined) requireAgent(memory, opts.agent);
        const ids = opts.agent !== undefined ? [opts.agent] : listAgents(memory).map((a) => a.id);
        const reports: Array<{ agent: string; report: PerformanceReport }> = [];
        const warnings: string[] = [];
        for (const agent of ids) {
          try {
            const tracker = new PerformanceTracker(agent, memory);
            await tracker.initialize();
            reports.push({ agent, report: await tracker.generateReport() });
          } catch (error) {
            // One agent's unreadable stored data is a warning naming it; the others are reported.
            warnings.push(`agent ${agent}: its stored learning data cannot be read (${error instanceof Error ? error.message : String(error)})`);
          }
        }
        if (opts.html !== undefined) writeFileSync(resolve(ctx.io.cwd, opts.html), reportHtml(reports, collectFindingsPanel(memory)));
        const text = [
          ...reports.map(({ agent, report }) => [`## ${agent}`, report.summary, ...report.recommendations.map((r) => `  - ${r}`)].join('\n')),
          ...warnings.map((w) => `warning: ${w}`),
        ].join('\n\n');
        ctx.print(text || 'no agents in the registry yet', warnings.length === 0 ? reports : { reports, warnings });
      });
    });

  program
    .command('versions')
    .description('saved learning-state versions of an agent, newest first')
    .requiredOption('--agent <id>', 'agent id')
    .action(async (opts: { agent: string }) => {
      const ctx = context();
      await withMemory(ctx.options.db, async (memory) => {
        requireAgent(memory, opts.agent);
        const { versioning } = await openEngine(memory, opts.agent);
        const versions = versioning.listVersionInfo();
        ctx.print(
          renderTable(
            [
              { header: 'version', value: (v) => v.version },
              { header: 'saved', value: (v) => new Date(v.savedAt).toISOString() },
              { header: 'healthy', value: (v) => (v.healthy === null ? '-' : v.healthy ? 'yes' : 'no') },
              { header: 'improvement', value: (v) => pct(v.improvementRate) },
            ],
            versions,
          ),
          versions,
        );
      });
    });

  program
    .command('rollback')
    .description("restore an agent's learning state to a saved version (default: the newest healthy one)")
    .requiredOption('--agent <id>', 'agent id')
    .option('--version <v>', 'version to restore (see `qe-fleet versions`)')
    .action(async (opts: { agent: string; version?: string }) => {
      const ctx = context();
      await withMemory(ctx.options.db, async (memory) => {
        requireAgent(memory, opts.agent);
        const { versioning } = await openEngine(memory, opts.agent);
        const version = opts.version ?? versioning.latestHealthyVersion() ?? versioning.listVersions().at(-1);
        if (version === undefined) throw new FleetError('NOT_FOUND', `agent '${opts.agent}' has no saved versions`);
        if (!versioning.listVersions().includes(version)) {
          throw new FleetError('NOT_FOUND', `agent '${opts.agent}' has no version '${version}' (see \`qe-fleet versions --agent ${opts.agent}\`)`);
        }
        const state = versioning.rollbackToVersion(version);
        ctx.print(`restored ${opts.agent} to ${version} (${state.taskCount} tasks learned)`, { agent: opts.agent, version, taskCount: state.taskCount });
      });
    });
};
