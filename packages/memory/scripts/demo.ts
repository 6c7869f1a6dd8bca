/**
 * Demo: opens the fleet database (`.memory/qe-fleet.db` at the repo root, or the path given),
 * writes a learning config, an event, a pattern and a metric the way an agent would, reads them
 * back and prints the database statistics. Run: `pnpm demo [path]`.
 */
import { fileURLToPath } from 'node:url';
import { MemoryError, SwarmMemoryManager } from '@qe-fleet/memory';

const path = process.argv[2] ?? fileURLToPath(new URL('../../../.memory/qe-fleet.db', import.meta.url));
const memory = new SwarmMemoryManager(path);
try {
  memory.initialize();
  memory.bus.on('event:stored', (e) => console.log(`bus: event ${e.type} from ${e.source}`));
  const agentId = 'test-generator-demo';
  memory.registerAgent({ id: agentId, type: 'test-generator', capabilities: ['unit-tests'], status: 'active' });
  memory.store(`phase2/learning/${agentId}/config`, { learningRate: 0.1, updatedAt: new Date() }, { partition: 'learning' });
  memory.storeEvent({ type: 'learning:training', payload: { agentId, reward: 0.8 }, source: agentId });
  memory.storePattern({ pattern: 'unit:boundary-values', confidence: 0.86, agentId });
  memory.storePerformanceMetric({ metric: 'task_duration', value: 412, unit: 'ms', agentId });

  const config = memory.retrieve<{ learningRate: number; updatedAt: Date }>(`phase2/learning/${agentId}/config`, { partition: 'learning' });
  console.log(`database: ${path}`);
  console.log(`config: learningRate ${config?.learningRate}, updated ${config?.updatedAt.toISOString()}`);
  console.log(`training events: ${memory.queryEvents({ type: 'learning:training', source: agentId }).length}`);
  console.log(`patterns ≥ 0.8: ${memory.queryPatternsByConfidence(0.8).map((p) => p.pattern).join(', ')}`);
  console.log(`mean task_duration: ${memory.getAveragePerformance({ metric: 'task_duration', agentId })} ms`);
  const stats = memory.stats();
  console.log('rows per table:', stats.tables);
  console.log(`partitions: ${JSON.stringify(stats.partitions)}, database bytes: ${stats.databaseBytes}`);
} catch (error) {
  if (!(error instanceof MemoryError)) throw error;
  console.error(`memory error ${error.code}: ${error.message}`);
  process.exitCode = 1;
} finally {
  memory.close();
}
