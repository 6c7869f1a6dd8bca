import type { TestFileStyle } from '../kit/testfile/TestFileStyle.js';
import type { Boundary, DoubleReturn } from './findBoundaries.js';

/** The mocking API a sample test uses: the runner's own, else sinon when the project has it, else `node:test`'s `mock`. */
export type MockLibrary = 'vitest' | 'jest' | 'sinon' | 'node-test';

/** How doubles are failing or not in a case. */
export type DoubleMode = 'resolve' | 'reject';

/** Statement that turns failing doubles on (probe and test), after the instance under test is made. */
export const START_FAILING = { probe: '__failing = true;', test: 'failing = true;' };

/** Source of the doubles of one owner, for the probe (plain JavaScript recorders) and for a test (the runner's mocks). */
export interface RenderedDoubles {
  /** Statements declaring the probe's recorders and tracked promises (`__calls`, `__tracked`). */
  probe: string[];
  /** Statements declaring the doubles with the mocking library. */
  test: string[];
  /** Argument expressions, by parameter index. */
  args: Map<number, string>;
  /** For each double function: its variable and the expression of its call count in the test. */
  counters: Array<{ name: string; variable: string; countExpr: string }>;
  /** Type names the test file must import (type-only), by their file. */
  types: Array<{ name: string; file: string }>;
  /** Ambient side effects doubled (globals, module functions, the clock). */
  ambient: string[];
  /** Test statements restoring globals and modules (run in `finally`). */
  teardown: string[];
  /** Statement running pending fake timers after the call, when timers are doubled. */
  settle?: string;
}

/** The mocking library for a project: its runner's mocks, else sinon when a dependency, else node:test. */
export function mockLibraryFor(style: TestFileStyle, packageJson: Record<string, unknown>): MockLibrary {
  if (style.runner === 'vitest' || style.runner === 'jest') return style.runner;
  const deps = { ...(packageJson['dependencies'] as Record<string, unknown> | undefined), ...(packageJson['devDependencies'] as Record<string, unknown> | undefined) };
  return 'sinon' in deps ? 'sinon' : 'node-test';
}

/** Import lines of the mocking library, in the test file's module system. */
export function mockImports(library: MockLibrary, esm: boolean): string[] {
  switch (library) {
    case 'vitest':
      return ["import { vi } from 'vitest';"];
    case 'jest':
      return [];
    case 'sinon':
      return [esm ? "import sinon from 'sinon';" : "const sinon = require('sinon');"];
    case 'node-test':
      return [esm ? "import { mock } from 'node:test';" : "const { mock } = require('node:test');"];
  }
}

/** The probe's shared helpers: a call log and promises that know whether anyone ever awaited or handled them. */
export const PROBE_HELPERS = [
  'const __calls = {}; const __tracked = []; let __failing = false; const __restore = [];',
  'class __Tracked extends Promise { then(a, b) { this.__observed = true; return super.then(a, b); } }',
  // `fresh`: `value` makes a new value per call (a response body can be read once).
  "const __fake = (name, ret, reject, value, fresh) => (...args) => { __calls[name] = (__calls[name] ?? 0) + 1; const v = fresh ? value(...args) : value; if (ret === 'promise') { const p = reject && __failing ? __Tracked.reject(new Error('injected failure: ' + name)) : __Tracked.resolve(v); __tracked.push({ name, p }); return p; } return v; };",
  // Globals and module functions replaced for one case, put back when it is observed.
  'const __stub = (object, key, fn) => { const had = Object.getOwnPropertyDescriptor(object, key); object[key] = fn; __restore.push(() => { if (had) Object.defineProperty(object, key, had); else delete object[key]; }); };',
];

/** Expression the probe observes after a case: calls per double and promises nobody awaited or handled. */
export const PROBE_OBSERVE = "(async () => { await new Promise((r) => setImmediate(r)); for (const r of __restore.reverse()) r(); process.getBuiltinModule('node:module').syncBuiltinESMExports(); const fresh = __tracked.slice(__mark); return { calls: { ...__calls }, unobserved: fresh.filter((t) => !t.p.__observed).map((t) => t.name), created: fresh.length }; })()";

