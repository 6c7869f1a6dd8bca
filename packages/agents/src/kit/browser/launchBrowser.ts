import { existsSync } from 'node:fs';
import type { Browser, BrowserType } from 'playwright-core';
import { AgentError } from '../agent/AgentError.js';

/** Where a system Chromium is looked for, in order, after `QE_CHROMIUM`. */
export const CHROMIUM_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome-stable', '/usr/bin/google-chrome', '/snap/bin/chromium'] as const;

/** How to get a browser when none is found: the agents never download one. */
export const CHROMIUM_INSTALL_HINT = 'install the system package (Debian/Ubuntu: `apt-get install chromium`) or set QE_CHROMIUM to a Chromium/Chrome executable; qe-fleet never downloads a browser';

/** Options of `launchBrowser`. */
export interface LaunchBrowserOptions {
  /** The executable; default `findChromium()`. */
  executablePath?: string;
  /** Environment read by `findChromium` (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** Existence check (tests). */
  exists?: (path: string) => boolean;
  /** The Playwright browser type (tests inject a fake). */
  launcher?: Pick<BrowserType, 'launch'>;
}

/** The system Chromium: `QE_CHROMIUM` when set, else the first of `CHROMIUM_PATHS` that exists. */
export function findChromium(env: NodeJS.ProcessEnv = process.env, exists: (path: string) => boolean = existsSync): string | undefined {
  const given = env['QE_CHROMIUM'];
  if (given !== undefined && given !== '') return exists(given) ? given : undefined;
  return CHROMIUM_PATHS.find((path) => exists(path));
}

/**
 * Launches headless system Chromium through playwright-core, with the background traffic
 * (updates, sync, QUIC) switched off so that the only requests are the pages'. No Chromium =
 * AgentError TOOL_FAILED naming where it looked and how to install one.
 */
export async function launchBrowser(options: LaunchBrowserOptions = {}): Promise<Browser> {
  const env = options.env ?? process.env;
  const executablePath = options.executablePath ?? findChromium(env, options.exists);
  if (executablePath === undefined) {
    const looked = env['QE_CHROMIUM'] ? `QE_CHROMIUM=${env['QE_CHROMIUM']} does not exist` : `looked at ${CHROMIUM_PATHS.join(', ')}`;
    throw new AgentError('TOOL_FAILED', `no Chromium found (${looked}): ${CHROMIUM_INSTALL_HINT}`);
  }
  try {
    // Loaded on first launch: playwright-core costs about a second of start-up for runs without a browser agent.
    const launcher = options.launcher ?? (await import('playwright-core')).chromium;
    return await launcher.launch({
      executablePath,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage', '--font-render-hinting=none'],
    });
  } catch (error) {
    throw new AgentError('TOOL_FAILED', `Chromium at ${executablePath} did not start: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`, { cause: error });
  }
}
