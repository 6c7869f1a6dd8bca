import { relative, sep } from 'node:path';
import ts from 'typescript';

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
  /** Anything JSON-like (`unknown`, `any`, `object`). */
  | { kind: 'json' }
  /**
   * An unconstrained type parameter: by parametricity the function cannot look inside its values,
   * so any type stands for it; generators use small integers (equal values are likely).
   */
  | { kind: 'typeParam' }
  /** A callback; generators synthesise one returning a value of `returns`. */
  | { kind: 'function'; arity: number; returns: TypeShape }
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
  /**
   * No I/O import in its module, returns a value, and every parameter can be generated: a
   * candidate for property tests and micro-benchmarks.
   */
  pure: boolean;
}

/** What `extractExports` found. */
export interface ExtractedExports {
  /** Source files analysed, relative to the target root. */
  files: string[];
  functions: ExportedFunction[];
  /** TypeScript diagnostics of the target itself (syntax errors make functions unreliable). */
  syntaxErrors: string[];
}

const IO_MODULES = /^(node:)?(http|https|http2|net|fs|fs\/promises|child_process|dgram|worker_threads|cluster|tls)$/;
const MAX_DEPTH = 4;

/**
 * Reads the exported functions of the target's source files with the TypeScript type checker:
 * parameter and return types become `TypeShape`s that generators turn into values. `files` are
 * absolute paths.
 */
export function extractExports(root: string, files: string[]): ExtractedExports {
  const program = ts.createProgram(files, {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
  });
  const checker = program.getTypeChecker();
  const functions: ExportedFunction[] = [];
  const syntaxErrors = program
    .getSyntacticDiagnostics()
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  for (const file of files) {
    const sf = program.getSourceFile(file);
    if (!sf) continue;
    const moduleSymbol = checker.getSymbolAtLocation(sf);
    if (!moduleSymbol) continue;
    const doesIo = sf.statements.some(
      (s) => ts.isImportDeclaration(s) && ts.isStringLiteral(s.moduleSpecifier) && IO_MODULES.test(s.moduleSpecifier.text),
    );
    const rel = relative(root, file).split(sep).join('/');
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const decl = symbol.valueDeclaration;
      if (!decl || decl.getSourceFile() !== sf) continue;
      const type = checker.getTypeOfSymbolAtLocation(symbol, decl);
      const signature = type.getCallSignatures()[0];
      if (!signature || type.getConstructSignatures().length > 0) continue;
      const params = signature.getParameters().map((p): ParameterShape => {
        const pDecl = p.valueDeclaration;
        const optional = !!pDecl && ts.isParameter(pDecl) && (!!pDecl.questionToken || !!pDecl.initializer);
        const pType = checker.getTypeOfSymbolAtLocation(p, pDecl ?? decl);
        return { name: p.getName(), type: shapeOf(checker, optional ? checker.getNonNullableType(pType) : pType, 0), optional };
      });
      const rawReturn = signature.getReturnType();
      const awaited = checker.getAwaitedType(rawReturn);
      const async = !!awaited && awaited !== rawReturn;
      const returns = shapeOf(checker, awaited ?? rawReturn, 0);
      const start = sf.getLineAndCharacterOfPosition(decl.getStart(sf)).line + 1;
      const end = sf.getLineAndCharacterOfPosition(decl.getEnd()).line + 1;
      const generable = params.every((p) => !containsOpaque(p.type));
      const hotspot = nestedIteration(decl, sf);
      functions.push({
        name: exported.getName(),
        file: rel,
        line: start,
        endLine: end,
        params,
        returns,
        async,
        ...(hotspot === undefined ? {} : { hotspotLine: hotspot }),
        pure: !doesIo && !async && returns.kind !== 'undefined' && generable,
      });
    }
  }
  return { files: files.map((f) => relative(root, f).split(sep).join('/')), functions, syntaxErrors };
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

