import { relative, sep } from 'node:path';
import ts from '../kit/typescript/ts.js';

/** What a double's method or callback hands back. */
export interface DoubleReturn {
  kind: 'promise' | 'value' | 'void';
  /** JavaScript of a default value of the (awaited) return type; `undefined` when any will do. */
  sample: string;
  /** The (awaited) result is data the caller may use (not void/undefined): a stateless double cannot stand for the state behind it. */
  reads?: boolean;
}

/** A method of an injected interface. */
export interface DoubleMethod {
  name: string;
  arity: number;
  returns: DoubleReturn;
}

/**
 * An injection point: a parameter of an exported function, constructor or factory typed as an
 * interface or a callback, or an options object whose function-typed properties are collaborators
 * (`{ fetch }`, `{ now, onError }`): the double is an object literal holding doubles of those only.
 */
export interface Boundary {
  kind: 'interface' | 'callback' | 'option';
  /** Index of the parameter in the owner's (factory's) parameter list. */
  index: number;
  param: string;
  optional: boolean;
  /** The interface's name when the target exports it (the double is annotated with it), else undefined. */
  typeName?: string;
  /** Target-relative file exporting `typeName`. */
  typeFile?: string;
  methods: DoubleMethod[];
  /** For a callback: what it returns. */
  callback?: DoubleReturn;
}

/** A use of an ambient side effect (global or module) inside an exported function or class. */
export interface AmbientUse {
  api: 'fetch' | 'Date' | 'Math.random' | 'crypto' | 'timers' | 'fs' | 'network' | 'child_process';
  line: number;
  /** A call inside the owner of a function of an imported module (`fs/promises` `readFile`): the module specifier. */
  module?: string;
  /** The called function: `readFile`, `randomUUID`, `setTimeout` (globals too). */
  member?: string;
  /** What the called function returns (the double's default value). */
  returns?: DoubleReturn;
  /** Destructured from `require()` when the module loaded: replacing the module's function later does not reach this call. */
  loadBound?: boolean;
}

/** An exported function or class with its injection points and ambient side effects. */
export interface BoundaryOwner {
  kind: 'function' | 'class';
  name: string;
  file: string;
  line: number;
  /** For a class: how an instance is made. */
  factory?: { kind: 'new' | 'static'; name: string; async: boolean };
  boundaries: Boundary[];
  ambient: AmbientUse[];
  /** For a class, the lines of `.<name>(` calls per method (where a collaborator's method is called). */
  callSites: Map<string, Array<{ method: string; line: number }>>;
}

const COLLABORATOR = /fetch|now|clock|time|random|uuid|id$|log|send|request|load|save|store|notify|emit|publish|dispatch|handler|listener|^on[A-Z]/i;

/** The fixed value of doubled `crypto.randomUUID`. */
export const FIXED_UUID = '00000000-0000-4000-8000-000000000000';

/** What a doubled `fetch` resolves to: a fresh empty JSON 200 response (a body can be read once). */
export const RESPONSE_SAMPLE = "new Response('{}', { status: 200, headers: { 'content-type': 'application/json' } })";

const MODULES: Array<[RegExp, AmbientUse['api']]> = [
  [/^(node:)?(fs|fs\/promises)$/, 'fs'],
  [/^(node:)?(http|https|http2|net|dgram|tls)$/, 'network'],
  [/^(node:)?child_process$/, 'child_process'],
  [/^(node:)?timers(\/promises)?$/, 'timers'],
  [/^(node:)?crypto$/, 'crypto'],
];

/**
 * Reads the injection points of the target's exported functions and classes with the TypeScript
 * type checker (parameters typed as interfaces with methods, or as callbacks), the methods a double
 * needs and what they return, and the ambient side effects each uses (global `fetch`, `Date`,
 * `Math.random`, `crypto`, timers; imported `fs`, network and process modules).
 */
