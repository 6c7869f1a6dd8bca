import { existsSync, readFileSync, statSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize, relative } from 'node:path';
import { parseYaml } from './parseYaml.js';
import { describeApiDocument, findApiDescription } from '../openapi/findApiDescription.js';
import type { ApiDescription } from '../openapi/findApiDescription.js';
import { planServiceStart } from '../service/planServiceStart.js';
import type { ServiceStart } from '../service/planServiceStart.js';
import { limitReads } from './limitReads.js';
import { CODE_FILE, listSourceFiles } from './listSourceFiles.js';
import { importClosure } from './localImports.js';
import { readJsonc } from './readJsonc.js';
import { SkipRules } from './SkipRules.js';

/** Language of a source file. */
export type SourceLanguage = 'typescript' | 'javascript';
/** Module system of a source file, as its syntax (or, failing that, its package) says. */
export type ModuleSystem = 'esm' | 'commonjs';

/** One source file of the target. */
export interface SourceFileInfo {
  /** Relative, `/`-separated. */
  path: string;
  language: SourceLanguage;
  module: ModuleSystem;
  jsx: boolean;
}

/** The target's test runner and the command that runs it. */
export interface TestRunnerInfo {
  name: 'vitest' | 'jest' | 'mocha' | 'ava' | 'tap' | 'tape' | 'uvu' | 'node-test';
  /** The runner's own command (`npx vitest run`, `node --test`). */
  command: string;
  /** The package.json script that runs it, when one does. */
  script?: string;
}

/** A package of a monorepo workspace: a sub-target. */
export interface WorkspacePackage {
  /** Relative folder. */
  dir: string;
  /** Its package.json `name`, else the folder name. */
  name: string;
}

/** A file or folder left out of every agent's file list, and why. */
export interface SkippedPath {
  path: string;
  reason: string;
}

/**
 * What an agent needs to know about a target before reading it, discovered from the folder alone
 * (with `TargetSpec` overrides): where the code is, in what language and module system, what to
 * skip, how it is tested, how its service starts and where its API is described.
 */
export interface TargetProfile {
  /** Folders or files holding the project's own code (relative); `['.']` when nothing narrower was found. */
  sourceRoots: string[];
  /** Where `sourceRoots` came from (`tsconfig include`, `package.json exports`, `folder source`, `config`, `whole folder`). */
  rootsFrom: string[];
  /** Source files under the roots, tests excluded, skip rules applied. */
  files: SourceFileInfo[];
  /** Test files (own folders like `test/`, and `*.test.*`/`*.spec.*` anywhere under the roots). */
  testFiles: string[];
  /** Languages present among `files`. */
  languages: SourceLanguage[];
  /** package.json `type`: what a plain `.js` file is. */
  packageModule: ModuleSystem;
  /** tsconfig.json of the target, when it has one (relative). */
  tsconfig?: string;
  /** Workspace packages (pnpm-workspace.yaml, package.json `workspaces`): sub-targets. */
  workspaces: WorkspacePackage[];
  /** The rules every file list honours (pass to `listSourceFiles({ skip })`). */
  skip: SkipRules;
  /** What the rules left out (folders and files seen while listing sources; capped at 200). */
  skipped: SkippedPath[];
  testRunner?: TestRunnerInfo;
  /** The API description (JSON/YAML with a top-level openapi/swagger key), with its base path. */
  api?: ApiDescription;
  /** How the service would be started; undefined for a target that shows none. */
  service?: ServiceStart;
  /** The folder is inside a git work tree. */
  gitWorkTree: boolean;
}

/** Overrides of discovery (from `TargetSpec`: config file and flags). */
export interface ProfileOverrides {
  sourceRoots?: readonly string[];
  /** API description file, relative to the target or absolute. */
  openapi?: string;
  /** Extra gitignore-style patterns to skip. */
  ignore?: readonly string[];
  start?: string;
}

