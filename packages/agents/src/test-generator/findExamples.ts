import { existsSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import ts from '../kit/typescript/ts.js';
import type { ExportedFunction } from '../kit/typescript/extractExports.js';
import { ExportRef, NamespaceRef, UNKNOWN, bindPattern, evaluateLiteral } from './evaluateLiteral.js';
import type { Scope } from './evaluateLiteral.js';

/** Where an example came from: the project's tests, a doc comment's `@example`, the README. */
export type ExampleSource = 'test' | 'jsdoc' | 'readme';

/** A local name an example's code uses, bound to a target module (`*`), one of its exports, or `default`. */
export interface ExampleBinding {
  file: string;
  name: string;
}

/** One stated input → output (or input → throws) of an exported function. */
export interface CodeExample {
  /** The exported function the example exercises (where a failure is reported). */
  fn: ExportedFunction;
  /** A JavaScript expression using the names of `bindings`. */
  code: string;
  bindings: Record<string, ExampleBinding>;
  kind: 'equal' | 'throws';
  expected?: unknown;
  source: ExampleSource;
  /** `file:line` of the statement that states it. */
  where: string;
}

/** What example finding needs to know about the target. */
export interface ExampleContext {
  dir: string;
  /** Source files (relative). */
  sources: readonly string[];
  packageJson: Record<string, unknown>;
  functions: readonly ExportedFunction[];
}

const MAX_EXAMPLES = 2000;
const EQUAL_MATCHERS = /^(toEqual|toStrictEqual|toBe|toDeepEqual)$/;
const ASSERT_EQUAL = /^(equal|strictEqual|deepEqual|deepStrictEqual|is|same|strictSame)$/;
const THROWS = /^(toThrow|toThrowError|throws)$/;
const GLOBALS = new Set(['Math', 'JSON', 'Number', 'String', 'Object', 'Array', 'Boolean', 'Symbol', 'Date', 'RegExp', 'Map', 'Set', 'BigInt', 'undefined', 'NaN', 'Infinity', 'parseInt', 'parseFloat', 'Error', 'TypeError', 'RangeError']);
/** Examples that do I/O (a URL, an await) are never run: they could reach the network. */
const UNSAFE = /\bawait\b|https?:\/\/|\bfetch\(|\brequire\(|\bprocess\./;
/** Objects of the process whose state a test may set up before its assertions (the environment, globals, the DOM). */
const PROCESS_STATE = new Set(['process', 'globalThis', 'global', 'window', 'document', 'navigator', 'localStorage', 'sessionStorage']);
/** Calls that change what the code under test sees: stubbed environment, globals, clock or modules. */
const STATE_CALLS = /^(vi|jest)\.(stubEnv|stubGlobal|useFakeTimers|setSystemTime|spyOn|mock|doMock|replaceProperty)$|^sinon\.|^mock\.(method|timers\.\w+)$/;
/** `Object.assign(process.env, …)`, `Reflect.defineProperty(process, 'version', …)`: a state change when their target is the process's. */
const OBJECT_WRITES = /^(Object\.(assign|defineProperty|defineProperties)|Reflect\.(defineProperty|set|deleteProperty))$/;

/**
 * Reads the examples the project states for its exported functions: assertions in its own tests
 * (`expect(f(x)).toEqual(y)`, `assert.deepStrictEqual(f(x), y)`, ava's `t.is`, throws; table-driven
 * tests through `for…of`, `forEach` and `each` over literal tables are expanded), `@example` blocks
 * of doc comments and README code blocks with `//=> value` results.
 */
export function findExamples(ctx: ExampleContext, testFiles: readonly string[]): CodeExample[] {
  const out: CodeExample[] = [];
  for (const file of testFiles) {
    if (out.length >= MAX_EXAMPLES || !/\.[cm]?[jt]sx?$/.test(file) || /\.d\.[cm]?ts$|\.test-d\./.test(file)) continue;
    out.push(...testExamples(ctx, file));
  }
  for (const fn of ctx.functions) {
    for (const block of jsdocExamples(fn.doc)) out.push(...resultComments(ctx, block, `${fn.file}:${fn.line}`, 'jsdoc', fn.file));
  }
  const readme = ['README.md', 'readme.md', 'Readme.md'].map((f) => join(ctx.dir, f)).find((f) => existsSync(f));
  if (readme !== undefined) {
    const text = readFileSync(readme, 'utf8');
    const name = readme.slice(ctx.dir.length + 1);
    const scope: Scope = new Map();
    for (const block of text.matchAll(/^(```|~~~)\s*(js|javascript|mjs|cjs|ts|typescript|jsx|tsx)?\s*\n([\s\S]*?)^\1/gm)) {
      const line = text.slice(0, block.index).split('\n').length + 1;
      out.push(...resultComments(ctx, block[3] ?? '', `${name}:${line}`, 'readme', undefined, scope));
    }    out.push(...formTables(ctx, text, name));
  }
  return out.slice(0, MAX_EXAMPLES);
}

/**
 * A README table of methods and what each makes of one phrase (change-case's "| `camelCase` |
 * `twoWords` |"): when at least three rows name exported string → string functions and every
 * result holds the same words (split at separators and case changes, lower-cased), each function
 * must turn every other row's form into its own; those are examples.
 */
function formTables(ctx: ExampleContext, text: string, file: string): CodeExample[] {
  const lines = text.split('\n');
  const rows: Array<{ fn: ExportedFunction; result: string; line: number }> = [];
  lines.forEach((l, i) => {
    const m = /^\|\s*`?([A-Za-z_$][\w$]*)`?(?:\(\))?\s*\|\s*`([^`]+)`\s*\|\s*$/.exec(l);
    const fn = m && ctx.functions.find((f) => f.name === m[1] && f.params[0]?.type.kind === 'string' && f.returns.kind === 'string' && f.params.filter((p) => !p.optional).length === 1);
    if (m?.[2] && fn) rows.push({ fn, result: m[2], line: i + 1 });
  });
  const wordsOf = (s: string): string => s.replace(/([a-z0-9])([A-Z])/g, '$1 $2').split(/[^A-Za-z0-9]+/).filter(Boolean).join(' ').toLowerCase();
  if (rows.length < 3 || new Set(rows.map((r) => wordsOf(r.result))).size !== 1 || wordsOf(rows[0]?.result ?? '') === '') return [];
  return rows.flatMap((row) =>
    rows.map((other) => ({
      fn: row.fn,
      code: `fn_under_test(${JSON.stringify(other.result)})`,
      bindings: { fn_under_test: { file: row.fn.file, name: row.fn.name } },
      kind: 'equal' as const,
      expected: row.result,
      source: 'readme' as const,
      where: `${file}:${row.line}`,
    })),
  );
}

/** The code of each `@example` tag of a doc comment. */
function jsdocExamples(doc: string): string[] {
  return [...doc.matchAll(/@example\b([\s\S]*?)(?=\n\s*@\w|$)/g)].map((m) => (m[1] ?? '').replace(/^\s*```\w*\s*$|^\s*```\s*$/gm, ''));
}

/** Resolves an import specifier (relative to `from`, or the package's own name and subpaths) to a source file. */
function resolveModule(ctx: ExampleContext, specifier: string, from: string | undefined): string | undefined {
  const sources = new Set(ctx.sources);
  const candidates = (base: string): string[] => {
    const noExt = base.replace(/\.[cm]?[jt]sx?$/, '');
    return [base, ...['.ts', '.tsx', '.mts', '.cts', '.js', '.mjs', '.cjs'].map((e) => noExt + e), ...['ts', 'js', 'mjs'].map((e) => `${base}/index.${e}`)].map((p) => posix.normalize(p));
  };
  if (specifier.startsWith('.')) {
    if (from === undefined) return undefined;
    return candidates(posix.join(posix.dirname(from), specifier)).find((c) => sources.has(c));
  }
  const name = typeof ctx.packageJson['name'] === 'string' ? ctx.packageJson['name'] : undefined;
  if (name === undefined || (specifier !== name && !specifier.startsWith(`${name}/`))) return undefined;
  const sub = specifier === name ? '.' : `./${specifier.slice(name.length + 1)}`;
  const exportsField = ctx.packageJson['exports'];
  let entry: unknown = sub === '.' ? ((typeof exportsField === 'string' ? exportsField : undefined) ?? ctx.packageJson['module'] ?? ctx.packageJson['main'] ?? 'index.js') : undefined;
  if (exportsField !== null && typeof exportsField === 'object' && !Array.isArray(exportsField)) {
    const map = exportsField as Record<string, unknown>;
    const hit = Object.keys(map).some((k) => k.startsWith('.')) ? map[sub] : sub === '.' ? map : undefined;
    entry = pickCondition(hit) ?? entry;
  }
  if (typeof entry !== 'string') return undefined;
  const direct = candidates(posix.normalize(entry)).find((c) => sources.has(c));
  if (direct !== undefined) return direct;
  // Built output (dist/index.js): the source file of the same name.
  const base = posix.basename(entry).replace(/\.[cm]?[jt]sx?$|\.d\.ts$/, '');
  return ctx.sources.find((s) => posix.basename(s).replace(/\.[cm]?[jt]sx?$/, '') === base);
}

function pickCondition(entry: unknown): string | undefined {
  if (typeof entry === 'string') return entry;
  if (entry === null || typeof entry !== 'object') return undefined;
  const map = entry as Record<string, unknown>;
  for (const key of ['source', 'import', 'node', 'require', 'default']) {
    const v = pickCondition(map[key]);
    if (v !== undefined) return v;
  }
  return undefined;
}

/** Binds the names an import declaration or `require` introduces, when they come from a target module. */
function bindImport(ctx: ExampleContext, node: ts.Node, from: string | undefined, scope: Scope): void {
  if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier) && node.importClause) {
    const file = resolveModule(ctx, node.moduleSpecifier.text, from);
    if (file === undefined) return;
    const clause = node.importClause;
    if (clause.name) scope.set(clause.name.text, new ExportRef(file, 'default'));
    const bindings = clause.namedBindings;
    if (bindings && ts.isNamespaceImport(bindings)) scope.set(bindings.name.text, new NamespaceRef(file));
    if (bindings && ts.isNamedImports(bindings)) for (const el of bindings.elements) scope.set(el.name.text, new ExportRef(file, (el.propertyName ?? el.name).text));
  }
  if (ts.isVariableStatement(node)) {
    for (const decl of node.declarationList.declarations) {
      const init = decl.initializer;
      if (!init || !ts.isCallExpression(init) || !ts.isIdentifier(init.expression) || init.expression.text !== 'require' || !init.arguments[0] || !ts.isStringLiteral(init.arguments[0])) continue;
      const file = resolveModule(ctx, init.arguments[0].text, from);
      if (file === undefined) continue;
      if (ts.isIdentifier(decl.name)) scope.set(decl.name.text, new NamespaceRef(file));
      else if (ts.isObjectBindingPattern(decl.name)) {
        for (const el of decl.name.elements) if (ts.isIdentifier(el.name)) scope.set(el.name.text, new ExportRef(file, (el.propertyName && ts.isIdentifier(el.propertyName) ? el.propertyName : el.name).text));
      }
    }
  }
}

function functionFor(ctx: ExampleContext, ref: ExportRef): ExportedFunction | undefined {
  return ctx.functions.find((f) => f.name === ref.name && f.file === ref.file) ?? ctx.functions.find((f) => f.name === ref.name);
}

/** `ref.name`/`ns.name` as code with its binding. */
function calleeRef(node: ts.Expression, scope: Scope): ExportRef | undefined {
  const v = evaluateLiteral(node, scope);
  return v instanceof ExportRef ? v : undefined;
}

/** Code of an evaluated argument value, export references bound under their own names. */
function argCode(value: unknown, bindings: Record<string, ExampleBinding>): string | undefined {
  if (value instanceof ExportRef) {
    const local = `ref_${value.name}`;
    bindings[local] = { file: value.file, name: value.name };
    return local;
  }
  if (value instanceof NamespaceRef || value === UNKNOWN || typeof value === 'function' || typeof value === 'symbol') return undefined;
  if (Array.isArray(value)) {
    const items = value.map((v) => argCode(v, bindings));
    return items.includes(undefined) ? undefined : `[${items.join(', ')}]`;
  }
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const entries = Object.entries(value).map(([k, v]) => {
      const code = argCode(v, bindings);
      return code === undefined ? undefined : `${JSON.stringify(k)}: ${code}`;
    });
    return entries.includes(undefined) ? undefined : `{ ${entries.join(', ')} }`;
  }
  if (value !== null && typeof value === 'object') return undefined;
  if (typeof value === 'number' && !Number.isFinite(value)) return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
  if (typeof value === 'bigint') return `${value}n`;
  return Object.is(value, -0) ? '-0' : value === undefined ? 'undefined' : JSON.stringify(value);
}

/** An example from a call node `f(args)` whose callee and arguments evaluate. */
function callExample(ctx: ExampleContext, call: ts.Expression, scope: Scope): { fn: ExportedFunction; code: string; bindings: Record<string, ExampleBinding> } | undefined {
  if (!ts.isCallExpression(call)) return undefined;
  const ref = calleeRef(call.expression, scope);
  const fn = ref && functionFor(ctx, ref);
  if (!ref || !fn) return undefined;
  const bindings: Record<string, ExampleBinding> = { fn_under_test: { file: ref.file, name: ref.name } };
  const args = call.arguments.map((a) => (ts.isSpreadElement(a) ? undefined : argCode(evaluateLiteral(a, scope), bindings)));
  if (args.includes(undefined)) return undefined;
  return { fn, code: `fn_under_test(${args.join(', ')})`, bindings };
}

function testExamples(ctx: ExampleContext, file: string): CodeExample[] {
  let text: string;
  try {
    text = readFileSync(join(ctx.dir, file), 'utf8');
  } catch {
    return [];
  }
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, /\.[cm]?tsx?$/.test(file) ? ts.ScriptKind.TS : ts.ScriptKind.JS);
  const out: CodeExample[] = [];
  const lineOf = (n: ts.Node): number => source.getLineAndCharacterOfPosition(n.getStart(source)).line + 1;
  const record = (node: ts.Expression, scope: Scope): boolean => {
    const e = ts.isAwaitExpression(node) ? node.expression : node;
    if (!ts.isCallExpression(e) || !ts.isPropertyAccessExpression(e.expression)) return false;
    const method = e.expression.name.text;
    const target = e.expression.expression;
    let actual: ts.Expression | undefined;
    let expected: ts.Expression | undefined;
    let throws = false;
    if (ts.isCallExpression(target) && ts.isIdentifier(target.expression) && target.expression.text === 'expect' && target.arguments[0]) {
      actual = target.arguments[0];
      if (EQUAL_MATCHERS.test(method)) expected = e.arguments[0];
      else if (THROWS.test(method)) throws = true;
    } else if (ts.isIdentifier(target) && /^(assert|t|tt|test)$/.test(target.text)) {
      actual = e.arguments[0];
      if (ASSERT_EQUAL.test(method)) expected = e.arguments[1];
      else if (THROWS.test(method)) throws = true;
    }
    if (actual === undefined || (!throws && expected === undefined)) return ts.isCallExpression(target) && ts.isIdentifier(target.expression) && target.expression.text === 'expect';
    if (throws) {
      if (!ts.isArrowFunction(actual) && !ts.isFunctionExpression(actual)) return true;
      const body = ts.isBlock(actual.body) ? (actual.body.statements.length === 1 && ts.isExpressionStatement(actual.body.statements[0]!) ? actual.body.statements[0].expression : undefined) : actual.body;
      const ex = body && callExample(ctx, body, scope);
      if (ex) out.push({ ...ex, kind: 'throws', source: 'test', where: `${file}:${lineOf(node)}` });
      return true;
    }
    const ex = callExample(ctx, actual, scope);
    const value = expected === undefined ? UNKNOWN : evaluateLiteral(expected, scope);
    if (ex && value !== UNKNOWN && argCode(value, {}) !== undefined && !containsRef(value)) out.push({ ...ex, kind: 'equal', expected: value, source: 'test', where: `${file}:${lineOf(node)}` });
    return true;
  };
  const walkBody = (fn: ts.Node, scope: Scope, params: unknown[] | undefined): void => {
    if (!ts.isArrowFunction(fn) && !ts.isFunctionExpression(fn)) return;
    // A test (or a suite, through its hooks) that sets up the environment or globals states results for that set-up only.
    if (changesProcessState(fn.body)) return;
    const inner = new Map(scope);
    if (params !== undefined) fn.parameters.forEach((p, i) => bindPattern(p.name, params[i], inner));
    else for (const p of fn.parameters) if (ts.isIdentifier(p.name)) inner.set(p.name.text, UNKNOWN);
    if (ts.isBlock(fn.body)) walk(fn.body.statements, inner);
    else visitExpression(fn.body, inner);
  };
  const visitExpression = (expr: ts.Expression, scope: Scope): void => {
    if (out.length >= MAX_EXAMPLES || record(expr, scope) || !ts.isCallExpression(expr)) return;
    const callee = expr.expression;
    // table.forEach((row) => …) and it.each(table)(name, (a, b) => …)
    if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'forEach') {
      const table = evaluateLiteral(callee.expression, scope);
      if (Array.isArray(table) && expr.arguments[0]) for (const [i, row] of table.entries()) walkBody(expr.arguments[0], scope, [row, i]);
      return;
    }
    if (ts.isCallExpression(callee) && ts.isPropertyAccessExpression(callee.expression) && callee.expression.name.text === 'each' && callee.arguments[0]) {
      const table = evaluateLiteral(callee.arguments[0], scope);
      const body = expr.arguments.find((a) => ts.isArrowFunction(a) || ts.isFunctionExpression(a));
      if (Array.isArray(table) && body) for (const row of table) walkBody(body, scope, Array.isArray(row) ? row : [row]);
      return;
    }
    for (const arg of expr.arguments) walkBody(arg, scope, undefined);
  };
  const walk = (statements: readonly ts.Statement[], scope: Scope): void => {
    for (const st of statements) {
      if (out.length >= MAX_EXAMPLES) return;
      bindImport(ctx, st, file, scope);
      if (ts.isVariableStatement(st)) {
        for (const d of st.declarationList.declarations) {
          if (!d.initializer || scope.get(ts.isIdentifier(d.name) ? d.name.text : '') instanceof NamespaceRef) continue;
          const v = evaluateLiteral(d.initializer, scope);
          if (v === UNKNOWN || !bindPattern(d.name, v, scope)) forget(d.name, scope);
        }
      } else if (ts.isForOfStatement(st) && ts.isVariableDeclarationList(st.initializer) && st.initializer.declarations[0]) {
        const table = evaluateLiteral(st.expression, scope);
        if (!Array.isArray(table)) continue;
        for (const row of table) {
          const inner = new Map(scope);
          if (bindPattern(st.initializer.declarations[0].name, row, inner)) walk(ts.isBlock(st.statement) ? st.statement.statements : [st.statement], inner);
        }
      } else if (ts.isExpressionStatement(st)) {
        // Set-up in this block itself (`process.env.TZ = 'UTC'`, not inside a test's callback): what it states after it depends on it.
        if (changesProcessState(st, false)) return;
        visitExpression(ts.isAwaitExpression(st.expression) ? st.expression.expression : st.expression, scope);
      }
    }
  };
  walk(source.statements, new Map());
  return out;
}

/**
 * Whether `node` changes state of the process that the code under test reads (commander's
 * `useColor()` is `undefined` or `false` by `NO_COLOR`): an assignment to or `delete` of a member
 * of `process` (`process.env.NO_COLOR = '1'`), `globalThis`, `window`…, or a call stubbing the
 * environment, globals, the clock or modules (`vi.stubEnv`, `jest.useFakeTimers`,
 * `Object.assign(process.env, …)`, micromatch's `Reflect.defineProperty(process, 'version', …)`).
 * With `intoFunctions` false, what the callbacks it passes (a test's body) would do does not count.
 */
function changesProcessState(node: ts.Node, intoFunctions = true): boolean {
  const root = (e: ts.Expression): ts.Expression => (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e) ? root(e.expression) : e);
  const isProcessState = (e: ts.Expression): boolean => ts.isIdentifier(root(e)) && PROCESS_STATE.has((root(e) as ts.Identifier).text);
  const isProcessMember = (e: ts.Expression): boolean => (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) && isProcessState(e);
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found || (!intoFunctions && (ts.isArrowFunction(n) || ts.isFunctionExpression(n)))) return;
    if (ts.isBinaryExpression(n) && n.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && n.operatorToken.kind <= ts.SyntaxKind.LastAssignment && isProcessMember(n.left)) found = true;
    else if (ts.isDeleteExpression(n) && isProcessMember(n.expression)) found = true;
    else if (ts.isCallExpression(n) && STATE_CALLS.test(n.expression.getText().replace(/\s+/g, ''))) found = true;
    else if (ts.isCallExpression(n) && OBJECT_WRITES.test(n.expression.getText().replace(/\s+/g, '')) && n.arguments[0] !== undefined && isProcessState(n.arguments[0])) found = true;
    else ts.forEachChild(n, visit);
  };
  visit(node);
  return found;
}

