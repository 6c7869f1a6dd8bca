import ts from '../kit/typescript/ts.js';
import { SHARED_SOURCE_FILES } from '../kit/typescript/SourceFiles.js';
import type { SourceFiles } from '../kit/typescript/SourceFiles.js';

/** A call statement whose promise nobody awaits, found without type information. */
export interface UnawaitedCall {
  file: string;
  line: number;
  callee: string;
  text: string;
}

function returnsPromise(node: ts.SignatureDeclaration): boolean {
  if (ts.canHaveModifiers(node) && ts.getModifiers(node)?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword)) return true;
  const type = node.type;
  return type !== undefined && ts.isTypeReferenceNode(type) && type.typeName.getText() === 'Promise';
}

function declaredName(node: ts.Node): string | undefined {
  if ((ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node) || ts.isMethodSignature(node)) && node.name !== undefined) return node.name.getText();
  if ((ts.isArrowFunction(node) || ts.isFunctionExpression(node)) && ts.isPropertyDeclaration(node.parent)) return node.parent.name.getText();
  if ((ts.isArrowFunction(node) || ts.isFunctionExpression(node)) && ts.isVariableDeclaration(node.parent) && ts.isIdentifier(node.parent.name)) {
    return node.parent.name.text;
  }
  if ((ts.isArrowFunction(node) || ts.isFunctionExpression(node)) && ts.isPropertyAssignment(node.parent)) return node.parent.name.getText();
  return undefined;
}

function calleeName(call: ts.CallExpression): string | undefined {
  const callee = call.expression;
  if (ts.isIdentifier(callee)) return callee.text;
  if (ts.isPropertyAccessExpression(callee)) return callee.name.text;
  return undefined;
}

/** Promise-returning globals worth knowing without a declaration in the project. */
const KNOWN_ASYNC = new Set(['fetch']);

/**
 * The syntactic stand-in for `@typescript-eslint/no-floating-promises`: collects the names of
 * functions and methods declared `async` or `: Promise<...>` anywhere in the given files, then
 * reports expression statements that call one of those names without `await`, `void`, `return` or
 * a `.then/.catch` chain. A plain call resolves to a function of its own file first. Name-based
 * otherwise, so a same-named sync method elsewhere is a false positive; the type-aware strategy
 * is the precise version. `sourceFiles` shares the syntax trees with the process's other walks.
 */
export function findUnawaitedCalls(files: ReadonlyMap<string, string>, sourceFiles: SourceFiles = SHARED_SOURCE_FILES): UnawaitedCall[] {
  const parsed = [...files].map(([file, source]) => ({ file, sf: sourceFiles.get(file, source) }));
  const asyncNames = new Set(KNOWN_ASYNC);
  // `obj.name()` can only reach a method or an object's function property, never a free function:
  // `t.timeout(2000)` is not the project's `async function timeout`.
  const asyncMembers = new Set<string>();
  // Per file: functions declared there, async or not. A local declaration decides for a plain
  // `name()` call, so a sync helper is not mistaken for a same-named async one elsewhere.
  const local = new Map<ts.SourceFile, Map<string, boolean>>();
  // Per file: members assigned there (`item.run = resolve`); that assignment decides for `x.run()`
  // in the same file over a same-named async method elsewhere.
  const localMembers = new Map<ts.SourceFile, Map<string, boolean>>();
  for (const { sf } of parsed) {
    const declared = new Map<string, boolean>();
    const members = new Map<string, boolean>();
    localMembers.set(sf, members);
    const collect = (node: ts.Node): void => {
      if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isPropertyAccessExpression(node.left)) {
        const value = node.right;
        const isAsync = (ts.isArrowFunction(value) || ts.isFunctionExpression(value)) && returnsPromise(value);
        members.set(node.left.name.text, isAsync || members.get(node.left.name.text) === true);
      }
      if (ts.isFunctionLike(node)) {
        const name = declaredName(node);
        const isAsync = returnsPromise(node);
        if (name !== undefined) {
          if (isAsync) asyncNames.add(name);
          if (isAsync && (ts.isMethodDeclaration(node) || ts.isMethodSignature(node) || ts.isPropertyAssignment(node.parent) || ts.isPropertyDeclaration(node.parent))) asyncMembers.add(name);
          if (!ts.isMethodDeclaration(node) && !ts.isMethodSignature(node) && !ts.isPropertyAssignment(node.parent) && !ts.isPropertyDeclaration(node.parent)) declared.set(name, isAsync || declared.get(name) === true);
        }
      }
      ts.forEachChild(node, collect);
    };
    collect(sf);
    // Names imported from packages are the package's functions (ava's `test`), not the project's.
    for (const statement of sf.statements) {
      if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier) || statement.moduleSpecifier.text.startsWith('.')) continue;
      const clause = statement.importClause;
      if (clause?.name !== undefined) declared.set(clause.name.text, false);
      const bindings = clause?.namedBindings;
      if (bindings !== undefined && ts.isNamedImports(bindings)) for (const el of bindings.elements) declared.set(el.name.text, KNOWN_ASYNC.has(el.name.text));
    }
    local.set(sf, declared);
  }
  const found: UnawaitedCall[] = [];
  for (const { file, sf } of parsed) {
    const declared = local.get(sf)!;
    const members = localMembers.get(sf)!;
    const visit = (node: ts.Node): void => {
      if (ts.isExpressionStatement(node) && ts.isCallExpression(node.expression)) {
        const name = calleeName(node.expression);
        const plain = ts.isIdentifier(node.expression.expression);
        const isAsync = name !== undefined && (plain ? (declared.has(name) ? declared.get(name)! : asyncNames.has(name)) : members.has(name) ? members.get(name)! : asyncMembers.has(name));
        if (name !== undefined && isAsync) {
          found.push({
            file,
            line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1,
            callee: name,
            text: node.getText(sf).slice(0, 200),
          });
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return found;
}
