import { Faker, base, en, fr } from '@faker-js/faker';
import { SchemaSampler, typeOf, wrongTypeValue } from '../kit/openapi/SchemaSampler.js';
import type { SchemaObject } from '../kit/openapi/SchemaSampler.js';

/** What a generated record is for. */
export type RecordKind = 'valid' | 'boundary' | 'invalid';

/** The one constraint an invalid record breaks, as ajv names it (`keyword` at `path`, a JSON pointer). */
export interface ViolationClaim {
  keyword: string;
  path: string;
  reason: string;
}

/** One generated value with what it claims to be. */
export interface GeneratedRecord {
  kind: RecordKind;
  value: unknown;
  /** Which boundary (`/body/name minLength 1`) or which random draw. */
  note: string;
  /** Invalid records only: the constraint they break (and no other). */
  claim?: ViolationClaim;
}

/** A schema with the keywords this generator reads beyond the kit sampler's. */
export interface JsonSchema extends SchemaObject {
  pattern?: string;
  uniqueItems?: boolean;
  multipleOf?: number;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
}

/** Options of `RecordGenerator`. */
export interface RecordGeneratorOptions {
  /** Seed: the same seed and schema give the same records. */
  seed: number;
}

const MAX_DEPTH = 5;
/** Strings longer than this are not generated at their maxLength boundary (a 1 MB name proves nothing more). */
const MAX_BOUNDARY_LENGTH = 10_000;
const BAD_FORMATS: Record<string, string> = {
  email: 'not-an-email',
  'date-time': '2020-13-45T25:61:00Z',
  date: '2020-13-45',
  time: '25:61:00',
  uuid: 'not-a-uuid',
  uri: 'not a uri',
  url: 'not a url',
  ipv4: '999.1.1.1',
  ipv6: 'not:an:ipv6',
  hostname: '-bad-.host-',
};
const EDGE_FORMATS: Record<string, string[]> = {
  'date-time': ['1970-01-01T00:00:00Z', '2038-01-19T03:14:07.999Z'],
  date: ['1970-01-01', '2024-02-29'],
  email: ['a@b.co'],
  uuid: ['00000000-0000-4000-8000-000000000000'],
};

/**
 * Seeded records for one JSON/OpenAPI schema: random valid ones (faker values chosen by property
 * name and format, numbers from the kit's `SchemaSampler`), valid boundary values (min/max length,
 * minimum/maximum, enum edges, item counts, edge formats, unicode text) and invalid ones that each
 * break exactly one constraint (the claim the ajv check verifies).
 */
export class RecordGenerator {
  readonly #faker: Faker;
  readonly #accented: Faker;
  readonly #sampler: SchemaSampler;

  constructor(options: RecordGeneratorOptions) {
    this.#faker = new Faker({ locale: [en, base], seed: options.seed });
    // French names and words: accented letters are a boundary of every text field.
    this.#accented = new Faker({ locale: [fr, en, base], seed: options.seed + 1 });
    this.#sampler = new SchemaSampler({ seed: options.seed });
  }

  /** `count` random valid records. */
  valid(schema: JsonSchema, count: number): GeneratedRecord[] {
    return Array.from({ length: count }, (_, i) => ({ kind: 'valid' as const, value: this.value(schema, '', { optional: 'random' }), note: `random #${i + 1}` }));
  }

