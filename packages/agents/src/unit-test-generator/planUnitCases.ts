import ts from '../kit/typescript/ts.js';
import type { ProbeCase } from '../kit/probe/CaseProbe.js';
import type { ExportedClass, ExportedFunction, MethodShape, ParameterShape, TypeShape } from '../kit/typescript/extractExports.js';
import { findAccumulators } from '../kit/probe/findAccumulators.js';
import { sampleValues } from '../kit/probe/sampleValues.js';
import type { SampleValue } from '../kit/probe/sampleValues.js';
import { escapeRegExp } from '../kit/suite/escapeRegExp.js';

/** What the case was built from: the strategies differ in which origins they generate. */
export type CaseOrigin = 'doc-example' | 'typical' | 'boundary' | 'threshold' | 'sequence';

/** The function or method a case exercises (findings are located at it). */
export interface CaseSubject {
  name: string;
  file: string;
  line: number;
  endLine: number;
  className?: string;
  returns: TypeShape;
  doc: string;
}

/** The expectation a case carries beyond "what the current code does" (the oracles of `judgeOutcome`). */
export type CaseOracle =
  | { kind: 'doc-example'; expected: string }
  | { kind: 'doc-boundary'; constant: string; value: number; side: 'upper' | 'lower' }
  | { kind: 'accumulates'; added: number };

/** A candidate unit test: a probe case plus what the oracles and the test writer need. */
export interface UnitCase extends ProbeCase {
  subject: CaseSubject;
  origin: CaseOrigin;
  title: string;
  /** The arguments of the call under test (the oracles read numbers off them). */
  args: SampleValue[];
  oracle?: CaseOracle;
}

/** Knobs of the planner (from the strategy). */
export interface PlanOptions {
  origins: ReadonlySet<CaseOrigin>;
  /** Most cases per function or method (doc examples and thresholds do not count). */
  maxPerSubject: number;
}

/** Candidate cases for the exported functions (not doing I/O) of the target. */
export function planFunctionCases(functions: readonly ExportedFunction[], options: PlanOptions): UnitCase[] {
  const cases: UnitCase[] = [];
  for (const fn of functions) {
    if (fn.io) continue;
    const subject: CaseSubject = { name: fn.name, file: fn.file, line: fn.line, endLine: fn.endLine, returns: fn.returns, doc: fn.doc };
    const local = fn.name === 'default' ? defaultLocal(fn.file) : fn.name;
    const imports = [{ name: fn.name, local }];
    const call = (args: readonly SampleValue[]): string => `${local}(${args.map((a) => a.code).join(', ')})`;
    const base = { file: fn.file, imports, setup: [] as string[], awaitAct: fn.async, subject };
    let n = 0;
    const add = (c: Omit<UnitCase, 'id' | keyof typeof base>, counts: boolean): void => {
      if (counts && n >= options.maxPerSubject) return;
      if (counts) n += 1;
      cases.push({ ...base, ...c, id: `c${cases.length}` });
    };
    if (options.origins.has('doc-example')) {
      for (const ex of readDocExamples(fn.doc, fn.name, fn.params.length)) {
        add({ origin: 'doc-example', title: `${call(ex.args)} (doc example)`, act: `${local}(${ex.args.map((a) => a.code).join(', ')})`, args: ex.args, oracle: { kind: 'doc-example', expected: ex.expected }, observe: ex.expected }, false);
      }
    }
    const values = fn.params.map((p) => sampleValues(p, fn.thresholds.filter((t) => t.param === p.name).map((t) => t.value)));
    if (values.some((vs, i) => vs.length === 0 && !fn.params[i]!.optional)) continue;
    const typical = values.map((vs) => vs[0]).filter((x): x is SampleValue => x !== undefined);
    if (options.origins.has('threshold')) {
      for (const t of fn.thresholds) {
        const index = fn.params.findIndex((p) => p.name === t.param);
        const side = documentedSide(fn.doc, t.constant);
        const at = (x: number): string => call(typical.map((a, i) => (i === index ? { ...a, code: String(x) } : a)));
        const act = `[${at(t.value - 1)}, ${at(t.value)}, ${at(t.value + 1)}]`;
        add({ origin: 'threshold', title: `${fn.name} around ${t.constant} (${t.value - 1}, ${t.value}, ${t.value + 1})`, act, args: typical, ...(side ? { oracle: { kind: 'doc-boundary', constant: t.constant, value: t.value, side } } : {}) }, false);
      }
    }
    if (options.origins.has('typical')) add({ origin: 'typical', title: call(typical), act: call(typical), args: typical }, true);
    if (options.origins.has('boundary')) {
      for (const tuple of oneAtATime(values, fn.params)) add({ origin: 'boundary', title: call(tuple), act: call(tuple), args: tuple }, true);
    }
  }
  return cases;
}

