import { FIXED_UUID, RESPONSE_SAMPLE } from './findBoundaries.js';
import type { AmbientUse, BoundaryOwner, DoubleReturn } from './findBoundaries.js';
import { countOf } from './renderDoubles.js';
import type { MockLibrary } from './renderDoubles.js';

/** The instant doubled clocks (`Date`, fake timers) stand still at. */
export const FIXED_NOW = '2024-01-01T00:00:00.000Z';

/** What `Math.random` doubles return. */
export const FIXED_RANDOM = 0.5;

/** Modules whose functions are doubled (by replacing them on the built-in module and re-syncing its ESM exports). */
const DOUBLED_MODULES = new Set<AmbientUse['api']>(['fs', 'crypto', 'child_process']);

/** `child_process` functions that start a process and hand back a ChildProcess (exec and execFile also take a callback). */
const STARTS_CHILD = new Set(['spawn', 'fork', 'exec', 'execFile']);

/**
 * A function standing for `spawn`, `fork`, `exec` or `execFile`: it returns a child that succeeds
 * at once with no output (events `spawn`, `exit` and `close` with code 0, ended stdout and stderr
 * streams) and calls a trailing callback with `(null, '', '')`, on the next tick, after the caller
 * has attached its listeners.
 */
function fakeChildProcess(typed: boolean): string {
  const any = typed ? ': any[]' : '';
  return [
    `((...args${any}) => {`,
    " const { EventEmitter } = process.getBuiltinModule('node:events');",
    " const { PassThrough } = process.getBuiltinModule('node:stream');",
    ' const child = Object.assign(new EventEmitter(), { pid: 0, exitCode: 0, signalCode: null, killed: false, stdin: new PassThrough(), stdout: new PassThrough(), stderr: new PassThrough(), kill: () => true });',
    " const done = [...args].reverse().find((a) => typeof a === 'function');",
    " process.nextTick(() => { child.stdout.end(); child.stderr.end(); child.emit('spawn'); child.emit('exit', 0, null); child.emit('close', 0, null); if (done) done(null, '', ''); });",
    ' return child;',
    ' })',
  ].join('');
}

/** Doubles of the ambient side effects an owner uses, as probe JavaScript and as the project's mocking library. */
export interface RenderedAmbient {
  /** The side effects doubled (`fetch`, `Date`, `Math.random`, `crypto.randomUUID`, `setTimeout`, `node:fs/promises.readFile`). */
  doubled: string[];
  /** Side effects the owner calls that no double stands for (network, child processes): the owner is not exercised. */
  blocked: string[];
  probe: string[];
  test: string[];
  /** Test statements restoring the real globals and modules, whatever the test did. */
  teardown: string[];
  /** Statement that runs pending fake timers (async), when timers are doubled. */
  settle?: string;
  counters: Array<{ name: string; variable: string; countExpr: string }>;
}

/**
 * Doubles for the ambient side effects an owner calls: `fetch` resolving to a fresh JSON
 * response, `Math.random` and `crypto.randomUUID` returning fixed values, a clock standing still
 * (`Date`) and fake `setTimeout` the test runs out, and functions of `fs` and `crypto` replaced on
 * the built-in module (re-synced with `syncBuiltinESMExports`, so ESM named imports see them too).
 * Tests use the runner's idioms (`vi.stubGlobal`, `vi.useFakeTimers`, `jest.spyOn`, sinon stubs
 * and fake timers, `node:test` `mock.method` and `mock.timers`) and restore everything in `finally`.
 */
