import type { ProbeCase } from '../kit/probe/CaseProbe.js';
import { findAccumulators } from '../kit/probe/findAccumulators.js';
import { sampleValues } from '../kit/probe/sampleValues.js';
import type { ExportedClass, ExportedFunction, MethodShape, ParameterShape } from '../kit/typescript/extractExports.js';
import type { BoundaryOwner } from './findBoundaries.js';
import { PROBE_OBSERVE, START_FAILING, renderDoubles } from './renderDoubles.js';
import type { DoubleMode, MockLibrary, RenderedDoubles } from './renderDoubles.js';
import { renderAmbient } from './renderAmbient.js';
import type { RenderedAmbient } from './renderAmbient.js';
import type { TestFileStyle } from '../kit/testfile/TestFileStyle.js';
import type { CallExample } from '../kit/typescript/callExamples.js';

/** A sample test using the doubles of one owner, with the probe case that observes it first. */
export interface MockCase extends ProbeCase {
  owner: BoundaryOwner;
  /** The method (class owners) or function exercised, and its declaration line. */
  subject: { name: string; line: number };
  /** The method's name for call-site lookups (classes). */
  method?: string;
  mode: DoubleMode;
  purpose: 'interaction' | 'accumulate';
  doubles: RenderedDoubles;
  title: string;
  /** Test statements before the assertions (doubles, instance). */
  testSetup: string[];
  /** The call under test as a test expression (without `await`). */
  testCall: string;
  async: boolean;
}

/** Knobs of the planner. */
export interface MockPlanOptions {
  /** Also plan cases whose promise-returning doubles reject. */
  faults: boolean;
  /** The project's own calls of each class owner's constructor or factory (from its tests). */
  examples?: ReadonlyMap<BoundaryOwner, readonly CallExample[]>;
  /** Which of an owner's constructions to use (an index into `constructions`); the first by default. */
  attempt?: ReadonlyMap<BoundaryOwner, number>;
}

/** One way to build an instance of a class owner: the argument list and where it came from. */
export interface Construction {
  args: string;
  from: string;
}

/**
 * Sample tests for every owner with injection points: a fresh instance (or call) built with
 * doubles, each public method called once with typical values (the doubles record the
 * interactions), add-then-count sequences, and with `faults` the same calls with rejecting doubles.
 */
