import type { ExportedFunction, TypeShape } from '../kit/typescript/extractExports.js';
import type { GeneratedRecord, JsonSchema, RecordGenerator } from './RecordGenerator.js';
import { docPairs } from '../kit/typescript/docPairs.js';

/** What the function must return for a record, when something says so. */
export type Expectation =
  /** The doc comment states this output for this input. */
  | { oracle: 'doc-example'; output: unknown; source: string }
  /** At a documented bound the function must behave like the bound's neighbour on the documented side. */
  | { oracle: 'doc-boundary'; group: string; role: 'bound' | 'inside' | 'outside'; statement: string };

/** One call of an exported function: the arguments (a record of the args tuple) and what is expected. */
export interface CallRecord extends GeneratedRecord {
  expect?: Expectation;
}

/** The data set of one exported function. */
export interface FunctionDataSet {
  fn: ExportedFunction;
  /** JSON Schema of the argument list (a tuple), what ajv checks every record against. */
  schema: JsonSchema & { items?: JsonSchema | JsonSchema[]; additionalItems?: boolean };
  records: CallRecord[];
}

/** JSON Schema of a TypeScript shape, or undefined when no JSON value has that type (functions, dates, class instances). */
export function shapeSchema(shape: TypeShape, depth = 0): JsonSchema | undefined {
  if (depth > 4) return undefined;
  switch (shape.kind) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'null':
      return { type: shape.kind };
    case 'literal':
      return { const: shape.value };
    case 'typeParam':
      return { type: 'integer', minimum: 0, maximum: 20 };
    case 'json':
      return { type: 'object' };
    case 'union': {
      const options = shape.options.filter((o) => o.kind !== 'undefined').map((o) => shapeSchema(o, depth + 1));
      if (options.length === 0 || options.some((o) => o === undefined)) return undefined;
      if (options.every((o) => o?.const !== undefined)) return { enum: options.map((o) => o?.const) };
      return options.length === 1 ? options[0] : { anyOf: options as JsonSchema[] };
    }
    case 'array': {
      const items = shapeSchema(shape.element, depth + 1);
      return items === undefined ? undefined : { type: 'array', items };
    }
    case 'object': {
      const properties: Record<string, JsonSchema> = {};
      for (const p of shape.properties) {
        const s = shapeSchema(p.type, depth + 1);
        if (s === undefined) {
          if (!p.optional) return undefined;
          continue;
        }
        properties[p.name] = s;
      }
      return { type: 'object', properties, required: shape.properties.filter((p) => !p.optional && properties[p.name] !== undefined).map((p) => p.name) };
    }
    case 'record': {
      const value = shapeSchema(shape.value, depth + 1);
      return value === undefined ? undefined : { type: 'object', additionalProperties: value };
    }
    default:
      return undefined;
  }
}

/** The documented side of a bound `T` (by the constant's name or its value): which neighbour `T` must behave like. */
export function documentedSide(doc: string, constant: string, value: number): { neighbour: 1 | -1; statement: string } | undefined {
  const t = `(?:${constant.replace(/[$]/g, '\\$')}|${String(value).replace('.', '\\.')})\\b`;
  const sentences = doc.split(/(?<=[.;])\s+/);
  const sides = new Set<1 | -1>();
  let statement = '';
  const rules: Array<[RegExp, 1 | -1]> = [
    // T belongs to the upper range: from T on, at least T, T or more, below T (upper range starts at T).
    [new RegExp(`\\bfrom\\s+${t}[^.;]*?\\b(on|upwards|onwards)\\b|\\bat least\\s+${t}|${t}\\s*(units?\\s+)?or more|${t}\\s+and (above|over|more)|>=\\s*${t}|≥\\s*${t}`, 'i'), 1],
    [new RegExp(`\\b(below|under|less than|fewer than)\\s+${t}`, 'i'), 1],
    // T belongs to the lower range: above T, more than T, up to T, at most T.
    [new RegExp(`\\b(above|more than|over|beyond|exceeding|greater than)\\s+${t}|\\b(up to|at most|no more than)\\s+${t}|${t}\\s*(units?\\s+)?or (less|fewer)|<=\\s*${t}|≤\\s*${t}`, 'i'), -1],
  ];
  for (const sentence of sentences) {
    for (const [re, side] of rules) {
      if (re.test(sentence)) {
        sides.add(side);
        statement = sentence.trim();
      }
    }
  }
  if (sides.size !== 1) return undefined;
  return { neighbour: [...sides][0] as 1 | -1, statement };
}

