import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AgentError } from '../kit/agent/AgentError.js';
import type { ProbeOutcome } from '../kit/probe/CaseProbe.js';
import type { runSuite } from '../kit/suite/runSuite.js';
import type { CoverageMap, TestCaseResult } from '../kit/suite/SuiteRun.js';
import type { TargetCopy } from '../kit/target/TargetCopy.js';
import { renderTestFile } from '../kit/testfile/renderTestFile.js';
import type { RenderedTestFile } from '../kit/testfile/renderTestFile.js';
import type { TestCase, TestFileSpec } from '../kit/testfile/TestCase.js';
import type { TestFileStyle } from '../kit/testfile/TestFileStyle.js';
import { writeTestFile } from '../kit/testfile/writeTestFile.js';
import { typeCheckTests } from '../kit/testfile/typeCheckTests.js';
import type { Verdict } from './judgeOutcome.js';
import type { UnitCase } from './planUnitCases.js';

/** A generated test before the runner has seen it. */
export interface CandidateTest {
  case: UnitCase;
  verdict: Exclude<Verdict, { kind: 'discard' }>;
  outcome: ProbeOutcome;
}

/** Options of `GeneratedSuite.verify`. */
export interface VerifyOptions {
  runSuite: typeof runSuite;
  timeoutMs: number;
  signal?: AbortSignal;
}

/**
 * The generated tests, rendered in the project's runner and style (kit/testfile) into a copy of
 * the target, type-checked (TypeScript) or parsed (JavaScript), and run with the project's own
 * runner under coverage (kit/suite): a characterisation test is kept when it passes, a
 * defect-exposing test when it fails.
 */
export class GeneratedSuite {
  readonly kept: CandidateTest[];
  readonly dropped: Record<string, number>;
  readonly compileRate: number;
  readonly coverage: CoverageMap | undefined;
  readonly notes: string[];
  readonly #style: TestFileStyle;

  private constructor(kept: CandidateTest[], dropped: Record<string, number>, compileRate: number, coverage: CoverageMap | undefined, notes: string[], style: TestFileStyle) {
    this.kept = kept;
    this.dropped = dropped;
    this.compileRate = compileRate;
    this.coverage = coverage;
    this.notes = notes;
    this.#style = style;
  }

  /** Renders, compiles and runs `candidates` in `copy`; see the class comment. */
  static async verify(copy: TargetCopy, candidates: readonly CandidateTest[], style: TestFileStyle, options: VerifyOptions): Promise<GeneratedSuite> {
    const dropped: Record<string, number> = {};
    const drop = (why: string): void => {
      dropped[why] = (dropped[why] ?? 0) + 1;
    };
    const notes: string[] = [];
    if (candidates.length === 0) return new GeneratedSuite([], dropped, 1, undefined, notes, style);
    let files = render(candidates, style);
    const environment = new Set<string>();
    const firstErrors: string[] = [];
    const broken = typeErrors(copy, files, style, environment, firstErrors);
    if (environment.size > 0) notes.push(`type-check set aside what the environment lacks: ${[...environment].slice(0, 3).join('; ')}`);
    const compiledFiles = files.filter((f) => !broken.has(f.file.path) || broken.get(f.file.path)!.size < f.tests.length).length;
    const compileRate = files.length === 0 ? 1 : files.filter((f) => !broken.has(f.file.path)).length / files.length;
    const alive = candidates.filter((c) => {
      const file = files.find((f) => f.tests.some((t) => t.candidate === c));
      const ok = !(file && broken.get(file.file.path)?.has(c));
      if (!ok) drop('does not compile');
      return ok;
    });
    if (compiledFiles < files.length) notes.push(`${files.length - compiledFiles} generated test files did not compile at all (${firstErrors.slice(0, 2).join('; ')})`);
    const run = async (list: readonly CandidateTest[]): Promise<{ results: TestCaseResult[]; coverage: CoverageMap | undefined; rendered: RenderedFile[] }> => {
      const rendered = render(list, style);
      for (const f of rendered) {
        await mkdir(dirname(copy.path(f.file.path)), { recursive: true });
        await writeFile(copy.path(f.file.path), f.file.content);
      }
      const target = await copy.open();
      try {
        const suite = await options.runSuite(target, { files: rendered.map((f) => f.file.path), coverage: true, timeoutMs: options.timeoutMs, ...(options.signal === undefined ? {} : { signal: options.signal }) });
        notes.push(...suite.notes.map((n) => `generated suite: ${n}`));
        return { results: suite.tests, coverage: suite.coverage, rendered };
      } catch (error) {
        if (error instanceof AgentError && error.code === 'ABORTED') throw error;
        notes.push(`the project's runner could not run the generated tests: ${error instanceof Error ? error.message : String(error)}`);
        return { results: [], coverage: undefined, rendered };
      }
    };
    let { results, coverage, rendered } = await run(alive);
    files = rendered;
    const status = (c: CandidateTest): TestCaseResult['status'] | undefined => {
      const file = files.find((f) => f.tests.some((t) => t.candidate === c));
      const name = file?.tests.find((t) => t.candidate === c)?.name ?? '';
      return results.find((r) => r.file === file?.file.path && (r.title === name || r.name.endsWith(name)))?.status;
    };
    const kept: CandidateTest[] = [];
    let characterisationDropped = false;
    for (const c of alive) {
      const s = status(c);
      if (s === undefined) drop('not reported by the runner');
      else if (c.verdict.kind === 'defect' ? s === 'failed' : s === 'passed') kept.push(c);
      else drop(c.verdict.kind === 'defect' ? 'defect not reproduced by the runner' : 'fails in the runner');
      if (c.verdict.kind === 'characterise' && s !== 'passed') characterisationDropped = true;
    }
    // Coverage is the kept tests' own: rerun without the dropped ones when there were some.
    if (characterisationDropped && kept.length > 0) {
      const again = await run(kept);
      if (again.coverage !== undefined) coverage = again.coverage;
      else notes.push('the rerun of the kept tests alone gave no coverage: coverage added is that of the first run (dropped tests included)');
    }
    return new GeneratedSuite(kept, dropped, compileRate, coverage, notes, style);
  }

