import type { Target } from '../target/Target.js';
import type { ExportedFunction } from './extractExports.js';
import { extractTargetExports } from './extractTargetExports.js';
import { isPublic, publicExports } from './publicExports.js';

/** The exported functions a package offers its users, beside every exported function. */
export interface OfferedExports {
  functions: ExportedFunction[];
  /** Every exported function, internal helpers included. */
  exported: ExportedFunction[];
  /** The package entries the offered ones are reachable from; absent when the package names none (then every export is offered). */
  entries?: string[];
}

/**
 * The exported functions the package offers (reachable from its package.json entries,
 * `publicExports`): an internal helper is called by code that already checked its input, so
 * "accepts what its type allows" is not its contract. Without entries, every exported function.
 */
export function offeredExports(target: Target): OfferedExports {
  const exported = extractTargetExports(target).extracted?.functions ?? [];
  const entries = publicExports(target);
  if (entries === undefined) return { functions: exported, exported };
  return { functions: exported.filter((f) => isPublic(entries, f.file, f.line)), exported, entries: entries.entries };
}
