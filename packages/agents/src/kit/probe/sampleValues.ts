import type { ParameterShape, TypeShape } from '../typescript/extractExports.js';

/** A value as source code (JavaScript that is also TypeScript) and what it is, for test names and oracles. */
export interface SampleValue {
  code: string;
  /** `typical` values build the base call; the others are varied one parameter at a time. */
  role: 'typical' | 'boundary';
  /** The value is a finite number, or holds no non-finite number (oracles that need "valid" inputs read it). */
  finite: boolean;
  /** A non-negative number (or holds only non-negative numbers). */
  nonNegative: boolean;
}

const INTEGER_NAME = /(^|[^a-z])(n|i|j|k)$|count|qty|quantity|size|index|length|limit|concurrency|times|depth|level|page|offset|units|items|retries|attempts|port|width|height/i;
const URL_NAME = /^(url|uri|href|endpoint|link|input)$|Url$|Uri$/i;
const v = (code: string, role: SampleValue['role'], finite = true, nonNegative = true): SampleValue => ({ code, role, finite, nonNegative });

/**
 * Example values of a parameter, typical first, then boundaries (0, -1, empty, large, NaN where
 * the type allows), narrowed by the parameter's name (integers for counts and sizes). `extra`
 * numbers (thresholds read from the body) are added for numeric parameters.
 */
export function sampleValues(param: ParameterShape, extra: readonly number[] = []): SampleValue[] {
  const values = valuesOf(param.type, param.name, 0);
  if (param.type.kind === 'number') for (const x of extra) if (!values.some((s) => s.code === String(x))) values.push(v(String(x), 'boundary', true, x >= 0));
  return values;
}

function valuesOf(type: TypeShape, name: string, depth: number): SampleValue[] {
  switch (type.kind) {
    case 'number':
      return INTEGER_NAME.test(name)
        ? [v('3', 'typical'), v('0', 'boundary'), v('1', 'boundary'), v('-1', 'boundary', true, false), v('1000', 'boundary'), v('NaN', 'boundary', false, false)]
        : [v('2.5', 'typical'), v('0', 'boundary'), v('-1', 'boundary', true, false), v('0.29', 'boundary'), v('19.999', 'boundary'), v('1e21', 'boundary'), v('NaN', 'boundary', false, false)];
    case 'string':
      // A URL parameter gets a URL that parses (loopback: nothing leaves the machine if it is fetched).
      if (URL_NAME.test(name)) return [v("'http://127.0.0.1/qe-sample'", 'typical'), v("''", 'boundary'), v("'Hello World'", 'boundary')];
      return [v("'Hello World'", 'typical'), v("''", 'boundary'), v("' '", 'boundary'), v("'a'", 'boundary'), v("'Crème brûlée 42'", 'boundary'), v("'foo_bar-baz.qux'", 'boundary')];
    case 'boolean':
      return [v('true', 'typical'), v('false', 'boundary')];
    case 'null':
      return [v('null', 'typical')];
    case 'undefined':
      return [v('undefined', 'typical')];
    case 'date':
      return [v("new Date('2024-02-29T12:00:00.000Z')", 'typical'), v('new Date(0)', 'boundary')];
    case 'literal':
      return [v(typeof type.value === 'string' ? JSON.stringify(type.value).replace(/^"|"$/g, "'") : String(type.value), 'typical', true, typeof type.value !== 'number' || type.value >= 0)];
    case 'typeParam':
      return [v('1', 'typical'), v('2', 'boundary')];
    case 'json': {
      // `unknown`/`any` (also a type the checker could not resolve, or an untyped JavaScript
      // parameter): nothing says an object is valid input to judge a crash by (commander's
      // untyped `styleUsage(str)` splits a string), and null never is.
      const valid = type.untyped !== true;
      return [v("{ a: 1, b: 'x' }", 'typical', valid, valid), v('{}', 'boundary', valid, valid), v('null', 'boundary', false, false)];
    }
    case 'union': {
      const options = type.options.filter((o) => o.kind !== 'undefined' || type.options.length === 1);
      const first = options.flatMap((o) => valuesOf(o, name, depth).slice(0, 1));
      return first.map((s, i) => ({ ...s, role: i === 0 ? 'typical' : 'boundary' }));
    }
    case 'array': {
      if (depth > 2) return [v('[]', 'typical')];
      const element = type.element.kind === 'typeParam' ? [v('3', 'typical'), v('1', 'typical'), v('2', 'typical')] : valuesOf(type.element, name, depth + 1);
      const [a, b = a, c = b] = element;
      if (a === undefined || b === undefined || c === undefined) return [v('[]', 'typical')];
      const all = (xs: SampleValue[]): Pick<SampleValue, 'finite' | 'nonNegative'> => ({ finite: xs.every((x) => x.finite), nonNegative: xs.every((x) => x.nonNegative) });
      return [
        { code: `[${a.code}, ${b.code}, ${a.code}, ${c.code}]`, role: 'typical', ...all([a, b, c]) },
        v('[]', 'boundary'),
        { code: `[${a.code}]`, role: 'boundary', ...all([a]) },
      ];
    }
    case 'tuple': {
      const parts = type.elements.map((e) => valuesOf(e, name, depth + 1)[0]);
      if (parts.some((p) => p === undefined)) return [];
      return [{ code: `[${parts.map((p) => p!.code).join(', ')}]`, role: 'typical', finite: parts.every((p) => p!.finite), nonNegative: parts.every((p) => p!.nonNegative) }];
    }
    case 'record':
      return [{ ...(valuesOf(type.value, name, depth + 1)[0] ?? v('1', 'typical')), code: `{ a: ${valuesOf(type.value, name, depth + 1)[0]?.code ?? '1'} }` }, v('{}', 'boundary')];
    case 'object': {
      if (depth > 2) return [];
      const required = type.properties.filter((p) => !p.optional);
      const fields = required.map((p) => ({ p, values: valuesOf(p.type, p.name, depth + 1) }));
      if (fields.some((f) => f.values.length === 0)) return [];
      const base = (override?: { name: string; value: SampleValue }): SampleValue => {
        const chosen = fields.map((f) => (override && f.p.name === override.name ? override.value : f.values[0]!));
        const code = `{ ${fields.map((f, i) => `${/^[A-Za-z_$][\w$]*$/.test(f.p.name) ? f.p.name : JSON.stringify(f.p.name)}: ${chosen[i]!.code}`).join(', ')} }`;
        return { code, role: override ? 'boundary' : 'typical', finite: chosen.every((c) => c.finite), nonNegative: chosen.every((c) => c.nonNegative) };
      };
      // Object parameters vary one numeric or boolean field at a time: enough to reach their branches.
      const variants = fields.flatMap((f) => (f.p.type.kind === 'number' || f.p.type.kind === 'boolean' || f.p.type.kind === 'union' ? f.values.slice(1, 4).map((value) => base({ name: f.p.name, value })) : []));
      return [base(), ...variants];
    }
    case 'function':
      return [v(callback(type), 'typical')];
    case 'instance':
    case 'opaque':
      return [];
  }
}

/** A callback returning something of the declared return type that depends on its argument. */
function callback(type: Extract<TypeShape, { kind: 'function' }>): string {
  const arg = type.arity > 0 ? '(x)' : '()';
  const x = type.arity > 0 ? 'x' : '0';
  switch (type.returns.kind) {
    case 'number':
      return `${arg} => Number(${x}) || 0`;
    case 'string':
      return `${arg} => String(${x})`;
    case 'boolean':
      return `${arg} => Boolean(${x})`;
    default:
      return `${arg} => undefined`;
  }
}
