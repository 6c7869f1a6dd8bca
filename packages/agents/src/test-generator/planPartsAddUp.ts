import type { ExportedFunction } from '../kit/typescript/extractExports.js';
import { arbitraryCode } from './arbitraryCode.js';

/** A doc comment that promises the returned parts add up to an argument (a split, an allocation). */
const ADDS_UP_DOC = /\b(add|adds|sum|sums)\s+up\s+to\b|\bsums?\s+to\s+the\b|\bsum\s+of\s+the\s+\w+\s+(is|equals)\b/i;
const WHOLE = /total|amount|sum|whole|price|fee|fine|balance|value/i;

/**
 * The conservation property of a function documented to split a number into parts that add up to
 * it (`split(total, n)` returning `number[]`): the sum of the parts equals the argument, within
 * floating-point error. The other numeric parameters are drawn as small positive integers (how
 * many parts), since a split into 2.7 parts is a rejection, not a test. Undefined when the function
 * is not documented so or has no such shape.
 */
export function planPartsAddUp(fn: ExportedFunction): string | undefined {
  const params = fn.params.filter((p) => !p.optional);
  if (fn.returns.kind !== 'array' || fn.returns.element.kind !== 'number' || !ADDS_UP_DOC.test(fn.doc)) return undefined;
  const numeric = params.filter((p) => p.type.kind === 'number');
  const whole = numeric.find((p) => WHOLE.test(p.name)) ?? numeric[0];
  if (whole === undefined || params.some((p) => p.type.kind === 'opaque')) return undefined;
  const at = params.indexOf(whole);
  const arbs = params.map((p) => (p === whole ? arbitraryCode({ kind: 'number' }, 'amount') : p.type.kind === 'number' ? 'fc.integer({ min: 1, max: 12 })' : arbitraryCode(p.type, p.name)));
  const args = params.map((_, i) => `a${i}`);
  return `check(${JSON.stringify(fn.name)}, 'parts-add-up', [${arbs.join(', ')}], (${args.join(', ')}) => {
    // Documented: the parts add up to ${whole.name}.
    const r = guard(() => m.${fn.name}(${args.join(', ')}));
    return r === SKIP || !Array.isArray(r) || near(r.reduce((s: number, x: number) => s + x, 0), a${at});
  });`;
}
