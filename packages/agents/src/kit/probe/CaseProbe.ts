import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import v8ToIstanbul from 'v8-to-istanbul';
import { AgentError } from '../agent/AgentError.js';
import { runProcess } from '../process/runProcess.js';
import type { Target } from '../target/Target.js';
import { TargetWorkspace } from '../target/TargetWorkspace.js';
import { exportAccessSource } from './exportAccessSource.js';
import { PROBE_SCRIPT } from './probeScript.js';

/**
 * One call (or short sequence of calls) to observe on the target's current code. `setup`, `act`
 * and `observe` are JavaScript that is also valid TypeScript, so the same text can go into a test.
 */
export interface ProbeCase {
  id: string;
  /** Target-relative source file whose exports the case uses. */
  file: string;
  /** Exports to bind: `name` as exported (`default` for a default export), `local` as used in the code. */
  imports: Array<{ name: string; local: string }>;
  /** Statements run before `act`. */
  setup: string[];
  /** The expression whose value is observed. */
  act: string;
  /** Await `act` (async functions and methods). */
  awaitAct: boolean;
  /** An expression evaluated after `act` whose value is reported as `observed` (doubles' records). */
  observe?: string;
}

/** An error as the probe saw it. */
export interface ProbeError {
  name: string;
  message: string;
  stack: string;
}

/** What one case did on the current code. */
export interface ProbeOutcome {
  id: string;
  status: 'returned' | 'threw' | 'timeout' | 'not-run';
  /** The value as source code, undefined when it has none a test could assert (class instances, functions). */
  literal?: string;
  /** The value as JSON, non-finite numbers as `{ $number: 'NaN' }`, undefined as `{ $undefined: true }`. */
  raw?: unknown;
  /** `typeof` the value (`null` for null). */
  type?: string;
  observed?: unknown;
  error?: ProbeError;
  /** The error was thrown on purpose by the target (a `throw` or `new …Error` on the throwing line). */
  deliberate?: boolean;
  /** It threw before the act: in the case's setup (a constructor refusing the generated arguments), so the act never ran. */
  inSetup?: boolean;
  /** Rejections nobody handled and exceptions nobody caught while the case ran. */
  unhandled: ProbeError[];
  /** Set by a caller that ran the case twice and got another status or value the second time. */
  varies?: true;
  ms: number;
  /** `file:line` (target-relative) of every source line the case executed. */
  lines: string[];
  /** `file:line` of every branch arm the case took. */
  branches: string[];
}

/** Options of `CaseProbe.run`. */
export interface ProbeRunOptions {
  /** Whole child process (default 60 000 ms). */
  timeoutMs?: number;
  /** One case (default 2 000 ms). */
  caseTimeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * Runs candidate calls on the target's current code in a child process (a `TargetWorkspace` copy,
 * compiled with source maps: the target is never written to) and reports, per case, the value or
 * error and the source lines and branches it executed (V8 precise coverage per case, mapped back to
 * the sources with v8-to-istanbul). Generators use it to write characterisation assertions, to
 * judge outcomes with oracles, and to keep only cases that add coverage.
 */
export class CaseProbe {
  readonly #workspace: TargetWorkspace;
  readonly #sources: readonly string[];

  private constructor(workspace: TargetWorkspace, sources: readonly string[]) {
    this.#workspace = workspace;
    this.#sources = sources;
  }

  /** Copies and compiles the target's `sources` (target-relative) into a temporary workspace. */
  static async create(target: Target, sources: readonly string[], options: { tmpRoot?: string } = {}): Promise<CaseProbe> {
    const workspace = await TargetWorkspace.create({
      targetDir: target.dir,
      sources,
      ...(options.tmpRoot === undefined ? {} : { tmpRoot: options.tmpRoot }),
      packageType: target.profile.packageModule === 'commonjs' ? 'commonjs' : 'module',
    });
    workspace.compile([]);
    return new CaseProbe(workspace, sources);
  }

  /** Absolute path of the compiled JavaScript of a target-relative source. */
  compiledPath(file: string): string {
    return this.#workspace.outPath(join('target', file));
  }

