import type { ReportedFinding, Severity } from '@qe-fleet/agents/host';
import { locationLabel, ruleOf } from '@qe-fleet/agents/host';
import type { SwarmMemoryManager } from '@qe-fleet/memory';
import { renderLineChart } from './chart.js';
import { type FindingsRunRecord, listFindingsRuns } from './findingsStore.js';
import { escapeXml } from './render.js';
import { type TriageRates, TriageStore } from './TriageStore.js';

/** One run in the findings trend. */
export interface FindingsTrendPoint {
  at: number;
  target: string;
  total: number;
  bySeverity: Record<Severity, number>;
  new: number | null;
  fixed: number | null;
  suppressed: number;
}

/** What the dashboard's and the HTML report's findings panels show, read from the store. */
export interface FindingsPanelData {
  /** The newest run, or null before the first. */
  latest: {
    at: number;
    target: string;
    counts: FindingsRunRecord['counts'];
    agents: FindingsRunRecord['agents'];
    /** The most severe findings (at most 100). */
    findings: ReportedFinding[];
    truncated: number;
  } | null;
  /** Oldest first. */
  trend: FindingsTrendPoint[];
  /** Users' verdicts (`qe-fleet triage`) per agent, strategy and rule, on every target. */
  triage: TriageRates;
}

/** Reads the last `limit` runs' findings (see findingsStore for where they live). */
export function collectFindingsPanel(memory: SwarmMemoryManager, limit = 30): FindingsPanelData {
  const runs = listFindingsRuns(memory, limit);
  const newest = runs[0];
  return {
    latest:
      newest === undefined
        ? null
        : {
            at: newest.at,
            target: newest.target,
            counts: newest.counts,
            agents: newest.agents,
            findings: newest.findings.slice(0, 100),
            truncated: newest.truncated + Math.max(0, newest.findings.length - 100),
          },
    trend: runs
      .map((r) => ({ at: r.at, target: r.target, total: r.counts.total, bySeverity: r.counts.bySeverity, new: r.counts.new, fixed: r.counts.fixed, suppressed: r.counts.suppressed }))
      .reverse(),
    triage: new TriageStore(memory).rates(),
  };
}

const SEVERITY_ORDER: Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

/** The findings trend as an SVG line chart: one line per severity, one point per run. */
export function findingsTrendSvg(data: FindingsPanelData): string {
  return renderLineChart({
    title: 'Findings per run',
    xLabel: 'run',
    yLabel: 'findings',
    series: SEVERITY_ORDER.map((s) => ({ name: s, points: data.trend.map((p, i) => ({ x: i + 1, y: p.bySeverity[s] })) })).filter((s) => s.points.some((p) => p.y > 0)),
  });
}

const rateRows = (title: string, rows: TriageRates['byAgent']): string =>
  `<table><tr><th>${escapeXml(title)}</th><th>true</th><th>false</th><th>wontfix</th><th>false-positive rate</th></tr>${rows.map((r) => `<tr><td>${escapeXml(r.key)}</td><td>${r.true}</td><td>${r.false}</td><td>${r.wontfix}</td><td>${r.falseRate === null ? '-' : `${(r.falseRate * 100).toFixed(0)} %`}</td></tr>`).join('') || '<tr><td colspan="5">none</td></tr>'}</table>`;

/** Triage rates per agent and rule, for `report --html`. */
function triageHtml(rates: TriageRates): string {
  if (rates.total === 0) return '<h3>Triage</h3><p>No verdicts yet (<code>qe-fleet triage</code>).</p>';
  return `<h3>Triage (${rates.total} verdicts)</h3><p>false-positive rate = false / (true + false)</p><div style="display:flex;gap:2em;flex-wrap:wrap">${rateRows('agent', rates.byAgent)}${rateRows('rule', rates.byRule)}</div>`;
}

const countsTable = (title: string, counts: Record<string, number>, limit = 20): string => {
  const rows = Object.entries(counts)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, limit);
  return `<table><tr><th>${escapeXml(title)}</th><th>findings</th></tr>${rows.map(([k, v]) => `<tr><td>${escapeXml(k)}</td><td>${v}</td></tr>`).join('') || '<tr><td colspan="2">none</td></tr>'}</table>`;
};

/**
 * The findings section of `qe-fleet report --html`: the latest run's findings by severity, agent
 * and file, its findings (most severe first), and the trend per run as a chart and a table.
 */
export function findingsHtml(data: FindingsPanelData): string {
  if (data.latest === null) return '<section><h2>Findings</h2><p>No run has stored findings yet (<code>qe-fleet run</code>).</p></section>';
  const latest = data.latest;
  const c = latest.counts;
  const marks = c.new === null ? '' : `; ${c.new} new, ${c.existing} existing, ${c.fixed} fixed against the baseline`;
  const findings = latest.findings
    .map((f) => `<tr><td>${escapeXml(f.severity)}</td><td><code>${escapeXml(locationLabel(f.location))}</code></td><td>${escapeXml(ruleOf(f))}</td><td>${escapeXml(f.message)}</td><td>${escapeXml(f.evidence)}</td><td>${escapeXml(f.agent)}</td><td>${escapeXml(f.baseline ?? '')}</td></tr>`)
    .join('');
  const trend = data.trend
    .map((p) => `<tr><td>${escapeXml(new Date(p.at).toISOString())}</td><td>${escapeXml(p.target)}</td><td>${p.total}</td><td>${SEVERITY_ORDER.map((s) => p.bySeverity[s]).join('/')}</td><td>${p.new ?? '-'}</td><td>${p.fixed ?? '-'}</td><td>${p.suppressed}</td></tr>`)
    .join('');
  return `<section id="findings">
<h2>Findings</h2>
<p>Latest run ${escapeXml(new Date(latest.at).toISOString())} on <code>${escapeXml(latest.target)}</code>: ${c.total} findings (${SEVERITY_ORDER.map((s) => `${s} ${c.bySeverity[s]}`).join(', ')})${marks}; ${c.suppressed} suppressed.</p>
<div style="display:flex;gap:2em;flex-wrap:wrap">${countsTable('severity', c.bySeverity)}${countsTable('agent', c.byAgent)}${countsTable('file', c.byFile)}</div>
<h3>Findings of the latest run</h3>
<table><tr><th>severity</th><th>location</th><th>rule</th><th>message</th><th>evidence</th><th>agent</th><th>baseline</th></tr>${findings}</table>
${latest.truncated > 0 ? `<p>${latest.truncated} more not shown (<code>qe-fleet run --format json</code> lists all).</p>` : ''}
${triageHtml(data.triage)}
<h3>Trend per run</h3>
${findingsTrendSvg(data)}
<table><tr><th>run</th><th>target</th><th>findings</th><th>crit/high/med/low/info</th><th>new</th><th>fixed</th><th>suppressed</th></tr>${trend}</table>
</section>`;
}

