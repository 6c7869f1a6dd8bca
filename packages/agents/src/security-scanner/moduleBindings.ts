import ts from '../kit/typescript/ts.js';

/** Local names a file gives to a module and to the functions it exports. */
export interface ModuleBindings {
  /** Names bound to the module object: `import cp from`, `import * as cp`, `const cp = require(...)`. */
  modules: Set<string>;
  /** Local name → exported name: `import { exec as run }`, `const { exec: run } = require(...)`, `const run = require(...).exec`. */
  functions: Map<string, string>;
}

/** The module name of `require('x')`, or undefined for any other expression. */
function requiredModule(node: ts.Expression | undefined): string | undefined {
  if (node === undefined || !ts.isCallExpression(node) || !ts.isIdentifier(node.expression) || node.expression.text !== 'require') return undefined;
  const first = node.arguments[0];
  return first !== undefined && ts.isStringLiteral(first) ? first.text : undefined;
}

/**
 * How `sf` binds any of `moduleNames`, through ES imports and CommonJS `require` alike
 * (destructured, aliased, or a property of the required module). A sink rule that resolves
 * `exec` through these is not fooled by `regex.exec` or by a local function named `exec`.
 */
export function moduleBindings(sf: ts.SourceFile, moduleNames: ReadonlySet<string>): ModuleBindings {
  const modules = new Set<string>();
  const functions = new Map<string, string>();
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier) && moduleNames.has(node.moduleSpecifier.text)) {
      const clause = node.importClause;
      if (clause?.name !== undefined) modules.add(clause.name.text);
      const bindings = clause?.namedBindings;
      if (bindings !== undefined && ts.isNamespaceImport(bindings)) modules.add(bindings.name.text);
      if (bindings !== undefined && ts.isNamedImports(bindings)) {
        for (const el of bindings.elements) functions.set(el.name.text, (el.propertyName ?? el.name).text);
      }
    }
    if (ts.isVariableDeclaration(node) && node.initializer !== undefined) {
      const init = node.initializer;
      const required = requiredModule(init);
      if (required !== undefined && moduleNames.has(required)) {
        if (ts.isIdentifier(node.name)) modules.add(node.name.text);
        else if (ts.isObjectBindingPattern(node.name)) {
          for (const el of node.name.elements) if (ts.isIdentifier(el.name)) functions.set(el.name.text, (el.propertyName ?? el.name).getText());
        }
      }
      // const exec = require('child_process').exec
      if (ts.isPropertyAccessExpression(init) && ts.isIdentifier(node.name)) {
        const from = requiredModule(init.expression);
        if (from !== undefined && moduleNames.has(from)) functions.set(node.name.text, init.name.text);
        // const fsp = require('fs').promises
        if (from !== undefined && moduleNames.has(from) && init.name.text === 'promises') modules.add(node.name.text);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return { modules, functions };
}

/**
 * The exported name a call reaches in a module bound by `bindings` (`cp.exec(...)`, `run(...)`,
 * `require('child_process').exec(...)`, `fs.promises.readFile(...)`), or undefined.
 */
export function calledExport(call: ts.CallExpression, bindings: ModuleBindings, moduleNames: ReadonlySet<string>): string | undefined {
  const callee = call.expression;
  if (ts.isIdentifier(callee)) return bindings.functions.get(callee.text);
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  let receiver = callee.expression;
  if (ts.isPropertyAccessExpression(receiver) && receiver.name.text === 'promises') receiver = receiver.expression;
  if (ts.isIdentifier(receiver) && bindings.modules.has(receiver.text)) return callee.name.text;
  const from = requiredModule(receiver);
  return from !== undefined && moduleNames.has(from) ? callee.name.text : undefined;
}
