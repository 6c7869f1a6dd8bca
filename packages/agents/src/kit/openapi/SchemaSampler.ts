/** A (dereferenced) JSON Schema / OpenAPI schema object, as far as the sampler reads it. */
export interface SchemaObject {
  type?: string | string[];
  properties?: Record<string, SchemaObject>;
  required?: string[];
  items?: SchemaObject;
  enum?: unknown[];
  const?: unknown;
  example?: unknown;
  examples?: unknown[];
  default?: unknown;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number | boolean;
  exclusiveMaximum?: number | boolean;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  nullable?: boolean;
  oneOf?: SchemaObject[];
  anyOf?: SchemaObject[];
  allOf?: SchemaObject[];
  additionalProperties?: boolean | SchemaObject;
}

/** One deliberately invalid value and why it is invalid. */
export interface InvalidSample {
  value: unknown;
  reason: string;
}

/** Options of `SchemaSampler`. */
export interface SchemaSamplerOptions {
  /** Seed of the generator (default 1): the same seed gives the same values. */
  seed?: number;
}

/** Options of one `valid` call. */
export interface SampleOptions {
  /** Prefer `example`/`default`/`enum[0]` over random values (default false). */
  preferExamples?: boolean;
  /** Exact length of every array (payload growth for timing); default random within the schema's bounds. */
  arrayLength?: number;
  /** Include every optional property (default: each with probability 1/2). */
  allOptional?: boolean;
}

const MAX_DEPTH = 6;

/** A string each format rejects (ajv-formats agrees), for invalid requests. */
const FORMAT_BREAKERS: Readonly<Record<string, string>> = { date: '2021-13-45', 'date-time': 'yesterday', email: 'not-an-email', uuid: 'not-a-uuid', uri: 'not a uri', ipv4: '999.1.1.1' };

/**
 * Seeded, schema-driven value generator for OpenAPI request bodies and parameters: valid values
 * (from examples or random within the schema's constraints) and invalid ones (a required field
 * missing, a wrong type, a number out of range, a string too short), each with its reason.
 */
export class SchemaSampler {
  #state: number;

  constructor(options: SchemaSamplerOptions = {}) {
    this.#state = (options.seed ?? 1) >>> 0 || 1;
  }

