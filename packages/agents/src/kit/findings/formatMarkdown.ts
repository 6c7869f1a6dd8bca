import { countBySeverity, type FindingsReport, locationLabel, type ReportedFinding, ruleOf, SEVERITIES } from './ReportedFinding.js';
import { isVerified } from './Finding.js';

const cell = (text: string): string => text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|').replace(/`/g, "'");

const mark = (f: ReportedFinding): string => (f.suppressed !== undefined ? 'suppressed' : (f.baseline ?? ''));

/**
 * The report as Markdown (a pull-request comment, a job summary): the agents and how they ran,
 * then the findings in one table per severity (location, rule, message, evidence, agent,
 * baseline mark), then the suppressed and the fixed ones.
 */
export function formatMarkdown(report: FindingsReport): string {
  const counts = countBySeverity(report.findings);
  const lines = [
    `# ${report.tool.name} findings`,
    '',
    `Target \`${cell(report.target)}\`, ${report.generatedAt}. ${report.findings.length} finding${report.findings.length === 1 ? '' : 's'} (${SEVERITIES.map((s) => `${s} ${counts[s]}`).join(', ')})` +
      (report.baseline === null
        ? '.'
        : `; against the baseline of ${report.baseline.savedAt}: ${report.findings.filter((f) => f.baseline === 'new').length} new, ${report.findings.filter((f) => f.baseline === 'existing').length} existing, ${report.fixed.length} fixed.`),
    '',
    '| agent | strategy | result |',
    '| --- | --- | --- |',
    ...report.agents.map((a) => {
      const skipped = (a.skipped ?? []).map((s) => `skipped ${s.surface}: ${s.reason}`).join('; ');
      const result = a.status === 'ok' ? `ok${skipped === '' ? '' : ` (${skipped})`}` : `${a.status}: ${a.reason ?? ''}`;
      return `| ${cell(a.agent)} | ${cell(a.strategy ?? '-')} | ${cell(result)} |`;
    }),
  ];
  for (const severity of SEVERITIES) {
    const group = report.findings.filter((f) => f.severity === severity);
    if (group.length === 0) continue;
    lines.push('', `## ${severity} (${group.length})`, '', '| location | rule | message | evidence | agent | baseline |', '| --- | --- | --- | --- | --- | --- |');
    for (const f of group) lines.push(`| \`${cell(locationLabel(f.location))}\` | ${cell(ruleOf(f))} | ${cell(f.message)} | ${cell(isVerified(f) ? `${f.evidence} (verified: ${f.verified})` : f.evidence)} | ${cell(f.agent)} | ${mark(f)} |`);
  }
  if (report.suppressed.length > 0) {
    lines.push('', `## suppressed (${report.suppressed.length})`, '', '| location | rule | reason | agent |', '| --- | --- | --- | --- |');
    for (const f of report.suppressed) lines.push(`| \`${cell(locationLabel(f.location))}\` | ${cell(ruleOf(f))} | ${cell(f.suppressed?.reason ?? '')} | ${cell(f.agent)} |`);
  }
  if (report.fixed.length > 0) {
    lines.push('', `## fixed since the baseline (${report.fixed.length})`, '', '| location | rule | message | agent |', '| --- | --- | --- | --- |');
    for (const e of report.fixed) lines.push(`| \`${cell(locationLabel(e.location))}\` | ${cell(e.rule)} | ${cell(e.message)} | ${cell(e.agent)} |`);
  }
  return `${lines.join('\n')}\n`;
}
