import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { findStrategy } from '../kit/agent/AgentCore.js';
import type { AgentCore, AgentReport, AgentRunOptions, AgentStrategy, SkippedSurface } from '../kit/agent/AgentCore.js';
import { AgentError } from '../kit/agent/AgentError.js';
import { dedupeFindings } from '../kit/findings/Finding.js';
import type { Finding } from '../kit/findings/Finding.js';
import { CaseProbe } from '../kit/probe/CaseProbe.js';
import type { ProbeOutcome } from '../kit/probe/CaseProbe.js';
import { detectRunner } from '../kit/suite/detectRunner.js';
import { runSuite } from '../kit/suite/runSuite.js';
import type { TestCaseResult } from '../kit/suite/SuiteRun.js';
import type { Target } from '../kit/target/Target.js';
import { TargetCopy } from '../kit/target/TargetCopy.js';
import { importPath, renderTestFile } from '../kit/testfile/renderTestFile.js';
import type { TestAssertion, TestCase, TestFileSpec } from '../kit/testfile/TestCase.js';
import { detectTestStyle, testFolderFor } from '../kit/testfile/TestFileStyle.js';
import type { TestFileStyle } from '../kit/testfile/TestFileStyle.js';
import { typeCheckTests } from '../kit/testfile/typeCheckTests.js';
import { findCallExamples } from '../kit/typescript/callExamples.js';
import type { ExportedClass } from '../kit/typescript/extractExports.js';
import { extractTargetExports } from '../kit/typescript/extractTargetExports.js';
import { findBoundaries } from './findBoundaries.js';
import type { BoundaryOwner } from './findBoundaries.js';
import { planMockCases } from './planMockCases.js';
import type { MockCase } from './planMockCases.js';
import { mockImports, mockLibraryFor } from './renderDoubles.js';

/** Knobs of a mock-generator strategy. */
export interface MockGeneratorConfig {
  /** Report promises from doubles that the code under test never awaits, handles or returns. */
  trackPromises: boolean;
  /** Also run every call with doubles whose promises reject. */
  faults: boolean;
}

/** The strategies: what the doubles observe. */
export const MOCK_GENERATOR_STRATEGIES: readonly AgentStrategy<MockGeneratorConfig>[] = [
  { name: 'record', description: 'typed recording doubles for every injected interface and callback, a sample test per method asserting the recorded interactions, add-then-count sequences', config: { trackPromises: false, faults: false } },
  { name: 'track-promises', description: 'record + doubles whose promises know whether they were awaited: unawaited collaborator calls', config: { trackPromises: true, faults: false } },
  { name: 'fault-injection', description: 'track-promises + every call again with rejecting doubles: unhandled rejections, errors that must surface', config: { trackPromises: true, faults: true } },
];

/** What the mock generator measured. */
export interface MockGeneratorStats {
  /** Injection points (interface and callback parameters) found. */
  boundaries: number;
  /** Ambient side effects (fetch, Date, Math.random, crypto, timers, fs, network, child_process) found in exported code. */
  ambient: Record<string, number>;
  /** Doubles of injected collaborators and of ambient side effects (per owner). */
  doubles: number;
  /** Of `doubles`, those standing for globals, the clock and module functions (per owner and side effect). */
  ambientDoubles: number;
  sampleTests: number;
  /** Sample tests whose doubles and code type-check (TypeScript) or parse (JavaScript). */
  compiled: number;
  /** Characterisation sample tests that pass in the project's runner. */
  passed: number;
  /** Defect-exposing sample tests that fail in the runner as they should. */
  defectTests: number;
  library: string;
}

/** A mock-generator report. */
export interface MockGeneratorReport extends AgentReport {
  stats: MockGeneratorStats;
  /** The agent's own measure: share of sample tests that compile and behave as expected in the runner. */
  measure: { name: string; value: number };
}

/** Constructor options of `MockGeneratorCore`. */
export interface MockGeneratorCoreOptions {
  /** Write the sample tests into this folder of the target (relative or absolute). Default: nothing is written to the target. */
  writeTestsDir?: string;
  tmpRoot?: string;
  suiteTimeoutMs?: number;
  now?: () => number;
  runSuite?: typeof runSuite;
}

