import ts from '../kit/typescript/ts.js';
import type { SecuritySink } from './SecuritySink.js';
import { findRequestSinks } from './findRequestSinks.js';
import type { FindRequestSinksOptions } from './findRequestSinks.js';
import { SHARED_SOURCE_FILES } from '../kit/typescript/SourceFiles.js';


/** Options of `findSecuritySinks`. */
export interface FindSecuritySinksOptions extends Pick<FindRequestSinksOptions, 'sourceFiles'> {
  /**
   * Noisy variants: XSS for any unescaped identifier in HTML (not only request-derived data) and
   * prototype pollution for every dynamic-key assignment in a key loop (not only merge-like ones).
   */
  noisy: boolean;
  /** Server-side templates by path, for request input rendered unescaped (see `findRequestSinks`). */
  views?: ReadonlyMap<string, string>;
}

/** Text that marks a variable as request input (a taint source). */
const REQUEST_INPUT = /\b(searchParams|query|body|params|headers|cookies?)\b|\b(req|request)\.(url|query|body|params|headers)/;
/** Calls that make a value safe to put in HTML. */
const SAFE_CALL = /escape|sanitiz|encode|purify|stringify|^(Number|parseInt|parseFloat|toFixed|String\.raw)$/i;
const HTML_TAG = /<\/?[a-zA-Z][\w-]*[\s>/]/;
const MERGE_NAME = /merge|extend|assign|clone|copy|defaults|deep|set/i;
const VM_CALLS = new Set(['runInNewContext', 'runInThisContext', 'runInContext', 'compileFunction']);

function isConstantString(node: ts.Expression): boolean {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isNumericLiteral(node)) return true;
  if (ts.isParenthesizedExpression(node)) return isConstantString(node.expression);
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) return isConstantString(node.left) && isConstantString(node.right);
  return false;
}

function calleeName(node: ts.CallExpression | ts.NewExpression): string {
  const callee = node.expression;
  if (ts.isIdentifier(callee)) return callee.text;
  if (ts.isPropertyAccessExpression(callee)) return callee.name.text;
  return '';
}

function enclosingFunction(node: ts.Node): ts.SignatureDeclaration | undefined {
  for (let n = node.parent; n !== undefined; n = n.parent) if (ts.isFunctionLike(n)) return n;
  return undefined;
}

function functionName(fn: ts.SignatureDeclaration | undefined): string {
  if (fn === undefined) return '';
  if (fn.name !== undefined) return fn.name.getText();
  if (ts.isVariableDeclaration(fn.parent)) return fn.parent.name.getText();
  return '';
}

/** Variables of `fn` whose initializer reads request input, transitively within the function. */
function taintedNames(fn: ts.Node): Set<string> {
  const tainted = new Set<string>();
  const declarations: Array<{ name: string; init: ts.Expression }> = [];
  const collect = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer !== undefined) declarations.push({ name: node.name.text, init: node.initializer });
    ts.forEachChild(node, collect);
  };
  collect(fn);
  for (let changed = true; changed; ) {
    changed = false;
    for (const { name, init } of declarations) {
      if (tainted.has(name)) continue;
      if (REQUEST_INPUT.test(init.getText()) || mentions(init, tainted)) {
        tainted.add(name);
        changed = true;
      }
    }
  }
  return tainted;
}

/** True when `node` reads one of `names` outside a call that escapes it. */
function mentions(node: ts.Node, names: ReadonlySet<string>): boolean {
  if (ts.isIdentifier(node)) return names.has(node.text);
  if (ts.isCallExpression(node) && SAFE_CALL.test(calleeName(node))) return false;
  // A property of a tainted object read through a safe-looking member (`.length`) is a number.
  if (ts.isPropertyAccessExpression(node) && node.name.text === 'length') return false;
  return ts.forEachChild(node, (child) => (mentions(child, names) ? true : undefined)) ?? false;
}

/** Literal text parts and substituted expressions of an HTML-building expression. */
function htmlParts(node: ts.Expression): { text: string; holes: ts.Expression[] } | undefined {
  if (ts.isTemplateExpression(node)) {
    return { text: node.head.text + node.templateSpans.map((s) => s.literal.text).join(''), holes: node.templateSpans.map((s) => s.expression) };
  }
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const left = htmlParts(node.left) ?? { text: '', holes: [node.left] };
    const right = htmlParts(node.right) ?? { text: '', holes: [node.right] };
    return { text: left.text + right.text, holes: [...left.holes, ...right.holes] };
  }
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return { text: node.text, holes: [] };
  return undefined;
}

