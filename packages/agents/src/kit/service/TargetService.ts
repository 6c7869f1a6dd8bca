import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { AgentError } from '../agent/AgentError.js';
import { assertLoopback } from './assertLoopback.js';
import { listeningPorts } from './listeningPorts.js';
import { planServiceStart } from './planServiceStart.js';
import type { ServiceStart } from './planServiceStart.js';
import { killProcessGroup } from '../process/killProcessGroup.js';

/** Options of `TargetService`. */
export interface TargetServiceOptions {
  /** The target folder (the command runs there). */
  dir: string;
  /**
   * The start command. Without `args`: a shell command (`sh -c`), like `TargetSpec.start`. With
   * `args`: the program to spawn directly. Default: `start`, else the package.json `start` script,
   * else a conventional entry (`planServiceStart`).
   */
  command?: string;
  /** Arguments of `command` when it is a program rather than a shell command (`command` then defaults to node). */
  args?: readonly string[];
  /** The user's start command (`TargetSpec.start`), used when `command` is absent. */
  start?: string;
  /** Path polled after the port accepts connections until it answers below 400 (`TargetSpec.healthPath`). */
  healthPath?: string;
  /** Milliseconds to wait for readiness (default 30 000). */
  startupTimeoutMs?: number;
  /** Milliseconds between readiness polls (default 100). */
  pollMs?: number;
  /** Milliseconds between SIGTERM and SIGKILL on stop (default 2000). */
  killGraceMs?: number;
  /** Extra environment, over `process.env` and `PORT`/`HOST`. */
  env?: Record<string, string | undefined>;
}

/**
 * What `--import tsx` gets: the tsx Node would find from the target folder, else the one above
 * this package (the workspace's), as a file URL, so a copy of a fixture outside the workspace
 * still starts; `'tsx'` when there is none (the service then fails with Node's message).
 */
export function resolveTsxLoader(dir: string): string {
  for (const start of [dir, dirname(fileURLToPath(import.meta.url))]) {
    for (let at = start; ; at = dirname(at)) {
      const manifest = join(at, 'node_modules', 'tsx', 'package.json');
      if (existsSync(manifest)) {
        const exports = (JSON.parse(readFileSync(manifest, 'utf8')) as { exports?: Record<string, unknown> }).exports?.['.'];
        const entry = typeof exports === 'string' ? exports : ((exports as { import?: unknown; default?: unknown } | undefined)?.import ?? (exports as { default?: unknown } | undefined)?.default);
        if (typeof entry === 'string') return pathToFileURL(join(dirname(manifest), entry)).href;
      }
      if (dirname(at) === at) break;
    }
  }
  return 'tsx';
}

/** A free loopback port (the OS picks it; the listener is closed before the service binds it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts a target's HTTP service and stops it. The command runs in the target folder in its own
 * process group with `PORT=<free port>`, `HOST=127.0.0.1` and `node_modules/.bin` on PATH.
 * Readiness is polled, never read from the output: the port given in `PORT` accepting connections,
 * or (for a service that ignores `PORT`) a port the child's process group listens on; then
 * `healthPath` answering below 400 when given. `start` settles within the startup timeout, with
 * the base URL or AgentError SERVICE_START_FAILED carrying the tail of the output; on failure and
 * on `stop` the whole group is killed (SIGTERM, then SIGKILL).
 */
export class TargetService {
  readonly #options: TargetServiceOptions;
  #child: ChildProcess | undefined;
  #baseUrl: string | undefined;
  #plan: ServiceStart | undefined;

  constructor(options: TargetServiceOptions) {
    this.#options = options;
  }

  /** The running service's base URL, e.g. `http://127.0.0.1:41234`. */
  get baseUrl(): string | undefined {
    return this.#baseUrl;
  }

  /** The command that was (or will be) run and where it came from; undefined before `start` decides. */
  get plan(): ServiceStart | undefined {
    return this.#plan;
  }

