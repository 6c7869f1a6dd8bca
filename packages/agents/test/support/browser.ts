import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { TargetService, findChromium, openTarget, scoreFindings } from '@qe-fleet/agents';
import type { AgentReport, CatalogueScore, Target } from '@qe-fleet/agents';
import { FIXTURE } from './fixture.js';

/** True when a system Chromium exists (CI installs it; a developer machine may not have it). */
export const HAVE_CHROMIUM = findChromium() !== undefined || process.env['CI'] === 'true';

/** One headless Chromium for a test file (launching costs seconds: never once per test). */
export async function launchTestBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: findChromium() ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'] });
}

/** The sample target's service, started once for a test file, and the target opened on its URL. */
export async function startSampleTarget(): Promise<{ service: TargetService; target: Target }> {
  const service = new TargetService({ dir: FIXTURE, startupTimeoutMs: 90_000 });
  const baseUrl = await service.start();
  return { service, target: await openTarget({ dir: FIXTURE, baseUrl }) };
}

/** Runs every strategy of a browser core once on `target`, scored against its catalogue. */
export async function runStrategies<R extends AgentReport>(
  core: { id: string; strategies: readonly { name: string }[]; run(target: Target, strategy: string): Promise<R> },
  target: Target,
): Promise<{ reports: Map<string, R>; scores: Map<string, CatalogueScore> }> {
  const reports = new Map<string, R>();
  const scores = new Map<string, CatalogueScore>();
  for (const { name } of core.strategies) {
    const report = await core.run(target, name);
    reports.set(name, report);
    scores.set(name, scoreFindings(report.findings, target.catalogue!, core.id));
  }
  return { reports, scores };
}
