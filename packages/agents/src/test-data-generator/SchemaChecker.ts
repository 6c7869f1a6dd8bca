import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { GeneratedRecord } from './RecordGenerator.js';

// ajv-formats is CommonJS with a default export; under NodeNext its namespace is what we import.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** What ajv says about one generated record. */
export interface RecordCheck {
  /** The record is what it claims: valid/boundary ones validate, invalid ones fail with exactly their claimed error. */
  ok: boolean;
  /** ajv's errors, `keyword at path`, for the report. */
  errors: string[];
}

/**
 * The independent check of generated data: every record is validated with ajv (all errors,
 * formats) against its schema. A valid or boundary record must validate; an invalid one must fail
 * with exactly one error, the keyword at the JSON pointer it claims (so a "too short" name that
 * also breaks the pattern does not count as testing minLength).
 */
export class SchemaChecker {
  readonly #ajv: Ajv;
  readonly #compiled = new WeakMap<object, ValidateFunction>();

  constructor() {
    this.#ajv = new Ajv({ allErrors: true, strict: false, validateFormats: true });
    addFormats(this.#ajv);
  }

  /** Checks `record` against `schema` (OpenAPI 3.0 keywords are normalised first). */
  check(schema: object, record: GeneratedRecord): RecordCheck {
    const validate = this.#validator(schema);
    const valid = validate(record.value);
    const errors = (validate.errors ?? []).map(label);
    if (record.kind !== 'invalid') return { ok: valid, errors };
    const claim = record.claim;
    const only = validate.errors?.length === 1 ? validate.errors[0] : undefined;
    const ok = !valid && claim !== undefined && only !== undefined && only.keyword === claim.keyword && only.instancePath === claim.path;
    return { ok, errors };
  }

  #validator(schema: object): ValidateFunction {
    let validate = this.#compiled.get(schema);
    if (validate === undefined) {
      validate = this.#ajv.compile(toJsonSchema(schema) as object);
      this.#compiled.set(schema, validate);
    }
    return validate;
  }
}

function label(error: ErrorObject): string {
  return `${error.keyword} at ${error.instancePath || '/'}${error.message ? `: ${error.message}` : ''}`;
}

/**
 * OpenAPI 3.0 schema → JSON Schema draft-07 as ajv reads it: boolean `exclusiveMinimum`/
 * `exclusiveMaximum` become numbers, `nullable` becomes a `null` type, presentation keywords go.
 */
export function toJsonSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toJsonSchema);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  const s = schema as Record<string, unknown>;
  for (const [key, value] of Object.entries(s)) {
    if (key === 'example' || key === 'xml' || key === 'discriminator' || key === 'externalDocs') continue;
    if (key === 'properties' || key === 'patternProperties' || key === 'definitions' || key === '$defs') {
      out[key] = Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, toJsonSchema(v)]));
    } else if (key === 'enum' || key === 'const' || key === 'default' || key === 'examples' || key === 'required') {
      out[key] = value;
    } else {
      out[key] = toJsonSchema(value);
    }
  }
  if (s['exclusiveMinimum'] === true && typeof s['minimum'] === 'number') {
    out['exclusiveMinimum'] = s['minimum'];
    delete out['minimum'];
  } else if (typeof s['exclusiveMinimum'] === 'boolean') delete out['exclusiveMinimum'];
  if (s['exclusiveMaximum'] === true && typeof s['maximum'] === 'number') {
    out['exclusiveMaximum'] = s['maximum'];
    delete out['maximum'];
  } else if (typeof s['exclusiveMaximum'] === 'boolean') delete out['exclusiveMaximum'];
  if (s['nullable'] === true && typeof s['type'] === 'string') {
    out['type'] = [s['type'], 'null'];
    delete out['nullable'];
    if (Array.isArray(s['enum'])) out['enum'] = [...(s['enum'] as unknown[]), null];
  }
  return out;
}
