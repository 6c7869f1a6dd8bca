import { spawn } from 'node:child_process';
import { AgentError } from '../agent/AgentError.js';
import { killProcessGroup } from './killProcessGroup.js';

/** Options of `runProcess`. */
export interface RunProcessOptions {
  cwd: string;
  /** Milliseconds before the whole process group is killed (default 60 000). */
  timeoutMs?: number;
  /** Extra environment, merged over `process.env`. */
  env?: Record<string, string | undefined>;
  signal?: AbortSignal;
  /** Bytes kept per stream; the rest is dropped (the tail is what explains a failure). Default 4 MiB. */
  maxOutputBytes?: number;
  /** Milliseconds between SIGTERM and SIGKILL of the group (default 2000). */
  killGraceMs?: number;
  /** Clock for `durationMs`; injectable so durations are deterministic in tests. */
  now?: () => number;
}

/** What a finished (or killed) child process left behind. */
export interface ProcessResult {
  exitCode: number | null;
  /** The signal that ended it, if one did. */
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  aborted: boolean;
  durationMs: number;
}

class OutputBuffer {
  #chunks: Buffer[] = [];
  #bytes = 0;
  readonly #max: number;

  constructor(max: number) {
    this.#max = max;
  }

  push(chunk: Buffer): void {
    this.#chunks.push(chunk);
    this.#bytes += chunk.length;
    while (this.#bytes > this.#max && this.#chunks.length > 1) this.#bytes -= this.#chunks.shift()?.length ?? 0;
  }

  toString(): string {
    return Buffer.concat(this.#chunks).toString('utf8');
  }
}

/**
 * Runs a command in its own process group, captures stdout/stderr and always settles: on timeout
 * or abort the group gets SIGTERM, then SIGKILL after a grace period, and if the pipes still do not
 * close (a detached grandchild holding them) the result is returned anyway. A non-zero exit is a
 * result, not an error (linters exit 1 on findings); only a command that cannot be spawned throws
 * AgentError TOOL_FAILED.
 */
export function runProcess(command: string, args: readonly string[], options: RunProcessOptions): Promise<ProcessResult> {
  const { cwd, timeoutMs = 60_000, env, signal, maxOutputBytes = 4 * 1024 * 1024, killGraceMs = 2000, now = Date.now } = options;
  const started = now();
  return new Promise<ProcessResult>((resolve, reject) => {
    const stdout = new OutputBuffer(maxOutputBytes);
    const stderr = new OutputBuffer(maxOutputBytes);
    let timedOut = false;
    let aborted = false;
    let settled = false;
    const timers: NodeJS.Timeout[] = [];
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });

    const finish = (exitCode: number | null, exitSignal: NodeJS.Signals | null): void => {
      if (settled) return;
      settled = true;
      for (const t of timers) clearTimeout(t);
      signal?.removeEventListener('abort', onAbort);
      resolve({ exitCode, signal: exitSignal, stdout: stdout.toString(), stderr: stderr.toString(), timedOut, aborted, durationMs: now() - started });
    };
    const stop = (): void => {
      killProcessGroup(child.pid, 'SIGTERM');
      timers.push(setTimeout(() => killProcessGroup(child.pid, 'SIGKILL'), killGraceMs).unref());
      timers.push(
        setTimeout(() => {
          child.stdout.destroy();
          child.stderr.destroy();
          finish(child.exitCode, child.signalCode);
        }, killGraceMs * 2).unref(),
      );
    };
    const onAbort = (): void => {
      aborted = true;
      stop();
    };

    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (error) => {
      if (settled) return;
      settled = true;
      for (const t of timers) clearTimeout(t);
      signal?.removeEventListener('abort', onAbort);
      reject(new AgentError('TOOL_FAILED', `cannot run ${command}: ${error.message}`, { cause: error }));
    });
    child.on('close', (code, sig) => finish(code, sig));
    timers.push(
      setTimeout(() => {
        timedOut = true;
        stop();
      }, timeoutMs),
    );
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
}
