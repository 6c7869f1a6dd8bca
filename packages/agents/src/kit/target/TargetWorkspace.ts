import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import ts from '../typescript/ts.js';
import { CODE_FILE } from './listSourceFiles.js';
import { importClosure } from './localImports.js';

/** Options of `TargetWorkspace.create`. */
export interface TargetWorkspaceOptions {
  /** Target root (absolute). */
  targetDir: string;
  /** Source files to copy, relative to the target root. */
  sources: readonly string[];
  /** Packages of @qe-fleet/agents the generated code imports (`fast-check`, `tinybench`), linked in. */
  link?: readonly string[];
  /** Parent of the temporary folder (default the OS temp dir). */
  tmpRoot?: string;
  /**
   * What a plain `.js` source is (the target's package.json `type`; default `module`): the copied
   * sources keep it, so a CommonJS library is loaded as CommonJS beside the ESM generated code.
   */
  packageType?: 'module' | 'commonjs';
}

const require = createRequire(import.meta.url);

/** Folder of a dependency of this package (found where Node would look, whatever its `exports` allow). */
function packageDir(name: string): string {
  const found = (require.resolve.paths(name) ?? []).map((p) => join(p, name)).find((dir) => existsSync(join(dir, 'package.json')));
  if (found === undefined) throw new Error(`cannot find the package ${name}`);
  return found;
}

/**
 * A temporary ESM project holding a copy of the target's sources (under `target/`) and the code an
 * agent generates, compiled with the TypeScript API into `out/` with source maps. The target folder
 * itself is never written to. The target's own dependencies and the agent's tools are symlinked
 * into `node_modules`, so compiled code resolves them as it would in the target.
 */
export class TargetWorkspace {
  /** Absolute path of the workspace. */
  readonly dir: string;
  readonly #sources: string[];

  private constructor(dir: string, sources: string[]) {
    this.dir = dir;
    this.#sources = sources;
  }

  /** Creates the workspace: package.json, node_modules links, and the copied sources. */
  static async create(options: TargetWorkspaceOptions): Promise<TargetWorkspace> {
    const dir = await mkdtemp(join(options.tmpRoot ?? tmpdir(), 'qe-agent-'));
    try {
      await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'qe-agent-workspace', private: true, type: 'module' }));
      const modules = join(dir, 'node_modules');
      await mkdir(modules);
      const linked = new Set(options.link ?? []);
      for (const name of linked) await symlink(packageDir(name), join(modules, name), 'dir');
      const targetModules = join(options.targetDir, 'node_modules');
      if (existsSync(targetModules)) {
        for (const name of await readdir(targetModules)) {
          if (!linked.has(name) && !name.startsWith('.')) await symlink(join(targetModules, name), join(modules, name));
        }
      }
      // The copied sources and their compiled output keep the target's module system.
      const scope = JSON.stringify({ type: options.packageType ?? 'module' });
      for (const folder of ['target', join('out', 'target')]) {
        await mkdir(join(dir, folder), { recursive: true });
        await writeFile(join(dir, folder, 'package.json'), scope);
      }
      // With what they load by relative path, whether or not it is the project's own code (a
      // vendored or generated module, a JSON file): the copies must run as the originals do.
      const sources: string[] = [];
      for (const rel of [...options.sources, ...importClosure(options.targetDir, options.sources)]) {
        const to = join(dir, 'target', rel);
        await mkdir(dirname(to), { recursive: true });
        await copyFile(join(options.targetDir, rel), to);
        if (CODE_FILE.test(rel)) sources.push(to);
        // tsc emits code only: data beside it is copied to where the compiled code looks for it.
        else {
          const emitted = join(dir, 'out', 'target', rel);
          await mkdir(dirname(emitted), { recursive: true });
          await copyFile(join(options.targetDir, rel), emitted);
        }
      }
      return new TargetWorkspace(dir, sources);
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
  }

  /** Writes a generated file (path relative to the workspace) and returns its absolute path. */
  async write(rel: string, content: string): Promise<string> {
    const path = join(this.dir, rel);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, content);
    return path;
  }

  /** Where `compile` puts the JavaScript of a workspace file (absolute or workspace-relative `.ts`). */
  outPath(file: string): string {
    const rel = file.startsWith(this.dir) ? relative(this.dir, file) : file;
    return join(this.dir, 'out', rel).replace(/\.(m?)ts$/, '.$1js').replace(/\.cts$/, '.cjs');
  }

  /**
   * Compiles the copied sources plus `extra` files to `out/` (errors do not stop the emit: the
   * target's own type errors are not the agent's business) and returns the type errors of each
   * file in `check`.
   */
  compile(extra: readonly string[], check: readonly string[] = []): Map<string, string[]> {
    const program = ts.createProgram([...this.#sources, ...extra], {
      target: ts.ScriptTarget.ES2022,
      lib: ['lib.es2023.d.ts'],
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      strict: true,
      skipLibCheck: true,
      types: [],
      rootDir: this.dir,
      outDir: join(this.dir, 'out'),
      sourceMap: true,
      noEmitOnError: false,
      // JavaScript targets are copied and emitted too (unchecked: their types are only inferred).
      allowJs: true,
      checkJs: false,
    });
    const errors = new Map<string, string[]>();
    for (const file of check) {
      const sf = program.getSourceFile(file);
      const diagnostics = sf ? [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)] : [];
      errors.set(file, diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, ' ')));
    }
    program.emit();
    return errors;
  }

  /** Deletes the workspace. */
  async dispose(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}
