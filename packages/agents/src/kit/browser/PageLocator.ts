import { readFileSync, statSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';

/**
 * Maps a served URL back to the project file it came from, so a page finding names
 * `public/index.html` (the catalogue's page shape) rather than `http://127.0.0.1:4312/`. A URL
 * path is looked up under every folder holding the project's HTML files (and their parents);
 * the file counts only when the served body is byte-for-byte that file, so a server-rendered
 * page that happens to share a name is not mistaken for it. Pages with no file keep their URL
 * path (`/search`).
 */
export class PageLocator {
  readonly #dir: string;
  readonly #folders: string[];
  readonly #cache = new Map<string, Buffer | null>();

  /** `htmlFiles`: the project's HTML files, relative `/` paths. */
  constructor(dir: string, htmlFiles: readonly string[]) {
    this.#dir = dir;
    const folders = new Set<string>(['']);
    for (const file of htmlFiles) {
      for (let folder = posix.dirname(file); folder !== '.' && folder !== ''; folder = posix.dirname(folder)) folders.add(folder);
    }
    // Deepest first: `public/` serves `/index.html` before the project root would.
    this.#folders = [...folders].sort((a, b) => b.split('/').length - a.split('/').length || a.localeCompare(b));
  }

  /** The file a response with `body` at `url` came from, else the URL's path. */
  locate(url: string, body?: Buffer): string {
    const file = this.fileOf(url, body);
    return file ?? decodeURIComponent(new URL(url).pathname);
  }

  /** The project file whose content `body` is, served at `url`'s path; undefined when none is. */
  fileOf(url: string, body?: Buffer): string | undefined {
    let path: string;
    try {
      path = decodeURIComponent(new URL(url).pathname);
    } catch {
      return undefined;
    }
    const names = path.endsWith('/') ? [`${path}index.html`, `${path}index.htm`] : [path, `${path}.html`, `${path}/index.html`];
    for (const folder of this.#folders) {
      for (const name of names) {
        const relative = posix.normalize(posix.join(folder, name)).replace(/^\/+/, '');
        if (relative.startsWith('..')) continue;
        const content = this.#read(relative);
        if (content !== null && (body === undefined || content.equals(body))) return relative;
      }
    }
    return undefined;
  }

  /** URL paths under which `file` would be served by a static server rooted at one of its folders. */
  static candidatePaths(file: string): string[] {
    const parts = file.split('/');
    const paths = parts.map((_, i) => `/${parts.slice(i).join('/')}`);
    const last = parts.at(-1) ?? '';
    // An index file is tried as its folder first, so `/` and `/index.html` are one seed.
    if (/^index\.html?$/i.test(last)) paths.unshift(...parts.slice(0, -1).map((_, i) => `/${parts.slice(i, -1).join('/')}/`), '/');
    return [...new Set(paths)];
  }

  #read(relative: string): Buffer | null {
    let content = this.#cache.get(relative);
    if (content === undefined) {
      const full = join(this.#dir, relative);
      try {
        content = statSync(full).isFile() && dirname(full).startsWith(this.#dir) ? readFileSync(full) : null;
      } catch {
        content = null;
      }
      this.#cache.set(relative, content);
    }
    return content;
  }
}