  /**
   * Writes the kept tests into `dir` (relative to `root`, or absolute; default the project's test
   * folder); returns the files, root-relative. `passingOnly` leaves out the defect-exposing tests.
   */
  async write(root: string, dir?: string, passingOnly = false): Promise<string[]> {
    const written: string[] = [];
    const chosen = passingOnly ? this.kept.filter((k) => k.verdict.kind === 'characterise') : this.kept;
    for (const spec of specs(chosen).map((s) => s.spec)) written.push((await writeTestFile(root, spec, this.#style, dir)).path);
    return written;
  }
}

interface RenderedFile {
  file: RenderedTestFile;
  tests: Array<{ candidate: CandidateTest; name: string }>;
}

function specs(candidates: readonly CandidateTest[]): Array<{ spec: TestFileSpec; tests: RenderedFile['tests'] }> {
  const byFile = new Map<string, CandidateTest[]>();
  for (const c of candidates) byFile.set(c.case.file, [...(byFile.get(c.case.file) ?? []), c]);
  return [...byFile].map(([module, list]) => {
    const named = new Set<string>();
    let defaultName: string | undefined;
    const names = new Set<string>();
    const tests: RenderedFile['tests'] = [];
    const cases: TestCase[] = list.map((candidate) => {
      const c = candidate.case;
      for (const i of c.imports) {
        if (i.name === 'default') defaultName = i.local;
        else named.add(i.name);
      }
      let name = candidate.verdict.kind === 'defect' ? `exposes ${candidate.verdict.violation.rule}: ${c.title}` : c.title;
      for (let n = 2; names.has(name); n += 1) name = `${c.title} #${n}`;
      names.add(name);
      tests.push({ candidate, name });
      const assertion = candidate.verdict.kind === 'defect' ? candidate.verdict.violation.assertion : candidate.verdict.assertion;
      const async = c.awaitAct || c.setup.some((s) => /\bawait\b/.test(s));
      return {
        name,
        setup: c.setup,
        assertions: [assertion],
        async,
        ...(candidate.verdict.kind === 'defect' ? { comment: `Fails on the current code: expected ${candidate.verdict.violation.expected}.` } : {}),
      };
    });
    const spec: TestFileSpec = {
      module,
      imports: { ...(named.size > 0 ? { named: [...named] } : {}), ...(defaultName === undefined ? {} : { default: defaultName }) },
      cases,
      header: 'Generated by @qe-fleet/agents unit-test-generator: characterisation tests pin the current behaviour; "exposes" tests fail until the defect is fixed.',
      baseName: `${module.split('/').pop()!.replace(/\.[cm]?[jt]sx?$/, '')}.qe-unit`,
    };
    return { spec, tests };
  });
}

function render(candidates: readonly CandidateTest[], style: TestFileStyle): RenderedFile[] {
  return specs(candidates).map(({ spec, tests }) => ({ file: renderTestFile(spec, style), tests }));
}

/** Per rendered file, the candidates whose test has a type error (TypeScript) or a syntax error. */
function typeErrors(copy: TargetCopy, files: readonly RenderedFile[], style: TestFileStyle, environment: Set<string>, firstErrors: string[]): Map<string, Set<CandidateTest>> {
  const check = typeCheckTests(new Map(files.map((f) => [copy.path(f.file.path), f.file.content])), style.language, copy.dir);
  for (const e of check.environment) environment.add(e);
  const broken = new Map<string, Set<CandidateTest>>();
  for (const f of files) {
    const lines = f.file.content.split('\n');
    const starts = f.tests.map((t) => ({ t, line: lines.findIndex((l) => l.includes(t.name) || l.includes(JSON.stringify(t.name).slice(1, -1))) }));
    const errors = check.errors.get(copy.path(f.file.path)) ?? [];
    if (errors[0]) firstErrors.push(`${f.file.path}:${errors[0].line + 1}: ${errors[0].message.slice(0, 160)}`);
    for (const error of errors) {
      const owner = starts.filter((s) => s.line >= 0 && s.line <= error.line).at(-1);
      const set = broken.get(f.file.path) ?? new Set<CandidateTest>();
      // An error before the first test (the imports) breaks every test of the file.
      for (const t of owner ? [owner.t] : f.tests) set.add(t.candidate);
      broken.set(f.file.path, set);
    }
  }
  return broken;
}
