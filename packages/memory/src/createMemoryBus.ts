import mittImport from 'mitt';
import type { MemoryBus, MemoryBusEvents } from './types.js';

// mitt's types describe its CommonJS build, where the factory is `.default`; Node loads its ESM
// build, where the factory is the default export itself. Accept both.
const mitt = ((mittImport as unknown as { default?: unknown }).default ?? mittImport) as typeof mittImport.default;

/** Creates a bus; pass it to several managers (option `bus`) to hear them all in one place. */
export function createMemoryBus(): MemoryBus {
  return mitt<MemoryBusEvents>();
}
