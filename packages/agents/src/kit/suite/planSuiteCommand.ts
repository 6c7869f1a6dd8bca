import { join } from 'node:path';
import type { TestRunnerInfo } from '../target/TargetProfile.js';
import { parseJestJson, parseMochaJson, parseNodeTestEvents, parseTap, parseTape, parseUvu } from './parseReports.js';
import type { ParseContext } from './parseReports.js';
import { escapeRegExp } from './escapeRegExp.js';
import { shellWords, splitCommands, word } from './shellWords.js';
import type { ShellWord } from './shellWords.js';
import type { RunSuiteOptions, TestCaseResult } from './SuiteRun.js';

/** A runner's name as target discovery reports it. */
export type RunnerName = TestRunnerInfo['name'];

/** How one suite run is invoked and read. */
export interface SuitePlan {
  runner: RunnerName;
  /** The shell command, runner flags included (what a user runs to reproduce). */
  command: string;
  /** The same run as a user types it: the project's command without our reporter flags. */
  baseCommand: string;
  /** The file the runner's machine-readable reporter writes; stdout when absent. */
  resultFile?: string;
  /**
   * Variables the project's command sets before the runner (`TZ=UTC jest`, `cross-env NODE_ENV=test
   * mocha`): a tool that drives the runner through its API (Stryker) must set them itself.
   */
  env: Record<string, string>;
  parse(text: string, ctx: ParseContext): TestCaseResult[];
  notes: string[];
  /** The toolkit whose `test` subcommand runs the runner with its own config (`kcd-scripts`), if one does. */
  wrapper?: string;
}

interface RunnerSpec {
  binaries: RegExp;
  /** Toolkits whose `test` subcommand runs this runner with their config and passes our flags on (`kcd-scripts test`). */
  wrappers?: RegExp;
  defaultCommand: string;
  /** Flags that take the next word as their value (so that word is not a file operand). */
  valueFlags: readonly string[];
  /** Flags (and prefixes of flags) removed from the project's command: reporters, coverage, watch. */
  drop: readonly string[];
}

const RUNNERS: Record<RunnerName, RunnerSpec> = {
  vitest: {
    binaries: /^vitest$/,
    defaultCommand: 'vitest run',
    valueFlags: ['--config', '-c', '--reporter', '--outputFile', '--root', '-r', '--dir', '--project', '--pool', '-t', '--testNamePattern', '--environment', '--mode', '--maxWorkers', '--shard'],
    drop: ['--reporter', '--outputFile', '--coverage', '--watch', '-w', '--ui', '--open', '-t', '--testNamePattern', '--sequence.shuffle', '--sequence.seed'],
  },
  jest: {
    binaries: /^jest$/,
    wrappers: /^(kcd-scripts|react-scripts|react-app-rewired|craco|tsdx)$/,
    defaultCommand: 'jest',
    valueFlags: ['-c', '--config', '-t', '--testNamePattern', '--outputFile', '--maxWorkers', '-w', '--reporters', '--testTimeout', '--selectProjects', '--rootDir', '--coverageDirectory', '--seed', '--env', '--testEnvironment', '--shard', '--testPathIgnorePatterns', '--testRegex', '--roots'],
    drop: ['--json', '--outputFile', '--coverage', '--collectCoverage', '--watch', '--watchAll', '-t', '--testNamePattern', '--reporters', '--randomize', '--seed', '--ci'],
  },
  mocha: {
    binaries: /^(mocha|_mocha|ts-mocha)$/,
    defaultCommand: 'mocha',
    valueFlags: ['-r', '--require', '-R', '--reporter', '-O', '--reporter-option', '--reporter-options', '-t', '--timeout', '-u', '--ui', '--config', '--extension', '-g', '--grep', '-f', '--fgrep', '--file', '--ignore', '--spec', '-s', '--slow', '--package', '-j', '--jobs', '-n', '--node-option'],
    drop: ['-R', '--reporter', '-O', '--reporter-option', '--reporter-options', '-g', '--grep', '-f', '--fgrep', '--watch', '-w'],
  },
  ava: {
    binaries: /^ava$/,
    defaultCommand: 'ava',
    valueFlags: ['-m', '--match', '-T', '--timeout', '-c', '--concurrency', '--node-arguments', '--config'],
    drop: ['--tap', '-t', '--verbose', '-v', '-m', '--match', '--watch', '-w'],
  },
  tap: {
    binaries: /^(tap|node-tap)$/,
    defaultCommand: 'tap',
    valueFlags: ['-R', '--reporter', '-t', '--timeout', '-g', '--grep', '--node-arg', '--test-arg', '-c', '--coverage-report'],
    drop: ['-R', '--reporter', '-g', '--grep', '--coverage-report', '--watch', '-w'],
  },
  tape: {
    binaries: /^tape$/,
    // tape runs the files it is given (globs expanded by itself): without a script, the conventional folder.
    defaultCommand: "tape 'test/**/*.js'",
    valueFlags: ['-r', '--require', '-i', '--ignore', '--ignore-pattern'],
    drop: [],
  },
  uvu: {
    binaries: /^uvu$/,
    // uvu's operands are a folder and a pattern: without them it runs test/, tests/ and *.test.* files.
    defaultCommand: 'uvu',
    valueFlags: ['-r', '--require', '-i', '--ignore', '-C', '--cwd'],
    drop: ['-c', '--color', '--no-color', '-b', '--bail'],
  },
  'node-test': {
    binaries: /^node$/,
    defaultCommand: 'node --test',
    valueFlags: ['--import', '--require', '-r', '--loader', '--experimental-loader', '--test-reporter', '--test-reporter-destination', '--test-name-pattern', '--test-concurrency', '--test-timeout', '--conditions', '-C', '--env-file'],
    drop: ['--test-reporter', '--test-reporter-destination', '--experimental-test-coverage', '--test-name-pattern', '--watch'],
  },
};