/**
 * Mock generator core: finds each dependency boundary of the target's exported code with the
 * TypeScript type checker (injected interfaces and callbacks; ambient fetch, time, randomness,
 * file system, network), generates typed test doubles in the project's mocking library (vitest
 * `vi.fn`, jest `jest.fn`, sinon, or `node:test` `mock.fn`) and a sample test per method using
 * them, observes each call first with recording doubles (kit/probe), and runs the sample tests in
 * the project's own runner (kit/suite). Defects seen through a double are findings: a
 * collaborator's promise nobody awaits (and the unhandled rejection when it fails), a repeated
 * add that does not accumulate.
 */
export class MockGeneratorCore implements AgentCore {
  readonly id = 'mock-generator';
  readonly strategies = MOCK_GENERATOR_STRATEGIES;
  readonly #options: MockGeneratorCoreOptions;
  readonly #owners = new WeakMap<Target, BoundaryOwner[]>();
  // Strategies share their cases (`track-promises` plans the cases of `record`): a case observed or a set
  // of sample files run once on a target is not probed or run again for the next strategy.
  readonly #observed = new WeakMap<Target, Map<string, ProbeOutcome>>();
  readonly #verified = new WeakMap<Target, Map<string, { compiled: number; passed: number; defectTests: number; notes: string[] }>>();

  constructor(options: MockGeneratorCoreOptions = {}) {
    this.#options = options;
  }

  /** Not applicable when no exported function or class has an injection point or an ambient side effect. */
  notApplicable(target: Target): string | undefined {
    if (target.profile.files.length === 0) return `no JavaScript or TypeScript sources (looked in ${target.profile.sourceRoots.join(', ')})`;
    const owners = this.#boundaries(target);
    return owners.length > 0 ? undefined : 'no exported function or class takes an injected interface, callback or options object with collaborators, or calls fetch, the clock, randomness, timers or fs';
  }