/** Candidate cases for the exported classes: each method on a fresh instance, and add-then-count sequences. */
export function planClassCases(classes: readonly ExportedClass[], options: PlanOptions): UnitCase[] {
  const cases: UnitCase[] = [];
  for (const cls of classes) {
    if (cls.io || cls.factory === undefined) continue;
    const factory = cls.factory;
    const ctorArgs = factory.params.filter((p) => !p.optional).map((p) => instanceOrValue(p, classes, cls.file));
    if (ctorArgs.some((a) => a === undefined)) continue;
    const needs = new Set([cls.name, ...factory.params.flatMap((p) => (p.type.kind === 'instance' && p.type.file === cls.file ? [p.type.className] : []))]);
    const create = `${factory.kind === 'new' ? `new ${cls.name}` : `${factory.async ? 'await ' : ''}${cls.name}.${factory.name}`}(${ctorArgs.join(', ')})`;
    const queries = cls.methods.filter((m) => m.params.length === 0 && !m.async && m.returns.kind !== 'undefined');
    const base = { file: cls.file, imports: [...needs].map((name) => ({ name, local: name })) };
    for (const method of cls.methods) {
      const subject: CaseSubject = { name: `${cls.name}.${method.name}`, file: cls.file, line: method.line, endLine: method.endLine, className: cls.name, returns: method.returns, doc: '' };
      const values = method.params.map((p) => sampleValues(p));
      if (values.some((vs, i) => vs.length === 0 && !method.params[i]!.optional)) continue;
      const typical = values.map((vs) => vs[0]).filter((x): x is SampleValue => x !== undefined);
      const tuples = [...(options.origins.has('typical') ? [typical] : []), ...(options.origins.has('boundary') ? oneAtATime(values, method.params) : [])].slice(0, options.maxPerSubject);
      for (const tuple of tuples) {
        const call = `instance.${method.name}(${tuple.map((a) => a.code).join(', ')})`;
        // A method returning nothing is observed through the instance's queries after it ran.
        const observeState = method.returns.kind === 'undefined' && queries.length > 0;
        cases.push({
          ...base,
          id: `k${cases.length}`,
          subject,
          origin: tuple === typical ? 'typical' : 'boundary',
          title: `${cls.name}#${method.name}(${tuple.map((a) => a.code).join(', ')})`,
          setup: [`const instance = ${create};`, ...(observeState ? [`${method.async ? 'await ' : ''}${call};`] : [])],
          act: observeState ? `[${queries.map((q) => `instance.${q.name}()`).join(', ')}]` : call,
          awaitAct: !observeState && method.async,
          args: tuple,
        });
      }
    }
    if (options.origins.has('sequence')) cases.push(...accumulationCases(cls, create, base, cases.length));
  }
  return cases;
}

/**
 * A class with `add…(…, quantity)` and a zero-argument numeric `…count()` (kit `findAccumulators`):
 * the same key added twice must raise the count by both quantities.
 */
function accumulationCases(cls: ExportedClass, create: string, base: Pick<UnitCase, 'file' | 'imports'>, offset: number): UnitCase[] {
  return findAccumulators(cls.methods).flatMap(({ adder, amount, counter }, i): UnitCase[] => {
    const args = adder.params.map((p) => sampleValues(p)[0]);
    if (args.some((a) => a === undefined)) return [];
    const withAmount = (q: number): string => (args as SampleValue[]).map((a, k) => (k === amount ? String(q) : a.code)).join(', ');
    const wait = adder.async ? 'await ' : '';
    return [{
      ...base,
      id: `s${offset + i}`,
      subject: { name: `${cls.name}.${adder.name}`, file: cls.file, line: adder.line, endLine: adder.endLine, className: cls.name, returns: adder.returns, doc: '' },
      origin: 'sequence',
      title: `${cls.name}#${adder.name} twice with the same key raises ${counter.name}() by both amounts`,
      setup: [`const instance = ${create};`, `const before = instance.${counter.name}();`, `${wait}instance.${adder.name}(${withAmount(2)});`, `${wait}instance.${adder.name}(${withAmount(3)});`],
      act: `instance.${counter.name}() - before`,
      awaitAct: false,
      args: args as SampleValue[],
      oracle: { kind: 'accumulates', added: 5 },
    }];
  });
}

