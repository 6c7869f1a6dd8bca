import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Logger } from './types.js';

/** Options of a {@link WalCheckpointer}. */
export interface WalCheckpointerOptions {
  /** The database file (already in WAL mode). */
  path: string;
  /** How often the thread copies the WAL into the database while nothing is written, in ms. */
  intervalMs: number;
  /** The same while a writer keeps adding frames, in ms. */
  busyIntervalMs: number;
  logger: Logger;
}

/** The handshake slot: the thread opens its connection only if `close()` has not run yet. */
const BOOTING = 0;
const OPEN = 1;
const CLOSED = 2;
const CANCELLED = 3;
/** How long `close()` waits for the thread to close its connection. */
const STOP_TIMEOUT_MS = 2000;

// CommonJS, run with `eval`: it must load in the built package and under a TypeScript test
// runner alike, so it resolves nothing relative to this file (the driver's path comes in).
const THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const state = new Int32Array(workerData.state);
if (Atomics.compareExchange(state, 0, ${BOOTING}, ${OPEN}) === ${BOOTING}) {
  let db;
  try {
    db = new Database(workerData.path, { fileMustExist: true });
  } catch (error) {
    parentPort.postMessage(String(error && error.message || error));
  }
  let timer;
  let copied = 0;
  const tick = () => {
    let busy = false;
    try {
      const [result] = db.pragma('wal_checkpoint(PASSIVE)');
      // Frames copied since the last look: a writer is busy, so look again soon.
      busy = result.checkpointed !== copied;
      copied = result.checkpointed;
    } catch (error) {
      parentPort.postMessage(String(error && error.message || error));
    }
    timer = setTimeout(tick, busy ? workerData.busyIntervalMs : workerData.intervalMs);
  };
  if (db) tick();
  parentPort.once('message', () => {
    clearTimeout(timer);
    db?.close();
    Atomics.store(state, 0, ${CLOSED});
    Atomics.notify(state, 0);
    parentPort.close();
  });
}
`;

/**
 * Copies a database's WAL back into the database file from a worker thread, with its own
 * connection: a checkpoint copies pages and syncs the WAL and the database to disk, which on the
 * writer's thread stalls whichever commit or timer tick it lands in. A
 * PASSIVE checkpoint never blocks the writer, and the writer's own automatic checkpoint then finds
 * the frames already copied. The thread never keeps the process alive.
 */
export class WalCheckpointer {
  readonly #worker: Worker;
  readonly #state = new Int32Array(new SharedArrayBuffer(4));
  #closed = false;

  constructor(options: WalCheckpointerOptions) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.#worker = new Worker(THREAD_SOURCE, {
      eval: true,
      workerData: { driver, path: options.path, intervalMs: options.intervalMs, busyIntervalMs: options.busyIntervalMs, state: this.#state.buffer },
    });
    this.#worker.on('message', (message: string) => options.logger.warn(`memory: background WAL checkpoint failed: ${message}`));
    this.#worker.on('error', (error) => options.logger.error('memory: the WAL checkpoint thread failed', error));
    this.#worker.unref();
  }

  /**
   * Stops the thread and waits (synchronously, at most 2 s) until its connection is closed, so
   * the caller's connection can be the last one and SQLite removes the WAL when it closes.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (Atomics.compareExchange(this.#state, 0, BOOTING, CANCELLED) === BOOTING) {
      // The thread has not opened its connection and now never will.
      void this.#worker.terminate();
      return;
    }
    this.#worker.postMessage('stop');
    Atomics.wait(this.#state, 0, OPEN, STOP_TIMEOUT_MS);
  }
}
