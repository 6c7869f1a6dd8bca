import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, posix, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.htm': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8', '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png', '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg', '.gif': 'image/gif', '.webp': 'image/webp', '.ico': 'image/x-icon', '.woff': 'font/woff', '.woff2': 'font/woff2', '.txt': 'text/plain; charset=utf-8',
};

/**
 * A static file server on 127.0.0.1 for a project whose pages are plain files (a static site, or
 * a service that cannot start): a URL path is looked up in each root folder in turn (the folders
 * holding an `index.html` first, then the project folder), so root-relative links such as
 * `/styles.css` resolve as they would on the real host. Nothing outside the roots is served.
 */
export class StaticServer {
  readonly #dir: string;
  readonly #roots: string[];
  #server: Server | undefined;

  /** `roots`: folders relative to `dir`, `''` = `dir` itself; searched in order. */
  constructor(dir: string, roots: readonly string[]) {
    this.#dir = dir;
    this.#roots = [...new Set([...roots, ''])];
  }

  /**
   * Roots for `htmlFiles` (relative paths): each folder holding an `index.html`, shallowest first,
   * then the project folder.
   */
  static rootsFor(htmlFiles: readonly string[]): string[] {
    const roots = htmlFiles.filter((f) => /(^|\/)index\.html?$/i.test(f)).map((f) => posix.dirname(f)).map((d) => (d === '.' ? '' : d));
    return [...new Set(roots)].sort((a, b) => a.split('/').length - b.split('/').length || a.localeCompare(b));
  }

  /** The URL path of `file` (relative) under the first root that holds it. */
  urlPathOf(file: string): string {
    for (const root of this.#roots) {
      if (root === '') return `/${file}`;
      if (file.startsWith(`${root}/`)) return `/${file.slice(root.length + 1)}`;
    }
    return `/${file}`;
  }

  /** Starts listening on a free loopback port; resolves to the base URL (no trailing `/`). */
  async start(): Promise<string> {
    const server = createServer((req, res) => {
      void this.#serve(req.url ?? '/').then(
        (found) => {
          if (found === undefined) {
            res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found');
            return;
          }
          res.writeHead(200, { 'content-type': TYPES[extname(found.path).toLowerCase()] ?? 'application/octet-stream' }).end(req.method === 'HEAD' ? undefined : found.body);
        },
        () => res.writeHead(500).end(),
      );
    });
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('static server has no port');
    return `http://127.0.0.1:${address.port}`;
  }

  /** Stops the server (open keep-alive connections are closed). */
  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async #serve(url: string): Promise<{ path: string; body: Buffer } | undefined> {
    let path: string;
    try {
      path = decodeURIComponent(new URL(url, 'http://x').pathname);
    } catch {
      return undefined;
    }
    const names = path.endsWith('/') ? [`${path}index.html`] : [path, `${path}/index.html`];
    for (const root of this.#roots) {
      const base = join(this.#dir, root);
      for (const name of names) {
        const full = normalize(join(base, name));
        if (full !== base && !full.startsWith(base + sep)) continue;
        try {
          if ((await stat(full)).isFile()) return { path: full, body: await readFile(full) };
        } catch {
          // Not in this root.
        }
      }
    }
    return undefined;
  }
}