export function findBoundaries(root: string, files: readonly string[]): BoundaryOwner[] {
  const program = ts.createProgram([...files], {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    allowJs: true,
    checkJs: false,
  });
  const checker = program.getTypeChecker();
  const owners: BoundaryOwner[] = [];
  const exported = new Map<ts.Symbol, string>();
  const rel = (sf: ts.SourceFile): string => relative(root, sf.fileName).split(sep).join('/');
  const modules = files.flatMap((file) => {
    const sf = program.getSourceFile(file);
    const symbol = sf && checker.getSymbolAtLocation(sf);
    return sf && symbol ? [{ sf, symbol }] : [];
  });
  for (const { sf, symbol } of modules) {
    for (const e of checker.getExportsOfModule(symbol)) exported.set(e.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(e) : e, rel(sf));
  }
  for (const { sf, symbol } of modules) {
    const imported = moduleUses(sf);
    const bindings = moduleBindings(sf);
    for (const e of checker.getExportsOfModule(symbol)) {
      const target = e.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(e) : e;
      const decl = target.valueDeclaration;
      if (!decl || decl.getSourceFile() !== sf) continue;
      const line = sf.getLineAndCharacterOfPosition(decl.getStart(sf)).line + 1;
      const reader = new BoundaryReader(checker, exported, (file) => program.isSourceFileDefaultLibrary(file));
      const ambient = (node: ts.Node): AmbientUse[] => [...imported, ...ambientUses(node, sf, bindings, reader)];
      if (ts.isClassDeclaration(decl)) {
        const made = factoryOf(checker, target, decl);
        if (!made) continue;
        const boundaries = made.params.flatMap((p, index) => reader.read(p, index));
        owners.push({ kind: 'class', name: e.getName(), file: rel(sf), line, factory: made.factory, boundaries, ambient: ambient(decl), callSites: callSitesOf(decl, sf) });
        continue;
      }
      const signature = checker.getTypeOfSymbolAtLocation(target, decl).getCallSignatures()[0];
      if (!signature) continue;
      const boundaries = signature.getParameters().flatMap((p, index) => reader.read(p, index));
      owners.push({ kind: 'function', name: e.getName(), file: rel(sf), line, boundaries, ambient: ambient(decl), callSites: new Map() });
    }
  }
  return owners.filter((o) => o.boundaries.length > 0 || o.ambient.length > 0);
}

function factoryOf(checker: ts.TypeChecker, symbol: ts.Symbol, decl: ts.ClassDeclaration): { factory: NonNullable<BoundaryOwner['factory']>; params: ts.Symbol[] } | undefined {
  const ctor = decl.members.find(ts.isConstructorDeclaration);
  const statics = checker.getTypeOfSymbolAtLocation(symbol, decl);
  const isPrivate = ctor?.modifiers?.some((m) => m.kind === ts.SyntaxKind.PrivateKeyword || m.kind === ts.SyntaxKind.ProtectedKeyword);
  const construct = statics.getConstructSignatures()[0];
  if (!isPrivate && construct) return { factory: { kind: 'new', name: symbol.getName(), async: false }, params: construct.getParameters() };
  const instance = checker.getDeclaredTypeOfSymbol(symbol);
  for (const prop of checker.getPropertiesOfType(statics)) {
    const sig = prop.valueDeclaration && checker.getTypeOfSymbolAtLocation(prop, prop.valueDeclaration).getCallSignatures()[0];
    if (!sig) continue;
    const returned = sig.getReturnType();
    if (returned === instance || checker.getAwaitedType(returned) === instance) return { factory: { kind: 'static', name: prop.getName(), async: returned !== instance }, params: sig.getParameters() };
  }
  return undefined;
}

class BoundaryReader {
  readonly #checker: ts.TypeChecker;
  readonly #exported: Map<ts.Symbol, string>;

  readonly #isLib: (sf: ts.SourceFile) => boolean;

  constructor(checker: ts.TypeChecker, exported: Map<ts.Symbol, string>, isLib: (sf: ts.SourceFile) => boolean) {
    this.#checker = checker;
    this.#exported = exported;
    this.#isLib = isLib;
  }

