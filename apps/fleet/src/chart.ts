import { escapeXml } from './render.js';

/** One line of a chart. */
export interface ChartSeries {
  name: string;
  points: Array<{ x: number; y: number }>;
}

/** What `renderLineChart` draws. */
export interface LineChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: ChartSeries[];
  /** Horizontal reference lines, e.g. a target. */
  references?: Array<{ y: number; label: string }>;
  width?: number;
  height?: number;
}

const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

function niceTicks(min: number, max: number, count = 5): number[] {
  const span = max - min || 1;
  const step = 10 ** Math.floor(Math.log10(span / count));
  const nice = [1, 2, 5, 10].map((m) => m * step).find((s) => span / s <= count) ?? step * 10;
  const ticks: number[] = [];
  for (let t = Math.ceil(min / nice) * nice; t <= max + 1e-9; t += nice) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

/** Renders a self-contained SVG line chart (no dependencies, readable in any browser). */
export function renderLineChart(options: LineChartOptions): string {
  const { width = 800, height = 420 } = options;
  const margin = { top: 40, right: 180, bottom: 50, left: 64 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const all = options.series.flatMap((s) => s.points);
  const refs = options.references ?? [];
  const xs = all.map((p) => p.x);
  const ys = [...all.map((p) => p.y), ...refs.map((r) => r.y)];
  const [xMin, xMax] = xs.length > 0 ? [Math.min(...xs), Math.max(...xs)] : [0, 1];
  const [yLo, yHi] = ys.length > 0 ? [Math.min(0, ...ys), Math.max(...ys)] : [0, 1];
  const yPad = (yHi - yLo || 1) * 0.05;
  const [yMin, yMax] = [yLo - yPad, yHi + yPad];
  const sx = (x: number) => margin.left + ((x - xMin) / (xMax - xMin || 1)) * plotW;
  const sy = (y: number) => margin.top + plotH - ((y - yMin) / (yMax - yMin || 1)) * plotH;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="${margin.left}" y="24" font-size="16" font-weight="bold">${escapeXml(options.title)}</text>`,
  ];
  for (const t of niceTicks(yMin, yMax)) {
    out.push(
      `<line x1="${margin.left}" x2="${margin.left + plotW}" y1="${sy(t)}" y2="${sy(t)}" stroke="#eee"/>`,
      `<text x="${margin.left - 6}" y="${sy(t) + 4}" text-anchor="end">${t}</text>`,
    );
  }
  for (const t of niceTicks(xMin, xMax, 10)) {
    out.push(`<text x="${sx(t)}" y="${margin.top + plotH + 18}" text-anchor="middle">${t}</text>`);
  }
  out.push(
    `<line x1="${margin.left}" x2="${margin.left}" y1="${margin.top}" y2="${margin.top + plotH}" stroke="#333"/>`,
    `<line x1="${margin.left}" x2="${margin.left + plotW}" y1="${margin.top + plotH}" y2="${margin.top + plotH}" stroke="#333"/>`,
    `<text x="${margin.left + plotW / 2}" y="${height - 10}" text-anchor="middle">${escapeXml(options.xLabel)}</text>`,
    `<text transform="translate(16 ${margin.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escapeXml(options.yLabel)}</text>`,
  );
  for (const ref of refs) {
    out.push(
      `<line x1="${margin.left}" x2="${margin.left + plotW}" y1="${sy(ref.y)}" y2="${sy(ref.y)}" stroke="#d62728" stroke-dasharray="6 4"/>`,
      `<text x="${margin.left + plotW - 4}" y="${sy(ref.y) - 4}" text-anchor="end" fill="#d62728">${escapeXml(ref.label)}</text>`,
    );
  }
  options.series.forEach((s, i) => {
    const color = PALETTE[i % PALETTE.length] ?? '#000';
    const d = s.points.map((p, j) => `${j === 0 ? 'M' : 'L'}${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`).join(' ');
    if (s.points.length > 1) out.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2"/>`);
    // A marker per point: a series of one point (one day of data) is otherwise invisible.
    for (const p of s.points) out.push(`<circle cx="${sx(p.x).toFixed(1)}" cy="${sy(p.y).toFixed(1)}" r="3" fill="${color}"/>`);
    const ly = margin.top + 10 + i * 18;
    out.push(
      `<line x1="${width - margin.right + 16}" x2="${width - margin.right + 36}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="3"/>`,
      `<text x="${width - margin.right + 42}" y="${ly + 4}">${escapeXml(s.name)}</text>`,
    );
  });
  out.push('</svg>');
  return out.join('\n');
}