const COMMON_ROOTS = ['src', 'lib', 'source', 'app', 'server', 'routes'];
const TEST_DIR = /(^|\/)(test|tests|__tests__|spec|specs|e2e)\//;
const TEST_FILE = /(^|\/)(test|tests)\.[cm]?[jt]sx?$|[._-](test|spec|test-d|bench)\.[cm]?[jt]sx?$/;
const CONFIG_FILE = /(^|\/)[^/]*\.config\.[cm]?[jt]s$|(^|\/)\.?(eslintrc|prettierrc|babelrc)[^/]*$|(^|\/)(gulpfile|gruntfile)\.[cm]?js$/i;
const RUNNERS: Array<{ name: TestRunnerInfo['name']; pattern: RegExp; command: string; dependency: string }> = [
  { name: 'vitest', pattern: /\bvitest\b/, command: 'npx vitest run', dependency: 'vitest' },
  // Toolkits whose `test` command is jest with their own config (kcd-scripts, Create React App, tsdx) run it too.
  { name: 'jest', pattern: /\bjest\b|\b(?:kcd-scripts|react-scripts|react-app-rewired|craco|tsdx)\s+test\b/, command: 'npx jest', dependency: 'jest' },
  { name: 'mocha', pattern: /\bmocha\b/, command: 'npx mocha', dependency: 'mocha' },
  { name: 'ava', pattern: /\bava\b/, command: 'npx ava', dependency: 'ava' },
  { name: 'tap', pattern: /(^|[\s;&|])(tap|node-tap)(\s|$)/, command: 'npx tap', dependency: 'tap' },
  { name: 'tape', pattern: /(^|[\s;&|])tape(\s|$)/, command: 'npx tape', dependency: 'tape' },
  { name: 'uvu', pattern: /(^|[\s;&|])uvu(\s|$)/, command: 'npx uvu', dependency: 'uvu' },
  { name: 'node-test', pattern: /\bnode\b[^&|;]*\s--test\b/, command: 'node --test', dependency: '' },
];

/**
 * Discovers the profile of the target folder `dir` (absolute) whose package.json is `packageJson`.
 * Reads only: package.json, tsconfig.json, ignore files, workspace manifests, the sources' text
 * (to sniff the module system, skip bundles and follow relative imports to modules outside the
 * roots) and JSON/YAML files (for an API description).
 */
export async function discoverProfile(dir: string, packageJson: Record<string, unknown>, overrides: ProfileOverrides = {}): Promise<TargetProfile> {
  const tsconfigPath = existsSync(join(dir, 'tsconfig.json')) ? 'tsconfig.json' : undefined;
  const tsconfig = tsconfigPath === undefined ? {} : readJsonc(join(dir, tsconfigPath));
  const skip = SkipRules.load(dir, overrides.ignore ? { patterns: overrides.ignore } : {});
  const service = planServiceStart(dir, packageJson, overrides.start);
  const { roots, from } = sourceRootsOf(dir, packageJson, tsconfig, skip, overrides.sourceRoots, service);
  const skipped: SkippedPath[] = [];
  const onSkip = (path: string, reason: string): void => {
    if (skipped.length < 200 && !skipped.some((s) => s.path === path)) skipped.push({ path, reason });
  };
  const packageModule: ModuleSystem = packageJson['type'] === 'module' ? 'esm' : 'commonjs';
  const isTest = (f: string): boolean => TEST_DIR.test(f) || TEST_FILE.test(f);
  const testRoots = ['test', 'tests', '__tests__', 'spec', 'test.js', 'test.mjs', 'test.ts'].filter((t) => existsSync(join(dir, t)));
  // The three walks wait on the disk, not on each other.
  const [underRoots, underTestRoots, api] = await Promise.all([
    listSourceFiles(dir, { roots, skip, onSkip }),
    testRoots.length > 0 ? listSourceFiles(dir, { roots: testRoots, skip }) : [],
    overrides.openapi !== undefined ? describeGiven(dir, overrides.openapi) : findApiDescription(dir, { skip }),
  ]);
  const own = underRoots.filter((path) => !isTest(path) && !CONFIG_FILE.test(path));
  // What that code loads by relative path is the project's own code too, wherever it lies (nanoid's
  // url-alphabet/ is named by no package.json entry, only imported by the entries), unless a skip
  // rule or the test and config conventions leave it out. Under a root of `.` the walk saw it all.
  const inSkippedFolder = (path: string): boolean => path.split('/').slice(0, -1).some((_, i, parts) => skip.skipsDir(parts.slice(0, i + 1).join('/')) !== undefined);
  const imported = roots.includes('.') ? [] : importClosure(dir, own, (path) => CODE_FILE.test(path) && !isTest(path) && !CONFIG_FILE.test(path) && !inSkippedFolder(path));
  const reached = imported.length === 0 ? [] : await listSourceFiles(dir, { roots: imported, skip, onSkip });
  const files = await Promise.all([...own, ...reached].sort().map((path) => limitReads(() => describeFile(dir, path, packageModule))));
  const testFiles = [...new Set([...underRoots.filter(isTest), ...underTestRoots])].sort();
  const testRunner = testRunnerOf(packageJson);
  return {
    sourceRoots: roots,
    rootsFrom: from,
    files,
    testFiles,
    languages: (['typescript', 'javascript'] as const).filter((l) => files.some((f) => f.language === l)),
    packageModule,
    ...(tsconfigPath === undefined ? {} : { tsconfig: tsconfigPath }),
    workspaces: await workspacesOf(dir, packageJson),
    skip,
    skipped,
    ...(testRunner === undefined ? {} : { testRunner }),
    ...(api === undefined ? {} : { api }),
    ...(service === undefined ? {} : { service }),
    gitWorkTree: insideGitWorkTree(dir),
  };
}

