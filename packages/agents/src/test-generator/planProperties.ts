import type { ExportedClass, ExportedFunction, ParameterShape, TypeShape } from '../kit/typescript/extractExports.js';
import { arbitraryCode, COUNT, moduleAlias, MONEY, QUANTITY } from './arbitraryCode.js';
import { planPartsAddUp } from './planPartsAddUp.js';

/** How strong the oracles of the generated tests are; each level includes the ones before. */
export type OracleLevel = 'smoke' | 'invariants' | 'metamorphic';

/** What a property tests: an exported function, or a class method (`Cart.addItem`). */
export type PropertySubject = Pick<ExportedFunction, 'name' | 'file' | 'line' | 'endLine'>;

/** One generated property test. */
export interface PlannedProperty {
  fn: PropertySubject;
  /** Oracle name, e.g. `no-crash`, `idempotent`, `sum-of-lines`. */
  oracle: string;
  level: OracleLevel;
  /** `node:test` test body (TypeScript) using `fc`, `check` and the module namespace `m`. */
  code: string;
}

const LEVELS: Record<OracleLevel, number> = { smoke: 0, invariants: 1, metamorphic: 2 };
const NON_NEGATIVE_RESULT = /price|total|amount|cost|subtotal|sum|fee|tax|discount|count|quantity|length|size/i;
const SIGNED_RESULT = /delta|diff|change|offset|adjust|balance|profit|net/i;
const IDEMPOTENT = /slug|normali[sz]e|sanitiz|trim|clean|canonical|dedupe|unique|compact|sort|lower|upper|collapse|strip|squash|tidy/i;
/** A doc comment that says applying the function again changes nothing. */
const IDEMPOTENT_DOC = /idempotent|canonical form|normali[sz]ed form|(formatting|normali[sz]ing|applying)[^.]*\b(again|twice|formatted|normali[sz]ed)\b[^.]*\bchanges nothing/i;
const MERGE = /merge|assign|extend|combine|defaults/i;
const AGGREGATE = /total|sum|count/i;
/** `"input" becomes "output"`, `'in' → 'out'`, `f("in") === "out"` and the like in a doc comment. */
const QUOTED = String.raw`("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|-?\d+(?:\.\d+)?)`;
const DOC_EXAMPLES = [
  new RegExp(`${QUOTED}\\s*(?:becomes|turns into|gives|yields|maps to|→|->|=>)\\s*${QUOTED}`, 'g'),
  new RegExp(`\\w+\\(${QUOTED}\\)\\s*(?:===?|returns|→|->|=>|//\\s*=>)\\s*${QUOTED}`, 'g'),
];

/** Input/output pairs a unary function's doc comment states (see DOC_EXAMPLES). */
export function docExamples(doc: string): Array<[unknown, unknown]> {
  const out: Array<[unknown, unknown]> = [];
  for (const pattern of DOC_EXAMPLES) {
    for (const match of doc.matchAll(pattern)) {
      const input = literal(match[1]);
      const output = literal(match[2]);
      if (input !== undefined && output !== undefined) out.push([input, output]);
    }
  }
  return out;
}

function literal(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  if (/^-?\d/.test(text)) return Number(text);
  try {
    return JSON.parse(text.startsWith("'") ? `"${text.slice(1, -1).replaceAll('"', '\\"')}"` : text) as unknown;
  } catch {
    return undefined;
  }
}

const ROUND_TRIPS: Array<[RegExp, RegExp]> = [
  [/^encode(.*)$/, /^decode(.*)$/],
  [/^serialize(.*)$/, /^deserialize(.*)$/],
  [/^stringify(.*)$/, /^parse(.*)$/],
  [/^format(.*)$/, /^parse(.*)$/],
  [/^compress(.*)$/, /^decompress(.*)$/],
  [/^escape(.*)$/, /^unescape(.*)$/],
  [/^pack(.*)$/, /^unpack(.*)$/],
  [/^to(.*)$/, /^from(.*)$/],
];