function instanceOrValue(param: ParameterShape, classes: readonly ExportedClass[], file: string): string | undefined {
  if (param.type.kind === 'instance') {
    const impl = param.type;
    return impl.file === file && classes.some((c) => c.name === impl.className) ? `new ${impl.className}()` : undefined;
  }
  return sampleValues(param)[0]?.code;
}

/** The typical tuple with one parameter at a time set to each of its boundary values. */
function oneAtATime(values: SampleValue[][], params: readonly ParameterShape[]): SampleValue[][] {
  const typical = values.map((vs) => vs[0]!);
  const tuples: SampleValue[][] = [];
  values.forEach((vs, i) => {
    for (const value of vs.slice(1)) tuples.push(typical.map((t, k) => (k === i ? value : t)));
  });
  // A call without its trailing optional parameters reaches their defaults.
  const required = params.findIndex((p) => p.optional);
  if (required >= 0 && required < typical.length) tuples.push(typical.slice(0, required));
  return tuples;
}

function defaultLocal(file: string): string {
  const base = file.split('/').pop()!.replace(/\.[cm]?[jt]sx?$/, '');
  const name = (base === 'index' ? (file.split('/').slice(-2, -1)[0] ?? 'subject') : base).replace(/[^A-Za-z0-9_$]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase());
  return /^[A-Za-z_$]/.test(name) ? name : `_${name}`;
}

const WORDS = /"([^"\n]{0,80})"\s+(?:becomes|gives|returns|yields|→|->|=>)\s+"([^"\n]{0,80})"/g;

/**
 * Examples in a doc comment: `"X" becomes "Y"` (one-parameter functions) and code lines
 * `name(args) // => value`, `name(args) === value`, `name(args); //=> value`. Each must parse.
 */
export function readDocExamples(doc: string, name: string, arity: number): Array<{ args: SampleValue[]; expected: string }> {
  const out: Array<{ args: SampleValue[]; expected: string }> = [];
  const arg = (code: string): SampleValue => ({ code, role: 'typical', finite: true, nonNegative: true });
  if (arity === 1) for (const m of doc.matchAll(WORDS)) out.push({ args: [arg(JSON.stringify(m[1]))], expected: JSON.stringify(m[2]) });
  const escaped = name.replace(/[$]/g, '\\$');
  const line = new RegExp(`(?:^|[\\s(=])${escaped}\\((.*)\\)\\s*;?\\s*(?://\\s*=?>|===|//\\s*(?:returns|→))\\s*(.+?)\\s*;?\\s*$`, 'gm');
  for (const m of doc.matchAll(line)) {
    const args = m[1] ?? '';
    const expected = (m[2] ?? '').replace(/\s*\/\/.*$/, '');
    if (!parses(`f(${args})`) || !parses(`(${expected})`) || expected === '') continue;
    out.push({ args: [arg(args)], expected });
  }
  return out;
}

function parses(code: string): boolean {
  const sf = ts.createSourceFile('x.js', code, ts.ScriptTarget.ES2022, false, ts.ScriptKind.JS);
  return ((sf as unknown as { parseDiagnostics?: unknown[] }).parseDiagnostics ?? []).length === 0 && sf.statements.length === 1;
}

/** Which side of a named bound the doc puts the bound itself on: "from C on" / "at least C" → upper. */
function documentedSide(doc: string, constant: string): 'upper' | 'lower' | undefined {
  const c = escapeRegExp(constant);
  if (new RegExp(`\\bfrom\\s+${c}\\b[^.;]{0,30}\\bon\\b|\\bat least\\s+${c}\\b|\\b${c}\\s+or more\\b|>=\\s*${c}\\b`, 'i').test(doc)) return 'upper';
  if (new RegExp(`\\b(?:above|more than|over|beyond)\\s+${c}\\b|>\\s*${c}\\b`, 'i').test(doc)) return 'lower';
  return undefined;
}

export type { MethodShape };