  read(param: ts.Symbol, index: number): Boundary[] {
    const checker = this.#checker;
    const decl = param.valueDeclaration;
    if (!decl || !ts.isParameter(decl)) return [];
    const optional = !!decl.questionToken || !!decl.initializer;
    const type = checker.getNonNullableType(checker.getTypeOfSymbolAtLocation(param, decl));
    // Primitives, arrays and the standard library's types (their apparent methods) are values, not collaborators.
    if (!(type.flags & ts.TypeFlags.Object) || checker.isArrayType(type) || checker.isTupleType(type)) return [];
    const props = checker.getPropertiesOfType(type);
    const [call] = type.getCallSignatures();
    if (call && props.length === 0) {
      // A provider (no parameters: a clock, an id source), an async collaborator, or a named one;
      // a comparator or key function handed to an algorithm is an argument, not a dependency.
      const collaborator = call.getParameters().length === 0 || checker.getAwaitedType(call.getReturnType()) !== call.getReturnType() || COLLABORATOR.test(param.getName());
      return collaborator ? [{ kind: 'callback', index, param: param.getName(), optional, methods: [], callback: this.returns(call) }] : [];
    }
    const symbol = type.aliasSymbol ?? type.getSymbol();
    // A class type with private members cannot be stood in for by an object literal.
    if (symbol && symbol.flags & ts.SymbolFlags.Class) return [];
    if (symbol?.declarations?.some((d) => this.#isLib(d.getSourceFile()))) return [];
    const methods = props.flatMap((p): DoubleMethod[] => {
      const d = p.valueDeclaration ?? p.declarations?.[0];
      const sig = d && checker.getNonNullableType(checker.getTypeOfSymbolAtLocation(p, d)).getCallSignatures()[0];
      return sig ? [{ name: p.getName(), arity: sig.getParameters().length, returns: this.returns(sig) }] : [];
    });
    if (methods.length === 0) return [];
    if (methods.length < props.length) {
      // An options object: its collaborator properties are doubled, the others left out, so every
      // property that is not doubled must be optional.
      const collaborators = methods.filter((m) => COLLABORATOR.test(m.name));
      const required = props.filter((p) => !(p.flags & ts.SymbolFlags.Optional));
      if (collaborators.length === 0 || required.some((p) => !collaborators.some((m) => m.name === p.getName()))) return [];
      return [{ kind: 'option', index, param: param.getName(), optional, methods: collaborators }];
    }
    const typeFile = symbol ? this.#exported.get(symbol) : undefined;
    return [{ kind: 'interface', index, param: param.getName(), optional, ...(typeFile && symbol ? { typeName: symbol.getName(), typeFile } : {}), methods }];
  }

  /** What the function a call resolves to returns (overloads resolved by the call's arguments). */
  returnsOfCall(call: ts.CallExpression): DoubleReturn | undefined {
    const signature = this.#checker.getResolvedSignature(call);
    return signature ? this.returns(signature) : undefined;
  }

  returns(signature: ts.Signature): DoubleReturn {
    const checker = this.#checker;
    const raw = signature.getReturnType();
    const awaited = checker.getAwaitedType(raw);
    if (awaited && awaited !== raw) return { kind: 'promise', sample: this.sample(awaited, 0), reads: (awaited.flags & (ts.TypeFlags.Void | ts.TypeFlags.Undefined)) === 0 };
    if (raw.flags & (ts.TypeFlags.Void | ts.TypeFlags.Undefined)) return { kind: 'void', sample: 'undefined' };
    return { kind: 'value', sample: this.sample(raw, 0), reads: true };
  }

  sample(type: ts.Type, depth: number): string {
    const checker = this.#checker;
    const f = type.flags;
    if (f & (ts.TypeFlags.Any | ts.TypeFlags.Unknown | ts.TypeFlags.Void | ts.TypeFlags.Undefined)) return 'undefined';
    if (type.isUnion()) return type.types.some((t) => t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Void)) ? 'undefined' : this.sample(type.types[0]!, depth);
    if (f & ts.TypeFlags.StringLiteral) return JSON.stringify((type as ts.StringLiteralType).value);
    if (f & ts.TypeFlags.NumberLiteral) return String((type as ts.NumberLiteralType).value);
    if (f & ts.TypeFlags.BooleanLike) return 'false';
    if (f & ts.TypeFlags.StringLike) return "''";
    if (f & ts.TypeFlags.NumberLike) return '0';
    if (f & ts.TypeFlags.Null) return 'null';
    if (checker.isArrayType(type) || checker.isTupleType(type)) return '[]';
    const text = checker.typeToString(type);
    if (text === 'Date') return "new Date('2024-01-01T00:00:00.000Z')";
    // Values a double of fetch, fs or crypto hands back, which an object literal cannot stand for.
    if (text === 'Response') return RESPONSE_SAMPLE;
    if (/^Buffer(<.*>)?$/.test(text)) return "Buffer.from('')";
    if (/^Uint8Array(<.*>)?$/.test(text)) return 'new Uint8Array(0)';
    if (f & ts.TypeFlags.TemplateLiteral || text === 'UUID') return `'${FIXED_UUID}'`;
    if (depth > 2 || !(f & ts.TypeFlags.Object)) return 'undefined';
    const props = checker.getPropertiesOfType(type).filter((p) => !(p.flags & ts.SymbolFlags.Optional));
    const fields = props.map((p) => {
      const d = p.valueDeclaration ?? p.declarations?.[0];
      const t = d ? checker.getTypeOfSymbolAtLocation(p, d) : checker.getTypeOfSymbol(p);
      return `${/^[A-Za-z_$][\w$]*$/.test(p.getName()) ? p.getName() : JSON.stringify(p.getName())}: ${t.getCallSignatures().length > 0 ? '() => undefined' : this.sample(t, depth + 1)}`;
    });
    return fields.length === 0 ? '{}' : `{ ${fields.join(', ')} }`;
  }
}

function moduleUses(sf: ts.SourceFile): AmbientUse[] {
  const out: AmbientUse[] = [];
  for (const st of sf.statements) {
    const specifier = ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier) ? st.moduleSpecifier.text : requires(st)[0]?.module;
    const api = specifier === undefined ? undefined : MODULES.find(([re]) => re.test(specifier))?.[1];
    if (api) out.push({ api, line: sf.getLineAndCharacterOfPosition(st.getStart(sf)).line + 1 });
  }
  return out;
}

