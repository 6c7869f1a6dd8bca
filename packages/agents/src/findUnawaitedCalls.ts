import ts from 'typescript';

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
  if ((ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node)) && node.name !== undefined) return node.name.getText();
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
 * a `.then/.catch` chain. Name-based, so a same-named sync function elsewhere is a false positive;
 * the type-aware strategy is the precise version.
 */
export function findUnawaitedCalls(files: ReadonlyMap<string, string>): UnawaitedCall[] {
  const parsed = [...files].map(([file, source]) => ({ file, sf: ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true) }));
  const asyncNames = new Set(KNOWN_ASYNC);
  const collect = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && returnsPromise(node)) {
      const name = declaredName(node);
      if (name !== undefined) asyncNames.add(name);
    }
    ts.forEachChild(node, collect);
  };
  for (const { sf } of parsed) collect(sf);
  const found: UnawaitedCall[] = [];
  for (const { file, sf } of parsed) {
    const visit = (node: ts.Node): void => {
      if (ts.isExpressionStatement(node) && ts.isCallExpression(node.expression)) {
        const name = calleeName(node.expression);
        if (name !== undefined && asyncNames.has(name)) {
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