  async run(target: Target, strategyName: string, options: AgentRunOptions = {}): Promise<MockGeneratorReport> {
    const now = this.#options.now ?? Date.now;
    const started = now();
    const { config } = findStrategy(this, strategyName);
    const reason = this.notApplicable(target);
    if (reason !== undefined) throw new AgentError('UNSUPPORTED_TARGET', `not applicable: ${reason}`);
    const notes: string[] = [];
    const skipped: SkippedSurface[] = [];
    const owners = this.#boundaries(target);
    const { sources, extracted } = extractTargetExports(target);
    // A package whose test script is a wrapper: the runner its test files import (kit/suite).
    const style = { ...detectTestStyle(target.dir, target.profile), ...(target.profile.testRunner === undefined && detectRunner(target) ? { runner: detectRunner(target)!.name } : {}) };
    const library = mockLibraryFor(style, target.packageJson);
    const classes = extracted?.classes ?? [];
    const callees = new Map(owners.flatMap((o) => {
      const callee = constructorCallee(classes, o);
      return callee === undefined ? [] : [[o, callee] as const];
    }));
    const calls = findCallExamples(target.dir, target.profile.testFiles, [...callees.values()]);
    const examples = new Map([...callees].map(([o, callee]) => [o, calls.get(callee)!]));
    // An instance whose every case threw while being built is built the next way (the project's own calls, then
    // required parameters only) and probed again; cases already observed are not run twice.
    const attempt = new Map<BoundaryOwner, number>();
    const planned = () => planMockCases(owners, classes, extracted?.functions ?? [], library, style, { faults: config.faults, examples, attempt });
    let plan = planned();
    let outcomes = await this.#observe(target, sources, plan.cases, options.signal);
    for (;;) {
      const unbuilt = (owner: BoundaryOwner): boolean => plan.cases.some((c) => c.owner === owner) && plan.cases.every((c, i) => c.owner !== owner || outcomes[i]!.inSetup === true);
      const retry = [...plan.constructions].filter(([owner, ways]) => (attempt.get(owner) ?? 0) + 1 < ways.length && unbuilt(owner));
      if (retry.length === 0) break;
      for (const [owner] of retry) attempt.set(owner, (attempt.get(owner) ?? 0) + 1);
      plan = planned();
      outcomes = await this.#observe(target, sources, plan.cases, options.signal);
    }
    const { cases } = plan;
    for (const s of plan.skipped) skipped.push({ surface: 'injection point', reason: s });
    const ambient: Record<string, number> = {};
    for (const o of owners) for (const a of o.ambient) ambient[a.api] = (ambient[a.api] ?? 0) + 1;
    const ambientDoubled = new Set(cases.flatMap((c) => c.doubles.ambient.map((a) => `${c.owner.file}:${c.owner.name}:${a}`))).size;
    outcomes = outcomes.map((o, i) => ({ ...o, id: cases[i]!.id }));
    const findings: Finding[] = [];
    const tests: Array<{ c: MockCase; test: TestCase; expectFailure: boolean }> = [];
    const unset = new Set<string>();
    cases.forEach((c, i) => {
      const o = outcomes[i]!;
      if (o.status === 'timeout' || o.status === 'not-run') return;
      // The instance (or other setup) could not be made from generated values: the doubles were never used.
      if (o.inSetup === true) {
        const tried = plan.constructions.get(c.owner)?.map((w) => w.from).join(', ') ?? 'typical values';
        unset.add(`${c.owner.name}: every way of setting it up threw (${tried}); the last: ${o.error?.name ?? 'an error'}: ${o.error?.message.split('\n')[0] ?? ''}; its doubles were not exercised`);
        return;
      }
      const judged = judge(c, o, config);
      findings.push(...judged.findings);
      tests.push({ c, test: judged.test, expectFailure: judged.findings.length > 0 && judged.exposing });
    });
    for (const reason of unset) skipped.push({ surface: 'injection point', reason });
    const verified = await this.#verify(target, tests, style, library, options.signal);
    notes.push(...verified.notes);
    const doubles = new Set(cases.flatMap((c) => [...c.doubles.counters.map((k) => k.name), ...c.doubles.ambient].map((k) => `${c.owner.file}:${c.owner.name}:${k}`))).size;
    const ok = verified.passed + verified.defectTests;
    const measure = tests.length === 0 ? 0 : ok / tests.length;
    notes.push(`${owners.reduce((n, o) => n + o.boundaries.length, 0)} injection points, ${doubles} doubles (${ambientDoubled} of globals, the clock and modules; ${library}), ${tests.length} sample tests: ${verified.compiled} compile, ${verified.passed} pass, ${verified.defectTests} expose a defect`);
    if (this.#options.writeTestsDir !== undefined) {
      const dir = this.#options.writeTestsDir;
      const folder = isAbsolute(dir) ? relative(target.dir, dir).split(sep).join('/') : dir;
      for (const f of verified.files) {
        const rendered = renderTestFile({ ...f.spec, preamble: f.preambleFor(folder) }, style, folder);
        await mkdir(dirname(join(target.dir, rendered.path)), { recursive: true });
        await writeFile(join(target.dir, rendered.path), rendered.content);
        notes.push(`wrote ${rendered.path}`);
      }
    }
    return {
      agentId: this.id,
      strategy: strategyName,
      target: target.dir,
      findings: dedupeFindings(findings),
      durationMs: now() - started,
      coverage: owners.length === 0 ? 0 : owners.filter((o) => cases.some((c) => c.owner === o)).length / owners.length,
      notes,
      ...(skipped.length > 0 ? { skipped } : {}),
      stats: { boundaries: owners.reduce((n, o) => n + o.boundaries.length, 0), ambient, doubles, ambientDoubles: ambientDoubled, sampleTests: tests.length, compiled: verified.compiled, passed: verified.passed, defectTests: verified.defectTests, library },
      measure: { name: 'sample tests that compile and behave as expected', value: measure },
    };
  }

