import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import ts from '../kit/typescript/ts.js';

/** What the source of one test case says about it. */
export interface TestSource {
  file: string;
  /** Full name as runners report it (enclosing describe titles joined with ` > `). */
  name: string;
  /** The test's own title. */
  title: string;
  line: number;
  /** Index of the test in its file (source order). */
  index: number;
  /** Each assertion statement, whitespace-normalised: the checks the test makes. */
  assertions: string[];
  /**
   * The assertions with each of the test's own bindings they read replaced by its initialiser and
   * the statements of the test that use it: what comparing two tests' checks compares (the same
   * `expect(parse(str)).toEqual(cookies)` on other values is another check, and so is the same
   * `assert.equal(argument.required, true)` after `argument.argRequired()`).
   */
  checks: string[];
  /**
   * Every assertion only checks that something exists or is truthy (`assert.ok(x)`,
   * `expect(x).toBeTruthy()`, `t.truthy(x)`): no value is compared.
   */
  truthyOnly: boolean;
  /** Top-level `let`/`const` bindings of the file the test body reads or changes (shared state). */
  shared: string[];
  /** Imported bindings the test body uses: the code under test it names. */
  subjects: string[];
}

const TEST_CALLEES = /^(test|it|specify|t\.test)(\.(only|concurrent|serial|failing))?$/;
const SUITE_CALLEES = /^(describe|suite|context)(\.(only|concurrent|serial))?$/;
const ASSERTION = /^(assert\b|expect\s*\(|t\.(is|not|deepEqual|notDeepEqual|like|true|false|truthy|falsy|throws|throwsAsync|notThrows|notThrowsAsync|regex|notRegex|snapshot|assert|pass|fail|equal|same|ok|match)\b|should\b|chai\.)/;
/** Checks that compare no value: existence or truthiness only. */
/** An argument that compares (`t.true(running <= limit)`, `assert(a === b)`) is a real check, whatever the assertion's name. */
const COMPARES = /[=!]==?|[<>]=?|\binstanceof\b|\bin\b|\.(includes|has|startsWith|endsWith|test|every|some)\(|^!/;
const TRUTHY = /^(assert(\.ok)?\s*\(|assert\.notEqual\s*\([^,]+,\s*(undefined|null)\s*\)|expect\s*\(.*\)\s*\.\s*(toBeTruthy|toBeDefined|not\s*\.\s*toBeUndefined|not\s*\.\s*toBeNull|toBeInstanceOf)\s*\(|t\.(truthy|true|pass)\s*\()/s;

/**
 * Reads the test cases of `files` (relative to `dir`) with the TypeScript parser: their names as
 * runners report them, their assertion statements, whether those only check truthiness, and which
 * top-level state of the file they share. Titles that are not string literals are skipped.
 */
export async function readTests(dir: string, files: readonly string[]): Promise<TestSource[]> {
  const out: TestSource[] = [];
  for (const file of files) {
    const text = await readFile(join(dir, file), 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, /\.[cm]?tsx?$/.test(file) ? ts.ScriptKind.TS : ts.ScriptKind.JS);
    const topLevel = new Set<string>();
    const imported = new Set<string>();
    for (const statement of sf.statements) {
      if (ts.isImportDeclaration(statement) && statement.importClause !== undefined && !/^(node:)?(assert|test)|^(vitest|ava|tap|chai|sinon|@jest\/globals|expect)/.test((statement.moduleSpecifier as ts.StringLiteral).text)) {
        const clause = statement.importClause;
        if (clause.name) imported.add(clause.name.text);
        const bindings = clause.namedBindings;
        if (bindings && ts.isNamespaceImport(bindings)) imported.add(bindings.name.text);
        if (bindings && ts.isNamedImports(bindings)) for (const e of bindings.elements) imported.add(e.name.text);
      }
      if (ts.isVariableStatement(statement)) {
        const constant = (statement.declarationList.flags & ts.NodeFlags.Const) !== 0;
        for (const d of statement.declarationList.declarations) {
          // A constant bound to a literal or a function is shared data, not shared state.
          if (!ts.isIdentifier(d.name) || (constant && d.initializer !== undefined && isInert(d.initializer))) continue;
          topLevel.add(d.name.text);
        }
      }
    }
    let index = 0;
    const visit = (node: ts.Node, suites: string[]): void => {
      if (ts.isCallExpression(node)) {
        const callee = node.expression.getText(sf).replace(/\s+/g, '');
        const title = node.arguments[0];
        const body = node.arguments.find((a) => ts.isArrowFunction(a) || ts.isFunctionExpression(a));
        const titleText = title && (ts.isStringLiteral(title) || ts.isNoSubstitutionTemplateLiteral(title)) ? title.text : undefined;
        if (titleText !== undefined && body && SUITE_CALLEES.test(callee)) {
          ts.forEachChild(body, (child) => visit(child, [...suites, titleText]));
          return;
        }
        if (titleText !== undefined && body && TEST_CALLEES.test(callee)) {
          const assertions: string[] = [];
          const checks: string[] = [];
          const used = new Set<string>();
          const subjects = new Set<string>();
          const locals = localBindings(body, sf);
          const walk = (n: ts.Node): void => {
            if (ts.isExpressionStatement(n)) {
              const expr = normal(n.expression.getText(sf));
              if (ASSERTION.test(expr)) {
                assertions.push(expr);
                checks.push(normal(withLocals(n.expression, sf, locals)));
              }
            }
            if (ts.isIdentifier(n) && topLevel.has(n.text)) used.add(n.text);
            if (ts.isIdentifier(n) && imported.has(n.text)) subjects.add(n.text);
            ts.forEachChild(n, walk);
          };
          walk(body);
          out.push({
            file,
            name: [...suites, titleText].join(' > '),
            title: titleText,
            line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1,
            index: index++,
            assertions,
            checks,
            truthyOnly: assertions.length > 0 && assertions.every((a) => TRUTHY.test(a) && !COMPARES.test(a.replace(/^[^(]*\(/, ''))),
            shared: [...used].sort(),
            subjects: [...subjects].sort(),
          });
          return;
        }
      }
      ts.forEachChild(node, (child) => visit(child, suites));
    };
    visit(sf, []);
  }
  return out;
}

/** An assertion statement's text as compared: no `await`, whitespace collapsed. */
function normal(text: string): string {
  return text.replace(/^await\s+/, '').replace(/\s+/g, ' ').trim();
}

/** A binding of the test body: its initialiser, and the other statements that use it (what was done to it). */
interface Local {
  initializer: ts.Expression;
  effects: string[];
}

/** The test body's own `const`/`let` bindings with their initialisers and the non-assertion statements that use them. */
function localBindings(body: ts.Node, sf: ts.SourceFile): Map<string, Local> {
  const locals = new Map<string, Local>();
  const collect = (n: ts.Node): void => {
    if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.initializer !== undefined) locals.set(n.name.text, { initializer: n.initializer, effects: [] });
    ts.forEachChild(n, collect);
  };
  collect(body);
  const effects = (n: ts.Node): void => {
    if (ts.isExpressionStatement(n)) {
      const text = normal(n.expression.getText(sf));
      if (ASSERTION.test(text)) return;
      const names = new Set<string>();
      const find = (m: ts.Node): void => {
        if (ts.isIdentifier(m) && locals.has(m.text)) names.add(m.text);
        ts.forEachChild(m, find);
      };
      find(n.expression);
      for (const name of names) locals.get(name)!.effects.push(text);
    }
    ts.forEachChild(n, effects);
  };
  effects(body);
  return locals;
}

/** The text of `node` with each of the test's own bindings it reads replaced by its initialiser and its uses (three levels deep). */
function withLocals(node: ts.Node, sf: ts.SourceFile, locals: ReadonlyMap<string, Local>, depth = 0): string {
  let text = '';
  let at = node.getStart(sf);
  const replace = (n: ts.Node): void => {
    const id = ts.isShorthandPropertyAssignment(n) ? n.name : ts.isIdentifier(n) && isRead(n) ? n : undefined;
    const local = id === undefined || depth >= 3 ? undefined : locals.get(id.text);
    if (id !== undefined && local !== undefined) {
      const uses = local.effects.length === 0 ? '' : ` { ${local.effects.join('; ')} }`;
      text += `${sf.text.slice(at, n.getStart(sf))}${n === id ? '' : `${id.text}: `}(${withLocals(local.initializer, sf, locals, depth + 1)}${uses})`;
      at = n.getEnd();
      return;
    }
    ts.forEachChild(n, replace);
  };
  replace(node);
  return text + sf.text.slice(at, node.getEnd());
}

/** An identifier that reads a binding (not a property name, a declared name or an assignment target). */
function isRead(id: ts.Identifier): boolean {
  const parent = id.parent;
  if (ts.isPropertyAccessExpression(parent) && parent.name === id) return false;
  if ((ts.isPropertyAssignment(parent) || ts.isVariableDeclaration(parent) || ts.isParameter(parent) || ts.isBindingElement(parent)) && parent.name === id) return false;
  if (ts.isShorthandPropertyAssignment(parent)) return false;
  if (ts.isBinaryExpression(parent) && parent.left === id && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken) return false;
  return true;
}

function isInert(node: ts.Expression): boolean {
  const inner = ts.isAsExpression(node) || ts.isSatisfiesExpression(node) || ts.isParenthesizedExpression(node) ? node.expression : node;
  return (
    ts.isLiteralExpression(inner) ||
    ts.isObjectLiteralExpression(inner) ||
    ts.isArrayLiteralExpression(inner) ||
    ts.isArrowFunction(inner) ||
    ts.isFunctionExpression(inner) ||
    ts.isClassExpression(inner) ||
    inner.kind === ts.SyntaxKind.TrueKeyword ||
    inner.kind === ts.SyntaxKind.FalseKeyword ||
    inner.kind === ts.SyntaxKind.NullKeyword ||
    ts.isNoSubstitutionTemplateLiteral(inner)
  );
}
