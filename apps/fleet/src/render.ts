/** A column of a text table. */
export interface Column<Row> {
  header: string;
  value: (row: Row) => string;
  align?: 'left' | 'right';
}

/** Renders rows as an aligned plain-text table (no colours, so it reads the same in logs). */
export function renderTable<Row>(columns: Array<Column<Row>>, rows: Row[]): string {
  const cells = rows.map((row) => columns.map((c) => c.value(row)));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => (r[i] ?? '').length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => (columns[i]?.align === 'right' ? v.padStart(widths[i] ?? 0) : v.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

/** Formats a number with fixed decimals, or '-' when there is none. */
export function fmt(value: number | null | undefined, digits = 2): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '-' : value.toFixed(digits);
}

/** Formats a signed percentage ('+12.3 %'). */
export function pct(value: number | null | undefined, digits = 1): string {
  return value === null || value === undefined || !Number.isFinite(value)
    ? '-'
    : `${value >= 0 ? '+' : ''}${value.toFixed(digits)} %`;
}

/** Escapes text for HTML and SVG. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/**
 * Terminal control sequences: CSI (`ESC [ ... final`), OSC (`ESC ] ... BEL|ESC \`), other
 * two-byte escapes, and the C0/C1 control characters except tab and newline.
 */
const CONTROL = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-Z\\-_]?|[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * Removes terminal escape sequences and control characters from text bound for a terminal:
 * stored strings (agent ids, event types, keys) come from anyone who could write the database,
 * and an escape sequence in one could recolour, retitle or clear the user's terminal.
 */
export function stripControl(text: string): string {
  return text.replace(CONTROL, '');
}

/** An epoch-ms time as `YYYY-MM-DD HH:MM:SS` (UTC), or the raw number when it is no date (never throws). */
export function formatTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '-';
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? String(ms) : date.toISOString().replace('T', ' ').slice(0, 19);
}
