/**
 * A StrykerJS test runner for `node --test` projects (Stryker ships none), written out as plain ES
 * modules next to a run's config because Stryker imports plugins by path in its own child
 * processes. It runs the project's test files with node:test in fresh processes and gives Stryker
 * per-test coverage: a module hook routes the test files' `import … from 'node:test'` to a thin
 * wrapper that sets Stryker's `__stryker__.currentTestId` around each test body, so `coveredBy`
 * and `killedBy` name real tests (`<file> > <full title>`, the names `runSuite` reports).
 */

/** The plugin module (`strykerPlugins`), configured by `qe-node-test.json` beside it. */
export const NODE_TEST_PLUGIN = `// Written by @qe-fleet/agents (kit/mutation): a StrykerJS test runner for node:test.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const config = JSON.parse(readFileSync(new URL('./qe-node-test.json', import.meta.url), 'utf8'));

// The file of each event is the one this process ran: node:test takes a test's file from its caller, which is the wrapper.
function parseEvents(text, file) {
  const tests = [];
  const stack = [];
  for (const line of text.split('\\n')) {
    if (!line.startsWith('{')) continue;
    const e = JSON.parse(line);
    if (e.type === 'test:start') { stack.length = e.nesting; stack.push(e.name); continue; }
    if (e.suite) continue;
    const wrapper = e.nesting === 0 && e.file !== undefined && e.name === e.file;
    if (wrapper && e.type === 'test:pass') continue;
    const name = wrapper ? '(file)' : [...stack.slice(0, e.nesting), e.name].join(' > ');
    tests.push({ id: file + ' > ' + name, name, fileName: file, status: e.skip ? 2 : e.type === 'test:pass' ? 0 : 1, failureMessage: e.error ?? '', timeSpentMs: Math.round(e.durationMs ?? 0) });
  }
  return tests;
}

function runFile(file, env, timeout) {
  const out = mkdtempSync(join(tmpdir(), 'qe-stryker-node-test-'));
  const results = join(out, 'results.jsonl');
  const args = [...config.nodeArgs, '--import', config.hook, '--test', '--test-reporter=' + config.reporter, '--test-reporter-destination=' + results, file];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: process.cwd(), detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...config.env, ...env, QE_STRYKER_COVERAGE_DIR: out } });
    // Its own process group outlives this worker when Stryker is stopped: listed until it closes, for the caller to kill.
    const live = join(config.liveDir, String(child.pid));
    writeFileSync(live, '');
    let output = '';
    const keep = (chunk) => { output = (output + chunk).slice(-4000); };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; try { process.kill(-child.pid, 'SIGKILL'); } catch {} }, Math.max(1, timeout));
    child.on('close', (code) => {
      clearTimeout(timer);
      rmSync(live, { force: true });
      let text = '';
      try { text = readFileSync(results, 'utf8'); } catch {}
      const parts = readdirSync(out).filter((n) => n.startsWith('coverage-')).map((n) => JSON.parse(readFileSync(join(out, n), 'utf8')));
      rmSync(out, { recursive: true, force: true });
      resolve({ code, timedOut, output, tests: parseEvents(text, file), parts });
    });
  });
}

// One node:test process per file, in turn: a file's tests run one after another, so the current test id is unambiguous.
async function runNode(files, env, timeout) {
  const deadline = Date.now() + timeout;
  const run = { code: 0, timedOut: false, hitLimitReached: false, output: '', tests: [], coverage: { static: {}, perTest: {} } };
  for (const file of files) {
    const one = await runFile(file, env, deadline - Date.now());
    if (one.code !== 0) run.code = one.code;
    run.output = (run.output + one.output).slice(-4000);
    run.tests.push(...one.tests);
    for (const part of one.parts) {
      if (part.hitLimitReached) run.hitLimitReached = true;
      const c = part.mutantCoverage ?? {};
      for (const [id, n] of Object.entries(c.static ?? {})) run.coverage.static[id] = (run.coverage.static[id] ?? 0) + n;
      for (const [test, hits] of Object.entries(c.perTest ?? {})) {
        const into = (run.coverage.perTest[test] ??= {});
        for (const [id, n] of Object.entries(hits)) into[id] = (into[id] ?? 0) + n;
      }
    }
    if (one.timedOut) { run.timedOut = true; break; }
    // With a mutant active, the first failing file decides (bail); a dry run needs every file.
    if (env.__STRYKER_ACTIVE_MUTANT__ !== undefined && env.QE_BAIL === '1' && one.tests.some((t) => t.status === 1)) break;
  }
  return run;
}

export class QeNodeTestRunner {
  static inject = ['options'];
  failing = new Set();
  capabilities() { return { reloadEnvironment: true }; }
  async dryRun({ timeout }) {
    const run = await runNode(config.testFiles, {}, Math.max(timeout, config.dryRunTimeoutMs));
    if (run.timedOut) return { status: 'timeout', reason: 'node --test did not finish' };
    if (run.tests.length === 0) return { status: 'error', errorMessage: 'node --test reported no tests (exit ' + run.code + '): ' + run.output };
    // A test that fails with no mutant active (flaky, or a real bug) says nothing about mutants:
    // it is reported as skipped (Stryker would otherwise refuse to start) and its failures ignored.
    this.failing = new Set(run.tests.filter((t) => t.status === 1).map((t) => t.id));
    const tests = run.tests.map((t) => (this.failing.has(t.id) ? { id: t.id, name: t.name, fileName: t.fileName, status: 2, timeSpentMs: t.timeSpentMs } : t));
    return { status: 'complete', tests, mutantCoverage: run.coverage };
  }
  async mutantRun({ activeMutant, testFilter, timeout, hitLimit }) {
    const files = testFilter === undefined ? config.testFiles : [...new Set(testFilter.map((id) => id.slice(0, id.indexOf(' > '))))].filter((f) => f !== '');
    const env = { __STRYKER_ACTIVE_MUTANT__: activeMutant.id, ...(hitLimit === undefined ? {} : { QE_STRYKER_HIT_LIMIT: String(hitLimit) }) };
    const run = await runNode(files.length > 0 ? files : config.testFiles, env, timeout);
    if (run.timedOut || run.hitLimitReached) return { status: 'timeout', reason: run.timedOut ? 'timed out' : 'hit limit reached' };
    const relevant = testFilter === undefined ? run.tests : run.tests.filter((t) => t.name === '(file)' || testFilter.includes(t.id));
    const failed = relevant.filter((t) => t.status === 1 && !this.failing.has(t.id));
    if (failed.length > 0) return { status: 'killed', killedBy: failed.map((t) => t.id), failureMessage: failed[0].failureMessage || 'failed', nrOfTests: relevant.length };
    if (run.tests.length === 0 && run.code !== 0) return { status: 'killed', killedBy: [], failureMessage: run.output, nrOfTests: 0 };
    return { status: 'survived', nrOfTests: relevant.length };
  }
}

export const strykerPlugins = [{ kind: 'TestRunner', name: 'qe-node-test', injectableClass: QeNodeTestRunner }];
`;