export function planMockCases(owners: readonly BoundaryOwner[], classes: readonly ExportedClass[], functions: readonly ExportedFunction[], library: MockLibrary, style: TestFileStyle, options: MockPlanOptions): { cases: MockCase[]; skipped: string[]; constructions: Map<BoundaryOwner, Construction[]> } {
  const cases: MockCase[] = [];
  const skipped: string[] = [];
  const constructions = new Map<BoundaryOwner, Construction[]>();
  const modes: DoubleMode[] = options.faults ? ['resolve', 'reject'] : ['resolve'];
  for (const owner of owners) {
    const injected = owner.boundaries;
    const ambient = renderAmbient(owner, library, style.language === 'typescript');
    if (ambient.blocked.length > 0) {
      skipped.push(`${owner.name}: calls ${ambient.blocked.join(', ')}, which no double stands for`);
      continue;
    }
    if (injected.length === 0 && ambient.doubled.length === 0) continue;
    // A module that imports fs or child_process may be exercised when every I/O call of the owner goes to a double
    // (its own calls of fs, crypto and child_process are doubled, `blocked` is empty); network modules still rule it out.
    const io = (found: { io: boolean } | undefined): boolean => found?.io === true && owner.ambient.some((a) => a.api === 'network');
    if (owner.kind === 'class') {
      const cls = classes.find((c) => c.name === owner.name && c.file === owner.file);
      if (!cls?.factory || io(cls)) {
        skipped.push(`${owner.name}: ${cls?.io ? 'its module does I/O' : 'no way to make an instance'}`);
        continue;
      }
      for (const mode of modes) {
        const doubles = withAmbient(renderDoubles(injected, library, style, mode), ambient);
        const ways = constructionsOf(cls.factory.params, doubles, options.examples?.get(owner) ?? []);
        if (ways.length === 0) {
          skipped.push(`${owner.name}: a constructor parameter has no generable value`);
          break;
        }
        constructions.set(owner, ways);
        const { args } = ways[Math.min(options.attempt?.get(owner) ?? 0, ways.length - 1)]!;
        const create = `${cls.factory.kind === 'new' ? `new ${cls.name}` : `${cls.factory.async ? 'await ' : ''}${cls.name}.${cls.factory.name}`}(${args})`;
        for (const m of cls.methods) {
          const margs = callArgs(m.params, undefined);
          if (margs === undefined) continue;
          cases.push(methodCase(owner, cls, m, create, `instance.${m.name}(${margs})`, doubles, mode, cases.length));
        }
        if (mode === 'resolve') {
          for (const { adder, amount, counter } of findAccumulators(cls.methods)) {
            const values = adder.params.map((p) => sampleValues(p)[0]?.code);
            if (values.some((v) => v === undefined)) continue;
            const withAmount = (q: number): string => values.map((v, k) => (k === amount ? String(q) : v)).join(', ');
            const wait = adder.async ? 'await ' : '';
            const steps = [`const instance = ${create};`, `const before = instance.${counter.name}();`, `${wait}instance.${adder.name}(${withAmount(2)});`, `${wait}instance.${adder.name}(${withAmount(3)});`];
            cases.push({
              id: `m${cases.length}`,
              file: owner.file,
              imports: [{ name: cls.name, local: cls.name }],
              setup: [...doubles.probe, ...steps, 'const __mark = __tracked.length;'],
              act: `instance.${counter.name}() - before`,
              awaitAct: false,
              observe: PROBE_OBSERVE,
              owner,
              subject: { name: `${cls.name}#${adder.name}`, line: adder.line },
              method: adder.name,
              mode,
              purpose: 'accumulate',
              doubles,
              title: `${cls.name}#${adder.name} twice with the same key raises ${counter.name}() by both amounts (with doubles)`,
              testSetup: [...doubles.test, ...steps],
              testCall: `instance.${counter.name}() - before`,
              async: steps.some((s) => s.includes('await ')),
            });
          }
        }
      }
      continue;
    }
    const fn = functions.find((f) => f.name === owner.name && f.file === owner.file);
    if (!fn || io(fn)) {
      skipped.push(`${owner.name}: ${fn?.io ? 'its module does I/O' : 'not a callable export'}`);
      continue;
    }
    // Rejecting doubles exist for injected collaborators only.
    for (const mode of injected.length > 0 ? modes : ['resolve' as const]) {
      const doubles = withAmbient(renderDoubles(injected, library, style, mode), ambient);
      const args = callArgs(fn.params, doubles);
      if (args === undefined) {
        skipped.push(`${owner.name}: a parameter has no generable value`);
        break;
      }
      const local = fn.name === 'default' ? defaultLocal(fn.file) : fn.name;
      const call = `${local}(${args})`;
      // Fake timers: the call starts, its timers are run out, then its promise is awaited.
      const pending = doubles.settle !== undefined && fn.async;
      cases.push({
        id: `m${cases.length}`,
        file: owner.file,
        imports: [{ name: fn.name, local }],
        setup: [...doubles.probe, ...(mode === 'reject' ? [START_FAILING.probe] : []), 'const __mark = __tracked.length;'],
        act: call,
        awaitAct: fn.async,
        observe: PROBE_OBSERVE,
        owner,
        subject: { name: fn.name, line: fn.line },
        mode,
        purpose: 'interaction',
        doubles,
        title: `${fn.name} with ${mode === 'reject' ? 'failing ' : ''}doubles of ${[...owner.boundaries.map((b) => b.param), ...doubles.ambient].join(', ')}`,
        testSetup: [...doubles.test, ...(mode === 'reject' ? [START_FAILING.test] : []), ...(pending ? [`const pending = ${call};`, doubles.settle!] : [])],
        testCall: pending ? 'pending' : call,
        async: fn.async,
      });
    }
  }
  return { cases, skipped, constructions };
}

