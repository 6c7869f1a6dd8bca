import { typeOf } from './SchemaSampler.js';
import type { SchemaObject } from './SchemaSampler.js';

/**
 * Whether a request schema holds an array (itself or a property up to three levels down): the
 * bodies whose size can grow, which route timing and payload-growth load runs scale.
 */
export function hasArray(schema: SchemaObject, depth = 0): boolean {
  if (depth > 3) return false;
  if (typeOf(schema) === 'array') return true;
  return Object.values(schema.properties ?? {}).some((p) => hasArray(p, depth + 1));
}
