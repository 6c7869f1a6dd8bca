import { AgentError } from '../agent/AgentError.js';
import { formatJunit } from './formatJunit.js';
import { formatMarkdown } from './formatMarkdown.js';
import { formatSarif } from './formatSarif.js';
import { formatTable, type FormatTableOptions } from './formatTable.js';
import { countBySeverity, type FindingsReport } from './ReportedFinding.js';

/** The output formats of a findings report. */
export const FINDINGS_FORMATS = ['table', 'json', 'sarif', 'junit', 'markdown'] as const;

/** One of `FINDINGS_FORMATS`. */
export type FindingsFormat = (typeof FINDINGS_FORMATS)[number];

/**
 * The report as JSON: every finding (active and suppressed, with agent, fingerprint and baseline
 * mark), the fixed ones, the agents' outcomes and counts. `version` changes when fields do.
 */
export function formatJson(report: FindingsReport): string {
  const counts = {
    total: report.findings.length,
    bySeverity: countBySeverity(report.findings),
    ...(report.baseline === null
      ? {}
      : { new: report.findings.filter((f) => f.baseline === 'new').length, existing: report.findings.filter((f) => f.baseline === 'existing').length, fixed: report.fixed.length }),
    suppressed: report.suppressed.length,
  };
  return `${JSON.stringify({ version: 1, ...report, counts }, null, 2)}\n`;
}

/** Renders a report in `format`; an unknown format is AgentError INVALID_ARGUMENT naming the known ones. */
export function formatFindings(report: FindingsReport, format: FindingsFormat, options: FormatTableOptions = {}): string {
  switch (format) {
    case 'table':
      return `${formatTable(report, options)}\n`;
    case 'json':
      return formatJson(report);
    case 'sarif':
      return `${JSON.stringify(formatSarif(report), null, 2)}\n`;
    case 'junit':
      return formatJunit(report);
    case 'markdown':
      return formatMarkdown(report);
    default:
      throw new AgentError('INVALID_ARGUMENT', `unknown findings format ${JSON.stringify(format)} (known: ${FINDINGS_FORMATS.join(', ')})`);
  }
}