function methodCase(owner: BoundaryOwner, cls: ExportedClass, m: MethodShape, create: string, call: string, doubles: RenderedDoubles, mode: DoubleMode, n: number): MockCase {
  return {
    id: `m${n}`,
    file: owner.file,
    imports: [{ name: cls.name, local: cls.name }],
    setup: [...doubles.probe, `const instance = ${create};`, ...(mode === 'reject' ? [START_FAILING.probe] : []), 'const __mark = __tracked.length;'],
    act: call,
    awaitAct: m.async,
    observe: PROBE_OBSERVE,
    owner,
    subject: { name: `${cls.name}#${m.name}`, line: m.line },
    method: m.name,
    mode,
    purpose: 'interaction',
    doubles,
    title: `${cls.name}#${m.name} with ${mode === 'reject' ? 'failing ' : ''}doubles of ${[...owner.boundaries.map((b) => b.param), ...doubles.ambient].join(', ')}`,
    testSetup: [...doubles.test, `const instance = ${create};`, ...(mode === 'reject' ? [START_FAILING.test] : [])],
    testCall: call,
    async: m.async || create.startsWith('await ') || create.includes(' await '),
  };
}

/**
 * The ways to build an instance, tried in this order until one gets past the constructor's own
 * checks: typical values for every parameter, the project's own calls (up to three, doubles at the
 * injection points), then the required parameters alone.
 */
function constructionsOf(params: readonly ParameterShape[], doubles: RenderedDoubles, examples: readonly CallExample[]): Construction[] {
  const ways: Construction[] = [];
  const add = (args: string | undefined, from: string): void => {
    if (args !== undefined && !ways.some((w) => w.args === args)) ways.push({ args, from });
  };
  add(callArgs(params, doubles), 'typical values');
  let taken = 0;
  for (const ex of examples) {
    if (taken === 3) break;
    const length = Math.max(ex.args.length, ...[...doubles.args.keys()].map((i) => i + 1));
    const args = Array.from({ length }, (_, i) => doubles.args.get(i) ?? (i < ex.args.length ? ex.args[i] : 'undefined'));
    if (args.some((a) => a === undefined)) continue;
    const before = ways.length;
    add(args.join(', '), `the project's call at ${ex.where}`);
    taken += ways.length - before;
  }
  add(callArgs(params, doubles, true), 'required parameters only');
  return ways;
}

/** Argument list: doubles at their indexes, typical values elsewhere (required parameters only with `requiredOnly`); optional trailing parameters left out. */
function callArgs(params: readonly ParameterShape[], doubles: RenderedDoubles | undefined, requiredOnly = false): string | undefined {
  const args: string[] = [];
  for (const [i, p] of params.entries()) {
    const code = doubles?.args.get(i) ?? (requiredOnly && p.optional ? undefined : sampleValues(p)[0]?.code);
    if (code === undefined) {
      if (p.optional && params.slice(i).every((q, k) => q.optional && doubles?.args.get(i + k) === undefined)) break;
      if (p.optional) {
        args.push('undefined');
        continue;
      }
      return undefined;
    }
    args.push(code);
  }
  return args.join(', ');
}

/** The injected doubles with the ambient ones added (probe and test statements, counters, teardown). */
function withAmbient(doubles: RenderedDoubles, ambient: RenderedAmbient): RenderedDoubles {
  if (ambient.doubled.length === 0) return doubles;
  return {
    ...doubles,
    probe: [...doubles.probe, ...ambient.probe],
    test: [...doubles.test, ...ambient.test],
    counters: [...doubles.counters, ...ambient.counters],
    ambient: ambient.doubled,
    teardown: ambient.teardown,
    ...(ambient.settle === undefined ? {} : { settle: ambient.settle }),
  };
}

/** The local name of a module's default export (`default` is no identifier): `delay` for `utils/delay.ts`, `indexDefault` for `index.ts`. */
export function defaultLocal(file: string): string {
  const base = (file.split('/').pop() ?? file).replace(/\.[cm]?[jt]sx?$/, '').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase());
  const id = /^[A-Za-z_$]/.test(base) ? base : `_${base}`;
  return base === 'index' ? 'indexDefault' : id;
}