/** `./a/b/` → `a/b`; `.` stays `.`. */
function clean(path: string): string {
  const normal = normalize(path).replaceAll('\\', '/').replace(/^\.\//, '').replace(/\/+$/, '');
  return normal === '' ? '.' : normal;
}

/** Every string path in a package.json entry field (`exports` conditions, `bin` maps, `files`). */
function entryStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(entryStrings);
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(entryStrings);
  return [];
}

/** The first path segment before any glob character (`src/**\/*.ts` → `src`). */
function staticPrefix(pattern: string): string {
  const segments = clean(pattern).split('/');
  const kept: string[] = [];
  for (const s of segments) {
    if (/[*?{[]/.test(s)) break;
    kept.push(s);
  }
  return kept.length === 0 ? '.' : kept.join('/');
}

function sourceRootsOf(dir: string, packageJson: Record<string, unknown>, tsconfig: Record<string, unknown>, skip: SkipRules, given: readonly string[] | undefined, service: ServiceStart | undefined): { roots: string[]; from: string[] } {
  if (given !== undefined && given.length > 0) return { roots: given.map(clean), from: ['config'] };
  const roots = new Set<string>();
  const from: string[] = [];
  const inSkippedFolder = (path: string): boolean => {
    const parts = path.split('/');
    for (let i = 1; i <= parts.length; i++) {
      const prefix = parts.slice(0, i).join('/');
      const isDir = i < parts.length || isDirectory(join(dir, prefix));
      if (isDir && skip.skipsDir(prefix) !== undefined) return true;
    }
    return false;
  };
  const add = (path: string, source: string): void => {
    const p = clean(path);
    if (p === '.' || p.startsWith('..') || !existsSync(join(dir, p)) || inSkippedFolder(p)) return;
    // A file in a folder stands for its top folder; a file at the top stands for itself.
    const root = p.includes('/') ? (p.split('/')[0] ?? p) : p;
    if (/\.d\.[cm]?ts$/.test(root) || !(isDirectory(join(dir, root)) || /\.[cm]?[jt]sx?$/.test(root))) return;
    if (!roots.has(root)) {
      roots.add(root);
      if (!from.includes(source)) from.push(source);
    }
  };
  const compilerOptions = (tsconfig['compilerOptions'] ?? {}) as Record<string, unknown>;
  if (typeof compilerOptions['rootDir'] === 'string') add(compilerOptions['rootDir'], 'tsconfig rootDir');
  for (const pattern of entryStrings(tsconfig['include'])) add(staticPrefix(pattern), 'tsconfig include');
  for (const ref of Array.isArray(tsconfig['references']) ? (tsconfig['references'] as Array<{ path?: unknown }>) : []) {
    if (typeof ref.path === 'string') add(ref.path.replace(/\/?tsconfig[^/]*\.json$/, ''), 'tsconfig references');
  }
  for (const field of ['main', 'module', 'exports', 'bin', 'files']) {
    for (const path of entryStrings(packageJson[field])) add(staticPrefix(path), `package.json ${field}`);
  }
  // The file a service starts from is the project's own code even when nothing else names it (`node app.js`).
  const entry = service === undefined ? undefined : /\bnode\b(?:\s+-\S+(?:\s+(?!\S+\.[cm]?[jt]s\b)[^-\s]\S*)?)*\s+(\S+\.[cm]?[jt]s)\b/.exec(service.command)?.[1];
  // An application named by nothing but its start command keeps code beside its entry (routes,
  // services, models): the whole folder is its source, minus the skip rules and tests.
  if (roots.size === 0 && entry !== undefined) return { roots: ['.'], from: ['whole folder (service entry ' + entry + ')'] };
  for (const folder of COMMON_ROOTS) if (isDirectory(join(dir, folder))) add(folder, `folder ${folder}`);
  if (roots.size === 0) return { roots: ['.'], from: ['whole folder'] };
  return { roots: [...roots].sort(), from };
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

const ESM_SYNTAX = /^\s*(import\s+(?:[\w*{][^;]*?\s+from\s+)?['"]|import\s*\{|export\s+(?:default|const|let|var|function|async|class|\{|\*|type|interface|enum))/m;
const CJS_SYNTAX = /\brequire\s*\(\s*['"]|\bmodule\.exports\b|^\s*exports\.\w+\s*=/m;

/** Language by extension; module system by extension, else by syntax, else by the package's `type`. */
async function describeFile(dir: string, path: string, packageModule: ModuleSystem): Promise<SourceFileInfo> {
  const language: SourceLanguage = /\.[cm]?tsx?$/.test(path) ? 'typescript' : 'javascript';
  const jsx = /x$/.test(path);
  let module: ModuleSystem;
  if (/\.m[jt]s$/.test(path)) module = 'esm';
  else if (/\.c[jt]s$/.test(path)) module = 'commonjs';
  else {
    const text = await readFile(join(dir, path), 'utf8').catch(() => '');
    module = ESM_SYNTAX.test(text) ? 'esm' : CJS_SYNTAX.test(text) ? 'commonjs' : packageModule;
  }
  return { path, language, module, jsx };
}

async function describeGiven(dir: string, file: string): Promise<ApiDescription | undefined> {
  const full = isAbsolute(file) ? file : join(dir, file);
  const text = await readFile(full, 'utf8').catch(() => undefined);
  const rel = relative(dir, full).replaceAll('\\', '/');
  return text === undefined ? undefined : describeApiDocument(rel, text);
}

function testRunnerOf(packageJson: Record<string, unknown>): TestRunnerInfo | undefined {
  const scripts = (typeof packageJson['scripts'] === 'object' && packageJson['scripts'] !== null ? packageJson['scripts'] : {}) as Record<string, unknown>;
  const names = ['test', ...Object.keys(scripts).filter((k) => k !== 'test' && /^tests?\b|:test$|^unit/.test(k))];
  // `"test": "npm run tests-only"`: the scripts a test script runs are searched too, in order.
  for (let i = 0; i < names.length; i++) {
    const script = names[i]!;
    const text = scripts[script];
    if (typeof text !== 'string') continue;
    const runner = RUNNERS.find((r) => r.pattern.test(text));
    if (runner) return { name: runner.name, command: runner.command, script };
    const called = [...text.matchAll(/\b(?:npm|pnpm|yarn)\s+(?:run(?:-script)?\s+)?(?:--silent\s+|-s\s+)?([\w:.-]+)/g)].map((m) => m[1]!);
    names.splice(i + 1, 0, ...new Set(called.filter((name) => !names.includes(name) && typeof scripts[name] === 'string')));
  }
  const deps = { ...(packageJson['devDependencies'] as object | undefined), ...(packageJson['dependencies'] as object | undefined) } as Record<string, unknown>;
  const byDependency = RUNNERS.find((r) => r.dependency !== '' && r.dependency in deps);
  return byDependency === undefined ? undefined : { name: byDependency.name, command: byDependency.command };
}

/** Workspace globs from pnpm-workspace.yaml and package.json `workspaces`, expanded to package folders. */
async function workspacesOf(dir: string, packageJson: Record<string, unknown>): Promise<WorkspacePackage[]> {
  const patterns: string[] = [];
  try {
    const yaml = parseYaml(readFileSync(join(dir, 'pnpm-workspace.yaml'), 'utf8')) as { packages?: unknown } | null;
    if (Array.isArray(yaml?.packages)) patterns.push(...yaml.packages.filter((p): p is string => typeof p === 'string'));
  } catch {
    // No pnpm workspace.
  }
  const declared = packageJson['workspaces'];
  const list = Array.isArray(declared) ? declared : typeof declared === 'object' && declared !== null ? (declared as { packages?: unknown }).packages : undefined;
  if (Array.isArray(list)) patterns.push(...list.filter((p): p is string => typeof p === 'string'));
  const excluded = patterns.filter((p) => p.startsWith('!')).map((p) => clean(p.slice(1)));
  const found = new Map<string, WorkspacePackage>();
  for (const pattern of patterns.filter((p) => !p.startsWith('!'))) {
    for (const folder of await expand(dir, clean(pattern).split('/'), '', 0)) {
      if (folder === '.' || excluded.includes(folder) || found.has(folder)) continue;
      const manifest = join(dir, folder, 'package.json');
      if (!existsSync(manifest)) continue;
      const name = (readJsonc(manifest)['name'] as string | undefined) ?? folder.split('/').pop() ?? folder;
      found.set(folder, { dir: folder, name });
    }
  }
  return [...found.values()].sort((a, b) => a.dir.localeCompare(b.dir));
}

/** Folders matching glob segments (`*` within a segment, `**` any depth up to 4), skipping dependencies. */
async function expand(dir: string, segments: string[], at: string, depth: number): Promise<string[]> {
  if (segments.length === 0) return [at === '' ? '.' : at];
  const [head, ...rest] = segments as [string, ...string[]];
  if (!/[*?]/.test(head)) return expand(dir, rest, at === '' ? head : `${at}/${head}`, depth);
  const entries = await readdir(join(dir, at), { withFileTypes: true }).catch(() => []);
  const folders = entries.filter((e) => e.isDirectory() && e.name !== 'node_modules' && !e.name.startsWith('.')).map((e) => e.name);
  const out: string[] = [];
  if (head === '**') {
    out.push(...(await expand(dir, rest, at, depth)));
    if (depth < 4) for (const f of folders) out.push(...(await expand(dir, segments, at === '' ? f : `${at}/${f}`, depth + 1)));
    return out;
  }
  const matcher = new RegExp(`^${head.replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '[^/]*').replaceAll('?', '[^/]')}$`);
  for (const f of folders.filter((name) => matcher.test(name))) out.push(...(await expand(dir, rest, at === '' ? f : `${at}/${f}`, depth)));
  return out;
}

/** Whether `dir` or a parent has `.git` (a folder, or a file for worktrees and submodules). */
function insideGitWorkTree(dir: string): boolean {
  for (let at = dir; ; at = dirname(at)) {
    if (existsSync(join(at, '.git'))) return true;
    if (dirname(at) === at) return false;
  }
}