  /** A valid value of `schema`; `name` (the property) picks the faker generator. */
  value(schema: JsonSchema | undefined, name: string, options: { optional: 'all' | 'none' | 'random' } = { optional: 'random' }, depth = 0): unknown {
    if (!schema || depth > MAX_DEPTH) return null;
    if (schema.const !== undefined) return structuredClone(schema.const);
    if (Array.isArray(schema.enum) && schema.enum.length > 0) return structuredClone(this.#faker.helpers.arrayElement(schema.enum));
    if (schema.allOf || schema.oneOf || schema.anyOf) return this.#sampler.valid(schema, { preferExamples: true, allOptional: options.optional === 'all' });
    switch (typeOf(schema)) {
      case 'string':
        return this.#string(schema, name) ?? this.#sampler.valid(schema);
      case 'object': {
        const out: Record<string, unknown> = {};
        const required = new Set(schema.required ?? []);
        for (const [key, prop] of Object.entries(schema.properties ?? {})) {
          const include = required.has(key) || options.optional === 'all' || (options.optional === 'random' && this.#faker.datatype.boolean());
          if (include) out[key] = this.value(prop, key, options, depth + 1);
        }
        return out;
      }
      case 'array': {
        const min = schema.minItems ?? 0;
        const max = Math.min(schema.maxItems ?? min + 3, min + 4);
        const length = options.optional === 'all' ? Math.max(min, Math.min(1, max)) : this.#faker.number.int({ min, max: Math.max(min, max) });
        const items = Array.from({ length }, () => this.value(schema.items, singular(name), options, depth + 1));
        return schema.uniqueItems ? dedupeJson(items) : items;
      }
      default:
        return this.#sampler.valid(schema);
    }
  }

  /** Valid records at every boundary of every constrained field, plus the minimal and the maximal record. */
  boundaries(schema: JsonSchema): GeneratedRecord[] {
    const full = this.value(schema, '', { optional: 'all' });
    const out: GeneratedRecord[] = [
      { kind: 'boundary', value: this.value(schema, '', { optional: 'none' }), note: 'required fields only' },
      { kind: 'boundary', value: full, note: 'every optional field' },
    ];
    for (const leaf of leaves(schema)) {
      for (const [value, note] of this.#edges(leaf.schema, leaf.name)) {
        out.push({ kind: 'boundary', value: setAt(full, leaf.path, value), note: `${leaf.path || '/'} ${note}` });
      }
    }
    return out;
  }

  /** Records that each break exactly one constraint of `schema`, with the claim. */
  invalid(schema: JsonSchema): GeneratedRecord[] {
    const full = this.value(schema, '', { optional: 'all' });
    const out: GeneratedRecord[] = [];
    for (const leaf of leaves(schema)) {
      for (const [value, keyword, reason] of this.#violations(leaf.schema, leaf.name)) {
        out.push({ kind: 'invalid', value: setAt(full, leaf.path, value), note: `${leaf.path || '/'} ${reason}`, claim: { keyword, path: leaf.path, reason } });
      }
      const s = leaf.schema;
      if (typeOf(s) === 'object') {
        for (const key of s.required ?? []) {
          const parent = getAt(full, leaf.path);
          if (parent === null || typeof parent !== 'object' || Array.isArray(parent)) continue;
          const copy = { ...(parent as Record<string, unknown>) };
          delete copy[key];
          out.push({ kind: 'invalid', value: setAt(full, leaf.path, copy), note: `${leaf.path || '/'} without ${key}`, claim: { keyword: 'required', path: leaf.path, reason: `required property ${key} missing` } });
        }
        if (s.additionalProperties === false) {
          const parent = getAt(full, leaf.path) as Record<string, unknown>;
          out.push({ kind: 'invalid', value: setAt(full, leaf.path, { ...parent, qeUnexpected: 'x' }), note: `${leaf.path || '/'} extra property`, claim: { keyword: 'additionalProperties', path: leaf.path, reason: 'a property the schema does not allow' } });
        }
      }
    }
    return out;
  }

  /** Boundary values of one field (value, label). */
  #edges(s: JsonSchema, name: string): Array<[unknown, string]> {
    const out: Array<[unknown, string]> = [];
    if (s.const !== undefined) return out;
    if (Array.isArray(s.enum) && s.enum.length > 0) {
      out.push([s.enum[0], 'first enum value']);
      if (s.enum.length > 1) out.push([s.enum[s.enum.length - 1], 'last enum value']);
      return out;
    }
    switch (typeOf(s)) {
      case 'string': {
        for (const edge of EDGE_FORMATS[s.format ?? ''] ?? []) out.push([edge, `edge ${s.format}`]);
        if (s.format !== undefined) return out;
        const min = s.minLength ?? 0;
        const fitted = (length: number): string | undefined => this.#fit(s, name, length);
        const low = fitted(min);
        if (low !== undefined) out.push([low, `minLength ${min}${s.minLength === undefined ? ' (empty)' : ''}`]);
        if (s.maxLength !== undefined && s.maxLength <= MAX_BOUNDARY_LENGTH) {
          const high = fitted(s.maxLength);
          if (high !== undefined) out.push([high, `maxLength ${s.maxLength}`]);
        }
        const accented = this.#accented.person.fullName();
        if (fits(s, accented)) out.push([accented, 'accented letters']);
        const spaced = ` ${this.#faker.word.noun()} `;
        if (fits(s, spaced)) out.push([spaced, 'surrounding spaces']);
        return out;
      }
      case 'integer':
      case 'number': {
        const integer = typeOf(s) === 'integer';
        const step = integer ? 1 : 0.01;
        const exMin = typeof s.exclusiveMinimum === 'number' ? s.exclusiveMinimum : s.exclusiveMinimum === true ? s.minimum : undefined;
        const exMax = typeof s.exclusiveMaximum === 'number' ? s.exclusiveMaximum : s.exclusiveMaximum === true ? s.maximum : undefined;
        if (exMin !== undefined) out.push([round(exMin + step), `just above exclusiveMinimum ${exMin}`]);
        else if (s.minimum !== undefined) out.push([s.minimum, `minimum ${s.minimum}`]);
        if (exMax !== undefined) out.push([round(exMax - step), `just below exclusiveMaximum ${exMax}`]);
        else if (s.maximum !== undefined) out.push([s.maximum, `maximum ${s.maximum}`]);
        const low = exMin ?? s.minimum ?? -Infinity;
        const high = exMax ?? s.maximum ?? Infinity;
        if (low < 0 && high > 0 && !out.some(([v]) => v === 0)) out.push([0, 'zero']);
        if (s.minimum === undefined && exMin === undefined) out.push([-1, 'negative (no minimum)']);
        if (s.maximum === undefined && exMax === undefined) out.push([integer ? Number.MAX_SAFE_INTEGER : 1e9, 'large (no maximum)']);
        if (!integer && Number.isFinite(low) && low + 0.5 < high) out.push([round(Math.max(low, 0) + 0.5), 'fraction']);
        return out.filter(([v]) => s.multipleOf === undefined || Number.isInteger((v as number) / s.multipleOf));
      }
      case 'boolean':
        return [
          [true, 'true'],
          [false, 'false'],
        ];
      case 'array': {
        const min = s.minItems ?? 0;
        out.push([Array.from({ length: min }, () => this.value(s.items, singular(name))), `minItems ${min}${s.minItems === undefined ? ' (empty)' : ''}`]);
        if (s.maxItems !== undefined && s.maxItems <= 100 && s.maxItems !== min && !s.uniqueItems) out.push([Array.from({ length: s.maxItems }, () => this.value(s.items, singular(name))), `maxItems ${s.maxItems}`]);
        return out;
      }
      default:
        return out;
    }
  }

  /** Invalid values of one field: (value, ajv keyword, reason). */
  #violations(s: JsonSchema, name: string): Array<[unknown, string, string]> {
    const out: Array<[unknown, string, string]> = [];
    const type = typeOf(s);
    // Only a declared type is violated by another type: `{ properties }` alone accepts a string.
    const declared = s.type !== undefined;
    const wrong = declared ? wrongTypeValue(type) : undefined;
    if (wrong !== undefined && s.enum === undefined && s.const === undefined) out.push([wrong, 'type', `${describe(wrong)} instead of ${type}`]);
    if (declared && type !== 'null' && s.nullable !== true && !(Array.isArray(s.type) && s.type.includes('null')) && s.enum === undefined) out.push([null, 'type', `null instead of ${type}`]);
    if (Array.isArray(s.enum) && s.enum.every((v) => typeof v === 'string')) out.push(['qe-not-listed', 'enum', 'a value outside the enum']);
    switch (type) {
      case 'string': {
        if (s.format !== undefined && BAD_FORMATS[s.format] !== undefined) out.push([BAD_FORMATS[s.format], 'format', `not a ${s.format}`]);
        if (s.format !== undefined || s.enum !== undefined) break;
        if ((s.minLength ?? 0) > 0) {
          const short = this.#fit(s, name, (s.minLength ?? 1) - 1);
          if (short !== undefined) out.push([short, 'minLength', `shorter than minLength ${s.minLength}`]);
        }
        if (s.maxLength !== undefined && s.maxLength < MAX_BOUNDARY_LENGTH) {
          const long = this.#fit(s, name, s.maxLength + 1);
          if (long !== undefined) out.push([long, 'maxLength', `longer than maxLength ${s.maxLength}`]);
        }
        if (s.pattern !== undefined) {
          const re = safeRegExp(s.pattern);
          const miss = re ? ['', ' ', '-', '0', 'a', '!', 'A a', '\t'].find((c) => !re.test(c) && c.length >= (s.minLength ?? 0) && c.length <= (s.maxLength ?? Infinity)) : undefined;
          if (miss !== undefined) out.push([miss, 'pattern', `does not match ${s.pattern}`]);
        }
        break;
      }
      case 'integer':
      case 'number': {
        const integer = type === 'integer';
        const step = integer ? 1 : 0.01;
        // int32/int64 formats also refuse a fraction: that record would break two constraints.
        if (integer && s.format !== 'int32' && s.format !== 'int64') out.push([1.5, 'type', 'a fraction instead of an integer']);
        if (typeof s.exclusiveMinimum === 'number') out.push([s.exclusiveMinimum, 'exclusiveMinimum', `equal to exclusiveMinimum ${s.exclusiveMinimum}`]);
        else if (s.minimum !== undefined) out.push([round(s.minimum - step), 'minimum', `below minimum ${s.minimum}`]);
        if (typeof s.exclusiveMaximum === 'number') out.push([s.exclusiveMaximum, 'exclusiveMaximum', `equal to exclusiveMaximum ${s.exclusiveMaximum}`]);
        else if (s.maximum !== undefined) out.push([round(s.maximum + step), 'maximum', `above maximum ${s.maximum}`]);
        break;
      }
      case 'array': {
        if ((s.minItems ?? 0) > 0) out.push([Array.from({ length: (s.minItems ?? 1) - 1 }, () => this.value(s.items, singular(name))), 'minItems', `fewer than minItems ${s.minItems}`]);
        if (s.maxItems !== undefined && s.maxItems <= 100) out.push([Array.from({ length: s.maxItems + 1 }, () => this.value(s.items, singular(name))), 'maxItems', `more than maxItems ${s.maxItems}`]);
        break;
      }
      default:
        break;
    }
    return out;
  }

