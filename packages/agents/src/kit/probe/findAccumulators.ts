import type { MethodShape } from '../typescript/extractExports.js';

/** An `add…(…, quantity)` method and the zero-argument numeric counter it should raise. */
export interface Accumulator {
  adder: MethodShape;
  /** Index of the amount parameter of `adder`. */
  amount: number;
  counter: MethodShape;
}

const ADDER = /^(add|push|insert|put|increase|increment|deposit)/i;
const AMOUNT = /quant|qty|count|amount|units|number|^n$/i;
const COUNTER = /count|size|total|length|quantit/i;

/**
 * The add-then-count pairs of a class's methods: an adder with a numeric amount parameter and a
 * synchronous numeric counter without parameters. Adding the same key twice must raise the counter
 * by both amounts (a repeat neither replaces nor drops the first): the invariant generators check.
 */
export function findAccumulators(methods: readonly MethodShape[]): Accumulator[] {
  const counter = methods.find((m) => m.params.length === 0 && !m.async && m.returns.kind === 'number' && COUNTER.test(m.name));
  if (!counter) return [];
  return methods.flatMap((adder) => {
    const amount = adder.params.findIndex((p) => AMOUNT.test(p.name) && p.type.kind === 'number');
    return ADDER.test(adder.name) && amount >= 0 ? [{ adder, amount, counter }] : [];
  });
}
