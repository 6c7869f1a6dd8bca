import { existsSync } from 'node:fs';
import { MemoryError, SwarmMemoryManager } from '@qe-fleet/memory';
import { FleetError } from './FleetError.js';

/**
 * Opens the fleet database with a user-facing error instead of a stack trace: a missing file for
 * a command that only reads, a read-only or corrupt file, or a schema newer than this version.
 */
export function openMemory(path: string, options: { mustExist?: boolean; readonly?: boolean; checkpointThread?: boolean } = {}): SwarmMemoryManager {
  if (options.mustExist && path !== ':memory:' && !existsSync(path)) {
    throw new FleetError('DATABASE', `no fleet database at ${path} (run \`qe-fleet run\` first, or pass --db)`);
  }
  const memory = new SwarmMemoryManager(path, { readonly: options.readonly ?? false, ...(options.checkpointThread === undefined ? {} : { checkpointThread: options.checkpointThread }) });
  try {
    memory.initialize();
  } catch (error) {
    memory.close();
    if (error instanceof MemoryError) {
      throw new FleetError('DATABASE', `cannot open database ${path}: ${error.message} [${error.code}]`, { cause: error });
    }
    throw error;
  }
  return memory;
}

/** Opens the database for one command and closes it when `fn` is done, also when it throws. */
export async function withMemory<T>(
  path: string,
  fn: (memory: SwarmMemoryManager) => T | Promise<T>,
  options: { mustExist?: boolean } = { mustExist: true },
): Promise<T> {
  const memory = openMemory(path, options);
  try {
    return await fn(memory);
  } finally {
    memory.close();
  }
}
