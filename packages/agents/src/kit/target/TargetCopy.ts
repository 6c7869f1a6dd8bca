import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { openTarget } from './Target.js';
import type { Target } from './Target.js';

const NOT_COPIED = new Set(['node_modules', '.git', 'coverage', '.nyc_output', '.stryker-tmp', '.turbo', '.cache']);

/**
 * A throw-away copy of a target folder (sources, tests, configs; not `node_modules` or `.git`)
 * where generated test files can be written and run with the project's own runner without ever
 * writing to the target. Its `node_modules` holds links to the packages of the target's
 * `node_modules` and of every ancestor's (a monorepo package finds its workspace's runner), and a
 * merged `.bin`.
 */
export class TargetCopy {
  /** Absolute path of the copy. */
  readonly dir: string;
  readonly #root: string;

  private constructor(root: string, dir: string) {
    this.#root = root;
    this.dir = dir;
  }

  /** Copies `target` into a new temporary folder (under `tmpRoot`, default the OS temp dir). */
  static async create(target: Target, options: { tmpRoot?: string } = {}): Promise<TargetCopy> {
    const root = await mkdtemp(join(options.tmpRoot ?? tmpdir(), 'qe-copy-'));
    // A monorepo package's tsconfig extends a file above it (`../../tsconfig.base.json`): the copy
    // sits as deep in the temporary folder and that file is copied to the same relative place.
    const above = configsAbove(target.dir);
    const depth = Math.max(0, ...above.map((rel) => rel.split('/').filter((part) => part === '..').length));
    const dir = join(root, ...Array.from({ length: depth }, (_, i) => `up${i}`), basename(target.dir));
    try {
      await cp(target.dir, dir, { recursive: true, filter: (src) => !NOT_COPIED.has(basename(src)) || src === target.dir, verbatimSymlinks: true });
      for (const rel of above) await cp(resolve(target.dir, rel), resolve(dir, rel));
      await linkModules(target.dir, join(dir, 'node_modules'));
      return new TargetCopy(root, dir);
    } catch (error) {
      await rm(root, { recursive: true, force: true });
      throw error;
    }
  }

  /** The copy opened as a target (a fresh profile: files written since are seen; no catalogue). */
  async open(): Promise<Target> {
    return openTarget({ dir: this.dir, catalogue: false });
  }

  /** Path in the copy of a target-relative path. */
  path(rel: string): string {
    return join(this.dir, rel);
  }

  /** Target-relative path of an absolute path inside the copy. */
  relative(path: string): string {
    return relative(this.dir, path).split(sep).join('/');
  }

  /** Deletes the copy. */
  async dispose(): Promise<void> {
    await rm(this.#root, { recursive: true, force: true });
  }
}

async function linkModules(from: string, to: string): Promise<void> {
  await mkdir(join(to, '.bin'), { recursive: true });
  const taken = new Set<string>(['.bin']);
  const bins = new Set<string>();
  for (let at = from; ; at = dirname(at)) {
    const modules = join(at, 'node_modules');
    if (existsSync(modules)) {
      for (const name of readdirSync(modules)) {
        if (name.startsWith('.') && name !== '.bin') continue;
        if (name === '.bin') {
          for (const bin of readdirSync(join(modules, '.bin'))) {
            if (bins.has(bin)) continue;
            bins.add(bin);
            await symlink(join(modules, '.bin', bin), join(to, '.bin', bin));
          }
          continue;
        }
        if (taken.has(name)) continue;
        taken.add(name);
        await symlink(join(modules, name), join(to, name));
      }
    }
    if (dirname(at) === at) return;
  }
}

/** Relative paths (`../../tsconfig.base.json`) of the tsconfig files the target's tsconfig extends from outside it. */
function configsAbove(dir: string): string[] {
  const out: string[] = [];
  let from = join(dir, 'tsconfig.json');
  for (let hops = 0; hops < 5 && existsSync(from); hops += 1) {
    const match = /"extends"\s*:\s*"(\.{1,2}\/[^"]+)"/.exec(readFileSync(from, 'utf8'));
    if (!match) break;
    const next = resolve(dirname(from), match[1]!.endsWith('.json') ? match[1]! : `${match[1]!}.json`);
    const rel = relative(dir, next).split(sep).join('/');
    if (rel.startsWith('..')) out.push(rel);
    from = next;
  }
  return out;
}