const ENV_ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

/**
 * The command that runs the project's suite in its own runner with a machine-readable reporter:
 * the runner's part of the package.json script (`xo && ava` → `ava`; a `c8`/`nyc`/`npx` prefix
 * dropped, environment assignments kept), else the runner's plain command; its reporter and
 * coverage flags replaced by ours; file operands replaced by `options.files`.
 */
export function planSuiteCommand(runner: TestRunnerInfo, scriptText: string | undefined, options: RunSuiteOptions, workDir: string, reporterModule: string): SuitePlan {
  const spec = RUNNERS[runner.name];
  const notes: string[] = [];
  const segment = scriptText === undefined ? undefined : splitCommands(scriptText).find((part) => shellWords(part).some((w, i, all) => isRunnerWord(spec, w.value, all, i)));
  const words = shellWords(segment ?? spec.defaultCommand);
  const prefix: ShellWord[] = [];
  let at = 0;
  // Environment assignments and wrappers (`NODE_ENV=test`, `cross-env X=1`, `c8 --reporter=lcov`) come before the runner.
  while (at < words.length && !isRunnerWord(spec, words[at]!.value, words, at)) {
    const w = words[at]!;
    if (ENV_ASSIGNMENT.test(w.value) || /^(cross-env|dotenv|env)$/.test(w.value)) prefix.push(w);
    at++;
  }
  if (at >= words.length) return planSuiteCommand(runner, undefined, options, workDir, reporterModule);
  const binary = words[at]!;
  const wrapped = !spec.binaries.test(binary.value.split('/').pop() ?? binary.value);
  let rest = words.slice(at + (wrapped ? 2 : 1));
  const head: ShellWord[] = wrapped ? [binary, words[at + 1]!] : [binary];
  if (runner.name === 'vitest') {
    // `vitest` alone watches unless CI is set; `run` makes it a one-shot run in any environment.
    if (rest[0]?.value === 'run' || rest[0]?.value === 'related') head.push(rest.shift()!);
    else {
      if (rest[0]?.value === 'watch' || rest[0]?.value === 'dev') rest.shift();
      head.push(word('run'));
    }
  }
  rest = dropFlags(rest, spec);
  if (options.files !== undefined) {
    rest = rest.filter((w, i) => !isOperand(rest, i, spec));
    // uvu takes no file operands: the folder `.` and a pattern its paths must match, which the
    // project's ignore patterns (`-i suites`) must not undo.
    if (runner.name === 'uvu') {
      rest = dropFlags(rest, { ...spec, drop: ['-i', '--ignore'] });
      rest.push(word('.'), word(`^(?:${options.files.map(escapeRegExp).join('|')})$`));
    } else rest.push(...options.files.map(word));
  }
  const resultFile = join(workDir, runner.name === 'node-test' ? 'results.jsonl' : 'results.json');
  const flags = runnerFlags(runner.name, resultFile, options, notes, reporterModule);
  let args: ShellWord[];
  if (runner.name === 'node-test') {
    const test = rest.findIndex((w) => w.value === '--test');
    args = test === -1 ? [word('--test'), ...flags, ...rest] : [...rest.slice(0, test + 1), ...flags, ...rest.slice(test + 1)];
  } else args = [...flags, ...rest];
  const command = [...prefix, ...head, ...args].map((w) => w.raw).join(' ');
  const baseCommand = [...prefix, ...head, ...(runner.name === 'node-test' && !rest.some((w) => w.value === '--test') ? [word('--test')] : []), ...rest].map((w) => w.raw).join(' ');
  const readsStdout = runner.name === 'ava' || runner.name === 'tap' || runner.name === 'tape' || runner.name === 'uvu';
  const env = Object.fromEntries(prefix.filter((w) => ENV_ASSIGNMENT.test(w.value)).map((w) => [w.value.slice(0, w.value.indexOf('=')), w.value.slice(w.value.indexOf('=') + 1)]));
  return {
    runner: runner.name,
    command,
    baseCommand,
    ...(readsStdout ? {} : { resultFile }),
    env,
    parse: PARSERS[runner.name],
    notes,
    ...(wrapped ? { wrapper: binary.value } : {}),
  };
}