/** The dashboard's findings panel: its section (placed beside the learning panels). */
export const FINDINGS_PANEL_HTML = `<section><h2>Findings</h2><p class="muted" id="findings-summary">loading…</p>
<div class="cards" id="findings-counts"></div>
<img id="findings-chart" alt="Findings per run, one line per severity" src="/chart/findings.svg">
<table id="findings-trend"></table>
<h3>Latest run</h3><table id="findings-latest"></table>
<h3>Triage <span class="muted">(qe-fleet triage; false-positive rate = false / (true + false))</span></h3>
<div class="cards"><table id="triage-agents"></table><table id="triage-rules"></table></div></section>`;

/** The panel's script: reads `/api/findings`, refreshed with the rest of the page. */
export const FINDINGS_PANEL_SCRIPT = `<script>
(() => {
  const $ = (id) => document.getElementById(id);
  const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
  const rows = (headers, list) => '<tr>' + headers.map((h) => '<th>' + esc(h) + '</th>').join('') + '</tr>' +
    (list.length === 0 ? '<tr><td class="muted" colspan="' + headers.length + '">none yet</td></tr>' : list.map((r) => '<tr>' + r.map((c) => '<td>' + esc(c) + '</td>').join('') + '</tr>').join(''));
  const where = (l) => l.file !== undefined ? l.file + ':' + l.line : l.route ?? l.page ?? (l.package !== undefined ? l.package + (l.version ? '@' + l.version : '') : l.test);
  const top = (counts) => Object.entries(counts).sort((a, b) => b[1] - a[1]).slice(0, 5).map(([k, v]) => k + ' ' + v).join(', ') || '-';
  async function refreshFindings() {
    const d = await (await fetch('/api/findings')).json();
    if (d.latest === null) { $('findings-summary').textContent = 'no findings stored yet: run qe-fleet run'; return; }
    const c = d.latest.counts;
    $('findings-summary').textContent = 'latest run ' + new Date(d.latest.at).toISOString() + ' on ' + d.latest.target +
      (c.new === null ? '' : ': ' + c.new + ' new, ' + c.existing + ' existing, ' + c.fixed + ' fixed') + '; ' + c.suppressed + ' suppressed';
    $('findings-counts').innerHTML = [['findings', c.total], ...Object.entries(c.bySeverity), ['by agent', top(c.byAgent)], ['by file', top(c.byFile)]]
      .map(([k, v]) => '<div class="card">' + esc(k) + '<b>' + esc(v) + '</b></div>').join('');
    $('findings-trend').innerHTML = rows(['run', 'findings', 'crit/high/med/low', 'new', 'fixed', 'suppressed'],
      d.trend.slice().reverse().map((p) => [new Date(p.at).toISOString(), p.total, [p.bySeverity.critical, p.bySeverity.high, p.bySeverity.medium, p.bySeverity.low].join('/'), p.new ?? '-', p.fixed ?? '-', p.suppressed]));
    $('findings-latest').innerHTML = rows(['severity', 'location', 'rule', 'message', 'agent', 'baseline'],
      d.latest.findings.map((f) => [f.severity, where(f.location), f.rule ?? f.kind, f.message, f.agent, f.baseline ?? '']));
    $('findings-chart').src = '/chart/findings.svg?t=' + Date.now();
    const rate = (r) => [r.key, r.true, r.false, r.wontfix, r.falseRate === null ? '-' : Math.round(r.falseRate * 100) + ' %'];
    $('triage-agents').innerHTML = rows(['agent', 'true', 'false', 'wontfix', 'false-positive rate'], d.triage.byAgent.map(rate));
    $('triage-rules').innerHTML = rows(['rule', 'true', 'false', 'wontfix', 'false-positive rate'], d.triage.byRule.map(rate));
  }
  refreshFindings().catch((e) => { $('findings-summary').textContent = 'could not load findings: ' + e.message; });
  setInterval(() => refreshFindings().catch(() => {}), 10000);
})();
</script>`;

/**
 * Serves the panel's endpoints (`/api/findings`, `/chart/findings.svg`); returns the response body
 * and type, or undefined for other paths. Kept here so the dashboard server only routes to it.
 */
export function findingsPanelResponse(memory: SwarmMemoryManager, path: string): { type: string; body: string } | undefined {
  if (path === '/api/findings') return { type: 'application/json', body: JSON.stringify(collectFindingsPanel(memory)) };
  if (path === '/chart/findings.svg') return { type: 'image/svg+xml', body: findingsTrendSvg(collectFindingsPanel(memory)) };
  return undefined;
}