function shapeOf(checker: ts.TypeChecker, type: ts.Type, depth: number): TypeShape {
  const f = type.flags;
  if (f & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return { kind: 'json' };
  if (f & ts.TypeFlags.TypeParameter) {
    const constraint = checker.getBaseConstraintOfType(type);
    return constraint && !(constraint.flags & ts.TypeFlags.Unknown) && constraint !== type ? shapeOf(checker, constraint, depth) : { kind: 'typeParam' };
  }
  if (f & ts.TypeFlags.StringLiteral) return { kind: 'literal', value: (type as ts.StringLiteralType).value };
  if (f & ts.TypeFlags.NumberLiteral) return { kind: 'literal', value: (type as ts.NumberLiteralType).value };
  if (f & ts.TypeFlags.BooleanLiteral) return { kind: 'literal', value: checker.typeToString(type) === 'true' };
  if (f & ts.TypeFlags.EnumLiteral && type.isUnion()) return { kind: 'union', options: type.types.map((t) => shapeOf(checker, t, depth)) };
  if (f & ts.TypeFlags.Boolean) return { kind: 'boolean' };
  if (f & ts.TypeFlags.StringLike) return { kind: 'string' };
  if (f & ts.TypeFlags.NumberLike) return { kind: 'number' };
  if (f & ts.TypeFlags.Null) return { kind: 'null' };
  if (f & (ts.TypeFlags.Undefined | ts.TypeFlags.Void)) return { kind: 'undefined' };
  if (type.isUnion()) {
    const options = type.types.map((t) => shapeOf(checker, t, depth));
    return options.length === 1 && options[0] ? options[0] : { kind: 'union', options };
  }
  const text = checker.typeToString(type);
  if (depth >= MAX_DEPTH) return { kind: 'opaque', text };
  if (text === 'Date') return { kind: 'date' };
  if (text === 'object') return { kind: 'json' };
  if (checker.isArrayType(type)) {
    const [element] = checker.getTypeArguments(type as ts.TypeReference);
    return { kind: 'array', element: element ? shapeOf(checker, element, depth + 1) : { kind: 'json' } };
  }
  if (checker.isTupleType(type)) {
    return { kind: 'tuple', elements: checker.getTypeArguments(type as ts.TypeReference).map((t) => shapeOf(checker, t, depth + 1)) };
  }
  if (type.getConstructSignatures().length > 0) return { kind: 'opaque', text };
  const [callSignature] = type.getCallSignatures();
  if (callSignature) {
    return { kind: 'function', arity: callSignature.getParameters().length, returns: shapeOf(checker, callSignature.getReturnType(), depth + 1) };
  }
  if (f & ts.TypeFlags.Object) {
    const symbolName = type.getSymbol()?.getName();
    if (symbolName === 'Promise' || symbolName === 'Map' || symbolName === 'Set' || symbolName === 'RegExp') return { kind: 'opaque', text };
    const index = checker.getIndexInfosOfType(type).find((i) => i.keyType.flags & ts.TypeFlags.String);
    const props = checker.getPropertiesOfType(type);
    if (index && props.length === 0) return { kind: 'record', value: shapeOf(checker, index.type, depth + 1) };
    const properties = props.map((p): PropertyShape => {
      const optional = (p.flags & ts.SymbolFlags.Optional) !== 0;
      const decl = p.valueDeclaration ?? p.declarations?.[0];
      const pType = decl ? checker.getTypeOfSymbolAtLocation(p, decl) : checker.getTypeOfSymbol(p);
      return { name: p.getName(), type: shapeOf(checker, optional ? checker.getNonNullableType(pType) : pType, depth + 1), optional };
    });
    const name = type.aliasSymbol?.getName() ?? (symbolName && symbolName !== '__type' && symbolName !== '__object' ? symbolName : undefined);
    return name ? { kind: 'object', name, properties } : { kind: 'object', properties };
  }
  return { kind: 'opaque', text };
}