/** The loop variable of a key loop (`for (k in o)`, `for (const k of Object.keys(o))`, `Object.keys(o).forEach((k) => ...)`). */
function keyLoopVariable(node: ts.Node): { key: string; body: ts.Node } | undefined {
  const nameOf = (binding: ts.Node | undefined): string | undefined => {
    if (binding === undefined) return undefined;
    if (ts.isVariableDeclarationList(binding)) return nameOf(binding.declarations[0]?.name);
    if (ts.isIdentifier(binding)) return binding.text;
    if (ts.isArrayBindingPattern(binding)) {
      const first = binding.elements[0];
      return first !== undefined && ts.isBindingElement(first) ? nameOf(first.name) : undefined;
    }
    if (ts.isParameter(binding)) return nameOf(binding.name);
    return undefined;
  };
  const keysCall = (expr: ts.Expression): boolean =>
    ts.isCallExpression(expr) && ts.isPropertyAccessExpression(expr.expression) && expr.expression.expression.getText() === 'Object' && ['keys', 'entries', 'getOwnPropertyNames'].includes(expr.expression.name.text);
  if (ts.isForInStatement(node)) {
    const key = nameOf(node.initializer);
    return key === undefined ? undefined : { key, body: node.statement };
  }
  if (ts.isForOfStatement(node) && keysCall(node.expression)) {
    const key = nameOf(node.initializer);
    return key === undefined ? undefined : { key, body: node.statement };
  }
  if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'forEach' && keysCall(node.expression.expression)) {
    const callback = node.arguments[0];
    if (callback !== undefined && (ts.isArrowFunction(callback) || ts.isFunctionExpression(callback))) {
      const key = nameOf(callback.parameters[0]);
      return key === undefined ? undefined : { key, body: callback.body };
    }
  }
  return undefined;
}

/**
 * True when `target` is a parameter of `fn`: writing `__proto__` into an object the caller passed
 * (and recursing into what it holds) is what pollutes shared prototypes; a fresh local object
 * only gets its own prototype swapped.
 */
function writesIntoParameter(target: ts.Expression, fn: ts.SignatureDeclaration | undefined): boolean {
  if (fn === undefined || !ts.isIdentifier(target)) return false;
  return fn.parameters.some((p) => ts.isIdentifier(p.name) && p.name.text === target.text);
}

/**
 * True when the function guards keys: names `__proto__`/`constructor`, calls a key-check helper,
 * or reads a constant of its file that lists them (`RESERVED_KEYS.has(key)`).
 */
