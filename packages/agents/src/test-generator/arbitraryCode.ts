import type { TypeShape } from '../kit/typescript/extractExports.js';

/** Parameter and property names that hold money, counts, quantities and percentages. */
export const MONEY = /price|amount|cost|total|subtotal|fee|tax|balance|cents|value/i;
export const COUNT = /^(n|count|qty|quantity|size|length|limit|page|pageSize|per|index|offset|times|max|min|depth|level)$/i;
export const QUANTITY = /qty|quantity|count|units/i;
const PERCENT = /percent|pct|rate|ratio|discount/i;
/** An untyped parameter named like an options bag: an object or nothing, never null or an array. */
const OPTIONS = /^(opts|options|config|settings)$/i;

function singular(name: string): string {
  return name.replace(/(ies)$/, 'y').replace(/s$/, '');
}

/** fast-check arbitrary (as code) for a value of `shape`; `name` (parameter/property) narrows numbers. */
export function arbitraryCode(shape: TypeShape, name: string): string {
  switch (shape.kind) {
    case 'string':
      if (/email/i.test(name)) return 'fc.emailAddress()';
      if (/url|href|link/i.test(name)) return 'fc.webUrl()';
      return 'fc.string({ maxLength: 24 })';
    case 'number':
      if (QUANTITY.test(name) || COUNT.test(name)) return 'fc.integer({ min: 0, max: 50 })';
      if (PERCENT.test(name)) return 'fc.integer({ min: 0, max: 100 })';
      // Up to ten million: formats change at thousands and millions separators.
      if (MONEY.test(name)) return 'fc.integer({ min: 0, max: 1_000_000_000 }).map((c) => c / 100)';
      return 'fc.double({ min: -1e6, max: 1e6, noNaN: true })';
    case 'boolean':
      return 'fc.boolean()';
    case 'null':
      return 'fc.constant(null)';
    case 'undefined':
      return 'fc.constant(undefined)';
    case 'date':
      return 'fc.date({ min: new Date(0), max: new Date(4102444800000), noInvalidDate: true })';
    case 'literal':
      return `fc.constant(${JSON.stringify(shape.value)})`;
    case 'union': {
      const usable = shape.options.filter((o) => o.kind !== 'opaque');
      if (usable.every((o) => o.kind === 'literal')) {
        return `fc.constantFrom(${usable.map((o) => JSON.stringify(o.kind === 'literal' ? o.value : null)).join(', ')})`;
      }
      return `fc.oneof(${usable.map((o) => arbitraryCode(o, name)).join(', ')})`;
    }
    case 'array':
      return `fc.array(${arbitraryCode(shape.element, singular(name))}, { maxLength: 12 })`;
    case 'tuple':
      return `fc.tuple(${shape.elements.map((e, i) => arbitraryCode(e, `${name}${i}`)).join(', ')})`;
    case 'object': {
      const fields = shape.properties.map((p) => `${JSON.stringify(p.name)}: ${arbitraryCode(p.type, p.name)}`);
      const required = shape.properties.filter((p) => !p.optional).map((p) => JSON.stringify(p.name));
      return `fc.record({ ${fields.join(', ')} }, { requiredKeys: [${required.join(', ')}], noNullPrototype: true })`;
    }
    case 'record':
      return `fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), ${arbitraryCode(shape.value, name)}, { maxKeys: 6, noNullPrototype: true })`;
    case 'json':
      // An untyped `options` that gets null or an array crashes without a defect (qs `parse([], [])`, micromatch `isMatch('', ' ', null)`).
      if (shape.untyped === true && OPTIONS.test(name)) return 'fc.option(fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3, noNullPrototype: true }), { nil: undefined })';
      return 'fc.jsonValue({ maxDepth: 2 })';
    case 'typeParam':
      return 'fc.integer({ min: 0, max: 20 })';
    case 'function':
      return `fc.func(${arbitraryCode(shape.returns, name)})`;
    case 'instance':
      return `fc.constant(null).map(() => new ${moduleAlias(shape.file)}.${shape.className}())`;
    case 'opaque':
      return 'fc.constant(undefined)';
  }
}

/** Import alias of a target module in generated tests (`src/cart.ts` → `M_src_cart_ts`). */
export function moduleAlias(file: string): string {
  return `M_${file.replace(/[^A-Za-z0-9]/g, '_')}`;
}