/** CommonJS `const x = require('m')` / `const { a, b: c } = require('m')` at the top of a module. */
function requires(st: ts.Statement): Array<{ module: string; name: ts.BindingName }> {
  if (!ts.isVariableStatement(st)) return [];
  const out: Array<{ module: string; name: ts.BindingName }> = [];
  for (const d of st.declarationList.declarations) {
    const init = d.initializer;
    if (init && ts.isCallExpression(init) && ts.isIdentifier(init.expression) && init.expression.text === 'require' && init.arguments.length === 1 && ts.isStringLiteral(init.arguments[0]!)) {
      out.push({ module: init.arguments[0].text, name: d.name });
    }
  }
  return out;
}

/**
 * Local names bound by imports of the side-effect modules: `readFile` -> node:fs/promises readFile, `fs` -> the
 * whole module. A function destructured from `require()` is `loadBound`: the module keeps the original.
 */
function moduleBindings(sf: ts.SourceFile): Map<string, { module: string; api: AmbientUse['api']; member?: string; loadBound?: boolean }> {
  const out = new Map<string, { module: string; api: AmbientUse['api']; member?: string; loadBound?: boolean }>();
  for (const st of sf.statements) {
    for (const { module, name } of requires(st)) {
      const api = MODULES.find(([re]) => re.test(module))?.[1];
      if (!api) continue;
      if (ts.isIdentifier(name)) out.set(name.text, { module, api });
      else if (ts.isObjectBindingPattern(name)) {
        for (const el of name.elements) {
          const member = el.propertyName && ts.isIdentifier(el.propertyName) ? el.propertyName.text : ts.isIdentifier(el.name) ? el.name.text : undefined;
          if (member !== undefined && ts.isIdentifier(el.name)) out.set(el.name.text, { module, api, member, loadBound: true });
        }
      }
    }
    if (!ts.isImportDeclaration(st) || !ts.isStringLiteral(st.moduleSpecifier) || !st.importClause || st.importClause.isTypeOnly) continue;
    const module = st.moduleSpecifier.text;
    const api = MODULES.find(([re]) => re.test(module))?.[1];
    if (!api) continue;
    const clause = st.importClause;
    if (clause.name) out.set(clause.name.text, { module, api });
    const named = clause.namedBindings;
    if (named && ts.isNamespaceImport(named)) out.set(named.name.text, { module, api });
    if (named && ts.isNamedImports(named)) for (const el of named.elements) if (!el.isTypeOnly) out.set(el.name.text, { module, api, member: (el.propertyName ?? el.name).text });
  }
  return out;
}