  /** Starts the service and resolves with its base URL; a second call returns the same URL. */
  async start(): Promise<string> {
    if (this.#baseUrl !== undefined) return this.#baseUrl;
    const { dir, startupTimeoutMs = 30_000, pollMs = 100, env } = this.#options;
    const plan = this.#planStart();
    this.#plan = plan;
    const port = await freePort();
    const tsx = resolveTsxLoader(dir);
    const binPath = [join(dir, 'node_modules', '.bin'), process.env['PATH'] ?? ''].join(delimiter);
    const childEnv: Record<string, string | undefined> = {
      ...process.env,
      // A test runner's NODE_ENV=test makes many apps skip `listen()`; the service runs as its users run it.
      NODE_ENV: process.env['NODE_ENV'] === 'test' ? undefined : process.env['NODE_ENV'],
      PATH: binPath,
      PORT: String(port),
      HOST: '127.0.0.1',
      ...env,
    };
    const child = this.#options.args !== undefined
      ? spawn(this.#options.command ?? process.execPath, this.#options.args, { cwd: dir, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: childEnv })
      : spawn('sh', ['-c', withTsx(plan.command, tsx)], { cwd: dir, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: childEnv });
    this.#child = child;
    let output = '';
    const keep = (chunk: Buffer): void => {
      output = (output + chunk.toString('utf8')).slice(-16 * 1024);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    let exited: string | undefined;
    let spawnError: Error | undefined;
    child.on('exit', (code, signal) => {
      exited = `exited before accepting connections (code ${code}, signal ${signal})`;
    });
    child.on('error', (error) => {
      spawnError = error;
    });
    const fail = async (why: string, cause?: unknown): Promise<never> => {
      await this.stop();
      const tail = output.trim().slice(-2000);
      throw new AgentError('SERVICE_START_FAILED', `service in ${dir} (${plan.command}, from ${describeFrom(plan.from)}) ${why}${tail ? `:\n${tail}` : ''}`, { cause });
    };
    const deadline = Date.now() + startupTimeoutMs;
    let ready: number | undefined;
    while (ready === undefined) {
      if (spawnError !== undefined) return fail(`could not be spawned (${spawnError.message})`, spawnError);
      if (exited !== undefined) return fail(exited);
      if (Date.now() > deadline) return fail(`did not accept connections on port ${port} (PORT) or any port of its own within ${startupTimeoutMs} ms`);
      if (await accepts(port)) ready = port;
      else if (child.pid !== undefined) {
        const own = await listeningPorts(child.pid);
        // Give a PORT-honouring service's own port precedence; else the first port the group opened.
        if (own.length > 0 && !own.includes(port)) ready = own[0];
      }
      if (ready === undefined) await sleep(pollMs);
    }
    const baseUrl = assertLoopback(`http://127.0.0.1:${ready}`).origin;
    if (this.#options.healthPath !== undefined) {
      const health = new URL(this.#options.healthPath, `${baseUrl}/`).href;
      let last = 'no answer';
      for (;;) {
        if (exited !== undefined) return fail(exited);
        if (Date.now() > deadline) return fail(`accepted connections but ${health} did not answer below 400 within ${startupTimeoutMs} ms (last: ${last})`);
        try {
          const response = await fetch(health, { redirect: 'manual', signal: AbortSignal.timeout(2000) });
          await response.arrayBuffer();
          if (response.status < 400) break;
          last = `status ${response.status}`;
        } catch (error) {
          last = error instanceof Error ? error.message : String(error);
        }
        await sleep(pollMs);
      }
    }
    this.#baseUrl = baseUrl;
    return baseUrl;
  }

  /**
   * Kills the service's process group at once (SIGKILL), synchronously: for a forced exit, where
   * `process.exit` skips every pending `stop()` and the service would outlive its caller.
   */
  killNow(): void {
    const pid = this.#child?.pid;
    if (pid !== undefined) killProcessGroup(pid, 'SIGKILL');
  }

  /** Stops the service's process group: SIGTERM, then SIGKILL after the grace period. Idempotent. */
  async stop(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    this.#baseUrl = undefined;
    if (child?.pid === undefined) return;
    const grace = this.#options.killGraceMs ?? 2000;
    const exited = child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((resolve) => child.once('exit', () => resolve()));
    // The group is signalled even when the shell already exited: its children may still run.
    killProcessGroup(child.pid, 'SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), grace);
    });
    if (await Promise.race([exited.then(() => false), timedOut])) {
      killProcessGroup(child.pid, 'SIGKILL');
      await Promise.race([exited, sleep(grace)]);
    }
    clearTimeout(timer);
    // Whatever of the group outlived the shell (a server started by `npm start`) gets SIGKILL too,
    // and stop() returns once the group is gone: its port is then really closed.
    killProcessGroup(child.pid, 'SIGKILL');
    for (const until = Date.now() + grace; groupAlive(child.pid) && Date.now() < until; ) await sleep(20);
    child.stdout?.destroy();
    child.stderr?.destroy();
  }

  /**
   * How the service of the target in `dir` would start (the user's `start`, the `start` script, a
   * conventional entry), or undefined when it shows none: lets a caller skip starting a library.
   */
  static planFor(dir: string, start?: string): ServiceStart | undefined {
    let packageJson: Record<string, unknown> = {};
    try {
      packageJson = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
    } catch {
      // No package.json: only a given command or a conventional entry can start it.
    }
    return planServiceStart(dir, packageJson, start);
  }

  #planStart(): ServiceStart {
    const { dir, command, args, start } = this.#options;
    if (args !== undefined) return { command: [command ?? 'node', ...args].join(' '), from: 'spec' };
    if (command !== undefined) return { command, from: 'spec' };
    const plan = TargetService.planFor(dir, start);
    if (plan === undefined) {
      throw new AgentError('UNSUPPORTED_TARGET', `target ${dir} shows no service to start: no start command given (--start), no "start" script, no conventional entry (server.js, app.js, src/server.ts, …)`);
    }
    return plan;
  }
}

/** Whether any process of group `pgid` still exists (signal 0 probes without signalling). */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but is not ours to signal; only ESRCH means gone.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function describeFrom(from: ServiceStart['from']): string {
  return from === 'spec' ? 'the given start command' : from === 'script' ? 'the package.json start script' : 'a conventional entry file';
}

/** `--import tsx` / `--loader tsx` pointed at a tsx that resolves (see `resolveTsxLoader`). */
export function withTsx(command: string, tsx: string): string {
  if (tsx === 'tsx') return command;
  return command.replace(/(--(?:import|loader|require)[= ])tsx(?=\s|$)/g, `$1${tsx}`);
}

/**
 * Runs `fn` with a base URL for `target`: its own `baseUrl` when given (checked to be loopback;
 * its path is kept, without a trailing slash), else a TargetService started for the run (the
 * target's `start` and `healthPath` honoured) and stopped afterwards, whatever `fn` does.
 */
export async function withService<T>(
  target: { dir: string; baseUrl?: string; start?: string; healthPath?: string },
  fn: (baseUrl: string) => Promise<T>,
  options: Omit<TargetServiceOptions, 'dir'> = {},
): Promise<T> {
  if (target.baseUrl !== undefined) return fn(assertLoopback(target.baseUrl).href.replace(/\/+$/, ''));
  const service = new TargetService({
    ...(target.start === undefined ? {} : { start: target.start }),
    ...(target.healthPath === undefined ? {} : { healthPath: target.healthPath }),
    ...options,
    dir: target.dir,
  });
  try {
    return await fn(await service.start());
  } finally {
    await service.stop();
  }
}
