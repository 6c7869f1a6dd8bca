import { localImports } from '../target/localImports.js';

/**
 * The test files (relative to `dir`) whose relative imports reach one of `sources`, directly or
 * through other modules of the project: the tests that can observe a change to those files. Reads
 * imports with the TypeScript pre-processor (`.js` specifiers of TS sources resolved as tsc does).
 * A test file importing the package by name is not followed; callers fall back to every test.
 */
export function relatedTestFiles(dir: string, testFiles: readonly string[], sources: readonly string[]): string[] {
  const wanted = new Set(sources.map((s) => s.replace(/:\d+(-\d+)?$/, '')));
  const reaches = new Map<string, boolean>();
  const visit = (file: string, seen: Set<string>): boolean => {
    const known = reaches.get(file);
    if (known !== undefined) return known;
    if (wanted.has(file)) return true;
    if (seen.has(file)) return false;
    seen.add(file);
    let hit = false;
    for (const next of localImports(dir, file)) {
      if (visit(next, seen)) {
        hit = true;
        break;
      }
    }
    reaches.set(file, hit);
    return hit;
  };
  return testFiles.filter((t) => visit(t, new Set()));
}
