import { existsSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import ts from './ts.js';

/** The shape of a TypeScript type, reduced to what input generators need. */
export type TypeShape =
  | { kind: 'string' }
  | { kind: 'number' }
  | { kind: 'boolean' }
  | { kind: 'null' }
  | { kind: 'undefined' }
  | { kind: 'date' }
  | { kind: 'literal'; value: string | number | boolean }
  | { kind: 'union'; options: TypeShape[] }
  | { kind: 'array'; element: TypeShape }
  | { kind: 'tuple'; elements: TypeShape[] }
  | { kind: 'object'; name?: string; properties: PropertyShape[] }
  | { kind: 'record'; value: TypeShape }
  /** Anything JSON-like (`unknown`, `any`, `object`); `untyped` for `any`/`unknown` (an untyped JavaScript parameter): nothing says what is valid. */
  | { kind: 'json'; untyped?: boolean }
  /**
   * An unconstrained type parameter: by parametricity the function cannot look inside its values,
   * so any type stands for it; generators use small integers (equal values are likely).
   */
  | { kind: 'typeParam' }
  /** A callback; generators synthesise one returning a value of `returns`. */
  | { kind: 'function'; arity: number; returns: TypeShape }
  /** An interface the target implements with an exported class constructible without arguments. */
  | { kind: 'instance'; className: string; file: string }
  /** A type no generator can produce a value of (functions, classes, promises as input...). */
  | { kind: 'opaque'; text: string };

/** A property of an object shape. */
export interface PropertyShape {
  name: string;
  type: TypeShape;
  optional: boolean;
}

/** A parameter of an exported function. */
export interface ParameterShape {
  name: string;
  type: TypeShape;
  optional: boolean;
}

/** An exported function of the target, as the type checker sees it. */
export interface ExportedFunction {
  name: string;
  /** Path relative to the target root, `/`-separated. */
  file: string;
  /** 1-based line of the declaration. */
  line: number;
  /** 1-based last line of the declaration. */
  endLine: number;
  params: ParameterShape[];
  returns: TypeShape;
  async: boolean;
  /**
   * 1-based line of the innermost iteration nested in another (a loop, or an array search such as
   * `indexOf`/`includes`/`find` inside a loop or an iteration callback): where super-linear time is
   * spent. Undefined when nothing nests.
   */
  hotspotLine?: number;
  /** The doc comment (text and `@example` tags). */
  doc: string;
  /** Comparisons of a parameter with a named numeric constant (`quantity > BULK_THRESHOLD`). */
  thresholds: Threshold[];
  /**
   * No I/O import in its module, returns a value, and every parameter can be generated: a
   * candidate for property tests and micro-benchmarks.
   */
  pure: boolean;
  /** Its module imports an I/O module (`fs`, `http`, `child_process`, …): calling it may touch the machine. */
  io: boolean;
}

/** A parameter compared with a named numeric constant inside a function. */
export interface Threshold {
  param: string;
  constant: string;
  value: number;
  /** The operator with the parameter on the left (`q > C`; `C < q` is read as `q > C`). */
  operator: '<' | '<=' | '>' | '>=';
}

/** A public method of an exported class. */
export interface MethodShape {
  name: string;
  line: number;
  endLine: number;
  params: ParameterShape[];
  returns: TypeShape;
  async: boolean;
}

/** An exported class and how to get an instance of it. */
export interface ExportedClass {
  name: string;
  file: string;
  line: number;
  /** `new C(...)` when the constructor is public, else a static method returning C (or a promise of it). */
  factory?: { kind: 'new' | 'static'; name: string; params: ParameterShape[]; async: boolean };
  methods: MethodShape[];
  /** Its module imports an I/O module (`fs`, `http`, `child_process`, …). */
  io: boolean;
}

/** What `extractExports` found. */
export interface ExtractedExports {
  /** Source files analysed, relative to the target root. */
  files: string[];
  functions: ExportedFunction[];
  classes: ExportedClass[];
  /** TypeScript diagnostics of the target itself (syntax errors make functions unreliable). */
  syntaxErrors: string[];
}

const IO_MODULES = /^(node:)?(http|https|http2|net|fs|fs\/promises|child_process|dgram|worker_threads|cluster|tls)$/;
const MAX_DEPTH = 4;

/**
 * The hand-written declaration of each JavaScript file among `files` (absolute): its sibling
 * `x.d.ts`, else the `types` of the package.json `exports` condition object or top level (`main`)
 * that names it, else that of the file a `browser` field replaces by it (nanoid's
 * index.browser.js is documented in the index.d.ts of index.js).
 */
function declarationsOf(root: string, files: readonly string[]): Map<string, string> {
  const declared = new Map<string, string>();
  const at = (path: unknown): string | undefined => (typeof path === 'string' ? join(root, path) : undefined);
  const document = (file: string | undefined, types: string | undefined): void => {
    if (file !== undefined && types !== undefined && /\.[cm]?js$/.test(file) && !declared.has(file) && existsSync(types)) declared.set(file, types);
  };
  for (const file of files) document(file, file.replace(/\.(c|m)?js$/, '.d.$1ts'));
  let manifest: Record<string, unknown> = {};
  try {
    manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, unknown>;
  } catch {
    // No readable package.json: sibling declarations only.
  }
  const conditions = (value: unknown): void => {
    if (typeof value !== 'object' || value === null) return;
    const entries = Object.values(value as Record<string, unknown>);
    const types = at((value as Record<string, unknown>)['types'] ?? (value as Record<string, unknown>)['typings']);
    for (const entry of entries) {
      if (typeof entry === 'string') document(at(entry), types);
      else conditions(entry);
    }
  };
  conditions(manifest['exports']);
  document(at(manifest['main'] ?? 'index.js'), at(manifest['types'] ?? manifest['typings']));
  if (typeof manifest['browser'] === 'object' && manifest['browser'] !== null) {
    for (const [from, to] of Object.entries(manifest['browser'] as Record<string, unknown>)) {
      const original = at(from);
      document(at(to), original === undefined ? undefined : declared.get(original));
    }
  }
  const wanted = new Set(files);
  return new Map([...declared].filter(([file]) => wanted.has(file)));
}

/**
 * Reads the exported functions of the target's source files with the TypeScript type checker:
 * parameter and return types become `TypeShape`s that generators turn into values. `files` are
 * absolute paths.
 */
export function extractExports(root: string, files: string[]): ExtractedExports {
  // A JavaScript module with a hand-written declaration (index.js + index.d.ts, as many published
  // libraries ship): the declaration's types are the documented contract, so they replace what
  // inference makes of untyped parameters.
  const declarations = declarationsOf(root, files);
  const program = ts.createProgram([...files, ...declarations.values()], {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
    // JavaScript sources: types inferred from the code and JSDoc (untyped parameters read as JSON values).
    allowJs: true,
    checkJs: false,
  });
  const checker = program.getTypeChecker();
  const syntaxErrors = program.getSyntacticDiagnostics().map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  const modules = files.flatMap((file) => {
    const sf = program.getSourceFile(file);
    const moduleSymbol = sf && checker.getSymbolAtLocation(sf);
    if (!sf || !moduleSymbol) return [];
    const doesIo =
      sf.statements.some((st) => ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier) && IO_MODULES.test(st.moduleSpecifier.text)) ||
      // CommonJS sources reach I/O through require().
      [...sf.text.matchAll(/\brequire\(\s*['"]([^'"]+)['"]\s*\)/g)].some((m) => IO_MODULES.test(m[1] ?? ''));
    const exports = ownExports(checker, moduleSymbol, sf);
    const declarationFile = declarations.get(file);
    const dts = declarationFile === undefined ? undefined : program.getSourceFile(declarationFile);
    const dtsSymbol = dts && checker.getSymbolAtLocation(dts);
    const declared = new Map((dtsSymbol ? checker.getExportsOfModule(dtsSymbol) : []).map((e) => [e.getName(), e.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(e) : e] as const));
    return [{ sf, rel: relative(root, file).split(sep).join('/'), doesIo, exports, declared }];
  });
  const reader = new ShapeReader(checker);
  // Classes constructible without arguments can stand in for the interfaces they implement.
  for (const { rel, exports } of modules) {
    for (const { name, symbol } of exports) {
      if (!(symbol.flags & ts.SymbolFlags.Class) || !symbol.valueDeclaration) continue;
      const statics = checker.getTypeOfSymbolAtLocation(symbol, symbol.valueDeclaration);
      if (publicConstructor(symbol) && statics.getConstructSignatures().some((c) => c.getParameters().every((p) => isOptional(p)))) {
        reader.implementations.push({ className: name, file: rel, type: checker.getDeclaredTypeOfSymbol(symbol) });
      }
    }
  }
  const functions: ExportedFunction[] = [];
  const classes: ExportedClass[] = [];
  for (const { sf, rel, doesIo, exports, declared } of modules) {
    for (const { name, symbol } of exports) {
      const decl = symbol.valueDeclaration;
      if (!decl) continue;
      const type = checker.getTypeOfSymbolAtLocation(symbol, decl);
      if (symbol.flags & ts.SymbolFlags.Class) {
        classes.push({ ...readClass(reader, name, rel, symbol, decl, type, sf), io: doesIo });
        continue;
      }
      const signature = type.getCallSignatures()[0];
      if (!signature) continue;
      const typed = declared.get(name);
      const typedDecl = typed?.valueDeclaration ?? typed?.declarations?.[0];
      const typedSignature = typed && typedDecl && checker.getTypeOfSymbolAtLocation(typed, typedDecl).getCallSignatures()[0];
      const shape = typedSignature && typedDecl ? reader.signature(typedSignature, typedDecl) : reader.signature(signature, decl);
      const hotspot = nestedIteration(decl, sf);
      const docOf = (s: ts.Symbol): string => [ts.displayPartsToString(s.getDocumentationComment(checker)), ...s.getJsDocTags(checker).filter((t) => t.name === 'example').map((t) => `@example ${ts.displayPartsToString(t.text)}`)].join('\n');
      // A JavaScript module documented in its hand-written declaration (index.js + index.d.ts): the declaration's doc.
      const own = docOf(symbol);
      const doc = own.trim() === '' && typed ? docOf(typed) : own;
      functions.push({
        name,
        file: rel,
        ...lines(decl, sf),
        ...shape,
        ...(hotspot === undefined ? {} : { hotspotLine: hotspot }),
        doc,
        thresholds: thresholds(checker, decl, shape.params.map((p) => p.name)),
        io: doesIo,
        pure: !doesIo && !shape.async && shape.returns.kind !== 'undefined' && shape.params.every((p) => !containsOpaque(p.type)),
      });
    }
  }
  return { files: modules.map((m) => m.rel), functions, classes, syntaxErrors };
}