/**
 * Doubles for an owner's injection points: recording functions for each interface method and
 * callback, returning a default value of the declared type (promises resolve to it, or reject in
 * `reject` mode), as probe JavaScript and as the project's mocking library.
 */
export function renderDoubles(boundaries: readonly Boundary[], library: MockLibrary, style: TestFileStyle, mode: DoubleMode): RenderedDoubles {
  const probe: string[] = [...PROBE_HELPERS];
  // Failing doubles fail only once the instance exists (`failing = true` after it is made).
  const test: string[] = mode === 'reject' ? ['let failing = false;'] : [];
  const args = new Map<number, string>();
  const counters: RenderedDoubles['counters'] = [];
  const types: RenderedDoubles['types'] = [];
  const typed = style.language === 'typescript';
  for (const b of boundaries) {
    const base = identifier(b.param);
    if (b.kind === 'callback' && b.callback) {
      probe.push(`const ${base} = __fake(${JSON.stringify(base)}, ${JSON.stringify(b.callback.kind)}, ${mode === 'reject'}, ${b.callback.sample});`);
      test.push(`const ${base} = ${fake(library, b.callback, mode)};`);
      counters.push({ name: base, variable: base, countExpr: countOf(library, base) });
      args.set(b.index, base);
      continue;
    }
    const fields: string[] = [];
    for (const m of b.methods) {
      const variable = `${base}${m.name.charAt(0).toUpperCase()}${m.name.slice(1)}`.replace(/[^\w$]/g, '_');
      probe.push(`const ${variable} = __fake(${JSON.stringify(`${b.param}.${m.name}`)}, ${JSON.stringify(m.returns.kind)}, ${mode === 'reject'}, ${m.returns.sample});`);
      test.push(`const ${variable} = ${fake(library, m.returns, mode)};`);
      counters.push({ name: `${b.param}.${m.name}`, variable, countExpr: countOf(library, variable) });
      fields.push(`${/^[A-Za-z_$][\w$]*$/.test(m.name) ? m.name : JSON.stringify(m.name)}: ${variable}`);
    }
    const annotation = typed && b.typeName ? `: ${b.typeName}` : '';
    if (typed && b.typeName && b.typeFile) types.push({ name: b.typeName, file: b.typeFile });
    probe.push(`const ${base} = { ${fields.join(', ')} };`);
    test.push(`const ${base}${annotation} = { ${fields.join(', ')} };`);
    args.set(b.index, base);
  }
  return { probe, test, args, counters, types, ambient: [], teardown: [] };
}

function identifier(name: string): string {
  const id = name.replace(/[^\w$]/g, '_');
  return /^[A-Za-z_$]/.test(id) ? id : `_${id}`;
}

function fake(library: MockLibrary, returns: DoubleReturn, mode: DoubleMode): string {
  const body = returns.kind === 'promise'
    ? mode === 'reject' ? `async () => { if (failing) throw new Error('injected failure'); return ${returns.sample}; }` : `async () => ${wrap(returns.sample)}`
    : returns.kind === 'void' ? '() => undefined' : `() => ${wrap(returns.sample)}`;
  switch (library) {
    case 'vitest':
      return `vi.fn(${body})`;
    case 'jest':
      return `jest.fn(${body})`;
    case 'node-test':
      return `mock.fn(${body})`;
    case 'sinon':
      if (returns.kind === 'promise') return mode === 'reject' ? `sinon.fake(${body})` : `sinon.fake.resolves(${returns.sample})`;
      return returns.kind === 'void' ? 'sinon.fake()' : `sinon.fake.returns(${returns.sample})`;
  }
}

/** An object literal body needs parentheses after an arrow. */
function wrap(sample: string): string {
  return sample.startsWith('{') ? `(${sample})` : sample;
}

/** How the runner's mock library reads a double's call count, as code. */
export function countOf(library: MockLibrary, variable: string): string {
  switch (library) {
    case 'vitest':
    case 'jest':
      return `${variable}.mock.calls.length`;
    case 'node-test':
      return `${variable}.mock.callCount()`;
    case 'sinon':
      return `${variable}.callCount`;
  }
}