  /** Runs `cases` in one child process; a case that hangs ends the run (the rest are `not-run`). */
  async run(cases: readonly ProbeCase[], options: ProbeRunOptions = {}): Promise<ProbeOutcome[]> {
    if (cases.length === 0) return [];
    const stamp = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    const casesFile = await this.#workspace.write(`probe/cases-${stamp}.mjs`, this.#casesModule(cases));
    const script = await this.#workspace.write('probe/run.mjs', PROBE_SCRIPT);
    const outFile = join(this.#workspace.dir, `probe/out-${stamp}.jsonl`);
    const root = join(this.#workspace.dir, 'out', 'target');
    const result = await runProcess(process.execPath, ['--enable-source-maps', script, casesFile, outFile, root, String(options.caseTimeoutMs ?? 2000)], {
      cwd: this.#workspace.dir,
      timeoutMs: options.timeoutMs ?? 60_000,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    const text = await readFile(outFile, 'utf8').catch(() => '');
    const reported = new Map<string, RawOutcome>();
    for (const line of text.split('\n')) if (line.trim() !== '') reported.set((JSON.parse(line) as RawOutcome).id, JSON.parse(line) as RawOutcome);
    if (reported.size === 0 && result.exitCode !== 0) {
      throw new AgentError('TOOL_FAILED', `the probe of ${cases.length} cases failed (exit ${result.exitCode}${result.timedOut ? ', timed out' : ''}): ${result.stderr.slice(-600)}`);
    }
    const outcomes: ProbeOutcome[] = [];
    const zeroLines = new Set<string>();
    const imported = reported.get('$import');
    if (imported !== undefined) await this.#outcome(imported, zeroLines);
    for (const c of cases) {
      const raw = reported.get(c.id);
      if (raw === undefined) {
        // The case that was running when the child was killed hung; the ones after it never ran.
        const hung = outcomes.length > 0 && outcomes.every((o) => o.status !== 'not-run') && result.timedOut;
        outcomes.push({ id: c.id, status: hung ? 'timeout' : 'not-run', unhandled: [], ms: 0, lines: [], branches: [] });
        continue;
      }
      outcomes.push(await this.#outcome(raw, zeroLines));
    }
    // Lines no case ever saw unexecuted are comments and type-only code (v8-to-istanbul counts a
    // line no range maps to as covered): they say nothing about what a case adds.
    for (const o of outcomes) o.lines = o.lines.filter((l) => zeroLines.has(l));
    return outcomes;
  }

  /** Deletes the workspace. */
  async dispose(): Promise<void> {
    await this.#workspace.dispose();
  }

  #casesModule(cases: readonly ProbeCase[]): string {
    const body = cases.map((c) => {
      const url = pathToFileURL(this.compiledPath(c.file)).href;
      const bind = c.imports.map((i) => `const ${i.local} = __exportOwner(await import(${JSON.stringify(url)}), ${JSON.stringify(i.name)})[${JSON.stringify(i.name)}];`).join(' ');
      const act = c.awaitAct ? `await (${c.act})` : `(${c.act})`;
      // What the case observes is read whether the call returned or threw (the doubles' records).
      const observe = c.observe === undefined ? 'undefined' : `await (${c.observe})`;
      return `  { id: ${JSON.stringify(c.id)}, run: async () => { ${bind}\n${c.setup.join('\n')}\nlet __value, __error, __threw = false;\ntry { __value = ${act}; } catch (e) { __threw = true; __error = e; }\nconst __observed = ${observe};\nif (__threw) throw { __qeThrown: __error, observed: __observed };\nreturn { value: __value, observed: __observed }; } },`;
    });
    const modules = [...new Set(cases.map((c) => pathToFileURL(this.compiledPath(c.file)).href))];
    return `${exportAccessSource(false)}\nexport const modules = ${JSON.stringify(modules)};\nexport const cases = [\n${body.join('\n')}\n];\n`;
  }

  async #outcome(raw: RawOutcome, zeroLines: Set<string>): Promise<ProbeOutcome> {
    const lines = new Set<string>();
    const branches = new Set<string>();
    for (const script of raw.coverage ?? []) {
      if (!script.functions.some((f) => f.ranges.some((r) => r.count > 0))) continue;
      const converter = v8ToIstanbul(fileURLToPath(script.url), 0);
      await converter.load();
      converter.applyCoverage(script.functions);
      for (const [path, data] of Object.entries(converter.toIstanbul())) {
        const rel = relative(join(this.#workspace.dir, 'target'), path).split(sep).join('/');
        if (rel.startsWith('..') || !this.#sources.includes(rel)) continue;
        for (const [key, count] of Object.entries(data.s)) (count > 0 ? lines : zeroLines).add(`${rel}:${data.statementMap[key]?.start.line}`);
        for (const [key, counts] of Object.entries(data.b)) {
          counts.forEach((count, arm) => {
            const loc = data.branchMap[key]?.locations[arm];
            if (count > 0 && loc) branches.add(`${rel}:${loc.start.line}`);
          });
        }
      }
      converter.destroy();
    }
    const { coverage: _coverage, ...rest } = raw;
    const outcome: ProbeOutcome = { ...rest, unhandled: raw.unhandled ?? [], lines: [...lines], branches: [...branches] };
    if (raw.status === 'threw' && raw.error) outcome.deliberate = deliberateThrow(raw.error.stack, this.#workspace.dir);
    return outcome;
  }
}

interface RawOutcome extends Omit<ProbeOutcome, 'lines' | 'branches' | 'unhandled' | 'deliberate'> {
  unhandled?: ProbeError[];
  coverage?: Array<{ url: string; functions: Array<{ functionName: string; isBlockCoverage: boolean; ranges: Array<{ startOffset: number; endOffset: number; count: number }> }> }>;
}

const FRAME = /\((file:\/\/[^)]+?|\/[^)]+?):(\d+):\d+\)|at (file:\/\/\S+?|\/\S+?):(\d+):\d+/;

/** True when the first stack frame is the target's code (workspace `root`) on a line that throws on purpose. */
function deliberateThrow(stack: string, root: string): boolean {
  for (const line of stack.split('\n')) {
    const m = FRAME.exec(line);
    const file = m?.[1] ?? m?.[3];
    const lineNo = Number(m?.[2] ?? m?.[4]);
    if (!file) continue;
    const path = file.startsWith('file:') ? fileURLToPath(file) : file;
    if (!path.startsWith(root)) return false;
    try {
      const text = readFileSync(path, 'utf8').split('\n')[lineNo - 1] ?? '';
      return /\bthrow\b|\bnew\s+\w*Error\b|\breject\(/.test(text);
    } catch {
      return false;
    }
  }
  return false;
}
