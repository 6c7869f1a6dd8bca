import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { SwarmMemoryManager } from '@qe-fleet/memory';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DashboardServer } from '../src/DashboardServer.js';
import { cli } from './cliHarness.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = fileURLToPath(new URL('../test-artifacts', import.meta.url));
// CI installs Chromium (.ci/run); on a developer machine without it the browser test is skipped, never in CI.
const haveBrowser = existsSync(CHROMIUM) || process.env.CI === 'true';

describe.runIf(haveBrowser)('dashboard in headless Chromium', () => {
  let dir: string;
  let memory: SwarmMemoryManager;
  let server: DashboardServer;
  let url: string;
  let browser: Browser;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'qe-dashboard-'));
    const db = join(dir, 'fleet.db');
    // A real run of one agent on the bundled sample target, twice, so the store has real data.
    const run = await cli(['run', '--agents', 'security-scanner', '--repeat', '2', '--db', db], dir);
    expect(run.code, run.err).toBe(0);
    // A user's triage of two of its findings: one confirmed, one a false positive.
    const listed = JSON.parse((await cli(['triage', '--db', db, '--json'], dir)).out) as { findings: Array<{ id: string }> };
    const marked = await cli(['triage', '--db', db, '--mark', `${listed.findings[0]!.id}=true`, '--mark', `${listed.findings[1]!.id}=false`], dir);
    expect(marked.code, marked.err).toBe(0);
    memory = new SwarmMemoryManager(db);
    memory.initialize();
    server = new DashboardServer({ memory, pollMs: 100 });
    url = await server.start();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 400_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    memory?.close();
  });

  it('loads with no console errors, shows the run, streams new events live and serves /metrics', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1400 } });
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(`${url}/`);
    await page.locator('#agents td', { hasText: 'security-scanner' }).first().waitFor();
    await expect.poll(() => page.locator('#live').textContent()).toBe('(live)');
    expect(await page.locator('#fleet .card').count()).toBe(5);
    expect(await page.locator('#overhead tr').count()).toBeGreaterThan(1);
    expect(await page.locator('#events div').count()).toBeGreaterThan(0);

    // The stream read directly too: the page also shows the newest events on its 10 s refresh.
    const stream = await fetch(`${url}/api/events/stream`);
    const reader = stream.body!.pipeThrough(new TextDecoderStream()).getReader();
    let streamedText = '';
    let pending: ReturnType<typeof reader.read> | undefined;
    const streamedUntil = async (marker: string): Promise<boolean> => {
      const deadline = Date.now() + 60_000; // a bound for a hung stream, not a speed requirement
      while (!streamedText.includes(marker) && Date.now() < deadline) {
        // One read in flight at a time, kept across calls, so no chunk is dropped by the race.
        pending ??= reader.read();
        const next = await Promise.race([pending, new Promise<null>((r) => setTimeout(() => r(null), 200))]);
        if (next === null) continue;
        pending = undefined;
        if (!next.done) streamedText += next.value;
      }
      return streamedText.includes(marker);
    };
    memory.storeEvent({ type: 'learning:improvement', payload: { marker: 'live-event-42' }, source: 'dashboard-test' });
    await page.locator('#events', { hasText: 'live-event-42' }).waitFor({ timeout: 60_000 });
    expect(await streamedUntil('live-event-42')).toBe(true);
    // Stored after that one was streamed, in the same millisecond: streamed as well.
    const streamed = memory.queryEvents({ limit: 1 })[0]!;
    memory.storeEvent({ type: 'learning:improvement', payload: { marker: 'same-ms-43' }, source: 'dashboard-test', timestamp: streamed.timestamp });
    expect(await streamedUntil('same-ms-43')).toBe(true);
    await reader.cancel();

    const chart = await page.request.get(`${url}/chart/improvement.svg`);
    expect(chart.headers()['content-type']).toContain('image/svg+xml');
    const metrics = await (await page.request.get(`${url}/metrics`)).text();
    expect(metrics).toMatch(/qe_fleet_agents\{status="stopped"\} 1/);
    expect(metrics).toMatch(/qe_fleet_learning_overhead_ms\{agent="security-scanner",stat="p99"\} \d/);

    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(join(ARTIFACTS, 'dashboard.png'), await page.screenshot({ fullPage: true }));
    expect(problems).toEqual([]);
  }, 300_000);

  it('shows the findings panel: the latest run by severity, agent and file, and the trend per run', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1400 } });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(`${url}/`);
    await page.locator('#findings-latest td', { hasText: 'security-scanner' }).first().waitFor();
    expect(await page.locator('#findings-summary').textContent()).toContain('sample-target');
    expect(await page.locator('#findings-counts .card', { hasText: 'by agent' }).textContent()).toMatch(/security-scanner \d+/);
    const data = (await (await page.request.get(`${url}/api/findings`)).json()) as { latest: { counts: { total: number; byFile: Record<string, number> } }; trend: unknown[] };
    expect(data.trend).toHaveLength(1);
    expect(data.latest.counts.total).toBeGreaterThan(0);
    expect(Object.keys(data.latest.counts.byFile).length).toBeGreaterThan(0);
    expect(await page.locator('#findings-trend tr').count()).toBe(2);
    // triage rates per agent and rule, from the verdicts given
    expect(await page.locator('#triage-agents tr', { hasText: 'security-scanner' }).textContent()).toBe('security-scanner11050 %');
    expect(await page.locator('#triage-rules td', { hasText: '%' }).allTextContents()).toEqual(expect.arrayContaining([expect.stringMatching(/^(0|100|50) %$/)]));
    const chart = await page.request.get(`${url}/chart/findings.svg`);
    expect(chart.headers()['content-type']).toContain('image/svg+xml');
    expect(problems).toEqual([]);
  }, 300_000);
});