  /** Probe outcomes of `cases`, from this target's earlier observations where the same case was run. */
  async #observe(target: Target, sources: ReturnType<typeof extractTargetExports>['sources'], cases: readonly MockCase[], signal: AbortSignal | undefined): Promise<ProbeOutcome[]> {
    const observed = this.#observed.get(target) ?? new Map<string, ProbeOutcome>();
    this.#observed.set(target, observed);
    const keyOf = (c: MockCase): string => JSON.stringify([c.file, c.imports, c.setup, c.act, c.awaitAct, c.observe]);
    const unseen = cases.filter((c) => !observed.has(keyOf(c)));
    if (unseen.length === 0) return cases.map((c) => observed.get(keyOf(c))!);
    const probe = await CaseProbe.create(target, sources, this.#options.tmpRoot === undefined ? {} : { tmpRoot: this.#options.tmpRoot });
    try {
      const fresh = await probe.run(unseen, { timeoutMs: 120_000, ...(signal === undefined ? {} : { signal }) });
      // A case not run because an earlier one hung is not an observation.
      unseen.forEach((c, i) => fresh[i]!.status !== 'not-run' && observed.set(keyOf(c), fresh[i]!));
      return cases.map((c) => observed.get(keyOf(c)) ?? fresh[unseen.indexOf(c)]!);
    } finally {
      await probe.dispose();
    }
  }

  #boundaries(target: Target): BoundaryOwner[] {
    let owners = this.#owners.get(target);
    if (owners === undefined) {
      owners = findBoundaries(target.dir, target.profile.files.filter((f) => !f.jsx).map((f) => join(target.dir, f.path)));
      this.#owners.set(target, owners);
    }
    return owners;
  }

  async #verify(target: Target, tests: ReadonlyArray<{ c: MockCase; test: TestCase; expectFailure: boolean }>, style: TestFileStyle, library: ReturnType<typeof mockLibraryFor>, signal: AbortSignal | undefined) {
    const esm = style.module === 'esm' || style.runner === 'vitest';
    const byFile = new Map<string, typeof tests[number][]>();
    for (const t of tests) byFile.set(t.c.owner.file, [...(byFile.get(t.c.owner.file) ?? []), t]);
    const files = [...byFile].map(([module, list]) => {
      const folder = testFolderFor(style, module);
      const types = new Map<string, Set<string>>();
      for (const t of list) for (const ty of t.c.doubles.types) types.set(ty.file, new Set([...(types.get(ty.file) ?? []), ty.name]));
      // Type-only imports of the injected interfaces, relative to the folder the file goes in.
      const preambleFor = (dir: string): string[] => [...mockImports(library, esm), ...[...types].map(([file, set]) => `import type { ${[...set].join(', ')} } from '${importPath(`${dir}/x`, file, style)}';`)];
      const names = new Set<string>();
      const cases = list.map((t) => {
        let name = t.test.name;
        for (let n = 2; names.has(name); n += 1) name = `${t.test.name} #${n}`;
        names.add(name);
        return { ...t.test, name };
      });
      const spec: TestFileSpec = {
        module,
        imports: {
          named: [...new Set(list.flatMap((t) => t.c.imports.filter((i) => i.name !== 'default').map((i) => i.name)))],
          ...(list.some((t) => t.c.imports.some((i) => i.name === 'default')) ? { default: list.flatMap((t) => t.c.imports).find((i) => i.name === 'default')!.local } : {}),
        },
        preamble: preambleFor(folder),
        cases,
        header: 'Generated by @qe-fleet/agents mock-generator: typed doubles for the injection points and sample tests using them.',
        baseName: `${module.split('/').pop()!.replace(/\.[cm]?[jt]sx?$/, '')}.qe-mocks`,
      };
      const rendered = renderTestFile(spec, style);
      return { spec, path: rendered.path, content: rendered.content, list, cases, preambleFor };
    });
    const notes: string[] = [];
    if (files.length === 0) return { compiled: 0, passed: 0, defectTests: 0, notes, files };
    const verified = this.#verified.get(target) ?? new Map<string, { compiled: number; passed: number; defectTests: number; notes: string[] }>();
    this.#verified.set(target, verified);
    const key = JSON.stringify(files.map((f) => [f.path, f.content, f.list.map((t) => t.expectFailure)]));
    const known = verified.get(key);
    if (known !== undefined) return { ...known, notes: [...known.notes], files };
    const copy = await TargetCopy.create(target, this.#options.tmpRoot === undefined ? {} : { tmpRoot: this.#options.tmpRoot });
    try {
      const check = typeCheckTests(new Map(files.map((f) => [copy.path(f.path), f.content])), style.language, copy.dir);
      if (check.environment.length > 0) notes.push(`type-check set aside: ${check.environment.slice(0, 2).join('; ')}`);
      let compiled = 0;
      for (const f of files) {
        const lines = f.content.split('\n');
        const errors = check.errors.get(copy.path(f.path)) ?? [];
        for (const c of f.cases) {
          const start = lines.findIndex((l) => l.includes(c.name));
          const end = lines.findIndex((l, k) => k > start && /^\s*\}\)/.test(l));
          if (!errors.some((e) => e.line >= start && e.line <= end) && !errors.some((e) => e.line < (lines.findIndex((l) => l.includes(f.cases[0]!.name)) ?? 0))) compiled += 1;
        }
        for (const e of errors.slice(0, 3)) notes.push(`${f.path}:${e.line + 1}: ${e.message.slice(0, 160)}`);
        await mkdir(dirname(copy.path(f.path)), { recursive: true });
        await writeFile(copy.path(f.path), f.content);
      }
      let results: TestCaseResult[] = [];
      try {
        const run = await (this.#options.runSuite ?? runSuite)(await copy.open(), { files: files.map((f) => f.path), timeoutMs: this.#options.suiteTimeoutMs ?? 180_000, ...(signal === undefined ? {} : { signal }) });
        results = run.tests;
      } catch (error) {
        if (error instanceof AgentError && error.code === 'ABORTED') throw error;
        notes.push(`the project's runner could not run the sample tests: ${error instanceof Error ? error.message : String(error)}`);
      }
      let passed = 0;
      let defectTests = 0;
      for (const f of files) {
        f.cases.forEach((c, k) => {
          const status = results.find((r) => r.file === f.path && (r.title === c.name || r.name.endsWith(c.name)))?.status;
          if (f.list[k]!.expectFailure ? status === 'failed' : status === 'passed') {
            if (f.list[k]!.expectFailure) defectTests += 1;
            else passed += 1;
          }
        });
      }
      // A run that reported nothing (the runner broke, perhaps under load) is tried again by the next strategy.
      if (results.length > 0) verified.set(key, { compiled, passed, defectTests, notes: [...notes] });
      return { compiled, passed, defectTests, notes, files };
    } finally {
      await copy.dispose();
    }
  }
}