/**
 * The values a module exports that it defines itself (re-exports are the other module's). A
 * CommonJS module's `module.exports = fn` is its `default` (what `import` and the probes' pick of
 * `ns.default` give), and `module.exports = { a, b: c }` exports the functions of that object this
 * file defines (`{ parse: require('./parse') }` is parse.js's): the checker lists neither, only
 * `export=`.
 */
function ownExports(checker: ts.TypeChecker, moduleSymbol: ts.Symbol, sf: ts.SourceFile): Array<{ name: string; symbol: ts.Symbol }> {
  const named = checker
    .getExportsOfModule(moduleSymbol)
    .map((e) => ({ name: e.getName(), symbol: e.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(e) : e }))
    .filter((e) => e.symbol.valueDeclaration?.getSourceFile() === sf);
  const assigned = moduleSymbol.exports?.get(ts.InternalSymbolName.ExportEquals);
  if (named.length > 0 || assigned === undefined) return named;
  // The function itself (its declaration, body and doc comment), under the name it is exported as.
  const definedHere = (name: string, type: ts.Type): Array<{ name: string; symbol: ts.Symbol }> => {
    const fn = type.getCallSignatures().length > 0 ? type.getSymbol() : undefined;
    return fn?.valueDeclaration?.getSourceFile() === sf && !(fn.flags & ts.SymbolFlags.Class) ? [{ name, symbol: fn }] : [];
  };
  const value = checker.getTypeOfSymbol(assigned);
  if (value.getCallSignatures().length > 0) return definedHere('default', value);
  return checker.getPropertiesOfType(value).flatMap((p) => definedHere(p.getName(), checker.getTypeOfSymbol(p)));
}