  /** A string for `name` of exactly `length` characters that the schema's pattern accepts, if one is found. */
  #fit(s: JsonSchema, name: string, length: number): string | undefined {
    for (let attempt = 0; attempt < 4; attempt++) {
      let text = attempt === 0 ? this.#named(name) : this.#faker.string.alphanumeric({ length: Math.max(length, 1) });
      while (text.length < length) text += this.#faker.string.alpha({ length: Math.min(64, length - text.length), casing: 'lower' });
      text = text.slice(0, length);
      const re = s.pattern === undefined ? undefined : safeRegExp(s.pattern);
      if (!re || re.test(text)) return text;
    }
    return undefined;
  }

  /** A faker string for a field: formats first, then the pattern, then the property's name. */
  #string(s: JsonSchema, name: string): string | undefined {
    const f = this.#faker;
    switch (s.format) {
      case 'email':
        return f.internet.email();
      case 'date-time':
        return f.date.between({ from: '2000-01-01T00:00:00Z', to: '2030-01-01T00:00:00Z' }).toISOString();
      case 'date':
        return f.date.between({ from: '2000-01-01T00:00:00Z', to: '2030-01-01T00:00:00Z' }).toISOString().slice(0, 10);
      case 'uuid':
        return f.string.uuid();
      case 'uri':
      case 'url':
        return f.internet.url();
      case 'ipv4':
        return f.internet.ipv4();
      case 'ipv6':
        return f.internet.ipv6();
      case 'hostname':
        return f.internet.domainName();
      default:
        break;
    }
    const min = s.minLength ?? 1;
    const max = s.maxLength ?? Math.max(min, 40);
    const candidates = [this.#named(name)];
    if (s.pattern !== undefined) {
      try {
        candidates.push(f.helpers.fromRegExp(invertible(s.pattern)));
      } catch {
        // A pattern faker cannot invert: the named value or the sampler's.
      }
    }
    for (const c of candidates) {
      const text = c.length > max ? c.slice(0, max) : c;
      if (text.length >= min && fits(s, text)) return text;
    }
    return this.#fit(s, name, f.number.int({ min, max: Math.min(max, min + 12) }));
  }

  /** A realistic value for a field named `name` (person names, e-mails, cities, ids, words). */
  #named(name: string): string {
    const f = this.#faker;
    const n = name.toLowerCase();
    if (/e-?mail/.test(n)) return f.internet.email();
    if (/first.?name/.test(n)) return f.person.firstName();
    if (/last.?name|surname/.test(n)) return f.person.lastName();
    if (/user.?name|login|handle/.test(n)) return f.internet.username();
    if (/url|uri|href|link|website/.test(n)) return f.internet.url();
    if (/phone|mobile/.test(n)) return f.phone.number();
    if (/city/.test(n)) return f.location.city();
    if (/country/.test(n)) return f.location.country();
    if (/street|address/.test(n)) return f.location.streetAddress();
    if (/zip|postal/.test(n)) return f.location.zipCode();
    if (/currency/.test(n)) return f.finance.currencyCode();
    if (/color|colour/.test(n)) return f.color.human();
    if (/(^|_)id$|sku|code|key|token/.test(n)) return f.string.alphanumeric({ length: 8, casing: 'lower' });
    if (/tag|category|kind|type/.test(n)) return f.commerce.department().toLowerCase();
    if (/desc|text|comment|note|summary|body|message/.test(n)) return f.lorem.sentence();
    if (/title|product/.test(n)) return f.commerce.productName();
    if (/name/.test(n)) return f.person.fullName();
    return f.word.noun();
  }
}

