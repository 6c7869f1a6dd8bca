import { readdirSync, readFileSync } from 'node:fs';
import { basename, isAbsolute, join } from 'node:path';
import type { BrowserContext } from 'playwright-core';

/**
 * A folder of reference stylesheets: the CSS a project's pages looked right with. When a page
 * asks for a stylesheet whose file name is in the folder, the reference file is served instead,
 * so a first run without stored screenshots can still compare the pages as they are with the
 * pages as they were.
 */
export class ReferenceStyles {
  readonly dir: string;
  readonly #files: Map<string, Buffer>;
  /** Stylesheets actually substituted, by URL. */
  readonly substituted = new Set<string>();

  private constructor(dir: string, files: Map<string, Buffer>) {
    this.dir = dir;
    this.#files = files;
  }

  /** The first of `folders` (relative to `targetDir` or absolute) holding `.css` files, else undefined. */
  static find(targetDir: string, folders: readonly string[]): ReferenceStyles | undefined {
    for (const folder of folders) {
      const dir = isAbsolute(folder) ? folder : join(targetDir, folder);
      let names: string[];
      try {
        names = readdirSync(dir).filter((n) => n.endsWith('.css'));
      } catch {
        continue;
      }
      if (names.length > 0) return new ReferenceStyles(dir, new Map(names.map((n) => [n, readFileSync(join(dir, n))])));
    }
    return undefined;
  }

  /** Serves the reference stylesheets in `context` (register after the loopback guard: later routes run first). */
  async install(context: BrowserContext): Promise<void> {
    await context.route('**/*.css*', async (route) => {
      const url = route.request().url();
      const css = this.#files.get(basename(new URL(url).pathname));
      if (css === undefined) {
        await route.fallback();
        return;
      }
      this.substituted.add(url);
      await route.fulfill({ status: 200, contentType: 'text/css; charset=utf-8', body: css });
    });
  }
}