function lines(node: ts.Node, sf: ts.SourceFile): { line: number; endLine: number } {
  return { line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1, endLine: sf.getLineAndCharacterOfPosition(node.getEnd()).line + 1 };
}

function isOptional(p: ts.Symbol): boolean {
  const d = p.valueDeclaration;
  return !!d && ts.isParameter(d) && (!!d.questionToken || !!d.initializer || !!d.dotDotDotToken);
}

function publicConstructor(symbol: ts.Symbol): boolean {
  const ctor = symbol.valueDeclaration && ts.isClassDeclaration(symbol.valueDeclaration) ? symbol.valueDeclaration.members.find(ts.isConstructorDeclaration) : undefined;
  return !ctor?.modifiers?.some((m) => m.kind === ts.SyntaxKind.PrivateKeyword || m.kind === ts.SyntaxKind.ProtectedKeyword);
}

function readClass(reader: ShapeReader, name: string, file: string, symbol: ts.Symbol, decl: ts.Declaration, statics: ts.Type, sf: ts.SourceFile): Omit<ExportedClass, 'io'> {
  const checker = reader.checker;
  const instance = checker.getDeclaredTypeOfSymbol(symbol);
  let factory: ExportedClass['factory'];
  const ctor = statics.getConstructSignatures()[0];
  if (ctor && publicConstructor(symbol)) factory = { kind: 'new', name, ...reader.signature(ctor, decl) };
  else {
    for (const prop of checker.getPropertiesOfType(statics)) {
      const sig = prop.valueDeclaration && checker.getTypeOfSymbolAtLocation(prop, prop.valueDeclaration).getCallSignatures()[0];
      if (!sig || !prop.valueDeclaration) continue;
      const returned = sig.getReturnType();
      if (returned === instance || checker.getAwaitedType(returned) === instance) {
        factory = { kind: 'static', name: prop.getName(), params: reader.signature(sig, prop.valueDeclaration).params, async: returned !== instance };
        break;
      }
    }
  }
  const methods: MethodShape[] = [];
  for (const prop of checker.getPropertiesOfType(instance)) {
    const d = prop.valueDeclaration;
    if (!d || !ts.isMethodDeclaration(d) || d.modifiers?.some((m) => m.kind === ts.SyntaxKind.PrivateKeyword || m.kind === ts.SyntaxKind.ProtectedKeyword) || ts.isPrivateIdentifier(d.name)) continue;
    const sig = checker.getTypeOfSymbolAtLocation(prop, d).getCallSignatures()[0];
    if (sig) methods.push({ name: prop.getName(), ...lines(d, sf), ...reader.signature(sig, d) });
  }
  return { name, file, line: lines(decl, sf).line, ...(factory ? { factory } : {}), methods };
}