/**
 * Side effects used inside a declaration: global `fetch(`, `Date.now()`/`new Date()`,
 * `Math.random()`, `crypto.*`, timers, and calls of functions imported from the side-effect
 * modules (`readFile(` from `node:fs/promises`, `fs.readFileSync(`), with what each returns.
 */
function ambientUses(root: ts.Node, sf: ts.SourceFile, bindings: ReturnType<typeof moduleBindings>, reader: BoundaryReader): AmbientUse[] {
  const out: AmbientUse[] = [];
  const at = (node: ts.Node): number => sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const text = callee.getText(sf);
      const returns = (): DoubleReturn | undefined => reader.returnsOfCall(node);
      const local = ts.isIdentifier(callee) ? bindings.get(text) : ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) ? bindings.get(callee.expression.text) : undefined;
      if (local && (local.member !== undefined || ts.isPropertyAccessExpression(callee))) {
        const member = local.member ?? (callee as ts.PropertyAccessExpression).name.text;
        out.push({ api: local.api, line: at(node), module: local.module, member, ...withReturns(returns()), ...(local.loadBound ? { loadBound: true } : {}) });
      } else if (ts.isIdentifier(callee) && text === 'fetch') out.push({ api: 'fetch', line: at(node), member: 'fetch', ...withReturns(returns()) });
      else if (text === 'Date.now') out.push({ api: 'Date', line: at(node), member: 'now' });
      else if (text === 'Math.random') out.push({ api: 'Math.random', line: at(node), member: 'random' });
      else if (/^(globalThis\.)?crypto\.(randomUUID|getRandomValues|randomBytes|randomInt)$/.test(text)) out.push({ api: 'crypto', line: at(node), member: text.split('.').pop()! });
      else if (/^(setTimeout|setInterval)$/.test(text)) out.push({ api: 'timers', line: at(node), member: text });
    } else if (ts.isNewExpression(node) && node.expression.getText(sf) === 'Date' && (node.arguments?.length ?? 0) === 0) {
      out.push({ api: 'Date', line: at(node), member: 'new Date' });
    }
    ts.forEachChild(node, visit);
  };
  visit(root);
  return out;
}

function withReturns(returns: DoubleReturn | undefined): { returns?: DoubleReturn } {
  return returns === undefined ? {} : { returns };
}

/** Per method of a class, every `x.name(` call inside it (a collaborator's method called there). */
function callSitesOf(decl: ts.ClassDeclaration, sf: ts.SourceFile): Map<string, Array<{ method: string; line: number }>> {
  const out = new Map<string, Array<{ method: string; line: number }>>();
  for (const member of decl.members) {
    if (!ts.isMethodDeclaration(member) || !member.name || !ts.isIdentifier(member.name)) continue;
    const sites: Array<{ method: string; line: number }> = [];
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
        sites.push({ method: node.expression.name.text, line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1 });
      }
      ts.forEachChild(node, visit);
    };
    if (member.body) visit(member.body);
    out.set(member.name.text, sites);
  }
  return out;
}
