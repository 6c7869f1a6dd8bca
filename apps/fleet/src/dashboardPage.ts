import { FINDINGS_PANEL_HTML, FINDINGS_PANEL_SCRIPT } from './findingsPanel.js';

/**
 * The dashboard page: static HTML whose script reads `/api/dashboard` and the live event stream.
 * Everything it shows comes from those endpoints; it holds no figure of its own.
 */
export const DASHBOARD_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>QE Fleet dashboard</title>
<link rel="icon" href="data:,">
<style>
  body { font-family: system-ui, sans-serif; margin: 1.5em; color: #222; }
  h1 { margin-top: 0; }
  section { margin-bottom: 2em; }
  table { border-collapse: collapse; font-size: 14px; }
  th, td { border-bottom: 1px solid #ddd; padding: 4px 10px; text-align: left; }
  td.num { text-align: right; font-variant-numeric: tabular-nums; }
  .cards { display: flex; gap: 1em; flex-wrap: wrap; }
  .card { border: 1px solid #ccc; border-radius: 6px; padding: 0.6em 1em; min-width: 10em; }
  .card b { display: block; font-size: 1.6em; }
  .bar { display: inline-block; height: 10px; background: #1f77b4; vertical-align: middle; }
  #events { max-height: 18em; overflow: auto; font-family: monospace; font-size: 12px; }
  .muted { color: #777; }
</style>
</head>
<body>
<h1>QE Fleet dashboard</h1>
<p class="muted" id="generated">loading…</p>
<ul id="warnings"></ul>
<section class="cards" id="fleet"></section>
<section><h2>Improvement per day</h2><img id="chart" alt="Improvement over baseline per day, one line per agent" src="/chart/improvement.svg"></section>
<section><h2>Agents</h2><table id="agents"></table></section>
${FINDINGS_PANEL_HTML}
<section><h2>Learning overhead per task (ms)</h2><table id="overhead"></table></section>
<section><h2>Patterns</h2><table id="patterns"></table></section>
<section><h2>A/B tests</h2><table id="abtests"></table></section>
<section><h2>Recent events <span class="muted" id="live"></span></h2><div id="events"></div></section>
<script>
const $ = (id) => document.getElementById(id);
const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const num = (v, d = 2) => (v === null || v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(d));
const table = (el, headers, rows) => {
  el.innerHTML = '<tr>' + headers.map((h) => '<th>' + esc(h) + '</th>').join('') + '</tr>' +
    (rows.length === 0 ? '<tr><td class="muted" colspan="' + headers.length + '">none yet</td></tr>' :
      rows.map((r) => '<tr>' + r.map((c) => typeof c === 'number' ? '<td class="num">' + c + '</td>' : '<td>' + c + '</td>').join('') + '</tr>').join(''));
};
const when = (ms) => { const d = new Date(ms); return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString(); };
const eventLine = (e) => '<div>' + esc(when(e.timestamp)) + ' <b>' + esc(e.type) + '</b> ' + esc(e.source) + ' ' + esc(JSON.stringify(e.payload).slice(0, 120)) + '</div>';
async function refresh() {
  const d = await (await fetch('/api/dashboard')).json();
  $('generated').textContent = 'generated ' + when(d.generatedAt) + ' from the fleet database';
  $('warnings').innerHTML = (d.warnings || []).map((w) => '<li>warning: ' + esc(w) + '</li>').join('');
  $('fleet').innerHTML = [
    ['agents', d.fleet.totalAgents],
    ['average improvement', d.fleet.averageImprovement === null ? '-' : num(d.fleet.averageImprovement, 1) + ' %'],
    ['at 20 % target', d.fleet.targetAchieved],
    ['patterns', d.fleet.patterns],
    ['database', (d.fleet.databaseBytes / 1024).toFixed(0) + ' KiB'],
  ].map(([k, v]) => '<div class="card">' + esc(k) + '<b>' + esc(v) + '</b></div>').join('');
  const improvement = (i) => i === null ? '-' : num(i.rate, 1) + (i.interval === null ? '' : ' (' + num(i.interval[0], 1) + '..' + num(i.interval[1], 1) + ')') + ', ' + i.compared + ' vs ' + i.compared + ' runs';
  table($('agents'), ['agent', 'type', 'status', 'snapshots', 'improvement % (95 % interval, runs compared)', 'state bytes', 'init heap bytes'],
    d.agents.map((a) => [esc(a.id), esc(a.type), esc(a.status), a.snapshots, improvement(a.improvementDetail), a.memory.stateBytes ?? '-', a.memory.initHeapBytes ?? '-']));
  const peak = Math.max(1e-9, ...d.agents.map((a) => (a.overhead ? a.overhead.p99 : 0)));
  table($('overhead'), ['agent', 'tasks', 'avg', 'p50', 'p95', 'p99', 'peak', 'p99 (relative)'],
    d.agents.filter((a) => a.overhead).map((a) => [esc(a.id), a.overhead.tasks, num(a.overhead.avg, 3), num(a.overhead.p50, 3), num(a.overhead.p95, 3), num(a.overhead.p99, 3), num(a.overhead.peak, 3),
      '<span class="bar" style="width:' + Math.round((a.overhead.p99 / peak) * 200) + 'px"></span>']));
  const meta = (p) => p.metadata || {};
  table($('patterns'), ['pattern', 'successes / trials', 'success 95 % interval', 'confidence (lower bound)', 'mean reward', 'uses', 'agent'],
    d.patterns.map((p) => [esc(p.pattern), meta(p).trials === undefined ? '-' : meta(p).successes + ' / ' + meta(p).trials,
      Array.isArray(meta(p).interval) ? num(meta(p).interval[0], 2) + '..' + num(meta(p).interval[1], 2) : '-', num(p.confidence, 3), num(meta(p).averageReward, 3), p.usageCount, esc(p.agentId ?? '-')]));
  table($('abtests'), ['test', 'task type', 'status', 'arms', 'winner', 'conclusion'],
    d.abtests.map((t) => [esc(t.name), esc(t.taskType ?? '*'), esc(t.status), esc(t.results.map((r) => r.strategy + ' ' + r.successes + '/' + r.trials).join(', ')), esc(t.winner ?? '-'), esc(t.conclusion ?? '-')]));
  $('events').innerHTML = d.events.map(eventLine).join('');
  $('chart').src = '/chart/improvement.svg?t=' + d.generatedAt;
}
refresh().catch((e) => { $('generated').textContent = 'could not load: ' + e.message; });
setInterval(() => refresh().catch(() => {}), 10000);
const stream = new EventSource('/api/events/stream');
stream.onopen = () => { $('live').textContent = '(live)'; };
stream.addEventListener('stored', (m) => {
  $('events').insertAdjacentHTML('afterbegin', eventLine(JSON.parse(m.data)));
});
</script>
${FINDINGS_PANEL_SCRIPT}
</body>
</html>
`;
