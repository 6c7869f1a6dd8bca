import type { ExportedFunction, TypeShape } from '../kit/typescript/extractExports.js';
import { arbitraryCode, COUNT, MONEY, QUANTITY } from './arbitraryCode.js';
import { docExamples } from './docExamples.js';
import { planPartsAddUp } from './planPartsAddUp.js';
import { planRoundTrips } from './planRoundTrips.js';
import { LEVELS, property, requiredParams, sameKind } from './plannedProperty.js';
import type { OracleLevel, PlannedProperty } from './plannedProperty.js';

const NON_NEGATIVE_RESULT = /price|total|amount|cost|subtotal|sum|fee|tax|discount|count|quantity|length|size/i;
const SIGNED_RESULT = /delta|diff|change|offset|adjust|balance|profit|net/i;
const IDEMPOTENT = /slug|normali[sz]e|sanitiz|trim|clean|canonical|dedupe|unique|compact|sort|lower|upper|collapse|strip|squash|tidy/i;
/** A doc comment that says applying the function again changes nothing. */
const IDEMPOTENT_DOC = /idempotent|canonical form|normali[sz]ed form|(formatting|normali[sz]ing|applying)[^.]*\b(again|twice|formatted|normali[sz]ed)\b[^.]*\bchanges nothing/i;
const MERGE = /merge|assign|extend|combine|defaults/i;
const AGGREGATE = /total|sum|count/i;
function isObjectLike(shape: TypeShape): boolean {
  return shape.kind === 'object' || shape.kind === 'record' || shape.kind === 'json';
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

  for (const p of planRoundTrips(pure)) if (LEVELS[p.level] <= max) out.push(p);
  return out;
}