/** The callee text of a class owner's constructor or factory as the project writes it (`new Job`, `Job.from`). */
function constructorCallee(classes: readonly ExportedClass[], owner: BoundaryOwner): string | undefined {
  const factory = owner.kind === 'class' ? classes.find((c) => c.name === owner.name && c.file === owner.file)?.factory : undefined;
  return factory === undefined ? undefined : factory.kind === 'new' ? `new ${owner.name}` : `${owner.name}.${factory.name}`;
}

/** Findings of one observed case and the sample test written for it. */
function judge(c: MockCase, o: ProbeOutcome, config: MockGeneratorConfig): { findings: Finding[]; test: TestCase; exposing: boolean } {
  const observed = (o.observed ?? {}) as { calls?: Record<string, number>; unobserved?: string[] };
  const findings: Finding[] = [];
  const callSite = (double: string): number => {
    const method = double.split('.').pop();
    return c.owner.callSites.get(c.method ?? '')?.find((s) => s.method === method)?.line ?? c.subject.line;
  };
  const reproduce = `${c.setup.filter((s) => !s.startsWith('const __') && !s.startsWith('class __')).join(' ')} ${c.act}`.trim();
  if (c.purpose === 'accumulate') {
    // A collaborator method that hands data back (a store's `load`) forgets, as a double, what was saved:
    // when the adder read one, a count that does not accumulate may come from the double, not the code.
    // (Callbacks such as a clock or an id source keep no state the count could depend on.)
    // The adder's own calls (its call sites), not the factory's: `Cart.open` may load before any add.
    const inAdder = new Set((c.owner.callSites.get(c.method ?? '') ?? []).map((s) => s.method));
    const readers = c.owner.boundaries.flatMap((b) => b.methods.filter((m) => m.returns.reads && inAdder.has(m.name)).map((m) => `${b.param}.${m.name}`));
    const readState = readers.some((name) => (observed.calls?.[name] ?? 0) > 0);
    if (o.status === 'returned' && typeof o.raw === 'number' && o.raw !== 5 && !readState) {
      findings.push({ kind: 'logic-bug', severity: 'high', location: { file: c.owner.file, line: c.subject.line }, message: `${c.subject.name}: adding the same key twice (2 then 3) raised the count by ${o.raw}, not 5`, evidence: `with recording doubles of ${c.owner.boundaries.map((b) => b.param).join(', ')}: ${reproduce} === ${o.raw}`, confidence: 0.75, rule: 'mock-generator/add-accumulates', verified: `ran ${reproduce} with recording doubles: ${o.raw}` });
      return { findings, test: { name: `exposes add-accumulates: ${c.title}`, setup: c.testSetup, assertions: [{ kind: 'deepEqual', actual: c.testCall, expectedCode: '5' }], async: c.async, comment: 'Fails on the current code: a repeated add must raise the count by both amounts.' }, exposing: true };
    }
  }
  const returned = o.status === 'returned';
  if (config.trackPromises && returned && c.mode === 'resolve') {
    for (const double of new Set(observed.unobserved ?? [])) {
      findings.push({ kind: 'unawaited-promise', severity: 'medium', location: { file: c.owner.file, line: callSite(double) }, message: `${c.subject.name} calls ${double} and never awaits, handles or returns the promise it gets`, evidence: `a double of ${double} returned a promise nobody called then/catch/finally on after ${reproduce} returned; reproduce with the generated sample test "${c.title}"`, confidence: 0.8, rule: 'mock-generator/unawaited-collaborator-promise', verified: `ran ${reproduce}: the double's promise was never awaited or handled` });
    }
  }
  const rejection = o.unhandled.find((u) => u.message.startsWith('injected failure'));
  if (c.mode === 'reject' && rejection) {
    const double = rejection.message.replace('injected failure: ', '');
    findings.push({ kind: 'unawaited-promise', severity: 'medium', location: { file: c.owner.file, line: callSite(double) }, message: `${c.subject.name}: when ${double} fails, the rejection is unhandled and ${c.subject.name} ${returned ? 'returns normally' : 'fails with something else'}`, evidence: `a double of ${double} rejected with "injected failure"; ${reproduce} ${returned ? 'returned normally' : `threw ${o.error?.name}`} and the process saw an unhandledRejection`, confidence: 0.85, rule: 'mock-generator/unhandled-collaborator-rejection', verified: `ran ${reproduce} with ${double} rejecting: the process saw an unhandledRejection` });
    return { findings, test: { name: `exposes unhandled rejection: ${c.title}`, setup: c.testSetup, assertions: [{ kind: 'throws', call: c.testCall }], async: true, comment: `Fails on the current code: the failure of ${double} must reach the caller.` }, exposing: true };
  }
  const assertions: TestAssertion[] = [];
  const setup = [...c.testSetup];
  const teardown = c.doubles.teardown.length > 0 ? { teardown: c.doubles.teardown } : {};
  const wait = c.awaitAct ? 'await ' : '';
  if (o.status === 'threw') assertions.push({ kind: 'throws', call: c.testCall });
  else if (c.doubles.ambient.length > 0 && o.literal !== undefined) {
    // With the clock, randomness and I/O doubled the result is reproducible: assert it.
    setup.push(`const result = ${wait}${c.testCall};`);
    assertions.push({ kind: 'deepEqual', actual: 'result', expectedCode: o.literal });
  } else setup.push(`${wait}${c.testCall};`);
  for (const k of c.doubles.counters) assertions.push({ kind: 'deepEqual', actual: k.countExpr, expectedCode: String(observed.calls?.[k.name] ?? 0) });
  return { findings, test: { name: c.title, setup, assertions, ...teardown, async: c.async || o.status === 'threw' && c.awaitAct }, exposing: false };
}
