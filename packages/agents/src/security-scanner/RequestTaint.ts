import ts from '../kit/typescript/ts.js';

/** Request input by its usual names in Express, Koa, Fastify, Next and serverless handlers. */
export const REQUEST_SOURCE = /^(req|request|ctx\.request|ctx|event)\.(query|body|params|headers|cookies|signedCookies|files?|url|originalUrl|path|queryStringParameters|pathParameters)\b/;

/**
 * Calls that make request input safe for any sink: a number, a boolean or an escaped string comes
 * out. `basename` is here too (not only for paths): a file name without directories is what a
 * variable built from it is used for.
 */
const SAFE_CALL = /^(basename|Number|parseInt|parseFloat|Boolean|escape\w*|sanitiz\w*|encodeURI\w*|\w*[Ii]nt|isValid\w*|is[A-Z]\w*)$/;
/** Calls that make a string of anything: safe where only an object is dangerous (NoSQL operators). */
const STRING_CALL = /^(String|toString|trim|toLowerCase|toUpperCase)$/;

function calleeText(call: ts.CallExpression): string {
  const callee = call.expression;
  if (ts.isIdentifier(callee)) return callee.text;
  if (ts.isPropertyAccessExpression(callee)) return callee.name.text;
  return '';
}

/** Options of `RequestTaint`. */
export interface RequestTaintOptions {
  /** Extra sanitizer names for one sink (`basename` for paths), matched against the callee's last name. */
  sanitizers?: RegExp;
  /** A string is harmless for this sink (NoSQL query values: only objects carry operators). */
  stringsAreSafe?: boolean;
}

/**
 * Intra-file taint from request input: a variable is tainted when its initializer (or a later
 * assignment, or a destructuring) reads request input or a tainted variable, and a function's
 * parameter is tainted when a call in the same file passes it tainted data (so
 * `loginSuccess(req.body.next, res)` taints `redirectPage` inside `loginSuccess`). Scalar
 * conversions (`String(x)`, `Number(x)`) and escapes end taint. No cross-file flow: a sink fed
 * from another module is missed, never invented.
 */
export class RequestTaint {
  readonly #sf: ts.SourceFile;
  /** Tainted names per function node (the source file for top-level code). */
  readonly #names = new Map<ts.Node, Set<string>>();
  readonly #params = new Map<ts.Node, Set<string>>();
  readonly #functions = new Map<string, ts.SignatureDeclaration>();