/** Turns checker types into TypeShapes, knowing which exported classes implement which interfaces. */
class ShapeReader {
  readonly checker: ts.TypeChecker;
  readonly implementations: Array<{ className: string; file: string; type: ts.Type }> = [];

  constructor(checker: ts.TypeChecker) {
    this.checker = checker;
  }

  signature(signature: ts.Signature, decl: ts.Node): { params: ParameterShape[]; returns: TypeShape; async: boolean } {
    const checker = this.checker;
    const params = signature.getParameters().map((p): ParameterShape => {
      const optional = isOptional(p);
      const pType = checker.getTypeOfSymbolAtLocation(p, p.valueDeclaration ?? decl);
      return { name: p.getName(), type: this.shape(optional ? checker.getNonNullableType(pType) : pType, 0), optional };
    });
    const rawReturn = signature.getReturnType();
    const awaited = checker.getAwaitedType(rawReturn);
    return { params, returns: this.shape(awaited ?? rawReturn, 0), async: !!awaited && awaited !== rawReturn };
  }

  shape(type: ts.Type, depth: number): TypeShape {
    const checker = this.checker;
    const f = type.flags;
    if (f & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return { kind: 'json', untyped: true };
    if (f & ts.TypeFlags.TypeParameter) {
      const constraint = checker.getBaseConstraintOfType(type);
      return constraint && !(constraint.flags & ts.TypeFlags.Unknown) && constraint !== type ? this.shape(constraint, depth) : { kind: 'typeParam' };
    }
    if (f & ts.TypeFlags.StringLiteral) return { kind: 'literal', value: (type as ts.StringLiteralType).value };
    if (f & ts.TypeFlags.NumberLiteral) return { kind: 'literal', value: (type as ts.NumberLiteralType).value };
    if (f & ts.TypeFlags.BooleanLiteral) return { kind: 'literal', value: checker.typeToString(type) === 'true' };
    if (f & ts.TypeFlags.Boolean) return { kind: 'boolean' };
    if (f & ts.TypeFlags.StringLike) return { kind: 'string' };
    if (f & ts.TypeFlags.NumberLike) return { kind: 'number' };
    if (f & ts.TypeFlags.Null) return { kind: 'null' };
    if (f & (ts.TypeFlags.Undefined | ts.TypeFlags.Void)) return { kind: 'undefined' };
    if (type.isUnion()) {
      const options = type.types.map((t) => this.shape(t, depth));
      return options.length === 1 && options[0] ? options[0] : { kind: 'union', options };
    }
    const text = checker.typeToString(type);
    if (depth >= MAX_DEPTH) return { kind: 'opaque', text };
    if (text === 'Date') return { kind: 'date' };
    if (text === 'object') return { kind: 'json' };
    if (checker.isArrayType(type)) {
      const [element] = checker.getTypeArguments(type as ts.TypeReference);
      return { kind: 'array', element: element ? this.shape(element, depth + 1) : { kind: 'json' } };
    }
    if (checker.isTupleType(type)) {
      return { kind: 'tuple', elements: checker.getTypeArguments(type as ts.TypeReference).map((t) => this.shape(t, depth + 1)) };
    }
    if (type.getConstructSignatures().length > 0) return { kind: 'opaque', text };
    const [callSignature] = type.getCallSignatures();
    if (callSignature) return { kind: 'function', arity: callSignature.getParameters().length, returns: this.shape(callSignature.getReturnType(), depth + 1) };
    if (!(f & ts.TypeFlags.Object)) return { kind: 'opaque', text };
    const symbolName = type.getSymbol()?.getName();
    if (symbolName === 'Promise' || symbolName === 'Map' || symbolName === 'Set' || symbolName === 'RegExp') return { kind: 'opaque', text };
    const props = checker.getPropertiesOfType(type);
    const hasMethods = props.some((p) => p.valueDeclaration && checker.getTypeOfSymbolAtLocation(p, p.valueDeclaration).getCallSignatures().length > 0);
    if (hasMethods) {
      const impl = this.implementations.find((i) => checker.isTypeAssignableTo(i.type, type));
      return impl ? { kind: 'instance', className: impl.className, file: impl.file } : { kind: 'opaque', text };
    }
    const index = checker.getIndexInfosOfType(type).find((i) => i.keyType.flags & ts.TypeFlags.String);
    if (index && props.length === 0) return { kind: 'record', value: this.shape(index.type, depth + 1) };
    const properties = props.map((p): PropertyShape => {
      const optional = (p.flags & ts.SymbolFlags.Optional) !== 0;
      const d = p.valueDeclaration ?? p.declarations?.[0];
      const pType = d ? checker.getTypeOfSymbolAtLocation(p, d) : checker.getTypeOfSymbol(p);
      return { name: p.getName(), type: this.shape(optional ? checker.getNonNullableType(pType) : pType, depth + 1), optional };
    });
    const name = type.aliasSymbol?.getName() ?? (symbolName && symbolName !== '__type' && symbolName !== '__object' ? symbolName : undefined);
    return name ? { kind: 'object', name, properties } : { kind: 'object', properties };
  }
}

const COMPARISONS: Partial<Record<ts.SyntaxKind, Threshold['operator']>> = {
  [ts.SyntaxKind.LessThanToken]: '<',
  [ts.SyntaxKind.LessThanEqualsToken]: '<=',
  [ts.SyntaxKind.GreaterThanToken]: '>',
  [ts.SyntaxKind.GreaterThanEqualsToken]: '>=',
};
const FLIPPED: Record<Threshold['operator'], Threshold['operator']> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

/** The numeric value of a `const NAME = <number>` an identifier refers to. */
function constantValue(checker: ts.TypeChecker, node: ts.Expression): number | undefined {
  if (!ts.isIdentifier(node)) return undefined;
  const symbol = checker.getSymbolAtLocation(node);
  const decl = symbol && (symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol).valueDeclaration;
  if (!decl || !ts.isVariableDeclaration(decl) || !decl.initializer || !ts.isNumericLiteral(decl.initializer)) return undefined;
  return (ts.getCombinedNodeFlags(decl) & ts.NodeFlags.Const) !== 0 ? Number(decl.initializer.text) : undefined;
}

function thresholds(checker: ts.TypeChecker, root: ts.Node, params: string[]): Threshold[] {
  const out: Threshold[] = [];
  const visit = (node: ts.Node): void => {
    const operator = ts.isBinaryExpression(node) ? COMPARISONS[node.operatorToken.kind] : undefined;
    if (operator && ts.isBinaryExpression(node)) {
      for (const [p, c, op] of [[node.left, node.right, operator], [node.right, node.left, FLIPPED[operator]]] as const) {
        const value = constantValue(checker, c);
        if (ts.isIdentifier(p) && params.includes(p.text) && value !== undefined) out.push({ param: p.text, constant: c.getText(), value, operator: op });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(root);
  return out;
}

const ITERATING_CALLS = /^(indexOf|lastIndexOf|includes|find|findIndex|findLast|findLastIndex|filter|map|forEach|reduce|reduceRight|some|every|flatMap|splice|sort)$/;

function isIteration(node: ts.Node): boolean {
  if (ts.isForStatement(node) || ts.isForOfStatement(node) || ts.isForInStatement(node) || ts.isWhileStatement(node) || ts.isDoStatement(node)) return true;
  return ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && ITERATING_CALLS.test(node.expression.name.text);
}

/** Line of the deepest iteration at nesting depth >= 2 inside `root` (see `hotspotLine`). */
function nestedIteration(root: ts.Node, sf: ts.SourceFile): number | undefined {
  let best: { depth: number; pos: number } | undefined;
  const visit = (node: ts.Node, depth: number): void => {
    const here = isIteration(node) ? depth + 1 : depth;
    if (here >= 2 && here > (best?.depth ?? 0)) best = { depth: here, pos: node.getStart(sf) };
    ts.forEachChild(node, (child) => visit(child, here));
  };
  visit(root, 0);
  return best === undefined ? undefined : sf.getLineAndCharacterOfPosition(best.pos).line + 1;
}

function containsOpaque(shape: TypeShape): boolean {
  switch (shape.kind) {
    case 'opaque':
      return true;
    case 'union':
      return shape.options.every(containsOpaque);
    case 'array':
      return containsOpaque(shape.element);
    case 'tuple':
      return shape.elements.some(containsOpaque);
    case 'object':
      return shape.properties.some((p) => !p.optional && containsOpaque(p.type));
    case 'record':
      return containsOpaque(shape.value);
    case 'function':
      return containsOpaque(shape.returns);
    default:
      return false;
  }
}