const MUTATOR = /^(add|increase|increment|deposit|credit|push|append|insert|put)/i;
const COUNTER = /count|quantity|units|size|length/i;

/**
 * Stateful properties of exported classes: when a class has an `add…` method taking a quantity and
 * a `…count()` method, the count after any sequence of adds must grow by exactly the quantities
 * added (adding the same key twice included: keys are drawn from a tiny set so repeats happen).
 */
export function planClassProperties(classes: ExportedClass[], level: OracleLevel): PlannedProperty[] {
  if (LEVELS[level] < LEVELS.invariants) return [];
  const out: PlannedProperty[] = [];
  for (const cls of classes) {
    const factory = cls.factory;
    const counter = cls.methods.find((m) => m.params.length === 0 && !m.async && m.returns.kind === 'number' && COUNTER.test(m.name));
    if (!factory || !counter || factory.params.some((p) => !p.optional && p.type.kind === 'opaque')) continue;
    const made = factory.params.filter((p) => !p.optional);
    const alias = moduleAlias(cls.file);
    // Collaborators are built inside the property, so every run starts from a fresh one.
    const generated = made.filter((p) => p.type.kind !== 'instance');
    const factoryArgs = made.map((p) => (p.type.kind === 'instance' ? `new ${moduleAlias(p.type.file)}.${p.type.className}()` : `f${generated.indexOf(p)}`));
    const create = factory.kind === 'new' ? `new ${alias}.${cls.name}(${factoryArgs.join(', ')})` : `${factory.async ? 'await ' : ''}${alias}.${cls.name}.${factory.name}(${factoryArgs.join(', ')})`;
    for (const mutator of cls.methods.filter((m) => MUTATOR.test(m.name))) {
      const params = mutator.params.filter((p) => !p.optional);
      const quantity = params.findIndex((p) => p.type.kind === 'number' && QUANTITY.test(p.name));
      if (quantity < 0 || params.some((p) => p.type.kind === 'opaque')) continue;
      const callArbs = params.map((p) => (p.type.kind === 'string' ? "fc.constantFrom('a', 'b')" : arbitraryCode(p.type, p.name)));
      const args = params.map((_, i) => `c${i}`);
      const arbs = [...generated.map((p) => arbitraryCode(p.type, p.name)), `fc.array(fc.tuple(${callArbs.join(', ')}), { maxLength: 6 })`];
      const name = `${cls.name}.${mutator.name}`;
      const code = `checkAsync(${JSON.stringify(name)}, 'add-accumulates', [${arbs.join(', ')}], async (${[...generated.map((_, i) => `f${i}`), 'calls'].join(', ')}) => {
    const obj = ${create};
    let expected = obj.${counter.name}();
    for (const [${args.join(', ')}] of calls) {
      const r = await guardAsync(async () => obj.${mutator.name}(${args.join(', ')}));
      if (r !== SKIP) expected += c${quantity};
    }
    return near(obj.${counter.name}(), expected);
  });`;
      out.push({ fn: { name, file: cls.file, line: mutator.line, endLine: mutator.endLine }, oracle: 'add-accumulates', level: 'invariants', code });
    }
  }
  return out;
}

/** The parameters a test passes: required ones always, optional ones left out (their defaults). */
function requiredParams(fn: ExportedFunction): ParameterShape[] {
  return fn.params.filter((p) => !p.optional);
}

function isObjectLike(shape: TypeShape): boolean {
  return shape.kind === 'object' || shape.kind === 'record' || shape.kind === 'json';
}

function sameKind(a: TypeShape, b: TypeShape): boolean {
  return a.kind === b.kind && (a.kind !== 'array' || b.kind !== 'array' || a.element.kind === b.element.kind);
}