/** A field of the schema where boundaries and violations apply: its JSON pointer and schema. */
interface Leaf {
  path: string;
  name: string;
  schema: JsonSchema;
}

/** Every object property and array item reachable from the root (array items at index 0). */
function leaves(schema: JsonSchema, path = '', name = '', depth = 0): Leaf[] {
  if (depth > MAX_DEPTH || schema.allOf || schema.oneOf || schema.anyOf) return [];
  const out: Leaf[] = [{ path, name, schema }];
  if (typeOf(schema) === 'object') {
    for (const [key, prop] of Object.entries(schema.properties ?? {})) out.push(...leaves(prop, `${path}/${escapePointer(key)}`, key, depth + 1));
  } else if (typeOf(schema) === 'array' && schema.items && (schema.maxItems ?? 1) >= 1) {
    out.push(...leaves(schema.items, `${path}/0`, singular(name), depth + 1));
  }
  return out;
}

function escapePointer(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1');
}

function pointerParts(path: string): string[] {
  return path === '' ? [] : path.slice(1).split('/').map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'));
}

/** The value at a JSON pointer, or undefined. */
export function getAt(root: unknown, path: string): unknown {
  let node = root;
  for (const part of pointerParts(path)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/** A copy of `root` with `value` at the JSON pointer `path` (missing objects and arrays are created). */
export function setAt(root: unknown, path: string, value: unknown): unknown {
  const parts = pointerParts(path);
  if (parts.length === 0) return structuredClone(value);
  const copy = structuredClone(root) as Record<string, unknown>;
  let node: Record<string, unknown> = copy;
  for (const [i, part] of parts.entries()) {
    if (i === parts.length - 1) {
      node[part] = structuredClone(value);
      break;
    }
    const next = node[part];
    if (next === null || typeof next !== 'object') node[part] = /^\d+$/.test(parts[i + 1] ?? '') ? [] : {};
    node = node[part] as Record<string, unknown>;
  }
  return copy;
}

function describe(value: unknown): string {
  return typeof value === 'string' ? 'a string' : typeof value === 'number' ? 'a number' : JSON.stringify(value);
}

function fits(s: JsonSchema, text: string): boolean {
  if (s.minLength !== undefined && text.length < s.minLength) return false;
  if (s.maxLength !== undefined && text.length > s.maxLength) return false;
  const re = s.pattern === undefined ? undefined : safeRegExp(s.pattern);
  return re === undefined || re === null || re.test(text);
}

/**
 * The pattern in the subset faker's `fromRegExp` inverts: anchors dropped (an unanchored match
 * of the whole value is what it produces anyway) and the common classes spelled out.
 */
function invertible(pattern: string): string {
  return pattern
    .replace(/^\^/, '')
    .replace(/(?<!\\)\$$/, '')
    .replaceAll('\\d', '[0-9]')
    .replaceAll('\\w', '[a-zA-Z0-9_]')
    .replaceAll('\\S', '[a-z]')
    .replaceAll('\\s', ' ');
}

function safeRegExp(pattern: string): RegExp | null {
  try {
    return new RegExp(pattern, 'u');
  } catch {
    return null;
  }
}

function round(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}

function singular(name: string): string {
  return name.replace(/ies$/, 'y').replace(/s$/, '');
}

function dedupeJson(items: unknown[]): unknown[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const key = JSON.stringify(item);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
