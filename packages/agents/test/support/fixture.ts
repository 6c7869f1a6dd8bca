import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { openTarget, scoreFindings } from '@qe-fleet/agents';
import type { AgentCore, AgentReport, CatalogueScore, Target } from '@qe-fleet/agents';

/** The sample target with its catalogue. */
export const FIXTURE = fileURLToPath(new URL('../../../../fixtures/sample-target', import.meta.url));
/** This package's own folder (an uncatalogued real project). */
export const PACKAGE = fileURLToPath(new URL('../..', import.meta.url));

/** Every strategy of a core, run for real once on the sample target, with its catalogue score. */
export interface Measured<R extends AgentReport = AgentReport> {
  target: Target;
  reports: Map<string, R>;
  scores: Map<string, CatalogueScore>;
}

/** Runs each strategy of `core` once on the sample target (the expensive part of a test file). */
export async function measureStrategies<R extends AgentReport>(core: Omit<AgentCore, 'run'> & { run(target: Target, strategy: string): Promise<R> }): Promise<Measured<R>> {
  const target = await openTarget({ dir: FIXTURE });
  const reports = new Map<string, R>();
  const scores = new Map<string, CatalogueScore>();
  for (const { name } of core.strategies) {
    const report = await core.run(target, name);
    reports.set(name, report);
    scores.set(name, scoreFindings(report.findings, target.catalogue!, core.id));
  }
  return { target, reports, scores };
}

/** Asserts the "done when" bar: the best strategy (by F1) has recall and precision >= 0.8. */
export function expectBestStrategyFindsCatalogue(scores: ReadonlyMap<string, CatalogueScore>): void {
  const [best, score] = [...scores].reduce((a, b) => (b[1].f1 > a[1].f1 ? b : a));
  expect(score.recall, `${best} missed ${score.missed.map((d) => d.id).join(', ')}`).toBeGreaterThanOrEqual(0.8);
  expect(score.precision, `${best} false positives ${JSON.stringify(score.falsePositives)}`).toBeGreaterThanOrEqual(0.8);
}

/** Small projects with the shapes of real ones (`fixtures/shapes/<name>`), written for these tests. */
export const shape = (name: string): string => fileURLToPath(new URL(`../../../../fixtures/shapes/${name}`, import.meta.url));