function guardsKeys(fn: ts.Node): boolean {
  const text = fn.getText();
  const lists = fn.getSourceFile().statements.filter(ts.isVariableStatement).flatMap((st) => st.declarationList.declarations)
    .filter((d) => ts.isIdentifier(d.name) && d.initializer !== undefined && /['"`]__proto__['"`]/.test(d.initializer.getText()))
    .map((d) => (d.name as ts.Identifier).text);
  if (lists.some((name) => new RegExp(`\\b${name}\\b`).test(text))) return true;
  return /['"`]__proto__['"`]|['"`]constructor['"`]|['"`]prototype['"`]/.test(text) || /\b\w*(safe|forbidden|unsafe|allowed|dangerous)\w*key\w*\s*\(/i.test(text) || /Object\.create\(null\)/.test(text);
}

/** An HTML-escaping call (`escapeHtml(x)`, `he.encode(x)`, `sanitize(x)`) anywhere in `node`. */
const ESCAPES = /\b\w*(escape|sanitiz|encode|purify)\w*\s*\(|\.map\(\s*\w*(escape|sanitiz|encode)\w*\s*\)/i;

/** A parameter its JSDoc says is HTML (`@param {string} body HTML`): inserted as it is by design. */
function documentedHtml(hole: ts.Expression, fn: ts.SignatureDeclaration | undefined): boolean {
  if (fn === undefined || !ts.isIdentifier(hole)) return false;
  const param = fn.parameters.find((p) => ts.isIdentifier(p.name) && p.name.text === hole.text);
  return param !== undefined && ts.getJSDocParameterTags(param).some((t) => typeof t.comment === 'string' && /\bhtml\b|markup/i.test(t.comment));
}

/**
 * The parameter a hole reads (`note`, `loan.note`) when the function escapes other values into
 * HTML but not this one: the author knew escaping was needed and missed a value the caller gives.
 * Parameters that carry HTML by name or by their JSDoc (`@param {string} body HTML`) are meant
 * to be inserted as they are.
 */
function forgottenEscape(hole: ts.Expression, fn: ts.SignatureDeclaration | undefined): string | undefined {
  if (fn === undefined || !(ts.isIdentifier(hole) || ts.isPropertyAccessExpression(hole))) return undefined;
  let root: ts.Expression = hole;
  while (ts.isPropertyAccessExpression(root)) root = root.expression;
  if (!ts.isIdentifier(root)) return undefined;
  const name = root.text;
  const param = fn.parameters.find((p) => ts.isIdentifier(p.name) && p.name.text === name);
  if (param === undefined || /html|markup|body|content|children|inner|template|partial/i.test(hole.getText())) return undefined;
  if (/length$|count$|size$|^(id|index|year)$/i.test(hole.getText().split('.').pop() ?? '')) return undefined;
  const doc = ts.getJSDocParameterTags(param).map((t) => (typeof t.comment === 'string' ? t.comment : '')).join(' ');
  if (/html|markup/i.test(doc) || /number|boolean/.test(ts.getJSDocParameterTags(param).map((t) => t.typeExpression?.getText() ?? '').join(' '))) return undefined;
  return ESCAPES.test(fn.getText()) ? name : undefined;
}

/**
 * A path walk that creates objects on the way (`setPath(obj, 'a.b.c', v)`, lodash `set`-like): a
 * loop re-assigning `node = node[key]` over the pieces of a split path, then `node[last] = value`,
 * with no `__proto__`/`constructor`/`prototype` check: a path `__proto__.polluted` writes
 * `Object.prototype`. Returns the final assignment.
 */
function unguardedPathWalk(fn: ts.SignatureDeclaration): ts.Node | undefined {
  if (!('body' in fn) || fn.body === undefined || !/\.split\(/.test(fn.body.getText()) || guardsKeys(fn)) return undefined;
  let walked: string | undefined;
  let write: ts.Node | undefined;
  const find = (n: ts.Node): void => {
    if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isIdentifier(n.left) && ts.isElementAccessExpression(n.right) && n.right.expression.getText() === n.left.text) {
      walked = n.left.text;
    }
    if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isElementAccessExpression(n.left) && !ts.isStringLiteral(n.left.argumentExpression) && !ts.isNumericLiteral(n.left.argumentExpression)) {
      write = n;
    }
    ts.forEachChild(n, find);
  };
  find(fn.body);
  return walked !== undefined && write !== undefined && (write as ts.BinaryExpression).left.getText().startsWith(walked) ? write : undefined;
}

/**
 * TypeScript-AST rules for injection and XSS sinks: `eval`/`new Function`/`vm.*` with non-literal
 * code, child_process `exec`/`execSync` with a non-literal command, HTML built from request input
 * without escaping, and dynamic-key assignment in key loops of merge-like (or recursive) functions
 * without a `__proto__`/`constructor` guard.
 */
export function findSecuritySinks(files: ReadonlyMap<string, string>, options: FindSecuritySinksOptions): SecuritySink[] {
  const sinks: SecuritySink[] = [];
  for (const [file, source] of files) {
    const sf = (options.sourceFiles ?? SHARED_SOURCE_FILES).get(file, source);
    const taintCache = new Map<ts.Node, Set<string>>();
    const taintOf = (node: ts.Node): Set<string> => {
      const fn: ts.Node = enclosingFunction(node) ?? sf;
      let set = taintCache.get(fn);
      if (set === undefined) taintCache.set(fn, (set = taintedNames(fn)));
      return set;
    };
    const add = (node: ts.Node, sink: Omit<SecuritySink, 'file' | 'line' | 'evidence'>): void => {
      sinks.push({ ...sink, file, line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1, evidence: node.getText(sf).replace(/\s+/g, ' ').slice(0, 200) });
    };
    const reported = new Set<ts.Node>();
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) || ts.isNewExpression(node)) {
        const name = calleeName(node);
        const args = node.arguments ?? ts.factory.createNodeArray();
        const isEval = ts.isCallExpression(node) && name === 'eval' && ts.isIdentifier(node.expression);
        const isFunctionCtor = name === 'Function' && ts.isIdentifier(node.expression);
        if ((isEval || isFunctionCtor || VM_CALLS.has(name)) && args.some((a) => !isConstantString(a))) {
          add(node, { kind: 'code-injection', rule: 'qe/eval-non-literal', message: `${name} runs code built at run time`, confidence: 0.9, severity: 'critical' });
        }
      }
      if ((ts.isTemplateExpression(node) || (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken)) && !reported.has(node.parent)) {
        const parts = htmlParts(node as ts.Expression);
        if (parts !== undefined && HTML_TAG.test(parts.text) && parts.holes.length > 0) {
          reported.add(node);
          const tainted = taintOf(node);
          const fn = enclosingFunction(node);
          const bad = parts.holes.filter((h) => !documentedHtml(h, fn) && (mentions(h, tainted) || (REQUEST_INPUT.test(h.getText()) && !(ts.isCallExpression(h) && SAFE_CALL.test(calleeName(h))))));
          const unescaped = options.noisy ? parts.holes.filter((h) => !isConstantString(h) && !(ts.isCallExpression(h) && SAFE_CALL.test(calleeName(h)))) : [];
          const forgotten = parts.holes.map((h) => forgottenEscape(h, fn)).filter((n): n is string => n !== undefined);
          if (bad.length > 0) {
            add(node, { kind: 'xss', rule: 'qe/html-from-request', message: `HTML built from request input without escaping: ${bad.map((h) => h.getText()).join(', ')}`, confidence: 0.8, severity: 'high' });
          } else if (forgotten.length > 0) {
            add(node, { kind: 'xss', rule: 'qe/html-escape-forgotten', message: `${functionName(fn) || 'this function'} escapes other values into HTML but not its parameter ${forgotten.join(', ')}`, confidence: 0.7, severity: 'medium' });
          } else if (unescaped.length > 0) {
            add(node, { kind: 'xss', rule: 'qe/html-unescaped', message: `HTML built from unescaped values: ${unescaped.map((h) => h.getText()).join(', ')}`, confidence: 0.3, severity: 'low' });
          }
        } else if (parts !== undefined) {
          reported.add(node);
        }
      }
      if ((ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node) || ts.isArrowFunction(node) || ts.isMethodDeclaration(node)) && MERGE_NAME.test(functionName(node))) {
        const write = unguardedPathWalk(node);
        if (write !== undefined) {
          add(write, { kind: 'prototype-pollution', rule: 'qe/unguarded-path-set', message: `${functionName(node)} walks a dotted path creating objects and assigns its last key without rejecting __proto__/constructor/prototype`, confidence: 0.75, severity: 'high' });
        }
      }
      const loop = keyLoopVariable(node);
      if (loop !== undefined) {
        const fn = enclosingFunction(node);
        const name = functionName(fn);
        const recursive = fn !== undefined && name !== '' && new RegExp(`\\b${name}\\s*\\(`).test(fn.getText().slice(fn.getText().indexOf('{')));
        const mergeLike = recursive || MERGE_NAME.test(name);
        if ((mergeLike || options.noisy) && !(fn !== undefined && guardsKeys(fn))) {
          const assign = (n: ts.Node): void => {
            if (
              ts.isBinaryExpression(n) &&
              n.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
              ts.isElementAccessExpression(n.left) &&
              ts.isIdentifier(n.left.argumentExpression) &&
              n.left.argumentExpression.text === loop.key &&
              (options.noisy || writesIntoParameter(n.left.expression, fn))
            ) {
              add(n, {
                kind: 'prototype-pollution',
                rule: 'qe/unguarded-key-merge',
                message: `${name || 'a key loop'} assigns obj[${loop.key}] for every key without rejecting __proto__/constructor/prototype`,
                confidence: mergeLike ? 0.8 : 0.3,
                // Polluting Object.prototype is a proven path to privilege bugs, not a remote shell.
                severity: mergeLike ? 'high' : 'low',
              });
            }
            ts.forEachChild(n, assign);
          };
          assign(loop.body);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  // One order for every rule: by file, then line.
  return [...sinks, ...findRequestSinks(files, options)].sort((a, b) => (a.file === b.file ? a.line - b.line : a.file < b.file ? -1 : 1));
}