/** Preloaded (`--import`) into every test process: installs the module hook and saves Stryker's coverage at exit. */
export const NODE_TEST_HOOK = `// Written by @qe-fleet/agents (kit/mutation).
import { register } from 'node:module';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
register(new URL('./qe-node-test-loader.mjs', import.meta.url));
const ns = (globalThis.__stryker__ ??= {});
if (process.env.QE_STRYKER_HIT_LIMIT) { ns.hitLimit = Number(process.env.QE_STRYKER_HIT_LIMIT); ns.hitCount = 0; }
process.on('exit', () => {
  const dir = process.env.QE_STRYKER_COVERAGE_DIR;
  if (!dir) return;
  const hitLimitReached = ns.hitLimit !== undefined && (ns.hitCount ?? 0) > ns.hitLimit;
  writeFileSync(join(dir, 'coverage-' + process.pid + '.json'), JSON.stringify({ mutantCoverage: ns.mutantCoverage ?? null, hitLimitReached }));
});
`;

/** The module hook: \`node:test\` imported by anything but the wrapper resolves to the wrapper. */
export const NODE_TEST_LOADER = `// Written by @qe-fleet/agents (kit/mutation).
const wrapper = new URL('./qe-node-test-wrapper.mjs', import.meta.url).href;
export async function resolve(specifier, context, next) {
  if ((specifier === 'node:test' || specifier === 'test') && context.parentURL !== wrapper) return { url: wrapper, shortCircuit: true };
  return next(specifier, context);
}
`;

/** node:test with each test body run under Stryker's \`currentTestId\` (\`<file> > <suites > title>\`). */
export const NODE_TEST_WRAPPER = `// Written by @qe-fleet/agents (kit/mutation).
import * as real from 'node:test';
import { relative } from 'node:path';
const ns = (globalThis.__stryker__ ??= {});
const file = relative(process.cwd(), process.argv[1] ?? '').split('\\\\').join('/');
const suites = [];
function args(a, b, c) {
  let name = a, options = b, fn = c;
  if (typeof name === 'function') { fn = name; options = undefined; name = fn.name || '<anonymous>'; }
  else if (typeof name === 'object' && name !== null) { fn = options; options = name; name = (fn && fn.name) || '<anonymous>'; }
  if (typeof options === 'function') { fn = options; options = undefined; }
  return { name: String(name), options, fn };
}
function wrapTest(original) {
  if (typeof original !== 'function') return original;
  const wrapped = function (a, b, c) {
    const { name, options, fn } = args(a, b, c);
    const id = file + ' > ' + [...suites, name].join(' > ');
    if (typeof fn !== 'function') return options === undefined ? original(name) : original(name, options);
    const body = function (...params) {
      ns.currentTestId = id;
      let result;
      try { result = fn.apply(this, params); } catch (error) { ns.currentTestId = undefined; throw error; }
      if (result && typeof result.then === 'function') return result.finally(() => { ns.currentTestId = undefined; });
      ns.currentTestId = undefined;
      return result;
    };
    Object.defineProperty(body, 'length', { value: fn.length });
    return options === undefined ? original(name, body) : original(name, options, body);
  };
  for (const key of ['skip', 'todo', 'only']) if (typeof original[key] === 'function') wrapped[key] = wrapTest(original[key]);
  return wrapped;
}
function wrapSuite(original) {
  if (typeof original !== 'function') return original;
  const wrapped = function (a, b, c) {
    const { name, options, fn } = args(a, b, c);
    if (typeof fn !== 'function') return options === undefined ? original(name) : original(name, options);
    const body = function (...params) {
      suites.push(name);
      try { return fn.apply(this, params); } finally { suites.pop(); }
    };
    return options === undefined ? original(name, body) : original(name, options, body);
  };
  for (const key of ['skip', 'todo', 'only']) if (typeof original[key] === 'function') wrapped[key] = wrapSuite(original[key]);
  return wrapped;
}
export const test = wrapTest(real.test);
export const it = wrapTest(real.it);
export const describe = wrapSuite(real.describe);
export const suite = wrapSuite(real.suite ?? real.describe);
export const { before, after, beforeEach, afterEach, mock, run } = real;
export default test;
`;
