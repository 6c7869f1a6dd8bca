#!/usr/bin/env node
/**
 * Package boundary check, run by every package's `lint` script.
 *
 * Fails on: an import of another workspace package that goes past its `exports` (a deep import),
 * an import of a workspace package the importer does not declare, a relative import that leaves
 * the package, a cycle between workspace packages, and an import cycle between a package's own
 * modules. Imports are read with the TypeScript pre-processor, so no build is needed.
 */
import { existsSync, readFileSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const SOURCE_DIRS = ['src', 'test', 'bench', 'scripts'];
const SOURCE_EXT = /\.(?:[cm]?[jt]s|tsx)$/;

/** Finds the workspace root (the folder with pnpm-workspace.yaml) at or above `from`. */
export function findWorkspaceRoot(from) {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no pnpm-workspace.yaml above ${from}`);
    dir = parent;
  }
}

/** Reads every workspace package (from the `packages:` globs of the form `dir/*`). */
export function readWorkspace(root) {
  const yaml = readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8');
  const globs = [...yaml.matchAll(/^\s*-\s*['"]?([\w.-]+)\/\*['"]?\s*$/gm)].map((m) => m[1]);
  const packages = new Map();
  for (const glob of globs) {
    const base = join(root, glob);
    if (!existsSync(base)) continue;
    for (const name of readdirSync(base)) {
      const dir = join(base, name);
      const manifest = join(dir, 'package.json');
      if (!existsSync(manifest)) continue;
      const pkg = JSON.parse(readFileSync(manifest, 'utf8'));
      packages.set(pkg.name, { dir, pkg });
    }
  }
  return packages;
}

function declaredDeps(pkg) {
  return new Set(
    ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'].flatMap((field) =>
      Object.keys(pkg[field] ?? {}),
    ),
  );
}

function listSources(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...listSources(full));
    else if (SOURCE_EXT.test(name) && !name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

function resolveRelative(fromFile, spec) {
  const base = resolve(dirname(fromFile), spec);
  const stem = base.replace(/\.(?:[cm]?js)$/, '');
  const candidates = [base, `${stem}.ts`, `${stem}.tsx`, `${stem}.mts`, `${stem}.js`, `${stem}.mjs`, join(base, 'index.ts'), join(base, 'index.js')];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile()) ?? base;
}

function exportsSubpaths(pkg) {
  const exp = pkg.exports;
  if (exp === undefined) return new Set(['.']);
  if (typeof exp === 'string' || Object.keys(exp).every((k) => !k.startsWith('.'))) return new Set(['.']);
  return new Set(Object.keys(exp));
}

function findCycle(graph) {
  const state = new Map();
  const stack = [];
  const visit = (node) => {
    state.set(node, 1);
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 1) return [...stack.slice(stack.indexOf(next)), next];
      if (!state.has(next)) {
        const cycle = visit(next);
        if (cycle) return cycle;
      }
    }
    stack.pop();
    state.set(node, 2);
    return undefined;
  };
  for (const node of graph.keys()) {
    if (!state.has(node)) {
      const cycle = visit(node);
      if (cycle) return cycle;
    }
  }
  return undefined;
}

/** Checks the package in `packageDir`; returns the list of problems (empty when clean). */
export function checkPackage(packageDir) {
  const root = findWorkspaceRoot(packageDir);
  const workspace = readWorkspace(root);
  const self = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
  const deps = declaredDeps(self);
  const problems = [];
  const rel = (f) => relative(packageDir, f).split(sep).join('/');

  const pkgGraph = new Map(
    [...workspace].map(([name, { pkg }]) => [name, [...declaredDeps(pkg)].filter((d) => workspace.has(d))]),
  );
  const pkgCycle = findCycle(new Map([[self.name, pkgGraph.get(self.name) ?? []], ...pkgGraph]));
  if (pkgCycle && pkgCycle.includes(self.name)) problems.push(`package cycle: ${pkgCycle.join(' -> ')}`);

  const files = SOURCE_DIRS.map((d) => join(packageDir, d))
    .filter((d) => existsSync(d))
    .flatMap(listSources);
  const moduleGraph = new Map();
  for (const file of files) {
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const edges = [];
    for (const { fileName: spec } of info.importedFiles) {
      if (spec.startsWith('.')) {
        const target = resolveRelative(file, spec);
        if (!target.startsWith(packageDir + sep)) {
          problems.push(`${rel(file)}: relative import '${spec}' leaves the package`);
        } else edges.push(target);
        continue;
      }
      const match = /^(@[^/]+\/[^/]+|[^@/][^/]*)(\/.*)?$/.exec(spec);
      if (!match) continue;
      const [, name, sub] = match;
      const target = workspace.get(name);
      if (!target) continue;
      if (name !== self.name && !deps.has(name)) {
        problems.push(`${rel(file)}: imports ${name} without declaring it in package.json`);
      }
      if (sub !== undefined && !exportsSubpaths(target.pkg).has(`.${sub}`)) {
        problems.push(`${rel(file)}: deep import '${spec}' (not listed in ${name}'s exports)`);
      }
    }
    moduleGraph.set(file, edges);
  }
  const modCycle = findCycle(moduleGraph);
  if (modCycle) problems.push(`import cycle: ${modCycle.map(rel).join(' -> ')}`);
  return problems;
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = resolve(process.argv[2] ?? process.cwd());
  const problems = checkPackage(dir);
  const name = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name;
  if (problems.length > 0) {
    for (const p of problems) console.error(`${name}: ${p}`);
    process.exit(1);
  }
  console.log(`${name}: boundaries ok`);
}
