import { join } from 'node:path';
import type { Target } from '../target/Target.js';
import { extractExports } from './extractExports.js';
import type { ExtractedExports } from './extractExports.js';

/** The target's own source files (profile, tests excluded) and what they export. */
export interface TargetExports {
  /** Relative paths of the sources read (TypeScript and JavaScript). */
  sources: string[];
  extracted: ExtractedExports | undefined;
}

// One type-check per opened target: `notApplicable` and every strategy's run share it.
const cache = new WeakMap<Target, TargetExports>();

/**
 * `extractExports` over the target's profile sources, JavaScript included (types inferred from
 * code and JSDoc), computed once per opened target. Undefined `extracted` when it has no sources.
 */
export function extractTargetExports(target: Target): TargetExports {
  const cached = cache.get(target);
  if (cached !== undefined) return cached;
  const sources = target.profile.files.filter((f) => !f.jsx).map((f) => f.path);
  const result: TargetExports = { sources, extracted: sources.length === 0 ? undefined : extractExports(target.dir, sources.map((f) => join(target.dir, f))) };
  cache.set(target, result);
  return result;
}
