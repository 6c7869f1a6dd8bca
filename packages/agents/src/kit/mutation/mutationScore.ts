/** Stryker's mutant statuses (mutation-testing-report-schema). */
export type MutantStatus = 'Killed' | 'Survived' | 'NoCoverage' | 'Timeout' | 'CompileError' | 'RuntimeError' | 'Ignored' | 'Pending';

/** Counts per status and Stryker's two scores. */
export interface MutationScore {
  killed: number;
  timeout: number;
  survived: number;
  noCoverage: number;
  /** Compile and runtime errors: invalid mutants, left out of both scores. */
  errors: number;
  ignored: number;
  /** Valid mutants (killed + timeout + survived + no coverage). */
  valid: number;
  /** Percent 0..100: detected (killed + timeout) / valid; `NaN` with no valid mutant (as Stryker reports). */
  mutationScore: number;
  /** Percent 0..100: detected / covered (valid minus no coverage). */
  mutationScoreBasedOnCoveredCode: number;
}

/** Stryker's mutation score, computed as mutation-testing-metrics does for its report and `clear-text` table. */
export function mutationScore(mutants: ReadonlyArray<{ status: MutantStatus }>): MutationScore {
  const count = (status: MutantStatus): number => mutants.filter((m) => m.status === status).length;
  const killed = count('Killed');
  const timeout = count('Timeout');
  const survived = count('Survived');
  const noCoverage = count('NoCoverage');
  const detected = killed + timeout;
  const valid = detected + survived + noCoverage;
  const covered = valid - noCoverage;
  return {
    killed,
    timeout,
    survived,
    noCoverage,
    errors: count('CompileError') + count('RuntimeError'),
    ignored: count('Ignored'),
    valid,
    mutationScore: valid === 0 ? Number.NaN : (detected / valid) * 100,
    mutationScoreBasedOnCoveredCode: covered === 0 ? Number.NaN : (detected / covered) * 100,
  };
}