export function renderAmbient(owner: BoundaryOwner, library: MockLibrary, typed: boolean): RenderedAmbient {
  const cast = (as: string): string => (typed ? ` as ${as}` : '');
  const out: RenderedAmbient = { doubled: [], blocked: [], probe: [], test: [], teardown: [], counters: [] };
  const calls = owner.ambient.filter((a) => a.member !== undefined);
  const seen = new Set<string>();
  let clock = false;
  let timers = false;
  let modules = false;
  for (const a of calls) {
    const key = a.module ? `${a.module}.${a.member}` : a.member!;
    if (seen.has(key)) continue;
    seen.add(key);
    if (a.module !== undefined) {
      if (!DOUBLED_MODULES.has(a.api) || a.loadBound) {
        out.blocked.push(a.loadBound ? `${key} (destructured from require() at load)` : key);
        continue;
      }
      const mod = `__${a.module.replace(/^node:/, '').replace(/\W/g, '_')}`;
      const variable = `${a.module.replace(/^node:/, '').replace(/\W+(\w)/g, (_m, c: string) => c.toUpperCase())}${cap(a.member!)}`;
      const returns = a.returns?.sample === 'undefined' && a.returns.kind !== 'void' ? knownReturn(a) ?? a.returns : a.returns ?? knownReturn(a) ?? { kind: 'value' as const, sample: 'undefined' };
      const value = returns.kind === 'void' ? 'undefined' : returns.sample;
      if (!out.probe.some((l) => l.startsWith(`const ${mod} `))) {
        out.probe.push(`const ${mod} = process.getBuiltinModule(${JSON.stringify(a.module)});`);
        out.test.push(`const ${mod} = process.getBuiltinModule(${JSON.stringify(a.module)});`);
      }
      const child = a.api === 'child_process' && STARTS_CHILD.has(a.member!);
      // A child is made per call (`fresh`): each caller gets its own events.
      const fake = child ? `'value', false, ${fakeChildProcess(false)}, true` : `${JSON.stringify(returns.kind)}, false, ${value}`;
      out.probe.push(`__stub(${mod}, ${JSON.stringify(a.member)}, __fake(${JSON.stringify(key)}, ${fake}));`);
      // The module's overloads (`readFile` with and without an encoding) accept no single fake type.
      const impl = `${child ? fakeChildProcess(typed) : `(${returns.kind === 'promise' ? 'async ' : ''}() => ${wrap(value)})`}${cast('never')}`;
      out.test.push(`const ${variable} = ${spy(library, mod, a.member!, impl)};`);
      out.counters.push({ name: key, variable, countExpr: countOf(library, variable) });
      out.doubled.push(key);
      modules = true;
      continue;
    }
    switch (a.api) {
      case 'fetch': {
        out.probe.push(`__stub(globalThis, 'fetch', __fake('fetch', 'promise', false, () => ${RESPONSE_SAMPLE}, true));`);
        out.test.push(`const fetchDouble = ${library === 'vitest' ? `vi.fn(async () => ${RESPONSE_SAMPLE})` : spy(library, 'globalThis', 'fetch', `async () => ${RESPONSE_SAMPLE}`)};`);
        if (library === 'vitest') out.test.push("vi.stubGlobal('fetch', fetchDouble);");
        out.counters.push({ name: 'fetch', variable: 'fetchDouble', countExpr: countOf(library, 'fetchDouble') });
        break;
      }
      case 'Math.random':
        out.probe.push(`__stub(Math, 'random', __fake('Math.random', 'value', false, ${FIXED_RANDOM}));`);
        out.test.push(`const randomDouble = ${spy(library, 'Math', 'random', `() => ${FIXED_RANDOM}`)};`);
        out.counters.push({ name: 'Math.random', variable: 'randomDouble', countExpr: countOf(library, 'randomDouble') });
        break;
      case 'crypto':
        if (a.member !== 'randomUUID') {
          out.blocked.push(`crypto.${a.member}`);
          continue;
        }
        out.probe.push(`__stub(globalThis.crypto, 'randomUUID', __fake('crypto.randomUUID', 'value', false, '${FIXED_UUID}'));`);
        out.test.push(`const randomUUIDDouble = ${spy(library, 'crypto', 'randomUUID', `() => '${FIXED_UUID}'${cast('const')}`)};`);
        out.counters.push({ name: 'crypto.randomUUID', variable: 'randomUUIDDouble', countExpr: countOf(library, 'randomUUIDDouble') });
        break;
      case 'Date':
        clock = true;
        break;
      case 'timers':
        // An interval never runs out: running every fake timer would not end.
        if (a.member === 'setInterval') out.blocked.push('setInterval');
        else timers = true;
        break;
      default:
        out.blocked.push(key);
        continue;
    }
    if (a.api !== 'Date' && a.api !== 'timers') out.doubled.push(a.api === 'crypto' ? 'crypto.randomUUID' : a.api);
  }
  if (clock) {
    out.probe.push(`const __RealDate = Date; const __fixed = __RealDate.parse('${FIXED_NOW}');`, "__stub(globalThis, 'Date', class extends __RealDate { constructor(...a) { if (a.length === 0) super(__fixed); else super(...a); } static now() { return __fixed; } });");
    out.doubled.push('Date');
  }
  if (timers) {
    // The probe runs timers at once; the test runs them out with the fake clock.
    out.probe.push("const __realSetTimeout = setTimeout; __stub(globalThis, 'setTimeout', (fn, _ms, ...args) => __realSetTimeout(fn, 0, ...args));");
    out.doubled.push('setTimeout');
  }
  if (clock || timers) {
    const faked = [...(clock ? ['Date'] : []), ...(timers ? ['setTimeout', 'clearTimeout'] : [])];
    const fake = fakeClock(library, faked);
    out.test.push(fake.start);
    if (timers) out.settle = fake.run;
  }
  // The doubles are declared inside the test's `try`: the teardown restores every one without naming them.
  if (out.doubled.length > 0) out.teardown.push(...restoreAll(library, clock || timers));
  if (modules) out.teardown.push("process.getBuiltinModule('node:module').syncBuiltinESMExports();");
  if (modules) {
    out.probe.push("process.getBuiltinModule('node:module').syncBuiltinESMExports();");
    out.test.push("process.getBuiltinModule('node:module').syncBuiltinESMExports();");
  }
  return out;
}