function forget(name: ts.BindingName, scope: Scope): void {
  if (ts.isIdentifier(name)) scope.set(name.text, UNKNOWN);
  else for (const el of name.elements) if (ts.isBindingElement(el)) forget(el.name, scope);
}

function containsRef(value: unknown): boolean {
  if (value instanceof ExportRef || value instanceof NamespaceRef) return true;
  if (Array.isArray(value)) return value.some(containsRef);
  if (value !== null && typeof value === 'object') return Object.values(value).some(containsRef);
  return false;
}

/**
 * A comment stating what the results after it assume of the environment: sindresorhus/camelcase's
 * README shows `camelCase('lorem-ipsum') //=> 'loremİpsum'` under "// On a platform with `tr-TR`.";
 * also "// In the browser", "// When NODE_ENV=production", "// With TZ=UTC".
 */
const CONDITION = /^\s*\/\/\s*(?:on|in|if|when|with|assuming|under)\b[^\n]*\b(?:platforms?|locales?|environment|browsers?|windows|macos|linux|time ?zone|TZ|node(?:\.js)?\s*v?\d+|NODE_ENV|env)\b/im;

/**
 * Examples stated as `expr; //=> value` (or `// => value`, or `console.log(expr) //=> value`) in a
 * code block. Names come from the block's imports (kept across a README's blocks in `scope`),
 * else from the exports of `ownFile` or of any source file; expressions with other free names
 * (earlier variables, I/O), and those after a comment stating a condition on the environment
 * (`CONDITION`), are left out.
 */
