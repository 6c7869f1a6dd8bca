import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import libCoverage from 'istanbul-lib-coverage';
import type { CoverageMap } from './SuiteRun.js';

const require = createRequire(import.meta.url);

/** Totals of one coverage metric, as istanbul's `json-summary` reporter writes them. */
export interface CoverageMetric {
  total: number;
  covered: number;
  skipped: number;
  /** Percent, 0..100 (istanbul rounds to two decimals; 100 when total is 0). */
  pct: number;
}

/** Istanbul's per-file or total summary (`coverage-summary.json`). */
export interface CoverageSummary {
  lines: CoverageMetric;
  statements: CoverageMetric;
  functions: CoverageMetric;
  branches: CoverageMetric;
}

/** The c8 executable this package ships with (V8 coverage → istanbul reports). */
export function c8Bin(): string {
  return join(dirname(require.resolve('c8/package.json')), 'bin', 'c8.js');
}

/**
 * c8's arguments for one run: V8 coverage of every child process of the command, remapped through
 * source maps (tsx and compiled TS), reported as istanbul `json` and `json-summary`, with every
 * listed source file included (`--all`: a file no test loads is reported at 0 %).
 */
export function c8Args(dir: string, files: readonly string[], reportDir: string): string[] {
  return [
    c8Bin(),
    '--reporter=json',
    '--reporter=json-summary',
    `--reports-dir=${reportDir}`,
    `--temp-directory=${join(reportDir, 'v8')}`,
    '--all',
    `--src=${dir}`,
    '--exclude-after-remap',
    ...files.map((f) => `--include=${f}`),
  ];
}

/**
 * The istanbul coverage written by a run (`coverage-final.json` in `reportDir`), restricted to
 * `files` (relative to `dir`; keys stay absolute as istanbul writes them), with the reporter's own
 * `coverage-summary.json` when it wrote one.
 */
export async function readCoverageReport(reportDir: string, dir: string, files: readonly string[]): Promise<{ coverage: CoverageMap; summary?: Record<string, CoverageSummary> }> {
  const data = JSON.parse(await readFile(join(reportDir, 'coverage-final.json'), 'utf8')) as CoverageMap;
  const wanted = new Set(files);
  const coverage: CoverageMap = {};
  for (const [key, value] of Object.entries(data)) {
    const path = relative(dir, value.path ?? key).replaceAll('\\', '/');
    if (wanted.size === 0 || wanted.has(path)) coverage[key] = value;
  }
  const summary = await readFile(join(reportDir, 'coverage-summary.json'), 'utf8').then((t) => JSON.parse(t) as Record<string, CoverageSummary>).catch(() => undefined);
  return { coverage, ...(summary === undefined ? {} : { summary }) };
}

/** Istanbul's own totals for a coverage map (the numbers its text and json-summary reporters print). */
export function summarizeCoverage(coverage: CoverageMap): CoverageSummary {
  const summary = libCoverage.createCoverageMap(coverage).getCoverageSummary().toJSON();
  return summary as unknown as CoverageSummary;
}
