import { join, relative, sep } from 'node:path';
import ts from './ts.js';
import type { Target } from '../target/Target.js';

/** Where the declarations of a package's public functions are: what a user of the package can call. */
export interface PublicExports {
  /** The package entry source files the exports were read from, target-relative. */
  entries: string[];
  /** Declarations reachable from the entries: target-relative file and 1-based line range. */
  declarations: Array<{ file: string; line: number; endLine: number }>;
}

const cache = new WeakMap<Target, PublicExports | null>();

/** Entry paths a package.json names (`exports` conditions of every subpath without a wildcard, `main`, `module`). */
function entryPaths(packageJson: Record<string, unknown>): string[] {
  const out: string[] = [];
  const walk = (value: unknown, key: string): void => {
    if (typeof value === 'string') {
      if (!value.includes('*') && !key.endsWith('package.json') && !/\.(d\.[cm]?ts|json|css)$/.test(value)) out.push(value);
    } else if (Array.isArray(value)) for (const v of value) walk(v, key);
    else if (typeof value === 'object' && value !== null) for (const [k, v] of Object.entries(value)) if (k !== 'types') walk(v, k.startsWith('.') ? k : key);
  };
  walk(packageJson['exports'], '.');
  for (const field of ['main', 'module']) walk(packageJson[field], '.');
  return [...new Set(out)];
}

/**
 * The own source file (one of `own`, the profile's) an entry path stands for: itself, or its
 * TypeScript original under a source root when it names build output, built or not
 * (`distribution/index.js` from `source/index.js`, `dist/index.js` from `src/index.ts`, a root
 * `index.js` from `src/index.js` by `babel src -d .`).
 */
function sourceOf(dir: string, path: string, own: ReadonlySet<string>, roots: readonly string[]): string | undefined {
  const clean = path.replace(/^\.\//, '');
  const built = clean.replace(/^(dist|distribution|lib|build|out|cjs|esm|umd)(\/(cjs|esm|src))?\//, '');
  const bases = [clean, ...[...roots, 'src'].map((root) => `${root}/${built}`), built, `src/${clean}`];
  const candidates = bases.flatMap((b) => {
    const stem = b.replace(/\.[cm]?js$/, '');
    return [b, `${stem}.ts`, `${stem}.mts`, `${stem}.cts`, `${stem}.js`, `${stem}.mjs`, `${stem}.cjs`, `${b}/index.ts`, `${b}/index.js`];
  });
  const found = candidates.find((c) => own.has(c));
  return found === undefined ? undefined : join(dir, found);
}

/**
 * The functions a package offers its users: the declarations reachable from the entry points its
 * package.json names (`exports`, `main`, `module`; build output mapped back to `src/`), through
 * re-exports, imports and object literals of functions (`export default { isEmail, isURL }`,
 * `module.exports = { a, b }`). Undefined when the package names no entry whose source is here
 * (an application, or a library without package.json entry fields): then every export counts.
 */
export function publicExports(target: Target): PublicExports | undefined {
  const cached = cache.get(target);
  if (cached !== undefined) return cached ?? undefined;
  const fields = entryPaths(target.packageJson);
  const own = new Set(target.profile.files.map((f) => f.path));
  const roots = target.profile.sourceRoots.filter((r) => r !== '.');
  const entries = [...new Set((fields.length > 0 ? fields : ['index.js', 'src/index.ts', 'src/index.js']).map((p) => sourceOf(target.dir, p, own, roots)).filter((f): f is string => f !== undefined))];
  if (entries.length === 0) {
    cache.set(target, null);
    return undefined;
  }
  const program = ts.createProgram(entries, { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, allowJs: true, checkJs: false, noEmit: true, skipLibCheck: true, types: [] });
  const checker = program.getTypeChecker();
  const rel = (file: string): string => relative(target.dir, file).split(sep).join('/');
  const declarations: PublicExports['declarations'] = [];
  const seen = new Set<ts.Symbol>();
  const lineOf = (sf: ts.SourceFile, pos: number): number => sf.getLineAndCharacterOfPosition(pos).line + 1;
  const add = (node: ts.Node): void => {
    const sf = node.getSourceFile();
    if (sf.isDeclarationFile || sf.fileName.includes('/node_modules/')) return;
    declarations.push({ file: rel(sf.fileName), line: lineOf(sf, node.getStart(sf)), endLine: lineOf(sf, node.getEnd()) });
  };
  const fromExpression = (expr: ts.Expression, depth: number): void => {
    if (ts.isParenthesizedExpression(expr) || ts.isAsExpression(expr)) return fromExpression(expr.expression, depth);
    if (ts.isFunctionExpression(expr) || ts.isArrowFunction(expr) || ts.isClassExpression(expr)) return add(expr);
    if (ts.isObjectLiteralExpression(expr)) {
      for (const p of expr.properties) {
        if (ts.isShorthandPropertyAssignment(p)) follow(checker.getShorthandAssignmentValueSymbol(p), depth + 1);
        else if (ts.isPropertyAssignment(p)) fromExpression(p.initializer, depth + 1);
        else if (ts.isMethodDeclaration(p)) add(p);
      }
      return;
    }
    if (ts.isIdentifier(expr) || ts.isPropertyAccessExpression(expr)) follow(checker.getSymbolAtLocation(expr), depth + 1);
  };
  const follow = (symbol: ts.Symbol | undefined, depth: number): void => {
    if (symbol === undefined || depth > 6 || seen.has(symbol)) return;
    seen.add(symbol);
    const resolved = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    if (resolved !== symbol) return follow(resolved, depth + 1);
    for (const d of symbol.declarations ?? []) {
      if (ts.isFunctionDeclaration(d) || ts.isClassDeclaration(d) || ts.isMethodDeclaration(d)) add(d);
      else if (ts.isVariableDeclaration(d) && d.initializer) {
        // The exported name itself is public, also where it aliases a declaration elsewhere (`export const check = Checker.check`).
        add(d);
        fromExpression(d.initializer, depth);
      } else if (ts.isExportAssignment(d)) fromExpression(d.expression, depth);
      else if (ts.isShorthandPropertyAssignment(d)) follow(checker.getShorthandAssignmentValueSymbol(d), depth + 1);
      else if (ts.isPropertyAssignment(d)) fromExpression(d.initializer, depth);
      else if (ts.isBinaryExpression(d)) fromExpression(d.right, depth);
      else if (ts.isPropertyAccessExpression(d) && ts.isBinaryExpression(d.parent)) fromExpression(d.parent.right, depth);
    }
  };
  for (const entry of entries) {
    const sf = program.getSourceFile(entry);
    const moduleSymbol = sf && checker.getSymbolAtLocation(sf);
    if (!moduleSymbol) continue;
    for (const e of checker.getExportsOfModule(moduleSymbol)) follow(e, 0);
    const exportEquals = moduleSymbol.exports?.get(ts.InternalSymbolName.ExportEquals);
    if (exportEquals) follow(exportEquals, 0);
  }
  const result = { entries: entries.map(rel), declarations };
  cache.set(target, result);
  return result;
}

/** Whether a declaration at `file`:`line` is one of `exports`' public declarations. */
export function isPublic(exports: PublicExports, file: string, line: number): boolean {
  return exports.declarations.some((d) => d.file === file && line >= d.line && line <= d.endLine);
}