/** Name of the numeric "unit price" and "quantity" fields of a line-item shape, if it has them. */
function lineFields(shape: TypeShape): { price: string; quantity?: string } | undefined {
  if (shape.kind !== 'object') return undefined;
  const numeric = shape.properties.filter((p) => p.type.kind === 'number' && !p.optional).map((p) => p.name);
  const price = numeric.find((n) => /^(unit)?price$|^amount$|^unitPrice$/i.test(n));
  if (!price) return undefined;
  const quantity = numeric.find((n) => QUANTITY.test(n));
  return quantity ? { price, quantity } : { price };
}

function property(fn: ExportedFunction, params: ParameterShape[], body: string, oracle: string): string {
  const args = params.map((p, i) => `a${i}`);
  const arbs = params.map((p) => arbitraryCode(p.type, p.name));
  return `check(${JSON.stringify(fn.name)}, ${JSON.stringify(oracle)}, [${arbs.join(', ')}], (${args.join(', ')}) => {\n${body}\n  });`;
}

/**
 * Chooses the oracles that apply to each pure function (from its types and its name) and writes
 * their property tests, up to `level`.
 */
export function planProperties(functions: ExportedFunction[], level: OracleLevel): PlannedProperty[] {
  const out: PlannedProperty[] = [];
  const max = LEVELS[level];
  const add = (fn: ExportedFunction, oracle: string, l: OracleLevel, code: string): void => {
    if (LEVELS[l] <= max) out.push({ fn, oracle, level: l, code });
  };
  // Without a required parameter there is nothing to generate: one call is not a property.
  const pure = functions.filter((f) => f.pure && requiredParams(f).length > 0);
  for (const fn of pure) {
    const params = requiredParams(fn);
    const call = `m.${fn.name}(${params.map((_, i) => `a${i}`).join(', ')})`;
    const first = params[0];
    add(fn, 'no-crash', 'smoke', property(fn, params, `    call(() => ${call});\n    return true;`, 'no-crash'));

    if (first && params.length === 1) {
      const examples = docExamples(fn.doc).filter(([input]) => typeof input === (first.type.kind === 'number' ? 'number' : 'string'));
      if (examples.length > 0 && (first.type.kind === 'string' || first.type.kind === 'number')) {
        const cases = `fc.constantFrom(...${JSON.stringify(examples)} as Array<[${first.type.kind}, unknown]>)`;
        add(fn, 'doc-example', 'invariants', `check(${JSON.stringify(fn.name)}, 'doc-example', [${cases}], ([input, expected]) => {\n    assert.deepStrictEqual(m.${fn.name}(input), expected);\n  });`);
      }
    }

    if (first && params.length === 1 && first.type.kind === 'number' && (QUANTITY.test(first.name) || COUNT.test(first.name))) {
      for (const t of fn.thresholds.filter((x) => x.param === first.name)) {
        // The doc says on which side of the constant the bound falls; the code must agree at the bound.
        const inclusive = new RegExp(`from\\s+${t.constant}\\b[^.;]*?\\bon\\b|at least\\s+${t.constant}\\b|\\b${t.constant}\\s+or more`).test(fn.doc);
        const exclusive = new RegExp(`(above|more than|over|beyond)\\s+${t.constant}\\b`).test(fn.doc);
        if (inclusive === exclusive) continue;
        const [inside, label] = inclusive ? [`${t.value} + 1`, `from ${t.constant} on`] : [`${t.value} - 1`, `above ${t.constant}`];
        add(fn, 'doc-boundary', 'invariants', `check(${JSON.stringify(fn.name)}, 'doc-boundary', [fc.constant(${t.value})], (bound) => {\n    // Documented: ${label} (${t.constant} = ${t.value}); the bound must behave like its ${inclusive ? 'right' : 'left'} neighbour.\n    assert.deepStrictEqual(m.${fn.name}(bound), m.${fn.name}(${inside}));\n  });`);
      }
    }

    if (first && params.length === 1 && first.type.kind === 'number' && fn.returns.kind === 'number' && /round/i.test(fn.name) && (MONEY.test(first.name) || /money|price|cents|currency/i.test(fn.name))) {
      // Money is generated at cent precision, so rounding to cents must leave it as it is.
      add(fn, 'round-fixpoint', 'invariants', property(fn, params, `    const r = guard(() => ${call});\n    return r === SKIP || Math.abs(r - a0) < 1e-9;`, 'round-fixpoint'));
    }

    const stringAt = params.findIndex((p) => p.type.kind === 'string');
    if (fn.returns.kind === 'string' && stringAt >= 0) {
      // Text in, text out: a well-formed input (astral characters included) must not come out
      // with a lone surrogate (cutting or reversing in UTF-16 code units).
      const arbs = params.map((p, i) => (i === stringAt ? "fc.string({ unit: 'grapheme', maxLength: 12 })" : arbitraryCode(p.type, p.name)));
      const args = params.map((_, i) => `a${i}`);
      add(fn, 'well-formed', 'invariants', `check(${JSON.stringify(fn.name)}, 'well-formed', [${arbs.join(', ')}], (${args.join(', ')}) => {\n    const r = guard(() => ${call});\n    return r === SKIP || typeof r !== 'string' || !wellFormed(a${stringAt}) || wellFormed(r);\n  });`);
    }

    if (fn.returns.kind === 'number') {
      add(fn, 'not-nan', 'invariants', property(fn, params, `    const r = guard(() => ${call});\n    return r === SKIP || !Number.isNaN(r);`, 'not-nan'));
      if (NON_NEGATIVE_RESULT.test(fn.name) && !SIGNED_RESULT.test(fn.name)) {
        add(
          fn,
          'non-negative',
          'invariants',
          property(fn, params, `    if (hasNegative([${params.map((_, i) => `a${i}`).join(', ')}])) return true;\n    const r = guard(() => ${call});\n    return r === SKIP || r >= 0;`, 'non-negative'),
        );
      }
      if (/discount/i.test(fn.name) && first?.type.kind === 'number' && MONEY.test(first.name)) {
        add(fn, 'discount-not-above-price', 'invariants', property(fn, params, `    const r = guard(() => ${call});\n    return r === SKIP || r <= a0 + 1e-9;`, 'discount-not-above-price'));
      }
    }

    const partsAddUp = planPartsAddUp(fn);
    if (partsAddUp !== undefined) add(fn, 'parts-add-up', 'invariants', partsAddUp);

    if (first && params.length === 1 && sameKind(first.type, fn.returns) && (first.type.kind === 'string' || first.type.kind === 'array') && (IDEMPOTENT.test(fn.name) || IDEMPOTENT_DOC.test(fn.doc))) {
      add(fn, 'idempotent', 'invariants', property(fn, params, `    const once = guard(() => m.${fn.name}(a0));\n    if (once === SKIP) return true;\n    assert.deepStrictEqual(m.${fn.name}(once), once);\n    return true;`, 'idempotent'));
    }

    if (fn.returns.kind === 'number' && AGGREGATE.test(fn.name) && params.length === 1 && first) {
      const single = lineFields(first.type);
      const many = first.type.kind === 'array' ? lineFields(first.type.element) : undefined;
      const lineExpr = (f: { price: string; quantity?: string }, v: string): string =>
        f.quantity ? `${v}[${JSON.stringify(f.price)}] * ${v}[${JSON.stringify(f.quantity)}]` : `${v}[${JSON.stringify(f.price)}]`;
      if (single) {
        add(fn, 'line-total', 'invariants', property(fn, params, `    const r = guard(() => ${call});\n    return r === SKIP || near(r, ${lineExpr(single, 'a0')});`, 'line-total'));
      }
      if (many) {
        add(fn, 'sum-of-lines', 'invariants', property(fn, params, `    const r = guard(() => ${call});\n    return r === SKIP || near(r, a0.reduce((s, l) => s + ${lineExpr(many, 'l')}, 0));`, 'sum-of-lines'));
      }
      if (first.type.kind === 'array') {
        const two = [first, first];
        add(fn, 'additive', 'metamorphic', property(fn, two, `    const x = guard(() => m.${fn.name}(a0));\n    const y = guard(() => m.${fn.name}(a1));\n    const xy = guard(() => m.${fn.name}([...a0, ...a1]));\n    return x === SKIP || y === SKIP || xy === SKIP || near(xy, x + y);`, 'additive'));
        add(fn, 'order-independent', 'metamorphic', property(fn, params, `    const r = guard(() => ${call});\n    return r === SKIP || near(m.${fn.name}([...a0].reverse()), r);`, 'order-independent'));
      }
    }

    const objectParams = params.filter((p) => isObjectLike(p.type));
    if (MERGE.test(fn.name) && objectParams.length >= 2 && params.length === objectParams.length && isObjectLike(fn.returns)) {
      add(
        fn,
        'keeps-keys',
        'invariants',
        property(fn, params, `    const r = guard(() => ${call});\n    if (r === SKIP || typeof r !== 'object' || r === null) return true;\n    return [${params.map((_, i) => `a${i}`).join(', ')}].every((o) => o === null || typeof o !== 'object' || Object.keys(o).every((k) => Object.hasOwn(r, k)));`, 'keeps-keys'),
      );
    }

    if (first && params.length === 1 && first.type.kind === 'array' && fn.returns.kind === 'array' && /dedupe|unique|distinct/i.test(fn.name)) {
      add(fn, 'no-duplicates-no-loss', 'metamorphic', property(fn, params, `    const r = guard(() => ${call});\n    if (r === SKIP) return true;\n    const keys = r.map((x) => JSON.stringify(x));\n    return new Set(keys).size === keys.length && a0.every((x) => keys.includes(JSON.stringify(x)));`, 'no-duplicates-no-loss'));
    }
  }

  for (const f of pure) {
    for (const g of pure) {
      if (f === g || f.file !== g.file) continue;
      const pair = ROUND_TRIPS.find(([fr, gr]) => {
        const a = fr.exec(f.name);
        const b = gr.exec(g.name);
        return !!a && !!b && a[1] === b[1];
      });
      const fp = requiredParams(f);
      const gp = requiredParams(g);
      if (!pair || fp.length !== 1 || gp.length !== 1 || !fp[0] || !gp[0]) continue;
      if (!sameKind(f.returns, gp[0].type) || !sameKind(g.returns, fp[0].type)) continue;
      // Reported on g, the function that claims to read back what f writes: f's output is the
      // specification g must accept (and f's own examples and oracles judge f).
      const roundTrip = property(f, fp, `    const encoded = guard(() => m.${f.name}(a0));\n    if (encoded === SKIP) return true;\n    assert.deepStrictEqual(m.${g.name}(encoded), a0);\n    return true;`, `round-trip:${f.name}`).replace(`check(${JSON.stringify(f.name)},`, `check(${JSON.stringify(g.name)},`);
      add(g, `round-trip:${f.name}`, 'invariants', roundTrip);
    }
  }
  return out;
}

