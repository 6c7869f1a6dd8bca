import type { MutantInfo, MutantsRun } from '../kit/mutation/runMutants.js';
import type { Fault } from './prioritise.js';

/** A fault located in the source: a mutant, or a catalogued defect's lines. */
export interface LocatedFault extends Fault {
  file?: string;
  lines?: number[];
}

/** What the mutants say about one test: mutants it runs (non-static) and how many it kills. */
export interface WeakByMutants {
  covered: number;
  killed: number;
  /** A few surviving mutants it runs, `file:line mutator → replacement`. */
  survivors: string[];
}

/**
 * Maps a runner's test id to our key (`file > full name`): exact, or the full name alone, or the
 * name with spaces for ` > ` (vitest and jest ids), or an id that ends with the name when only one
 * test does.
 */
export function testIdResolver(keys: readonly string[]): (id: string) => string | undefined {
  const exact = new Set(keys);
  const byName = new Map<string, string[]>();
  for (const key of keys) {
    const name = key.slice(key.indexOf(' > ') + 3);
    for (const variant of [name, name.replaceAll(' > ', ' ')]) byName.set(variant, [...(byName.get(variant) ?? []), key]);
  }
  return (id) => {
    if (exact.has(id)) return id;
    const named = byName.get(id);
    if (named?.length === 1) return named[0];
    const ending = keys.filter((key) => id.endsWith(key.slice(key.indexOf(' > ') + 3)));
    return ending.length === 1 ? ending[0] : undefined;
  };
}

/** Killed mutants as faults (the tests that kill them detect them), plus how many no test killed. */
export function mutantFaults(run: MutantsRun, keys: readonly string[]): { faults: LocatedFault[]; survived: number; unmapped: number } {
  const resolve = reportIdResolver(run, keys);
  const faults: LocatedFault[] = [];
  let unmapped = 0;
  for (const m of run.mutants) {
    if (m.status !== 'Killed' && m.status !== 'Timeout') continue;
    const detectedBy = new Set((m.killedBy ?? []).map(resolve).filter((k): k is string => k !== undefined));
    if (detectedBy.size === 0) {
      unmapped++;
      continue;
    }
    faults.push({ id: `mutant ${m.id} ${label(m)}`, detectedBy, file: m.file, lines: range(m.line, m.endLine) });
  }
  const survived = run.mutants.filter((m) => m.status === 'Survived' || m.status === 'NoCoverage').length;
  return { faults, survived, unmapped };
}

/** Per test: the non-static mutants it runs and kills (a test that kills none of many it runs checks nothing they change). */
export function weakByMutants(run: MutantsRun, keys: readonly string[]): Map<string, WeakByMutants> {
  const resolve = reportIdResolver(run, keys);
  const out = new Map<string, WeakByMutants>();
  for (const m of run.mutants) {
    if (m.static === true) continue;
    const killers = new Set((m.killedBy ?? []).map(resolve));
    for (const id of m.coveredBy ?? []) {
      const key = resolve(id);
      if (key === undefined) continue;
      const entry = out.get(key) ?? { covered: 0, killed: 0, survivors: [] };
      entry.covered++;
      if (killers.has(key)) entry.killed++;
      else if (entry.survivors.length < 3) entry.survivors.push(label(m));
      out.set(key, entry);
    }
  }
  return out;
}

/**
 * Maps the ids in `killedBy`/`coveredBy` to our keys: Stryker's JSON report renumbers tests, so an
 * id is first looked up in the report's tests (`file > name`), then taken as a runner id.
 */
function reportIdResolver(run: MutantsRun, keys: readonly string[]): (id: string) => string | undefined {
  const resolve = testIdResolver(keys);
  const named = new Map(run.tests.map((t) => [t.id, t]));
  return (id) => {
    const test = named.get(id);
    if (test !== undefined) {
      const key = resolve(test.file === '' ? test.name : `${test.file} > ${test.name}`) ?? resolve(test.name);
      if (key !== undefined) return key;
    }
    return resolve(id);
  };
}

function label(m: MutantInfo): string {
  return `${m.file}:${m.line} ${m.mutator} → ${m.replacement.replace(/\s+/g, ' ').slice(0, 60)}`;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(1, to - from + 1) }, (_, i) => from + i);
}

/** Stryker `mutate` ranges (`file:from-to`) for changed lines, one per run of consecutive lines. */
export function changedRanges(changed: ReadonlyMap<string, ReadonlySet<number>>, sources: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const [file, lines] of changed) {
    if (!sources.has(file)) continue;
    const sorted = [...lines].sort((a, b) => a - b);
    let start = sorted[0];
    for (let i = 0; i < sorted.length; i++) {
      const current = sorted[i] as number;
      const next = sorted[i + 1];
      if (next !== current + 1) {
        out.push(`${file}:${start}-${current}`);
        start = next;
      }
    }
  }
  return out;
}