  constructor(sf: ts.SourceFile) {
    this.#sf = sf;
    const collect = (node: ts.Node): void => {
      if (ts.isFunctionDeclaration(node) && node.name !== undefined) this.#functions.set(node.name.text, node);
      if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer !== undefined && (ts.isArrowFunction(node.initializer) || ts.isFunctionExpression(node.initializer))) {
        this.#functions.set(node.name.text, node.initializer);
      }
      ts.forEachChild(node, collect);
    };
    collect(sf);
    // Parameters tainted by calls; two rounds reach a helper of a helper.
    for (let round = 0; round < 3; round++) {
      this.#names.clear();
      let changed = false;
      const calls = (node: ts.Node): void => {
        if (ts.isCallExpression(node) && ts.isIdentifier(node.expression)) {
          const fn = this.#functions.get(node.expression.text);
          if (fn !== undefined) {
            node.arguments.forEach((arg, i) => {
              const param = fn.parameters[i];
              if (param === undefined || !ts.isIdentifier(param.name) || !this.isTainted(arg)) return;
              let set = this.#params.get(fn);
              if (set === undefined) this.#params.set(fn, (set = new Set()));
              if (!set.has(param.name.text)) {
                set.add(param.name.text);
                changed = true;
              }
            });
          }
        }
        ts.forEachChild(node, calls);
      };
      calls(sf);
      if (!changed) break;
    }
    this.#names.clear();
  }

  /** True when `node` carries request input not passed through a scalar conversion or `sanitizers`. */
  isTainted(node: ts.Node, options: RequestTaintOptions = {}): boolean {
    const names = this.#taintedNames(node);
    const visit = (n: ts.Node): boolean => {
      if (ts.isCallExpression(n)) {
        const name = calleeText(n);
        if (SAFE_CALL.test(name) || options.sanitizers?.test(name) === true || (options.stringsAreSafe === true && STRING_CALL.test(name))) return false;
      }
      if (ts.isPropertyAccessExpression(n) && n.name.text === 'length') return false;
      if ((ts.isPropertyAccessExpression(n) || ts.isElementAccessExpression(n)) && REQUEST_SOURCE.test(n.getText(this.#sf))) return true;
      if (ts.isIdentifier(n)) return names.has(n.text);
      return ts.forEachChild(n, (child) => (visit(child) ? true : undefined)) ?? false;
    };
    return visit(node);
  }

  /** True when `node` is the request object's input itself or a name bound to it whole (`const profile = req.body`). */
  isWholeInput(node: ts.Expression): boolean {
    if (/^(req|request)\.(body|query|params)$/.test(node.getText(this.#sf))) return true;
    return ts.isIdentifier(node) && this.#taintedNames(node).has(node.text) && this.#wholeInputNames(node).has(node.text);
  }

  #scope(node: ts.Node): ts.Node {
    for (let n = node.parent; n !== undefined; n = n.parent) if (ts.isFunctionLike(n)) return n;
    return this.#sf;
  }

  #wholeInputNames(node: ts.Node): Set<string> {
    const out = new Set<string>();
    const visit = (n: ts.Node): void => {
      if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.initializer !== undefined && /^(req|request)\.(body|query|params)$/.test(n.initializer.getText(this.#sf))) out.add(n.name.text);
      ts.forEachChild(n, visit);
    };
    visit(this.#scope(node));
    return out;
  }

  /** Tainted names visible at `node`: those of its enclosing functions, innermost last. */
  #taintedNames(node: ts.Node): Set<string> {
    const all = new Set<string>();
    for (let scope: ts.Node | undefined = this.#scope(node); scope !== undefined; scope = scope === this.#sf ? undefined : this.#scope(scope)) {
      for (const name of this.#namesOf(scope)) all.add(name);
    }
    return all;
  }

  #namesOf(scope: ts.Node): Set<string> {
    const cached = this.#names.get(scope);
    if (cached !== undefined) return cached;
    const tainted = new Set<string>(this.#params.get(scope) ?? []);
    this.#names.set(scope, tainted);
    const flows: Array<{ names: string[]; value: ts.Expression }> = [];
    const bound = (name: ts.BindingName): string[] =>
      ts.isIdentifier(name) ? [name.text] : name.elements.flatMap((el) => (ts.isBindingElement(el) ? bound(el.name) : []));
    const collect = (n: ts.Node): void => {
      if (n !== scope && ts.isFunctionLike(n)) return;
      if (ts.isVariableDeclaration(n) && n.initializer !== undefined) flows.push({ names: bound(n.name), value: n.initializer });
      if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isIdentifier(n.left)) flows.push({ names: [n.left.text], value: n.right });
      ts.forEachChild(n, collect);
    };
    ts.forEachChild(scope, collect);
    // Request handlers name their first parameter req: destructured request input is tainted too.
    for (let changed = true; changed; ) {
      changed = false;
      for (const { names, value } of flows) {
        if (names.every((name) => tainted.has(name))) continue;
        if (this.#readsTainted(value, tainted)) {
          for (const name of names) tainted.add(name);
          changed = true;
        }
      }
    }
    return tainted;
  }

  #readsTainted(value: ts.Node, tainted: ReadonlySet<string>): boolean {
    const visit = (n: ts.Node): boolean => {
      if (ts.isCallExpression(n) && SAFE_CALL.test(calleeText(n))) return false;
      if ((ts.isPropertyAccessExpression(n) || ts.isElementAccessExpression(n)) && REQUEST_SOURCE.test(n.getText(this.#sf))) return true;
      if (ts.isIdentifier(n)) return tainted.has(n.text);
      if (ts.isFunctionLike(n)) return false;
      return ts.forEachChild(n, (child) => (visit(child) ? true : undefined)) ?? false;
    };
    return visit(value);
  }
}
