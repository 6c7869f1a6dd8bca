import type { FindingsReport, ReportedFinding } from './ReportedFinding.js';
import { locationLabel, ruleOf } from './ReportedFinding.js';
import { isVerified } from './Finding.js';

const escape = (text: string): string =>
  // XML 1.0 cannot carry most control characters at all, even escaped.
  text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] ?? c);

function testcase(finding: ReportedFinding): string {
  const name = `${locationLabel(finding.location)} ${ruleOf(finding)}`;
  const open = `    <testcase classname="${escape(`${finding.agent}.${finding.kind}`)}" name="${escape(name)}">`;
  const body = `${finding.message}\nevidence: ${finding.evidence}${isVerified(finding) ? `\nverified: ${finding.verified}` : ''}\nseverity: ${finding.severity}\nfingerprint: ${finding.fingerprint}`;
  if (finding.suppressed !== undefined) return `${open}<skipped message="${escape(`suppressed: ${finding.suppressed.reason}`)}"/></testcase>`;
  // A finding the baseline already holds is known debt: shown, but it does not fail the build.
  if (finding.baseline === 'existing') return `${open}<skipped message="${escape(`existing (in baseline): ${finding.message}`)}"/></testcase>`;
  return `${open}<failure message="${escape(`[${finding.severity}] ${finding.message}`)}" type="${escape(finding.severity)}">${escape(body)}</failure></testcase>`;
}

/**
 * The report as JUnit XML so CI test views list it: one test suite per agent, a `run` test case
 * per agent (an error when it failed, skipped when not applicable), and one test case per
 * finding (a failure; skipped when suppressed or already in the baseline).
 */
export function formatJunit(report: FindingsReport): string {
  const all = [...report.findings, ...report.suppressed];
  const suites = report.agents.map((agent) => {
    const mine = all.filter((f) => f.agent === agent.agent);
    const run =
      agent.status === 'failed'
        ? `<error message="${escape(agent.reason ?? 'failed')}"/>`
        : agent.status === 'not-applicable'
          ? `<skipped message="${escape(`not applicable: ${agent.reason ?? ''}`)}"/>`
          : '';
    const runCase = `    <testcase classname="${escape(agent.agent)}" name="${escape(`run (${agent.strategy ?? '-'})`)}">${run}</testcase>`;
    const failures = mine.filter((f) => f.suppressed === undefined && f.baseline !== 'existing').length;
    const skipped = mine.length - failures + (agent.status === 'not-applicable' ? 1 : 0);
    const errors = agent.status === 'failed' ? 1 : 0;
    return [
      `  <testsuite name="${escape(agent.agent)}" tests="${mine.length + 1}" failures="${failures}" errors="${errors}" skipped="${skipped}" timestamp="${report.generatedAt.slice(0, 19)}">`,
      runCase,
      ...mine.map(testcase),
      '  </testsuite>',
    ].join('\n');
  });
  const tests = all.length + report.agents.length;
  const failures = all.filter((f) => f.suppressed === undefined && f.baseline !== 'existing').length;
  const errors = report.agents.filter((a) => a.status === 'failed').length;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${escape(report.tool.name)}" tests="${tests}" failures="${failures}" errors="${errors}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}
