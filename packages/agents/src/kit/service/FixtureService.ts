import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { AgentError } from '../agent/AgentError.js';
import { assertLoopback } from './assertLoopback.js';
import { killProcessGroup } from '../process/killProcessGroup.js';

/** Options of `FixtureService`. */
export interface FixtureServiceOptions {
  /** The target folder (the command runs there). */
  dir: string;
  /** Default `process.execPath` (node). */
  command?: string;
  /** Default `['--import', <tsx>, 'src/server.ts']`, the sample target's documented start command (tsx from `resolveTsxLoader`). */
  args?: readonly string[];
  /** Milliseconds to wait for the `listening on` line (default 20 000). */
  startupTimeoutMs?: number;
  /** Milliseconds between SIGTERM and SIGKILL on stop (default 2000). */
  killGraceMs?: number;
  env?: Record<string, string | undefined>;
}

/**
 * What `--import` gets for tsx: the tsx Node would find from the target folder, else the one
 * above this package (the workspace's), as a file URL, so a copy of a fixture outside the
 * workspace still starts; `'tsx'` when there is none (the service then fails with Node's message).
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

/** The line a fixture service prints once it accepts connections. */
const LISTENING = /listening on (https?:\/\/(?:127\.\d+\.\d+\.\d+|localhost|\[::1\]):\d+)/i;

/**
 * Starts a target's HTTP service on a free loopback port (PORT=0, HOST=127.0.0.1) and stops it.
 * The service runs in its own process group so stopping it also stops the tsx loader's children.
 * `start` settles within the startup timeout: with the base URL the service printed, or with
 * AgentError SERVICE_START_FAILED carrying the tail of its stderr.
 */
export class FixtureService {
  readonly #options: FixtureServiceOptions;
  #child: ChildProcess | undefined;
  #baseUrl: string | undefined;

  constructor(options: FixtureServiceOptions) {
    this.#options = options;
  }

  /** The running service's base URL, e.g. `http://127.0.0.1:41234`. */
  get baseUrl(): string | undefined {
    return this.#baseUrl;
  }

  /** Starts the service and resolves with its base URL; a second call returns the same URL. */
  async start(): Promise<string> {
    if (this.#baseUrl !== undefined) return this.#baseUrl;
    const { dir, command = process.execPath, startupTimeoutMs = 20_000, env } = this.#options;
    const args = this.#options.args ?? ['--import', resolveTsxLoader(dir), 'src/server.ts'];
    if (this.#options.args === undefined && !existsSync(join(dir, 'src/server.ts'))) {
      throw new AgentError('UNSUPPORTED_TARGET', `target ${dir} has no src/server.ts to start and no start command was given`);
    }
    const child = spawn(command, args, {
      cwd: dir,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', NODE_ENV: 'test', ...env },
    });
    this.#child = child;
    let stdout = '';
    let stderr = '';
    try {
      this.#baseUrl = await new Promise<string>((resolve, reject) => {
        const fail = (why: string, cause?: unknown): void => {
          clearTimeout(timer);
          const tail = `${stderr}\n${stdout}`.trim().slice(-2000);
          reject(new AgentError('SERVICE_START_FAILED', `service in ${dir} ${why}${tail ? `:\n${tail}` : ''}`, { cause }));
        };
        const timer = setTimeout(() => fail(`did not print "listening on http://127.0.0.1:PORT" within ${startupTimeoutMs} ms`), startupTimeoutMs);
        child.stdout?.on('data', (chunk: Buffer) => {
          stdout = (stdout + chunk.toString('utf8')).slice(-64 * 1024);
          const match = LISTENING.exec(stdout);
          if (match?.[1] === undefined) return;
          clearTimeout(timer);
          try {
            resolve(assertLoopback(match[1]).origin);
          } catch (error) {
            reject(AgentError.from(error));
          }
        });
        child.stderr?.on('data', (chunk: Buffer) => {
          stderr = (stderr + chunk.toString('utf8')).slice(-64 * 1024);
        });
        child.on('error', (error) => fail(`could not be spawned (${error.message})`, error));
        child.on('exit', (code, signal) => fail(`exited before listening (code ${code}, signal ${signal})`));
      });
    } catch (error) {
      await this.stop();
      throw error;
    }
    return this.#baseUrl;
  }

  /** Stops the service's process group: SIGTERM, then SIGKILL after the grace period. Idempotent. */
  async stop(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    this.#baseUrl = undefined;
    if (child?.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    killProcessGroup(child.pid, 'SIGTERM');
    const grace = this.#options.killGraceMs ?? 2000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), grace);
    });
    if (await Promise.race([exited.then(() => false), timedOut])) {
      killProcessGroup(child.pid, 'SIGKILL');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, grace))]);
    }
    clearTimeout(timer);
    child.stdout?.destroy();
    child.stderr?.destroy();
  }
}

/**
 * Runs `fn` with a base URL for `target`: its own `baseUrl` when given (checked to be loopback),
 * else a FixtureService started for the run and stopped afterwards, whatever `fn` does.
 */
export async function withService<T>(
  target: { dir: string; baseUrl?: string },
  fn: (baseUrl: string) => Promise<T>,
  options: Omit<FixtureServiceOptions, 'dir'> = {},
): Promise<T> {
  if (target.baseUrl !== undefined) return fn(assertLoopback(target.baseUrl).origin);
  const service = new FixtureService({ ...options, dir: target.dir });
  try {
    return await fn(await service.start());
  } finally {
    await service.stop();
  }
}
