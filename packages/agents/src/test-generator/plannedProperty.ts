import type { ExportedFunction, ParameterShape, TypeShape } from '../kit/typescript/extractExports.js';
import { arbitraryCode } from './arbitraryCode.js';

/** How strong the oracles of the generated tests are; each level includes the ones before. */
export type OracleLevel = 'smoke' | 'invariants' | 'metamorphic';

/** What a property tests: an exported function, or a class method (`Cart.addItem`). */
export type PropertySubject = Pick<ExportedFunction, 'name' | 'file' | 'line' | 'endLine'>;

/** One generated property test. */
export interface PlannedProperty {
  fn: PropertySubject;
  /** Oracle name, e.g. `no-crash`, `idempotent`, `sum-of-lines`. */
  oracle: string;
  level: OracleLevel;
  /** `node:test` test body (TypeScript) using `fc`, `check` and the module namespace `m`. */
  code: string;
  /** Round-trip properties: the writer and the reader; the failing run says which one is suspected. */
  roundTrip?: { writer: PropertySubject; reader: PropertySubject };
}

/** Rank of each oracle level (a strategy runs the oracles up to its level). */
export const LEVELS: Record<OracleLevel, number> = { smoke: 0, invariants: 1, metamorphic: 2 };

/** The parameters a test passes: required ones always, optional ones left out (their defaults). */
export function requiredParams(fn: ExportedFunction): ParameterShape[] {
  return fn.params.filter((p) => !p.optional);
}

/** Same kind of value (arrays: of the same element kind): a writer's output fits its reader's input. */
export function sameKind(a: TypeShape, b: TypeShape): boolean {
  return a.kind === b.kind && (a.kind !== 'array' || b.kind !== 'array' || a.element.kind === b.element.kind);
}

/** A `check(...)` call of a property over the parameters' arbitraries, as test code. */
export function property(fn: ExportedFunction, params: ParameterShape[], body: string, oracle: string): string {
  const args = params.map((p, i) => `a${i}`);
  const arbs = params.map((p) => arbitraryCode(p.type, p.name));
  return `check(${JSON.stringify(fn.name)}, ${JSON.stringify(oracle)}, [${arbs.join(', ')}], (${args.join(', ')}) => {\n${body}\n  });`;
}