const PARSERS: Record<RunnerName, SuitePlan['parse']> = {
  vitest: parseJestJson,
  jest: parseJestJson,
  mocha: parseMochaJson,
  ava: parseTap,
  tap: parseTap,
  tape: parseTape,
  uvu: parseUvu,
  'node-test': parseNodeTestEvents,
};

function runnerFlags(name: RunnerName, resultFile: string, options: RunSuiteOptions, notes: string[], reporterModule: string): ShellWord[] {
  const pattern = options.testNamePattern;
  const seed = options.seed;
  const unshuffled = (): void => {
    if (seed !== undefined) notes.push(`${name} cannot shuffle the test order: seed ${seed} ignored`);
  };
  switch (name) {
    case 'vitest':
      return [
        word('--reporter=json'),
        word(`--outputFile=${resultFile}`),
        ...(pattern === undefined ? [] : [word('-t'), word(pattern)]),
        ...(seed === undefined ? [] : [word('--sequence.shuffle'), word(`--sequence.seed=${seed}`)]),
      ];
    case 'jest':
      return [
        word('--json'),
        word(`--outputFile=${resultFile}`),
        word('--ci'),
        ...(pattern === undefined ? [] : [word('-t'), word(pattern)]),
        ...(seed === undefined ? [] : [word('--randomize'), word(`--seed=${seed}`)]),
      ];
    case 'mocha':
      unshuffled();
      return [word('--reporter'), word('json'), word('--reporter-option'), word(`output=${resultFile}`), ...(pattern === undefined ? [] : [word('--grep'), word(pattern)])];
    case 'ava':
      unshuffled();
      return [word('--tap'), ...(pattern === undefined ? [] : [word('--match'), word(`*${pattern}*`)])];
    case 'tap':
      unshuffled();
      return [word('--reporter=tap'), ...(pattern === undefined ? [] : [word('--grep'), word(pattern)])];
    case 'tape':
      // TAP is tape's only output; it has no option to select tests by name or to shuffle them.
      unshuffled();
      if (pattern !== undefined) notes.push(`tape cannot select tests by name: every test of the files ran (pattern ${pattern})`);
      return [];
    case 'uvu':
      // Its only reporter prints a dot per passing test and names the failing ones; no name filter, no shuffle.
      unshuffled();
      if (pattern !== undefined) notes.push(`uvu cannot select tests by name: every test of the files ran (pattern ${pattern})`);
      return [word('--no-color')];
    case 'node-test':
      unshuffled();
      return [word(`--test-reporter=${reporterModule}`), word(`--test-reporter-destination=${resultFile}`), ...(pattern === undefined ? [] : [word(`--test-name-pattern=${pattern}`)])];
  }
}

function isRunnerWord(spec: RunnerSpec, value: string, words: readonly ShellWord[], index: number): boolean {
  const base = value.split('/').pop() ?? value;
  if (spec.wrappers?.test(base) === true && words[index + 1]?.value === 'test') return true;
  if (!spec.binaries.test(base)) return false;
  // `node` is the runner only with `--test` (`node scripts/build.js` is not a test run).
  return base !== 'node' || words.slice(index + 1).some((w) => w.value === '--test');
}

function flagName(value: string): string {
  return value.includes('=') ? value.slice(0, value.indexOf('=')) : value;
}

function dropFlags(words: ShellWord[], spec: RunnerSpec): ShellWord[] {
  const out: ShellWord[] = [];
  for (let i = 0; i < words.length; i++) {
    const value = words[i]!.value;
    const name = flagName(value);
    const dropped = value.startsWith('-') && spec.drop.some((d) => name === d || name.startsWith(`${d}.`));
    if (!dropped) {
      out.push(words[i]!);
      continue;
    }
    if (!value.includes('=') && spec.valueFlags.includes(name) && words[i + 1] !== undefined) i++;
  }
  return out;
}

function isOperand(words: readonly ShellWord[], index: number, spec: RunnerSpec): boolean {
  const value = words[index]!.value;
  if (value.startsWith('-')) return false;
  const previous = words[index - 1]?.value;
  return previous === undefined || !previous.startsWith('-') || previous.includes('=') || !spec.valueFlags.includes(previous);
}
