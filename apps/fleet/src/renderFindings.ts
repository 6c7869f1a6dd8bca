import { writeFileSync } from 'node:fs';
import { type FindingsReport, formatFindings, formatTable } from '@qe-fleet/agents/host';
import { FleetError } from './FleetError.js';
import type { CommandContext } from './program.js';
import type { RunSettings } from './runOptions.js';
import type { RunSummary } from './runSummary.js';

/** Whether the findings document takes stdout (so the human summary goes to stderr). */
export function findingsOwnStdout(settings: Pick<RunSettings, 'format' | 'output'>): boolean {
  return settings.format !== 'table' && settings.output === undefined;
}

/**
 * Prints a run's results where the user asked: `--json` prints the summary with every finding;
 * otherwise the summary then the findings table (grouped by severity, `--max-findings`).
 * `--format F --output FILE` writes the document to the file as well; `--format F` alone makes
 * stdout the document (pipeable) and the summary goes to stderr.
 */
export function renderRunOutput(ctx: CommandContext, settings: RunSettings, summaryText: string, summary: RunSummary, extra: string[] = []): void {
  const report: FindingsReport = summary.findings;
  if (settings.output !== undefined) {
    try {
      writeFileSync(settings.output, formatFindings(report, settings.format, maxOf(settings)));
    } catch (error) {
      throw new FleetError('USAGE', `--output: cannot write ${settings.output}: ${(error as Error).message}`, { cause: error });
    }
  }
  const table = formatTable(report, maxOf(settings));
  const human = [summaryText, '', table, ...extra, ...(settings.output === undefined ? [] : ['', `${settings.format} findings written to ${settings.output}`])].join('\n');
  if (ctx.options.json) {
    ctx.print(human, summary);
    return;
  }
  if (findingsOwnStdout(settings)) {
    ctx.io.stderr.write(`${human}\n`);
    ctx.io.stdout.write(formatFindings(report, settings.format));
    return;
  }
  ctx.io.stdout.write(`${human}\n`);
}

function maxOf(settings: RunSettings): { maxFindings?: number } {
  return settings.maxFindings === undefined ? {} : { maxFindings: settings.maxFindings };
}
