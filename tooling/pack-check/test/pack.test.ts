/**
 * The published shape of the workspace: every non-private package under packages/* is packed
 * with `pnpm pack` (which rewrites `workspace:*` to versions), all tarballs are installed together
 * with pnpm into a blank project outside the workspace, and each package is imported there by a
 * plain Node process that checks every value export its built dist/index.d.ts declares. The builds come from
 * turbo (`test` depends on `^build`; this package devDepends on the libraries); nothing is built here.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  main?: string;
  types?: string;
  exports?: Record<string, unknown>;
}

interface Candidate {
  dir: string;
  manifest: Manifest;
}

/** The libraries turbo builds before this test (`^build` through these devDependencies). */
const LISTED = new Set(
  Object.keys((JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { devDependencies: Record<string, string> }).devDependencies),
);

/** Extra behaviour checked after the export check, per package (module bound as `m`). */
const SMOKE: Record<string, string> = {
  '@qe-fleet/memory': `
    const memory = new m.SwarmMemoryManager(':memory:', { cleanupIntervalMs: 0 });
    memory.initialize();
    memory.store('k', { at: new Date(5) }, { partition: 'learning' });
    const back = memory.retrieve('k', { partition: 'learning' });
    if (!(back.at instanceof Date) || back.at.getTime() !== 5) throw new Error('store/retrieve round trip failed');
    if (memory.stats().tables.memory_entries !== 1) throw new Error('stats wrong');
    memory.close();`,
};

/** Names of the value (non-type) exports declared in a TypeScript entry or declaration file. */
function valueExports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const names: string[] = [];
  const exported = (node: ts.Node): boolean =>
    ts.canHaveModifiers(node) && (ts.getModifiers(node)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) ?? false);
  for (const statement of source.statements) {
    if (ts.isExportDeclaration(statement)) {
      if (statement.isTypeOnly) continue;
      if (!statement.exportClause) throw new Error(`${file}: \`export *\` hides the export list`);
      if (ts.isNamespaceExport(statement.exportClause)) names.push(statement.exportClause.name.text);
      else for (const spec of statement.exportClause.elements) if (!spec.isTypeOnly) names.push(spec.name.text);
    } else if (exported(statement)) {
      if (ts.isVariableStatement(statement)) {
        for (const d of statement.declarationList.declarations) if (ts.isIdentifier(d.name)) names.push(d.name.text);
      } else if (
        (ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement) || ts.isEnumDeclaration(statement)) &&
        statement.name
      ) {
        names.push(statement.name.text);
      }
    }
  }
  return names;
}

/** Publishable packages that have an entry point (packages still being scaffolded are skipped). */
function candidates(): Candidate[] {
  const base = join(ROOT, 'packages');
  return readdirSync(base)
    .map((name) => join(base, name))
    .filter((dir) => existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'src/index.ts')))
    .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest }))
    .filter(({ manifest }) => manifest.private !== true);
}

function run(command: string, args: string[], cwd: string): string {
  try {
    return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${e.stderr ?? ''}\n${e.stdout ?? ''}\n${e.message}`);
  }
}

/** The file `pnpm pack` writes for a manifest: `@scope/name` 1.0.0 → `scope-name-1.0.0.tgz`. */
const tarballOf = (manifest: Manifest) => `${manifest.name.replace(/^@/, '').replace('/', '-')}-${manifest.version}.tgz`;

const work = mkdtempSync(join(tmpdir(), 'qe-pack-check-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('packed packages install and import outside the workspace', () => {
  it('packs, installs and imports every publishable package', () => {
    const packages = candidates();
    expect(packages.map((p) => p.manifest.name)).toContain('@qe-fleet/memory');

    const built = packages.filter(({ dir, manifest }) => {
      const entry = join(dir, manifest.main ?? 'dist/index.js');
      if (existsSync(entry)) return true;
      // A listed library is built first by turbo, so a missing build is a failure; a package not
      // listed yet (just scaffolded) is skipped until it is added to this package's devDependencies.
      expect(LISTED.has(manifest.name), `${manifest.name} is not built (${entry} missing)`).toBe(false);
      console.warn(`pack-check: skipping ${manifest.name}: not built and not in @qe-fleet/pack-check devDependencies`);
      return false;
    });

    const tarballs = join(work, 'tarballs');
    mkdirSync(tarballs);
    for (const { dir } of built) run('pnpm', ['pack', '--pack-destination', tarballs], dir);
    const files = readdirSync(tarballs).filter((f) => f.endsWith('.tgz'));
    expect(files.sort()).toEqual(built.map(({ manifest }) => tarballOf(manifest)).sort());

    const project = join(work, 'project');
    mkdirSync(project);
    // pnpm, not npm: it links from the same content store the workspace installed from and
    // reuses the cached build of better-sqlite3, so this takes seconds instead of minutes, while
    // still resolving the tarballs' dependencies as a consumer's install would (no workspace here).
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({
        name: 'qe-pack-consumer',
        private: true,
        type: 'module',
        pnpm: {
          onlyBuiltDependencies: ['better-sqlite3', 'esbuild'],
          // The libraries depend on each other by version; point those at the tarballs, not the registry.
          overrides: Object.fromEntries(built.map(({ manifest }) => [manifest.name, `file:${join(tarballs, tarballOf(manifest))}`])),
        },
      }),
    );
    run('pnpm', ['add', '--prefer-offline', '--config.ignore-workspace=true', ...files.map((f) => join(tarballs, f))], project);

    for (const { dir, manifest } of built) {
      const names = valueExports(join(dir, (manifest.types ?? 'dist/index.d.ts')));
      const script = `
        const m = await import(${JSON.stringify(manifest.name)});
        const missing = ${JSON.stringify(names)}.filter((n) => m[n] === undefined);
        if (missing.length > 0) throw new Error('missing exports: ' + missing.join(', '));
        ${SMOKE[manifest.name] ?? ''}
        console.log('ok ' + ${JSON.stringify(manifest.name)} + ' ' + ${names.length});`;
      const out = run(process.execPath, ['--input-type=module', '-e', script], project);
      expect(out.trim()).toBe(`ok ${manifest.name} ${names.length}`);
    }
  });
});
