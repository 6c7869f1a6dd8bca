import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from './ts.js';

/**
 * One call of an API in the project's own code: each argument's source text, or `undefined` where
 * the argument needs the surrounding code (a local variable, an import, TypeScript-only syntax)
 * and so cannot be copied into a generated test.
 */
export interface CallExample {
  args: Array<string | undefined>;
  /** `file:line` of the call. */
  where: string;
}

/** Names an argument may use without a declaration of its own: JavaScript's globals. */
const GLOBALS = new Set(['undefined', 'NaN', 'Infinity', 'Math', 'JSON', 'Number', 'String', 'Boolean', 'Object', 'Array', 'Date', 'RegExp', 'Map', 'Set', 'Symbol', 'BigInt', 'Promise', 'Error', 'TypeError', 'RangeError', 'console']);
const TS_ONLY = new Set([ts.SyntaxKind.AsExpression, ts.SyntaxKind.TypeAssertionExpression, ts.SyntaxKind.NonNullExpression, ts.SyntaxKind.SatisfiesExpression]);
const MAX_PER_CALLEE = 50;

/**
 * The calls the project itself makes of the given callees (`new Job`, `Job.from`) in `files`
 * (target-relative; usually its tests), in file order. A generated test that builds an object
 * the way the project's own tests do gets past the checks its constructor makes (a valid cron
 * expression, a known time zone), where values generated from the parameter types may not.
 */
export function findCallExamples(dir: string, files: readonly string[], callees: readonly string[]): Map<string, CallExample[]> {
  const found = new Map<string, CallExample[]>(callees.map((c) => [c, []]));
  // Cheap text filter first: only files naming a callee are parsed.
  const names = [...new Set(callees.map((c) => c.replace(/^new /, '').split('.')[0]!))];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(join(dir, file), 'utf8');
    } catch {
      continue;
    }
    if (!names.some((n) => text.includes(n))) continue;
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, /\.[cm]?tsx?$/.test(file) ? ts.ScriptKind.TS : ts.ScriptKind.JS);
    const visit = (node: ts.Node): void => {
      if ((ts.isNewExpression(node) || ts.isCallExpression(node)) && node.arguments !== undefined) {
        const callee = `${ts.isNewExpression(node) ? 'new ' : ''}${node.expression.getText(sf)}`;
        const list = found.get(callee);
        if (list !== undefined && list.length < MAX_PER_CALLEE && !node.arguments.some(ts.isSpreadElement)) {
          list.push({ args: node.arguments.map((a) => (selfContained(a) ? a.getText(sf) : undefined)), where: `${file}:${sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1}` });
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return found;
}

/** True when the expression names nothing but globals and what it declares itself (literals, `() => {}`, `{ a: 1 }`), in plain JavaScript. */
function selfContained(expr: ts.Expression): boolean {
  const declared = new Set<string>();
  const declare = (name: ts.BindingName): void => {
    if (ts.isIdentifier(name)) declared.add(name.text);
    else for (const e of name.elements) if (!ts.isOmittedExpression(e)) declare(e.name);
  };
  const collect = (node: ts.Node): void => {
    if ((ts.isParameter(node) || ts.isVariableDeclaration(node)) && node.name !== undefined) declare(node.name);
    if ((ts.isFunctionExpression(node) || ts.isFunctionDeclaration(node)) && node.name !== undefined) declared.add(node.name.text);
    ts.forEachChild(node, collect);
  };
  collect(expr);
  let ok = true;
  const check = (node: ts.Node): void => {
    if (!ok) return;
    // Type syntax would not run in a JavaScript test; `this` and free names need the caller's scope.
    if (TS_ONLY.has(node.kind) || ts.isTypeNode(node) || node.kind === ts.SyntaxKind.ThisKeyword || node.kind === ts.SyntaxKind.SuperKeyword) {
      ok = false;
      return;
    }
    if (ts.isIdentifier(node) && !declared.has(node.text) && !GLOBALS.has(node.text) && !isNamePosition(node)) {
      ok = false;
      return;
    }
    ts.forEachChild(node, check);
  };
  check(expr);
  return ok;
}

/** An identifier that names a property, not a variable: `a.b`'s `b`, `{ b: 1 }`'s `b`. */
function isNamePosition(node: ts.Identifier): boolean {
  const parent = node.parent;
  return (ts.isPropertyAccessExpression(parent) && parent.name === node) || ((ts.isPropertyAssignment(parent) || ts.isMethodDeclaration(parent)) && parent.name === node);
}