/**
 * The helpers every generated test file imports (`check`, `guard`, `call`...), as TypeScript.
 * `check` runs the property with a fixed seed and prints one `QE_RESULT` line (base64url JSON) the agent reads,
 * then fails the test with the shrunk counter-example, so the file is also a plain runnable test.
 */
export function harnessSource(): string {
  return `import assert from 'node:assert/strict';
import fc from 'fast-check';

export const SKIP = Symbol('skip');
const NUM_RUNS = Number(process.env.QE_NUM_RUNS ?? 100);
const SEED = Number(process.env.QE_SEED ?? 42);

/**
 * A crash (a bug) as opposed to a deliberate rejection of the input. A TypeError counts as a
 * crash when the engine raised it (reading a property of undefined, calling a non-function…);
 * one the code threw itself (throw new TypeError('Expected a number'), common in JavaScript
 * libraries that validate untyped arguments) is a rejection.
 */
const ENGINE_TYPE_ERROR = /^Cannot (read|set) propert|^Cannot (destructure|convert|access|create property|assign to read only|mix BigInt)|is not (a function|iterable|a constructor|an object|defined)|^Reduce of empty array|^Converting circular structure|^Do not know how to serialize a BigInt|^Invalid time value|called on (null or undefined|incompatible)|^Right-hand side of 'instanceof'|^Class constructor .* cannot be invoked/;
function isCrash(e: unknown): boolean {
  // An error raised inside code the function compiled from its input (eval, new Function) is the
  // input's own error (an expression naming an unknown variable), not a crash of the function.
  if (e instanceof Error && /^\\s*at .*\\(eval at /m.test((e.stack ?? '').split('\\n').find((l) => /^\\s*at /.test(l)) ?? '')) return false;
  return (e instanceof TypeError && ENGINE_TYPE_ERROR.test(e.message)) || e instanceof ReferenceError || (e instanceof RangeError && /call stack|Invalid (array|string) length/.test(e.message));
}

/** Runs f; a deliberate rejection (not a crash) becomes SKIP. */
export function guard<T>(f: () => T): T | typeof SKIP {
  try {
    return f();
  } catch (e) {
    if (isCrash(e)) throw e;
    return SKIP;
  }
}

/** Async guard: a deliberate rejection (not a crash) becomes SKIP. */
export async function guardAsync<T>(f: () => Promise<T>): Promise<T | typeof SKIP> {
  try {
    return await f();
  } catch (e) {
    if (isCrash(e)) throw e;
    return SKIP;
  }
}

/** Runs f for its effect only (no-crash oracle). */
export function call(f: () => unknown): void {
  guard(f);
}

/** No lone surrogate (String#isWellFormed, which older libs do not declare). */
export function wellFormed(s: unknown): boolean {
  return typeof s !== 'string' || !/[\\uD800-\\uDBFF](?![\\uDC00-\\uDFFF])|(?<![\\uD800-\\uDBFF])[\\uDC00-\\uDFFF]/.test(s);
}

export function near(a: unknown, b: number): boolean {
  return typeof a === 'number' && Math.abs(a - b) <= 1e-6 + 1e-9 * Math.abs(b);
}

export function hasNegative(v: unknown): boolean {
  if (typeof v === 'number') return v < 0;
  if (Array.isArray(v)) return v.some(hasNegative);
  if (v && typeof v === 'object') return Object.values(v).some(hasNegative);
  return false;
}

export function check<Ts extends unknown[]>(fn: string, oracle: string, arbs: { [K in keyof Ts]: fc.Arbitrary<Ts[K]> }, predicate: (...args: Ts) => boolean | void): void {
  report(fn, oracle, fc.check(fc.property(...(arbs as unknown as [fc.Arbitrary<unknown>]), predicate as unknown as (a: unknown) => boolean), { numRuns: NUM_RUNS, seed: SEED }));
}

export async function checkAsync<Ts extends unknown[]>(fn: string, oracle: string, arbs: { [K in keyof Ts]: fc.Arbitrary<Ts[K]> }, predicate: (...args: Ts) => Promise<boolean | void>): Promise<void> {
  report(fn, oracle, await fc.check(fc.asyncProperty(...(arbs as unknown as [fc.Arbitrary<unknown>]), predicate as unknown as (a: unknown) => Promise<boolean>), { numRuns: NUM_RUNS, seed: SEED }));
}

function report(fn: string, oracle: string, details: fc.RunDetails<unknown>): void {
  const error = details.errorInstance instanceof Error ? details.errorInstance.constructor.name + ': ' + details.errorInstance.message.split('\\n')[0] : details.errorInstance == null ? null : String(details.errorInstance);
  const result = { fn, oracle, failed: details.failed, numRuns: details.numRuns, counterexample: details.counterexample ? fc.stringify(details.counterexample) : null, shrinks: details.numShrinks, error };
  // base64url: test reporters escape comment text, this survives any of them.
  console.log('QE_RESULT ' + Buffer.from(JSON.stringify(result)).toString('base64url'));
  if (details.failed) assert.fail(fn + ' violates ' + oracle + ' for ' + result.counterexample + (error ? ' (' + error + ')' : ''));
}

/** Structural equality as the project's own assertions mean it (toEqual / deepEqual): undefined properties ignored. */
function looseEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  if (a instanceof Map || a instanceof Set || b instanceof Map || b instanceof Set) return looseEqual([...(a as Iterable<unknown>)], [...(b as Iterable<unknown>)]);
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => looseEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

function show(v: unknown): string {
  try {
    return fc.stringify(v);
  } catch {
    return String(v);
  }
}

/** One stated example: its code, where it is stated, and the value (or the throw) stated. */
export interface StatedExample {
  where: string;
  text: string;
  kind: 'equal' | 'throws';
  expected?: unknown;
  run: () => unknown;
}

/**
 * Runs every stated example and reports the first one the code disagrees with (a different value,
 * a throw where a value was stated, no throw where one was). Promise results are not judged.
 */
export async function checkExamples(fn: string, oracle: string, cases: StatedExample[]): Promise<void> {
  let ran = 0;
  let failure: { counterexample: string; error: string } | undefined;
  for (const c of cases) {
    let actual: unknown;
    let threw: unknown;
    let didThrow = false;
    try {
      actual = c.run();
    } catch (e) {
      threw = e;
      didThrow = true;
    }
    if (!didThrow && actual !== null && typeof actual === 'object' && typeof (actual as { then?: unknown }).then === 'function') continue;
    ran++;
    if (c.kind === 'throws') {
      if (!didThrow) failure = { counterexample: c.text + ' (' + c.where + ')', error: 'stated to throw, returned ' + show(actual) };
    } else if (didThrow) {
      failure = { counterexample: c.text + ' (' + c.where + ')', error: 'stated to return ' + show(c.expected) + ', threw ' + (threw instanceof Error ? threw.constructor.name + ': ' + threw.message.split('\\n')[0] : String(threw)) };
    } else if (!looseEqual(actual, c.expected)) {
      failure = { counterexample: c.text + ' (' + c.where + ')', error: 'stated to return ' + show(c.expected) + ', returned ' + show(actual) };
    }
    if (failure) break;
  }
  const result = { fn, oracle, failed: failure !== undefined, numRuns: ran, counterexample: failure?.counterexample ?? null, shrinks: 0, error: failure?.error ?? null };
  console.log('QE_RESULT ' + Buffer.from(JSON.stringify(result)).toString('base64url'));
  if (failure) assert.fail(fn + ' disagrees with ' + failure.counterexample + ': ' + failure.error);
}

export { assert, fc };
`;
}

/**
 * Ambient declarations of the few Node APIs the generated tests use, so they type-check without
 * `@types/node` being installed anywhere near the target.
 */
export function nodeShimSource(): string {
  return `declare module 'node:test' {
  export function test(name: string, fn: () => void | Promise<void>): void;
}
declare module 'node:assert/strict' {
  const assert: { deepStrictEqual(actual: unknown, expected: unknown): void; fail(message: string): never };
  export default assert;
}
declare const process: { env: Record<string, string | undefined> };
declare const console: { log(...args: unknown[]): void };
declare const Buffer: { from(text: string): { toString(encoding: 'base64url'): string } };
declare const AbortSignal: { timeout(ms: number): unknown };
declare function fetch(
  url: string,
  init?: { method?: string; redirect?: string; signal?: unknown; body?: string; headers?: Record<string, string> },
): Promise<{ status: number; text(): Promise<string>; headers: { get(name: string): string | null } }>;
`;
}