  /** Uniform [0, 1) (mulberry32). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  #int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** A value valid against `schema`. */
  valid(schema: SchemaObject | undefined, options: SampleOptions = {}, depth = 0): unknown {
    if (!schema || depth > MAX_DEPTH) return null;
    if (options.preferExamples) {
      if (schema.example !== undefined && options.arrayLength === undefined) return structuredClone(schema.example);
      if (Array.isArray(schema.examples) && schema.examples.length > 0 && options.arrayLength === undefined) return structuredClone(schema.examples[0]);
      if (schema.default !== undefined) return structuredClone(schema.default);
    }
    if (schema.const !== undefined) return schema.const;
    if (Array.isArray(schema.enum) && schema.enum.length > 0) {
      return options.preferExamples ? schema.enum[0] : schema.enum[this.#int(0, schema.enum.length - 1)];
    }
    if (schema.allOf) return this.valid(mergeAll(schema.allOf), options, depth + 1);
    const choices = schema.oneOf ?? schema.anyOf;
    if (choices && choices.length > 0) return this.valid(choices[options.preferExamples ? 0 : this.#int(0, choices.length - 1)], options, depth + 1);
    switch (typeOf(schema)) {
      case 'string':
        return this.#string(schema);
      case 'integer':
        return this.#number(schema, true);
      case 'number':
        return this.#number(schema, false);
      case 'boolean':
        return this.next() < 0.5;
      case 'null':
        return null;
      case 'array': {
        const min = schema.minItems ?? 0;
        const max = Math.max(min, schema.maxItems ?? min + 3);
        const length = options.arrayLength ?? this.#int(Math.max(min, max > 0 ? 1 : 0), Math.min(max, min + 4));
        return Array.from({ length }, () => this.valid(schema.items, options, depth + 1));
      }
      case 'object': {
        const out: Record<string, unknown> = {};
        const required = new Set(schema.required ?? []);
        for (const [name, prop] of Object.entries(schema.properties ?? {})) {
          // readOnly properties belong to responses: a request that sends one is invalid (OpenAPI 3).
          if ((prop as { readOnly?: unknown }).readOnly === true) continue;
          if (required.has(name) || options.allOptional || this.next() < 0.5) out[name] = this.valid(prop, options, depth + 1);
        }
        return out;
      }
      default:
        return null;
    }
  }

  /** Values that `schema` rejects, each with the reason; empty when the schema accepts anything. */
  invalid(schema: SchemaObject | undefined): InvalidSample[] {
    if (!schema) return [];
    const out: InvalidSample[] = [];
    const type = typeOf(schema);
    if (type === 'object') {
      const base = this.valid(schema, { preferExamples: true, allOptional: true }) as Record<string, unknown>;
      out.push({ value: [], reason: 'an array instead of an object' });
      for (const name of schema.required ?? []) {
        const copy = { ...base };
        delete copy[name];
        out.push({ value: copy, reason: `required property ${name} missing` });
      }
      for (const [name, prop] of Object.entries(schema.properties ?? {})) {
        const wrong = wrongTypeValue(typeOf(prop));
        if (wrong !== undefined) out.push({ value: { ...base, [name]: wrong }, reason: `property ${name} of the wrong type` });
        for (const bad of this.invalid(prop).filter((s) => s.reason.startsWith('out of range') || s.reason.startsWith('too short'))) {
          out.push({ value: { ...base, [name]: bad.value }, reason: `property ${name}: ${bad.reason}` });
        }
      }
      return out;
    }
    const wrong = wrongTypeValue(typeOf(schema));
    if (wrong !== undefined) out.push({ value: wrong, reason: 'wrong type' });
    if (typeof schema.minimum === 'number') out.push({ value: schema.minimum - 1, reason: 'out of range (below minimum)' });
    if (typeof schema.maximum === 'number') out.push({ value: schema.maximum + 1, reason: 'out of range (above maximum)' });
    if (type === 'string' && (schema.minLength ?? 0) > 0) out.push({ value: '', reason: 'too short (empty string)' });
    if (Array.isArray(schema.enum)) out.push({ value: '__not_in_enum__', reason: 'not one of the enum values' });
    if (type === 'string' && typeof schema.format === 'string' && FORMAT_BREAKERS[schema.format] !== undefined) {
      out.push({ value: FORMAT_BREAKERS[schema.format]!, reason: `not a valid ${schema.format}` });
    }
    return out;
  }

  #string(schema: SchemaObject): string {
    switch (schema.format) {
      case 'date-time':
        return new Date(Date.UTC(2020, 0, 1) + this.#int(0, 1e9) * 1000).toISOString();
      case 'date':
        return new Date(Date.UTC(2020, 0, 1) + this.#int(0, 1e9) * 1000).toISOString().slice(0, 10);
      case 'email':
        return `user${this.#int(0, 9999)}@example.com`;
      case 'uuid':
        return '00000000-0000-4000-8000-' + this.#int(0, 0xffffff).toString(16).padStart(12, '0');
      case 'uri':
      case 'url':
        return `http://127.0.0.1/r${this.#int(0, 9999)}`;
      default: {
        const min = schema.minLength ?? 1;
        const max = Math.max(min, Math.min(schema.maxLength ?? min + 11, min + 24));
        const letters = 'abcdefghijklmnopqrstuvwxyz';
        let s = '';
        const length = this.#int(min, max);
        while (s.length < length) s += letters[this.#int(0, letters.length - 1)] ?? 'a';
        return s;
      }
    }
  }

  #number(schema: SchemaObject, integer: boolean): number {
    const exclusiveMin = typeof schema.exclusiveMinimum === 'number' ? schema.exclusiveMinimum : undefined;
    const exclusiveMax = typeof schema.exclusiveMaximum === 'number' ? schema.exclusiveMaximum : undefined;
    let min = schema.minimum ?? exclusiveMin ?? 0;
    let max = schema.maximum ?? exclusiveMax ?? Math.max(min + 100, 100);
    if (schema.exclusiveMinimum === true || exclusiveMin !== undefined) min += integer ? 1 : 0.01;
    if (schema.exclusiveMaximum === true || exclusiveMax !== undefined) max -= integer ? 1 : 0.01;
    if (integer) return this.#int(Math.ceil(min), Math.floor(max));
    return Math.round((min + this.next() * (max - min)) * 100) / 100;
  }
}

/** The schema's primary type (the first non-null of a type array, or inferred from its keywords). */
export function typeOf(schema: SchemaObject): string | undefined {
  if (Array.isArray(schema.type)) return schema.type.find((t) => t !== 'null') ?? 'null';
  if (schema.type) return schema.type;
  if (schema.properties) return 'object';
  if (schema.items) return 'array';
  return undefined;
}

/** A value of another JSON type than `type` (a number for a string, …); undefined for no type. */
export function wrongTypeValue(type: string | undefined): unknown {
  switch (type) {
    case 'string':
      return 12345;
    case 'number':
    case 'integer':
      return 'not-a-number';
    case 'boolean':
      return 'yes';
    case 'array':
      return 'not-an-array';
    case 'object':
      return 'not-an-object';
    default:
      return undefined;
  }
}

function mergeAll(schemas: SchemaObject[]): SchemaObject {
  const out: SchemaObject = { type: 'object', properties: {}, required: [] };
  for (const s of schemas) {
    Object.assign(out.properties ?? {}, s.properties);
    out.required = [...(out.required ?? []), ...(s.required ?? [])];
    if (s.type && !s.properties) out.type = s.type;
  }
  return out;
}
