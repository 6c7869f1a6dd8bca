import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';

/** A file-system-safe name for a page location and a suffix (`public/index.html` → `public_index.html`). */
export function artifactName(location: string, suffix: string): string {
  const base = location.replace(/^\/+/, '').replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 100) || 'root';
  return `${base}${suffix === '' ? '' : `-${suffix.replace(/[^A-Za-z0-9._-]+/g, '_')}`}.png`;
}

/**
 * Saves a PNG of `page` under `dir` (created) and returns its path, or undefined when the page
 * could not be captured (a crashed page must not hide the finding it illustrates). Animations are
 * stopped and the caret hidden so two captures of the same rendering are identical.
 */
export async function saveScreenshot(page: Page, dir: string, name: string, options: { fullPage?: boolean } = {}): Promise<string | undefined> {
  try {
    await mkdir(dir, { recursive: true });
    const path = join(dir, name);
    await page.screenshot({ path, fullPage: options.fullPage ?? true, animations: 'disabled', caret: 'hide', timeout: 10_000 });
    return path;
  } catch {
    return undefined;
  }
}