function resultComments(ctx: ExampleContext, code: string, where: string, sourceKind: ExampleSource, ownFile: string | undefined, scope: Scope = new Map()): CodeExample[] {
  const source = ts.createSourceFile('example.ts', code, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const [file, line0] = [where.slice(0, where.lastIndexOf(':')), Number(where.slice(where.lastIndexOf(':') + 1))];
  const out: CodeExample[] = [];
  let conditional = false;
  for (const st of source.statements) {
    bindImport(ctx, st, undefined, scope);
    // From a comment that states a condition on the environment on, the block's results hold only under it.
    conditional ||= CONDITION.test(code.slice(st.pos, st.getStart(source)));
    if (conditional) continue;
    let expr = ts.isExpressionStatement(st) ? st.expression : ts.isVariableStatement(st) && st.declarationList.declarations.length === 1 ? st.declarationList.declarations[0]?.initializer : undefined;
    if (expr === undefined) continue;
    if (ts.isCallExpression(expr) && expr.expression.getText(source) === 'console.log' && expr.arguments.length === 1 && expr.arguments[0]) expr = expr.arguments[0];
    const result = resultOf(code.slice(st.end));
    if (result === undefined) continue;
    const exprText = expr.getText(source);
    if (UNSAFE.test(exprText)) continue;
    const expectedNode = ts.createSourceFile('v.ts', `(${result})`, ts.ScriptTarget.Latest, true).statements[0];
    const expected = expectedNode && ts.isExpressionStatement(expectedNode) ? evaluateLiteral(expectedNode.expression, new Map()) : UNKNOWN;
    if (expected === UNKNOWN || containsRef(expected)) continue;
    const bindings: Record<string, ExampleBinding> = {};
    let fn: ExportedFunction | undefined;
    let resolvable = true;
    const visit = (node: ts.Node, declared: Set<string>): void => {
      if ((ts.isArrowFunction(node) || ts.isFunctionExpression(node)) && resolvable) {
        const inner = new Set(declared);
        for (const p of node.parameters) if (ts.isIdentifier(p.name)) inner.add(p.name.text);
        node.forEachChild((c) => visit(c, inner));
        return;
      }
      if (ts.isCallExpression(node) && fn === undefined) {
        const ref = calleeRef(node.expression, scope) ?? bareRef(ctx, node.expression, ownFile);
        if (ref) fn = functionFor(ctx, ref);
      }
      if (ts.isIdentifier(node) && !isPropertyName(node) && !declared.has(node.text) && !GLOBALS.has(node.text)) {
        const bound = scope.get(node.text);
        if (bound instanceof ExportRef) bindings[node.text] = { file: bound.file, name: bound.name };
        else if (bound instanceof NamespaceRef) bindings[node.text] = { file: bound.file, name: '*' };
        else {
          const ref = bareRef(ctx, node, ownFile);
          if (ref) bindings[node.text] = { file: ref.file, name: ref.name };
          else resolvable = false;
        }
      }
      node.forEachChild((c) => visit(c, declared));
    };
    visit(expr, new Set());
    if (!resolvable || fn === undefined) continue;
    const line = line0 + source.getLineAndCharacterOfPosition(st.getStart(source)).line;
    out.push({ fn, code: exprText, bindings, kind: 'equal', expected, source: sourceKind, where: `${file}:${line}` });
  }
  return out;
}

/**
 * The stated result after a statement: `//=> value`, `// => value`, `// → value` on its line or the
 * next, or `// value` on its line when the value is a plain literal (`lateFee(3) // 0`).
 */
function resultOf(after: string): string | undefined {
  const [sameLine = '', nextLine = ''] = after.split('\n');
  const arrow = /^\s*;?\s*\/\/\s*(?:=>|→)\s*(.+)$/.exec(sameLine) ?? (/^\s*;?\s*$/.test(sameLine) ? /^\s*\/\/\s*(?:=>|→)\s*(.+)$/.exec(nextLine) : null);
  if (arrow?.[1]) return arrow[1].trim().replace(/;$/, '');
  const plain = /^\s*;?\s*\/\/\s*(.+?)\s*$/.exec(sameLine)?.[1];
  return plain !== undefined && LITERAL.test(plain) ? plain : undefined;
}

const LITERAL = /^(-?\d[\d_]*(\.\d+)?([eE][+-]?\d+)?|'[^']*'|"[^"]*"|true|false|null|undefined|NaN|\[[^\]]*\]|\{[^}]*\})$/;

function isPropertyName(node: ts.Identifier): boolean {
  const p = node.parent;
  return (ts.isPropertyAccessExpression(p) && p.name === node) || (ts.isPropertyAssignment(p) && p.name === node) || ts.isParameter(p);
}

/** A bare name that is an exported function: of `ownFile` first, else of any source file. */
function bareRef(ctx: ExampleContext, node: ts.Expression, ownFile: string | undefined): ExportRef | undefined {
  if (!ts.isIdentifier(node)) return undefined;
  const fn = ctx.functions.find((f) => f.name === node.text && f.file === ownFile) ?? ctx.functions.find((f) => f.name === node.text);
  return fn && new ExportRef(fn.file, fn.name);
}