function cap(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

function wrap(sample: string): string {
  return sample.startsWith('{') ? `(${sample})` : sample;
}

/** A stub of `object[key]` with `impl` whose calls are counted. */
function spy(library: MockLibrary, object: string, key: string, impl: string): string {
  switch (library) {
    case 'vitest':
      return `vi.spyOn(${object}, '${key}').mockImplementation(${impl})`;
    case 'jest':
      return `jest.spyOn(${object}, '${key}').mockImplementation(${impl})`;
    case 'sinon':
      return `sinon.stub(${object}, '${key}').callsFake(${impl})`;
    case 'node-test':
      return `mock.method(${object}, '${key}', ${impl})`;
  }
}

function restoreAll(library: MockLibrary, clock: boolean): string[] {
  switch (library) {
    case 'vitest':
      return ['vi.restoreAllMocks();', 'vi.unstubAllGlobals();', ...(clock ? ['vi.useRealTimers();'] : [])];
    case 'jest':
      return ['jest.restoreAllMocks();', ...(clock ? ['jest.useRealTimers();'] : [])];
    case 'sinon':
      // The default sandbox holds the stubs and the fake clock.
      return ['sinon.restore();'];
    case 'node-test':
      return ['mock.restoreAll();', ...(clock ? ['mock.timers.reset();'] : [])];
  }
}


function fakeClock(library: MockLibrary, faked: string[]): { start: string; run: string } {
  const now = `new Date('${FIXED_NOW}')`;
  const list = faked.map((f) => `'${f}'`).join(', ');
  switch (library) {
    case 'vitest':
      return { start: `vi.useFakeTimers({ now: ${now}, toFake: [${list}] });`, run: 'await vi.runAllTimersAsync();' };
    case 'jest':
      return { start: `jest.useFakeTimers({ now: ${now} });`, run: 'await jest.runAllTimersAsync();' };
    case 'sinon':
      return { start: `const clock = sinon.useFakeTimers({ now: ${now}, toFake: [${list}] });`, run: 'await clock.runAllAsync();' };
    case 'node-test':
      return { start: `mock.timers.enable({ apis: [${faked.filter((f) => f !== 'clearTimeout').map((f) => `'${f}'`).join(', ')}], now: ${now} });`, run: 'mock.timers.runAll();' };
  }
}

/**
 * What common fs, crypto and child_process functions return, for a project whose types do not
 * resolve (no `@types/node`): the checker then says `any` and the double would hand back `undefined`.
 */
function knownReturn(a: AmbientUse): DoubleReturn | undefined {
  const member = a.member ?? '';
  const promise = /promises$/.test(a.module ?? '');
  const sync = member.endsWith('Sync');
  if (!promise && !sync && a.api === 'fs') return undefined;
  const kind = promise ? 'promise' : 'value';
  const base = member.replace(/Sync$/, '');
  if (base === 'readFile' || base === 'readlink' || base === 'realpath') return { kind, sample: "''" };
  if (base === 'readdir') return { kind, sample: '[]' };
  if (base === 'exists' || base === 'access') return { kind, sample: base === 'exists' ? 'true' : 'undefined' };
  if (/^(write|append|mkdir|rm|unlink|rename|copy|chmod)/.test(base)) return { kind: promise ? 'promise' : 'void', sample: 'undefined' };
  if (base === 'randomUUID') return { kind: 'value', sample: `'${FIXED_UUID}'` };
  if (base === 'execFile' || base === 'exec') return { kind: 'value', sample: "''" };
  if (base === 'spawn') return { kind: 'value', sample: "{ pid: 0, output: [null, '', ''], stdout: '', stderr: '', status: 0, signal: null }" };
  return undefined;
}