/** Options of `functionDataSets`. */
export interface FunctionDataOptions {
  random: number;
  boundaries: boolean;
}

/**
 * The JSON Schema of `fn`'s required arguments (a tuple) when data can be made for it: a pure,
 * synchronous function whose required parameters all have a JSON type; `undefined` otherwise.
 */
export function argumentsSchema(fn: ExportedFunction): FunctionDataSet['schema'] | undefined {
  if (!fn.pure || fn.async) return undefined;
  const params = fn.params.filter((p) => !p.optional);
  if (params.length === 0) return undefined;
  // An untyped parameter (`any`, an unannotated JavaScript one) says nothing about what is valid: an
  // object or a number there is not data the function promised to take.
  if (params.some((p) => p.type.kind === 'json' && p.type.untyped === true)) return undefined;
  const schemas = params.map((p) => shapeSchema(p.type));
  if (schemas.some((s) => s === undefined)) return undefined;
  const items = schemas as JsonSchema[];
  return { type: 'array', items, minItems: items.length, additionalItems: false };
}

/**
 * Data sets for the pure exported functions whose every required parameter has a JSON type (not `any`):
 * random valid argument lists, per-parameter boundary values (the other arguments held at one
 * valid value), the inputs a doc comment states an output for, and the three values around every
 * documented numeric bound the function compares a parameter with.
 */
export function functionDataSets(functions: readonly ExportedFunction[], generator: RecordGenerator, options: FunctionDataOptions): FunctionDataSet[] {
  const out: FunctionDataSet[] = [];
  for (const fn of functions) {
    const schema = argumentsSchema(fn);
    if (schema === undefined) continue;
    const params = fn.params.filter((p) => !p.optional);
    const items = schema.items as JsonSchema[];
    const base = items.map((s, i) => generator.value(s, params[i]?.name ?? '', { optional: 'all' }));
    const records: CallRecord[] = [];
    for (let r = 0; r < options.random; r++) {
      records.push({ kind: 'valid', value: items.map((s, i) => generator.value(s, params[i]?.name ?? '')), note: `random #${r + 1}` });
    }
    for (const pair of params.length === 1 ? docPairs(fn.doc, fn.name) : []) {
      records.push({ kind: 'valid', value: [pair.input], note: `documented example ${pair.source}`, expect: { oracle: 'doc-example', output: pair.output, source: pair.source } });
    }
    if (options.boundaries) {
      for (const [i, s] of items.entries()) {
        for (const b of generator.boundaries(s)) {
          const args = [...base];
          args[i] = b.value;
          records.push({ kind: 'boundary', value: args, note: `${params[i]?.name}: ${b.note}` });
        }
      }
      for (const t of fn.thresholds) {
        const index = params.findIndex((p) => p.name === t.param);
        const side = documentedSide(fn.doc, t.constant, t.value);
        if (index < 0 || side === undefined) continue;
        const group = `${t.param} ${t.operator} ${t.constant}`;
        const step = Number.isInteger(t.value) ? 1 : 0.01;
        for (const [role, v] of [['bound', t.value], ['inside', t.value + side.neighbour * step], ['outside', t.value - side.neighbour * step]] as const) {
          const args = [...base];
          args[index] = v;
          records.push({ kind: 'boundary', value: args, note: `${t.param} = ${v} (${role} of ${t.constant} = ${t.value})`, expect: { oracle: 'doc-boundary', group, role, statement: side.statement } });
        }
      }
    }
    out.push({ fn, schema, records });
  }
  return out;
}
